// The kelvin command line: run, validate, info.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/numerics/krylov.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/app/run.hpp"
#include "solver/base/format_bytes.hpp"
#include "solver/coupling/run_size.hpp"

namespace {

constexpr int kBadInput = 2;
constexpr int kSolverFailed = 3;
constexpr int kInterrupted = 130;  // 128 + SIGINT, as shells report it

/// First Ctrl-C: checkpoint at the end of the current step and stop; a second one kills.
extern "C" void on_sigint(int) {
  kelvin::request_interrupt();
  std::signal(SIGINT, SIG_DFL);
}

int report_case_errors(const kelvin::CaseLoadError& e) {
  for (const auto& d : e.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
  if (e.diagnostics.empty()) fmt::print(stderr, "{}\n", e.what());
  return kBadInput;
}

int cmd_validate(const std::string& path) {
  try {
    const kelvin::Case c = kelvin::load_case(path);
    // Sizes from the 1-D axes: nothing per cell is allocated before the run is known to fit.
    const kelvin::RunSize size = kelvin::estimate_run_size(c);
    const std::size_t avail = kelvin::backend_memory_available();
    kelvin::check_run_fits(c, avail);
    // The run fits, so its mesh (4 bytes a cell) does: paint it to find uncovered cells.
    const kelvin::Grid g = kelvin::build_case_grid(c);
    fmt::print("{}: ok: {} materials, {} boxes, {} sources, {} boundary conditions; mesh {}\n",
               path, c.materials.size(), c.boxes.size(), c.sources.size(), c.boundaries.size(),
               kelvin::describe(size));
    const kelvin::GridStats s = g.stats();
    fmt::print("memory: {} estimated of {} available ({}); worst cell aspect ratio {:.1f}\n",
               kelvin::format_bytes(static_cast<std::uint64_t>(size.bytes)), kelvin::format_bytes(std::uint64_t{avail}),
               kelvin::backend_name(), s.worst_aspect_ratio);
    if (c.coldplate) {
      const int coolant = c.material_index(c.coolant->material);
      fmt::print("{}\n", kelvin::format_report(kelvin::report_cold_plate(
                              kelvin::case_cold_plate(c), g, [&](int m) { return m == coolant; })));
    }
    return 0;
  } catch (const kelvin::CaseLoadError& e) {
    return report_case_errors(e);
  } catch (const kelvin::SetupError& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
    return kBadInput;
  }
}

int cmd_run(const std::string& path, const std::string& out, bool quiet, bool resume, bool overwrite) {
  try {
    const kelvin::Case c = kelvin::load_case(path);
    kelvin::RunOptions opt;
    opt.output_dir = out;
    opt.quiet = quiet;
    opt.resume = resume;
    opt.overwrite = overwrite;
    if (c.transient.enabled) std::signal(SIGINT, on_sigint);  // steady solves just stop
    const auto summary = kelvin::run_case(c, opt);
    if (!quiet) fmt::print("{}", kelvin::format_report(summary, out));
    return summary.value("converged", false) ? 0 : kSolverFailed;
  } catch (const kelvin::CaseLoadError& e) {
    return report_case_errors(e);
  } catch (const kelvin::SetupError& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
    return kBadInput;
  } catch (const kelvin::SolverDiverged& e) {
    fmt::print(stderr, "{}: solver failed: {}; check material properties and boundary conditions, or refine the mesh\n",
               path, e.what());
    return kSolverFailed;
  } catch (const kelvin::Interrupted& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
    return kInterrupted;
  }
}

int cmd_info() {
  fmt::print("kelvin {}\nbackend: {}\nthreads: {}\ngpu: {}\n", kelvin::kelvin_version(), kelvin::backend_name(),
             kelvin::backend_threads(), kelvin::device_description());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kelvin: GPU-accelerated thermal-fluid solver for liquid-cooled AI hardware"};
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "CPU threads (default: all cores, or OMP_NUM_THREADS)")
      ->check(CLI::PositiveNumber);

  std::string run_case, run_out = "out";
  bool quiet = false, resume = false, overwrite = false;
  auto* run = app.add_subcommand("run", "Run a case and write its results");
  run->add_option("case", run_case, "Case file (YAML)")->required();
  run->add_option("-o,--output", run_out, "Output directory (created if missing)");
  run->add_flag("-q,--quiet", quiet, "No progress or report");
  run->add_flag("--resume", resume,
                "Continue a transient from OUTPUT/checkpoint.h5 (written every checkpoint_interval "
                "of wall-clock time and on Ctrl-C)");
  run->add_flag("--overwrite", overwrite, "Replace the files of an earlier run in OUTPUT");
  run->add_option("--threads", threads, "CPU threads")->check(CLI::PositiveNumber);

  std::string validate_case;
  auto* validate = app.add_subcommand("validate", "Check a case file without running it; exit 2 on errors");
  validate->add_option("case", validate_case, "Case file (YAML)")->required();

  auto* info = app.add_subcommand("info", "Show the backend, threads and GPU");
  info->add_option("--threads", threads, "CPU threads")->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadInput;
  }
  try {
    kelvin::set_backend_threads(threads);
    if (*run) return cmd_run(run_case, run_out, quiet, resume, overwrite);
    if (*validate) return cmd_validate(validate_case);
    if (*info) return cmd_info();
  } catch (const std::exception& e) {
    fmt::print(stderr, "kelvin: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
