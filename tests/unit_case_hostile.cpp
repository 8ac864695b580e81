// What a hostile tester wrote into case files (issue 18, "Honest answers"): each is caught by
// parse_case()/check_case() before any solving, reported at the key that is wrong, with its
// line; legal values beyond what the solver's verification covers come back as warnings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "case_diagnostics.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/power/workload.hpp"

using kelvin::Case;
using kelvin::Diagnostic;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

// A die under a copper plate under a coolant channel, fed from xmin and drained at xmax: 96
// cells. Lines 1-14; what a test appends starts on line 15.
const std::string kFlow = R"(name: t
mesh: {max_cell_size: 1 mm}
materials:
  copper:  {conductivity: 390 W/m/K, density: 8933 kg/m^3, specific_heat: 385 J/kg/K}
  silicon: {conductivity: 120 W/m/K, density: 2329 kg/m^3, specific_heat: 712 J/kg/K}
coolant: PG25
boxes:
  - {name: die,     material: silicon, min: [0, 0, 0],    max: [6 mm, 4 mm, 1 mm]}
  - {name: plate,   material: copper,  min: [0, 0, 1 mm], max: [6 mm, 4 mm, 2 mm]}
  - {name: channel, material: coolant, min: [0, 0, 2 mm], max: [6 mm, 4 mm, 4 mm]}
sources:
  - {name: die_power, box: die, power: 100 W}
flow:
  inlets: [{name: in, face: xmin, region: {min: [0, 2 mm], max: [4 mm, 4 mm]}, flow_rate: 0.5 L/min, temperature: 40 degC}]
)";
const std::string kOutlet =
    "  outlets: [{name: out, face: xmax, region: {min: [0, 2 mm], max: [4 mm, 4 mm]}}]\n";

// A copper block with a fixed bottom: lines 1-8; appended text starts on line 9.
const std::string kSolid = R"(name: t
mesh: {max_cell_size: 1 mm}
materials:
  copper: {conductivity: 390 W/m/K, density: 8933 kg/m^3, specific_heat: 385 J/kg/K}
boxes:
  - {name: block, material: copper, min: [0, 0, 0], max: [4 mm, 4 mm, 2 mm]}
boundaries:
  - {face: zmin, type: temperature, temperature: 40 degC}
)";

/// Expects a diagnostic containing text on line; its message must also contain every one of
/// names (the keys it is about).
void expect_at(const std::vector<Diagnostic>& diags, const std::string& text, int line,
               const std::vector<std::string>& names = {}) {
  const Diagnostic* d = find(diags, text);
  ASSERT_NE(d, nullptr) << "expected \"" << text << "\" among:\n" << dump(diags);
  EXPECT_EQ(d->line, line) << d->to_string();
  for (const auto& n : names) EXPECT_NE(d->message.find(n), std::string::npos) << d->to_string();
}

/// The warnings of a case that must have no errors.
std::vector<std::string> warnings_of(const std::string& yaml) {
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(yaml, "case.yaml", diags);
  std::vector<std::string> warnings;
  kelvin::check_case(c, diags, &warnings);
  EXPECT_TRUE(diags.empty()) << dump(diags);
  return warnings;
}

/// The one warning containing text, or "" (with a failure listing what there was).
std::string warning_with(const std::vector<std::string>& warnings, const std::string& text) {
  for (const auto& w : warnings)
    if (w.find(text) != std::string::npos) return w;
  std::string all;
  for (const auto& w : warnings) all += "  " + w + "\n";
  ADD_FAILURE() << "expected a warning with \"" << text << "\" among:\n" << all;
  return "";
}

/// A fresh folder for files a case names.
std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kelvin_unit_case_hostile_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

}  // namespace

// ---- 1. per-GPU overrides are checked like the section values they replace ----------------

struct Override {
  const char* what;
  std::string instance;  // the instance's keys
  std::string message;
};

class GpuOverride : public ::testing::TestWithParam<Override> {};

TEST_P(GpuOverride, IsCheckedLikeTheSectionAndReportedAtTheInstancesKey) {
  const Override& o = GetParam();
  // gpu7 of 8 counted GPUs: the key's line is the override's (19), not the count's.
  const auto diags =
      diagnose(kFlow + kOutlet + "gpus:\n  count: 8\n  instances:\n    - {name: gpu7, " +
               o.instance + "}\n");
  expect_at(diags, o.message, 19, {"gpu7"});
}

