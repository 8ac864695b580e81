// The CRAH's chilled-water coil (solver/facility/crah_coil.hpp): UA at the rating, its scaling
// with flow, and the heat by counterflow epsilon-NTU worked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "solver/facility/crah_coil.hpp"

using namespace kelvin;

namespace {

CrahCoil coil() {
  CrahCoil c;
  c.ua_rated_W_K = 20000;
  c.air_flow_rated_kg_s = 12;
  c.water_flow_rated_kg_s = 4;
  c.air_side_share = 0.6;
  return c;
}

}  // namespace

TEST(FacilityCrahCoil, UaAtAndAwayFromTheRating) {
  EXPECT_NEAR(crah_coil_ua_W_K(coil(), 12, 4), 20000, 1e-9);
  // Half the air: hA_air = 20000/0.6 * 0.5^0.8, hA_w = 20000/0.4.
  const double ha_air = 20000 / 0.6 * std::pow(0.5, 0.8), ha_w = 20000 / 0.4;
  EXPECT_NEAR(crah_coil_ua_W_K(coil(), 6, 4), 1 / (1 / ha_air + 1 / ha_w), 1e-9);
}

TEST(FacilityCrahCoil, HeatByHand) {
  // C_air = 12 * 1007 = 12084, C_w = 4 * 4190 = 16760; NTU = 20000/12084, Cr = 12084/16760;
  // eps = (1 - e^(-NTU(1-Cr))) / (1 - Cr e^(-NTU(1-Cr))); Q = eps * 12084 * (38 - 18).
  const double ntu = 20000.0 / 12084, cr = 12084.0 / 16760;
  const double e = std::exp(-ntu * (1 - cr));
  const double eps = (1 - e) / (1 - cr * e);
  EXPECT_NEAR(crah_coil_heat_W(coil(), 38, 12, 18, 4), eps * 12084 * 20, 1e-6);
  EXPECT_NEAR(crah_coil_heat_W(coil(), 18, 12, 18, 4), 0, 1e-9);
}

TEST(FacilityCrahCoil, ValveHoldsTheSupplySetpoint) {
  // 38 C return air at 12 kg/s, 14 C chilled water: the settled flow leaves the air at 24 C.
  const double w = crah_water_flow_for_supply_kg_s(coil(), 38, 12, 14, 24, 20);
  ASSERT_GT(w, 0);
  ASSERT_LT(w, 20);
  EXPECT_NEAR(crah_coil_heat_W(coil(), 38, 12, 14, w), 12 * 1007 * (38 - 24), 1e-3);
  EXPECT_EQ(crah_water_flow_for_supply_kg_s(coil(), 20, 12, 14, 24, 20), 0);
  EXPECT_EQ(crah_water_flow_for_supply_kg_s(coil(), 38, 12, 14, 15, 20), 20);  // out of reach
}
