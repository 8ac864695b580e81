// The PI controller (solver/loop/pi_controller.hpp) on a first-order plant tau dy/dt = -y + K u:
// the setpoint reached without overshoot, and after a long saturation the integral stays bounded
// with anti-windup (clamping, back-calculation) while the plain integral winds up and overshoots.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "solver/loop/pi_controller.hpp"

using namespace kelvin;

namespace {

constexpr double kTau = 10.0, kGain = 2.0, kDt = 0.01;

/// Runs setpoint sp1 for t1 seconds, then sp2 for t2; returns the largest y after the switch
/// and the time it took to come within 2 % of sp2 for good; fills the integral at the switch.
struct PlantRun {
  double y_max_after = 0, settle_s = 0, integral_at_switch = 0, y_end = 0;
};
PlantRun run(AntiWindup aw, double sp1, double t1, double sp2, double t2) {
  // Ti = tau cancels the plant's pole: the closed loop is first order, so no overshoot.
  PiController pi(PiSettings{1.0, kTau, 0.0, 1.0, aw, 0.0}, 0.0);
  double y = 0, t = 0;
  PlantRun r;
  for (; t < t1 + t2; t += kDt) {
    const bool second = t >= t1;
    if (second && r.integral_at_switch == 0) r.integral_at_switch = pi.integral();
    const double u = pi.update(second ? sp2 : sp1, y, kDt);
    y += kDt / kTau * (-y + kGain * u);  // explicit Euler of the plant
    if (second) {
      r.y_max_after = std::max(r.y_max_after, y);
      if (std::abs(y - sp2) > 0.02 * sp2) r.settle_s = t + kDt - t1;
    }
  }
  r.y_end = y;
  return r;
}

}  // namespace

TEST(LoopPi, ReachesSetpointWithoutOvershoot) {
  for (AntiWindup aw : {AntiWindup::None, AntiWindup::Clamping, AntiWindup::BackCalculation}) {
    const PlantRun r = run(aw, 0.0, 0.0, 1.0, 200.0);  // never saturates: u <= 1 gives y <= 2
    EXPECT_LT(std::abs(r.y_end - 1.0), 1e-6);
    EXPECT_LT(r.y_max_after, 1.0 + 1e-3);
    std::printf("setpoint 1: y(200 s) %.9f, max %.9f, within 2 %% after %.2f s\n", r.y_end,
                r.y_max_after, r.settle_s);
  }
}

// Setpoint 3 for 200 s (unreachable: u <= 1 holds y <= 2), then 1.
TEST(LoopPi, AntiWindupKeepsTheIntegralBounded) {
  const PlantRun none = run(AntiWindup::None, 3.0, 200.0, 1.0, 300.0);
  const PlantRun clamp = run(AntiWindup::Clamping, 3.0, 200.0, 1.0, 300.0);
  const PlantRun back = run(AntiWindup::BackCalculation, 3.0, 200.0, 1.0, 300.0);
  EXPECT_GT(none.integral_at_switch, 10.0);  // wound up far beyond the output range
  EXPECT_LE(clamp.integral_at_switch, 1.0 + 1e-12);
  EXPECT_LE(back.integral_at_switch, 1.0);
  for (const PlantRun* r : {&clamp, &back}) {
    EXPECT_LT(r->settle_s, 0.5 * none.settle_s);
    EXPECT_LT(std::abs(r->y_end - 1.0), 1e-6);
  }
  std::printf(
      "after 200 s saturated: integral none %.3f, clamping %.6f, back-calculation %.6f; "
      "within 2 %% of the new setpoint after %.2f / %.2f / %.2f s\n",
      none.integral_at_switch, clamp.integral_at_switch, back.integral_at_switch, none.settle_s,
      clamp.settle_s, back.settle_s);
}
