// The facility section's cooling towers, plate exchanger and chillers (heat_rejection
// cooling_tower and chiller): every key to SI, defaults, the resolved case's round trip, and one
// bad value of each key reported at its line.
#include <gtest/gtest.h>

#include <string>

#include "case_diagnostics.hpp"
#include "rack_case_fixture.hpp"

using kelvin::Case;
using kelvin::Diagnostic;
using kelvin::FacilityCase;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

// As unit_case_facility.cpp: a two-tray loop; facility on line 21, its own keys from line 23.
const std::string kBase = kelvin_test::kLidUnderPlate + kelvin_test::kFourGpus + kelvin_test::kTwoTrays +
                          kelvin_test::facility_with_weather();

// ai-factory-chiller's plant.
const std::string kChiller = R"(  heat_rejection: chiller
  supply_setpoint: 25 degC
  cooling_towers: {count: 2, rated_water_flow: 32 kg/s, rated_air_flow: 26.67 kg/s,
                   rated_inlet_temperature: 35 degC, rated_outlet_temperature: 29.44 degC,
                   rated_wet_bulb: 25.56 degC, fan_power: 9.5 kW, drift: 0.005 %,
                   cycles_of_concentration: 4, min_fan_speed: 0.2, pump_head: 15 m}
  plate_exchanger: {approach: 1.5 K}
  chillers: {count: 2, capacity: 600 kW, cop: 5.5}
)";

}  // namespace

TEST(FacilityTowerCase, ParsesEveryKeyToSi) {
  Case c;
  const auto diags = diagnose(kBase + kChiller, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  const FacilityCase& f = *c.facility;
  EXPECT_EQ(f.heat_rejection, "chiller");
  EXPECT_EQ(f.cooling_towers, 2);
  EXPECT_DOUBLE_EQ(f.tower_rated_water_flow_kg_s, 32);
  EXPECT_DOUBLE_EQ(f.tower_rated_air_flow_kg_s, 26.67);
  EXPECT_DOUBLE_EQ(f.tower_rated_inlet_K, 308.15);
  EXPECT_DOUBLE_EQ(f.tower_rated_outlet_K, 273.15 + 29.44);
  EXPECT_DOUBLE_EQ(f.tower_rated_wet_bulb_K, 273.15 + 25.56);
  EXPECT_DOUBLE_EQ(f.tower_fan_power_W, 9500);
  EXPECT_DOUBLE_EQ(f.tower_drift_fraction, 5e-5);
  EXPECT_DOUBLE_EQ(f.tower_cycles_of_concentration, 4);
  EXPECT_DOUBLE_EQ(f.tower_min_fan_speed, 0.2);
  EXPECT_DOUBLE_EQ(f.tower_pump_head_m, 15);
  EXPECT_DOUBLE_EQ(f.exchanger_approach_K, 1.5);
  EXPECT_EQ(f.chillers, 2);
  EXPECT_DOUBLE_EQ(f.chiller_capacity_W, 6e5);
  EXPECT_DOUBLE_EQ(f.chiller_cop, 5.5);
  EXPECT_EQ(c.key_marks.at("facility.chillers.capacity").line, 30);
}

TEST(FacilityTowerCase, AbsentKeysTakeTheModelsDefaults) {
  Case c;
  ASSERT_TRUE(diagnose(kBase + "  heat_rejection: cooling_tower\n", &c).empty());
  const FacilityCase& f = *c.facility;
  const FacilityCase want;
  EXPECT_EQ(f.heat_rejection, "cooling_tower");
  EXPECT_EQ(f.cooling_towers, want.cooling_towers);
  EXPECT_EQ(f.tower_rated_water_flow_kg_s, 0);  // CoolingTowerRating's
  EXPECT_EQ(f.tower_fan_power_W, 0);
  EXPECT_EQ(f.tower_drift_fraction, 5e-5);
  EXPECT_EQ(f.tower_cycles_of_concentration, 3);
  EXPECT_EQ(f.exchanger_approach_K, 1.5);
}

TEST(FacilityTowerCase, ResolvedYamlRoundTrips) {
  Case first;
  ASSERT_TRUE(diagnose(kBase + kChiller, &first).empty());
  first.facility->tower_rated_air_flow_kg_s = 0.1 + 0.2;
  const std::string resolved = kelvin::resolved_case_yaml(first);
  Case second;
  const auto diags = diagnose(resolved, &second);
  ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
  const FacilityCase &a = *first.facility, &b = *second.facility;
  EXPECT_EQ(a.heat_rejection, b.heat_rejection);
  EXPECT_EQ(a.cooling_towers, b.cooling_towers);
  EXPECT_EQ(a.tower_rated_air_flow_kg_s, b.tower_rated_air_flow_kg_s);
  EXPECT_EQ(a.tower_rated_outlet_K, b.tower_rated_outlet_K);
  EXPECT_EQ(a.tower_drift_fraction, b.tower_drift_fraction);
  EXPECT_EQ(a.exchanger_approach_K, b.exchanger_approach_K);
  EXPECT_EQ(a.chiller_capacity_W, b.chiller_capacity_W);
  EXPECT_EQ(a.chiller_cop, b.chiller_cop);
  EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);
}

