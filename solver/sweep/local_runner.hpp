#pragma once
/// Runs a sweep's points on this machine: each point a child `kelvin run` process, N at a time,
/// with progress on stderr, resumable from the sweep folder alone.
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"
#include "solver/sweep/sweep_folder.hpp"

namespace kelvin {

/// How to run the points.
struct LocalRunOptions {
  std::string executable;     ///< the kelvin executable the children run (/proc/self/exe)
  int jobs = 1;               ///< points at a time
  int threads_per_point = 0;  ///< --threads of each child; 0: the hardware threads / jobs
  bool terminal = false;      ///< a live progress line (stderr is a terminal)
  /// One point per GPU: each child sees only its own (CUDA_VISIBLE_DEVICES set to one of
  /// these), and as many points run at a time as there are GPUs (jobs is ignored).
  std::vector<std::string> gpus;
};

/// Runs every point of points under OUT that is not done (out/summary.json present and no
/// failure recorded) nor running in another live process: `kelvin run OUT/points/<id>/case.yaml
/// -o OUT/points/<id>/out --quiet` plus --resume when out/checkpoint.h5 exists, else
/// --overwrite when out/ holds files of an earlier try. Output of each child goes to
/// OUT/points/<id>/run.log; the outcome to its status.json (a failure with its exit code and
/// the log's last lines). One line per finished point on stderr. SIGINT/SIGTERM is passed on to
/// the running children (which checkpoint and stop) and no new point starts; the children's
/// points stay pending. Returns the counts over all points afterwards, and sets *interrupted to
/// the signal that stopped the sweep (0 if none).
SweepCounts run_points_locally(const std::string& out, const std::vector<SweepPoint>& points,
                               const LocalRunOptions& options, int* interrupted);

}  // namespace kelvin
