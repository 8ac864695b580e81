// GPU cases (power model, governor, workload, tokens) through the kelvin executable: the -ci
// variants, kill-and-resume and Ctrl-C.
#include <gtest/gtest.h>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "case_runner.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using kelvin_test::case_path;
using kelvin_test::read_json;
using kelvin_test::read_series;
using kelvin_test::run_case;

namespace {


/// A copy of a shipped case in a scratch directory with some lines replaced.
fs::path edited_case(const std::string& name, const std::string& tag,
                     const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = kelvin_test::read_text(case_path(name));
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  const fs::path dir = fs::temp_directory_path() / ("kelvin-gpu-case-" + tag);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  return dir / "case.yaml";
}

}  // namespace

// 45 degC coolant: the GPUs throttle (SW thermal and HW slowdown); the hotter-fed gpu7 runs the
// lowest clocks, yet every GPU produces exactly gpu7's tokens (synchronous training runs at the
// slowest GPU's pace); produced + lost = unthrottled, per interval and in total; the cap holds
// to within one control interval; energy closes per step.
TEST(GpuCases, Training45CiThrottlesAtTheSlowestGpusPaceAnd30CiLosesLess) {
  const auto out = run_case("hgx-h100-training-45C-ci");
  const json s = read_json(out / "summary.json");
  ASSERT_EQ(s["gpus"].size(), 8u);
  EXPECT_LT(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-6);
  // One Reynolds report per coolant feed (gpu0-6 and gpu7), laminar: the warm feed's thinner
  // coolant gives the larger Re.
  ASSERT_EQ(s["reynolds"].size(), 2u) << s["reynolds"].dump();
  EXPECT_EQ(s["reynolds"][0]["gpus"].size(), 7u);
  EXPECT_EQ(s["reynolds"][1]["gpus"][0], "gpu7");
  for (const auto& r : s["reynolds"]) EXPECT_EQ(r["regime"], "laminar") << r.dump();
  EXPECT_GT(s["reynolds"][1]["largest"].get<double>(), s["reynolds"][0]["largest"].get<double>());
  // The case's probes are not read by a GPU run, and the summary says so.
  int unread = 0;
  for (const auto& w : s["warnings"]) unread += w.get<std::string>().rfind("probes: GPU runs", 0) == 0;
  EXPECT_EQ(unread, 1) << s["warnings"].dump();
  const auto& g0 = s["gpus"][0];
  const auto& g7 = s["gpus"][7];
  EXPECT_NEAR(g7["inlet_temperature_K"].get<double>() - g0["inlet_temperature_K"].get<double>(), 5.0, 1e-9);
  EXPECT_GT(g7["max_junction_temperature_K"].get<double>(), g0["max_junction_temperature_K"].get<double>());
  EXPECT_LT(g7["mean_clock_MHz"].get<double>(), g0["mean_clock_MHz"].get<double>() - 10);
  for (const auto& g : s["gpus"]) {
    EXPECT_EQ(g["tokens"].get<double>(), g7["tokens"].get<double>()) << g["name"];
    EXPECT_EQ(g["tokens"].get<double>() + g["tokens_lost"].get<double>(),
              g["tokens_unthrottled"].get<double>());
    EXPECT_GT(g["tokens_lost_fraction"].get<double>(), 0.01);
    EXPECT_GT(g["reason_fractions"]["sw_thermal"].get<double>(), 0.0);
  }
  const auto ts = read_series(out / "timeseries.csv");
  const auto& t = ts.at("time_s");
  ASSERT_EQ(t.size(), 20u);
  for (int i = 0; i < 8; ++i) {
    const std::string p = "gpu" + std::to_string(i) + "_";
    double produced = 0, unthrottled = 0;
    int over = 0, worst_run = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
      produced += ts.at(p + "tokens_per_s")[k] * 0.1;
      unthrottled += ts.at(p + "unthrottled_tokens_per_s")[k] * 0.1;
      // The unthrottled job is never behind: cumulative tokens (per interval it may be in a
      // communication phase while the throttled one still computes).
      EXPECT_LE(produced, unthrottled * (1 + 1e-12));
      over = ts.at(p + "power_W")[k] > 700 * (1 + 1e-12) ? over + 1 : 0;
      worst_run = std::max(worst_run, over);
    }
    EXPECT_LE(worst_run, 1) << p << ": above the cap for more than one control interval";
    EXPECT_NEAR(produced, s["gpus"][i]["tokens"].get<double>(), 1e-9 * produced);
    EXPECT_NEAR(unthrottled, s["gpus"][i]["tokens_unthrottled"].get<double>(), 1e-9 * unthrottled);
  }
  // Reason bits: SW thermal (0x20) seen, and HW slowdown always with HW thermal (0x48 together).
  bool sw = false;
  for (double r : ts.at("gpu7_reasons")) {
    const unsigned bits = static_cast<unsigned>(r);
    sw = sw || (bits & 0x20);
    EXPECT_EQ((bits & 0x8) != 0, (bits & 0x40) != 0);
  }
  EXPECT_TRUE(sw);
  // gpu0..6 share one feed and, in lockstep, one solve to the end; gpu7 (5 K hotter) its own.
  EXPECT_EQ(s["transient"]["thermal_solves"].get<int>(), 2);
  for (const char* f : {"results.h5", "gpus.vtm", "gpu0.vtr", "gpu7.vtr", "checkpoint.h5"})
    EXPECT_TRUE(fs::exists(out / f)) << f;

  // The same board at 30 degC loses far fewer tokens.
  const json cool = read_json(run_case("hgx-h100-training-30C-ci") / "summary.json");
  EXPECT_LT(cool["gpu_totals"]["tokens_lost_fraction"].get<double>(),
            0.5 * s["gpu_totals"]["tokens_lost_fraction"].get<double>());
  EXPECT_GT(cool["gpu_totals"]["tokens"].get<double>(), s["gpu_totals"]["tokens"].get<double>());
  // Both sit near the slowdown threshold (the governor holds them there); the cooler board
  // gets there at far higher clocks.
  EXPECT_GT(cool["gpus"][0]["mean_clock_MHz"].get<double>(),
            s["gpus"][0]["mean_clock_MHz"].get<double>() + 200);
  EXPECT_FALSE(cool["gpu_totals"]["job_failed"].get<bool>());
}