TEST(FacilityTowerCase, ChillersNeedACapacity) {
  const auto diags = diagnose(kBase + "  heat_rejection: chiller\n");
  const Diagnostic* d = find(diags, "facility: heat_rejection chiller needs chillers: capacity");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 23) << d->to_string();
}

struct BadTower {
  const char* what;
  std::string tail;  // after kBase and heat_rejection (line 24 on)
  std::string message;
  int line;
};

class BadTowerInput : public ::testing::TestWithParam<BadTower> {};

TEST_P(BadTowerInput, IsReportedAtTheKeysLine) {
  const BadTower& bad = GetParam();
  const auto diags = diagnose(kBase + "  heat_rejection: cooling_tower\n" + bad.tail);
  kelvin_test::expect_reported_at(diags, bad.message, bad.line);
}

INSTANTIATE_TEST_SUITE_P(
    FacilityTowerCase, BadTowerInput,
    ::testing::Values(
        BadTower{"count_zero", "  cooling_towers: {count: 0}\n",
                 "facility.cooling_towers: count must be at least 1, got 0", 24},
        BadTower{"water_flow_zero", "  cooling_towers:\n    rated_water_flow: 0 kg/s\n",
                 "facility.cooling_towers: rated_water_flow must be positive, got 0 kg/s", 25},
        BadTower{"air_flow_negative", "  cooling_towers: {rated_air_flow: -5}\n",
                 "facility.cooling_towers: rated_air_flow must be positive, got -5 kg/s", 24},
        BadTower{"air_flow_not_a_mass_flow", "  cooling_towers: {rated_air_flow: 30 m}\n",
                 "\"rated_air_flow\" in facility.cooling_towers: cannot read \"30 m\" as a mass "
                 "flow rate",
                 24},
        BadTower{"inlet_not_a_temperature", "  cooling_towers: {rated_inlet_temperature: 35 W}\n",
                 "\"rated_inlet_temperature\" in facility.cooling_towers: cannot convert \"35 W\" "
                 "to a temperature",
                 24},
        BadTower{"outlet_above_inlet",
                 "  cooling_towers:\n    rated_inlet_temperature: 30 degC\n"
                 "    rated_outlet_temperature: 32 degC\n",
                 "facility.cooling_towers: rated_outlet_temperature (305.15 K (32 degC)) must be "
                 "below rated_inlet_temperature (303.15 K (30 degC))",
                 26},
        BadTower{"outlet_below_wet_bulb", "  cooling_towers: {rated_wet_bulb: 30 degC}\n",
                 "must be above rated_wet_bulb (303.15 K (30 degC)): a tower needs an approach",
                 24},
        BadTower{"fan_power_zero", "  cooling_towers: {fan_power: 0 kW}\n",
                 "facility.cooling_towers: fan_power must be positive, got 0 W", 24},
        BadTower{"drift_one", "  cooling_towers: {drift: 1}\n",
                 "facility.cooling_towers: drift must lie in [0, 1)", 24},
        BadTower{"cycles_one", "  cooling_towers:\n    cycles_of_concentration: 1\n",
                 "facility.cooling_towers: cycles_of_concentration must be above 1", 25},
        BadTower{"min_fan_speed_zero", "  cooling_towers: {min_fan_speed: 0}\n",
                 "facility.cooling_towers: min_fan_speed must lie in (0, 1], got 0", 24},
        BadTower{"pump_head_negative", "  cooling_towers: {pump_head: -3 m}\n",
                 "facility.cooling_towers: pump_head must be positive, got -3 m", 24},
        BadTower{"approach_zero", "  plate_exchanger:\n    approach: 0 K\n",
                 "facility.plate_exchanger: approach must be positive, got 0 K", 25},
        BadTower{"chillers_zero", "  chillers: {count: 0}\n",
                 "facility.chillers: count must be at least 1, got 0", 24},
        BadTower{"capacity_zero", "  chillers: {capacity: 0 kW}\n",
                 "facility.chillers: capacity must be positive, got 0 W", 24},
        BadTower{"cop_negative", "  chillers:\n    cop: -5\n",
                 "facility.chillers: cop must be positive, got -5", 25},
        BadTower{"table_span_too_small", "  table_span: 0.5 K\n",
                 "facility: table_span must be at least 1 K", 24},
        BadTower{"key_typo", "  cooling_tower: {count: 2}\n",
                 "unknown key \"cooling_tower\" in facility; did you mean \"cooling_towers\"?",
                 24}),
    [](const ::testing::TestParamInfo<BadTower>& info) { return std::string(info.param.what); });
