// The facility's fans (solver/facility/fan.hpp) and dry cooler (dry_cooler.hpp), and the
// epsilon-NTU inverse they rate from (solver/physics/exchanger_effectiveness.hpp): affinity laws
// exact, the rating point reproduced, both sides' energy balance to round-off, the UA scaling
// law, adiabatic pre-cooling, the steady fan speed for a supply setpoint, limits and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "solver/facility/dry_cooler.hpp"
#include "facility_fixtures.hpp"

using namespace kelvin;
using namespace kelvin::facility_test;

namespace {



AmbientAir rating_air(const DryCooler& dc) {
  return {dc.design.rating.air_inlet_K, dc.design.rating.air_inlet_K - 10.0,
          dc.design.rating.air_humidity_ratio};
}

}  // namespace

TEST(FacilityFan, AffinityLawsAreExact) {
  const FanRating fan{12.0, 180.0, 290.0, 7.5e3};
  const double k = fan_system_coefficient(fan);
  EXPECT_DOUBLE_EQ(fan_flow_m3_s(fan, k, 1.0), fan.flow_m3_s);  // the rating lies on its path
  double worst = 0;
  for (double s : {0.2, 0.37, 0.5, 0.81, 1.0, 1.15}) {
    for (double v : {0.0, 3.0, 12.0, 15.5})  // dp(s V, s) = s^2 dp(V, 1)
      worst = std::max(
          worst, std::abs(fan_pressure_Pa(fan, s * v, s) - s * s * fan_pressure_Pa(fan, v, 1.0)) /
                     fan.shutoff_pressure_Pa);
    const double v = fan_flow_m3_s(fan, k, s);  // V ~ N on the air path, dp there ~ N^2
    worst = std::max(worst, std::abs(v / (s * fan.flow_m3_s) - 1.0));
    worst = std::max(worst, std::abs(fan_pressure_Pa(fan, v, s) / (s * s * fan.pressure_Pa) - 1));
    worst = std::max(worst, std::abs(fan_power_W(fan, s) / (s * s * s * fan.power_W) - 1.0));
  }
  std::printf("fan affinity: worst relative deviation %.2e\n", worst);
  EXPECT_LT(worst, 1e-14);
  EXPECT_EQ(fan_power_W(fan, 0.5), fan.power_W / 8);  // exactly: powers of two
  EXPECT_EQ(fan_power_W(fan, 0.0), 0.0);
}

TEST(FacilityFan, BadInputIsRefused) {
  expect_refused([] { check_fan({0.0, 100, 200, 1}); }, "flow_m3_s");
  expect_refused([] { check_fan({1.0, 300, 200, 1}); }, "shutoff_pressure_Pa");
  expect_refused([] { check_fan({1.0, 100, 200, -1}); }, "power_W");
  expect_refused([] { fan_power_W({1.0, 100, 200, 1}, -0.1); }, "speed");
  expect_refused([] { fan_flow_m3_s({1.0, 100, 200, 1}, 0.0, 1.0); }, "system coefficient");
}

TEST(FacilityExchanger, InverseRoundTripsEveryArrangement) {
  const ExchangerArrangement all[] = {
      ExchangerArrangement::Counterflow, ExchangerArrangement::CrossflowUnmixed,
      ExchangerArrangement::CrossflowUnmixedApprox, ExchangerArrangement::CrossflowCmaxMixed,
      ExchangerArrangement::CrossflowCminMixed};
  double worst = 0;
  for (ExchangerArrangement a : all)
    for (double cr : {0.0, 0.25, 0.776, 1.0})
      for (double ntu : {0.05, 0.5, 1.0, 2.3, 5.0}) {
        const double eps = effectiveness(a, ntu, cr);
        worst = std::max(worst, std::abs(effectiveness_ntu(a, eps, cr) / ntu - 1.0));
      }
  std::printf("eps-NTU inverse: worst relative NTU error %.2e\n", worst);
  EXPECT_LT(worst, 1e-9);
  // C_max mixed tops out at (1 - e^-Cr)/Cr: asking more names the effectiveness.
  expect_refused([] { effectiveness_ntu(ExchangerArrangement::CrossflowCmaxMixed, 0.9, 0.5); },
                 "effectiveness eps");
  expect_refused([] { effectiveness_ntu(ExchangerArrangement::Counterflow, 0.5, 1.5); }, "Cr");
}

