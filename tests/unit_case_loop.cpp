// The loop section of case files: SI values, defaults, units of kv and heat_loss, errors with
// file, line and key, the warning for an event after the end, and the resolved case's round
// trip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "case_diagnostics.hpp"
#include "rack_case_fixture.hpp"

using kelvin::Case;
using kelvin::Diagnostic;
using kelvin::LoopCase;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

// A lid under a generated cold plate (line numbers matter below: 17 lines, then gpus on 18
// and loop on 19).
const std::string kBase = kelvin_test::kLidUnderPlate + "transient: {end_time: 20 s, time_step: 50 ms}\n";
const std::string kGpus = kelvin_test::kFourGpus;
// Two trays of two GPUs; the cases below add keys from line 22 on.
const std::string kLoop = kelvin_test::kTwoTrays;

// Every key of the section, on a GB200 NVL72-like rack (the README's example).
const std::string kFull = R"(gpus: {count: 72, die_source: die}
loop:
  plate_model: reduced
  trays: 18
  gpus_per_tray: 4
  tray_plumbing: series
  switch_trays: {count: 9, heat: 3.2 kW, kv: 1.0 m^3/h, after_tray: 10}
  manifold: {layout: direct, diameter: 38.1 mm, roughness: 1.5 um, tray_pitch: 44.45 mm}
  hose: {length: 0.8 m, diameter: 9.5 mm}
  quick_disconnect: {kv: 2 m^3/h}
  pipes: {length: 10 m, diameter: 52.5 mm, roughness: 1.5 um, heat_loss: 5 W/K, ambient: 25 degC}
  cdu: {rated_heat: 250 kW, supply_temperature: 40 degC, delta_T: 10 K, facility_supply_temperature: 35 degC,
        facility_delta_T: 8 K, duty_pumps: 2, standby_pumps: 1, pump_shutoff_head: 39 m, pump_rated_head: 30 m,
        dp_setpoint: 100 kPa}
  reduced_model: {flows: [0.25, 0.5, 1, 1.5, 2], response_time: 20 s}
  events:
    - {type: trip_pump, time: 5 s, pump: 2}
    - {type: trip_all_pumps, time: 6 s}
    - {type: start_standby, time: 8 s}
    - {type: stick_facility_valve, time: 9 s}
    - {type: quick_disconnect, time: 10 s, tray: 17, opening: 0.5}
)";

/// The first difference between two loops as "field: a vs b", or "" (doubles exactly).
std::string loop_difference(const LoopCase& a, const LoopCase& b) {
  const auto d = [](const char* what, auto x, auto y) {
    return x == y ? std::string() : std::string(what) + " differs";
  };
  const std::vector<std::string> diffs{
      d("plate_model", a.plate_model, b.plate_model),
      d("trays", a.trays, b.trays),
      d("gpus_per_tray", a.gpus_per_tray, b.gpus_per_tray),
      d("tray_plumbing", a.tray_plumbing, b.tray_plumbing),
      d("switch_trays", a.switch_trays, b.switch_trays),
      d("switch_tray_heat_W", a.switch_tray_heat_W, b.switch_tray_heat_W),
      d("switch_tray_kv_m3_h", a.switch_tray_kv_m3_h, b.switch_tray_kv_m3_h),
      d("switch_after_tray", a.switch_after_tray, b.switch_after_tray),
      d("manifold_layout", a.manifold_layout, b.manifold_layout),
      d("manifold_diameter_m", a.manifold_diameter_m, b.manifold_diameter_m),
      d("manifold_roughness_m", a.manifold_roughness_m, b.manifold_roughness_m),
      d("tray_pitch_m", a.tray_pitch_m, b.tray_pitch_m),
      d("hose_length_m", a.hose_length_m, b.hose_length_m),
      d("hose_diameter_m", a.hose_diameter_m, b.hose_diameter_m),
      d("quick_disconnect_kv_m3_h", a.quick_disconnect_kv_m3_h, b.quick_disconnect_kv_m3_h),
      d("pipe_length_m", a.pipe_length_m, b.pipe_length_m),
      d("pipe_diameter_m", a.pipe_diameter_m, b.pipe_diameter_m),
      d("pipe_roughness_m", a.pipe_roughness_m, b.pipe_roughness_m),
      d("pipe_heat_loss_W_K", a.pipe_heat_loss_W_K, b.pipe_heat_loss_W_K),
      d("ambient_K", a.ambient_K, b.ambient_K),
      d("cdu_rated_heat_W", a.cdu_rated_heat_W, b.cdu_rated_heat_W),
      d("cdu_supply_K", a.cdu_supply_K, b.cdu_supply_K),
      d("cdu_delta_T_K", a.cdu_delta_T_K, b.cdu_delta_T_K),
      d("facility_supply_K", a.facility_supply_K, b.facility_supply_K),
      d("facility_delta_T_K", a.facility_delta_T_K, b.facility_delta_T_K),
      d("duty_pumps", a.duty_pumps, b.duty_pumps),
      d("standby_pumps", a.standby_pumps, b.standby_pumps),
      d("pump_shutoff_head_m", a.pump_shutoff_head_m, b.pump_shutoff_head_m),
      d("pump_rated_head_m", a.pump_rated_head_m, b.pump_rated_head_m),
      d("dp_setpoint_Pa", a.dp_setpoint_Pa, b.dp_setpoint_Pa),
      d("fit_flows", a.fit_flows, b.fit_flows),
      d("response_time_s", a.response_time_s, b.response_time_s),
      d("events.size", a.events.size(), b.events.size())};
  for (const auto& s : diffs)
    if (!s.empty()) return s;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const auto &x = a.events[i], &y = b.events[i];
    if (x.type != y.type || x.time_s != y.time_s || x.pump != y.pump || x.tray != y.tray ||
        x.opening != y.opening)
      return "events[" + std::to_string(i) + "] differs";
  }
  return "";
}

}  // namespace

