// The air-cooled hall's keys (facility.hall: air_cooled, facility.air_cooling): every key to SI,
// defaults, the resolved case's round trip, a case with no geometry and no loop validating, and
// bad values each reported once at their line.
#include <gtest/gtest.h>

#include <string>

#include "case_diagnostics.hpp"
#include "rack_case_fixture.hpp"

using kelvin::Case;
using kelvin::FacilityCase;
using kelvin_test::diagnose;
using kelvin_test::dump;

namespace {

// Line numbers are those of the file: facility on line 7, air_cooling on line 14.
std::string air_case() {
  return R"(name: air-hall
gpus:
  model: H100-SXM5
  count: 8
workload:
  type: constant
facility:
  weather: ")" +
         kelvin_test::kWeatherYear + R"("
  hall: air_cooled
  heat_rejection: chiller
  supply_setpoint: 15 degC
  racks: 100
  chillers: {count: 2, capacity: 600 kW}
  air_cooling:
    servers_per_rack: 4
    gpu_rows: 2
    server_power: 2.5 kW
    supply_air_temperature: 24 degC
    recirculation: 5 %
    bypass: 10 %
    target_junction: 82 degC
    heat_sink: {fins: 40, fin_height: 100 mm, fin_thickness: 0.5 mm, fin_spacing: 2 mm,
                length: 100 mm, conductivity: 390 W/m/K, junction_to_case: 0.02 K/W, interface: 0.01 K/W}
    server_fans: {flow: 0.47 m^3/s, pressure: 600 Pa, shutoff_pressure: 1000 Pa, power: 1 kW,
                  min_speed: 0.3, gpu_flow_share: 0.175}
    crah: {count: 12, rated_heat: 200 kW, air_flow: 13.2 kg/s, water_flow: 4.77 kg/s,
           rated_air_inlet: 38 degC, rated_water_inlet: 15 degC, fan_power: 7.5 kW, air_side_share: 0.6}
)";
}

/// air_case() with the first `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string s = air_case();
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST(AirCoolingCase, ParsesEveryKeyToSi) {
  Case c;
  const auto diags = diagnose(air_case(), &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.facility);
  EXPECT_FALSE(c.loop);
  const FacilityCase& f = *c.facility;
  EXPECT_EQ(f.hall, "air_cooled");
  EXPECT_EQ(f.heat_rejection, "chiller");
  EXPECT_DOUBLE_EQ(f.supply_setpoint_K, 288.15);
  EXPECT_EQ(f.racks, 100);
  EXPECT_EQ(f.air_servers_per_rack, 4);
  EXPECT_EQ(f.air_gpu_rows, 2);
  EXPECT_DOUBLE_EQ(f.air_server_power_W, 2500);
  EXPECT_DOUBLE_EQ(f.air_supply_K, 297.15);
  EXPECT_DOUBLE_EQ(f.air_recirculation, 0.05);
  EXPECT_DOUBLE_EQ(f.air_bypass, 0.10);
  EXPECT_DOUBLE_EQ(f.air_target_junction_K, 355.15);
  EXPECT_EQ(f.air_sink_fins, 40);
  EXPECT_DOUBLE_EQ(f.air_sink_fin_height_m, 0.1);
  EXPECT_DOUBLE_EQ(f.air_sink_fin_thickness_m, 5e-4);
  EXPECT_DOUBLE_EQ(f.air_sink_fin_spacing_m, 2e-3);
  EXPECT_DOUBLE_EQ(f.air_sink_length_m, 0.1);
  EXPECT_DOUBLE_EQ(f.air_sink_conductivity_W_mK, 390);
  EXPECT_DOUBLE_EQ(f.air_junction_to_case_K_W, 0.02);
  EXPECT_DOUBLE_EQ(f.air_sink_interface_K_W, 0.01);
  EXPECT_DOUBLE_EQ(f.air_fan_flow_m3_s, 0.47);
  EXPECT_DOUBLE_EQ(f.air_fan_pressure_Pa, 600);
  EXPECT_DOUBLE_EQ(f.air_fan_shutoff_Pa, 1000);
  EXPECT_DOUBLE_EQ(f.air_fan_power_W, 1000);
  EXPECT_DOUBLE_EQ(f.air_fan_min_speed, 0.3);
  EXPECT_DOUBLE_EQ(f.air_gpu_flow_share, 0.175);
  EXPECT_EQ(f.air_crahs, 12);
  EXPECT_DOUBLE_EQ(f.air_crah_rated_heat_W, 2e5);
  EXPECT_DOUBLE_EQ(f.air_crah_air_flow_kg_s, 13.2);
  EXPECT_DOUBLE_EQ(f.air_crah_water_flow_kg_s, 4.77);
  EXPECT_DOUBLE_EQ(f.air_crah_rated_air_inlet_K, 311.15);
  EXPECT_DOUBLE_EQ(f.air_crah_rated_water_inlet_K, 288.15);
  EXPECT_DOUBLE_EQ(f.air_crah_fan_power_W, 7500);
  EXPECT_DOUBLE_EQ(f.air_crah_air_side_share, 0.6);
  EXPECT_EQ(c.key_marks.at("facility.air_cooling.crah.count").line, 26);
  EXPECT_EQ(c.key_marks.at("facility.air_cooling.heat_sink.interface").line, 23);
}