INSTANTIATE_TEST_SUITE_P(
    CaseHostile, GpuOverride,
    ::testing::Values(
        Override{"hot", "inlet_temperature: 120 degC",
                 "inlet_temperature 120.0 degC (393.15 K) is outside the valid range -9.8 .. 100 "
                 "degC of PG25"},
        Override{"degree_sign", "inlet_temperature: 150 °C", "inlet_temperature 150.0 degC"},
        Override{"frozen", "inlet_temperature: -20 degC", "below its freezing point"},
        Override{"absurd", "inlet_temperature: 1e6 K", "inlet_temperature 999726.8 degC"},
        Override{"zero_kelvin", "inlet_temperature: 0 K", "(0.00 K) is outside the valid range"},
        Override{"flow_zero", "flow_rate: 0 L/min", "flow_rate must be positive and finite, got 0"},
        Override{"flow_negative", "flow_rate: -1 L/min", "flow_rate must be positive and finite"},
        Override{"cap_zero", "power_limit: 0 W",
                 "power limit 0 W is outside the H100-SXM5's range"},
        Override{"cap_high", "power_limit: 900 W", "power limit 900 W is outside"}),
    [](const ::testing::TestParamInfo<Override>& info) { return std::string(info.param.what); });

TEST(CaseHostile, GpuInletMessageIsTheInletPortsMessage) {
  // The same value at the section level (the inlet port) and on a GPU: the same words after
  // the name of the key.
  const auto port = diagnose(kFlow.substr(0, kFlow.find("40 degC}]")) + "120 degC}]\n" + kOutlet +
                             "gpus: {count: 1}\n");
  const auto gpu = diagnose(kFlow + kOutlet +
                            "gpus:\n  instances:\n    - {name: g, inlet_temperature: 120 degC}\n");
  const Diagnostic* a = find(port, "temperature 120.0 degC");
  const Diagnostic* b = find(gpu, "inlet_temperature 120.0 degC");
  ASSERT_TRUE(a && b) << dump(port) << dump(gpu);
  const std::string tail = "120.0 degC (393.15 K) is outside";
  EXPECT_EQ(a->message.substr(a->message.find(tail)), b->message.substr(b->message.find(tail)));
  EXPECT_EQ(b->line, 18);
}

TEST(CaseHostile, GpuFlowRateNotGivenIsThePortsAndAGivenValueIsChecked) {
  EXPECT_TRUE(
      diagnose(kFlow + kOutlet + "gpus:\n  count: 2\n  instances:\n    - {name: gpu1}\n").empty());
  EXPECT_TRUE(diagnose(kFlow + kOutlet +
                       "gpus:\n  count: 2\n  instances:\n    - {name: gpu1, flow_rate: 1 L/min}\n")
                  .empty());
  const auto twice =
      diagnose(kFlow + kOutlet +
               "gpus:\n  count: 2\n  instances:\n    - {name: gpu1}\n    - {name: gpu1}\n");
  expect_at(twice, "GPU \"gpu1\" is overridden twice", 20);
  // A section power_limit of 0 W is one error at its line, not one per GPU.
  const auto cap = diagnose(kFlow + kOutlet + "gpus:\n  count: 4\n  power_limit: 0 W\n");
  expect_at(cap, "power limit 0 W is outside", 18);
  EXPECT_EQ(cap.size(), 1u) << dump(cap);
}

// ---- 3. GPU model parameters and temperatures have physical ranges -------------------------

struct ModelValue {
  const char* what;
  std::string override_;
  std::string message;
};

class GpuModelRange : public ::testing::TestWithParam<ModelValue> {};

TEST_P(GpuModelRange, IsReportedAtTheModelsKey) {
  const ModelValue& v = GetParam();
  const auto diags = diagnose(kFlow + kOutlet + "gpu_models:\n  H100-SXM5:\n    " + v.override_ +
                              "\ngpus: {count: 1}\n");
  expect_at(diags, v.message, 18);
}