TEST(FacilityDryCooler, RatingPointIsReproduced) {
  for (const char* fluid : {"water", "PG"}) {
    const CoolantProperties liquid = make_coolant(fluid, fluid[0] == 'P' ? 0.25 : 0.0);
    const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, liquid);
    const DryCoolerRating& r = dc.design.rating;
    const DryCoolerState s =
        dry_cooler_operate(dc, dc.rated_liquid_flow_kg_s, r.liquid_inlet_K, rating_air(dc), 1.0);
    std::printf(
        "%s: m_l %.3f kg/s, UA %.1f kW/K, eps %.4f, NTU %.4f; heat %.2e off (relative), "
        "outlet error %.2e K, fans %.1f kW\n",
        liquid.name, dc.rated_liquid_flow_kg_s, dc.rated_ua_W_K / 1e3, dc.rated_effectiveness,
        dc.rated_ntu, s.heat_W / r.heat_W - 1, s.liquid_outlet_K - r.liquid_outlet_K,
        s.fan_power_W / 1e3);
    EXPECT_LT(std::abs(s.heat_W / r.heat_W - 1.0), 1e-9);
    EXPECT_LT(std::abs(s.liquid_outlet_K - r.liquid_outlet_K), 1e-9);
    EXPECT_NEAR(s.fan_power_W, 117.7e3, 1e-6);  // the sheet's 117.7 kW
    EXPECT_FALSE(s.pad_on);
  }
}

TEST(FacilityDryCooler, BothSidesCarryTheSameHeat) {
  const CoolantProperties pg25 = make_coolant("PG", 0.25);
  const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, pg25);
  double worst = 0;
  for (double flow : {0.3, 1.0, 1.7})
    for (double speed : {0.15, 0.6, 1.0, 1.2})
      for (double t_in : {kC + 30, kC + 46.1, kC + 55}) {
        const AmbientAir air{kC + 21.0, kC + 15.0, 0.008};
        const double m_l = flow * dc.rated_liquid_flow_kg_s;
        const DryCoolerState s = dry_cooler_operate(dc, m_l, t_in, air, speed);
        // Each side recomputed here: m_l cp_l(T_mean) dT_l and m_a (1006 + 1860 W) dT_a.
        const double liquid =
            m_l * pg25.specific_heat(0.5 * (t_in + s.liquid_outlet_K)) * (t_in - s.liquid_outlet_K);
        const double air_side = dc.design.rating.air_flow_kg_s * speed * (1006.0 + 1860.0 * 0.008) *
                                (s.air_outlet_K - s.air_coil_inlet_K);
        worst =
            std::max({worst, std::abs(liquid / s.heat_W - 1), std::abs(air_side / s.heat_W - 1)});
        EXPECT_GT(s.heat_W, 0);
        EXPECT_LT(s.air_outlet_K, t_in);
      }
  std::printf("dry cooler energy balance: worst relative %.2e (36 points)\n", worst);
  EXPECT_LT(worst, 1e-12);
}

TEST(FacilityDryCooler, ConductanceFollowsTheSeriesLaw) {
  const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, make_coolant("water", 0));
  const AmbientAir air{kC + 20, kC + 14, 0.008};
  double worst = 0;
  for (double fl : {0.5, 1.0, 2.0})
    for (double s : {0.25, 0.5, 1.0}) {
      const double ua =
          dry_cooler_operate(dc, fl * dc.rated_liquid_flow_kg_s, kC + 40, air, s).ua_W_K;
      const double want = 1.0 / (1.0 / (dc.rated_air_hA_W_K * std::pow(s, 0.6)) +
                                 1.0 / (dc.rated_liquid_hA_W_K * std::pow(fl, 0.8)));
      worst = std::max(worst, std::abs(ua / want - 1));
    }
  EXPECT_LT(worst, 1e-14);
  // The rating split: hA_a / hA_l = 2/3 and 1/UA = 1/hA_a + 1/hA_l.
  EXPECT_NEAR(dc.rated_air_hA_W_K / dc.rated_liquid_hA_W_K, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(1 / dc.rated_air_hA_W_K + 1 / dc.rated_liquid_hA_W_K, 1 / dc.rated_ua_W_K,
              1e-15 / dc.rated_ua_W_K);
}

