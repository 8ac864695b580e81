// `kelvin sweep --slurm` on a real one-node Slurm cluster started by scripts/slurm-cluster
// (skipped where slurmctld is not installed; CI installs it): a sweep of three transient points
// as a job array, one task killed while it runs and requeued, the gather job after the array,
// and the gathered numbers equal to a local sweep of the same file; and a rack case over two MPI
// ranks started by `srun --mpi=pmix` giving the one-rank numbers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "kelvin_process.hpp"
#include "small_cases.hpp"
#include "solver/parallel/ranks.hpp"

namespace {

using namespace kelvin_test;
using Clock = std::chrono::steady_clock;

/// True when program is on PATH or in /usr/sbin (where Debian puts the Slurm daemons).
bool installed(const std::string& program) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin";
  std::stringstream ss(path);
  for (std::string d; std::getline(ss, d, ':');)
    if (!d.empty() && ::access((fs::path(d) / program).c_str(), X_OK) == 0) return true;
  return false;
}

/// A shell command's exit status and its stdout and stderr.
struct Shell {
  int code = -1;
  std::string out;
};
Shell sh(const std::string& command) {
  Shell r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// The one-node cluster of scripts/slurm-cluster under dir, stopped (jobs cancelled, daemons
/// ended) when it goes out of scope, whatever the test's outcome. Clients find it through
/// SLURM_CONF, which the kelvin processes the test starts inherit.
class Cluster {
 public:
  explicit Cluster(const fs::path& dir)
      : m_script(std::string(KELVIN_SOURCE_DIR) + "/scripts/slurm-cluster"), m_dir(dir) {
    const Shell s = sh(m_script + " start " + m_dir.string());
    m_started = s.code == 0;
    m_log = s.out;
    ::setenv("SLURM_CONF", (m_dir / "slurm.conf").c_str(), 1);
  }
  ~Cluster() { stop(); }
  /// Cancels the jobs and ends the daemons (again: a no-op).
  void stop() {
    if (m_stopped) return;
    m_stopped = true;
    sh(m_script + " stop " + m_dir.string());
    ::unsetenv("SLURM_CONF");
  }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  bool started() const { return m_started; }
  const std::string& log() const { return m_log; }
  /// What slurmctld recorded of finished jobs (JobCompType=jobcomp/filetxt).
  std::string finished_jobs() const { return read_text(m_dir / "log" / "jobcomp.txt"); }

 private:
  std::string m_script;
  fs::path m_dir;
  bool m_started = false, m_stopped = false;
  std::string m_log;
};

/// squeue's state of one job ("RUNNING", "PENDING"), "" when it is not in the queue.
std::string queue_state(const std::string& job) {
  const Shell s = sh("squeue -h -j " + job + " -o %T");
  return s.code == 0 ? s.out.substr(0, s.out.find('\n')) : "";
}

/// Polls until done() or timeout; true when done() held.
template <class F>
bool wait_for(F done, double timeout_s) {
  const auto end = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

/// sweep.csv as rows of cells keyed by point id, plus its header.
struct Csv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;
};
Csv read_csv(const fs::path& p) {
  Csv csv;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    if (csv.header.empty())
      csv.header = cells;
    else
      csv.rows[cells.at(0)] = cells;
  }
  return csv;
}

/// Columns that differ between two runs of the same case by nature: wall times, the process.
bool bookkeeping(const std::string& column) {
  return column.rfind("run.", 0) == 0 || column.rfind("timings_s.", 0) == 0 ||
         column.rfind("wall_", 0) == 0;
}

/// Why the real-cluster tests cannot run here ("" when they can): Slurm not installed, or not
/// root (slurmd starts jobs as root; CI is root).
std::string no_real_cluster() {
  if (!installed("slurmctld") || !installed("slurmd") || !installed("sbatch") ||
      !installed("srun") || !installed("munged"))
    return "Slurm is not installed (slurmctld, slurmd, slurm-client, munge; "
           "scripts/install-deps installs them): the real-cluster test is skipped";
  if (::geteuid() != 0)
    return "slurmd needs root to start jobs (CI runs as root): the real-cluster test is skipped";
  return "";
}