INSTANTIATE_TEST_SUITE_P(
    CaseHostile, GpuModelRange,
    ::testing::Values(
        ModelValue{"leakage_growth", "leakage_growth: 10 K-1",
                   "leakage_growth must lie in [0, 0.2] K-1, got 10 K-1"},
        ModelValue{"leakage_growth_negative", "leakage_growth: -0.01 K-1",
                   "leakage_growth must lie in [0, 0.2]"},
        ModelValue{"reference_temperature", "leakage_reference_temperature: 500 degC",
                   "leakage_reference_temperature must lie in [273.15, 423.15] K (0 .. 150 degC)"},
        ModelValue{"memory_max", "memory_max_temperature: -5 degC",
                   "memory_max_temperature must lie in"},
        ModelValue{"power", "idle_power: 20 kW", "idle_power must lie in [0, 5000] W"},
        ModelValue{"clock", "max_clock: 9 GHz", "max_clock must lie in (0, 5000] MHz"},
        ModelValue{"knee", "voltage_knee: 2 GHz",
                   "voltage_knee (2000 MHz) must be below max_clock (1980 MHz)"},
        ModelValue{"clock_step", "thermal_clock_step: 1900 MHz",
                   "thermal_clock_step (1900 MHz) must not exceed"},
        ModelValue{"hysteresis", "hysteresis: 50 K", "hysteresis must lie in (0, 30] K"},
        ModelValue{"tokens", "decode_tokens_per_s: 1e12",
                   "decode_tokens_per_s must lie in [0, 1e+08]"},
        ModelValue{"hbm_fraction", "hbm_power_fraction: 1",
                   "hbm_power_fraction must lie in [0, 1)"}),
    [](const ::testing::TestParamInfo<ModelValue>& info) { return std::string(info.param.what); });

TEST(CaseHostile, EveryCatalogueModelIsWithinTheRanges) {
  for (const char* model : {"H100-SXM5", "H100-PCIe", "H200", "B200", "GB200"}) {
    const auto diags = diagnose(kFlow + kOutlet + "gpu_models:\n  " + model + ": {base: " + model +
                                "}\ngpus: {model: " + model + ", count: 1}\n");
    EXPECT_TRUE(diags.empty()) << model << "\n" << dump(diags);
  }
}

TEST(CaseHostile, SolidTemperaturesHaveAPhysicalRange) {
  const std::string bc = "boundaries:\n  - {face: zmin, type: temperature, temperature: ";
  const std::string solid = kSolid.substr(0, kSolid.find("boundaries:"));
  expect_at(diagnose(solid + bc + "1e30 K}\n"),
            "temperature must be above absolute zero and at most 2000 K", 8,
            {"temperature", "1e+30 K"});
  expect_at(
      diagnose(solid +
               "boundaries:\n  - {face: zmin, type: convection, h: 10, temperature: 3000 K}\n"),
      "temperature must be above absolute zero and at most 2000 K", 8);
  expect_at(diagnose(kSolid +
                     "initial_temperature: 1e5 K\ntransient: {end_time: 1 s, time_step: 0.1 s}\n"),
            "initial_temperature must be above absolute zero and at most 2000 K", 9);
  EXPECT_TRUE(diagnose(solid + bc + "1500 K}\n").empty());
}

// ---- 4. overlapping flow ports ------------------------------------------------------------

TEST(CaseHostile, OutletOverAnInletIsAnErrorNamingBoth) {
  const auto diags = diagnose(
      kFlow +
      "  outlets: [{name: out, face: xmin, region: {min: [1 mm, 2 mm], max: [3 mm, 4 mm]}}]\n");
  expect_at(diags, "outlet \"out\" overlaps inlet \"in\" on xmin", 15,
            {"coolant cannot enter and leave through the same cells"});
}

TEST(CaseHostile, OverlappingInletsAreAnErrorNamingBoth) {
  const auto diags =
      diagnose(kFlow.substr(0, kFlow.find("  inlets:")) +
               "  inlets:\n"
               "    - {name: a, face: xmin, region: {min: [0, 2 mm], max: [4 mm, 4 mm]}, "
               "flow_rate: 1 L/min, temperature: 40 degC}\n"
               "    - {name: b, face: xmin, flow_rate: 1 L/min, temperature: 40 degC}\n" +
               kOutlet);
  expect_at(diags, "inlet \"b\" overlaps inlet \"a\" on xmin", 16);
}

