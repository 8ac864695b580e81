// The reduced cold plate (solver/loop/reduced_plate.hpp): its fits recover the laws they are
// fitted to, and its transient integrates the Foster terms exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "solver/loop/reduced_plate.hpp"

using namespace kelvin;

namespace {

constexpr double kLpm = 1e-3 / 60;  // 1 L/min in m^3/s

ReducedPlate single_term_plate(double tau_s) {
  ReducedPlate p;
  p.junction = {0.02, 0.03, 0.5, 1.5 * kLpm};
  p.junction_response = {{1.0, 0.0}, {tau_s, tau_s}};
  return p;
}

}  // namespace

TEST(LoopReducedPlate, ResistanceFitRecoversItsLaw) {
  const ResistanceLaw truth{0.021, 0.034, 0.45, 1.5 * kLpm};
  std::vector<double> q, r;
  for (double f : {0.25, 0.5, 1.0, 1.5, 2.0}) {
    q.push_back(f * 1.5 * kLpm);
    r.push_back(truth(q.back()));
  }
  const ResistanceLaw fit = fit_resistance_law(q, r, 1.5 * kLpm);
  EXPECT_NEAR(fit.n, truth.n, 1e-5);
  EXPECT_NEAR(fit.r0, truth.r0, 1e-7);
  EXPECT_NEAR(fit.c, truth.c, 1e-7);
  for (double f : {0.3, 0.75, 1.8}) EXPECT_NEAR(fit(f * 1.5 * kLpm) / truth(f * 1.5 * kLpm), 1, 1e-6);
}

TEST(LoopReducedPlate, ResistanceFitRefusesTooFewOrRepeatedFlows) {
  EXPECT_THROW(fit_resistance_law({1e-5, 2e-5}, {0.1, 0.08}, 1e-5), std::invalid_argument);
  EXPECT_THROW(fit_resistance_law({1e-5, 1e-5, 2e-5}, {0.1, 0.1, 0.08}, 1e-5),
               std::invalid_argument);
  EXPECT_THROW(fit_resistance_law({1e-5, 2e-5, 3e-5}, {0.1, -0.1, 0.08}, 1e-5),
               std::invalid_argument);
}

TEST(LoopReducedPlate, StepResponseFitRecoversTwoTerms) {
  const StepResponse truth{{0.35, 0.65}, {0.8, 9.0}};
  std::vector<double> t, y;
  for (double s = 0.1; s <= 30.0 + 1e-9; s += 0.1) {
    t.push_back(s);
    y.push_back(truth(s));
  }
  const StepResponse fit = fit_step_response(t, y);
  // the grid has 40 points a decade: each tau within one step (6 %) of the truth
  EXPECT_NEAR(std::log(fit.tau_s[0] / truth.tau_s[0]), 0, std::log(10.0) / 40);
  EXPECT_NEAR(std::log(fit.tau_s[1] / truth.tau_s[1]), 0, std::log(10.0) / 40);
  EXPECT_NEAR(fit.weight[0], truth.weight[0], 0.02);
  double worst = 0;
  for (std::size_t i = 0; i < t.size(); ++i) worst = std::max(worst, std::abs(fit(t[i]) - y[i]));
  EXPECT_LT(worst, 5e-3);
}

TEST(LoopReducedPlate, PlateFitErrorsAreZeroOnItsOwnLaws) {
  const ResistanceLaw rj{0.02, 0.03, 0.5, 1.5 * kLpm}, rh{0.015, 0.02, 0.4, 1.5 * kLpm};
  std::vector<PlateRun> runs;
  for (double f : {0.25, 0.5, 1.0, 1.5, 2.0}) {
    const double q = f * 1.5 * kLpm;
    runs.push_back({q, 313.15, 1000.0, 313.15 + 1000 * rj(q), 313.15 + 1000 * rh(q),
                    4e8 * q + 3e12 * q * q});
  }
  const ReducedPlate p = fit_reduced_plate(runs, true, 1.5 * kLpm);
  EXPECT_LT(p.fit_error.junction, 1e-6);
  EXPECT_LT(p.fit_error.hbm, 1e-6);
  EXPECT_LT(p.fit_error.dp, 1e-9);
  // a run off its laws shows up as the error it has
  std::vector<PlateRun> held = {runs[2]};
  held[0].junction_K = 313.15 + 1.1 * (runs[2].junction_K - 313.15);
  EXPECT_NEAR(reduced_plate_errors(p, held).junction, 1 - 1 / 1.1, 1e-6);
}

