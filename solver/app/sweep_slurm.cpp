#include "solver/app/sweep_slurm.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <regex>

#include "solver/case/case_parser.hpp"
#include "solver/coupling/run_size.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/sweep/gather.hpp"
#include "solver/sweep/local_runner.hpp"
#include "solver/sweep/point_cases.hpp"
#include "solver/sweep/slurm.hpp"
#include "solver/sweep/sweep_folder.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;

constexpr double kMiB = 1024.0 * 1024.0;

/// Peak memory of a point's run by Kelvin's own estimate (coupling/run_size), 0 when the case
/// cannot be sized.
double point_bytes(const std::string& case_file) {
  try {
    const Case c = load_case(case_file);
    return estimate_run_size(c).bytes;
  } catch (const std::exception&) {
    return 0;
  }
}

/// Memory per task: the largest point's estimate, 20 % and 128 MiB on top (the task's own
/// `kelvin sweep points` process, allocator slack), at least 256 MiB, in steps of 64 MiB.
long long task_memory_MiB(const std::string& out, const std::vector<const SweepPoint*>& todo) {
  double most = 0;
  for (const SweepPoint* p : todo)
    most = std::max(most, point_bytes((fs::path(point_folder(out, p->id)) / "case.yaml").string()));
  const double mib = std::max(256.0, most * 1.2 / kMiB + 128.0);
  return static_cast<long long>(std::ceil(mib / 64.0)) * 64;
}

/// One hour per point of a task, as sbatch writes it.
std::string default_time(int points_per_task) { return fmt::format("{}:00:00", points_per_task); }

/// A job name from the sweep folder's name: letters, digits, '-', '_' and '.'.
std::string job_name(const std::string& out) {
  std::string name = fs::path(out).filename().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
      ch = '_';
  return name.empty() ? "sweep" : name;
}

}  // namespace

long long parse_memory_MiB(const std::string& text) {
  static const std::regex form(R"(^\s*([0-9]+(\.[0-9]+)?)\s*([KkMmGgTt]?)[iI]?[bB]?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw std::runtime_error("--mem " + text +
                             ": expected a size as sbatch takes it: 4G, 500M, 1024 (MiB)");
  const double v = std::stod(m[1].str());
  const char unit = m[3].str().empty() ? 'M' : static_cast<char>(std::toupper(m[3].str()[0]));
  const double mib = unit == 'K'   ? v / 1024
                     : unit == 'G' ? v * 1024
                     : unit == 'T' ? v * 1048576
                                   : v;
  if (mib < 1) throw std::runtime_error("--mem " + text + ": less than 1 MiB");
  return static_cast<long long>(std::ceil(mib));
}

void add_slurm_options(CLI::App* a, SweepSlurmOptions& o) {
  CLI::Option* slurm = a->add_flag(
      "--slurm", o.enabled,
      "Submit the points as a Slurm job array and a gather job (needs sbatch) instead of "
      "running them here");
  a->add_option("--partition", o.partition, "--slurm: the partition (default: the cluster's)")
      ->needs(slurm);
  a->add_option("--account", o.account, "--slurm: the account to charge")->needs(slurm);
  a->add_option("--time", o.time,
                "--slurm: time limit per array task, as sbatch takes it (default: one hour per "
                "point of a task)")
      ->needs(slurm);
  a->add_option("--mem", o.memory,
                "--slurm: memory per task (4G, 500M), default: the largest point's own "
                "estimate plus a margin")
      ->needs(slurm);
  a->add_option("--array-max", o.array_max, "--slurm: at most this many tasks at once (%M)")
      ->check(CLI::PositiveNumber)
      ->needs(slurm);
  a->add_option("--points-per-task", o.points_per_task,
                "--slurm: points each array task runs, one after another (default 1)")
      ->check(CLI::PositiveNumber)
      ->needs(slurm);
  a->add_flag("--dry-run", o.dry_run, "--slurm: write OUT/slurm/*.sbatch without submitting")
      ->needs(slurm);
}

int slurm_gpu_count(const std::vector<std::string>& gpus, const SweepSlurmOptions& o) {
  if (gpus.empty()) return 0;
  std::string given;
  for (const auto& g : gpus) given += (given.empty() ? "" : ",") + g;
  static const std::regex count(R"(^[0-9]+$)");
  if (gpus.size() != 1 || gpus[0].size() > 6 || !std::regex_match(gpus[0], count) ||
      std::stoi(gpus[0]) < 1)
    throw std::runtime_error(
        "--gpus " + given +
        " with --slurm: Slurm picks the devices; give how many GPUs at once, e.g. --gpus 4 "
        "(each array task asks for one)");
  if (o.array_max > 0)
    throw std::runtime_error("--gpus " + given + " and --array-max " + std::to_string(o.array_max) +
                             " with --slurm: both set how many tasks run at once; give one");
  return std::stoi(gpus[0]);
}

CLI::App* add_points_subcommand(CLI::App* sweep, SweepSlurmOptions& o) {
  CLI::App* p = sweep->add_subcommand(
      "points",
      "Run the named points of a sweep folder one after another, skipping finished ones and "
      "resuming interrupted ones (what each Slurm array task runs)");
  p->add_option("folder", o.folder, "Sweep folder")->required();
  p->add_option("ids", o.ids, "Point ids (OUT/points/<id>)")->required();
  p->add_option("--threads", o.threads, "CPU threads of each point (default 1)")
      ->check(CLI::PositiveNumber);
  return p;
}

