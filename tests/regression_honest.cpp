// Honest answers through the kelvin executable: a solve that stopped short of its tolerance is
// reported as such (summary.json "converged": false with the solve, its residual and tolerance,
// a terminal line naming keys that exist, exit 3, results still written); a diverging flow and
// a GPU model in thermal runaway exit 3 with a message that says what to change; a GPU that
// shuts down leaves an energy balance that means something; the case's warnings reach the
// terminal and summary.json.
#include <gtest/gtest.h>

#include <string>

#include "kelvin_process.hpp"
#include "small_cases.hpp"

using namespace kelvin_test;

namespace {

/// Runs `kelvin run CASE -o DIR/out --quiet EXTRA...` on text written to DIR/case.yaml.
Ended run_text(const fs::path& dir, const std::string& text,
               const std::vector<std::string>& extra = {"--quiet"}) {
  const std::string file = write_case(dir, text);
  std::vector<std::string> args{"run", file, "-o", (dir / "out").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_kelvin_args(args, dir / "log.txt");
}

/// "converged" is false, and summary.json lists a solve whose name holds `solve` with a residual
/// above its tolerance.
void expect_listed(const json& s, const std::string& solve) {
  EXPECT_FALSE(s.at("converged").get<bool>());
  ASSERT_TRUE(s.contains("not_converged")) << s.dump(2);
  bool found = false;
  for (const auto& n : s["not_converged"]) {
    if (n["solve"].get<std::string>().find(solve) == std::string::npos) continue;
    found = true;
    EXPECT_GT(n["residual"].get<double>(), n["tolerance"].get<double>()) << n.dump();
    EXPECT_FALSE(n["hint"].get<std::string>().empty());
  }
  EXPECT_TRUE(found) << "no \"" << solve << "\" in " << s["not_converged"].dump(2);
}

}  // namespace

// A steady conjugate solve whose flow may take only 3 SIMPLEC iterations: not converged, said
// on the terminal even with --quiet, exit 3, every result written.
TEST(HonestAnswers, FlowOutOfIterationsExits3WithTheSolveItsResidualAndResults) {
  const fs::path dir = scratch_dir("honest-flow");
  const Ended e = run_text(dir, turn_duct_case("0.5 L/min", "max_iterations: 3"));
  EXPECT_FALSE(e.signalled()) << e.log;
  EXPECT_EQ(e.exit_code(), 3) << e.log;
  EXPECT_TRUE(e.says("did not converge: steady conjugate solve: flow")) << e.log;
  EXPECT_TRUE(e.says("flow.max_iterations (now 3)")) << e.log;
  EXPECT_TRUE(e.says("flow.relaxation (now 0.7")) << e.log;
  EXPECT_FALSE(e.says("velocity_relaxation")) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  expect_listed(s, "flow of the last coupling pass");
  for (const char* f : {"results.h5", "solution.vtr"}) EXPECT_TRUE(fs::exists(dir / "out" / f)) << f;
  fs::remove_all(dir);
}

// The steady temperature solve limited to one CG iteration at 1e-12.
TEST(HonestAnswers, LinearSolveOutOfIterationsExits3NamingSolverKeys) {
  const fs::path dir = scratch_dir("honest-linear");
  const Ended e = run_text(dir, stack_case("tolerance: 1e-12, max_iterations: 1"));
  EXPECT_EQ(e.exit_code(), 3) << e.log;
  EXPECT_TRUE(e.says("did not converge: steady temperature solve")) << e.log;
  EXPECT_TRUE(e.says("solver.max_iterations (now 1)")) << e.log;
  expect_listed(read_json(dir / "out" / "summary.json"), "steady temperature solve");
  EXPECT_TRUE(fs::exists(dir / "out" / "results.h5"));
  fs::remove_all(dir);
}

// The same stack with a converging solver: exit 0, nothing listed.
TEST(HonestAnswers, ConvergedRunListsNothing) {
  const fs::path dir = scratch_dir("honest-ok");
  const Ended e = run_text(dir, stack_case());
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_FALSE(s.contains("not_converged"));
  fs::remove_all(dir);
}

// A GPU transient's start-up flow (the fleet's, shared by the GPUs of one feed) that runs out
// of iterations: reported with the GPU's name; the run itself goes on and writes its results.
TEST(HonestAnswers, GpuStartUpFlowOutOfIterationsIsReported) {
  const fs::path dir = scratch_dir("honest-gpu-flow");
  const std::string gpu =
      "gpu_models:\n"
      "  Lumped: {base: H100-SXM5, idle_power: 5 W, leakage_power: 0 W, dynamic_power: 500 W}\n"
      "gpus: {model: Lumped, count: 2, die_source: heater, hbm_material: \"\", control_interval: 100 ms}\n"
      "workload: {type: constant, activity: 0}\n"
      "transient: {end_time: 0.2 s, time_step: 50 ms}\n";
  const Ended e = run_text(dir, turn_duct_case("0.5 L/min", "max_iterations: 3", gpu));
  EXPECT_EQ(e.exit_code(), 3) << e.log;
  EXPECT_TRUE(e.says("did not converge: start-up flow of gpu0 and 1 GPUs of its feed")) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  expect_listed(s, "start-up flow of gpu0");
  EXPECT_TRUE(fs::exists(dir / "out" / "timeseries.csv"));
  fs::remove_all(dir);
}

// Flow far past the laminar range round the rib: FlowDiverged is a solver failure (exit 3, not
// 1), and the hint names the case key flow.relaxation, not the solver's member name. At 50
// L/min the pressure correction itself overflows: still the flow's failure, not "copper".
TEST(HonestAnswers, DivergingFlowExits3WithTheCaseKeyInTheHint) {
  for (const char* rate : {"20 L/min", "50 L/min"}) {
    const fs::path dir = scratch_dir("honest-diverge");
    const Ended e = run_text(dir, turn_duct_case(rate));
    EXPECT_FALSE(e.signalled()) << e.log;
    EXPECT_EQ(e.exit_code(), 3) << rate << "\n" << e.log;
    EXPECT_TRUE(e.says("flow diverged")) << rate << "\n" << e.log;
    EXPECT_TRUE(e.says("lower flow.relaxation (now 0.7)")) << rate << "\n" << e.log;
    EXPECT_FALSE(e.says("velocity_relaxation")) << e.log;
    EXPECT_FALSE(e.says("in material \"copper\"")) << e.log;
    fs::remove_all(dir);
  }
}

// Leakage of 100 W at 20 degC growing e-fold every 5 K (leakage_growth 0.2 K-1, the largest the
// case checker allows) on a block with 2 K/W to its coolant: no steady state, the power model
// passes ten times the power limit within seconds. The run stops naming the GPU and the time,
// exit 3, instead of marching on to 1e48 W and reporting it as converged.
TEST(HonestAnswers, ThermalRunawayOfTheModelStopsWithExit3NamingGpuAndTime) {
  const fs::path dir = scratch_dir("honest-runaway");
  const Ended e = run_text(
      dir, lumped_gpu_case({{"leakage_power: 0 W", "leakage_power: 100 W, leakage_growth: 0.2 K-1, "
                                                   "leakage_reference_temperature: 20 degC"}}));
  EXPECT_FALSE(e.signalled()) << e.log;
  EXPECT_EQ(e.exit_code(), 3) << e.log;
  EXPECT_TRUE(e.says("gpu0: thermal runaway")) << e.log;
  EXPECT_TRUE(e.says(" at t = ")) << e.log;
  EXPECT_TRUE(e.says("leakage_growth 0.2 K-1")) << e.log;
  EXPECT_FALSE(fs::exists(dir / "out" / "summary.json"));
  fs::remove_all(dir);
}

// The lumped block at a constant 15 W passes a 35 degC shutdown temperature after about a
// second and cools with no heat in. The worst per-step balance is over the steps with heat in
// (it read 1.0 from the first step after a shutdown); the imbalance in W covers every step.
TEST(HonestAnswers, ShutDownGpuLeavesAMeaningfulEnergyBalance) {
  const fs::path dir = scratch_dir("honest-shutdown");
  const Ended e = run_text(
      dir, lumped_gpu_case({{"dynamic_power: 500 W}", "dynamic_power: 500 W, slowdown_temperature: "
                                                      "33 degC, hw_slowdown_temperature: 34 degC, "
                                                      "shutdown_temperature: 35 degC, "
                                                      "max_operating_temperature: 32 degC}"}}));
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  ASSERT_TRUE(s["gpus"][0]["shut_down"].get<bool>()) << s.dump(2);
  EXPECT_LT(s["gpus"][0]["shutdown_time_s"].get<double>(), 11.0);
  EXPECT_LT(s["energy_balance"]["relative_error"].get<double>(), 1e-6);
  EXPECT_LT(s["energy_balance"]["max_step_imbalance_W"].get<double>(), 1e-6);
  EXPECT_TRUE(s["converged"].get<bool>());
  fs::remove_all(dir);
}

// A case warning (materials touching at a conductivity ratio of 390 000, past what the solver's
// verification covers) is printed at the start of the run even with --quiet, and listed in
// summary.json "warnings".
TEST(HonestAnswers, CaseWarningsAreShownAndListedInTheSummary) {
  const fs::path dir = scratch_dir("honest-warnings");
  std::string text = stack_case();
  text.replace(text.find("conductivity: 3 W/m/K"), 21, "conductivity: 0.001 W/m/K");
  const Ended e = run_text(dir, text);
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says(": warning: ")) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  ASSERT_TRUE(s.contains("warnings"));
  ASSERT_FALSE(s["warnings"].empty()) << s.dump(2);
  const std::string first = s["warnings"][0].get<std::string>();
  EXPECT_NE(first.find("warning: "), std::string::npos) << first;
  EXPECT_TRUE(e.says(first)) << e.log;
  fs::remove_all(dir);
}
