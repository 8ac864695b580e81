// A manifold of N parallel branches on linear laws (PlateBranch with b = 0: dp = a Q) between two
// fixed pressures, against its closed form, for direct and reverse return.
//
// Network: "in" (p = dP) -r-> S1 -r-> S2 ... SN (supply header), branch i: Si -R-> Ri, return
// header of segments r: direct return Ri+1 -> Ri, R1 -r-> "out" (p = 0); reverse return
// Ri -> Ri+1, RN -r-> "out". Let d_i = p(Si) - p(Ri), so branch flow b_i = d_i / R, and
// lambda = 2 r / R, cosh(theta) = 1 + lambda / 2.
//
// Direct return: supply segment i+1 and return segment i+1 both carry q_(i+1) = sum_(j>i) b_j,
// so d_i - d_(i+1) = 2 r q_(i+1) = lambda sum_(j>i) d_j. Differencing twice,
//   d_(i+1) - (2 + lambda) d_i + d_(i-1) = 0,
// with d_0 = dP (the inlet and outlet segments carry the total flow: dP - d_1 = 2 r Q) and a
// ghost d_(N+1) = d_N (nothing flows past branch N). The solution symmetric about N + 1/2 is
//   d_i = dP cosh(theta (N + 1/2 - i)) / cosh(theta (N + 1/2)).
// Reverse return: the supply segment into S(i+1) carries Q - s_i and the return segment out of
// Ri carries s_i = sum_(j<=i) b_j, so d_i - d_(i+1) = r (Q - 2 s_i); differencing gives the same
// recurrence. Mapping Si <-> R(N+1-i), in <-> out, p -> dP - p and reversing every flow maps the
// network onto itself, so b_i = b_(N+1-i):
//   d_i = A cosh(theta (i - (N+1)/2)).
// By that symmetry s_i + s_(N-i) = Q, so the path in -> S1 -> R1 -> ... -> RN -> out gives
//   dP = 2 r Q + d_1 + r sum_(i=1)^(N-1) s_i = d_1 + r Q (N + 3) / 2,
// with Q = sum d_i / R = (A / R) sinh(N theta / 2) / sinh(theta / 2), which fixes A.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "solver/loop/gga.hpp"

using namespace kelvin;

namespace {

struct Manifold {
  int n = 0;
  double dp_Pa = 0, header_Pa_s_m3 = 0, branch_Pa_s_m3 = 0;  // dP, r, R
  bool reverse_return = false;
};

std::string at(const char* prefix, int i) { return prefix + std::to_string(i); }

Network build(const Manifold& m) {
  Network net(make_coolant("water", 0), 300.0);
  net.add_fixed_pressure("in", m.dp_Pa);
  net.add_fixed_pressure("out", 0.0);
  const PlateBranch header{m.header_Pa_s_m3, 0.0}, branch{m.branch_Pa_s_m3, 0.0};
  for (int i = 1; i <= m.n; ++i) {
    net.add_junction(at("S", i));
    net.add_junction(at("R", i));
  }
  for (int i = 1; i <= m.n; ++i) {
    net.add_link(at("branch", i), at("S", i), at("R", i), branch);
    net.add_link(at("supply", i), i == 1 ? "in" : at("S", i - 1), at("S", i), header);
    if (m.reverse_return)
      net.add_link(at("return", i), at("R", i), i == m.n ? "out" : at("R", i + 1), header);
    else
      net.add_link(at("return", i), at("R", i), i == 1 ? "out" : at("R", i - 1), header);
  }
  return net;
}

/// Branch flows b_1 .. b_N [m^3/s] by the closed forms in the header comment.
std::vector<double> closed_form(const Manifold& m) {
  const double r = m.header_Pa_s_m3, big_r = m.branch_Pa_s_m3, n = m.n;
  const double theta = std::acosh(1.0 + r / big_r);  // cosh(theta) = 1 + lambda / 2
  std::vector<double> b(m.n);
  if (!m.reverse_return) {
    for (int i = 1; i <= m.n; ++i)
      b[i - 1] = m.dp_Pa * std::cosh(theta * (n + 0.5 - i)) / std::cosh(theta * (n + 0.5)) / big_r;
    return b;
  }
  const double sum_cosh = std::sinh(0.5 * n * theta) / std::sinh(0.5 * theta);
  const double a =
      m.dp_Pa / (std::cosh(theta * 0.5 * (n - 1)) + r / big_r * 0.5 * (n + 3) * sum_cosh);
  for (int i = 1; i <= m.n; ++i) b[i - 1] = a * std::cosh(theta * (i - 0.5 * (n + 1))) / big_r;
  return b;
}

/// Kelvin's branch flows, in branch order.
std::vector<double> solved(const Manifold& m) {
  const Network net = build(m);
  const HydraulicSolution s = solve_hydraulics(net);
  std::vector<double> b;
  for (std::size_t k = 0; k < net.links.size(); ++k)
    if (net.links[k].name.rfind("branch", 0) == 0) b.push_back(s.flow_m3_s[k]);
  return b;
}

double max_over_min(const std::vector<double>& q) {
  const auto [lo, hi] = std::minmax_element(q.begin(), q.end());
  return *hi / *lo;
}

}  // namespace

// Kelvin's flows equal the closed forms to 1e-10 relative (the pressure system is solved by a
// sparse LDL^T, whose round-off grows with its condition number, ~N^2 R / r here), for N = 1,
// 2, 7, 72 and headers from 1e-2 to 1e-4 of a branch's resistance (at 1e-2 and N = 72 the far
// branch gets 1e-4 of the near one's flow).
TEST(LoopManifoldAnalytic, LinearManifoldMatchesClosedForm) {
  double worst = 0;
  for (int n : {1, 2, 7, 72})
    for (double r : {1e7, 1e6, 1e5})
      for (bool reverse : {false, true}) {
        const Manifold m{n, 1e5, r, 1e9, reverse};
        const std::vector<double> want = closed_form(m), got = solved(m);
        ASSERT_EQ(got.size(), want.size());
        for (int i = 0; i < n; ++i) {
          const double diff = std::abs(got[i] / want[i] - 1.0);
          worst = std::max(worst, diff);
          EXPECT_LT(diff, 1e-10) << "N " << n << ", r " << r << (reverse ? " reverse" : " direct")
                                 << ", branch " << i + 1;
        }
      }
  std::printf("linear manifolds: largest relative difference from the closed form %.2e\n", worst);
}

// With 72 branches, reverse return evens the flows (max/min) against direct return; the closed
// forms give cosh(theta (N - 1/2)) / cosh(theta / 2) and, the ends against the two middle
// branches, cosh(theta (N - 1) / 2) / cosh(theta / 2).
TEST(LoopManifoldAnalytic, ReverseReturnIsMoreEvenThanDirectReturn) {
  const Manifold direct{72, 1e5, 1e6, 1e9, false};
  Manifold reverse = direct;
  reverse.reverse_return = true;
  const double theta = std::acosh(1.0 + 1e6 / 1e9);
  const double d = max_over_min(solved(direct)), r = max_over_min(solved(reverse));
  EXPECT_LT(r, d);
  EXPECT_NEAR(d, std::cosh(theta * 71.5) / std::cosh(theta * 0.5), 1e-10);
  EXPECT_NEAR(r, std::cosh(theta * 35.5) / std::cosh(theta * 0.5), 1e-10);
  std::printf("72 linear branches: max/min flow direct return %.6f, reverse return %.6f\n", d, r);
}
