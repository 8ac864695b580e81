#pragma once
/// A sweep on a Slurm cluster (README "On a Slurm cluster"): the points of a prepared sweep
/// folder as one sbatch job array over chunks of points, and a gather job that runs after it.
/// Everything lives in OUT/slurm/: array.sbatch, gather.sbatch, logs/ and jobs.json, so that
/// `kelvin sweep status` and `gather` work from the folder alone.
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"

namespace kelvin {

/// What the job array asks of Slurm, resolved (no defaults left to pick).
struct SlurmRequest {
  std::string executable;    ///< absolute path of the kelvin the tasks run
  std::string partition;     ///< "" : the cluster's default partition
  std::string account;       ///< "" : the user's default account
  std::string time;          ///< per task, as sbatch takes it ("30", "2:00:00", "1-00:00:00")
  long long memory_MiB = 0;  ///< per task
  int cpus_per_task = 1;     ///< also each point's --threads
  int points_per_task = 1;   ///< chunk size K
  int array_max = 0;         ///< tasks running at once (`%M`); 0: no throttle
  int gpus_per_task = 0;     ///< GPUs each task asks for (`--gres=gpu:N`); 0: none
  std::string gather_time = "00:30:00";
  long long gather_memory_MiB = 1024;
};

/// The point ids of each array task, in sweep order: task i runs chunks[i].
std::vector<std::vector<std::string>> chunk_points(const std::vector<std::string>& ids,
                                                   int points_per_task);

/// The text of OUT/slurm/array.sbatch: `--array=0-(N-1)[%M]`, `--requeue`,
/// `--open-mode=append`, per-task logs OUT/slurm/logs/task-%a.{out,err}, time, memory and
/// CPUs per task, and `--gres=gpu:G` when r.gpus_per_task > 0 (Slurm then sets the task's
/// CUDA_VISIBLE_DEVICES, which its points inherit); the task finds its chunk by SLURM_ARRAY_TASK_ID
/// and runs `kelvin sweep points OUT ID...`, which skips finished points and resumes or restarts
/// the others (so a requeued task picks up where it stopped). out must be absolute.
std::string array_script(const std::string& out, const std::string& name,
                         const std::vector<std::vector<std::string>>& chunks,
                         const SlurmRequest& r);

/// The text of OUT/slurm/gather.sbatch: `kelvin sweep gather OUT` once the array has ended,
/// whatever its tasks' exit codes (`--dependency=afterany:ARRAY_ID`). array_job_id "" (a dry
/// run): the dependency is left to the command line and said so in a comment.
std::string gather_script(const std::string& out, const std::string& name,
                          const std::string& array_job_id, const SlurmRequest& r);

/// Thrown when sbatch cannot be run or refuses a script: one line, sbatch's own reason in it.
struct SlurmError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Submits script with `sbatch --parsable` (extra arguments before it) and returns the job id
/// (without the `;cluster` suffix). Throws SlurmError.
std::string sbatch_submit(const std::string& script, const std::vector<std::string>& extra = {});

/// What OUT/slurm/jobs.json records of a submission.
struct SlurmJobs {
  std::string array_job_id;
  std::string gather_job_id;  ///< "" when the gather job could not be submitted
  int tasks = 0;
  int points_per_task = 1;
  int points = 0;         ///< points in the array (those not done when it was submitted)
  std::string submitted;  ///< UTC, ISO 8601
};

/// Writes OUT/slurm/jobs.json atomically.
void write_slurm_jobs(const std::string& out, const SlurmJobs& jobs);

/// Reads OUT/slurm/jobs.json; false when there is none (a local sweep) or it is unreadable.
bool read_slurm_jobs(const std::string& out, SlurmJobs* jobs);

/// Lines for `kelvin sweep status`: the array's tasks counted by squeue state and the gather
/// job's state, or that squeue is missing or the jobs have left the queue. Empty without
/// OUT/slurm/jobs.json.
std::vector<std::string> slurm_status_lines(const std::string& out);

}  // namespace kelvin
