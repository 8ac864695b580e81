// Loss laws of the coolant loop's components (solver/loop/components.hpp): the Kv convention,
// valve characteristics, the check valve's two branches, the plate law fit, and that every law's
// slope is its derivative (the Newton's Jacobian).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "solver/loop/network.hpp"

using namespace kelvin;

namespace {

const FluidState kWater{998.0, 1.0e-3};

/// Central difference of a component's loss at q.
double numeric_slope(const Component& c, double q) {
  const double h = 1e-4 * std::abs(q);  // truncation ~1e-8, rounding ~1e-12 relative
  return (component_loss(c, q + h, kWater).dp_Pa - component_loss(c, q - h, kWater).dp_Pa) /
         (2 * h);
}

}  // namespace

TEST(LoopComponents, KvIsFlowInCubicMetresPerHourAtOneBarOfWater) {
  // Kv 10: 10 m^3/h of 1000 kg/m^3 water drops 1 bar; 998 kg/m^3 drops 0.998 bar.
  const FluidState water1000{1000.0, 1e-3};
  EXPECT_NEAR(minor_loss(MinorLoss{0, 0, 10.0}, 10.0 / 3600, water1000).dp_Pa, 1e5, 1e-6);
  EXPECT_NEAR(minor_loss(MinorLoss{0, 0, 10.0}, 10.0 / 3600, kWater).dp_Pa, 0.998e5, 1e-6);
  // Odd in Q.
  EXPECT_NEAR(minor_loss(MinorLoss{0, 0, 10.0}, -10.0 / 3600, water1000).dp_Pa, -1e5, 1e-6);
  // K form: dp = K rho V^2 / 2; K 2, V 1 m/s in 0.05 m.
  const double q = 3.14159265358979323846 / 4 * 0.05 * 0.05;
  EXPECT_NEAR(minor_loss(MinorLoss{2.0, 0.05, 0}, q, kWater).dp_Pa, 998.0, 1e-9);
}

TEST(LoopComponents, ValveCharacteristics) {
  Valve lin{40.0, 0.25};
  EXPECT_NEAR(valve_kv(lin), 10.0, 1e-12);
  Valve eq{40.0, 0.5, ValveCharacteristic::EqualPercentage, 50.0};
  EXPECT_NEAR(valve_kv(eq), 40.0 / std::sqrt(50.0), 1e-12);
  // Equal steps in opening give equal ratios of Kv.
  eq.opening = 0.6;
  const double k6 = valve_kv(eq);
  eq.opening = 0.7;
  EXPECT_NEAR(valve_kv(eq) / k6, std::pow(50.0, 0.1), 1e-12);
  eq.opening = 1.0;
  EXPECT_NEAR(valve_kv(eq), 40.0, 1e-12);
  // Shut: the floor, never zero.
  lin.opening = 0.0;
  EXPECT_NEAR(valve_kv(lin), 40.0 * kShutKvFraction, 1e-18);
  eq.opening = 0.0;
  EXPECT_NEAR(valve_kv(eq), 40.0 * kShutKvFraction, 1e-18);
  // A half-engaged quick disconnect loses four times the pressure of a full one.
  const double q = 1e-4;
  EXPECT_NEAR(quick_disconnect_loss({3.0, 0.5}, q, kWater).dp_Pa /
                  quick_disconnect_loss({3.0, 1.0}, q, kWater).dp_Pa,
              4.0, 1e-12);
}

TEST(LoopComponents, CheckValveOpensForwardAndLeaksBackward) {
  const CheckValve cv{20.0};
  EXPECT_EQ(check_valve_loss(cv, 0.0, kWater).dp_Pa, 0.0);  // continuous at 0
  EXPECT_NEAR(check_valve_loss(cv, 20.0 / 3600, kWater).dp_Pa, 0.998e5, 1e-6);
  // 1 bar backwards passes kCheckValveLeakage of the open flow at 1 bar.
  const double q_open = 20.0 / 3600 * std::sqrt(1000.0 / kWater.density_kg_m3);
  const LossAndSlope back = check_valve_loss(cv, -kCheckValveLeakage * q_open, kWater);
  EXPECT_NEAR(back.dp_Pa, -1e5, 1e-6);
}

TEST(LoopComponents, SlopesAreDerivatives) {
  const std::vector<Component> parts = {Pipe{10.0, 0.02, 1e-5},
                                        MinorLoss{3.0, 0.02, 0},
                                        MinorLoss{0, 0, 5.0},
                                        Valve{8.0, 0.6, ValveCharacteristic::EqualPercentage},
                                        CheckValve{6.0},
                                        QuickDisconnect{2.5, 0.7},
                                        PlateBranch{3e8, 1e12},
                                        pump_from_quadratic(20.0, 1e6),
                                        pump_through_points(25.0, 5e-3, 20.0, 9e-3, 10.0)};
  // Laminar, transitional and turbulent flows in the pipe (Re ~ 60 .. 6e4), both directions.
  for (const Component& c : parts) {
    for (double q : {1e-6, 3e-5, 1e-4, 1e-3, -2e-5, -5e-4}) {
      const double got = component_loss(c, q, kWater).slope_Pa_s_m3;
      EXPECT_NEAR(got / numeric_slope(c, q), 1.0, 1e-5) << "component " << c.index() << " Q " << q;
      EXPECT_GT(got, 0.0);
    }
  }
}

TEST(LoopComponents, PlateLawFitRecoversItsCoefficients) {
  const PlateBranch want{2.5e8, 7e11};
  std::vector<double> q, dp;
  for (double x : {0.5e-5, 1e-5, 2e-5, 3e-5}) {
    q.push_back(x);
    dp.push_back(plate_branch_loss(want, x, kWater).dp_Pa);
  }
  const PlateBranch got = fit_plate_branch(q, dp);
  EXPECT_NEAR(got.a_Pa_s_m3 / want.a_Pa_s_m3, 1.0, 1e-9);
  EXPECT_NEAR(got.b_Pa_s2_m6 / want.b_Pa_s2_m6, 1.0, 1e-9);
  EXPECT_THROW(fit_plate_branch({1e-5, 1e-5}, {1.0, 1.0}), std::invalid_argument);
  EXPECT_THROW(fit_plate_branch({1e-5}, {1.0}), std::invalid_argument);
}
