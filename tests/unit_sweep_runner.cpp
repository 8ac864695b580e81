// The local sweep runner (solver/sweep/local_runner) with a stand-in for `kelvin run`: a shell
// script that records its arguments and CUDA_VISIBLE_DEVICES in the summary.json it writes, so
// that what each child was given can be checked without solving anything.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "solver/sweep/local_runner.hpp"
#include "solver/sweep/point_cases.hpp"
#include "solver/sweep/sweep_folder.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace kelvin;

/// Arguments: run CASE -o OUT --quiet --threads T [--resume | --overwrite]. Two children with
/// the same GPU at once would both hold SHARED/gpu-N (mkdir is atomic): that is recorded. While
/// SHARED/slow exists it waits for SIGTERM and exits 143, as kelvin run does when stopped.
constexpr const char* kFakeKelvin = R"SH(#!/bin/sh
out="$4"
shared="$(dirname "$(dirname "$(dirname "$(dirname "$out")")")")/shared"
if [ -e "$shared/slow" ]; then trap 'exit 143' TERM; sleep 5 & wait; exit 0; fi
case "$2" in *fail*) echo "starting" >&2; echo "boom: this point fails" >&2; exit 3;; esac
if [ -n "$CUDA_VISIBLE_DEVICES" ]; then
  mkdir "$shared/gpu-$CUDA_VISIBLE_DEVICES" 2>/dev/null || echo clash >> "$shared/clashes"
fi
sleep 0.1
[ -n "$CUDA_VISIBLE_DEVICES" ] && rmdir "$shared/gpu-$CUDA_VISIBLE_DEVICES"
mkdir -p "$out"
printf '{"gpu": "%s", "args": "%s"}\n' "$CUDA_VISIBLE_DEVICES" "$*" > "$out/summary.json"
)SH";

struct Fixture {
  fs::path dir, out, exe;
  std::vector<SweepPoint> points;
};

