// What `kelvin run` does around the solve, through the executable: a full disk at any size ends
// in exit 1 and one line, never a signal; an output folder that cannot take files is refused
// (exit 2) before any solving; --threads beyond the hardware is clamped with a note (it used to
// crash libgomp); identical runs write byte-identical ParaView files.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "fault_helpers.hpp"
#include "kelvin_process.hpp"
#include "small_cases.hpp"

using namespace kelvin_test;

namespace {

/// The printed lines, without empty ones.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

/// A tmpfs whose size each run chooses (remounted in between).
class FullDiskSweep : public TmpfsTest {
 protected:
  /// Runs case_file into the tmpfs, remounted at size_kB, and checks the contract: exit 0, or
  /// exit 1 with one line "kelvin: error: cannot write '...': No space left on device ...";
  /// never a signal. Returns the exit code.
  int run_at(const std::string& case_file, int size_kB) {
    std::error_code ignored;
    fs::remove_all(m_out, ignored);  // first: a tmpfs cannot shrink below what it holds
    grow_tmpfs(std::to_string(size_kB) + "k");
    const Ended e =
        run_kelvin_args({"run", case_file, "-o", m_out.string(), "--quiet"}, m_mount.string() + ".log");
    fs::remove(m_mount.string() + ".log", ignored);
    EXPECT_FALSE(e.signalled()) << size_kB << " kB: killed by signal " << e.signal() << ":\n" << e.log;
    if (e.exit_code() == 0) return 0;
    EXPECT_EQ(e.exit_code(), 1) << size_kB << " kB:\n" << e.log;
    EXPECT_EQ(lines_of(e.log).size(), 1u) << size_kB << " kB:\n" << e.log;
    EXPECT_TRUE(e.says("No space left on device")) << size_kB << " kB:\n" << e.log;
    for (const char* dump : {"HDF5-DIAG", "#000:", "Segmentation", "vtk"})
      EXPECT_FALSE(e.says(dump)) << size_kB << " kB:\n" << e.log;
    return e.exit_code();
  }
};

}  // namespace

// Every output stage of a transient (snapshots, checkpoints after every step, results, the
// time series) and of a GPU run meets the full disk at some size of this sweep; at the largest
// the runs finish. HDF5 1.10 used to crash at exit after a failed close (H5F__close_cb from
// H5_term_library): files are built in memory, so no HDF5 close ever meets the disk.
TEST_F(FullDiskSweep, EveryStageExits1WithOneLineAndNeverASignal) {
  mount_tmpfs("run_outputs_fs", "4k");
  if (IsSkipped()) return;
  const fs::path dir = scratch_dir("full-sweep");
  const std::string gpu = write_case(
      dir, lumped_gpu_case({{"end_time: 12 s", "checkpoint_interval: 1 ms, end_time: 2 s"}}), "gpu.yaml");
  int finished = 0;
  for (int kB = 4; kB <= 132; kB += 8) finished += run_at(gpu, kB) == 0;
  EXPECT_GT(finished, 0) << "the GPU run never fit: the sweep does not reach the end";
  const std::string transient = write_case(
      dir, read_text(case_path("h100-package-poweron-ci")), "poweron.yaml");
  finished = 0;
  for (int kB = 50; kB <= 1650; kB += 100) finished += run_at(transient, kB) == 0;
  EXPECT_GT(finished, 0) << "the transient never fit";
  fs::remove_all(dir);
}

