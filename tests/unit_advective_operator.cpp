// Advective operators store whole couplings (operator.hpp): up = a + u and lo = a + l, with a
// the diffusive coupling and u, l the upwind mass-flux extras. Checks the operator's action
// and the multigrid's coarse operators against host references built from a, u and l apart:
// coarse diffusive couplings are scaled by gamma, mass fluxes are not.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "solver/numerics/multigrid.hpp"
#include "tests/reference.hpp"

using namespace kelvin;

namespace {

constexpr int N[3] = {13, 10, 7};

struct HostOperator {
  std::vector<double> ap, a[3], u[3], l[3], b[3];
};

std::size_t at(int i, int j, int k, const int n[3]) {
  return static_cast<std::size_t>(i) + n[0] * (static_cast<std::size_t>(j) + n[1] * k);
}

/// Random diffusive couplings, upwind extras (one of u, l nonzero per face, as upwinding gives),
/// boundary conductances and storage; couplings across the domain's edge are zero.
HostOperator random_operator() {
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> U(0.1, 1.0);
  const std::size_t cells = static_cast<std::size_t>(N[0]) * N[1] * N[2];
  HostOperator h;
  h.ap.assign(cells, 0.0);
  for (int d = 0; d < 3; ++d) h.a[d] = h.u[d] = h.l[d] = h.b[d] = std::vector<double>(cells, 0.0);
  for (int k = 0; k < N[2]; ++k)
    for (int j = 0; j < N[1]; ++j)
      for (int i = 0; i < N[0]; ++i) {
        const int c[3] = {i, j, k};
        const std::size_t p = at(i, j, k, N);
        for (int d = 0; d < 3; ++d) {
          h.b[d][p] = (c[d] == 0 || c[d] == N[d] - 1) ? U(gen) : 0.0;
          if (c[d] + 1 == N[d]) continue;
          h.a[d][p] = U(gen);
          (U(gen) < 0.55 ? h.u[d][p] : h.l[d][p]) = 3 * U(gen);  // flow along -d or +d
        }
      }
  for (int k = 0; k < N[2]; ++k)
    for (int j = 0; j < N[1]; ++j)
      for (int i = 0; i < N[0]; ++i) {
        const int c[3] = {i, j, k};
        const std::size_t p = at(i, j, k, N);
        double ap = 0.2 * U(gen);  // storage
        for (int d = 0; d < 3; ++d) {
          ap += h.b[d][p] + h.a[d][p] + h.u[d][p];
          if (c[d] > 0) {
            int m[3] = {i, j, k};
            --m[d];
            const std::size_t q = at(m[0], m[1], m[2], N);
            ap += h.a[d][q] + h.l[d][q];
          }
        }
        h.ap[p] = ap;
      }
  return h;
}

Stencil7 device_operator(const HostOperator& h) {
  Stencil7 A(N[0], N[1], N[2]);
  A.ap.from_host(h.ap);
  Field<double>* a[3] = {&A.ax, &A.ay, &A.az};
  Field<double>* b[3] = {&A.bx, &A.by, &A.bz};
  for (int d = 0; d < 3; ++d) a[d]->from_host(h.a[d]), b[d]->from_host(h.b[d]);
  A.enable_advection();
  for (int d = 0; d < 3; ++d) {
    std::vector<double> up(h.a[d]), lo(h.a[d]);
    for (std::size_t p = 0; p < up.size(); ++p) up[p] += h.u[d][p], lo[p] += h.l[d][p];
    A.up[d].from_host(up);
    A.lo[d].from_host(lo);
  }
  return A;
}

using reference::max_abs_diff;

}  // namespace

