// Churchill (1977) Darcy friction factor against its two limits: Hagen-Poiseuille 64/Re and
// Colebrook-White, solved here by fixed-point iteration as the independent reference.
#include <gtest/gtest.h>

#include <cmath>

#include "solver/loop/friction.hpp"

using kelvin::churchill_friction_factor;
using kelvin::epanet_friction_factor;
using kelvin::friction_log_slope;
using kelvin::FrictionLaw;

namespace {

/// Colebrook-White: 1/sqrt(f) = -2 log10(eps/3.7 + 2.51 / (Re sqrt(f))), iterated on x = 1/sqrt(f)
/// until it stops changing (a contraction: the right side's slope in x is ~0.1 or less).
double colebrook(double re, double eps) {
  double x = 8.0;
  for (int i = 0; i < 200; ++i) {
    const double next = -2.0 * std::log10(eps / 3.7 + 2.51 * x / re);
    if (std::abs(next - x) < 1e-15 * x) break;
    x = next;
  }
  return 1.0 / (x * x);
}

}  // namespace

TEST(LoopFriction, LaminarIs64OverRe) {
  for (double re = 100; re <= 1000; re += 50) {
    for (double eps : {0.0, 1e-3, 1e-2}) {
      EXPECT_NEAR(churchill_friction_factor(re, eps) / (64.0 / re), 1.0, 1e-3) << "Re " << re;
    }
  }
}

// The test grid spans Re 1e4 .. 1e7 and eps/D 0 .. 0.01. Churchill stays within 2 % of
// Colebrook everywhere on it except one corner: Re 1e4 with eps/D 0.01, where it is 2.13 % high
// (its (7/Re)^0.9 stand-in for Colebrook's 2.51/(Re sqrt f) term is least accurate at low Re
// and large roughness). That corner gets 2.2 %, the rest 2 %.
TEST(LoopFriction, TurbulentWithinTwoPercentOfColebrook) {
  double worst = 0;
  for (double re = 1e4; re <= 1.0001e7; re *= std::sqrt(10.0)) {
    for (double eps : {0.0, 1e-6, 1e-5, 1e-4, 1e-3, 3e-3, 1e-2}) {
      const double got = churchill_friction_factor(re, eps), want = colebrook(re, eps);
      worst = std::fmax(worst, std::abs(got / want - 1.0));
      const double tolerance = (re < 1.5e4 && eps >= 1e-2) ? 0.022 : 0.02;
      EXPECT_NEAR(got / want, 1.0, tolerance) << "Re " << re << " eps/D " << eps;
    }
  }
  RecordProperty("worst_relative_deviation", std::to_string(worst));
  std::printf("Churchill vs Colebrook, Re 1e4..1e7, eps/D 0..0.01: worst %.4f %%\n", 100 * worst);
}

TEST(LoopFriction, ContinuousThroughTransition) {
  // No jump at Re 2300 or 4000: neighbouring Re 0.1 % apart give f within 1 %.
  for (double re = 1500; re < 5000; re *= 1.001) {
    const double a = churchill_friction_factor(re, 1e-4),
                 b = churchill_friction_factor(re * 1.001, 1e-4);
    EXPECT_LT(std::abs(b / a - 1.0), 0.01) << "Re " << re;
  }
}

TEST(LoopFriction, LogSlopeLimits) {
  EXPECT_NEAR(friction_log_slope(FrictionLaw::Churchill, 500, 0), -1.0, 1e-6);    // f = 64/Re
  EXPECT_NEAR(friction_log_slope(FrictionLaw::Churchill, 1e8, 1e-2), 0.0, 1e-3);  // fully rough
  // Smooth turbulent: against a central difference of Colebrook.
  const double re = 1e5, h = 1e-3;
  const double want =
      (std::log(colebrook(re * std::exp(h), 0)) - std::log(colebrook(re * std::exp(-h), 0))) /
      (2 * h);
  EXPECT_NEAR(friction_log_slope(FrictionLaw::Churchill, re, 0), want, 0.02);
}

// EPANET's law: 64/Re to Re 2000, Swamee-Jain from 4000 (written out here), continuous at both.
TEST(LoopFriction, EpanetLawLimitsAndContinuity) {
  EXPECT_DOUBLE_EQ(epanet_friction_factor(1500, 1e-3), 64.0 / 1500);
  for (double eps : {0.0, 1e-4, 1e-2}) {
    const double re = 2e5;
    const double sj = 0.25 / std::pow(std::log10(eps / 3.7 + 5.74 / std::pow(re, 0.9)), 2);
    EXPECT_NEAR(epanet_friction_factor(re, eps) / sj, 1.0, 1e-14);
    for (double edge : {2000.0, 4000.0}) {
      const double below = epanet_friction_factor(edge * (1 - 1e-9), eps);
      const double above = epanet_friction_factor(edge * (1 + 1e-9), eps);
      EXPECT_NEAR(above / below, 1.0, 1e-7) << "Re " << edge << " eps/D " << eps;
    }
    // Turbulent: within 3 % of Churchill (both approximate Colebrook).
    for (double r : {1e4, 1e5, 1e6})
      EXPECT_NEAR(epanet_friction_factor(r, eps) / churchill_friction_factor(r, eps), 1.0, 0.03);
  }
}
