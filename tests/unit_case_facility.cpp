// The facility section of case files: SI values, defaults, the weather path resolved against
// the case file's folder, what a facility needs (weather, a loop, no transient), errors with
// file, line and key, and the resolved case's round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "case_diagnostics.hpp"
#include "rack_case_fixture.hpp"

using kelvin::Case;
using kelvin::Diagnostic;
using kelvin::FacilityCase;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

/// The real TMY3 year shipped with Kelvin (data/weather/README.md).
const std::string kWeather = kelvin_test::kWeatherYear;

// A steady lid under a generated cold plate with four GPUs on a two-tray loop (line numbers
// matter below: the loop starts on line 18, facility on 21, its weather on 22).
const std::string kBase = kelvin_test::kLidUnderPlate + kelvin_test::kFourGpus;
const std::string kLoop = kelvin_test::kTwoTrays;
// The facility with only its required key; the cases below add keys from line 23 on.
const std::string kFacility = kelvin_test::facility_with_weather();

// Every key of the section (the README's example, ai-factory-drycooler's numbers).
const std::string kFull = kFacility + R"(  racks: 10
  heat_rejection: dry_cooler
  supply_setpoint: 35 degC
  dry_coolers: {count: 2, rated_heat: 2.931 MW, air_flow: 400 kg/s, fans: 12, fan_power: 117.7 kW,
                pad_effectiveness: 0.85, pad_threshold: 25 degC, min_fan_speed: 0.1}
  pump: {head: 20 m, efficiency: 0.7}
  hours: {first: 4344, count: 744}
)";

/// The first difference between two facilities as "field differs", or "" (doubles exactly).
std::string facility_difference(const FacilityCase& a, const FacilityCase& b) {
  const auto d = [](const char* what, auto x, auto y) {
    return x == y ? std::string() : std::string(what) + " differs";
  };
  const std::vector<std::string> diffs{
      d("weather_file", a.weather_file, b.weather_file),
      d("racks", a.racks, b.racks),
      d("heat_rejection", a.heat_rejection, b.heat_rejection),
      d("supply_setpoint_K", a.supply_setpoint_K, b.supply_setpoint_K),
      d("dry_coolers", a.dry_coolers, b.dry_coolers),
      d("dry_cooler_rated_heat_W", a.dry_cooler_rated_heat_W, b.dry_cooler_rated_heat_W),
      d("dry_cooler_air_flow_kg_s", a.dry_cooler_air_flow_kg_s, b.dry_cooler_air_flow_kg_s),
      d("dry_cooler_fans", a.dry_cooler_fans, b.dry_cooler_fans),
      d("dry_cooler_fan_power_W", a.dry_cooler_fan_power_W, b.dry_cooler_fan_power_W),
      d("pad_effectiveness", a.pad_effectiveness, b.pad_effectiveness),
      d("pad_threshold_K", a.pad_threshold_K, b.pad_threshold_K),
      d("min_fan_speed", a.min_fan_speed, b.min_fan_speed),
      d("pump_head_m", a.pump_head_m, b.pump_head_m),
      d("pump_efficiency", a.pump_efficiency, b.pump_efficiency),
      d("first_hour", a.first_hour, b.first_hour),
      d("hours", a.hours, b.hours)};
  for (const auto& s : diffs)
    if (!s.empty()) return s;
  return "";
}

}  // namespace