TEST(CaseHostile, PortsThatOnlyTouchOrSitOnOtherFacesAreFine) {
  const std::string head = kFlow.substr(0, kFlow.find("  inlets:"));
  EXPECT_TRUE(diagnose(head +
                       "  inlets:\n"
                       "    - {name: a, face: xmin, region: {min: [0, 2 mm], max: [2 mm, 4 mm]}, "
                       "flow_rate: 1 L/min, temperature: 40 degC}\n"
                       "    - {name: b, face: xmin, region: {min: [2 mm, 2 mm], max: [4 mm, 4 "
                       "mm]}, flow_rate: 1 L/min, temperature: 40 degC}\n" +
                       kOutlet)
                  .empty());
  EXPECT_TRUE(diagnose(kFlow + kOutlet).empty());
}

// ---- 5. keys a workload type does not read --------------------------------------------------

TEST(CaseHostile, KeysTheWorkloadTypeIgnoresAreErrors) {
  const std::string gpus = kFlow + kOutlet + "gpus: {count: 1}\n";
  expect_at(diagnose(gpus + "workload:\n  type: inference\n  iteration_time: 3 s\n"),
            "\"iteration_time\" in workload: does not apply to an inference workload", 19,
            {"cycle_time"});
  expect_at(diagnose(gpus + "workload:\n  type: training\n  file: trace.csv\n"),
            "\"file\" in workload: does not apply to a training workload", 19);
  expect_at(diagnose(gpus + "workload:\n  activity: 0.5\n  cycle_time: 2 s\n"),
            "\"cycle_time\" in workload: does not apply to a constant workload", 19);
  EXPECT_TRUE(
      diagnose(gpus + "workload: {type: training, iteration_time: 3 s, checkpoint_every: 2}\n")
          .empty());
  // The resolved case writes the keys its type reads, so it reads back without errors.
  Case c;
  ASSERT_TRUE(diagnose(gpus + "workload: {type: inference, cycle_time: 5 s}\n", &c).empty());
  const std::string resolved = kelvin::resolved_case_yaml(c);
  EXPECT_EQ(resolved.find("iteration_time"), std::string::npos) << resolved;
  EXPECT_TRUE(diagnose(resolved).empty()) << resolved;
  expect_at(diagnose(kSolid + "workload: {type: training}\n"), "the case has no \"gpus\" section",
            9);
}

// ---- 6. trace files are read and checked by validate ---------------------------------------

struct BadTrace {
  const char* what;
  std::string csv;
  std::string message;  // after "trace.csv:"
};

class TraceFile : public ::testing::TestWithParam<BadTrace> {};

TEST_P(TraceFile, IsCheckedByValidateAsTheRunReadsIt) {
  const BadTrace& t = GetParam();
  const auto dir = temp_dir(t.what);
  const std::string csv = write(dir / "trace.csv", t.csv);
  const std::string yaml =
      kFlow + kOutlet + "gpus: {count: 2}\nworkload:\n  type: trace\n  file: trace.csv\n";
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(yaml, (dir / "case.yaml").string(), diags);
  kelvin::check_case(c, diags);
  expect_at(diags, "workload: trace file " + csv + ":" + t.message, 19);
  // The run reads it with the same function and limits: the same message.
  kelvin::TraceLimits limits;
  limits.gpus = 2;
  limits.phases = kelvin::trace_phase_names();
  try {
    kelvin::read_trace_csv(csv, limits);
    ADD_FAILURE() << "read_trace_csv accepted " << t.what;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(find(diags, std::string("workload: trace file ") + e.what()), nullptr) << e.what();
  }
  // The fuzzer's parse reads no files.
  kelvin::ParseOptions no_files;
  no_files.read_files = false;
  std::vector<Diagnostic> quiet;
  kelvin::parse_case(yaml, (dir / "case.yaml").string(), quiet, no_files);
  EXPECT_TRUE(quiet.empty()) << dump(quiet);
  std::filesystem::remove_all(dir);
}