TEST(FacilityDryCooler, FanPowerIsCubicAndAirFlowLinearInSpeed) {
  const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, make_coolant("water", 0));
  const AmbientAir air{kC + 20, kC + 14, 0.008};
  const double p1 =
      dry_cooler_operate(dc, dc.rated_liquid_flow_kg_s, kC + 40, air, 1.0).fan_power_W;
  for (double s : {0.1, 0.3, 0.5, 0.77, 1.1}) {
    const DryCoolerState st = dry_cooler_operate(dc, dc.rated_liquid_flow_kg_s, kC + 40, air, s);
    EXPECT_NEAR(st.fan_power_W / p1, s * s * s, 1e-14);
    EXPECT_NEAR(st.air_flow_kg_s / dc.design.rating.air_flow_kg_s, s, 1e-14);
  }
}

TEST(FacilityDryCooler, AdiabaticPadLowersTheSupplyAndEvaporatesWater) {
  DryCoolerDesign d;
  d.pad_effectiveness = 0.85;
  d.pad_threshold_K = kC + 25;
  const DryCooler wet = rate_dry_cooler(d, make_coolant("water", 0));
  const DryCooler dry = rate_dry_cooler(DryCoolerDesign{}, make_coolant("water", 0));
  const AmbientAir hot{kC + 35, kC + 22, 0.0115};  // ~33 % RH at 35 degC
  const double m = wet.rated_liquid_flow_kg_s, t_in = kC + 46.1;
  const DryCoolerState w = dry_cooler_operate(wet, m, t_in, hot, 1.0);
  const DryCoolerState n = dry_cooler_operate(dry, m, t_in, hot, 1.0);
  ASSERT_TRUE(w.pad_on);
  EXPECT_NEAR(w.air_coil_inlet_K, kC + 35 - 0.85 * 13, 1e-12);
  EXPECT_LT(w.liquid_outlet_K, n.liquid_outlet_K - 3.0);
  EXPECT_NEAR(w.water_evaporated_kg_s, w.air_flow_kg_s * (w.coil_humidity_ratio - 0.0115), 1e-15);
  EXPECT_GT(w.water_evaporated_kg_s, 0);
  std::printf(
      "pad eta 0.85 at 35/22 degC: supply %.3f -> %.3f degC, heat %.3f -> %.3f MW, water "
      "%.3f kg/s (%.2f L/kWh)\n",
      n.liquid_outlet_K - kC, w.liquid_outlet_K - kC, n.heat_W / 1e6, w.heat_W / 1e6,
      w.water_evaporated_kg_s, w.water_evaporated_kg_s * 3600 / (w.heat_W / 1e3));
  // Below the threshold the pad stays dry: the same as the cooler without one.
  const AmbientAir mild{kC + 24, kC + 17, 0.0095};
  const DryCoolerState wm = dry_cooler_operate(wet, m, t_in, mild, 1.0);
  EXPECT_FALSE(wm.pad_on);
  EXPECT_EQ(wm.water_evaporated_kg_s, 0.0);
  EXPECT_EQ(wm.liquid_outlet_K, dry_cooler_operate(dry, m, t_in, mild, 1.0).liquid_outlet_K);
}

TEST(FacilityDryCooler, SaturatingPadMatchesAshraeWetBulbRelation) {
  // ASHRAE Fundamentals 2017 ch. 1 eq. 35 gives W from (t, t*, W_s*): built here for a chosen
  // W_s*, a pad of effectiveness 1 must return W_s* at t*.
  const double t = 33.0, t_star = 21.0, ws_star = 0.01582;
  const double w = ((2501 - 2.326 * t_star) * ws_star - 1.006 * (t - t_star)) /
                   (2501 + 1.86 * t - 4.186 * t_star);
  const PadOutlet out = adiabatic_pad({kC + t, kC + t_star, w}, 1.0);
  EXPECT_NEAR(out.dry_bulb_K, kC + t_star, 1e-12);
  EXPECT_NEAR(out.humidity_ratio, ws_star, 1e-15);
  const PadOutlet none = adiabatic_pad({kC + t, kC + t_star, w}, 0.0);
  EXPECT_NEAR(none.humidity_ratio, w, 1e-17);
}

