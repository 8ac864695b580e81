// One hour of a facility on open cooling towers (through a plate exchanger) and on a chiller
// plant with a free-cooling economizer (solver/coupling/facility_tower_hour.cpp,
// facility_chiller_hour.cpp), on a synthetic rack table: the towers' fans hold the setpoint,
// float at full speed or bypass at their minimum as the dry coolers' do; the chiller plant runs
// free, economizer + trim, or mechanical; and every option's books close hour by hour:
// heat to the ambient = IT + pumps + fans + compressors to 1e-9.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "solver/coupling/facility_hour_parts.hpp"
#include "solver/facility/psychrometrics.hpp"
#include "solver/loop/enthalpy.hpp"
#include "rack_table_fixture.hpp"

using namespace kelvin;

namespace {

constexpr double kC = 273.15;

/// The shared synthetic rack, 1 kW of it to the room.
RackResponseTable synthetic_table() { return kelvin_test::synthetic_rack_table(0.99e5); }

const SaturatedAir kSaturated{
    [](double t) { return moist_air_enthalpy_J_kg(t, saturation_humidity_ratio(t, 101325.0)); },
    [](double t) { return saturation_humidity_ratio(t, 101325.0); }};

/// Ten racks (1 MW) on two towers of 32 kg/s (CTI rating, L/G 1.2), exchanger UA 600 kW/K;
/// chiller plant: two 600 kW DOE-2 centrifugals.
FacilityPlant plant(HeatRejection kind, double setpoint_C) {
  FacilityPlant p;
  p.water = make_coolant("water", 0);
  p.cooler = rate_dry_cooler(DryCoolerDesign{}, p.water);
  p.racks = 10;
  p.setpoint_K = kC + setpoint_C;
  p.heat_rejection = kind;
  CoolingTowerDesign d;
  d.rating.water_flow_kg_s = 32;
  d.rating.air_flow_kg_s = 32 / 1.2;
  d.simpson_intervals = 16;
  d.fan.power_W = 9.5e3;
  d.cycles_of_concentration = 4;
  p.towers.tower = rate_cooling_tower(d, kSaturated);
  p.towers.towers = 2;
  p.towers.exchanger_ua_W_K = 6e5;
  p.chiller = doe2_centrifugal_5_50cop(6e5);
  p.chillers = 2;
  return p;
}

AmbientAir air(double t_C, double rh) {
  const MoistAir a = moist_air_from_relative_humidity(kC + t_C, rh, 101325.0);
  return {a.dry_bulb_K, a.wet_bulb_K, a.humidity_ratio};
}

/// |heat to the ambient - (IT + every pump, fan and compressor)| / the latter.
double ambient_miss(const FacilityHour& h) {
  return std::abs(h.to_ambient_W - (h.it_W + h.cooling_W())) / (h.it_W + h.cooling_W());
}

/// The facility water's enthalpy drop through the plant against the racks' duty.
double duty_miss(const FacilityPlant& p, const FacilityHour& h) {
  const double duty = p.racks * h.rack.duty_W;
  return std::abs(h.rejected_W - duty) / duty;
}

}  // namespace

TEST(FacilityTowers, FansHoldTheSetpointAndTheBooksClose) {
  const FacilityPlant p = plant(HeatRejection::CoolingTower, 35);
  const RackResponseTable t = synthetic_table();
  for (double ambient : {15.0, 20.0, 25.0, 30.0}) {
    const FacilityHour h = solve_facility_hour(p, t, air(ambient, 0.5));
    EXPECT_NEAR(h.facility_supply_K, p.setpoint_K, 1e-9) << ambient;
    EXPECT_GT(h.fan_speed, p.towers.min_fan_speed) << ambient;
    EXPECT_LT(h.fan_speed, 1.0) << ambient;
    EXPECT_EQ(h.bypass_fraction, 0.0) << ambient;
    EXPECT_LT(ambient_miss(h), 1e-9) << ambient;
    EXPECT_LT(duty_miss(p, h), 1e-9) << ambient;
    // the towers reject the exchanger's duty: 2 L cp (T_h - T_c)
    EXPECT_NEAR(2 * h.tower.heat_W / h.rejected_W, 1.0, 1e-9) << ambient;
    // make-up = E + D + B, B + D = E / (C - 1), D = 0.005 % of 64 kg/s
    EXPECT_NEAR(h.water_kg_s, h.evaporation_kg_s + h.drift_kg_s + h.blowdown_kg_s, 1e-15);
    EXPECT_NEAR(h.blowdown_kg_s + h.drift_kg_s, h.evaporation_kg_s / 3.0, 1e-12);
    EXPECT_DOUBLE_EQ(h.drift_kg_s, 5e-5 * 64);
    // ~1 MW evaporates ~0.4 kg/s (latent heat 2.4 MJ/kg, most of the heat leaves as vapour)
    EXPECT_GT(h.evaporation_kg_s, 0.25) << ambient;
    EXPECT_LT(h.evaporation_kg_s, 0.45) << ambient;
    EXPECT_GT(h.condenser_pumps_W, 0.0);
    EXPECT_EQ(h.compressor_W, 0.0);
    std::printf(
        "towers at %.0f degC, 50 %%: wet bulb %.2f degC, fans %.4f, towers' water %.2f degC, "
        "evaporation %.4f kg/s, make-up %.4f kg/s, PUE %.5f\n",
        ambient, air(ambient, 0.5).wet_bulb_K - kC, h.fan_speed, h.tower_supply_K - kC,
        h.evaporation_kg_s, h.water_kg_s, h.pue());
  }
}

