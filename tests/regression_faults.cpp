// Faults through the kelvin executable, as a hostile user meets them: a full disk at every
// output stage, two runs into one folder, a damaged checkpoint, an earlier run's files. The
// contract: `kelvin run CASE -o DIR [--overwrite] [--resume]` exits 1 with one line naming the
// file when a write fails, 2 when DIR is locked by a live run, holds another run's files without
// --overwrite, or --resume finds a damaged checkpoint; never dies of a signal.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fault_helpers.hpp"
#include "solver/io/hdf5.hpp"

namespace fs = std::filesystem;
using kelvin_test::case_path;
using kelvin_test::flip_bytes;
using kelvin_test::fresh_dir;
using kelvin_test::middle_of_chunk;
using kelvin_test::read_text;
using kelvin_test::temporaries_in;

namespace {

/// A copy of a shipped case with text replaced, written to DIR/case.yaml (the cases include no
/// other files, so the copy runs from anywhere).
std::string edited_case(const std::string& name, const fs::path& dir,
                        const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = read_text(case_path(name));
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  return (dir / "case.yaml").string();
}

/// Starts `kelvin run CASE -o OUT EXTRA...` with stdout and stderr into log; returns its PID.
pid_t spawn_kelvin(const std::string& case_file, const fs::path& out, const fs::path& log,
                   const std::vector<std::string>& extra = {"--quiet"}) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Both in append mode: stdout, buffered until exit, would otherwise overwrite stderr.
    std::ofstream(log, std::ios::trunc).close();
    if (!std::freopen(log.c_str(), "a", stdout) || !std::freopen(log.c_str(), "a", stderr)) {
      std::_Exit(126);
    }
    // Two tests share two cores under ctest: OpenMP threads sleep rather than spin.
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    std::vector<std::string> args = {KELVIN_EXECUTABLE, "run", case_file, "-o", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(KELVIN_EXECUTABLE, argv.data());
    std::_Exit(127);
  }
  return pid;
}

/// How a kelvin run ended, and everything it printed.
struct Outcome {
  int status = 0;
  std::string log;
  bool signalled() const { return WIFSIGNALED(status); }
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  /// The printed lines, without empty ones.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }
};

Outcome wait_for(pid_t pid, const fs::path& log) {
  Outcome o;
  ::waitpid(pid, &o.status, 0);
  o.log = read_text(log);
  return o;
}

Outcome run_kelvin(const std::string& case_file, const fs::path& out,
                   const std::vector<std::string>& extra = {"--quiet"}) {
  const fs::path log = out.string() + ".log";
  return wait_for(spawn_kelvin(case_file, out, log, extra), log);
}

/// The run failed as the contract says: no signal, the exit code, one printed line holding
/// every piece of expect, no HDF5 or VTK dump.
void expect_one_line_failure(const Outcome& o, int code, const std::vector<std::string>& expect) {
  EXPECT_FALSE(o.signalled()) << "killed by signal " << WTERMSIG(o.status) << ":\n" << o.log;
  EXPECT_EQ(o.exit_code(), code) << o.log;
  const auto lines = o.lines();
  EXPECT_EQ(lines.size(), 1u) << o.log;
  for (const auto& piece : expect) EXPECT_NE(o.log.find(piece), std::string::npos) << o.log;
  for (const char* dump : {"HDF5-DIAG", "vtk", "Segmentation", "#000:"}) {
    EXPECT_EQ(o.log.find(dump), std::string::npos) << o.log;
  }
}

// ---- a full disk at each output stage -------------------------------------------------------

/// A tmpfs of the size the test names (mount_tmpfs in the test body).
class FullDisk : public kelvin_test::TmpfsTest {
 protected:
  void mount_tmpfs(const std::string& size) {
    TmpfsTest::mount_tmpfs("regression_faults_fs", size);
  }
  /// The log goes beside the mount, not into the full file system.
  Outcome run(const std::string& case_file, const std::vector<std::string>& extra = {"--quiet"}) {
    const fs::path log = m_mount.string() + ".log";
    const Outcome o = wait_for(spawn_kelvin(case_file, m_out, log, extra), log);
    fs::remove(log);
    return o;
  }
};