TEST(FacilityDryCooler, NoAirOrNoLiquidMeansNoHeat) {
  DryCoolerDesign d;
  d.pad_effectiveness = 0.8;
  const DryCooler dc = rate_dry_cooler(d, make_coolant("water", 0));
  const AmbientAir hot{kC + 35, kC + 22, 0.0115};
  const DryCoolerState still = dry_cooler_operate(dc, dc.rated_liquid_flow_kg_s, kC + 45, hot, 0.0);
  EXPECT_EQ(still.heat_W, 0.0);
  EXPECT_EQ(still.liquid_outlet_K, kC + 45);
  EXPECT_EQ(still.fan_power_W, 0.0);
  EXPECT_EQ(still.water_evaporated_kg_s, 0.0);
  const DryCoolerState dry = dry_cooler_operate(dc, 0.0, kC + 45, hot, 1.0);
  EXPECT_EQ(dry.heat_W, 0.0);
  // Heat falls monotonically towards zero as the fans slow down.
  double last = 0;
  for (double s : {1e-6, 1e-3, 0.05, 0.2, 0.5, 1.0}) {
    const double q = dry_cooler_operate(dc, dc.rated_liquid_flow_kg_s, kC + 45, hot, s).heat_W;
    EXPECT_GT(q, last);
    last = q;
  }
}

TEST(FacilityDryCooler, SpeedForOutletHoldsTheSupplySetpoint) {
  const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, make_coolant("PG", 0.25));
  const double m = dc.rated_liquid_flow_kg_s, t_in = kC + 40;
  for (double t_amb : {-5.0, 5.0, 15.0, 22.0}) {
    const AmbientAir air{kC + t_amb, kC + t_amb - 4, 0.004};
    const double setpoint = kC + 32;
    const double s = speed_for_outlet(dc, m, t_in, air, setpoint, 0.0, 1.0);
    const double out = outlet_temperature(dc, m, t_in, air, s);
    std::printf("ambient %5.1f degC: speed %.6f for a 32 degC supply (outlet %.3e K off)\n", t_amb,
                s, out - setpoint);
    EXPECT_NEAR(out, setpoint, 1e-9);
  }
  // Too warm to reach the setpoint: full speed; too cold to need the fans: min speed.
  const AmbientAir warm{kC + 35, kC + 24, 0.014}, frozen{kC - 20, kC - 21, 0.0005};
  EXPECT_EQ(speed_for_outlet(dc, m, t_in, warm, kC + 32, 0.1, 1.0), 1.0);
  EXPECT_EQ(speed_for_outlet(dc, m, kC + 31, frozen, kC + 32, 0.1, 1.0), 0.1);
  expect_refused([&] { speed_for_outlet(dc, m, t_in, warm, kC + 32, 0.5, 0.4); }, "max_speed");
}

TEST(FacilityDryCooler, BadInputIsRefused) {
  const CoolantProperties water = make_coolant("water", 0);
  auto with = [&](auto edit) {
    DryCoolerDesign d;
    edit(d);
    return [d, water] { rate_dry_cooler(d, water); };
  };
  expect_refused(with([](DryCoolerDesign& d) { d.rating.heat_W = 0; }), "rating.heat_W");
  expect_refused(with([](DryCoolerDesign& d) { d.rating.liquid_outlet_K = kC + 47; }),
                 "rating.liquid_outlet_K");
  expect_refused(with([](DryCoolerDesign& d) { d.rating.air_inlet_K = kC + 41; }),
                 "rating.air_inlet_K");
  expect_refused(with([](DryCoolerDesign& d) { d.rating.air_flow_kg_s = -1; }),
                 "rating.air_flow_kg_s");
  expect_refused(with([](DryCoolerDesign& d) { d.fans = 0; }), "fans");
  expect_refused(with([](DryCoolerDesign& d) { d.pad_effectiveness = 1.2; }), "pad_effectiveness");
  // 2.9 MW across 11.1 K on 50 kg/s of air needs eps > 1.
  expect_refused(with([](DryCoolerDesign& d) { d.rating.air_flow_kg_s = 50; }), "out of reach");
  const DryCooler dc = rate_dry_cooler(DryCoolerDesign{}, water);
  const AmbientAir air{kC + 20, kC + 14, 0.008};
  expect_refused([&] { dry_cooler_operate(dc, -1, kC + 40, air, 1); }, "liquid_flow_kg_s");
  expect_refused([&] { dry_cooler_operate(dc, 10, kC + 40, air, -1); }, "speed");
  expect_refused(
      [&] {
        dry_cooler_operate(dc, 10, kC + 40, {kC + 20, kC + 14, -0.1}, 1);
      },
      "humidity_ratio");
}