TEST(FacilityTowers, FloatAtFullSpeedWhenTheWetBulbIsHigh) {
  const FacilityPlant p = plant(HeatRejection::CoolingTower, 30);
  const FacilityHour h =
      solve_facility_hour(p, synthetic_table(), air(38, 0.7));  // ~33 degC wet bulb
  EXPECT_TRUE(h.above_setpoint);
  EXPECT_EQ(h.fan_speed, 1.0);
  EXPECT_GT(h.facility_supply_K, p.setpoint_K + 1.0);
  EXPECT_LT(ambient_miss(h), 1e-9);
  EXPECT_LT(duty_miss(p, h), 1e-9);
}

TEST(FacilityTowers, BypassAtMinimumSpeedInTheCold) {
  // towers in cold air cool well at low speed: with a minimum of 0.4 they overcool at -10 degC
  FacilityPlant p = plant(HeatRejection::CoolingTower, 35);
  p.towers.min_fan_speed = 0.4;
  const FacilityHour h = solve_facility_hour(p, synthetic_table(), air(-10, 0.6));
  EXPECT_EQ(h.fan_speed, p.towers.min_fan_speed);
  EXPECT_GT(h.bypass_fraction, 0.0);
  EXPECT_LT(h.bypass_fraction, 1.0);
  EXPECT_NEAR(h.facility_supply_K, p.setpoint_K, 1e-9);
  EXPECT_LT(ambient_miss(h), 1e-9);
  EXPECT_LT(duty_miss(p, h), 1e-9);
}

TEST(FacilityChillers, FreeCoolingThenTrimThenMechanical) {
  const FacilityPlant p = plant(HeatRejection::Chiller, 25);
  const RackResponseTable t = synthetic_table();
  // cold: the towers alone hold 25 degC; mild: the economizer helps the chillers; hot and
  // humid: the towers' water is no colder than the return (33 degC), the chillers carry it all
  const FacilityHour cold = solve_facility_hour(p, t, air(5, 0.6));
  const FacilityHour mild = solve_facility_hour(p, t, air(27, 0.8));
  const FacilityHour hot = solve_facility_hour(p, t, air(38, 0.75));
  EXPECT_EQ(cold.mode, 0);
  EXPECT_EQ(cold.compressor_W, 0.0);
  EXPECT_EQ(mild.mode, 1);
  EXPECT_GT(mild.economizer_W, 0.0);
  EXPECT_GT(mild.compressor_W, 0.0);
  EXPECT_EQ(hot.mode, 2);
  EXPECT_EQ(hot.economizer_W, 0.0);
  EXPECT_GT(hot.compressor_W, mild.compressor_W);
  for (const FacilityHour* h : {&cold, &mild, &hot}) {
    EXPECT_NEAR(h->facility_supply_K, p.setpoint_K, 1e-9);
    EXPECT_LT(ambient_miss(*h), 1e-9) << h->mode;
    EXPECT_LT(duty_miss(p, *h), 1e-9) << h->mode;
    EXPECT_EQ(h->chiller.unmet_load_W, 0.0);
    std::printf(
        "chiller plant, mode %d: economizer %.1f kW, chillers %d at PLR %.3f, COP %.2f, "
        "compressor %.1f kW, towers' water %.2f degC, PUE %.4f\n",
        h->mode, h->economizer_W / 1e3, h->chillers_on, h->chiller.plr, h->chiller.cop,
        h->compressor_W / 1e3, h->tower_supply_K - kC, h->pue());
  }
  // the condensers reject compressor + evaporator: the towers carry the duty and P
  EXPECT_NEAR(2 * hot.tower.heat_W / (hot.rejected_W + hot.compressor_W), 1.0, 1e-9);
}

TEST(FacilityDryCoolers, BooksCloseToTheAmbient) {
  FacilityPlant p = plant(HeatRejection::DryCooler, 35);
  p.coolers = 1;
  for (double ambient : {-10.0, 20.0, 38.0}) {
    const FacilityHour h = solve_facility_hour(p, synthetic_table(), air(ambient, 0.4));
    EXPECT_LT(ambient_miss(h), 1e-9) << ambient;
    EXPECT_EQ(h.mode, 0);
  }
}

TEST(FacilityTowers, SixteenSimpsonIntervalsMatchSixtyFour) {
  // facility runs integrate Merkel's number with 16 intervals (facility_tower_hour.cpp): at the
  // CTI rating and at a hot, wide-range point the answer is that of 64 intervals to 1e-7
  // (4.3e-8 and 9.3e-8)
  const double lg = 1.2, h_in = kSaturated.enthalpy_J_kg(kC + 25.556);
  for (const auto& [t_h, t_c] :
       {std::pair{kC + 35.0, kC + 29.444}, std::pair{kC + 45.0, kC + 30.0}}) {
    const double m16 =
        merkel_number(kSaturated.enthalpy_J_kg, t_h, t_c, h_in, lg, 4186, MerkelRule::Simpson, 16);
    const double m64 =
        merkel_number(kSaturated.enthalpy_J_kg, t_h, t_c, h_in, lg, 4186, MerkelRule::Simpson, 64);
    std::printf("Merkel %.3f -> %.3f degC: 16 intervals %.12f, 64 %.12f, relative %.1e\n", t_h - kC,
                t_c - kC, m16, m64, std::abs(m16 / m64 - 1));
    EXPECT_LT(std::abs(m16 / m64 - 1), 1e-7);
  }
}