TEST(FacilityCase, ParsesEveryKeyToSi) {
  Case c;
  const auto diags = diagnose(kBase + kLoop + kFull, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.facility.has_value());
  const FacilityCase& f = *c.facility;
  EXPECT_EQ(std::filesystem::path(f.weather_file), std::filesystem::path(kWeather));
  EXPECT_EQ(f.racks, 10);
  EXPECT_EQ(f.heat_rejection, "dry_cooler");
  EXPECT_DOUBLE_EQ(f.supply_setpoint_K, 308.15);
  EXPECT_EQ(f.dry_coolers, 2);
  EXPECT_DOUBLE_EQ(f.dry_cooler_rated_heat_W, 2.931e6);
  EXPECT_DOUBLE_EQ(f.dry_cooler_air_flow_kg_s, 400);
  EXPECT_EQ(f.dry_cooler_fans, 12);
  EXPECT_DOUBLE_EQ(f.dry_cooler_fan_power_W, 117.7e3);
  EXPECT_DOUBLE_EQ(f.pad_effectiveness, 0.85);
  EXPECT_DOUBLE_EQ(f.pad_threshold_K, 298.15);
  EXPECT_DOUBLE_EQ(f.min_fan_speed, 0.1);
  EXPECT_DOUBLE_EQ(f.pump_head_m, 20);
  EXPECT_DOUBLE_EQ(f.pump_efficiency, 0.7);
  EXPECT_EQ(f.first_hour, 4344);
  EXPECT_EQ(f.hours, 744);
  // Key marks name each key's line.
  EXPECT_EQ(c.key_marks.at("facility").line, 21);
  EXPECT_EQ(c.key_marks.at("facility.weather").line, 22);
  EXPECT_EQ(c.key_marks.at("facility.dry_coolers.min_fan_speed").line, 27);
  EXPECT_EQ(c.key_marks.at("facility.hours.count").line, 29);
}

TEST(FacilityCase, AbsentKeysTakeTheStructDefaults) {
  Case c;
  const auto diags = diagnose(kBase + kLoop + kFacility, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.facility.has_value());
  FacilityCase want;
  want.weather_file = c.facility->weather_file;
  EXPECT_EQ(facility_difference(*c.facility, want), "");
  EXPECT_DOUBLE_EQ(c.facility->supply_setpoint_K, 0);  // the CDU's rated facility supply
  EXPECT_EQ(c.facility->hours, 0);                     // the whole year

  Case none;
  ASSERT_TRUE(diagnose(kBase + kLoop, &none).empty());
  EXPECT_FALSE(none.facility.has_value());
}

TEST(FacilityCase, ReadsAirFlowInAnyMassFlowUnit) {
  Case c;
  auto diags = diagnose(kBase + kLoop + kFacility + "  dry_coolers: {air_flow: 1440 t/h}\n", &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_DOUBLE_EQ(c.facility->dry_cooler_air_flow_kg_s, 400);
  diags = diagnose(kBase + kLoop + kFacility + "  dry_coolers: {air_flow: 350}\n", &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_DOUBLE_EQ(c.facility->dry_cooler_air_flow_kg_s, 350);  // bare: kg/s
}

TEST(FacilityCase, WeatherPathIsRelativeToTheCaseFile) {
  // A case two folders below the source tree names the weather file as the shipped cases do.
  const std::string file = std::string(KELVIN_SOURCE_DIR) + "/cases/some-case/case.yaml";
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(
      kBase + kLoop + "facility:\n  weather: ../../data/weather/723170TYA.CSV\n", file, diags);
  kelvin::check_case(c, diags);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.facility.has_value());
  EXPECT_TRUE(std::filesystem::path(c.facility->weather_file).is_absolute())
      << c.facility->weather_file;
  EXPECT_TRUE(std::filesystem::equivalent(c.facility->weather_file, kWeather))
      << c.facility->weather_file;
  // The resolved case names it absolutely, so it reads the same from anywhere.
  const std::string resolved = kelvin::resolved_case_yaml(c);
  EXPECT_NE(resolved.find("weather: \"" + c.facility->weather_file + "\""), std::string::npos)
      << resolved;
}

TEST(FacilityCase, ResolvedYamlRoundTrips) {
  Case first;
  const std::string text = kBase + kLoop + kFull;
  ASSERT_TRUE(diagnose(text, &first).empty()) << dump(diagnose(text));
  // Values that are not exact in binary.
  first.facility->dry_cooler_air_flow_kg_s = 0.1 + 0.2;
  first.facility->pump_efficiency = 1.0 / 3.0;
  const std::string resolved = kelvin::resolved_case_yaml(first);
  Case second;
  const auto diags = diagnose(resolved, &second);
  ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
  ASSERT_TRUE(second.facility.has_value()) << resolved;
  EXPECT_EQ(facility_difference(*first.facility, *second.facility), "") << resolved;
  EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);

  // Zeros that mean "the model's default" are left out: a given 0 would be an error.
  Case defaults;
  ASSERT_TRUE(diagnose(kBase + kLoop + kFacility, &defaults).empty());
  const std::string written = kelvin::resolved_case_yaml(defaults);
  const std::string section = written.substr(written.find("facility:"));
  for (const char* key :
       {"supply_setpoint", "rated_heat", "air_flow", "fans:", "fan_power", "count: 0"})
    EXPECT_EQ(section.find(key), std::string::npos) << key << " in\n" << section;
  Case again;
  const auto again_diags = diagnose(written, &again);
  ASSERT_TRUE(again_diags.empty()) << dump(again_diags) << written;
  EXPECT_EQ(facility_difference(*defaults.facility, *again.facility), "");
}

