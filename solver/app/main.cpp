// The kelvin command line: run, validate, info, sweep.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/numerics/krylov.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/app/convergence.hpp"
#include "solver/app/run.hpp"
#include "solver/app/sweep_cli.hpp"
#include "solver/base/format_bytes.hpp"
#include "solver/coupling/run_size.hpp"
#include "solver/parallel/ranks.hpp"

namespace {

constexpr int kBadInput = 2;
constexpr int kSolverFailed = 3;

/// First Ctrl-C (SIGINT) or SIGTERM (a batch system's time limit): a transient writes its
/// checkpoint at the end of the current step and stops, a steady solve stops after its current
/// iteration; exit 128 + the signal (130, 143). A second one of the same signal kills at once.
extern "C" void on_stop_signal(int signal_number) {
  kelvin::request_interrupt(signal_number);
  std::signal(signal_number, SIG_DFL);
}

int report_case_errors(const kelvin::CaseLoadError& e) {
  for (const auto& d : e.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
  if (e.diagnostics.empty()) fmt::print(stderr, "{}\n", e.what());
  return kBadInput;
}

int cmd_validate(const std::string& path) {
  try {
    const kelvin::Case c = kelvin::load_case(path);
    for (const auto& w : c.warnings) fmt::print(stderr, "{}\n", w);
    if (c.meshless()) {
      // An air-cooled hall has no geometry: its GPUs sit in modelled servers, nothing is meshed.
      const kelvin::FacilityCase& f = *c.facility;
      fmt::print("{}: ok: air-cooled hall of {} racks x {} servers x {} GPUs, {} CRAHs\n", path,
                 f.racks, f.air_servers_per_rack, c.gpus ? c.gpus->instances.size() : 0,
                 f.air_crahs);
      return 0;
    }
    // Sizes from the 1-D axes: nothing per cell is allocated before the run is known to fit.
    const kelvin::RunSize size = kelvin::estimate_run_size(c);
    const std::size_t avail = kelvin::backend_memory_available();
    kelvin::Grid g;
    try {
      kelvin::check_run_fits(c, avail);
      // The run fits, so its mesh (4 bytes a cell) does: paint it to find uncovered cells.
      g = kelvin::build_case_grid(c);
    } catch (const kelvin::SetupError& e) {
      // Too big (for this machine, or at all): the message says to change mesh.max_cell_size,
      // so point at where it is set.
      const auto at = c.key_marks.find("mesh.max_cell_size");
      if (at == c.key_marks.end() ||
          std::string(e.what()).find("mesh.max_cell_size") == std::string::npos)
        throw;
      fmt::print(stderr, "{}:{}:{}: {}\n", path, at->second.line, at->second.column, e.what());
      return kBadInput;
    }
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

/// The exit status of an error in `kelvin run`, its message printed.
int report_run_error(const std::string& path) {
  try {
    throw;
  } catch (const kelvin::CaseLoadError& e) {
    return report_case_errors(e);
  } catch (const kelvin::SetupError& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
    return kBadInput;
  } catch (const kelvin::SolverDiverged& e) {
    fmt::print(stderr, "{}: solver failed: {}; check material properties and boundary conditions, or refine the mesh\n",
               path, e.what());
    return kSolverFailed;
  } catch (const kelvin::FlowDiverged& e) {
    fmt::print(stderr,
               "{}: solver failed: {}; lower flow.relaxation (now {:g}), refine the mesh in the coolant, "
               "or lower the flow rate: the flow solver is laminar and diverges past the laminar range\n",
               path, e.what(), e.relaxation);
    return kSolverFailed;
  } catch (const kelvin::OutOfPhysicalRange& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
    return kSolverFailed;
  } catch (const kelvin::Interrupted& e) {
    // A steady solve, or a transient stopped before its first checkpoint, cannot be resumed.
    const bool said = std::string(e.what()).find("checkpoint") != std::string::npos;
    fmt::print(stderr, "{}: {}{}{}\n", path, e.signal_number == SIGTERM ? "SIGTERM: " : "", e.what(),
               e.checkpoint_written || said
                   ? ""
                   : "; no checkpoint was written (steady solves write none), so a new run starts over");
    return 128 + e.signal_number;  // 130 for SIGINT, 143 for SIGTERM, as shells report them
  }
}

int cmd_run(const std::string& path, const std::string& out, bool quiet, bool resume, bool overwrite) {
  const kelvin::Ranks& ranks = kelvin::Ranks::world();
  kelvin::Case c;
  try {  // every rank reads the same case: its errors are every rank's, the root reports them
    c = kelvin::load_case(path);
  } catch (const kelvin::CaseLoadError&) {
    return ranks.root() ? report_run_error(path) : kBadInput;
  } catch (const kelvin::SetupError&) {
    return ranks.root() ? report_run_error(path) : kBadInput;
  }
  try {
    if (ranks.root())
      for (const auto& w : c.warnings) fmt::print(stderr, "{}\n", w);  // even with --quiet
    kelvin::RunOptions opt;
    opt.output_dir = out;
    opt.quiet = quiet || !ranks.root();
    opt.resume = resume;
    opt.overwrite = overwrite;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    const auto summary = kelvin::run_case(c, opt);
    if (!ranks.root()) return 0;
    if (!quiet) fmt::print("{}", kelvin::format_report(summary, out));
    std::fflush(stdout);
    if (summary.value("converged", false)) return 0;
    fmt::print(stderr, "{}kelvin: {}: NOT CONVERGED; results written to {}/ (summary.json \"not_converged\")\n",
               kelvin::format_not_converged(summary), path, out);
    return kSolverFailed;
  } catch (...) {
    // Over several ranks an error may be one rank's alone (its plates): the others would wait
    // for it at their next exchange, so it stops them all. A signal to a rank other than the
    // root is the launcher stopping the run (after another rank's error, or Ctrl-C): the root,
    // or the rank that failed, says why.
    if (ranks.size() > 1 && !ranks.root()) try {
        throw;
      } catch (const kelvin::Interrupted& e) {
        ranks.abort(128 + e.signal_number);
      } catch (...) {
      }
    const int code = report_run_error(ranks.prefix() + path);
    if (ranks.size() > 1) ranks.abort(code);
    return code;
  }
}

int cmd_info() {
  const kelvin::Ranks& r = kelvin::Ranks::world();
  if (!r.root()) return 0;
  fmt::print("kelvin {}\nbackend: {}\nthreads: {}\ngpu: {}\nranks: {} ({})\n", kelvin::kelvin_version(),
             kelvin::backend_name(), kelvin::backend_threads(), kelvin::device_description(), r.size(),
             kelvin::built_with_mpi() ? "built with MPI" : "built without MPI");
  return 0;
}

/// Threads for this rank when neither --threads nor OMP_NUM_THREADS says: all it may run on.
/// Ranks that share a node without being bound to cores of their own (mpirun --oversubscribe)
/// split the node's cores; a rank bound to its cores (mpirun's default up to one rank a core,
/// srun) uses them. 0: the backend's default.
int threads_per_rank(int hardware) {
  const kelvin::Ranks& r = kelvin::Ranks::world();
  if (r.local_size() <= 1 || std::getenv("OMP_NUM_THREADS")) return 0;
  const int node = static_cast<int>(std::thread::hardware_concurrency());
  if (hardware < node) return 0;  // bound: its own cores
  return std::max(1, node / r.local_size());
}

int run_main(int argc, char** argv) {
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

  const auto sweep = kelvin::add_sweep_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadInput;
  }
  try {
    // More threads than the hardware has only slows a run down, and tens of thousands crash the
    // OpenMP runtime (--threads 100000 died of SIGSEGV in libgomp): clamp, and say so.
    const int hardware = kelvin::hardware_threads();
    threads = threads > 0 ? threads : threads_per_rank(hardware);
    const int asked = threads > 0 ? threads : kelvin::backend_threads();
    if (asked > hardware) {
      fmt::print(stderr, "kelvin: {} {} threads, more than the {} hardware threads here; using {}\n",
                 threads > 0 ? "--threads asks for" : "OMP_NUM_THREADS asks for", asked, hardware,
                 hardware);
      threads = hardware;
    }
    kelvin::set_backend_threads(threads);
    if (*run) return cmd_run(run_case, run_out, quiet, resume, overwrite);
    if (*validate) return cmd_validate(validate_case);
    if (*info) return cmd_info();
    if (*sweep->sweep) return kelvin::run_sweep_command(*sweep, argv[0]);
  } catch (const std::exception& e) {
    fmt::print(stderr, "kelvin: error: {}\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  kelvin::init_ranks(&argc, &argv);
  if (kelvin::Ranks::world().size() > 1) kelvin::use_device(kelvin::Ranks::world().local_rank());
  const int status = run_main(argc, argv);
  kelvin::finalize_ranks();
  return status;
}
