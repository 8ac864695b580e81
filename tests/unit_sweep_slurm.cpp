// The Slurm side of sweeps without a cluster: chunks of points, --mem sizes, the array script's
// directives (a GPU a task with --gpus), and how sbatch's answers are read, with a stand-in
// sbatch on PATH.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "solver/app/sweep_slurm.hpp"
#include "solver/sweep/slurm.hpp"

namespace {

namespace fs = std::filesystem;

TEST(SweepSlurmUnit, ChunksKeepSweepOrderAndTheLastMayBeShort) {
  const std::vector<std::string> ids{"a", "b", "c", "d", "e", "f", "g"};
  const auto chunks = kelvin::chunk_points(ids, 3);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(chunks[2], (std::vector<std::string>{"g"}));
  EXPECT_EQ(kelvin::chunk_points(ids, 1).size(), 7u);
  EXPECT_EQ(kelvin::chunk_points(ids, 100).size(), 1u);
}

TEST(SweepSlurmUnit, MemorySizesAsSbatchTakesThemInMiB) {
  EXPECT_EQ(kelvin::parse_memory_MiB("4G"), 4096);
  EXPECT_EQ(kelvin::parse_memory_MiB("500M"), 500);
  EXPECT_EQ(kelvin::parse_memory_MiB("1024"), 1024);
  EXPECT_EQ(kelvin::parse_memory_MiB("1.5g"), 1536);
  EXPECT_EQ(kelvin::parse_memory_MiB("2T"), 2097152);
  EXPECT_EQ(kelvin::parse_memory_MiB("2048K"), 2);
  EXPECT_THROW(kelvin::parse_memory_MiB("four gigs"), std::runtime_error);
  EXPECT_THROW(kelvin::parse_memory_MiB("100K"), std::runtime_error);  // under 1 MiB
}

TEST(SweepSlurmUnit, ArrayScriptHasThrottleRequeueAndOneCaseLinePerTask) {
  kelvin::SlurmRequest r;
  r.executable = "/opt/kelvin's/kelvin";
  r.time = "45";
  r.memory_MiB = 768;
  r.cpus_per_task = 4;
  r.array_max = 3;
  r.points_per_task = 2;
  const std::string s =
      kelvin::array_script("/data/sw", "sw", kelvin::chunk_points({"p1", "p2", "p3"}, 2), r);
  for (const char* line :
       {"#SBATCH --array=0-1%3\n", "#SBATCH --requeue\n", "#SBATCH --open-mode=append\n",
        "#SBATCH --time=45\n", "#SBATCH --mem=768M\n", "#SBATCH --cpus-per-task=4\n",
        "#SBATCH --error=/data/sw/slurm/logs/task-%a.err\n", "  0) points=\"p1 p2\" ;;\n",
        "  1) points=\"p3\" ;;\n",
        // a quote in the path survives the shell
        "exec '/opt/kelvin'\\''s/kelvin' sweep points '/data/sw' $points"})
    EXPECT_NE(s.find(line), std::string::npos) << line << "\n" << s;
  EXPECT_EQ(s.find("--partition"), std::string::npos);
  const std::string g = kelvin::gather_script("/data/sw", "sw", "812", r);
  EXPECT_NE(g.find("#SBATCH --dependency=afterany:812\n"), std::string::npos) << g;
}

/// PATH holding only a stand-in sbatch that runs body; restored on destruction.
class FakeSbatch {
 public:
  explicit FakeSbatch(const std::string& body)
      : m_dir(fs::temp_directory_path() / ("kelvin-fake-sbatch-" + std::to_string(::getpid()))),
        m_path(std::getenv("PATH") ? std::getenv("PATH") : "") {
    fs::create_directories(m_dir);
    std::ofstream(m_dir / "sbatch") << "#!/bin/sh\n" << body << "\n";
    ::chmod((m_dir / "sbatch").c_str(), 0755);
    ::setenv("PATH", (m_dir.string() + ":/usr/bin:/bin").c_str(), 1);
  }
  ~FakeSbatch() {
    ::setenv("PATH", m_path.c_str(), 1);
    fs::remove_all(m_dir);
  }
  FakeSbatch(const FakeSbatch&) = delete;
  FakeSbatch& operator=(const FakeSbatch&) = delete;