TEST(FacilityCase, NeedsWeather) {
  const auto diags = diagnose(kBase + kLoop + "facility:\n  racks: 2\n");
  const Diagnostic* d = find(diags, "facility is missing required key \"weather\"");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 22) << d->to_string();  // at the mapping's first key, as loop's trays
}

TEST(FacilityCase, WeatherFileMustExist) {
  const std::string missing = std::string(KELVIN_SOURCE_DIR) + "/data/weather/no-such-year.csv";
  auto diags = diagnose(kBase + kLoop + "facility:\n  weather: \"" + missing + "\"\n");
  const Diagnostic* d = find(diags, "facility: weather file \"" + missing + "\" not found");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->to_string().rfind("case.yaml:22:", 0), 0u) << d->to_string();

  const std::string folder = std::string(KELVIN_SOURCE_DIR) + "/data/weather";
  diags = diagnose(kBase + kLoop + "facility:\n  weather: \"" + folder + "\"\n");
  d = find(diags, "facility: weather file \"" + folder + "\" is not a file");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 22) << d->to_string();
}

TEST(FacilityCase, NeedsALoop) {
  const auto diags = diagnose(kBase + kFacility);
  const Diagnostic* d = find(diags,
                             "facility: it cools the racks of the case's loop, but the "
                             "case has no \"loop\" section");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->to_string().rfind("case.yaml:18:1: ", 0), 0u) << d->to_string();
}

TEST(FacilityCase, RefusesATransient) {
  const auto diags =
      diagnose(kBase + kLoop + kFacility + "transient: {end_time: 20 s, time_step: 50 ms}\n");
  const Diagnostic* d =
      find(diags, "facility runs are hourly steady states over the year; remove transient");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 23) << d->to_string();
}

TEST(FacilityCase, RefusesAnUnknownHeatRejection) {
  const auto diags = diagnose(kBase + kLoop + kFacility + "  heat_rejection: adiabatic\n");
  const Diagnostic* d = find(diags, "\"heat_rejection\" in facility: \"adiabatic\": expected "
                                    "dry_cooler, cooling_tower or chiller");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 23) << d->to_string();
}

struct BadFacility {
  const char* what;
  std::string tail;  // after kBase + kLoop + kFacility (line 23 on)
  std::string message;
  int line;
};

class BadFacilityInput : public ::testing::TestWithParam<BadFacility> {};

TEST_P(BadFacilityInput, IsReportedAtTheKeysLine) {
  const BadFacility& bad = GetParam();
  const auto diags = diagnose(kBase + kLoop + kFacility + bad.tail);
  kelvin_test::expect_reported_at(diags, bad.message, bad.line);
}