const std::string kHeader = "time_s,gpu,activity,phase\n";
INSTANTIATE_TEST_SUITE_P(
    CaseHostile, TraceFile,
    ::testing::Values(
        BadTrace{"activity", kHeader + "0,0,0.5,compute\n0,1,0.5,compute\n1,0,1.5,compute\n",
                 "4: activity 1.5 outside [0, 1]"},
        BadTrace{
            "phase", kHeader + "0,0,0.5,compute\n0.5,1,0.5,training\n",
            "3: unknown phase 'training' (one of compute, communication, prefill, decode, idle)"},
        BadTrace{"gpu", kHeader + "0,2,0.5,compute\n",
                 "2: gpu 2 is not one of the case's 2 GPUs (0 .. 1)"},
        BadTrace{"column", "time_s,gpu,utilisation,phase\n0,0,0.5,compute\n",
                 "1: missing column 'activity'"},
        BadTrace{"number", kHeader + "0,0,0.5,compute\nsoon,0,0.5,compute\n",
                 "3: bad time_s 'soon'"},
        BadTrace{"sorted", kHeader + "0,0,0.5,compute\n2,0,0.5,compute\n1,0,0.5,idle\n",
                 "4: time 1 s for gpu 0 is before its previous sample at 2 s"},
        BadTrace{"no_samples", kHeader, "1: the trace has no samples after its header"},
        BadTrace{"fields", kHeader + "0,0,0.5\n", "2: 3 fields, the header has 4"}),
    [](const ::testing::TestParamInfo<BadTrace>& info) { return std::string(info.param.what); });

TEST(CaseHostile, GoodTraceValidates) {
  const auto dir = temp_dir("good");
  write(dir / "trace.csv",
        kHeader + "0,0,0.5,compute\n0,1,0.2,decode\n1,0,0,idle\n1.5,1,1,prefill\n");
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(
      kFlow + kOutlet + "gpus: {count: 2}\nworkload: {type: trace, file: trace.csv}\n",
      (dir / "case.yaml").string(), diags);
  kelvin::check_case(c, diags);
  EXPECT_TRUE(diags.empty()) << dump(diags);
  std::filesystem::remove_all(dir);
}

// ---- 7. errors where they are ----------------------------------------------------------------

TEST(CaseHostile, UnclosedQuoteIsASyntaxErrorWhereItOpens) {
  for (const char* q : {"\"", "'"}) {
    const auto diags = diagnose("name: t\ndescription: " + std::string(q) + "a block\n" +
                                kSolid.substr(kSolid.find("mesh:")));
    ASSERT_EQ(diags.size(), 1u) << dump(diags);
    EXPECT_EQ(diags[0].line, 2);
    EXPECT_EQ(diags[0].column, 14);
    EXPECT_NE(diags[0].message.find("YAML syntax error: the quoted text that starts here"),
              std::string::npos);
  }
  // Closed quotes with escapes inside are fine.
  EXPECT_TRUE(
      diagnose("name: t\ndescription: 'it''s \"x\"'\n" + kSolid.substr(kSolid.find("mesh:")))
          .empty());
  EXPECT_TRUE(diagnose("name: \"a \\\" b\"\n" + kSolid.substr(kSolid.find("mesh:"))).empty());
}