TEST(LoopCase, ParsesEveryKeyToSi) {
  Case c;
  const auto diags = diagnose(kBase + kFull, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.loop.has_value());
  const LoopCase& l = *c.loop;
  EXPECT_EQ(l.plate_model, "reduced");
  EXPECT_EQ(l.trays, 18);
  EXPECT_EQ(l.gpus_per_tray, 4);
  EXPECT_EQ(l.tray_plumbing, "series");
  EXPECT_EQ(l.switch_trays, 9);
  EXPECT_DOUBLE_EQ(l.switch_tray_heat_W, 3200);
  EXPECT_EQ(l.switch_tray_kv_m3_h, 1.0);  // in its own unit: exact
  EXPECT_EQ(l.switch_after_tray, 10);
  EXPECT_EQ(l.manifold_layout, "direct");
  EXPECT_DOUBLE_EQ(l.manifold_diameter_m, 0.0381);
  EXPECT_DOUBLE_EQ(l.manifold_roughness_m, 1.5e-6);
  EXPECT_DOUBLE_EQ(l.tray_pitch_m, 0.04445);
  EXPECT_DOUBLE_EQ(l.hose_length_m, 0.8);
  EXPECT_DOUBLE_EQ(l.hose_diameter_m, 0.0095);
  EXPECT_EQ(l.quick_disconnect_kv_m3_h, 2.0);
  EXPECT_DOUBLE_EQ(l.pipe_length_m, 10);
  EXPECT_DOUBLE_EQ(l.pipe_diameter_m, 0.0525);
  EXPECT_DOUBLE_EQ(l.pipe_roughness_m, 1.5e-6);
  EXPECT_DOUBLE_EQ(l.pipe_heat_loss_W_K, 5);
  EXPECT_DOUBLE_EQ(l.ambient_K, 298.15);
  EXPECT_DOUBLE_EQ(l.cdu_rated_heat_W, 2.5e5);
  EXPECT_DOUBLE_EQ(l.cdu_supply_K, 313.15);
  EXPECT_DOUBLE_EQ(l.cdu_delta_T_K, 10);
  EXPECT_DOUBLE_EQ(l.facility_supply_K, 308.15);
  EXPECT_DOUBLE_EQ(l.facility_delta_T_K, 8);
  EXPECT_EQ(l.duty_pumps, 2);
  EXPECT_EQ(l.standby_pumps, 1);
  EXPECT_DOUBLE_EQ(l.pump_shutoff_head_m, 39);
  EXPECT_DOUBLE_EQ(l.pump_rated_head_m, 30);
  EXPECT_DOUBLE_EQ(l.dp_setpoint_Pa, 1e5);
  EXPECT_EQ(l.fit_flows, (std::vector<double>{0.25, 0.5, 1, 1.5, 2}));
  EXPECT_DOUBLE_EQ(l.response_time_s, 20);
  ASSERT_EQ(l.events.size(), 5u);
  EXPECT_EQ(l.events[0].type, "trip_pump");
  EXPECT_DOUBLE_EQ(l.events[0].time_s, 5);
  EXPECT_EQ(l.events[0].pump, 2);
  EXPECT_EQ(l.events[1].type, "trip_all_pumps");
  EXPECT_EQ(l.events[2].type, "start_standby");
  EXPECT_EQ(l.events[3].type, "stick_facility_valve");
  EXPECT_DOUBLE_EQ(l.events[3].time_s, 9);
  EXPECT_EQ(l.events[4].type, "quick_disconnect");
  EXPECT_EQ(l.events[4].tray, 17);
  EXPECT_DOUBLE_EQ(l.events[4].opening, 0.5);
  // Key marks name each key's line, events' by index.
  EXPECT_EQ(c.key_marks.at("loop.trays").line, 21);
  EXPECT_EQ(c.key_marks.at("loop.cdu.dp_setpoint").line, 31);
  EXPECT_EQ(c.key_marks.at("loop.events[4].tray").line, 38);
}