// Inference: decode draws far less power than prefill, and the run closes its books.
TEST(GpuCases, InferenceCiAlternatesPrefillAndDecode) {
  const auto out = run_case("h100-inference-ci");
  const json s = read_json(out / "summary.json");
  ASSERT_EQ(s["gpus"].size(), 1u);
  const auto ts = read_series(out / "timeseries.csv");
  double p_prefill = 0, p_decode = 1e9;
  for (std::size_t k = 0; k < ts.at("time_s").size(); ++k) {
    const double a = ts.at("gpu0_activity")[k], p = ts.at("gpu0_power_W")[k];
    if (a > 0.99) p_prefill = std::max(p_prefill, p);
    if (a < 0.26) p_decode = std::min(p_decode, p);
  }
  EXPECT_GT(p_prefill, 500);
  EXPECT_LT(p_decode, 0.6 * p_prefill);
  EXPECT_GT(s["gpus"][0]["tokens_per_J"].get<double>(), 0);
  EXPECT_LT(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-6);
}

namespace {

/// Starts kelvin on a case in the background; returns its pid.
pid_t spawn_kelvin(const fs::path& c, const fs::path& out) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string log = out.string() + ".log";
    freopen(log.c_str(), "w", stdout);
    freopen(log.c_str(), "a", stderr);
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execl(KELVIN_EXECUTABLE, KELVIN_EXECUTABLE, "run", "--quiet", c.c_str(), "-o", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

/// Waits until the run has written a checkpoint, then sends it sig; returns its exit status.
int interrupt_after_checkpoint(pid_t pid, const fs::path& out, int sig) {
  for (int i = 0; i < 6000 && !fs::exists(out / "checkpoint.h5"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

/// The inference-ci cold plate with a checkpoint after every control interval.
fs::path interruptible_case(const std::string& tag) {
  return edited_case("h100-inference-ci", tag,
                     {{"checkpoint_interval: 300 s", "checkpoint_interval: 1 ms"}});
}

/// tests/data/lumped_gpu.yaml (no flow: fast), long enough to interrupt, checkpointing often.
fs::path lumped_case(const std::string& tag) {
  const fs::path src = fs::path(KELVIN_SOURCE_DIR) / "tests/data/lumped_gpu.yaml";
  std::string text = kelvin_test::read_text(src);
  text.replace(text.find("end_time: 12 s"), 14, "checkpoint_interval: 1 ms, end_time: 60 s");
  const fs::path dir = fs::temp_directory_path() / ("kelvin-gpu-case-" + tag);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  return dir / "case.yaml";
}

void expect_same_run(const fs::path& a, const fs::path& b) {
  const json sa = read_json(a / "summary.json"), sb = read_json(b / "summary.json");
  for (const char* k : {"tokens", "tokens_unthrottled", "energy_J", "max_junction_temperature_K",
                        "final_junction_temperature_K"}) {
    const double x = sa["gpus"][0][k].get<double>(), y = sb["gpus"][0][k].get<double>();
    EXPECT_NEAR(x, y, 1e-12 * std::fabs(x)) << k;
  }
  const auto ta = read_series(a / "timeseries.csv"), tb = read_series(b / "timeseries.csv");
  ASSERT_EQ(ta.size(), tb.size());
  for (const auto& [name, col] : ta) {
    ASSERT_EQ(col.size(), tb.at(name).size()) << name;
    for (std::size_t k = 0; k < col.size(); ++k) {
      if (std::isnan(col[k]) && std::isnan(tb.at(name)[k])) continue;  // no HBM
      EXPECT_NEAR(col[k], tb.at(name)[k], 1e-12 * std::fabs(col[k])) << name << " row " << k;
    }
  }
}

}  // namespace

// A run killed with SIGKILL after some checkpoint and resumed ends exactly as an uninterrupted
// run (same thread count, CPU backend: 1e-12 relative, in practice bitwise).
TEST(GpuCases, KilledRunResumesToTheSameResult) {
  const fs::path c = interruptible_case("kill");
  const fs::path whole = kelvin_test::run_case_file(c.string(), "resume-whole");
  const fs::path out = fs::temp_directory_path() / "kelvin-regression-resume-killed";
  fs::remove_all(out);
  const int status = interrupt_after_checkpoint(spawn_kelvin(c, out), out, SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "finished before the kill";
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  const fs::path resumed = kelvin_test::run_case_file(c.string(), "resume-killed", "--resume");
  expect_same_run(whole, resumed);
}

// Ctrl-C (SIGINT): a checkpoint, a clean exit with status 130 and a one-line hint; --resume
// then finishes the run exactly as an uninterrupted one.
TEST(GpuCases, CtrlCCheckpointsAndResumes) {
  const fs::path c = lumped_case("sigint");
  const fs::path whole = kelvin_test::run_case_file(c.string(), "sigint-whole");
  const fs::path out = fs::temp_directory_path() / "kelvin-regression-sigint";
  fs::remove_all(out);
  const int status = interrupt_after_checkpoint(spawn_kelvin(c, out), out, SIGINT);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream log(out.string() + ".log");
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("--resume"), std::string::npos) << text.str();
  const fs::path resumed = kelvin_test::run_case_file(c.string(), "sigint", "--resume");
  expect_same_run(whole, resumed);
}

// --resume refuses a checkpoint of another case, naming the file.
TEST(GpuCases, ResumeRefusesAnotherCasesCheckpoint) {
  const fs::path a = lumped_case("other-a");
  const fs::path b = edited_case("h100-inference-ci", "other-b", {});
  kelvin_test::run_case_file(a.string(), "other");
  int rc = 0;
  const fs::path out = kelvin_test::run_case_file(b.string(), "other", "--resume", &rc);
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  std::ifstream log(out.string() + ".log");
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("different case"), std::string::npos) << text.str();
}

// Plain transients checkpoint too: the power-on package case (adaptive BDF2 off, 5 ms steps so
// that there is time to kill it) killed after a checkpoint and resumed matches an uninterrupted
// run: every time-series value, the step count and the snapshots.
TEST(Checkpoints, KilledConductionTransientResumesToTheSameResult) {
  const fs::path c = edited_case("h100-package-poweron-ci", "poweron",
                                 {{"  end_time: 2 s", "  checkpoint_interval: 0.2 s\n  end_time: 6 s"},
                                  {"  adaptive: true", "  adaptive: false"},
                                  {"  output_interval: 0.5 s", "  output_interval: 2 s"}});
  const fs::path whole = kelvin_test::run_case_file(c.string(), "poweron-whole");
  const fs::path out = fs::temp_directory_path() / "kelvin-regression-poweron-killed";
  fs::remove_all(out);
  const int status = interrupt_after_checkpoint(spawn_kelvin(c, out), out, SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "finished before the kill";
  const fs::path resumed = kelvin_test::run_case_file(c.string(), "poweron-killed", "--resume");
  const json a = read_json(whole / "summary.json"), b = read_json(resumed / "summary.json");
  EXPECT_EQ(a["transient"]["steps"], b["transient"]["steps"]);
  EXPECT_NEAR(a["max_temperature_K"].get<double>(), b["max_temperature_K"].get<double>(),
              1e-12 * a["max_temperature_K"].get<double>());
  const auto ta = read_series(whole / "timeseries.csv"), tb = read_series(resumed / "timeseries.csv");
  ASSERT_EQ(ta.at("time_s").size(), tb.at("time_s").size());
  for (const auto& [name, col] : ta)
    for (std::size_t k = 0; k < col.size(); ++k)
      EXPECT_NEAR(col[k], tb.at(name)[k], 1e-12 * std::fabs(col[k])) << name << " row " << k;
  for (const char* f : {"solution_0000.vtr", "solution_0003.vtr", "solution.pvd"})
    EXPECT_TRUE(fs::exists(resumed / f)) << f;
}

// A recorded trace (tests/data/trace_two_gpus.csv, the long format DCGM exports) drives two GPUs
// of the lumped block: activities and phases switch at the sample times and each phase's tokens
// come at its nominal rate (max clock: nothing throttles at these powers).
TEST(GpuCases, TraceWorkloadReplaysActivityAndPhases) {
  const std::string trace = std::string(KELVIN_SOURCE_DIR) + "/tests/data/trace_two_gpus.csv";
  const fs::path src = fs::path(KELVIN_SOURCE_DIR) / "tests/data/lumped_gpu.yaml";
  std::string text = kelvin_test::read_text(src);
  text.replace(text.find("count: 1"), 8, "count: 2");
  text.replace(text.find("workload: {type: constant, activity: 0}"), 39,
               "workload: {type: trace, file: " + trace + "}");
  text.replace(text.find("end_time: 12 s"), 14, "end_time: 2 s");
  const fs::path dir = fs::temp_directory_path() / "kelvin-gpu-case-trace";
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  const fs::path out = kelvin_test::run_case_file((dir / "case.yaml").string(), "trace");
  const auto ts = read_series(out / "timeseries.csv");
  const auto& t = ts.at("time_s");
  ASSERT_EQ(t.size(), 20u);
  for (std::size_t k = 0; k < t.size(); ++k) {
    const bool first_half = t[k] < 0.5 - 1e-9, late = t[k] > 1.0 - 1e-9;
    EXPECT_NEAR(ts.at("gpu0_activity")[k], first_half ? 0.02 : 0.005, 1e-12) << t[k];
    EXPECT_NEAR(ts.at("gpu1_activity")[k], late ? 0.02 : 0.01, 1e-12) << t[k];
    EXPECT_DOUBLE_EQ(ts.at("gpu0_clock_MHz")[k], 1980);
    EXPECT_NEAR(ts.at("gpu0_tokens_per_s")[k], first_half ? 950 : 0, 1e-9) << t[k];
    EXPECT_NEAR(ts.at("gpu1_tokens_per_s")[k], late ? 30000 : 3000, 1e-8) << t[k];
  }
  const json s = read_json(out / "summary.json");
  EXPECT_EQ(s["gpu_totals"]["tokens_lost"].get<double>(), 0.0);
}

// postprocess/plot_gpus.py draws both figures of a GPU run.
TEST(GpuCases, PlotGpusDrawsTheFigures) {
  if (std::system("/usr/bin/python3 -c 'import numpy, matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-numpy / python3-matplotlib not installed";
  const fs::path out = kelvin_test::run_case_file(
      (fs::path(KELVIN_SOURCE_DIR) / "tests/data/lumped_gpu.yaml").string(), "plot-gpus");
  const std::string cmd = std::string(KELVIN_SOURCE_DIR) + "/postprocess/plot_results.py " +
                          out.string() + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_GT(fs::file_size(out / "gpus_timeseries.png"), 10000u);
  EXPECT_GT(fs::file_size(out / "gpus_tokens.png"), 5000u);
}