TEST(AdvectiveOperator, AppliesTheWholeCouplings) {
  const HostOperator h = random_operator();
  const Stencil7 A = device_operator(h);
  std::mt19937 gen(3);
  std::uniform_real_distribution<double> U(-1.0, 1.0);
  std::vector<double> x(h.ap.size());
  for (double& v : x) v = U(gen);
  Field<double> fx(N[0], N[1], N[2]), fy(N[0], N[1], N[2]);
  fx.from_host(x);
  apply(A, fx, fy);
  // (A x)_P = ap x_P - sum_d [(a + u)_P x_{P+d} + (a + l)_{P-d} x_{P-d}]
  std::vector<double> want(x.size());
  for (int k = 0; k < N[2]; ++k)
    for (int j = 0; j < N[1]; ++j)
      for (int i = 0; i < N[0]; ++i) {
        const int c[3] = {i, j, k};
        const std::size_t p = at(i, j, k, N);
        double v = h.ap[p] * x[p];
        for (int d = 0; d < 3; ++d) {
          int hi[3] = {i, j, k}, lo[3] = {i, j, k};
          ++hi[d], --lo[d];
          if (c[d] + 1 < N[d]) v -= (h.a[d][p] + h.u[d][p]) * x[at(hi[0], hi[1], hi[2], N)];
          if (c[d] > 0) {
            const std::size_t q = at(lo[0], lo[1], lo[2], N);
            v -= (h.a[d][q] + h.l[d][q]) * x[q];
          }
        }
        want[p] = v;
      }
  EXPECT_LT(max_abs_diff(fy.to_host(), want), 1e-12);
}

TEST(AdvectiveOperator, CoarseLevelScalesDiffusionButNotMassFlux) {
  const HostOperator h = random_operator();
  const Stencil7 A = device_operator(h);
  MultigridOptions o;
  o.coarse_scaling = 0.5;
  o.single_precision = false;  // compared to double round-off
  Multigrid mg(A, o);
  ASSERT_GE(mg.levels(), 2);
  const std::array<int, 3> f = mg.coarsening(0);
  const int nc[3] = {(N[0] + f[0] - 1) / f[0], (N[1] + f[1] - 1) / f[1], (N[2] + f[2] - 1) / f[2]};
  const Stencil7& C = mg.level_operator(1);
  ASSERT_EQ(C.ap.nx(), nc[0]);
  ASSERT_EQ(C.ap.ny(), nc[1]);
  ASSERT_EQ(C.ap.nz(), nc[2]);
  ASSERT_TRUE(C.advective());
  const std::size_t ncells = static_cast<std::size_t>(nc[0]) * nc[1] * nc[2];
  std::vector<double> a[3], up[3], lo[3];
  for (int d = 0; d < 3; ++d) a[d] = up[d] = lo[d] = std::vector<double>(ncells, 0.0);
  // Through the high face of coarse cell C along d: the fine faces of its last fine layer.
  for (int k = 0; k < N[2]; ++k)
    for (int j = 0; j < N[1]; ++j)
      for (int i = 0; i < N[0]; ++i) {
        const int c[3] = {i, j, k};
        const std::size_t p = at(i, j, k, N), q = at(i / f[0], j / f[1], k / f[2], nc);
        for (int d = 0; d < 3; ++d) {
          const bool last = (c[d] + 1) % f[d] == 0 || c[d] + 1 == N[d];
          if (!last) continue;
          const double g = f[d] == 2 ? 0.5 : 1.0;
          a[d][q] += g * h.a[d][p];
          up[d][q] += g * h.a[d][p] + h.u[d][p];
          lo[d][q] += g * h.a[d][p] + h.l[d][p];
        }
      }
  const Field<double>* ca[3] = {&C.ax, &C.ay, &C.az};
  for (int d = 0; d < 3; ++d) {
    EXPECT_LT(max_abs_diff(ca[d]->to_host(), a[d]), 1e-12) << "axis " << d;
    EXPECT_LT(max_abs_diff(C.up[d].to_host(), up[d]), 1e-12) << "axis " << d;
    EXPECT_LT(max_abs_diff(C.lo[d].to_host(), lo[d]), 1e-12) << "axis " << d;
  }
}
