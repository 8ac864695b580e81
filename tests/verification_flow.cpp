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

// Start-up of plane channel flow at a fixed flow rate (the inlet's): the velocity perturbation
// v = u - u_Poiseuille obeys v_t = nu v_zz - g(t) with v(+-h) = 0 and zero net flux, whose
// slowest symmetric mode cos(k z) - cos(k h) needs tan(k h) = k h: k h = 4.493409, decay rate
// lambda = nu k^2. Backward Euler turns the exact exp(-lambda dt) per step into
// 1 / (1 + lambda dt), so the measured per-step ratio r of successive changes of the
// mid-channel velocity gives lambda = (1/r - 1) / dt, to be compared with nu k^2 (the only
// remaining error is the spatial one, O((k dz)^2)). Covers FlowSolver::solve_step, the
// transient path of a kelvin run with flow.
namespace {

struct Startup {
  double lambda_error;  // |measured / analytic decay rate - 1|
  double ratio_drift;   // change of the per-step ratio over the last 10 steps
  double u_limit;       // centre velocity extrapolated to t -> infinity, / U
  int worst_iterations;
};

Startup startup(int nz) {
  const double H = 1e-3, h = H / 2, L = 4e-3;
  const int nx = 16, steps = 120;
  Grid g(graded_faces(nx, L), graded_faces(2, 1e-3), graded_faces(nz, H));
  const CoolantProperties water = make_coolant("water", 0);
  const double T = 313.15, rho = water.density(T), mu = water.viscosity(T), nu = mu / rho;
  const double U = 1.0 * mu / (rho * 2 * H);  // Re = 1 on D_h = 2H: entrance ~0.05 H
  FlowProblem p = make_flow_problem(std::move(g), water, T);
  set_port(p, 0, FlowBoundaryKind::Inlet, U);
  set_port(p, 1, FlowBoundaryKind::Outlet);
  p.slip[2] = p.slip[3] = true;
  FlowSolver s(p);
  s.settings().tolerance = 1e-11;
  s.settings().max_iterations = 500;
  const double kh = 4.493409457909064, lambda = nu * kh * kh / (h * h);
  const double dt = 0.05 / lambda;
  // mid-length x-face, the two cells astride the centre plane
  const int i = nx / 2, nxf = nx + 1;
  auto centre_u = [&] {
    const auto u = s.velocity(0).to_host();
    const std::size_t a = i + nxf * 2 * static_cast<std::size_t>(nz / 2 - 1);
    const std::size_t b = i + nxf * 2 * static_cast<std::size_t>(nz / 2);
    return 0.5 * (u[a] + u[b]) / U;
  };
  std::vector<double> uc{centre_u()};
  Startup r{};
  for (int n = 0; n < steps; ++n) {
    int its = 0;
    const FlowResiduals res = s.solve_step(dt, &its);
    EXPECT_LT(res.continuity, 1e-11) << "step " << n;
    r.worst_iterations = std::max(r.worst_iterations, its);
    uc.push_back(centre_u());
  }
  // late ratios of successive changes (the next mode, k h = 7.7253, decays 2.95x faster and is
  // 1e-7 of the first by now)
  const std::size_t m = uc.size() - 1;
  const double ratio = (uc[m] - uc[m - 1]) / (uc[m - 1] - uc[m - 2]);
  const double earlier = (uc[m - 10] - uc[m - 11]) / (uc[m - 11] - uc[m - 12]);
  r.lambda_error = std::fabs((1 / ratio - 1) / dt / lambda - 1);
  r.ratio_drift = std::fabs(ratio - earlier);
  r.u_limit = uc[m] + (uc[m] - uc[m - 1]) * ratio / (1 - ratio);
  std::printf("start-up, %d cells across: centre velocity %.4f U -> %.4f U, limit %.5f U "
              "(Poiseuille 1.5 U); per-step ratio %.6f (10 steps earlier %.6f); decay rate error "
              "%.3f %%; at most %d outer iterations per step\n",
              nz, uc[1], uc[m], r.u_limit, ratio, earlier, 100 * r.lambda_error, r.worst_iterations);
  return r;
}

}  // namespace

TEST(StartupFlow, FixedFluxChannelDecaysAtTheAnalyticRate) {
  const Startup coarse = startup(16), fine = startup(32);
  RecordProperty("decay_rate_error_16", sci(coarse.lambda_error));
  RecordProperty("decay_rate_error_32", sci(fine.lambda_error));
  for (const Startup& r : {coarse, fine}) {
    EXPECT_LT(r.ratio_drift, 1e-5);     // a single mode is left
    EXPECT_NEAR(r.u_limit, 1.5, 0.02);  // heading for Poiseuille (cell values: 1.5 (1 - 1/nz^2))
  }
  EXPECT_LT(std::fabs(fine.u_limit - 1.5), std::fabs(coarse.u_limit - 1.5));
  EXPECT_LT(fine.lambda_error, 0.01);
  EXPECT_GT(coarse.lambda_error / fine.lambda_error, 3.0);  // second order in space
}

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