TEST(LoopReducedPlate, TransientIsExactForAnyStep) {
  // One term: theta(t) = R P (1 - e^{-t/tau}) for constant P and Q, whatever dt.
  const ReducedPlate p = single_term_plate(4.0);
  const double q = 1.5 * kLpm, power = 900, rp = p.junction(q) * power;
  for (double dt : {0.01, 0.5, 3.0}) {
    PlateThermalState s;
    double t = 0;
    while (t < 12.0 - 1e-12) advance_plate(p, s, power, q, dt), t += dt;
    EXPECT_NEAR(plate_junction_K(s, 300.0) - 300.0, rp * (1 - std::exp(-t / 4.0)), 1e-10 * rp)
        << "dt " << dt;
  }
  // The steady state stays put.
  PlateThermalState s = steady_plate_state(p, power, q);
  advance_plate(p, s, power, q, 100.0);
  EXPECT_NEAR(plate_junction_K(s, 0.0), rp, 1e-12 * rp);
}

TEST(LoopReducedPlate, LessFlowRaisesTheSteadyStateAndNoFlowHeatsAtPOverC) {
  const ReducedPlate p = single_term_plate(4.0);
  const double q = 1.5 * kLpm, power = 900;
  // Half the flow: the term relaxes to R(Q/2) P with tau R(Q/2)/R(Q) (capacitance kept).
  PlateThermalState s = steady_plate_state(p, power, q);
  const double r_half = p.junction(0.5 * q), r_ref = p.junction(q);
  const double theta0 = s.junction[0], tau = 4.0 * r_half / r_ref, dt = 2.0;
  advance_plate(p, s, power, 0.5 * q, dt);
  EXPECT_NEAR(s.junction[0], r_half * power + (theta0 - r_half * power) * std::exp(-dt / tau),
              1e-12 * theta0);
  // No flow: C dtheta/dt = P, C = tau / R(Q_ref).
  PlateThermalState z = steady_plate_state(p, power, q);
  advance_plate(p, z, power, 0.0, dt);
  EXPECT_NEAR(z.junction[0] - theta0, power * dt * r_ref / 4.0, 1e-9 * theta0);
}

TEST(LoopReducedPlate, PlateLawFollowsViscosityAndDensity) {
  const PlateBranch law{4e8, 3e12, 1.0e-3, 1000.0};
  const double q = 3e-5;
  const LossAndSlope ref = plate_branch_loss(law, q, FluidState{1000.0, 1.0e-3});
  EXPECT_NEAR(ref.dp_Pa, 4e8 * q + 3e12 * q * q, 1e-9);
  // twice the viscosity doubles the viscous part only; 5 % more density scales the inertial part
  const LossAndSlope hot = plate_branch_loss(law, q, FluidState{1050.0, 2.0e-3});
  EXPECT_NEAR(hot.dp_Pa, 2 * 4e8 * q + 1.05 * 3e12 * q * q, 1e-9);
  EXPECT_NEAR(hot.slope_Pa_s_m3, 2 * 4e8 + 2 * 1.05 * 3e12 * q, 1e-3);
  // without references the law is fixed
  const PlateBranch fixed{4e8, 3e12};
  EXPECT_EQ(plate_branch_loss(fixed, q, FluidState{1050.0, 2.0e-3}).dp_Pa, ref.dp_Pa);
  // a fit carries the first run's fluid as its reference: held-out runs at another viscosity
  // are then reproduced
  std::vector<PlateRun> runs;
  for (double f : {0.5, 1.0, 2.0})
    runs.push_back({f * q, 313.15, 1000, 350, 340, 4e8 * f * q + 3e12 * f * f * q * q, {1000.0, 1.0e-3}});
  const ReducedPlate p = fit_reduced_plate(runs, true, q);
  std::vector<PlateRun> warm = {{q, 318.15, 1000, 350, 340, 0.8 * 4e8 * q + 0.99 * 3e12 * q * q, {990.0, 0.8e-3}}};
  EXPECT_LT(reduced_plate_errors(p, warm).dp, 1e-9);
}
