// One hour of a facility of racks on dry coolers (solver/coupling/facility_plant.hpp), on a
// synthetic rack table: the coolers reject exactly the racks' duty, the fans hold the setpoint
// when they can, and the supply floats above it (fans at full speed) or below it (fans at their
// minimum) when they cannot, each at the temperature where the coolers' outlet equals it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "solver/coupling/facility_plant.hpp"
#include "solver/facility/psychrometrics.hpp"
#include "solver/loop/enthalpy.hpp"
#include "rack_table_fixture.hpp"

using namespace kelvin;

namespace {

constexpr double kC = 273.15;

/// The shared synthetic rack: 100 kW, all of it into the facility water.
RackResponseTable synthetic_table() { return kelvin_test::synthetic_rack_table(); }

FacilityPlant plant(double pad) {
  FacilityPlant p;
  p.water = make_coolant("water", 0);
  DryCoolerDesign d;
  d.pad_effectiveness = pad;
  p.cooler = rate_dry_cooler(d, p.water);
  p.coolers = 1;
  p.racks = 10;
  p.setpoint_K = kC + 35;
  return p;
}

AmbientAir air(double t_C, double rh) {
  const MoistAir a = moist_air_from_relative_humidity(kC + t_C, rh, 101325.0);
  return {a.dry_bulb_K, a.wet_bulb_K, a.humidity_ratio};
}

}  // namespace

TEST(FacilityPlant, TableInterpolatesLinearly) {
  const RackResponseTable t = synthetic_table();
  EXPECT_DOUBLE_EQ(t.at(kC + 32.25).facility_flow_kg_s, 3.0 * (1 + 0.05 * 2.25));
  EXPECT_DOUBLE_EQ(t.at(kC + 10).facility_flow_kg_s, 3.0);  // clamped below the table
}

TEST(FacilityPlant, FansHoldTheSetpointAndTheCoolersRejectTheDuty) {
  const FacilityPlant p = plant(0.0);
  const RackResponseTable t = synthetic_table();
  for (double ambient : {20.0, 25.0, 30.0}) {
    const FacilityHour h = solve_facility_hour(p, t, air(ambient, 0.5));
    EXPECT_NEAR(h.facility_supply_K, p.setpoint_K, 1e-9) << ambient;
    EXPECT_FALSE(h.above_setpoint);
    EXPECT_NEAR(h.rejected_W / (p.racks * 1e5), 1.0, 1e-9) << ambient;
    EXPECT_NEAR(h.cooler.liquid_outlet_K, h.facility_supply_K, 1e-8);
    EXPECT_GT(h.fan_speed, p.min_fan_speed - 1e-12);
    EXPECT_LE(h.fan_speed, 1.0);
    // return: the racks' duty on their flow, h(T_r) = h(T_f) + Q/m
    EXPECT_NEAR(coolant_enthalpy(p.water, h.facility_return_K) - coolant_enthalpy(p.water, h.facility_supply_K),
                1e5 / 3.0 / (1 + 0.05 * 5), 1e-6);
    std::printf("ambient %4.1f degC: fans %.4f, %.1f kW of fans, PUE %.5f\n", ambient, h.fan_speed,
                h.fans_W / 1e3, h.pue());
  }
}

TEST(FacilityPlant, TooWarmRunsTheFansFullAndTheSupplyFloatsAbove) {
  const FacilityPlant p = plant(0.0);
  const RackResponseTable t = synthetic_table();
  const FacilityHour h = solve_facility_hour(p, t, air(38.0, 0.4));
  EXPECT_TRUE(h.above_setpoint);
  EXPECT_EQ(h.fan_speed, 1.0);
  EXPECT_GT(h.facility_supply_K, p.setpoint_K + 1.0);
  EXPECT_NEAR(h.cooler.liquid_outlet_K, h.facility_supply_K, 1e-8);
  EXPECT_NEAR(h.rejected_W / (p.racks * 1e5), 1.0, 1e-9);
  // the pads cool the air towards its wet bulb: the supply comes down, water is used
  const FacilityHour wet = solve_facility_hour(plant(0.85), t, air(38.0, 0.4));
  EXPECT_TRUE(wet.cooler.pad_on);
  EXPECT_LT(wet.facility_supply_K, h.facility_supply_K - 1.0);
  EXPECT_GT(wet.water_kg_s, 0.0);
  std::printf("38 degC, 40 %%: dry %.3f degC at full fans; with pads %.3f degC, %.3f kg/s of water\n",
              h.facility_supply_K - kC, wet.facility_supply_K - kC, wet.water_kg_s);
}

TEST(FacilityPlant, TooColdBypassesTheCoolersAtMinimumFans) {
  const FacilityPlant p = plant(0.0);
  for (double ambient : {-15.0, 0.0, 12.0}) {
    const FacilityHour h = solve_facility_hour(p, synthetic_table(), air(ambient, 0.7));
    EXPECT_EQ(h.fan_speed, p.min_fan_speed);
    EXPECT_GT(h.bypass_fraction, 0.0);
    EXPECT_LT(h.bypass_fraction, 1.0);
    EXPECT_NEAR(h.facility_supply_K, p.setpoint_K, 1e-12);
    // what the coolers take out of their share equals the racks' duty
    EXPECT_NEAR(h.rejected_W / (p.racks * 1e5), 1.0, 1e-9) << ambient;
    std::printf("%5.1f degC: fans at %.2f, %.3f of the flow bypasses the coolers\n", ambient,
                h.fan_speed, h.bypass_fraction);
  }
}
