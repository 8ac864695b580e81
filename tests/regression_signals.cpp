// Real signals to the kelvin executable. Ctrl-C (SIGINT) and SIGTERM (what Slurm sends at a
// time limit) stop a transient after its current step with a checkpoint and the command that
// continues it; they stop a steady solve (the conjugate flow-energy loop, a GPU fleet's
// start-up flow) after its current iteration, saying that steady runs have no checkpoint. The
// exit status is 128 + the signal: 130 and 143. A second signal of the same kind kills at once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kelvin_process.hpp"
#include "small_cases.hpp"

using namespace kelvin_test;

namespace {

/// The turn duct with a flow tolerance it never reaches: its steady flow iterates until
/// stopped (100 000 iterations, minutes).
std::string endless_flow(const std::string& extra = "") {
  return turn_duct_case("0.5 L/min", "tolerance: 1e-14\n  max_iterations: 100000", extra);
}

/// Starts `kelvin run CASE -o DIR/out` (no --quiet: the log shows where it is) and waits until
/// the log holds `ready`.
struct Started {
  fs::path dir;
  std::unique_ptr<KelvinProcess> process;
};
Started start(const std::string& tag, const std::string& text, const std::string& ready) {
  Started s;
  s.dir = scratch_dir(tag);
  const std::string file = write_case(s.dir, text);
  s.process = std::make_unique<KelvinProcess>(
      std::vector<std::string>{"run", file, "-o", (s.dir / "out").string()}, s.dir / "log.txt");
  EXPECT_TRUE(s.process->wait_for_text(ready)) << "never printed \"" << ready << "\":\n"
                                               << s.process->log();
  return s;
}

/// The run stopped as the contract says for a steady solve: the exit status, the message, no
/// checkpoint, no results, no lock left behind.
void expect_steady_stop(const Ended& e, const fs::path& out, int code, const std::string& where) {
  EXPECT_FALSE(e.signalled()) << "killed by signal " << e.signal() << ":\n" << e.log;
  EXPECT_EQ(e.exit_code(), code) << e.log;
  EXPECT_TRUE(e.says("interrupted " + where)) << e.log;
  EXPECT_TRUE(e.says("no checkpoint was written (steady solves write none)")) << e.log;
  EXPECT_FALSE(fs::exists(out / "checkpoint.h5"));
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  EXPECT_FALSE(fs::exists(out / ".kelvin.lock"));
}

}  // namespace

// Ctrl-C during a steady conjugate solve (it used to be ignored until the solve ended).
TEST(Signals, CtrlCStopsASteadyFlowSolveWithExit130) {
  Started s = start("sig-steady-int", endless_flow(), "pass 1 flow: iteration");
  s.process->send(SIGINT);
  expect_steady_stop(s.process->wait(60), s.dir / "out", 130,
                     "during the steady flow solve at iteration");
  fs::remove_all(s.dir);
}

// SIGTERM likewise, with 143 and the signal named.
TEST(Signals, SigtermStopsASteadyFlowSolveWithExit143) {
  Started s = start("sig-steady-term", endless_flow(), "pass 1 flow: iteration");
  s.process->send(SIGTERM);
  const Ended e = s.process->wait(60);
  expect_steady_stop(e, s.dir / "out", 143, "during the steady flow solve at iteration");
  EXPECT_TRUE(e.says("SIGTERM: ")) << e.log;
  fs::remove_all(s.dir);
}

// A GPU transient's start-up flow (GpuFleet) is a steady solve: it stops too, before any
// checkpoint exists.
TEST(Signals, CtrlCStopsAGpuFleetsStartUpFlow) {
  const std::string gpu =
      "gpu_models:\n"
      "  Lumped: {base: H100-SXM5, idle_power: 5 W, leakage_power: 0 W, dynamic_power: 500 W}\n"
      "gpus: {model: Lumped, count: 1, die_source: heater, hbm_material: \"\", control_interval: 100 ms}\n"
      "workload: {type: constant, activity: 0}\n"
      "transient: {end_time: 1 s, time_step: 50 ms}\n";
  Started s = start("sig-fleet", endless_flow(gpu), "flow: iteration");
  s.process->send(SIGINT);
  expect_steady_stop(s.process->wait(60), s.dir / "out", 130,
                     "during the steady flow solve at iteration");
  fs::remove_all(s.dir);
}

// SIGTERM during a GPU transient: a checkpoint, exit 143, the --resume command; --resume then
// finishes the run.
TEST(Signals, SigtermCheckpointsATransientWithExit143AndResumes) {
  const std::string text =
      lumped_gpu_case({{"end_time: 12 s", "checkpoint_interval: 1 ms, end_time: 60 s"}});
  Started s = start("sig-transient", text, "t = ");
  const fs::path out = s.dir / "out";
  for (int i = 0; i < 1000 && !fs::exists(out / "checkpoint.h5"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  s.process->send(SIGTERM);
  const Ended e = s.process->wait(60);
  EXPECT_FALSE(e.signalled()) << e.log;
  EXPECT_EQ(e.exit_code(), 143) << e.log;
  EXPECT_TRUE(e.says("SIGTERM: interrupted at t = ")) << e.log;
  EXPECT_TRUE(e.says("checkpoint written to")) << e.log;
  EXPECT_TRUE(e.says("--resume")) << e.log;
  ASSERT_TRUE(fs::exists(out / "checkpoint.h5"));
  EXPECT_FALSE(fs::exists(out / "summary.json"));

  const Ended resumed = run_kelvin_args(
      {"run", (s.dir / "case.yaml").string(), "-o", out.string(), "--quiet", "--resume"},
      s.dir / "resume.txt");
  EXPECT_EQ(resumed.exit_code(), 0) << resumed.log;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  fs::remove_all(s.dir);
}

// The first Ctrl-C asks politely and restores the default action; a second one kills at once.
// The duct at 0.05 mm cells (120 000 cells, a SIMPLEC iteration takes a good fraction of a
// second on two cores) is still inside its iteration when the second signal comes.
TEST(Signals, SecondCtrlCStopsAtOnce) {
  std::string text = endless_flow();
  text.replace(text.find("max_cell_size: [0.5 mm, 0.5 mm, 0.25 mm]"), 40,
               "max_cell_size: [0.1 mm, 0.1 mm, 0.1 mm]");
  Started s = start("sig-twice", text, "pass 1 flow: iteration");
  s.process->send(SIGINT);
  ASSERT_TRUE(s.process->wait_until_not_catching(SIGINT)) << s.process->log();
  s.process->send(SIGINT);
  const Ended e = s.process->wait(60);
  EXPECT_TRUE(e.signalled()) << "exit " << e.exit_code() << ":\n" << e.log;
  EXPECT_EQ(e.signal(), SIGINT) << e.log;
  fs::remove_all(s.dir);
}
