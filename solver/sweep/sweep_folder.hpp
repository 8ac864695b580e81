#pragma once
/// The sweep folder OUT, readable on its own (by `kelvin sweep status` and `gather`, on any
/// machine): OUT/sweep.json holds the design; each point's folder OUT/points/<id>/ holds its
/// case.yaml, out/ (the run's results), run.log and status.json.
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"
#include "solver/sweep/sweep_spec.hpp"

namespace kelvin {

/// What OUT/sweep.json records: enough to list, run and gather the points without the sweep file.
struct SweepRecord {
  std::string sweep_file;
  std::string base_case;
  std::string design;
  std::vector<std::string> parameters;  ///< key paths, in the sweep file's order
  std::vector<std::string> outputs;
  std::vector<SweepPoint> points;
};

/// Writes OUT/sweep.json (atomically) for s and its points.
void write_sweep_json(const std::string& out, const SweepSpec& s,
                      const std::vector<SweepPoint>& points);

/// Reads OUT/sweep.json. Throws std::runtime_error naming the file when it is missing or damaged.
SweepRecord read_sweep_json(const std::string& out);

/// Where a point stands, from its folder alone.
enum class PointState {
  Pending,  ///< not run yet, or interrupted (a checkpoint may let it resume)
  Running,  ///< status.json says running, by a process that is still alive on this host
  Done,     ///< out/summary.json exists and the last run did not fail
  Failed,   ///< status.json records a non-zero exit
};

/// "pending", "running", "done", "failed".
const char* state_name(PointState s);

/// The state of the point with id under OUT.
PointState point_state(const std::string& out, const std::string& id);

/// What a finished (or started) run of a point records in its status.json.
struct PointStatus {
  std::string id;
  PointState state = PointState::Pending;
  int exit_code = 0;
  double seconds = 0;                 ///< wall time of the run
  std::vector<std::string> log_tail;  ///< last lines of the run's output (failures)
};

/// Writes OUT/points/<id>/status.json atomically (with this process's pid and host for Running).
void write_point_status(const std::string& out, const PointStatus& st);

/// Counts of points by state.
struct SweepCounts {
  int done = 0, failed = 0, pending = 0, running = 0;
  int total() const { return done + failed + pending + running; }
};
SweepCounts count_states(const std::string& out, const std::vector<SweepPoint>& points);

}  // namespace kelvin
