#pragma once
/// `kelvin sweep --slurm`: the Slurm options of `kelvin sweep`, the submission of a prepared
/// sweep folder as a job array plus a gather job (solver/sweep/slurm), and `kelvin sweep points`,
/// what each array task runs.
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"

namespace CLI {
class App;
}

namespace kelvin {

/// The Slurm options, filled in when the command line is parsed.
struct SweepSlurmOptions {
  bool enabled = false;  ///< --slurm
  std::string partition, account;
  std::string time;    ///< per task (sbatch's formats); "" : one hour per point of a task
  std::string memory;  ///< per task ("4G", "500M"); "" : the points' own estimate
  int array_max = 0;   ///< tasks at once; 0: no throttle
  int gpus = 0;        ///< --gpus N: N tasks at once, each asking for one GPU; 0: no GPUs
  int points_per_task = 1;
  bool dry_run = false;
  // `kelvin sweep points OUT ID...`
  std::string folder;
  std::vector<std::string> ids;
  int threads = 1;
};

/// Adds --slurm, --partition, --time, --mem, --array-max, --points-per-task, --account and
/// --dry-run to a (the `sweep` command or its `run`).
void add_slurm_options(CLI::App* a, SweepSlurmOptions& o);

/// The count N of `--slurm --gpus N` (GPUs in use at once: each array task asks for one,
/// `--gres=gpu:1`, Slurm picks it and sets CUDA_VISIBLE_DEVICES; at most N tasks at once).
/// gpus: --gpus's values as parsed, empty when not given (0 returned). Throws
/// std::runtime_error, one line, for device ids (`0,1`: Slurm picks the devices), a value that
/// is not a positive whole number, or --array-max given as well (both set the tasks at once).
int slurm_gpu_count(const std::vector<std::string>& gpus, const SweepSlurmOptions& o);

/// Adds `points FOLDER ID... [--threads T]` to the sweep command and returns it.
CLI::App* add_points_subcommand(CLI::App* sweep, SweepSlurmOptions& o);

/// Writes OUT/slurm/array.sbatch over the points of points not done yet (chunks of
/// --points-per-task) and OUT/slurm/gather.sbatch, submits both (unless --dry-run), records
/// the job ids in OUT/slurm/jobs.json and prints them. threads: CPUs per task (0: 1).
/// o.gpus > 0: each task asks for one GPU and at most o.gpus tasks run at once.
/// Exit status 0; throws SlurmError (sbatch missing or refusing) or std::runtime_error (bad
/// option values), which `kelvin sweep` prints as one line and exits 2.
int submit_sweep_to_slurm(const std::string& out, const std::vector<SweepPoint>& points,
                          const SweepSlurmOptions& o, int threads, const std::string& executable);

/// `kelvin sweep points`: runs the points o.ids of the sweep folder o.folder one after another
/// (finished ones skipped, interrupted ones resumed), as a local sweep does. Exit status as
/// `kelvin sweep`'s: 0, 1 when a point failed, 128 + signal when stopped.
int run_sweep_points(const SweepSlurmOptions& o, const std::string& executable);

/// --mem text ("4G", "500M", "1024" in MiB, "2T", "512K") in MiB; throws std::runtime_error.
long long parse_memory_MiB(const std::string& text);

}  // namespace kelvin
