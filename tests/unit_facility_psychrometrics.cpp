// Psychrometrics (solver/facility/psychrometrics.hpp) against ASHRAE's published values, by round
// trips, by monotonicity, and its refusals. CoolProp's real-gas HumidAir is the oracle in
// tests/oracles/coolprop_humidair.py (Oracle.PsychrometricsMatchCoolProp).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "solver/facility/psychrometrics.hpp"

using namespace kelvin;

namespace {

constexpr double kC = 273.15, kAtm = 101325.0;

template <class F>
void expect_refused(F f, const std::string& input) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one naming " << input;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(input), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(FacilityPsychrometrics, SaturationPressureMatchesAshraeTableThree) {
  // ASHRAE Handbook Fundamentals 2017, ch. 1, Table 3 (water at saturation; over ice below
  // 0 degC), p_ws [Pa] as quoted by PsychroLib's test suite (Meyer & Thevenard 2019). The table
  // is IAPWS's; eqs. 5 and 6 are Hyland & Wexler's fits to it, within 300 ppm by ASHRAE's
  // account. Measured: -20 degC +1.97e-4, -5 +6.0e-5, 5 -1.30e-4, 25 -1.53e-4, 50 -1.17e-4,
  // 100 +7.1e-6, 150 +2.03e-4.
  const double table[][2] = {{-20, 103.24}, {-5, 401.74},    {5, 872.6},     {25, 3169.7},
                             {50, 12351.3}, {100, 101418.0}, {150, 476101.4}};
  for (const auto& row : table)
    EXPECT_NEAR(saturation_vapour_pressure_Pa(kC + row[0]) / row[1], 1.0, 3e-4) << row[0];
  // -60 degC: the table prints 0.00108 kPa; the formula gives 1.0817 Pa, the same to the
  // printed digits (a 300 ppm bar would be tighter than the table's own three digits).
  EXPECT_NEAR(saturation_vapour_pressure_Pa(kC - 60), 1.08, 0.005);
  // The ice (eq. 5) and water (eq. 6) branches meet at 0 degC within 1e-4 (611.154 and
  // 611.213 Pa; the table's 0.6112 kPa is the water value).
  EXPECT_NEAR(saturation_vapour_pressure_Pa(kC - 1e-9) / saturation_vapour_pressure_Pa(kC), 1.0,
              1e-4);
  EXPECT_NEAR(saturation_vapour_pressure_Pa(kC), 611.2, 0.05);
}

TEST(FacilityPsychrometrics, SaturationHumidityRatioIsIdealGasTableTwoLessEnhancement) {
  // Table 2's W_s (real gas, with the enhancement factor f ~ 1.004-1.006) against eq. 23's ideal
  // W_s = 0.621945 p_ws/(p - p_ws): ideal is lower by 0.44 % at -20 degC, 0.46 % at 25 and
  // 0.62 % at 50 degC (measured), the size of f - 1.
  const double table[][2] = {{-20, 0.0006373}, {25, 0.020173}, {50, 0.086863}};
  for (const auto& row : table) {
    const double ratio = saturation_humidity_ratio(kC + row[0], kAtm) / row[1];
    EXPECT_LT(ratio, 1.0) << row[0];
    EXPECT_GT(ratio, 1.0 - 0.007) << row[0];
  }
}

TEST(FacilityPsychrometrics, MoistAirPropertiesMatchTheirEquations) {
  // Eqs. 26, 11 and 32 at 30 degC, W 0.02, 95 461 Pa (standard atmosphere at 500 m): PsychroLib's
  // values computed with the same equations in a spreadsheet: 0.940855374352943 m^3/kg,
  // 1.08411986348219 kg/m^3, 81316 J/kg.
  EXPECT_NEAR(moist_air_specific_volume_m3_kg(kC + 30, 0.02, 95461), 0.940855374352943, 1e-14);
  EXPECT_NEAR(moist_air_density_kg_m3(kC + 30, 0.02, 95461), 1.08411986348219, 1e-13);
  EXPECT_NEAR(moist_air_enthalpy_J_kg(kC + 30, 0.02), 81316.0, 1e-9);
  EXPECT_NEAR(moist_air_enthalpy_J_kg(kC, 0.0), 0.0, 1e-12);  // dry air at 0 degC: the reference
  // Dry air at 25 degC and 1 atm: Table 2 prints 0.8443 m^3/kg, real gas (air's compressibility
  // Z < 1); eq. 26, ideal, is 3.8e-4 above it (measured 0.84462).
  EXPECT_NEAR(moist_air_specific_volume_m3_kg(kC + 25, 0.0, kAtm) / 0.8443, 1.0, 5e-4);
}

