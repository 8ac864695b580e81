#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "solver/power/gpu_model.hpp"
#include "solver/power/workload.hpp"

using kelvin::make_constant_workload;
using kelvin::make_inference_workload;
using kelvin::make_training_workload;
using kelvin::read_trace_csv;
using kelvin::WorkloadPhase;
using kelvin::WorkloadRunner;
using kelvin::WorkloadSpec;

namespace {

/// g(r) = 1 / ((1 - m) / r + m), the progress rate of clock-bound work at clock ratio r.
double g_of(double r, double m) { return kelvin::relative_throughput(r, 1.0, m); }

/// Sums of per-interval outputs over several intervals, per GPU.
struct Totals {
  std::vector<double> activity_s;  // integral of activity, s
  std::vector<double> tokens;
};

/// Advances runner steps times by dt at fixed clock ratios; returns the totals.
Totals run(WorkloadRunner& runner, double dt, const std::vector<double>& ratio, int steps) {
  Totals t{std::vector<double>(ratio.size(), 0.0), std::vector<double>(ratio.size(), 0.0)};
  std::vector<double> act, tok;
  for (int s = 0; s < steps; ++s) {
    runner.advance(dt, ratio, act, tok);
    for (std::size_t g = 0; g < ratio.size(); ++g) {
      t.activity_s[g] += act[g] * dt;
      t.tokens[g] += tok[g];
    }
  }
  return t;
}

void expect_rel(double got, double want, double rel) {
  EXPECT_NEAR(got, want, rel * std::abs(want)) << "got " << got << " want " << want;
}

/// A fresh temporary directory for this test.
std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kelvin_unit_workload_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

/// The message of the std::runtime_error read_trace_csv throws, or "".
std::string csv_error(const std::string& path) {
  try {
    read_trace_csv(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Workload, ConstantTokensAndActivity) {
  const double tps = 1234.5, m = 0.3, r = 0.8;
  WorkloadRunner runner(make_constant_workload(0.85, m, tps), 1);
  std::vector<double> act, tok;
  double tokens = 0;
  for (int s = 0; s < 10; ++s) {
    runner.advance(0.1, {r}, act, tok);
    EXPECT_DOUBLE_EQ(act[0], 0.85);
    tokens += tok[0];
  }
  expect_rel(tokens, tps * g_of(r, m) * 1.0, 1e-12);
  EXPECT_EQ(runner.phase_name(0), "constant");
  EXPECT_DOUBLE_EQ(runner.activity(0), 0.85);
}

TEST(Workload, SynchronousTrainingRunsAtTheSlowestGpusPace) {
  // Iteration 2 s: 1.6 s nominal compute (memory-bound 0.15) + 0.4 s communication.
  const double tps = 1000, wait = 0.1;
  WorkloadSpec spec = make_training_workload(tps, 2.0, 0.8, 0.9, 0.3, 0, 0.0);
  spec.wait_activity = wait;
  const std::vector<double> ratio{1.0, 0.7, 1.0, 1.0};
  const double g_slow = g_of(0.7, 0.15), g_fast = g_of(1.0, 0.15);
  const double iteration_s = 1.6 / g_slow + 0.4;

  // Within the first compute phase: the fast GPUs finish at 1.6 s and wait.
  WorkloadRunner runner(spec, 4);
  std::vector<double> act, tok;
  runner.advance(1.6 / g_fast + 0.01, ratio, act, tok);
  EXPECT_EQ(runner.phase_name(0), "wait");
  EXPECT_DOUBLE_EQ(runner.activity(0), wait);
  EXPECT_EQ(runner.phase_name(1), "compute");
  EXPECT_DOUBLE_EQ(runner.activity(1), 0.9);
  EXPECT_LT(act[0], act[1]);  // fast GPUs wait at wait_activity during compute
  // ... and all move to communication together when the slow one finishes.
  runner.advance(1.6 / g_slow - runner.time() + 0.01, ratio, act, tok);
  for (int g = 0; g < 4; ++g) EXPECT_EQ(runner.phase_name(g), "communication");

  // Long run: the cycle count follows the slow GPU's iteration time.
  WorkloadRunner long_run(spec, 4);
  const int steps = 2000;
  const double dt = 0.1, total_s = steps * dt;
  const double iterations = total_s / iteration_s;
  ASSERT_GT(std::abs(iterations - std::round(iterations)), 1e-6);  // not on a boundary
  Totals t = run(long_run, dt, ratio, steps);
  EXPECT_EQ(long_run.cycles(), static_cast<long long>(std::floor(iterations)));

  // Go on to the next communication phase, where every GPU has finished the same work (inside
  // a compute phase the fast GPUs are ahead).
  int extra = 0;
  while (long_run.phase_name(1) != "communication") {
    const Totals more = run(long_run, dt, ratio, 1);
    for (int g = 0; g < 4; ++g) {
      t.tokens[g] += more.tokens[g];
      t.activity_s[g] += more.activity_s[g];
    }
    ASSERT_LT(++extra, 100);
  }
  // Every GPU produced the same tokens, the same as the slow GPU alone would.
  WorkloadRunner alone(spec, 1);
  const Totals t_alone = run(alone, dt, {0.7}, steps + extra);
  for (int g = 0; g < 4; ++g) expect_rel(t.tokens[g], t_alone.tokens[0], 1e-12);
  EXPECT_EQ(alone.cycles(), long_run.cycles());
  // The fast GPUs spend part of every compute phase waiting at the lower wait_activity.
  for (int g : {0, 2, 3}) {
    EXPECT_LT(t.activity_s[g], t.activity_s[1]);
    // Per completed-or-partial iteration each fast GPU swaps (1.6/g_slow - 1.6/g_fast) s of
    // compute activity for wait activity; check over the completed iterations' share.
    EXPECT_GT(t.activity_s[1] - t.activity_s[g],
              0.99 * std::floor(iterations) * (1.6 / g_slow - 1.6 / g_fast) * (0.9 - wait));
  }
}

TEST(Workload, TokensPerWholeCycleAreExactAtAnyClock) {
  const double tps = 950, iteration_s = 2.0, cf = 0.8;
  const double tokens_per_cycle = tps * iteration_s;
  for (const double r : {1.0, 0.75, 0.5, 0.33}) {
    WorkloadRunner runner(make_training_workload(tps, iteration_s, cf, 1.0, 0.4, 0, 0.0), 2);
    std::vector<double> act, tok;
    double tokens = 0;
    // Step until the runner sits in the communication phase of cycle 6: 7 compute phases done,
    // and communication produces nothing.
    for (int s = 0; s < 100000; ++s) {
      runner.advance(0.0625, {r, r}, act, tok);
      tokens += tok[0];
      if (runner.cycles() == 6 && runner.phase_name(0) == "communication") break;
    }
    ASSERT_EQ(runner.phase_name(0), "communication");
    expect_rel(tokens, 7 * tokens_per_cycle, 1e-12);
  }
}

TEST(Workload, ThrottledPlusLostEqualsUnthrottled) {
  const WorkloadSpec spec = make_training_workload(950, 2.0, 0.8, 1.0, 0.4, 3, 1.5);
  WorkloadRunner full(spec, 1), slow(spec, 1);
  std::vector<double> act, tok_full, tok_slow;
  double sum_full = 0, sum_slow = 0, sum_lost = 0;
  for (int s = 0; s < 537; ++s) {
    full.advance(0.1, {1.0}, act, tok_full);
    slow.advance(0.1, {0.75}, act, tok_slow);
    sum_full += tok_full[0];
    sum_slow += tok_slow[0];
    sum_lost += tok_full[0] - tok_slow[0];
  }
  const double lost = sum_full - sum_slow;
  EXPECT_GT(lost, 0.0);
  expect_rel(sum_slow + lost, sum_full, 1e-12);
  expect_rel(sum_lost, lost, 1e-12);
  // Roughly the throughput ratio of the compute phases (the run is many cycles long).
  EXPECT_LT(sum_slow / sum_full, 0.95);
  EXPECT_GT(sum_slow / sum_full, g_of(0.75, 0.15) * 0.95);
}

TEST(Workload, PhaseChangeInsideAnIntervalIsTimeWeighted) {
  // One GPU, compute 1.6 s nominal at activity 0.9, then communication 0.4 s at 0.3.
  const double tps = 1000, r = 0.8, g = g_of(r, 0.15);
  WorkloadRunner runner(make_training_workload(tps, 2.0, 0.8, 0.9, 0.3, 0, 0.0), 1);
  std::vector<double> act, tok;
  runner.advance(1.0, {r}, act, tok);
  ASSERT_EQ(runner.phase_name(0), "compute");
  // [1, 2] s: compute ends at 1.6 / g = 1.94 s, then communication.
  const double t_compute = 1.6 / g - 1.0;
  ASSERT_GT(t_compute, 0.0);
  ASSERT_LT(t_compute, 1.0);
  runner.advance(1.0, {r}, act, tok);
  EXPECT_EQ(runner.phase_name(0), "communication");
  expect_rel(act[0], 0.9 * t_compute + 0.3 * (1.0 - t_compute), 1e-12);
  expect_rel(tok[0], tps / 0.8 * (1.6 - g * 1.0), 1e-12);
  // An interval that spans communication and the next compute.
  const double comm_left = 0.4 - (1.0 - t_compute);
  runner.advance(0.5, {r}, act, tok);
  EXPECT_EQ(runner.phase_name(0), "compute");
  expect_rel(act[0], (0.3 * comm_left + 0.9 * (0.5 - comm_left)) / 0.5, 1e-12);
  expect_rel(tok[0], tps / 0.8 * g * (0.5 - comm_left), 1e-12);
  EXPECT_EQ(runner.cycles(), 1);
}

TEST(Workload, CheckpointAfterEveryNCycles) {
  // Iteration 2 s: 1.5 s compute (activity 1) + 0.5 s communication (0.5); a 5 s checkpoint at
  // 0.05 after every 3 iterations. All boundaries are binary fractions, so steps of 0.25 s land
  // on them exactly.
  WorkloadRunner runner(make_training_workload(1000, 2.0, 0.75, 1.0, 0.5, 3, 5.0), 1);
  std::vector<double> act, tok;
  double checkpoint_s = 0, activity_s = 0;
  for (int s = 0; s < 132; ++s) {  // 33 s: three blocks of 3 iterations + checkpoint
    const bool in_checkpoint = runner.phase_name(0) == "checkpoint";
    runner.advance(0.25, {1.0}, act, tok);
    if (in_checkpoint) {
      checkpoint_s += 0.25;
      EXPECT_DOUBLE_EQ(act[0], 0.05);
      EXPECT_EQ(tok[0], 0.0);
    }
    activity_s += act[0] * 0.25;
  }
  EXPECT_DOUBLE_EQ(checkpoint_s, 15.0);
  EXPECT_EQ(runner.cycles(), 9);
  EXPECT_EQ(runner.phase_name(0), "compute");
  expect_rel(activity_s, 3 * (3 * (1.5 * 1.0 + 0.5 * 0.5) + 5 * 0.05), 1e-12);
}

TEST(Workload, InferenceDecodeHardlySlowsWithTheClock) {
  const WorkloadSpec spec = make_inference_workload(30000, 3000, 0.2, 1.0, 0.9, 0.5);
  // Token rates in the middle of each phase, at r = 1 and r = 0.5.
  const auto rates = [&](double r) {
    WorkloadRunner runner(spec, 1);
    std::vector<double> act, tok;
    EXPECT_EQ(runner.phase_name(0), "prefill");
    runner.advance(0.05, {r}, act, tok);
    const double prefill = tok[0] / 0.05;
    runner.advance(0.2 / g_of(r, 0.2) - 0.05, {r}, act, tok);  // to the end of prefill
    EXPECT_EQ(runner.phase_name(0), "decode");
    runner.advance(0.1, {r}, act, tok);
    const double decode = tok[0] / 0.1;
    EXPECT_DOUBLE_EQ(act[0], 0.5);
    return std::pair<double, double>{prefill, decode};
  };
  const auto [prefill_1, decode_1] = rates(1.0);
  const auto [prefill_h, decode_h] = rates(0.5);
  expect_rel(prefill_1, 30000, 1e-12);
  expect_rel(decode_1, 3000, 1e-12);
  EXPECT_LT(1 - decode_h / decode_1, 0.06);
  EXPECT_GT(1 - prefill_h / prefill_1, 0.35);

  // Prefill and decode alternate, a cycle per pair; steps of 1/16 s split the 0.2 s prefill.
  WorkloadRunner runner(spec, 3);
  std::vector<double> act, tok;
  std::vector<std::string> seen{runner.phase_name(0)};
  for (int s = 0; s < 64; ++s) {  // 4 s at max clock: 4 cycles
    runner.advance(0.0625, {1.0, 1.0, 0.5}, act, tok);
    if (runner.phase_name(0) != seen.back()) seen.push_back(runner.phase_name(0));
  }
  ASSERT_GE(seen.size(), 8u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i % 2 ? "decode" : "prefill");
  EXPECT_EQ(runner.cycles(), 4);
}

TEST(Workload, ShutDownGpuBlocksASynchronousJob) {
  WorkloadRunner runner(make_training_workload(1000, 2.0, 0.8, 0.9, 0.3, 0, 0.0), 2);
  const Totals t = run(runner, 0.5, {1.0, 0.0}, 40);
  EXPECT_EQ(runner.cycles(), 0);
  EXPECT_EQ(runner.phase_name(0), "wait");
  EXPECT_EQ(runner.phase_name(1), "compute");
  // The job's tokens follow its least advanced GPU: a dead GPU stops them for everyone.
  EXPECT_EQ(t.tokens[1], 0.0);
  EXPECT_EQ(t.tokens[0], 0.0);
}

TEST(Workload, TraceSwitchesAtSampleTimes) {
  const auto dir = temp_dir("trace");
  // Columns shuffled, an extra column, rows not sorted across GPUs.
  const std::string path = write_file(dir / "trace.csv",
                                      "phase,gpu,note,time_s,activity\n"
                                      "train,0,a,0,0.9\n"
                                      "train,1,b,1.0,0.7\n"
                                      "comm,0,c,1.5,0.3\n"
                                      "\n"
                                      "train,0,d,2.5,0.8\n");
  const std::vector<kelvin::TraceSample> samples = read_trace_csv(path);
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_EQ(samples[1].gpu, 1);
  EXPECT_DOUBLE_EQ(samples[1].time_s, 1.0);
  EXPECT_EQ(samples[2].phase, "comm");

  WorkloadSpec spec;
  spec.kind = WorkloadSpec::Kind::Trace;
  spec.trace = samples;
  WorkloadPhase train;
  train.name = "train";
  train.memory_bound_fraction = 0.15;
  train.tokens_per_s = 1000;
  WorkloadPhase comm;
  comm.name = "comm";
  comm.clock_bound = false;
  comm.tokens_per_s = 0;
  spec.trace_phases = {train, comm};

  const double r = 0.8, g = g_of(r, 0.15);
  WorkloadRunner runner(spec, 2);
  EXPECT_EQ(runner.phase_name(1), "idle");
  EXPECT_DOUBLE_EQ(runner.activity(1), 0.0);
  std::vector<double> act, tok;
  runner.advance(1.0, {r, r}, act, tok);  // [0, 1]
  expect_rel(act[0], 0.9, 1e-12);
  expect_rel(tok[0], 1000 * g, 1e-12);
  EXPECT_EQ(act[1], 0.0);
  EXPECT_EQ(tok[1], 0.0);
  EXPECT_EQ(runner.phase_name(1), "train");  // its sample at 1.0 s holds from 1.0 s
  runner.advance(1.0, {r, r}, act, tok);     // [1, 2]
  expect_rel(act[0], 0.5 * 0.9 + 0.5 * 0.3, 1e-12);
  expect_rel(tok[0], 1000 * g * 0.5, 1e-12);
  expect_rel(act[1], 0.7, 1e-12);
  expect_rel(tok[1], 1000 * g, 1e-12);
  EXPECT_EQ(runner.phase_name(0), "comm");
  EXPECT_DOUBLE_EQ(runner.activity(0), 0.3);
  runner.advance(1.0, {r, r}, act, tok);  // [2, 3]
  expect_rel(act[0], 0.5 * 0.3 + 0.5 * 0.8, 1e-12);
  expect_rel(tok[0], 1000 * g * 0.5, 1e-12);
  runner.advance(10.0, {r, r}, act, tok);  // after the last samples the last values hold
  expect_rel(act[0], 0.8, 1e-12);
  expect_rel(act[1], 0.7, 1e-12);

  // An unknown phase name is an error at construction.
  spec.trace[2].phase = "mystery";
  EXPECT_THROW(WorkloadRunner(spec, 2), std::invalid_argument);
  spec.trace[2].phase = "comm";
  EXPECT_THROW(WorkloadRunner(spec, 1), std::invalid_argument);  // a sample for gpu 1
  std::filesystem::remove_all(dir);
}

TEST(Workload, TraceCsvErrorsNamePathAndLine) {
  const auto dir = temp_dir("errors");
  const std::string header = "time_s,gpu,activity,phase\n";
  const auto check = [&](const std::string& name, const std::string& text, const std::string& where,
                         const std::string& what) {
    const std::string path = write_file(dir / name, text);
    const std::string msg = csv_error(path);
    EXPECT_NE(msg.find(path + ":" + where + ":"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  };
  check("missing.csv", "time_s,gpu,phase\n0,0,train\n", "1", "missing column 'activity'");
  check("number.csv", header + "0,0,0.5,train\n1.x,0,0.5,train\n", "3", "time_s");
  check("gpu.csv", header + "0,-1,0.5,train\n", "2", "negative gpu");
  check("gpu2.csv", header + "0,1.5,0.5,train\n", "2", "gpu");
  check("activity.csv", header + "0,0,2.5,train\n", "2", "activity");
  check("backwards.csv", header + "1,0,0.5,train\n2,1,0.5,train\n0.5,0,0.5,train\n", "4", "before");
  check("fields.csv", header + "0,0,0.5\n", "2", "fields");
  EXPECT_NE(csv_error((dir / "absent.csv").string()).find("absent.csv"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Workload, SaveRestoreIsBitwiseExact) {
  const auto ratio_at = [](int step) {
    return std::vector<double>{1.0 - 0.013 * (step % 17), 0.71 + 0.002 * step, 1.0,
                               0.5 + 0.5 * std::sin(0.3 * step) * std::sin(0.3 * step)};
  };
  WorkloadSpec training = make_training_workload(950, 1.7, 0.83, 0.95, 0.35, 4, 0.9);
  training.wait_activity = 0.12;
  const WorkloadSpec inference = make_inference_workload(30000, 3000, 0.23, 0.77, 0.9, 0.55);
  for (const WorkloadSpec& spec : {training, inference}) {
    WorkloadRunner a(spec, 4);
    std::vector<double> act_a, tok_a, act_b, tok_b;
    for (int s = 0; s < 37; ++s) a.advance(0.113, ratio_at(s), act_a, tok_a);
    const std::vector<double> state = a.save();
    WorkloadRunner b(spec, 4);
    b.restore(state);
    EXPECT_EQ(b.save(), state);
    for (int s = 37; s < 87; ++s) {
      a.advance(0.113, ratio_at(s), act_a, tok_a);
      b.advance(0.113, ratio_at(s), act_b, tok_b);
      for (int g = 0; g < 4; ++g) {
        EXPECT_EQ(act_a[g], act_b[g]);
        EXPECT_EQ(tok_a[g], tok_b[g]);
        EXPECT_EQ(a.activity(g), b.activity(g));
        EXPECT_EQ(a.phase_name(g), b.phase_name(g));
      }
    }
    EXPECT_EQ(a.cycles(), b.cycles());
    EXPECT_GT(a.cycles(), 3);
    EXPECT_EQ(a.time(), b.time());
    EXPECT_EQ(a.save(), b.save());

    std::vector<double> bad = state;
    bad.pop_back();
    EXPECT_THROW(b.restore(bad), std::invalid_argument);
    WorkloadRunner c(spec, 3);
    EXPECT_THROW(c.restore(state), std::invalid_argument);
  }
}

TEST(Workload, InvalidInputsThrow) {
  EXPECT_THROW(make_training_workload(950, 2.0, 0.0, 1.0, 0.4, 0, 0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(950, 2.0, 1.5, 1.0, 0.4, 0, 0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(950, -2.0, 0.8, 1.0, 0.4, 0, 0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(-1, 2.0, 0.8, 1.0, 0.4, 0, 0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(950, 2.0, 0.8, 1.0, 0.4, -1, 0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(950, 2.0, 0.8, 1.0, 0.4, 5, 0.0), std::invalid_argument);
  EXPECT_THROW(make_training_workload(950, 2.0, 0.8, NAN, 0.4, 0, 0), std::invalid_argument);
  EXPECT_THROW(make_inference_workload(30000, 3000, 0.0, 1.0, 0.9, 0.5), std::invalid_argument);
  EXPECT_THROW(make_inference_workload(30000, 3000, 0.2, 0.0, 0.9, 0.5), std::invalid_argument);
  EXPECT_THROW(make_constant_workload(0.9, 1.5, 100), std::invalid_argument);
  EXPECT_THROW(make_constant_workload(-0.1, 0.2, 100), std::invalid_argument);

  const WorkloadSpec spec = make_constant_workload(0.9, 0.2, 100);
  EXPECT_THROW(WorkloadRunner(spec, 0), std::invalid_argument);
  WorkloadSpec empty = spec;
  empty.cycle.clear();
  EXPECT_THROW(WorkloadRunner(empty, 1), std::invalid_argument);
  WorkloadSpec zero = spec;
  zero.cycle[0].duration_s = 0;
  EXPECT_THROW(WorkloadRunner(zero, 1), std::invalid_argument);

  WorkloadRunner runner(spec, 2);
  std::vector<double> act, tok;
  EXPECT_THROW(runner.advance(0.1, {1.0}, act, tok), std::invalid_argument);
  EXPECT_THROW(runner.advance(-0.1, {1.0, 1.0}, act, tok), std::invalid_argument);
  EXPECT_THROW(runner.advance(0.1, {1.0, -0.5}, act, tok), std::invalid_argument);
  EXPECT_THROW(runner.activity(2), std::out_of_range);
}

TEST(Workload, TooManyEventsInOneIntervalThrows) {
  WorkloadSpec spec = make_constant_workload(0.9, 0.2, 100);
  spec.cycle[0].duration_s = 1e-9;
  WorkloadRunner runner(spec, 1);
  std::vector<double> act, tok;
  EXPECT_THROW(runner.advance(1.0, {1.0}, act, tok), std::runtime_error);
}