int submit_sweep_to_slurm(const std::string& out_given, const std::vector<SweepPoint>& points,
                          const SweepSlurmOptions& o, int threads, const std::string& executable) {
  static const std::regex time_form(R"(^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$)");
  if (!o.time.empty() && !std::regex_match(o.time, time_form))
    throw std::runtime_error("--time " + o.time +
                             ": expected sbatch's form: MINUTES, H:MM:SS or DAYS-H:MM:SS");
  const std::string out = fs::absolute(out_given).lexically_normal().string();
  std::vector<const SweepPoint*> todo;
  std::vector<std::string> ids;
  for (const auto& p : points)
    if (point_state(out, p.id) != PointState::Done) todo.push_back(&p), ids.push_back(p.id);
  if (todo.empty()) {
    gather_sweep(out);
    fmt::print("sweep: all {} points are done; nothing submitted; results in {}/sweep.csv\n",
               points.size(), out);
    return 0;
  }

  SlurmRequest r;
  r.executable = executable;
  r.partition = o.partition;
  r.account = o.account;
  r.points_per_task = std::max(1, o.points_per_task);
  r.cpus_per_task = threads > 0 ? threads : 1;
  r.array_max = o.gpus > 0 ? o.gpus : o.array_max;
  r.gpus_per_task = o.gpus > 0 ? 1 : 0;
  r.time = o.time.empty() ? default_time(r.points_per_task) : o.time;
  r.memory_MiB = o.memory.empty() ? task_memory_MiB(out, todo) : parse_memory_MiB(o.memory);
  const auto chunks = chunk_points(ids, r.points_per_task);
  const std::string name = job_name(out);

  const fs::path dir = fs::path(out) / "slurm";
  fs::create_directories(dir / "logs");
  const std::string array_file = (dir / "array.sbatch").string();
  const std::string gather_file = (dir / "gather.sbatch").string();
  fmt::print(stderr,
             "sweep: {} of {} points to run on Slurm: {} array tasks of {} point(s), {} CPU(s){}, "
             "{} MiB{} and {} each{}\n",
             todo.size(), points.size(), chunks.size(), r.points_per_task, r.cpus_per_task,
             r.gpus_per_task > 0 ? fmt::format(", 1 GPU ({} at once)", o.gpus) : "", r.memory_MiB,
             o.memory.empty() ? " (the points' own estimate)" : "", r.time,
             o.time.empty() ? " (Kelvin has no run-time estimate: set --time)" : "");
  write_file_atomic(array_file, array_script(out, name, chunks, r));
  if (o.dry_run) {
    write_file_atomic(gather_file, gather_script(out, name, "", r));
    fmt::print(
        "sweep: dry run: wrote {} and {}; submit with\n  id=$(sbatch --parsable {})\n"
        "  sbatch --dependency=afterany:$id {}\n",
        array_file, gather_file, array_file, gather_file);
    return 0;
  }

  SlurmJobs jobs;
  jobs.tasks = static_cast<int>(chunks.size());
  jobs.points_per_task = r.points_per_task;
  jobs.points = static_cast<int>(todo.size());
  jobs.array_job_id = sbatch_submit(array_file);
  write_slurm_jobs(out, jobs);
  write_file_atomic(gather_file, gather_script(out, name, jobs.array_job_id, r));
  try {
    jobs.gather_job_id = sbatch_submit(gather_file);
  } catch (const SlurmError& e) {
    throw SlurmError(fmt::format(
        "array job {} submitted, but not its gather job: {}; run `kelvin sweep gather {}` when "
        "it has ended",
        jobs.array_job_id, e.what(), out));
  }
  write_slurm_jobs(out, jobs);
  fmt::print(
      "sweep: submitted array job {} ({} tasks) and gather job {} (after it); "
      "`kelvin sweep status {}` follows them\n",
      jobs.array_job_id, jobs.tasks, jobs.gather_job_id, out);
  return 0;
}

int run_sweep_points(const SweepSlurmOptions& o, const std::string& executable) {
  const SweepRecord rec = read_sweep_json(o.folder);
  std::vector<SweepPoint> mine;
  for (const auto& id : o.ids) {
    const auto it = std::find_if(rec.points.begin(), rec.points.end(),
                                 [&](const SweepPoint& p) { return p.id == id; });
    if (it == rec.points.end())
      throw std::runtime_error(fmt::format("{}: no point {} in this sweep", o.folder, id));
    mine.push_back(*it);
  }
  LocalRunOptions lo;
  lo.executable = executable;
  lo.jobs = 1;
  lo.threads_per_point = o.threads;
  int signal = 0;
  const SweepCounts all = run_points_locally(o.folder, mine, lo, &signal);
  fmt::print(stderr, "sweep points: {} done, {} failed, {} pending of {}\n", all.done, all.failed,
             all.pending + all.running, all.total());
  if (signal) return 128 + signal;
  return all.failed > 0 ? 1 : 0;
}

}  // namespace kelvin