TEST(LoopCase, AbsentKeysTakeTheStructDefaults) {
  Case c;
  const auto diags = diagnose(kBase + kGpus + kLoop, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.loop.has_value());
  LoopCase want;
  want.trays = 2;
  want.gpus_per_tray = 2;
  EXPECT_EQ(loop_difference(*c.loop, want), "");

  Case none;
  ASSERT_TRUE(diagnose(kBase + kGpus, &none).empty());
  EXPECT_FALSE(none.loop.has_value());
}

TEST(LoopCase, ReadsKvAndHeatLossInAnyUnitOfTheirKind) {
  Case c;
  const auto diags = diagnose(kBase + kGpus + kLoop +
                                  "  switch_trays: {kv: 30 L/min}\n"
                                  "  quick_disconnect: {kv: 0.0005}\n"  // bare: SI, m^3/s
                                  "  pipes: {heat_loss: 0.012 kW/K}\n",
                              &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_DOUBLE_EQ(c.loop->switch_tray_kv_m3_h, 1.8);
  EXPECT_DOUBLE_EQ(c.loop->quick_disconnect_kv_m3_h, 1.8);
  EXPECT_DOUBLE_EQ(c.loop->pipe_heat_loss_W_K, 12);
  ASSERT_TRUE(diagnose(kBase + kGpus + kLoop + "  pipes: {heat_loss: 7}\n", &c).empty());
  EXPECT_DOUBLE_EQ(c.loop->pipe_heat_loss_W_K, 7);  // bare: W/K
}

TEST(LoopCase, ResolvedYamlRoundTrips) {
  Case first;
  // Values that are not exact in binary, kv in another unit, every event type.
  const std::string text = kBase + kFull + "    - {type: trip_pump, time: 0.1 s, pump: 1}\n";
  ASSERT_TRUE(diagnose(text, &first).empty()) << dump(diagnose(text));
  first.loop->quick_disconnect_kv_m3_h = 0.1 + 0.2;
  first.loop->switch_tray_kv_m3_h = 1.0 / 3.0;
  const std::string resolved = kelvin::resolved_case_yaml(first);
  Case second;
  const auto diags = diagnose(resolved, &second);
  ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
  ASSERT_TRUE(second.loop.has_value()) << resolved;
  EXPECT_EQ(loop_difference(*first.loop, *second.loop), "") << resolved;
  EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);

  Case defaults;
  ASSERT_TRUE(diagnose(kBase + kGpus + kLoop, &defaults).empty());
  Case again;
  ASSERT_TRUE(diagnose(kelvin::resolved_case_yaml(defaults), &again).empty());
  EXPECT_EQ(loop_difference(*defaults.loop, *again.loop), "");
}