/// Every number of a JSON document, by its path ("/gpus[3]/peak_junction_K").
void numbers(const json& j, const std::string& path, std::map<std::string, double>& out) {
  if (j.is_object())
    for (const auto& [k, v] : j.items()) numbers(v, path + "/" + k, out);
  else if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i)
      numbers(j[i], path + "[" + std::to_string(i) + "]", out);
  else if (j.is_number())
    out[path] = j.get<double>();
}

double relative(double a, double b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
  return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

/// A grid sweep of composite-wall-ci (well under a second a point) over the hot face.
std::string small_sweep(const fs::path& dir) {
  return write_case(dir,
                    "base: " + std::string(KELVIN_SOURCE_DIR) +
                        "/cases/composite-wall-ci/case.yaml\n"
                        "parameters:\n"
                        "  - key: boundaries[0].temperature\n"
                        "    values: [80 degC, 90 degC, 100 degC]\n",
                    "sweep.yaml");
}

// Without Slurm: --dry-run writes both scripts (chunks of two points, throttle, memory from
// the points' estimate, the absolute kelvin and folder) and submits nothing.
TEST(SweepSlurm, DryRunWritesTheScriptsOnly) {
  const fs::path dir = scratch_dir("sweep-slurm-dry");
  const fs::path out = dir / "out";
  const Ended e = run_kelvin_args(
      {"sweep", small_sweep(dir), "-o", out.string(), "--slurm", "--dry-run", "--points-per-task",
       "2", "--array-max", "5", "--partition", "short", "--account", "cooling"},
      dir / "dry.log", 60);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("dry run")) << e.log;
  EXPECT_FALSE(fs::exists(out / "slurm" / "jobs.json"));
  const std::string a = read_text(out / "slurm" / "array.sbatch");
  for (const std::string& line : std::vector<std::string>{
           "#SBATCH --array=0-1%5\n", "#SBATCH --partition=short\n", "#SBATCH --account=cooling\n",
           "#SBATCH --mem=256M\n", "#SBATCH --time=2:00:00\n", "#SBATCH --requeue\n",
           "#SBATCH --output=" + out.string() + "/slurm/logs/task-%a.out\n",
           "sweep points '" + out.string() + "' $points"})
    EXPECT_NE(a.find(line), std::string::npos) << line << "\n" << a;
  const json rec = read_json(out / "sweep.json");
  const std::string id0 = rec.at("points").at(0).at("id"), id1 = rec.at("points").at(1).at("id"),
                    id2 = rec.at("points").at(2).at("id");
  EXPECT_NE(a.find("0) points=\"" + id0 + " " + id1 + "\""), std::string::npos) << a;
  EXPECT_NE(a.find("1) points=\"" + id2 + "\""), std::string::npos) << a;
  const std::string g = read_text(out / "slurm" / "gather.sbatch");
  EXPECT_NE(g.find("sweep gather '" + out.string() + "'"), std::string::npos) << g;
  EXPECT_EQ(g.find("#SBATCH --dependency"), std::string::npos) << g;
  fs::remove_all(dir);
}

// Without sbatch on PATH, or with a bad --time: one clear line and exit 2, nothing submitted.
TEST(SweepSlurm, NoSbatchOrBadTimeIsOneLineAndExit2) {
  const fs::path dir = scratch_dir("sweep-slurm-nosbatch");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir / "nothing-here").c_str(), 1);
  const Ended e =
      run_kelvin_args({"sweep", small_sweep(dir), "-o", (dir / "out").string(), "--slurm"},
                      dir / "nosbatch.log", 60);
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(e.exit_code(), 2) << e.log;
  EXPECT_TRUE(e.says("kelvin sweep: cannot run sbatch")) << e.log;
  EXPECT_FALSE(fs::exists(dir / "out" / "slurm" / "jobs.json"));
  const Ended t = run_kelvin_args(
      {"sweep", small_sweep(dir), "-o", (dir / "out").string(), "--slurm", "--time", "an hour"},
      dir / "time.log", 60);
  EXPECT_EQ(t.exit_code(), 2) << t.log;
  EXPECT_TRUE(t.says("--time an hour: expected")) << t.log;
  fs::remove_all(dir);
}