TEST(CaseHostile, EmptyFileSaysItIsEmpty) {
  const auto dir = temp_dir("empty");
  for (const char* text : {"", "# nothing\n", "\n\n"}) {
    const std::string path = write(dir / "case.yaml", text);
    try {
      kelvin::load_case(path);
      ADD_FAILURE() << "loaded an empty case";
    } catch (const kelvin::CaseLoadError& e) {
      ASSERT_EQ(e.diagnostics.size(), 1u) << e.what();
      EXPECT_NE(e.diagnostics[0].message.find("the case file is empty"), std::string::npos)
          << e.what();
      EXPECT_EQ(e.diagnostics[0].line, 1);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(CaseHostile, TooManyCellsPointAtTheCellSizeThatAsksForThem) {
  const std::string body = kSolid.substr(kSolid.find("materials:"));
  // Along one axis: 4 mm in 1 nm cells. (Too many in all is the run size's to report, with
  // the largest cell size that fits the memory: kelvin validate puts it at this key too.)
  expect_at(diagnose("name: t\nmesh:\n  max_cell_size: 1 nm\n" + body),
            "mesh: max_cell_size [1e-09, 1e-09, 1e-09] m: mesh would need more than 65536 cells "
            "along one axis",
            3);
  // A box's own cell_size.
  std::string fine = kSolid;
  fine.replace(fine.find("max: [4 mm, 4 mm, 2 mm]}"), 24,
               "max: [4 mm, 4 mm, 2 mm], cell_size: 1 nm}");
  expect_at(diagnose(fine),
            "box \"block\": cell_size [1e-09, 1e-09, 1e-09] m: mesh would need more", 6,
            {"increase its cell_size"});
}

// ---- 8. absurd work is refused with its size ----------------------------------------------

TEST(CaseHostile, AbsurdStepAndOutputCountsAreRefusedWithTheCount) {
  expect_at(
      diagnose(kSolid + "transient:\n  end_time: 1 s\n  time_step: 1e-15 s\n"),
      "transient: end_time 1 s in steps of 1e-15 s is 1e+15 steps, more than the limit of 1e+07",
      11);
  expect_at(diagnose(kSolid +
                     "transient:\n  end_time: 2 s\n  time_step: 1 ms\n  output_interval: 1 us\n"),
            "is 2e+06 output times (a file each), more than the limit of 10000", 12);
  expect_at(
      diagnose(kSolid +
               "transient: {end_time: 1e9 s, time_step: 1 s, adaptive: true, max_step: 1 s}\n"),
      "in steps of at most 1 s (max_step) is at least 1e+09 steps", 9);
  EXPECT_TRUE(
      diagnose(kSolid + "transient: {end_time: 10 s, time_step: 1 ms, output_interval: 1 ms}\n")
          .empty());
}

TEST(CaseHostile, ProbeCountIsLimited) {
  std::string probes = "probes:\n";
  for (long long i = 0; i <= kelvin::kMaxProbes; ++i)
    probes += "  - {name: p" + std::to_string(i) + ", at: [1 mm, 1 mm, 1 mm]}\n";
  const auto diags = diagnose(kSolid + probes);
  expect_at(diags, "the case has 10001 probes, more than the limit of 10000", 9);
  EXPECT_EQ(diags.size(), 1u) << "no per-probe messages after the limit";
}

TEST(CaseHostile, HugeFilesAreRefusedBeforeTheyAreLoaded) {
  // 300000 aliases of one probe: more YAML values than the limit, reported at "probes".
  std::string text = kSolid + "probes:\n  - &p {name: p, at: [1 mm, 1 mm, 1 mm]}\n";
  text.reserve(text.size() + 300000 * 6);
  for (int i = 0; i < 300000; ++i) text += "  - *p\n";
  const auto diags = diagnose(text);
  expect_at(diags, "the case file holds more than the limit of 250000 YAML values", 9,
            {"\"probes\"", "keep probes below 10000"});
}

// ---- 9. warnings ------------------------------------------------------------------------------

TEST(CaseHostile, InletAboveTheBoilingPointAtTheOutletWarns) {
  const std::string water = kFlow.substr(0, kFlow.find("coolant: PG25")) + "coolant: water\n" +
                            kFlow.substr(kFlow.find("boxes:"));
  const std::string hot = water.substr(0, water.find("40 degC}]")) + "95 degC}]\n";
  // -30 kPa gauge: water boils at 90.4 degC (IAPWS-IF97).
  const auto w = warnings_of(hot + "  outlets: [{name: out, face: xmax, pressure: -30 kPa}]\n");
  const std::string b = warning_with(w, "above the boiling point of water");
  EXPECT_EQ(b.rfind("case.yaml:14:", 0), 0u) << b;
  EXPECT_NE(b.find("warning: inlet \"in\": temperature 95.0 degC"), std::string::npos) << b;
  EXPECT_NE(b.find("(90.4 degC;"), std::string::npos) << b;
  // At 1 atm water at 95 degC is liquid; PG25 boils at 102 degC, so 100 degC is fine too.
  EXPECT_TRUE(warnings_of(hot + kOutlet).empty());
  const std::string pg100 = kFlow.substr(0, kFlow.find("40 degC}]")) + "100 degC}]\n";
  EXPECT_TRUE(warnings_of(pg100 + kOutlet).empty());
  // ... but not at half an atmosphere (81.3 degC for water, 83 for PG25).
  EXPECT_FALSE(
      warnings_of(pg100 + "  outlets: [{name: out, face: xmax, pressure: -50 kPa}]\n").empty());
}

TEST(CaseHostile, ConstantPropertiesDoNotExcuseATemperatureOutsideTheCorrelation) {
  std::string cp = kFlow;
  cp.replace(cp.find("coolant: PG25"), 13, "coolant: {fluid: PG25, constant_properties: true}");
  expect_at(diagnose(cp + kOutlet +
                     "gpus:\n  instances:\n    - {name: g, inlet_temperature: 290 degC}\n"),
            "GPU \"g\": inlet_temperature 290.0 degC", 18, {"outside the valid range"});
  const std::string hot = cp.substr(0, cp.find("40 degC}]")) + "290 degC}]\n";
  expect_at(diagnose(hot + kOutlet), "inlet \"in\": temperature 290.0 degC", 14);
}

TEST(CaseHostile, AspectRatioAndConductivityContrastBeyondVerificationWarn) {
  std::string film = kSolid;
  film.replace(film.find("boundaries:"), 0,
               "  - {name: film, material: copper, min: [0, 0, 2 mm], max: [4 mm, 4 mm, 2.005 mm], "
               "cell_size: [0, 0, 5 um]}\n");
  const std::string a = warning_with(warnings_of(film), "the worst cell aspect ratio is 200");
  EXPECT_EQ(a.rfind("case.yaml:7:", 0), 0u) << a;  // the film's cell_size asks for the cells

  std::string cover = kSolid;
  cover.replace(
      cover.find("boxes:"), 0,
      "  aerogel: {conductivity: 0.01 W/m/K, density: 100 kg/m^3, specific_heat: 1000 J/kg/K}\n");
  cover.replace(
      cover.find("boundaries:"), 0,
      "  - {name: cover, material: aerogel, min: [0, 0, 2 mm], max: [4 mm, 4 mm, 3 mm]}\n");
  const std::string k =
      warning_with(warnings_of(cover), "touch with a conductivity ratio of 39000");
  EXPECT_EQ(k.rfind("case.yaml:5:", 0), 0u) << k;  // the lower conductivity's material

  // Apart, they do not touch: no warning. At 1.5e4 (copper against still air) neither.
  std::string apart = cover;
  const std::string at = "min: [0, 0, 2 mm], max: [4 mm, 4 mm, 3 mm]";
  apart.replace(apart.find(at), at.size(), "min: [5 mm, 0, 0], max: [9 mm, 4 mm, 2 mm]");
  EXPECT_TRUE(warnings_of(apart).empty());
  std::string air = cover;
  air.replace(air.find("conductivity: 0.01 W/m/K"), 24, "conductivity: 0.026 W/m/K");
  EXPECT_TRUE(warnings_of(air).empty());
}

TEST(CaseHostile, WarningsOnlyForCasesWithoutErrors) {
  std::string film = kSolid;
  film.replace(film.find("boundaries:"), 0,
               "  - {name: film, material: copper, min: [0, 0, 2 mm], max: [4 mm, 4 mm, 2.005 mm], "
               "cell_size: [0, 0, 5 um]}\n");
  std::vector<Diagnostic> diags;
  const Case c = kelvin::parse_case(film + "solver: {tolerance: 2}\n", "case.yaml", diags);
  std::vector<std::string> warnings;
  kelvin::check_case(c, diags, &warnings);
  EXPECT_FALSE(diags.empty());
  EXPECT_TRUE(warnings.empty());
}

TEST(CaseHostile, ShippedCasesValidateWithoutWarnings) {
  int cases = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(KELVIN_SOURCE_DIR) + "/cases")) {
    const auto file = e.path() / "case.yaml";
    if (!std::filesystem::exists(file)) continue;
    ++cases;
    try {
      const Case c = kelvin::load_case(file.string());
      std::string all;
      for (const auto& w : c.warnings) all += w + "\n";
      EXPECT_TRUE(c.warnings.empty()) << all;
    } catch (const kelvin::CaseLoadError& err) {
      ADD_FAILURE() << err.what();
    }
  }
  EXPECT_GE(cases, 10);
}