TEST(LoopCase, NeedsGpus) {
  const auto diags = diagnose(kBase + kLoop);
  const Diagnostic* d = find(diags, "loop: it feeds the case's GPUs, but the case has no \"gpus\"");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->to_string().rfind("case.yaml:18:", 0), 0u) << d->to_string();
}

TEST(LoopCase, NeedsAColdPlateToFitTheReducedModel) {
  const std::string no_plate =
      kBase.substr(0, kBase.find("coldplate:")) + kBase.substr(kBase.find("transient:"));
  const auto diags = diagnose(no_plate + kGpus + kLoop + "  plate_model: reduced\n");
  const Diagnostic* d = find(diags, "the case needs a \"coldplate\" section");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 15) << d->to_string();  // at plate_model: kBase lost 7 lines
}

TEST(LoopCase, NeedsACoolant) {
  std::string no_coolant = kBase;
  no_coolant.erase(no_coolant.find("coolant: PG25\n"), 14);
  const auto diags = diagnose(no_coolant + kGpus + kLoop);
  const Diagnostic* d = find(diags, "loop: the case needs a \"coolant\" section");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->line, 18) << d->to_string();
}

TEST(LoopCase, EventsNeedATransient) {
  std::string steady = kBase;
  steady.erase(steady.find("transient:"));
  const auto diags =
      diagnose(steady + kGpus + kLoop + "  events:\n    - {type: trip_all_pumps, time: 1 s}\n");
  const Diagnostic* d = find(diags, "loop: events need a transient section");
  ASSERT_NE(d, nullptr) << dump(diags);
  EXPECT_EQ(d->to_string().rfind("case.yaml:21:3: ", 0), 0u) << d->to_string();
}