// 20 kB: the first output, solution.vtr (about 80 kB), does not fit. This used to end in a VTK
// error dump.
TEST_F(FullDisk, At20kBTheFirstFieldFileFailsWithOneLine) {
  mount_tmpfs("20k");
  if (IsSkipped()) return;
  const Outcome o = run(case_path("h100-package-ci"));
  expect_one_line_failure(o, 1,
                          {"cannot write '" + (m_out / "solution.vtr").string() + "'",
                           "No space left on device", "needs ", " free in '"});
  EXPECT_TRUE(temporaries_in(m_out).empty());
  EXPECT_FALSE(fs::exists(m_out / "solution.vtr"));
}

// 100 kB: solution.vtr fits, results.h5 does not. This used to print HDF5's "closing the file
// failed" and then die of SIGSEGV in HDF5's shutdown (exit 139).
TEST_F(FullDisk, At100kBResultsFailWithOneLineAndTheFieldFileStays) {
  mount_tmpfs("100k");
  if (IsSkipped()) return;
  const Outcome o = run(case_path("h100-package-ci"));
  expect_one_line_failure(
      o, 1, {"cannot write '" + (m_out / "results.h5").string() + "'", "No space left on device"});
  EXPECT_TRUE(temporaries_in(m_out).empty());
  EXPECT_GT(fs::file_size(m_out / "solution.vtr"), 0u);  // the earlier complete file
  EXPECT_FALSE(fs::exists(m_out / "results.h5"));
}

// 600 kB: the five snapshots of the power-on transient (about 80 kB each) fit, its final
// checkpoint (about 630 kB) does not.
TEST_F(FullDisk, At600kBOnlyTheCheckpointFails) {
  mount_tmpfs("600k");
  if (IsSkipped()) return;
  const Outcome o = run(case_path("h100-package-poweron-ci"));
  expect_one_line_failure(
      o, 1,
      {"cannot write '" + (m_out / "checkpoint.h5").string() + "'", "No space left on device"});
  EXPECT_TRUE(temporaries_in(m_out).empty());
  for (const char* f : {"solution_0000.vtr", "solution_0004.vtr", "solution.pvd"}) {
    EXPECT_TRUE(fs::exists(m_out / f)) << f;
  }
}

// Checkpoints after every step (checkpoint_interval 1 ms) grow with the snapshots they carry:
// on 600 kB an early one fits and a later one does not. The earlier checkpoint must survive
// whole (every checksum right) and resume the run once there is room. NEEDS THE APP WIRING:
// checkpoints written through checkpoint_writer() (checksums) and --resume.
TEST_F(FullDisk, FailedCheckpointLeavesThePreviousOneToResumeFrom) {
  mount_tmpfs("600k");
  if (IsSkipped()) return;
  const std::string c =
      edited_case("h100-package-poweron-ci", m_mount.string() + "-case",
                  {{"  end_time: 2 s", "  checkpoint_interval: 1 ms\n  end_time: 2 s"}});
  const Outcome o = run(c);
  expect_one_line_failure(
      o, 1,
      {"cannot write '" + (m_out / "checkpoint.h5").string() + "'", "No space left on device"});
  EXPECT_TRUE(temporaries_in(m_out).empty());
  const std::string checkpoint = (m_out / "checkpoint.h5").string();
  ASSERT_TRUE(fs::exists(checkpoint));
  EXPECT_EQ(kelvin::h5_verify(checkpoint), std::vector<std::string>{});  // whole, checksummed

  grow_tmpfs("8m");
  const Outcome resumed = run(c, {"--quiet", "--resume"});
  EXPECT_EQ(resumed.exit_code(), 0) << resumed.log;
  EXPECT_TRUE(fs::exists(m_out / "summary.json"));
  EXPECT_TRUE(fs::exists(m_out / "solution_0004.vtr"));
  fs::remove_all(m_mount.string() + "-case");
}

// ---- two runs into one folder ---------------------------------------------------------------