TEST(FacilityPsychrometrics, AshraeExampleOneFromDryAndWetBulb) {
  // ASHRAE Fundamentals 2017, ch. 1, Example 1: 40 degC dry bulb, 20 degC wet bulb, 101.325 kPa.
  // The book: W 0.0065, h 56.7 kJ/kg, v 0.896 m^3/kg, RH 14 %, dew point about 7 degC. The book
  // takes W_s* from Table 2 (real gas, 0.014758) where eq. 23 gives 0.014698; W follows at
  // 0.00640 (measured), 1.5 % below the book's, and the dew point 7.43 degC.
  const MoistAir a = moist_air_from_wet_bulb(kC + 40, kC + 20, kAtm);
  EXPECT_NEAR(a.humidity_ratio, 0.0065, 0.00011);
  EXPECT_NEAR(a.enthalpy_J_kg, 56.7e3, 100.0);
  EXPECT_NEAR(a.specific_volume_m3_kg, 0.896, 5e-4);
  EXPECT_NEAR(a.relative_humidity, 0.14, 0.005);
  EXPECT_NEAR(a.dew_point_K - kC, 7.0, 0.5);
  EXPECT_NEAR(a.wet_bulb_K, kC + 20, 1e-8);  // the round trip through W
}

TEST(FacilityPsychrometrics, DewPointInvertsSaturationPressure) {
  // Newton on ln p_ws: the dew point of p_ws(T) is T, over ice and over water, -100..200 degC.
  double worst = 0;
  for (double t = -100; t <= 200; t += 0.25) {
    const double T = kC + t;
    worst = std::fmax(
        worst, std::fabs(dew_point_from_vapour_pressure_K(saturation_vapour_pressure_Pa(T)) - T));
  }
  EXPECT_LT(worst, 1e-9);
  // And through a state: a dew point given is the dew point found.
  const MoistAir a = moist_air_from_dew_point(kC + 30, kC + 18.5, 95000);
  EXPECT_NEAR(a.dew_point_K, kC + 18.5, 1e-9);
  const MoistAir frost = moist_air_from_dew_point(kC + 5, kC - 12, kAtm);
  EXPECT_NEAR(frost.dew_point_K, kC - 12, 1e-9);
}

TEST(FacilityPsychrometrics, SaturatedAirHasWetBulbAndDewPointAtTheDryBulb) {
  for (double t = -40; t <= 90; t += 2.5) {
    const MoistAir a = moist_air_from_relative_humidity(kC + t, 1.0, kAtm);
    EXPECT_NEAR(a.wet_bulb_K, kC + t, 1e-8) << t;
    EXPECT_NEAR(a.dew_point_K, kC + t, 1e-8) << t;
    EXPECT_NEAR(a.relative_humidity, 1.0, 1e-12) << t;
  }
}

TEST(FacilityPsychrometrics, WetBulbRoundTripsThroughHumidityRatio) {
  // t* -> W (eq. 33/35) -> t*: to 1e-8 K, at three pressures, wet bulbs from -30 degC to the
  // dry bulb. Above 0 degC through the water-bulb root (wet_bulb_roots_K), which wet_bulb_K
  // returns whenever no ice-bulb root exists.
  double worst = 0;
  for (double p : {80000.0, 90000.0, kAtm})
    for (double t = -20; t <= 45; t += 5)
      for (double t_wb = std::fmax(-30, t - 25); t_wb <= t; t_wb += 1.5) {
        double W = 0;
        try {
          W = humidity_ratio_from_wet_bulb(kC + t, kC + t_wb, p);
        } catch (const std::invalid_argument&) {
          continue;  // drier than dry air: no such state
        }
        const WetBulbRoots r = wet_bulb_roots_K(kC + t, W, p);
        const double root = t_wb < 0 ? r.ice_K : r.water_K;
        worst = std::fmax(worst, std::fabs(root - (kC + t_wb)));
        if (t_wb < 0 || std::isnan(r.ice_K)) {
          EXPECT_NEAR(wet_bulb_K(kC + t, W, p), kC + t_wb, 1e-8) << t << " " << t_wb;
        }
      }
  EXPECT_LT(worst, 1e-8);
}

TEST(FacilityPsychrometrics, NearFreezingTheIceBulbRootIsTakenAndBothAreReported) {
  // 10 degC, 5 %, 90 kPa: eq. 35 balances at -0.38 degC with an iced bulb and eq. 33 at +0.28
  // with a wet one; both reproduce the air's W, and wet_bulb_K is the ice root.
  const double T = kC + 10, p = 90000;
  const double W = humidity_ratio_from_relative_humidity(T, 0.05, p);
  const WetBulbRoots r = wet_bulb_roots_K(T, W, p);
  ASSERT_FALSE(std::isnan(r.ice_K));
  ASSERT_FALSE(std::isnan(r.water_K));
  EXPECT_LT(r.ice_K, kC);
  EXPECT_GT(r.water_K, kC);
  EXPECT_NEAR(humidity_ratio_from_wet_bulb(T, r.ice_K, p) / W, 1.0, 1e-9);
  EXPECT_NEAR(humidity_ratio_from_wet_bulb(T, r.water_K, p) / W, 1.0, 1e-9);
  EXPECT_EQ(wet_bulb_K(T, W, p), r.ice_K);
  // Far from 0 degC only one root: the water root at 30 degC, 50 %; the ice root at -5 degC.
  const WetBulbRoots warm = wet_bulb_roots_K(kC + 30, 0.0133, kAtm);
  EXPECT_TRUE(std::isnan(warm.ice_K));
  const WetBulbRoots cold = wet_bulb_roots_K(kC - 5, 0.001, kAtm);
  EXPECT_TRUE(std::isnan(cold.water_K));
}