INSTANTIATE_TEST_SUITE_P(
    FacilityCase, BadFacilityInput,
    ::testing::Values(
        BadFacility{"racks_zero", "  racks: 0\n", "facility: racks must be at least 1, got 0", 23},
        BadFacility{"racks_not_whole", "  racks: 1.5\n",
                    "\"racks\" in facility: expected a whole number", 23},
        BadFacility{"key_typo", "  dry_cooler: {count: 2}\n",
                    "unknown key \"dry_cooler\" in facility; did you mean \"dry_coolers\"?", 23},
        BadFacility{"nested_key_typo", "  pump:\n    eficiency: 0.7\n",
                    "unknown key \"eficiency\" in facility.pump; did you mean \"efficiency\"?", 24},
        BadFacility{"setpoint_zero", "  supply_setpoint: 0 K\n",
                    "facility: supply_setpoint must be positive, got 0 K", 23},
        BadFacility{"setpoint_in_watts", "  supply_setpoint: 35 W\n",
                    "\"supply_setpoint\" in facility: cannot convert \"35 W\" to a temperature",
                    23},
        BadFacility{"setpoint_not_below_cdu_supply", "  supply_setpoint: 40 degC\n",
                    "facility: supply_setpoint (313.15 K (40 degC)) must be below loop.cdu: "
                    "supply_temperature (313.15 K (40 degC)): the CDUs need an approach",
                    23},
        BadFacility{"dry_coolers_zero", "  dry_coolers:\n    count: 0\n",
                    "facility.dry_coolers: count must be at least 1, got 0", 24},
        BadFacility{"rated_heat_zero", "  dry_coolers: {rated_heat: 0 MW}\n",
                    "facility.dry_coolers: rated_heat must be positive, got 0 W", 23},
        BadFacility{"air_flow_negative", "  dry_coolers:\n    air_flow: -1 kg/s\n",
                    "facility.dry_coolers: air_flow must be positive, got -1 kg/s", 24},
        BadFacility{"air_flow_not_a_mass_flow", "  dry_coolers: {air_flow: 400 kg}\n",
                    "\"air_flow\" in facility.dry_coolers: cannot read \"400 kg\" as a mass flow "
                    "rate",
                    23},
        BadFacility{"fans_zero", "  dry_coolers: {fans: 0}\n",
                    "facility.dry_coolers: fans must be at least 1, got 0", 23},
        BadFacility{"fan_power_zero", "  dry_coolers:\n    fan_power: 0 kW\n",
                    "facility.dry_coolers: fan_power must be positive, got 0 W", 24},
        BadFacility{"pad_effectiveness_above_one", "  dry_coolers: {pad_effectiveness: 1.2}\n",
                    "facility.dry_coolers: pad_effectiveness must lie in [0, 1], got 1.2", 23},
        BadFacility{"pad_threshold_zero", "  dry_coolers: {pad_threshold: 0 K}\n",
                    "facility.dry_coolers: pad_threshold must be positive, got 0 K", 23},
        BadFacility{"min_fan_speed_negative", "  dry_coolers:\n    min_fan_speed: -0.1\n",
                    "facility.dry_coolers: min_fan_speed must lie in [0, 1], got -0.1", 24},
        BadFacility{"pump_head_zero", "  pump:\n    head: 0 m\n",
                    "facility.pump: head must be positive, got 0 m", 24},
        BadFacility{"pump_efficiency_zero", "  pump: {efficiency: 0}\n",
                    "facility.pump: efficiency must lie in (0, 1], got 0", 23},
        BadFacility{"pump_efficiency_above_one", "  pump: {efficiency: 150 %}\n",
                    "facility.pump: efficiency must lie in (0, 1], got 1.5", 23},
        BadFacility{"first_hour_past_the_year", "  hours: {first: 8784}\n",
                    "facility.hours: first must lie in 0 .. 8783", 23},
        BadFacility{"first_hour_negative", "  hours:\n    first: -1\n",
                    "facility.hours: first must lie in 0 .. 8783", 24},
        BadFacility{"hours_zero", "  hours: {count: 0}\n",
                    "facility.hours: count must be at least 1, got 0", 23},
        BadFacility{"hours_past_the_year", "  hours:\n    first: 8000\n    count: 800\n",
                    "facility.hours: first + count must not exceed 8784 (a year's hours), got "
                    "8000 + 800",
                    25},
        BadFacility{"heat_rejection_typo", "  heat_rejection: dry_coolr\n",
                    "did you mean \"dry_cooler\"?", 23}),
    [](const ::testing::TestParamInfo<BadFacility>& info) { return std::string(info.param.what); });