TEST(SweepSlurm, RequeuedTaskResumesAndGatheredNumbersEqualALocalSweep) {
  const std::string skip = no_real_cluster();
  if (!skip.empty()) GTEST_SKIP() << skip;
  const fs::path dir = scratch_dir("sweep-slurm");
  // Arrange: a lumped-GPU transient of about 2 s of wall time per point (1500 s simulated,
  // checkpoints every simulated second), so that a task can be caught running.
  write_case(dir,
             lumped_gpu_case({{"end_time: 12 s", "checkpoint_interval: 1 s, end_time: 1500 s"}}));
  const std::string file = write_case(dir,
                                      "base: case.yaml\n"
                                      "design: grid\n"
                                      "parameters:\n"
                                      "  - key: boundaries[0].temperature\n"
                                      "    values: [25 degC, 30 degC, 35 degC]\n",
                                      "sweep.yaml");
  Cluster cluster(dir / "cluster");
  ASSERT_TRUE(cluster.started()) << cluster.log();
  const fs::path out = dir / "slurm-out";

  // Act: submit, two tasks at a time.
  Ended e = run_kelvin_args({"sweep", file, "-o", out.string(), "--slurm", "--points-per-task", "1",
                             "--threads", "1", "--array-max", "2", "--time", "10"},
                            dir / "submit.log", 60);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  const json jobs = read_json(out / "slurm" / "jobs.json");
  const std::string array = jobs.at("array_job_id"), gather = jobs.at("gather_job_id");
  EXPECT_TRUE(e.says("array job " + array)) << e.log;
  EXPECT_TRUE(e.says("gather job " + gather)) << e.log;
  EXPECT_EQ(jobs.at("tasks"), 3);
  const std::string script = read_text(out / "slurm" / "array.sbatch");
  for (const char* line :
       {"#SBATCH --array=0-2%2", "#SBATCH --requeue", "#SBATCH --open-mode=append",
        "#SBATCH --time=10", "#SBATCH --cpus-per-task=1"})
    EXPECT_NE(script.find(line), std::string::npos) << line << "\n" << script;
  EXPECT_NE(read_text(out / "slurm" / "gather.sbatch").find("--dependency=afterany:" + array),
            std::string::npos);

  // Kill task 0 once its point has run a while (a checkpoint is on disk), then requeue it.
  const std::string task0 = array + "_0";
  const json rec = read_json(out / "sweep.json");
  const std::string id0 = rec.at("points").at(0).at("id");
  const fs::path point0 = out / "points" / id0;
  ASSERT_TRUE(wait_for(
      [&] {
        return queue_state(task0) == "RUNNING" && fs::exists(point0 / "out" / "checkpoint.h5");
      },
      60))
      << "task " << task0 << " never ran: " << queue_state(task0) << "\n"
      << sh("squeue").out;
  ASSERT_FALSE(fs::exists(point0 / "out" / "summary.json")) << "the point finished too soon";
  Shell s = sh("scancel " + task0);
  ASSERT_EQ(s.code, 0) << s.out;
  ASSERT_TRUE(wait_for([&] { return queue_state(task0).empty(); }, 30)) << queue_state(task0);
  s = sh("scontrol requeue " + task0);
  ASSERT_EQ(s.code, 0) << s.out;

  // The gather job runs after every task has ended (afterany).
  ASSERT_TRUE(wait_for(
      [&] {
        return cluster.finished_jobs().find("JobId=" + gather + " ") != std::string::npos &&
               queue_state(gather).empty();
      },
      120))
      << sh("squeue").out << cluster.finished_jobs();
  const std::string done = cluster.finished_jobs();
  const auto at = done.find("JobId=" + gather + " ");
  EXPECT_NE(done.find("JobState=COMPLETED", at), std::string::npos) << done;
  EXPECT_NE(done.find("JobState=CANCELLED"), std::string::npos) << done;

  // Assert: the killed task ran twice and its point continued from its checkpoint.
  const std::string task_log = read_text(out / "slurm" / "logs" / "task-0.out");
  EXPECT_NE(task_log.find("(try 1)"), std::string::npos) << task_log;
  EXPECT_NE(task_log.find("(try 2)"), std::string::npos) << task_log;
  const json summary0 = read_json(point0 / "out" / "summary.json");
  EXPECT_TRUE(summary0.at("run").at("resumed").get<bool>()) << summary0.at("run").dump();

  e = run_kelvin_args({"sweep", "status", out.string()}, dir / "status.log", 30);
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("3 points: 3 done, 0 failed, 0 pending")) << e.log;
  EXPECT_TRUE(e.says("slurm: array job " + array)) << e.log;

  // The same sweep run here: the same table, number for number (wall times aside).
  const fs::path local = dir / "local-out";
  e = run_kelvin_args({"sweep", file, "-o", local.string(), "--jobs", "2", "--threads", "1"},
                      dir / "local.log", 120);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  const Csv got = read_csv(out / "sweep.csv"), want = read_csv(local / "sweep.csv");
  ASSERT_EQ(got.header, want.header);
  ASSERT_EQ(got.rows.size(), 3u);
  ASSERT_EQ(want.rows.size(), 3u);
  const auto status = std::find(got.header.begin(), got.header.end(), "status");
  ASSERT_NE(status, got.header.end());
  int compared = 0;
  for (const auto& [id, row] : got.rows) {
    ASSERT_EQ(want.rows.count(id), 1u) << id;
    const auto& other = want.rows.at(id);
    ASSERT_EQ(row.size(), got.header.size()) << id;
    EXPECT_EQ(row[static_cast<std::size_t>(status - got.header.begin())], "done") << id;
    for (std::size_t c = 0; c < got.header.size(); ++c) {
      if (bookkeeping(got.header[c])) continue;
      EXPECT_EQ(row[c], other[c]) << id << " " << got.header[c];
      ++compared;
    }
  }
  EXPECT_GT(compared, 30);
  cluster.stop();  // before its folder goes: the daemons' pid files are in it
  fs::remove_all(dir);
}