// An output folder whose parent is a file, or on a read-only file system: exit 2 and one line
// naming it before the case is even meshed ("kelvin: case ..." is the first line of a run).
TEST(OutputFolder, UnusableFolderExits2BeforeAnySolving) {
  const fs::path dir = scratch_dir("unusable-out");
  const std::string c = write_case(dir, stack_case());
  std::ofstream(dir / "a-file") << "not a folder";
  const Ended e = run_kelvin_args({"run", c, "-o", (dir / "a-file" / "out").string()}, dir / "log.txt");
  EXPECT_EQ(e.exit_code(), 2) << e.log;
  EXPECT_TRUE(e.says("cannot create the output folder '" + (dir / "a-file" / "out").string() + "'"))
      << e.log;
  EXPECT_TRUE(e.says("choose another folder with -o")) << e.log;
  EXPECT_FALSE(e.says("kelvin: case")) << e.log;
  EXPECT_EQ(lines_of(e.log).size(), 1u) << e.log;

  const fs::path ro = dir / "read-only";
  fs::create_directories(ro);
  if (::mount("tmpfs", ro.c_str(), "tmpfs", MS_RDONLY, "size=64k") != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "cannot mount a read-only tmpfs: " << std::strerror(errno);
  }
  for (const fs::path& out : {ro, ro / "sub"}) {
    const Ended r = run_kelvin_args({"run", c, "-o", out.string()}, dir / "log.txt");
    EXPECT_EQ(r.exit_code(), 2) << out << "\n" << r.log;
    EXPECT_TRUE(r.says("Read-only file system")) << r.log;
    EXPECT_FALSE(r.says("kelvin: case")) << r.log;
  }
  ::umount2(ro.c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

// --threads 100000 (and OMP_NUM_THREADS=100000) died of SIGSEGV inside libgomp: now clamped to
// the hardware's threads with a one-line note, and the run succeeds.
TEST(Threads, MoreThanTheHardwareAreClampedWithANote) {
  const fs::path dir = scratch_dir("threads");
  const std::string c = write_case(dir, stack_case());
  const Ended e = run_kelvin_args({"--threads", "100000", "run", c, "-o", (dir / "out").string(), "--quiet"},
                                  dir / "log.txt");
  EXPECT_FALSE(e.signalled()) << e.log;
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  const unsigned hw = std::thread::hardware_concurrency();
  EXPECT_TRUE(e.says("--threads asks for 100000 threads, more than the ")) << e.log;
  const json s = read_json(dir / "out" / "summary.json");
  EXPECT_GE(s["threads"].get<int>(), 1);
  if (hw > 0) {
    EXPECT_LE(s["threads"].get<unsigned>(), hw);
  }

  ::setenv("OMP_NUM_THREADS", "100000", 1);
  const Ended info = run_kelvin_args({"info"}, dir / "info.txt");
  ::unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(info.exit_code(), 0) << info.log;
  EXPECT_TRUE(info.says("OMP_NUM_THREADS asks for 100000 threads")) << info.log;
  fs::remove_all(dir);
}

// Two identical runs write byte-identical .vtr and .vtm files (the coordinate arrays were named
// after their heap addresses: "Array 0x5651...").
TEST(ParaViewFiles, IdenticalRunsWriteIdenticalBytes) {
  const fs::path dir = scratch_dir("vtk-bytes");
  const std::string steady = write_case(dir, stack_case(), "steady.yaml");
  const std::string gpus = write_case(
      dir, lumped_gpu_case({{"count: 1", "count: 2"}, {"end_time: 12 s", "end_time: 0.5 s"}}), "gpus.yaml");
  for (const auto& [c, files] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {steady, {"solution.vtr"}}, {gpus, {"gpus.vtm", "gpu0.vtr", "gpu1.vtr"}}}) {
    for (const char* run : {"a", "b"})
      ASSERT_EQ(run_kelvin_args({"run", c, "-o", (dir / run).string(), "--quiet", "--overwrite"},
                                dir / "log.txt")
                    .exit_code(),
                0)
          << read_text(dir / "log.txt");
    for (const auto& f : files) {
      const std::string a = read_text(dir / "a" / f), b = read_text(dir / "b" / f);
      EXPECT_FALSE(a.empty()) << f;
      EXPECT_TRUE(a == b) << f << " differs between identical runs";
      EXPECT_EQ(a.find("Name=\"Array 0x"), std::string::npos) << f;
    }
    const std::string vtr = read_text(dir / "a" / files.back());
    for (const char* axis : {"Name=\"x\"", "Name=\"y\"", "Name=\"z\""})
      EXPECT_NE(vtr.find(axis), std::string::npos) << axis;
  }
  fs::remove_all(dir);
}