/// n points (ids p0.., or p<i>-fail for those in failing) with their folders and case files.
Fixture make(const std::string& tag, int n, std::set<int> failing = {}) {
  Fixture f;
  f.dir =
      fs::temp_directory_path() / ("kelvin-sweep-runner-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(f.dir);
  f.out = f.dir / "sweep";
  fs::create_directories(f.dir / "shared");
  f.exe = f.dir / "fake-kelvin";
  std::ofstream(f.exe) << kFakeKelvin;
  fs::permissions(f.exe, fs::perms::owner_all);
  for (int i = 0; i < n; ++i) {
    SweepPoint p;
    p.index = i;
    p.id = "p" + std::to_string(i) + (failing.count(i) ? "-fail" : "");
    p.values = {{"a", std::to_string(i)}};
    fs::create_directories(point_folder(f.out.string(), p.id));
    std::ofstream(fs::path(point_folder(f.out.string(), p.id)) / "case.yaml") << "a: " << i << "\n";
    f.points.push_back(p);
  }
  return f;
}

json summary_of(const Fixture& f, const std::string& id) {
  std::ifstream in(fs::path(point_folder(f.out.string(), id)) / "out" / "summary.json");
  return json::parse(in);
}

TEST(SweepRunner, OnePointPerGpuEachSeeingOnlyItsOwn) {
  Fixture f = make("gpus", 6);
  LocalRunOptions o;
  o.executable = f.exe.string();
  o.gpus = {"0", "1"};
  o.threads_per_point = 3;
  int signal = -1;
  const SweepCounts c = run_points_locally(f.out.string(), f.points, o, &signal);
  EXPECT_EQ(signal, 0);
  EXPECT_EQ(c.done, 6);
  std::set<std::string> used;
  for (const auto& p : f.points) {
    const json s = summary_of(f, p.id);
    used.insert(s.at("gpu").get<std::string>());
    EXPECT_NE(s.at("args").get<std::string>().find("--quiet --threads 3"), std::string::npos) << s;
  }
  EXPECT_EQ(used, (std::set<std::string>{"0", "1"}));
  EXPECT_FALSE(fs::exists(f.dir / "shared" / "clashes")) << "two points ran on one GPU at once";
}

TEST(SweepRunner, ResumesFromACheckpointOverwritesLeftoversAndRecordsFailures) {
  Fixture f = make("resume", 4, {3});
  const auto out_of = [&](int i) {
    return fs::path(point_folder(f.out.string(), f.points[i].id)) / "out";
  };
  fs::create_directories(out_of(1));
  std::ofstream(out_of(1) / "checkpoint.h5") << "x";  // an interrupted transient
  fs::create_directories(out_of(2));
  std::ofstream(out_of(2) / "timeseries.csv") << "x";  // a steady run killed part-way
  LocalRunOptions o;
  o.executable = f.exe.string();
  o.jobs = 2;
  const SweepCounts c = run_points_locally(f.out.string(), f.points, o, nullptr);
  EXPECT_EQ(c.done, 3);
  EXPECT_EQ(c.failed, 1);
  const auto args = [&](int i) {
    return summary_of(f, f.points[i].id).at("args").get<std::string>();
  };
  EXPECT_EQ(args(0).find("--resume"), std::string::npos);
  EXPECT_EQ(args(0).find("--overwrite"), std::string::npos);
  EXPECT_NE(args(1).find("--resume"), std::string::npos) << args(1);
  EXPECT_NE(args(2).find("--overwrite"), std::string::npos) << args(2);

  std::ifstream in(fs::path(point_folder(f.out.string(), f.points[3].id)) / "status.json");
  const json st = json::parse(in);
  EXPECT_EQ(st.at("state"), "failed");
  EXPECT_EQ(st.at("exit_code"), 3);
  EXPECT_EQ(st.at("log_tail").back(), "boom: this point fails");
  EXPECT_EQ(point_state(f.out.string(), f.points[3].id), PointState::Failed);

  // Again: the three done points are skipped, the failed one is tried again.
  const auto stamp = fs::last_write_time(out_of(0) / "summary.json");
  const SweepCounts again = run_points_locally(f.out.string(), f.points, o, nullptr);
  EXPECT_EQ(again.done, 3);
  EXPECT_EQ(again.failed, 1);
  EXPECT_EQ(fs::last_write_time(out_of(0) / "summary.json"), stamp);
}

TEST(SweepRunner, SigtermStopsTheRunningPointsWhichStayPendingAndResumeLater) {
  Fixture f = make("sigterm", 3);
  std::ofstream(f.dir / "shared" / "slow") << "";
  LocalRunOptions o;
  o.executable = f.exe.string();
  o.jobs = 2;
  // The signal is sent from a thread that blocks it, so that this (the runner's) thread takes
  // it in waitpid, as the sweep's only thread would.
  std::thread sender([&] {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(::getpid(), SIGTERM);
  });
  int signal = 0;
  const SweepCounts c = run_points_locally(f.out.string(), f.points, o, &signal);
  sender.join();
  EXPECT_EQ(signal, SIGTERM);
  EXPECT_EQ(c.pending, 3);  // two stopped, one never started
  EXPECT_EQ(c.failed, 0);

  fs::remove(f.dir / "shared" / "slow");
  const SweepCounts again = run_points_locally(f.out.string(), f.points, o, &signal);
  EXPECT_EQ(signal, 0);
  EXPECT_EQ(again.done, 3);
}

TEST(SweepRunner, StatusCountsFromTheFolderAlone) {
  Fixture f = make("status", 3);
  write_point_status(f.out.string(), {"p0", PointState::Failed, 2, 0.1, {"bad"}});
  write_point_status(f.out.string(), {"p1", PointState::Running, 0, 0, {}});  // this process: alive
  const SweepCounts c = count_states(f.out.string(), f.points);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.running, 1);
  EXPECT_EQ(c.pending, 1);
}

}  // namespace