// srun --mpi=pmix (PMIx, what Debian's Open MPI supports; pmi2 and none do not work) starts two
// ranks of kelvin on the one-node cluster: both see the MPI world, and a rack case spread over
// them writes the one-rank numbers (each rank solves whole plates; allowed 1e-12, measured 0).
TEST(SweepSlurm, SrunPmixTwoRanksGiveTheOneRankNumbers) {
  const std::string skip = no_real_cluster();
  if (!skip.empty()) GTEST_SKIP() << skip;
  if (!kelvin::built_with_mpi())
    GTEST_SKIP() << "built without MPI (KELVIN_MPI): srun --mpi=pmix has nothing to start";
  const fs::path dir = scratch_dir("sweep-slurm-srun");
  Cluster cluster(dir / "cluster");
  ASSERT_TRUE(cluster.started()) << cluster.log();
  const std::string srun =
      "OMP_WAIT_POLICY=passive timeout 300 srun --mpi=pmix -n 2 " + std::string(KELVIN_EXECUTABLE);

  Shell s = sh(srun + " info");
  ASSERT_EQ(s.code, 0) << s.out;
  EXPECT_NE(s.out.find("ranks: 2"), std::string::npos) << s.out;

  const std::string file = case_path("gb200-nvl72-rack-ci");
  const fs::path two = dir / "two-ranks";
  s = sh(srun + " run --quiet --threads 1 " + file + " -o " + two.string());
  ASSERT_EQ(s.code, 0) << s.out;
  const fs::path one = dir / "one-rank";
  const Ended e = run_kelvin_args({"run", "--quiet", "--threads", "1", file, "-o", one.string()},
                                  dir / "one-rank.log", 300);
  ASSERT_EQ(e.exit_code(), 0) << e.log;

  const json got = read_json(two / "summary.json");
  EXPECT_EQ(got.at("ranks").get<int>(), 2);
  std::map<std::string, double> a, b;
  numbers(read_json(one / "summary.json"), "", a);
  numbers(got, "", b);
  double worst = 0;
  std::string where;
  int compared = 0;
  for (const auto& [key, x] : a) {
    if (key.find("wall") != std::string::npos || key.rfind("/run/", 0) == 0 || key == "/ranks")
      continue;
    ASSERT_EQ(b.count(key), 1u) << key;
    const double d = relative(x, b.at(key));
    if (d > worst) worst = d, where = key;
    ++compared;
  }
  EXPECT_GT(compared, 100);
  EXPECT_LE(worst, 1e-12) << where;
  std::cout << "srun --mpi=pmix -n 2: " << compared
            << " summary numbers, worst relative difference " << worst << "\n";
  cluster.stop();  // before its folder goes: the daemons' pid files are in it
  fs::remove_all(dir);
}

}  // namespace
