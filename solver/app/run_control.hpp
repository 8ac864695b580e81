#pragma once
/// What every run driver shares (the thermal driver, the GPU driver, and the loop and facility
/// drivers to come): run options, checkpoints on a stop request (solver/base/interrupt.hpp:
/// Ctrl-C, SIGTERM), the wall clock, Kelvin's version.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "solver/base/interrupt.hpp"
#include "solver/case/case.hpp"

namespace kelvin {

/// How to run a case.
struct RunOptions {
  std::string output_dir = "out";
  bool quiet = false;      // no progress or report on stderr/stdout
  bool resume = false;     // continue a transient from output_dir/checkpoint.h5
  bool overwrite = false;  // replace an earlier run's files in output_dir
};

/// The wall clock of run timings.
using Clock = std::chrono::steady_clock;
/// Wall-clock seconds since t0.
double seconds_since(Clock::time_point t0);

/// When a transient writes its checkpoint: every interval of wall-clock time, and at once on a
/// stop request (Ctrl-C or SIGTERM: request_interrupt), after which the run stops with
/// Interrupted saying how to resume.
class CheckpointSchedule {
 public:
  /// resume_command: what the user types to continue ("kelvin run CASE -o DIR --resume").
  CheckpointSchedule(double interval_s, std::string checkpoint_path, std::string resume_command);
  /// After every step (time t_s): calls save() when due or when a stop was requested; then, on
  /// a request, clears it and throws Interrupted (checkpoint_written set). Without save (a run
  /// that cannot be resumed) Interrupted says why_not_resumable instead.
  void after_step(double t_s, const std::function<void()>& save,
                  const std::string& why_not_resumable = {});

 private:
  double m_interval_s;
  std::string m_path, m_resume;
  Clock::time_point m_last = Clock::now();
};

/// Kelvin's version (CMake's PROJECT_VERSION), as summary.json and `kelvin info` report it.
const char* kelvin_version();

/// What ties every output file to its run: summary.json's "run" block.
struct RunIdentity {
  std::string case_sha256;  ///< SHA-256 of the resolved case (every value in SI, as run)
  std::string started_utc;  ///< ISO 8601, e.g. "2026-12-04T05:27:19Z"
  std::string host;
  long pid = 0;
  bool resumed = false;  ///< continued from a checkpoint
};

/// The identity of a run of c starting now.
RunIdentity identify_run(const Case& c, bool resumed);

/// SHA-256 of text as 64 lowercase hex digits (OpenSSL).
std::string sha256_hex(const std::string& text);

/// The summary fields every driver writes first: kelvin_version, case, backend, threads, the
/// run block (identity) and "warnings": the case's (check_case), to which the drivers append
/// the run's own (a coolant leaving its correlation's range).
nlohmann::json summary_header(const Case& c, const RunIdentity& run);

}  // namespace kelvin
