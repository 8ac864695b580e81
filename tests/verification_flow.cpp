// Flow verification: fully developed laminar duct flow against Shah & London (1978).
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/field.hpp"
#include "tests/flow_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

struct DuctResult {
  double fre;          // Darcy f Re from the mid-length pressure gradient
  double continuity;   // final continuity residual
  int iterations;
};

/// Duct of cross-section a x (alpha a) along x, length L = 12 D_h, water at 40 degC, Re = 20.
DuctResult duct(double alpha, int n_short, int nx) {
  const double a = 1e-3, b = alpha * a;  // long side along y, short along z
  const double Dh = 2 * a * b / (a + b), L = 12 * Dh;
  const int ny = static_cast<int>(std::lround(n_short / alpha));
  Grid g(graded_faces(nx, L), graded_faces(ny, a), graded_faces(n_short, b));
  const CoolantProperties water = make_coolant("water", 0);
  const double T = 313.15, rho = water.density(T), mu = water.viscosity(T);
  const double Re = 20, U = Re * mu / (rho * Dh);
  FlowProblem p = make_flow_problem(std::move(g), water, T);
  set_port(p, 0, FlowBoundaryKind::Inlet, U);
  set_port(p, 1, FlowBoundaryKind::Outlet);
  FlowSolver s(p);
  s.settings().tolerance = 1e-9;
  s.settings().max_iterations = 3000;
  int its = 0;
  const FlowResiduals r = s.solve_steady([&](int it, const FlowResiduals&) { its = it; });
  // mean pressure over the cross-sections at x = L/3 and 2L/3
  const auto P = s.pressure().to_host();
  auto mean_p = [&](int i) {
    double sum = 0;
    for (int k = 0; k < n_short; ++k)
      for (int j = 0; j < ny; ++j) sum += P[i + static_cast<std::size_t>(nx) * (j + static_cast<std::size_t>(ny) * k)];
    return sum / (ny * n_short);
  };
  const int i1 = nx / 3, i2 = 2 * nx / 3;
  const double x1 = p.grid.center(0, i1), x2 = p.grid.center(0, i2);
  const double dpdx = (mean_p(i1) - mean_p(i2)) / (x2 - x1);
  const double f = dpdx * Dh / (0.5 * rho * U * U);
  return {f * Re, r.continuity, its};
}

}  // namespace

class DuctFlow : public ::testing::TestWithParam<double> {};

TEST_P(DuctFlow, FrictionFactorMatchesShahLondon) {
  const double alpha = GetParam();
  const double ref = shah_london_darcy_fre(alpha);
  double previous = 1e300;
  for (int n : {4, 8, 16}) {
    const DuctResult r = duct(alpha, n, 48);
    const double err = std::fabs(r.fre / ref - 1);
    std::printf("alpha %.2f, %2d cells across the short side: f Re = %.4f (Shah & London %.4f), "
                "error %.3f %%, %d iterations, continuity %.1e\n",
                alpha, n, r.fre, ref, 100 * err, r.iterations, r.continuity);
    RecordProperty("fRe_error_n" + std::to_string(n), sci(err));
    EXPECT_LT(r.continuity, 1e-8);
    EXPECT_LT(err, previous) << "error must shrink as the grid is refined";
    previous = err;
  }
  EXPECT_LT(previous, 0.02);
}

INSTANTIATE_TEST_SUITE_P(AspectRatios, DuctFlow, ::testing::Values(1.0, 0.5));

// A computed coolant temperature outside the correlation (a stagnant corner above 100 degC) is
// not extrapolated: properties are held at the range's end and the solver says where.
TEST(FlowProperties, OutOfRangeCoolantIsHeldAtTheRangeEndWithAWarning) {
  const CoolantProperties pg25 = make_coolant("propylene_glycol", 0.25);
  FlowProblem p = make_flow_problem(Grid(graded_faces(4, 1e-3), graded_faces(3, 1e-3), graded_faces(2, 1e-3)), pg25, 313.15);
  FlowSolver s(p);
  Field<double> T(4, 3, 2);
  std::vector<double> t(24, 313.15);
  t[5] = 380.0;  // 106.85 degC
  T.from_host(t);
  s.update_properties(T);
  EXPECT_NE(s.property_warning().find("outside the valid range"), std::string::npos) << s.property_warning();
  const auto mu = s.viscosity().to_host();
  EXPECT_DOUBLE_EQ(mu[5], pg25.viscosity(pg25.t_max_K));
  EXPECT_DOUBLE_EQ(mu[0], pg25.viscosity(313.15));
  t[5] = 330.0;
  T.from_host(t);
  s.update_properties(T);
  EXPECT_TRUE(s.property_warning().empty());
}
