// The gpus, gpu_models and workload sections of case files: SI values, overrides, defaults,
// errors with file and line, and the resolved case's round trip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "case_diagnostics.hpp"

using kelvin::Case;
using kelvin::Diagnostic;
using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

// A die on a copper block under a convective boundary, with GPUs (line numbers matter below).
const std::string kBase = R"(name: g
materials:
  silicon: {conductivity: 120, density: 2329, specific_heat: 712}
  copper: {conductivity: 390, density: 8933, specific_heat: 385}
boxes:
  - {name: die, material: silicon, min: [0, 0, 0], max: [10 mm, 10 mm, 1 mm]}
  - {name: block, material: copper, min: [0, 0, 1 mm], max: [10 mm, 10 mm, 5 mm]}
sources:
  - {name: die_power, box: die, power: 1 W}
boundaries:
  - {face: zmax, type: convection, h: 5000 W/m^2/K, temperature: 30 degC}
transient: {end_time: 1 s, time_step: 50 ms}
)";

}  // namespace

TEST(GpuCase, ParsesModelsGpusAndWorkloadToSi) {
  Case c;
  const auto diags = diagnose(kBase + R"(gpu_models:
  H100-SXM5: {power_limit: 650 W, slowdown_temperature: 85 degC, max_clock: 1.9 GHz}
gpus:
  model: H100-SXM5
  count: 4
  die_source: die_power
  control_interval: 200 ms
  instances:
    - {name: gpu3, power_limit: 600 W}
workload: {type: training, iteration_time: 3 s, checkpoint_every: 10}
)", &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.gpus.has_value());
  ASSERT_EQ(c.gpus->instances.size(), 4u);
  EXPECT_EQ(c.gpus->instances[3].name, "gpu3");
  EXPECT_DOUBLE_EQ(c.gpus->instances[3].power_limit_W, 600);
  EXPECT_DOUBLE_EQ(c.gpus->instances[0].power_limit_W, 0);  // the model's
  EXPECT_DOUBLE_EQ(c.gpus->control_interval_s, 0.2);
  const kelvin::GpuModel* m = c.gpu_model();
  ASSERT_NE(m, nullptr);
  EXPECT_DOUBLE_EQ(m->power_limit_W, 650);
  EXPECT_DOUBLE_EQ(m->slowdown_K, 358.15);
  EXPECT_DOUBLE_EQ(m->max_clock_MHz, 1900);
  // The calibration follows the new limit: full activity at T_ref and max clock sits at it.
  EXPECT_DOUBLE_EQ(m->dynamic_power_W, 650 - m->idle_power_W - m->leakage_W);
  EXPECT_EQ(c.workload.type, "training");
  EXPECT_DOUBLE_EQ(c.workload.iteration_time_s, 3);
  EXPECT_EQ(c.workload.checkpoint_every, 10);
}

TEST(GpuCase, ResolvedYamlRoundTrips) {
  Case first;
  const std::string text = kBase + R"(gpu_models:
  Custom: {base: B200, power_limit: 900 W, voltage_knee: 1100 MHz}
gpus: {model: Custom, count: 2, die_source: die_power}
workload: {type: inference, cycle_time: 5 s}
)";
  ASSERT_TRUE(diagnose(text, &first).empty()) << dump(diagnose(text));
  const std::string resolved = kelvin::resolved_case_yaml(first);
  Case second;
  const auto diags = diagnose(resolved, &second);
  ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
  EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);
  const kelvin::GpuModel* a = first.gpu_model();
  const kelvin::GpuModel* b = second.gpu_model();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->max_clock_MHz, b->max_clock_MHz);
  EXPECT_EQ(a->voltage_knee_MHz, 1100);
  EXPECT_EQ(b->voltage_knee_MHz, 1100);
  EXPECT_EQ(a->dynamic_power_W, b->dynamic_power_W);
  EXPECT_EQ(second.gpus->instances.size(), 2u);
  EXPECT_EQ(second.workload.cycle_time_s, 5);
}

struct BadGpu {
  const char* what;
  std::string tail;
  std::string message;
  int line;
};

class BadGpuInput : public ::testing::TestWithParam<BadGpu> {};

TEST_P(BadGpuInput, IsReportedWithLine) {
  const BadGpu& bad = GetParam();
  const auto diags = diagnose(kBase + bad.tail);
  const Diagnostic* d = find(diags, bad.message);
  ASSERT_NE(d, nullptr) << "expected \"" << bad.message << "\" among:\n" << dump(diags);
  EXPECT_EQ(d->line, bad.line) << d->to_string();
}

// kBase has 12 lines; the tail starts on line 13.
INSTANTIATE_TEST_SUITE_P(
    GpuCase, BadGpuInput,
    ::testing::Values(
        BadGpu{"unknown_model", "gpus: {model: H100-SMX5, count: 1}\n",
               "unknown GPU model \"H100-SMX5\"", 13},
        BadGpu{"model_did_you_mean", "gpus: {model: H100-SMX5, count: 1}\n",
               "did you mean \"H100-SXM5\"?", 13},
        BadGpu{"cap_out_of_range", "gpus:\n  count: 2\n  power_limit: 900 W\n",
               "outside the H100-SXM5's range 200 .. 700 W", 15},
        BadGpu{"instance_not_counted",
               "gpus:\n  count: 2\n  instances:\n    - {name: gpu9, power_limit: 500 W}\n",
               "GPU \"gpu9\" is not one of gpu0 .. gpu1", 16},
        BadGpu{"no_gpus", "gpus: {model: H100-SXM5}\n", "needs \"count\" or \"instances\"", 13},
        BadGpu{"die_source_typo", "gpus:\n  count: 1\n  die_source: die_powr\n",
               "die_source \"die_powr\" is not one of the sources; did you mean \"die_power\"?", 15},
        BadGpu{"inlet_without_flow",
               "gpus:\n  count: 1\n  instances:\n    - {name: gpu0, inlet_temperature: 40 degC}\n",
               "inlet_temperature and flow_rate need a coolant flow", 16},
        BadGpu{"clock_in_watts", "gpu_models:\n  H100-SXM5: {max_clock: 1980 W}\ngpus: {count: 1}\n",
               "\"max_clock\" in GPU model \"H100-SXM5\"", 14},
        BadGpu{"limits_out_of_order",
               "gpu_models:\n  H100-SXM5: {shutdown_temperature: 80 degC}\ngpus: {count: 1}\n",
               "expected slowdown < hw_slowdown < shutdown temperature", 14},
        BadGpu{"workload_type", "gpus: {count: 1}\nworkload: {type: trainng}\n",
               "unknown workload \"trainng\" (constant, training, inference, trace); did you mean \"training\"?", 14},
        BadGpu{"fraction", "gpus: {count: 1}\nworkload: {type: training, compute_fraction: 1.5}\n",
               "compute_fraction must lie in (0, 1]", 14},
        BadGpu{"trace_missing", "gpus: {count: 1}\nworkload: {type: trace, file: nowhere.csv}\n",
               "trace file", 14},
        BadGpu{"step_does_not_divide",
               "gpus: {count: 1, control_interval: 120 ms}\n",
               "must divide the control_interval", 12}),
    [](const ::testing::TestParamInfo<BadGpu>& info) { return std::string(info.param.what); });
