// Crossflow effectiveness-NTU (solver/loop/heat_exchanger.hpp): the limits every form must meet
// (Cr -> 0: 1 - e^-NTU; NTU -> 0: epsilon ~ NTU; NTU -> infinity), the exact unmixed series'
// symmetry in which fluid is C_min, the order of the arrangements, and the approximation's error.
// tests/oracles/ht_effectiveness.py compares the same functions with PyPI ht on a grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "solver/loop/heat_exchanger.hpp"

using namespace kelvin;

namespace {

constexpr ExchangerArrangement kCrossflows[] = {
    ExchangerArrangement::CrossflowUnmixed, ExchangerArrangement::CrossflowUnmixedApprox,
    ExchangerArrangement::CrossflowCmaxMixed, ExchangerArrangement::CrossflowCminMixed};

}  // namespace

// Cr = 0 (one side at constant temperature, e.g. boiling): every arrangement is 1 - e^-NTU;
// Cr = 1e-9 differs from it by O(Cr), so within 1e-8.
TEST(LoopCrossflow, ZeroCapacityRatioGivesOneMinusExpMinusNtu) {
  double worst0 = 0, worst_small = 0;
  for (ExchangerArrangement a : kCrossflows)
    for (double ntu : {0.01, 0.3, 1.0, 3.0, 10.0, 20.0}) {
      const double want = -std::expm1(-ntu);
      worst0 = std::max(worst0, std::abs(effectiveness(a, ntu, 0.0) / want - 1.0));
      worst_small = std::max(worst_small, std::abs(effectiveness(a, ntu, 1e-9) / want - 1.0));
    }
  EXPECT_LT(worst0, 1e-15);
  EXPECT_LT(worst_small, 1e-8);
  std::printf("Cr 0: largest |eps / (1 - e^-NTU) - 1| %.2e; Cr 1e-9: %.2e\n", worst0, worst_small);
}

// NTU -> 0: epsilon = NTU - O(NTU^2) for the exact forms (at most (1 + Cr) NTU / 2 relative);
// the approximation is NTU - NTU^2 / 2 - Cr NTU^1.78 / 2, off by Cr NTU^0.78 / 2 relative.
// NTU = 0 gives 0.
TEST(LoopCrossflow, SmallNtuGivesEpsilonEqualToNtu) {
  double worst = 0, worst_approx = 0;
  for (ExchangerArrangement a : kCrossflows)
    for (double cr : {0.0, 0.5, 1.0}) {
      EXPECT_EQ(effectiveness(a, 0.0, cr), 0.0);
      const double diff = std::abs(effectiveness(a, 1e-6, cr) / 1e-6 - 1.0);
      if (a == ExchangerArrangement::CrossflowUnmixedApprox)
        worst_approx = std::max(worst_approx, diff);
      else
        worst = std::max(worst, diff);
    }
  EXPECT_LT(worst, 1e-6 + 1e-12);
  EXPECT_LT(worst_approx, 0.5 * std::pow(1e-6, 0.78) + 1e-6);
  std::printf("NTU 1e-6: largest |eps / NTU - 1| %.2e exact forms, %.2e approximation\n", worst,
              worst_approx);
}

// NTU -> infinity: C_max mixed tends to (1 - e^-Cr)/Cr, C_min mixed to 1 - e^(-1/Cr), both
// unmixed to 1 (exactly: the exchanger's C_min side reaches the other's inlet temperature).
TEST(LoopCrossflow, LargeNtuLimits) {
  for (double cr : {0.25, 0.5, 1.0}) {
    EXPECT_NEAR(crossflow_cmax_mixed_effectiveness(50.0, cr), -std::expm1(-cr) / cr, 1e-15);
    EXPECT_NEAR(crossflow_cmin_mixed_effectiveness(50.0 / cr, cr), -std::expm1(-1.0 / cr), 1e-15);
  }
  EXPECT_NEAR(crossflow_unmixed_effectiveness(400.0, 0.5), 1.0, 1e-12);
  // At Cr = 1 both unmixed approaches 1 only slowly (1 - eps = 0.080 at NTU 50, 0.028 at 400).
  const double e20 = crossflow_unmixed_effectiveness(20.0, 1.0);
  const double e100 = crossflow_unmixed_effectiveness(100.0, 1.0);
  const double e400 = crossflow_unmixed_effectiveness(400.0, 1.0);
  EXPECT_LT(e20, e100);
  EXPECT_LT(e100, e400);
  EXPECT_LT(e400, 1.0);
  EXPECT_NEAR(crossflow_unmixed_effectiveness(50.0, 1.0), 1.0 - 0.0797, 1e-4);
}

// The heat of a both-unmixed exchanger does not care which side is C_min: Q / (C_1 dT) =
// eps(NTU, Cr) must equal Cr' eps(NTU', Cr') with the sides swapped (NTU' = Cr NTU, Cr' = 1/Cr);
// the series is symmetric term by term, so this checks the incomplete-gamma ladder on two
// different arguments.
TEST(LoopCrossflow, UnmixedSeriesIsSymmetricInTheTwoSides) {
  double worst = 0;
  for (double ntu : {0.05, 0.7, 2.0, 6.0, 15.0})
    for (double cr : {0.1, 0.4, 0.8}) {
      const double one = crossflow_unmixed_effectiveness(ntu, cr);
      const double other = crossflow_unmixed_effectiveness(cr * ntu, 1.0 / cr) / cr;
      worst = std::max(worst, std::abs(one / other - 1.0));
    }
  EXPECT_LT(worst, 1e-13);
  std::printf("unmixed series, sides swapped: largest relative difference %.2e\n", worst);
}

// For 0 < Cr: counterflow > both unmixed > C_min mixed >= C_max mixed (equal at Cr = 1),
// and the approximation stays within 0.02 of the exact unmixed value up to NTU 10.
TEST(LoopCrossflow, ArrangementsRankAndTheApproximationHoldsToTwoPercent) {
  double worst_approx = 0;
  for (double ntu : {0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0})
    for (double cr : {0.1, 0.25, 0.5, 0.75, 1.0}) {
      const double counter = counterflow_effectiveness(ntu, cr);
      const double unmixed = crossflow_unmixed_effectiveness(ntu, cr);
      const double cmin_mixed = crossflow_cmin_mixed_effectiveness(ntu, cr);
      const double cmax_mixed = crossflow_cmax_mixed_effectiveness(ntu, cr);
      EXPECT_GT(counter, unmixed) << ntu << " " << cr;
      EXPECT_GT(unmixed, cmin_mixed) << ntu << " " << cr;
      EXPECT_GE(cmin_mixed, cmax_mixed - 1e-15) << ntu << " " << cr;
      worst_approx = std::max(worst_approx,
                              std::abs(crossflow_unmixed_approx_effectiveness(ntu, cr) - unmixed));
    }
  EXPECT_LT(worst_approx, 0.02);
  // A value to check by hand against Kays & London's chart: NTU 1, Cr 1 -> 0.4762.
  EXPECT_NEAR(crossflow_unmixed_effectiveness(1.0, 1.0), 0.4762, 1e-4);
  std::printf("unmixed approximation: largest |eps_approx - eps| %.4f (NTU <= 10)\n", worst_approx);
}