TEST(FacilityPsychrometrics, VeryDryAirHasAWetBulb) {
  // Dry air at 20 degC has a wet bulb (about 5.7 degC at 1 atm) but no dew point in the formulas'
  // range; a trace of vapour, W 1e-9 (dew point far below -100 degC), moves the wet bulb by
  // dt*/dW W ~ 1.3e-6 K (measured 1.26e-6): the wet bulb is found, not refused.
  const double dry = wet_bulb_K(kC + 20, 0.0, kAtm);
  EXPECT_GT(dry, kC + 5);
  EXPECT_LT(dry, kC + 6.5);
  EXPECT_NEAR(wet_bulb_K(kC + 20, 1e-9, kAtm), dry, 2e-6);
  EXPECT_TRUE(std::isinf(moist_air_from_humidity_ratio(kC + 20, 0.0, kAtm).dew_point_K));
}

TEST(FacilityPsychrometrics, RelativeHumidityRoundTripsThroughHumidityRatio) {
  for (double p : {80000.0, kAtm})
    for (double t = -30; t <= 60; t += 7.5)
      for (double rh = 0; rh <= 1.0; rh += 0.125) {
        const double W = humidity_ratio_from_relative_humidity(kC + t, rh, p);
        EXPECT_NEAR(relative_humidity_from_humidity_ratio(kC + t, W, p), rh, 1e-12);
      }
}

TEST(FacilityPsychrometrics, PropertiesAreMonotone) {
  // p_ws rises through -100..200 degC, across the ice/water switch at 0 degC included.
  double previous = 0;
  for (double t = -100; t <= 200; t += 0.01) {
    const double p_ws = saturation_vapour_pressure_Pa(kC + t);
    ASSERT_GT(p_ws, previous) << t;
    previous = p_ws;
  }
  // At a fixed dry bulb, W, the dew point and the wet bulb rise with RH, ordered
  // dew point <= wet bulb <= dry bulb; h rises with T at fixed W.
  for (double t : {-10.0, 5.0, 25.0, 40.0}) {
    MoistAir last = moist_air_from_relative_humidity(kC + t, 0.02, kAtm);
    for (double rh = 0.04; rh <= 1.0 + 1e-12; rh += 0.02) {
      const MoistAir a = moist_air_from_relative_humidity(kC + t, std::fmin(rh, 1.0), kAtm);
      EXPECT_GT(a.humidity_ratio, last.humidity_ratio);
      EXPECT_GT(a.dew_point_K, last.dew_point_K);
      // The wet bulb rises except where it jumps from the ice root to the water root near
      // 0 degC, where it rises too: the jump is upward.
      EXPECT_GT(a.wet_bulb_K, last.wet_bulb_K) << t << " " << rh;
      EXPECT_LE(a.dew_point_K, a.wet_bulb_K + 1e-9);
      EXPECT_LE(a.wet_bulb_K, a.dry_bulb_K + 1e-9);
      last = a;
    }
  }
  for (double t = -99; t < 199; t += 1)
    EXPECT_GT(moist_air_enthalpy_J_kg(kC + t + 1, 0.01), moist_air_enthalpy_J_kg(kC + t, 0.01));
}

TEST(FacilityPsychrometrics, BadInputsAreRefusedByName) {
  expect_refused([] { moist_air_from_relative_humidity(kC + 20, 1.2, kAtm); },
                 "relative humidity 1.2");
  expect_refused([] { moist_air_from_relative_humidity(kC + 20, -0.1, kAtm); },
                 "relative humidity -0.1");
  expect_refused([] { saturation_vapour_pressure_Pa(kC - 150); }, "temperature [K] 123.15");
  expect_refused([] { saturation_vapour_pressure_Pa(kC + 201); }, "temperature [K] 474.15");
  expect_refused([] { moist_air_from_relative_humidity(kC + 20, 0.5, 0); }, "pressure [Pa] 0");
  expect_refused([] { moist_air_from_humidity_ratio(kC + 20, -0.001, kAtm); }, "humidity ratio");
  expect_refused([] { moist_air_from_humidity_ratio(kC + 20, 0.05, kAtm); },
                 "at most the saturation value");
  expect_refused([] { moist_air_from_wet_bulb(kC + 20, kC + 21, kAtm); }, "wet bulb [K]");
  expect_refused([] { moist_air_from_dew_point(kC + 20, kC + 21, kAtm); }, "dew point [K]");
  // Saturated at 150 degC and 1 atm the vapour alone would exceed the total pressure.
  expect_refused([] { moist_air_from_relative_humidity(kC + 150, 1.0, kAtm); },
                 "vapour pressure [Pa]");
  expect_refused([] { dew_point_from_vapour_pressure_K(1e-4); }, "vapour pressure [Pa]");
}