TEST(AirCoolingCase, AbsentKeysTakeFacilityCasesDefaults) {
  const std::string minimal = R"(name: air-hall
gpus: {model: H100-SXM5, count: 8}
facility:
  weather: ")" + kelvin_test::kWeatherYear +
                              R"("
  hall: air_cooled
  heat_rejection: chiller
  supply_setpoint: 15 degC
  chillers: {capacity: 600 kW}
  air_cooling: {crah: {count: 7}}
)";
  Case c;
  const auto diags = diagnose(minimal, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  const FacilityCase& f = *c.facility;
  const FacilityCase want;
  EXPECT_EQ(f.air_crahs, 7);
  EXPECT_EQ(f.air_servers_per_rack, want.air_servers_per_rack);
  EXPECT_EQ(f.air_sink_fins, want.air_sink_fins);
  EXPECT_EQ(f.air_fan_shutoff_Pa, want.air_fan_shutoff_Pa);
  EXPECT_EQ(f.air_crah_air_side_share, want.air_crah_air_side_share);
  EXPECT_EQ(f.table_span_K, want.table_span_K);
}

TEST(AirCoolingCase, ResolvedYamlRoundTrips) {
  Case first;
  ASSERT_TRUE(diagnose(air_case(), &first).empty());
  first.facility->air_bypass = 0.1 + 0.2;  // not a short decimal: the round trip must be exact
  const std::string resolved = kelvin::resolved_case_yaml(first);
  Case second;
  const auto diags = diagnose(resolved, &second);
  ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
  const FacilityCase &a = *first.facility, &b = *second.facility;
  EXPECT_EQ(b.hall, "air_cooled");
  EXPECT_EQ(a.supply_setpoint_K, b.supply_setpoint_K);
  EXPECT_EQ(a.air_bypass, b.air_bypass);
  EXPECT_EQ(a.air_servers_per_rack, b.air_servers_per_rack);
  EXPECT_EQ(a.air_sink_fins, b.air_sink_fins);
  EXPECT_EQ(a.air_junction_to_case_K_W, b.air_junction_to_case_K_W);
  EXPECT_EQ(a.air_fan_flow_m3_s, b.air_fan_flow_m3_s);
  EXPECT_EQ(a.air_gpu_flow_share, b.air_gpu_flow_share);
  EXPECT_EQ(a.air_crahs, b.air_crahs);
  EXPECT_EQ(a.air_crah_water_flow_kg_s, b.air_crah_water_flow_kg_s);
  EXPECT_EQ(a.air_crah_rated_air_inlet_K, b.air_crah_rated_air_inlet_K);
  EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);
}

TEST(AirCoolingCase, ALiquidHallIsResolvedWithoutHallKeys) {
  std::string liquid = air_case();
  liquid = liquid.substr(0, liquid.find("  air_cooling:"));
  liquid.replace(liquid.find("air_cooled"), 10, "liquid");
  Case c;
  diagnose(liquid, &c);  // no loop: not a valid case, but one that parses
  ASSERT_TRUE(c.facility);
  EXPECT_EQ(c.facility->hall, "liquid");
  EXPECT_EQ(kelvin::resolved_case_yaml(c).find("air_cooling"), std::string::npos);
}

struct BadAir {
  const char* what;
  std::string yaml;
  std::string message;
  int line;
  bool alone = true;  // the only diagnostic
};

class BadAirInput : public ::testing::TestWithParam<BadAir> {};

