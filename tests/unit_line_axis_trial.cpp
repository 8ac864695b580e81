// The multigrid line axis chosen by trial (solver/numerics/line_axis_trial.hpp): the strongest
// axis where conduction is stiff along it, lines across walled channels for a pressure
// correction, and a fixed axis when the flow settings name one.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <vector>

#include "solver/numerics/line_axis_trial.hpp"
#include "tests/flow_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

/// Diffusion on n^3 cells with couplings c[d] along axis d and every face of the box at a
/// fixed value half a cell away (boundary conductance 2 c[d]).
Stencil7 anisotropic_operator(int n, const double c[3]) {
  const std::size_t cells = static_cast<std::size_t>(n) * n * n;
  std::vector<double> ap(cells, 0.0);
  std::array<std::vector<double>, 3> a, b;
  for (int d = 0; d < 3; ++d) a[d].assign(cells, 0.0), b[d].assign(cells, 0.0);
  std::size_t p = 0;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i, ++p) {
        const int at[3] = {i, j, k};
        for (int d = 0; d < 3; ++d) {
          const bool lo = at[d] == 0, hi = at[d] == n - 1;
          a[d][p] = hi ? 0.0 : c[d];
          b[d][p] = (lo ? 2 * c[d] : 0.0) + (hi ? 2 * c[d] : 0.0);
          ap[p] += (lo ? 2 * c[d] : c[d]) + (hi ? 2 * c[d] : c[d]);
        }
      }
  Stencil7 A(n, n, n);
  A.ap.from_host(ap);
  Field<double>* coupling[3] = {&A.ax, &A.ay, &A.az};
  Field<double>* boundary[3] = {&A.bx, &A.by, &A.bz};
  for (int d = 0; d < 3; ++d) coupling[d]->from_host(a[d]), boundary[d]->from_host(b[d]);
  return A;
}

/// Mean PCG iterations per SIMPLEC iteration over `its` iterations of a 32^3 finned channel
/// array with the given pressure line axis (-1: by trial).
double pressure_iterations(int axis, int its, int* chosen) {
  FlowSettings set;
  set.pressure_line_axis = axis;
  FlowSolver s(channel_array(32), set);
  double total = 0;
  for (int it = 0; it < its; ++it) total += s.iterate().pressure_iterations;
  *chosen = s.pressure_line_axis();
  return total / its;
}

}  // namespace

TEST(LineAxisTrial, KeepsTheStiffAxisOfAnisotropicConduction) {
  const double c[3] = {1.0, 1.0, 100.0};  // thin cells along z
  const Stencil7 A = anisotropic_operator(16, c);
  const LineAxisTrial t = choose_line_axis(A, MultigridOptions{});
  EXPECT_EQ(t.axis, 2);
  ASSERT_TRUE(t.multigrid);
  EXPECT_EQ(t.multigrid->line_axis(), 2);
  // lines along the stiff axis converge much faster than across it
  EXPECT_LT(t.factor[2], 0.5 * t.factor[0]);
  EXPECT_LT(t.factor[2], 0.5 * t.factor[1]);
}

TEST(LineAxisTrial, PressureCorrectionOfWalledChannelsTakesLinesAcrossThem) {
  // The strongest axis is z (23 um cells against 100 um across and 156 um along the flow);
  // its lines leave the error that differs between channels to coarse levels that merge them.
  int trial_axis = -1, fixed_axis = -1;
  const double by_trial = pressure_iterations(-1, 6, &trial_axis);
  const double strongest = pressure_iterations(2, 6, &fixed_axis);
  std::printf("  PCG iterations per SIMPLEC iteration: %.2f with lines along axis %d (trial), "
              "%.2f along z (strongest)\n", by_trial, trial_axis, strongest);
  EXPECT_EQ(fixed_axis, 2);
  EXPECT_EQ(trial_axis, 1);
  EXPECT_LT(by_trial, 0.7 * strongest);
}

TEST(LineAxisTrial, AFixedAxisInTheSettingsSkipsTheTrial) {
  FlowSettings set;
  set.pressure_line_axis = 0;
  FlowSolver s(channel_array(16), set);
  EXPECT_EQ(s.pressure_line_axis(), -1);  // nothing built before the first pressure solve
  s.iterate();
  EXPECT_EQ(s.pressure_line_axis(), 0);
  for (double f : s.pressure_axis_trial()) EXPECT_EQ(f, -1.0);
}