// NEEDS THE APP WIRING: OutputLock held by `kelvin run`, --overwrite.
TEST(OutputFolder, SecondRunIntoALockedFolderExits2NamingTheFirst) {
  const fs::path dir = fresh_dir("regression_faults_lock");
  const fs::path out = dir / "out";
  // The power-on transient in fixed 5 ms steps to 60 s: minutes, far longer than this test.
  const std::string slow = edited_case(
      "h100-package-poweron-ci", dir / "case",
      {{"  end_time: 2 s", "  end_time: 60 s"}, {"  adaptive: true", "  adaptive: false"}});
  const pid_t first = spawn_kelvin(slow, out, dir / "first.log");
  for (int i = 0; i < 1000 && !fs::exists(out / ".kelvin.lock"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!fs::exists(out / ".kelvin.lock")) {
    ::kill(first, SIGKILL);
    ::waitpid(first, nullptr, 0);
    FAIL() << "the first run never locked " << out << "; its log:\n"
           << read_text(dir / "first.log");
  }

  const Outcome second = run_kelvin(case_path("composite-wall-ci"), out);
  expect_one_line_failure(second, 2, {"in use by PID " + std::to_string(first) + " on ", "since"});

  ::kill(first, SIGKILL);  // dies holding the lock: the lock file stays, stale
  int status = 0;
  ::waitpid(first, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the first run ended before the test killed it";

  const Outcome third = run_kelvin(case_path("composite-wall-ci"), out, {"--overwrite"});
  EXPECT_EQ(third.exit_code(), 0) << third.log;
  EXPECT_NE(third.log.find("took over a stale lock of PID " + std::to_string(first)),
            std::string::npos)
      << third.log;
  EXPECT_FALSE(fs::exists(out / ".kelvin.lock"));       // released when the run ended
  EXPECT_FALSE(fs::exists(out / "solution_0000.vtr"));  // the killed run's files were removed
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  fs::remove_all(dir);
}

// ---- an earlier run's files -----------------------------------------------------------------

// NEEDS THE APP WIRING: refuse_stale_outputs / remove_kelvin_outputs in `kelvin run`, --overwrite.
TEST(OutputFolder, EarlierRunsFilesAreRefusedThenReplacedWithOverwrite) {
  const fs::path dir = fresh_dir("regression_faults_stale");
  const fs::path out = dir / "out";
  const std::string c = case_path("composite-wall-ci");
  ASSERT_EQ(run_kelvin(c, out).exit_code(), 0);
  std::ofstream(out / "solution_9999.vtr") << "an earlier transient's snapshot";
  std::ofstream(out / "notes.txt") << "the user's own notes";

  const Outcome refused = run_kelvin(c, out);
  expect_one_line_failure(refused, 2,
                          {"'" + out.string() + "' holds files of an earlier run", "--overwrite"});
  EXPECT_TRUE(fs::exists(out / "solution_9999.vtr"));  // nothing touched

  const Outcome replaced = run_kelvin(c, out, {"--overwrite"});
  EXPECT_EQ(replaced.exit_code(), 0) << replaced.log;
  EXPECT_NE(replaced.log.find("removed "), std::string::npos) << replaced.log;
  EXPECT_FALSE(fs::exists(out / "solution_9999.vtr"));
  EXPECT_EQ(read_text(out / "notes.txt"), "the user's own notes");
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  fs::remove_all(dir);
}

// ---- a damaged checkpoint -------------------------------------------------------------------

// NEEDS THE APP WIRING: checkpoints written through checkpoint_writer() (checksums).
TEST(Checkpoint, FlippedBytesInTheTemperatureStateAreRefusedOnResume) {
  const fs::path dir = fresh_dir("regression_faults_damaged");
  const fs::path out = dir / "out";
  const std::string c = case_path("h100-package-poweron-ci");
  ASSERT_EQ(run_kelvin(c, out).exit_code(), 0);
  const std::string checkpoint = (out / "checkpoint.h5").string();
  const std::uint64_t at = middle_of_chunk(checkpoint, "transient/now", 0);
  ASSERT_GT(at, 0u);
  flip_bytes(checkpoint, at, 8);

  const Outcome o = run_kelvin(c, out, {"--quiet", "--resume"});
  expect_one_line_failure(o, 2,
                          {checkpoint + " is damaged", "transient/now", "Fletcher-32",
                           "delete it or run without --resume"});
  fs::remove_all(dir);
}

}  // namespace