// 3-D plates run inside a transient loop too (rack_thermal_3d.hpp), events and all.
TEST(LoopCase, ThreeDPlatesTakeATransient) {
  Case c;
  const auto diags = diagnose(kBase + kGpus + kLoop + "  plate_model: 3d\n" +
                                  "  events:\n    - {type: trip_all_pumps, time: 1 s}\n",
                              &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(c.loop->plate_model, "3d");
  EXPECT_TRUE(c.transient.enabled);
}

TEST(LoopCase, EventAfterTheEndIsAWarning) {
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(
      kBase + kGpus + kLoop + "  events:\n    - {type: trip_all_pumps, time: 30 s}\n", "case.yaml",
      diags);
  std::vector<std::string> warnings;
  kelvin::check_case(c, diags, &warnings);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("case.yaml:23:"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("warning: loop.events[0]: time 30 s is after transient.end_time "
                             "(20 s): the trip_all_pumps event never happens"),
            std::string::npos)
      << warnings[0];
}

struct BadLoop {
  const char* what;
  std::string tail;  // after kBase + kGpus + kLoop (line 22 on), or a whole loop from line 19
  std::string message;
  int line;
};

class BadLoopInput : public ::testing::TestWithParam<BadLoop> {};

TEST_P(BadLoopInput, IsReportedAtTheKeysLine) {
  const BadLoop& bad = GetParam();
  const std::string text =
      kBase + kGpus + (bad.tail.rfind("loop:", 0) == 0 ? bad.tail : kLoop + bad.tail);
  const auto diags = diagnose(text);
  kelvin_test::expect_reported_at(diags, bad.message, bad.line);
}

INSTANTIATE_TEST_SUITE_P(
    LoopCase, BadLoopInput,
    ::testing::Values(
        BadLoop{"trays_missing", "loop:\n  gpus_per_tray: 4\n",
                "loop is missing required key \"trays\"", 20},
        BadLoop{"trays_zero", "loop:\n  trays: 0\n", "loop: trays must be at least 1, got 0", 20},
        BadLoop{"trays_not_whole", "loop:\n  trays: 1.5\n",
                "\"trays\" in loop: expected a whole number", 20},
        BadLoop{"gpu_count", "loop:\n  trays: 3\n  gpus_per_tray: 2\n",
                "loop: gpus has 4 GPUs, but trays x gpus_per_tray is 3 x 2 = 6", 20},
        BadLoop{"gpus_per_tray_zero", "loop:\n  trays: 2\n  gpus_per_tray: 0\n",
                "loop: gpus_per_tray must be at least 1, got 0", 21},
        BadLoop{"key_typo", "  tray_plumbin: series\n",
                "unknown key \"tray_plumbin\" in loop; did you mean \"tray_plumbing\"?", 22},
        BadLoop{"nested_key_typo", "  cdu: {suply_temperature: 40 degC}\n",
                "unknown key \"suply_temperature\" in loop.cdu; did you mean "
                "\"supply_temperature\"?",
                22},
        BadLoop{"plumbing_value", "  tray_plumbing: serial\n",
                "\"tray_plumbing\" in loop: unknown value \"serial\" (parallel, series); did you "
                "mean \"series\"?",
                22},
        BadLoop{"layout_value", "  manifold:\n    layout: revers\n",
                "\"layout\" in loop.manifold: unknown value \"revers\" (direct, reverse); did you "
                "mean \"reverse\"?",
                23},
        BadLoop{"diameter_in_watts", "  hose: {diameter: 9.5 W}\n",
                "\"diameter\" in loop.hose: cannot convert \"9.5 W\" to a length", 22},
        BadLoop{"kv_wrong_unit", "  quick_disconnect: {kv: 2 m^3}\n",
                "\"kv\" in loop.quick_disconnect: cannot read \"2 m^3\" as a flow coefficient kv",
                22},
        BadLoop{"heat_loss_wrong_unit", "  pipes: {heat_loss: 5 W}\n",
                "\"heat_loss\" in loop.pipes: cannot read \"5 W\" as a thermal conductance", 22},
        BadLoop{
            "facility_not_below_supply",
            "  cdu:\n    supply_temperature: 40 degC\n    facility_supply_temperature: 40 degC\n",
            "loop.cdu: facility_supply_temperature (313.15 K (40 degC)) must be below "
            "supply_temperature (313.15 K (40 degC)): the CDU's approach must be positive",
            24},
        BadLoop{"delta_T_zero", "  cdu: {delta_T: 0 K}\n",
                "loop.cdu: delta_T must be positive, got 0 K", 22},
        BadLoop{"supply_outside_coolant",
                "  cdu:\n    supply_temperature: 150 degC\n"
                "    facility_supply_temperature: 35 degC\n",
                "loop.cdu: supply_temperature", 23},
        BadLoop{"no_duty_pump", "  cdu:\n    duty_pumps: 0\n",
                "loop.cdu: duty_pumps must be at least 1, got 0", 23},
        BadLoop{"negative_standby", "  cdu:\n    standby_pumps: -1\n",
                "loop.cdu: standby_pumps must be at least 0, got -1", 23},
        BadLoop{"rated_head_above_shutoff",
                "  cdu: {pump_shutoff_head: 30 m, pump_rated_head: 30 m}\n",
                "loop.cdu: pump_rated_head (30 m) must be below pump_shutoff_head (30 m)", 22},
        BadLoop{"zero_manifold_diameter", "  manifold:\n    diameter: 0 mm\n",
                "loop.manifold: diameter must be positive, got 0 m", 23},
        BadLoop{"zero_pipe_length", "  pipes:\n    length: 0 m\n",
                "loop.pipes: length must be positive, got 0 m", 23},
        BadLoop{"zero_hose_length", "  hose: {length: -1 m}\n",
                "loop.hose: length must be positive, got -1 m", 22},
        BadLoop{"zero_kv", "  quick_disconnect:\n    kv: 0 m^3/h\n",
                "loop.quick_disconnect: kv must be positive, got 0 m^3/h", 23},
        BadLoop{"zero_rated_heat", "  cdu:\n    rated_heat: 0 kW\n",
                "loop.cdu: rated_heat must be positive, got 0 W", 23},
        BadLoop{"zero_dp_setpoint", "  cdu:\n    dp_setpoint: 0 kPa\n",
                "loop.cdu: dp_setpoint must be positive, got 0 Pa", 23},
        BadLoop{"negative_roughness", "  pipes:\n    roughness: -1 um\n",
                "loop.pipes: roughness must not be negative, got -1e-06 m", 23},
        BadLoop{"negative_switch_heat", "  switch_trays: {count: 1, heat: -5 W}\n",
                "loop.switch_trays: heat must not be negative, got -5 W", 22},
        BadLoop{"switch_after_last_tray", "  switch_trays:\n    after_tray: 3\n",
                "loop.switch_trays: after_tray must lie in 0 .. trays (2; 0: after half the "
                "compute trays), got 3",
                23},
        BadLoop{"two_flows", "  reduced_model:\n    flows: [0.5, 1]\n",
                "loop.reduced_model: flows must be 3 to 16 distinct positive multiples", 23},
        BadLoop{"flows_repeat", "  reduced_model: {flows: [0.5, 1, 1, 2]}\n",
                "in ascending order (like [0.25, 0.5, 1, 1.5, 2]), got [0.5, 1, 1, 2]", 22},
        BadLoop{"flows_not_a_list", "  reduced_model: {flows: 1}\n",
                "\"flows\" in loop.reduced_model: expected a list of multiples", 22},
        BadLoop{"zero_response_time", "  reduced_model:\n    response_time: 0 s\n",
                "loop.reduced_model: response_time must be positive, got 0 s", 23},
        BadLoop{"events_not_a_list", "  events: {type: trip_pump}\n",
                "\"events\" in loop must be a list of events", 22},
        BadLoop{"event_type_typo", "  events:\n    - {type: trip_pumps, time: 1 s}\n",
                "\"type\" in loop.events[0]: unknown event \"trip_pumps\" (trip_pump, "
                "trip_all_pumps, start_standby, stick_facility_valve, quick_disconnect); did you "
                "mean \"trip_pump\"?",
                23},
        BadLoop{"event_without_type", "  events:\n    - {time: 1 s}\n",
                "loop.events[0] is missing required key \"type\"", 23},
        BadLoop{"key_of_another_event", "  events:\n    - {type: trip_all_pumps, pump: 1}\n",
                "\"pump\" in loop.events[0]: does not apply to a trip_all_pumps event (it takes "
                "time)",
                23},
        BadLoop{"pump_past_the_last",
                "  events:\n    - {type: start_standby, time: 1 s}\n"
                "    - {type: trip_pump, time: 2 s, pump: 3}\n",
                "loop.events[1]: pump 3 does not exist (the CDU has 2 duty and 1 standby pumps, "
                "numbered 0 .. 2, duty first)",
                24},
        BadLoop{"start_standby_without_standby",
                "  cdu: {standby_pumps: 0}\n  events:\n    - {type: start_standby, time: 1 s}\n",
                "loop.events[0]: start_standby needs a standby pump", 24},
        BadLoop{"tray_past_the_last",
                "  events:\n    - {type: quick_disconnect, time: 1 s, tray: 2}\n",
                "loop.events[0]: tray 2 does not exist (trays are numbered 0 .. 1 from the "
                "bottom of the rack)",
                23},
        BadLoop{"opening_zero",
                "  events:\n    - type: quick_disconnect\n      time: 1 s\n      opening: 0\n",
                "loop.events[0]: opening must lie in (0, 1] (1: fully open), got 0", 25},
        BadLoop{"opening_above_one",
                "  events:\n    - {type: quick_disconnect, time: 1 s, opening: 1.5}\n",
                "loop.events[0]: opening must lie in (0, 1] (1: fully open), got 1.5", 23},
        BadLoop{"negative_time", "  events:\n    - type: trip_all_pumps\n      time: -1 s\n",
                "loop.events[0]: time must not be negative, got -1 s", 24}),
    [](const ::testing::TestParamInfo<BadLoop>& info) { return std::string(info.param.what); });

TEST(LoopCase, GpuFeedOverridesAreErrors) {
  const std::string gpus =
      "gpus:\n  count: 4\n  die_source: die\n  instances:\n"
      "    - {name: gpu1, inlet_temperature: 35 degC}\n"
      "    - name: gpu2\n      flow_rate: 2 L/min\n";
  const auto diags = diagnose(kBase + gpus + kLoop);
  const Diagnostic* t = find(diags, "GPU \"gpu1\": inlet_temperature cannot be set with a loop");
  ASSERT_NE(t, nullptr) << dump(diags);
  EXPECT_EQ(t->line, 22) << t->to_string();
  const Diagnostic* q = find(diags, "GPU \"gpu2\": flow_rate cannot be set with a loop");
  ASSERT_NE(q, nullptr) << dump(diags);
  EXPECT_EQ(q->line, 24) << q->to_string();
}