TEST_P(BadAirInput, IsReportedAtTheKeysLine) {
  const BadAir& bad = GetParam();
  const auto diags = diagnose(bad.yaml);
  kelvin_test::expect_reported_at(diags, bad.message, bad.line);
  if (bad.alone) {
    EXPECT_EQ(diags.size(), 1u) << dump(diags);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AirCoolingCase, BadAirInput,
    ::testing::Values(
        BadAir{"unknown_crah_key", edited("fan_power: 7.5 kW", "fan_powr: 7.5 kW"),
               "unknown key \"fan_powr\" in facility.air_cooling.crah; did you mean \"fan_power\"?",
               27},
        BadAir{"unknown_air_cooling_key", edited("    bypass:", "    bypas:"),
               "unknown key \"bypas\" in facility.air_cooling; did you mean \"bypass\"?", 20},
        BadAir{"crah_count_missing", edited("crah: {count: 12, ", "crah: {"),
               "facility.air_cooling.crah: count is required for an air-cooled hall", 26},
        BadAir{"crah_count_zero", edited("crah: {count: 12, ", "crah: {count: 0, "),
               "facility.air_cooling.crah: count must be at least 1, got 0", 26},
        BadAir{"bypass_above_one", edited("bypass: 10 %", "bypass: 1.2"),
               "facility.air_cooling: bypass must lie in [0, 1), got 1.2", 20},
        BadAir{"hall_water", edited("hall: air_cooled", "hall: water"),
               "\"hall\" in facility: \"water\": expected liquid or air_cooled", 9},
        BadAir{"dry_cooler", edited("heat_rejection: chiller", "heat_rejection: dry_cooler"),
               "facility: an air-cooled hall takes its chilled water from a chiller plant; set "
               "heat_rejection: chiller",
               10},
        BadAir{"loop_present", air_case() + "loop:\n  trays: 2\n",
               "loop: an air-cooled hall's racks are its servers", 28},
        BadAir{"pulse_given",
               edited("  chillers: {count: 2, capacity: 600 kW}\n",
                      "  chillers: {count: 2, capacity: 600 kW}\n  pulse: {duration: 1 h}\n"),
               "facility.pulse: a pulse is not available for an air-cooled hall", 14},
        BadAir{"gpus_not_in_rows", edited("count: 8", "count: 7"),
               "gpus: count (7, the GPUs in one server) must be a multiple of "
               "facility.air_cooling: gpu_rows (2)",
               4},
        BadAir{"fan_pressure_above_shutoff", edited("pressure: 600 Pa", "pressure: 1200 Pa"),
               "facility.air_cooling.server_fans: pressure (1200 Pa, at full flow) must be below "
               "shutoff_pressure (1000 Pa)",
               24},
        BadAir{"min_speed_zero", edited("min_speed: 0.3", "min_speed: 0"),
               "facility.air_cooling.server_fans: min_speed must lie in (0, 1], got 0", 25},
        BadAir{"one_fin", edited("fins: 40", "fins: 1"),
               "facility.air_cooling.heat_sink: fins must be at least 2, got 1", 22},
        BadAir{"resistance_per_area",
               edited("junction_to_case: 0.02 K/W", "junction_to_case: 0.02 K*m^2/W"),
               "\"junction_to_case\" in facility.air_cooling.heat_sink: cannot convert", 23},
        BadAir{"air_side_share_one", edited("air_side_share: 0.6", "air_side_share: 1"),
               "facility.air_cooling.crah: air_side_share must lie in (0, 1), got 1", 27},
        BadAir{"setpoint_missing", edited("  supply_setpoint: 15 degC\n", ""),
               "facility: an air-cooled hall needs supply_setpoint", 7},
        BadAir{"setpoint_above_supply_air",
               edited("supply_setpoint: 15 degC", "supply_setpoint: 25 degC"),
               "facility: supply_setpoint (298.15 K (25 degC)) must be below air_cooling: "
               "supply_air_temperature (297.15 K (24 degC))",
               11},
        BadAir{"no_gpus",
               edited("gpus:\n  model: H100-SXM5\n  count: 8\nworkload:\n  type: constant\n", ""),
               "facility: an air-cooled hall's servers carry the case's GPUs", 4},
        BadAir{"air_cooling_in_a_liquid_hall", edited("  hall: air_cooled\n", ""),
               "facility: air_cooling describes an air-cooled hall, but hall is \"liquid\"", 13,
               /*alone=*/false}),
    [](const ::testing::TestParamInfo<BadAir>& info) { return std::string(info.param.what); });
