#include "solver/app/sweep_cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "solver/case/case_parser.hpp"
#include "solver/io/output_error.hpp"
#include "solver/sweep/gather.hpp"
#include "solver/sweep/local_runner.hpp"
#include "solver/sweep/point_cases.hpp"
#include "solver/sweep/slurm.hpp"
#include "solver/sweep/sweep_file.hpp"
#include "solver/sweep/sweep_folder.hpp"

namespace kelvin {

namespace {

constexpr int kBadInput = 2;

std::string self_executable(const char* argv0) {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : p.string();
}

void print_diagnostics(const std::vector<Diagnostic>& diags, const std::string& fallback) {
  for (const auto& d : diags) fmt::print(stderr, "{}\n", d.to_string());
  if (diags.empty()) fmt::print(stderr, "{}\n", fallback);
}

int print_counts(const std::string& out, const SweepCounts& c) {
  fmt::print("{}: {} points: {} done, {} failed, {} pending, {} running\n", out, c.total(), c.done,
             c.failed, c.pending, c.running);
  return 0;
}

int cmd_sweep_run(const SweepCommand& cmd, const char* argv0) {
  if (cmd.file.empty()) {
    fmt::print(stderr,
               "kelvin sweep: give a sweep file: kelvin sweep SWEEP.yaml -o OUT (see --help)\n");
    return kBadInput;
  }
  // Contradictions first, before the folder is prepared: one line and exit 2.
  if (cmd.jobs > 0 && !cmd.gpus.empty())
    throw std::runtime_error(
        "--jobs and --gpus both set how many points run at once: give one (--gpus: one point "
        "per GPU)");
  if (cmd.jobs > 0 && cmd.slurm.enabled)
    throw std::runtime_error(
        "--jobs with --slurm: Slurm runs the array tasks; --array-max N limits them to N at once");
  SweepSlurmOptions slurm = cmd.slurm;
  if (slurm.enabled) slurm.gpus = slurm_gpu_count(cmd.gpus, slurm);
  const SweepSpec spec = read_sweep_file(cmd.file);
  const std::vector<SweepPoint> points = prepare_points(spec, cmd.out);
  write_sweep_json(cmd.out, spec, points);
  if (slurm.enabled)
    return submit_sweep_to_slurm(cmd.out, points, slurm, cmd.threads, self_executable(argv0));
  const int jobs = std::max(1, cmd.jobs);
  fmt::print(stderr, "sweep: {} points ({} design) of {}, {} at a time, in {}/\n", points.size(),
             design_name(spec.design), spec.base_case,
             cmd.gpus.empty() ? jobs : static_cast<int>(cmd.gpus.size()), cmd.out);
  LocalRunOptions o;
  o.executable = self_executable(argv0);
  o.jobs = jobs;
  o.threads_per_point = cmd.threads;
  o.gpus = cmd.gpus;
  o.terminal = ::isatty(2) != 0;
  int signal = 0;
  const SweepCounts c = run_points_locally(cmd.out, points, o, &signal);
  gather_sweep(cmd.out);
  fmt::print(stderr,
             "sweep: {} done, {} failed, {} pending of {}; results in {}/sweep.csv and sweep.h5\n",
             c.done, c.failed, c.pending + c.running, c.total(), cmd.out);
  if (signal) {
    fmt::print(stderr, "sweep: stopped by signal {}; run the same command again to continue\n",
               signal);
    return 128 + signal;
  }
  return c.failed > 0 ? 1 : 0;
}

int cmd_sweep_status(const SweepCommand& cmd) {
  const SweepRecord rec = read_sweep_json(cmd.folder);
  const SweepCounts c = count_states(cmd.folder, rec.points);
  for (const auto& p : rec.points)
    if (point_state(cmd.folder, p.id) == PointState::Failed)
      fmt::print("failed: point {} ({}): see {}/status.json\n", p.index, p.id,
                 point_folder(cmd.folder, p.id));
  print_counts(cmd.folder, c);
  for (const auto& line : slurm_status_lines(cmd.folder)) fmt::print("{}\n", line);
  return 0;
}

int cmd_sweep_gather(const SweepCommand& cmd) {
  const SweepTable t = gather_sweep(cmd.folder);
  fmt::print("{}: wrote sweep.csv and sweep.h5: {} points, {} parameters, {} summary numbers\n",
             cmd.folder, t.rows.size(), t.parameters.size(), t.outputs.size());
  return 0;
}

}  // namespace

std::unique_ptr<SweepCommand> add_sweep_command(CLI::App& app) {
  auto cmd = std::make_unique<SweepCommand>();
  SweepCommand& c = *cmd;
  c.sweep = app.add_subcommand(
      "sweep", "Run a parametric sweep of a case (run, status, gather); exit 1 if a point failed");
  c.sweep->require_subcommand(0, 1);
  const auto add_run_options = [&c](CLI::App* a) {
    a->add_option("sweep_file", c.file, "Sweep file (YAML): base case, design, parameters");
    a->add_option("-o,--output", c.out, "Sweep folder (created if missing; a rerun resumes it)");
    a->add_option("-j,--jobs", c.jobs, "Points run at a time (default 1)")
        ->check(CLI::PositiveNumber);
    a->add_option("--gpus", c.gpus,
                  "One point per GPU, each seeing only its own (CUDA_VISIBLE_DEVICES): "
                  "--gpus 0,1,2,3 runs four at a time; with --slurm a count: --gpus 4 asks one "
                  "GPU per array task (--gres=gpu:1), four tasks at once")
        ->delimiter(',');
    a->add_option("--threads", c.threads, "CPU threads per point (default: cores / jobs)")
        ->check(CLI::PositiveNumber);
    add_slurm_options(a, c.slurm);
  };
  add_run_options(c.sweep);
  c.run = c.sweep->add_subcommand("run", "Run the points not yet done (the default)");
  add_run_options(c.run);
  c.status = c.sweep->add_subcommand(
      "status", "Count done, failed, pending and running points of a sweep folder");
  c.status->add_option("folder", c.folder, "Sweep folder")->required();
  c.gather =
      c.sweep->add_subcommand("gather", "Write OUT/sweep.csv and OUT/sweep.h5 from a sweep folder");
  c.gather->add_option("folder", c.folder, "Sweep folder")->required();
  c.points = add_points_subcommand(c.sweep, c.slurm);
  return cmd;
}

int run_sweep_command(const SweepCommand& cmd, const char* argv0) {
  try {
    if (*cmd.status) return cmd_sweep_status(cmd);
    if (*cmd.gather) return cmd_sweep_gather(cmd);
    if (*cmd.points) return run_sweep_points(cmd.slurm, self_executable(argv0));
    return cmd_sweep_run(cmd, argv0);
  } catch (const SweepError& e) {
    print_diagnostics(e.diagnostics, e.what());
    return kBadInput;
  } catch (const CaseLoadError& e) {
    print_diagnostics(e.diagnostics, e.what());
    return kBadInput;
  } catch (const OutputError& e) {
    fmt::print(stderr, "kelvin sweep: {}\n", e.what());
    return kBadInput;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "kelvin sweep: {}\n", e.what());
    return kBadInput;
  }
}

}  // namespace kelvin
