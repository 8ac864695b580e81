// Volumetric sources replaced between steps (the GPU power model's control intervals).
#include <gtest/gtest.h>

#include <vector>

#include "tests/test_problems.hpp"

namespace kelvin {
namespace {

using testing::graded_faces;
using testing::make_problem;
using testing::set_face;

constexpr int kN[3] = {7, 6, 5};

/// A graded grid (cell volumes that round) with a convective and a fixed-temperature face, so
/// that boundary cells hold a boundary part in b.
ConductionProblem problem() {
  ConductionProblem p = make_problem(graded_faces(kN[0], 3e-3, 1.13), graded_faces(kN[1], 2e-3, 0.91),
                                     graded_faces(kN[2], 1e-3, 1.07), 120.0, 1.6e6);
  set_face(p, 4, 1.0 / 2500.0, 318.15);  // zmin: convection
  set_face(p, 1, 0.0, 300.0);            // xmax: fixed temperature
  return p;
}

/// A cell field of value v on the cells with i < 4 (a "die" touching the boundaries), else 0.
Field<double> shape(double v) {
  std::vector<double> h(static_cast<std::size_t>(kN[0]) * kN[1] * kN[2], 0.0);
  for (int k = 0; k < kN[2]; ++k)
    for (int j = 0; j < kN[1]; ++j)
      for (int i = 0; i < 4; ++i) h[(static_cast<std::size_t>(k) * kN[1] + j) * kN[0] + i] = v;
  Field<double> f(kN[0], kN[1], kN[2]);
  f.from_host(h);
  return f;
}

TEST(ConductionSources, RightHandSideDoesNotDependOnEarlierSources) {
  // A resumed run sets the current power once where an uninterrupted one went through every
  // power before it: both must hold the same b, bit for bit (the resume tests compare runs to
  // 1e-12), and the same b as a solver assembled with that source from the start.
  const Field<double> zero = shape(0.0), die = shape(1.0), hbm = shape(0.5);
  ConductionSolver history(problem()), direct(problem());
  history.set_source(zero, die, 3.7e8, hbm, 1.3e7);
  history.set_source(zero, die, 9.1e8, hbm, 2.9e7);
  history.set_source(zero, die, 6.5e8, hbm, 4.0e6);
  direct.set_source(zero, die, 6.5e8, hbm, 4.0e6);
  EXPECT_EQ(history.steady_rhs().to_host(), direct.steady_rhs().to_host());

  ConductionProblem p = problem();
  const std::vector<double> d = die.to_host(), h = hbm.to_host();
  for (std::size_t n = 0; n < d.size(); ++n) p.source_W_m3[n] = 0.0 + 6.5e8 * d[n] + 4.0e6 * h[n];
  const ConductionSolver assembled(p);
  EXPECT_EQ(direct.steady_rhs().to_host(), assembled.steady_rhs().to_host());
}

}  // namespace
}  // namespace kelvin