 private:
  fs::path m_dir;
  std::string m_path;
};

TEST(SweepSlurmUnit, SbatchJobIdIsReadFromParsableOutput) {
  const FakeSbatch fake("echo 'sbatch: warning: something' >&2; echo '4711;cluster-a'");
  EXPECT_EQ(kelvin::sbatch_submit("array.sbatch"), "4711");
}

TEST(SweepSlurmUnit, SbatchRefusalIsOneLineWithItsReason) {
  const FakeSbatch fake(
      "echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' >&2; "
      "exit 1");
  try {
    kelvin::sbatch_submit("array.sbatch");
    FAIL() << "no SlurmError";
  } catch (const kelvin::SlurmError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("sbatch refused array.sbatch (exit 1)"), std::string::npos) << what;
    EXPECT_NE(what.find("Invalid partition name specified"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(SweepSlurmUnit, SbatchWithoutAJobIdIsAnError) {
  const FakeSbatch fake("echo 'Submitted batch job'");
  EXPECT_THROW(kelvin::sbatch_submit("array.sbatch"), kelvin::SlurmError);
}

/// OUT/slurm/array.sbatch and gather.sbatch of a --dry-run submission of two points (not
/// prepared: memory falls back to the floor) with o's options, array first.
std::pair<std::string, std::string> dry_run_scripts(const std::string& tag,
                                                    kelvin::SweepSlurmOptions o) {
  const fs::path out = fs::temp_directory_path() /
                       ("kelvin-unit-sweep-slurm-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  std::vector<kelvin::SweepPoint> points(2);
  points[0].id = "aaaaaaaaaaaa";
  points[1].id = "bbbbbbbbbbbb", points[1].index = 1;
  o.enabled = o.dry_run = true;
  EXPECT_EQ(kelvin::submit_sweep_to_slurm(out.string(), points, o, 1, "/opt/kelvin"), 0);
  std::stringstream a, g;
  a << std::ifstream(out / "slurm" / "array.sbatch").rdbuf();
  g << std::ifstream(out / "slurm" / "gather.sbatch").rdbuf();
  fs::remove_all(out);
  return {a.str(), g.str()};
}

TEST(SweepSlurmUnit, GpusAsksOneGpuATaskAndThrottlesToTheCount) {
  kelvin::SweepSlurmOptions o;
  o.gpus = kelvin::slurm_gpu_count({"3"}, o);
  ASSERT_EQ(o.gpus, 3);
  const auto [array, gather] = dry_run_scripts("gpus", o);
  EXPECT_NE(array.find("#SBATCH --gres=gpu:1\n"), std::string::npos) << array;
  EXPECT_NE(array.find("#SBATCH --array=0-1%3\n"), std::string::npos) << array;
  EXPECT_EQ(gather.find("--gres"), std::string::npos) << gather;  // gathering needs no GPU

  const auto [plain, plain_gather] = dry_run_scripts("no-gpus", kelvin::SweepSlurmOptions{});
  EXPECT_EQ(plain.find("--gres"), std::string::npos) << plain;
  EXPECT_NE(plain.find("#SBATCH --array=0-1\n"), std::string::npos) << plain;
}

TEST(SweepSlurmUnit, GpusWithSlurmIsACountAndNotDeviceIdsOrAThrottleToo) {
  kelvin::SweepSlurmOptions o;
  EXPECT_EQ(kelvin::slurm_gpu_count({}, o), 0);
  EXPECT_EQ(kelvin::slurm_gpu_count({"8"}, o), 8);
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"0", "1"}, {"0"}, {"four"}, {"-2"}, {"99999999999999999999"}}) {
    try {
      kelvin::slurm_gpu_count(bad, o);
      ADD_FAILURE() << bad[0] << ": no error";
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("Slurm picks the devices; give how many GPUs at once"), std::string::npos)
          << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  o.array_max = 2;
  EXPECT_THROW(kelvin::slurm_gpu_count({"4"}, o), std::runtime_error);
}

}  // namespace
