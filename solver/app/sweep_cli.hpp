#pragma once
/// `kelvin sweep`: the command line of parametric sweeps (README "Parametric sweeps").
///   kelvin sweep [run] SWEEP.yaml -o OUT [--jobs N | --gpus 0,1,...] [--threads T]
///   kelvin sweep status OUT
///   kelvin sweep gather OUT
///   kelvin sweep SWEEP.yaml -o OUT --slurm [--gpus N] [...]   (solver/app/sweep_slurm.hpp)
#include <memory>
#include <string>
#include <vector>

#include "solver/app/sweep_slurm.hpp"

namespace CLI {
class App;
}

namespace kelvin {

/// The options of `kelvin sweep`, filled in when the command line is parsed.
struct SweepCommand {
  CLI::App* sweep = nullptr;
  CLI::App* run = nullptr;
  CLI::App* status = nullptr;
  CLI::App* gather = nullptr;
  std::string file;  ///< the sweep file
  std::string out = "sweep-out";
  int jobs = 0;                   ///< points at a time; 0: not given (1)
  std::vector<std::string> gpus;  ///< one point per GPU (CUDA_VISIBLE_DEVICES); --slurm: a count
  int threads = 0;                ///< threads per point; 0: the hardware threads / jobs
  std::string folder;             ///< OUT of status and gather
  CLI::App* points = nullptr;     ///< `kelvin sweep points` (one Slurm array task)
  SweepSlurmOptions slurm;        ///< --slurm and its options, and `points`
};

/// Adds the `sweep` subcommand (with run, status, gather) to app. The returned object is what
/// app.parse() fills; it must outlive the parse.
std::unique_ptr<SweepCommand> add_sweep_command(CLI::App& app);

/// Runs the parsed sweep command. Exit status: 0 all points done, 1 some failed, 2 bad input
/// (the sweep file, a point that does not validate, a folder without sweep.json), 128 + signal
/// when stopped by SIGINT/SIGTERM.
int run_sweep_command(const SweepCommand& cmd, const char* argv0);

}  // namespace kelvin
