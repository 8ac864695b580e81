#pragma once
/// What every run driver shares (the thermal driver, the GPU driver, and the loop and facility
/// drivers to come): run options, the Ctrl-C request, the wall clock, Kelvin's version.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "solver/case/case.hpp"

namespace kelvin {

/// How to run a case.
struct RunOptions {
  std::string output_dir = "out";
  bool quiet = false;      // no progress or report on stderr/stdout
  bool resume = false;     // continue a transient from output_dir/checkpoint.h5
  bool overwrite = false;  // replace an earlier run's files in output_dir
};

/// A transient stopped on request (Ctrl-C) after writing its checkpoint; what() says how to
/// resume.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Asks a running transient to write a checkpoint at the end of its current step and throw
/// Interrupted. Async-signal-safe: a SIGINT handler may call it.
void request_interrupt();
/// Whether request_interrupt() was called (and not yet cleared).
bool interrupt_requested();
/// Clears a pending request (tests; a new run).
void clear_interrupt();

/// The wall clock of run timings.
using Clock = std::chrono::steady_clock;
/// Wall-clock seconds since t0.
double seconds_since(Clock::time_point t0);

/// When a transient writes its checkpoint: every interval of wall-clock time, and at once on
/// Ctrl-C (request_interrupt), after which the run stops with Interrupted saying how to resume.
class CheckpointSchedule {
 public:
  /// resume_command: what the user types to continue ("kelvin run CASE -o DIR --resume").
  CheckpointSchedule(double interval_s, std::string checkpoint_path, std::string resume_command);
  /// After every step (time t_s): calls save() when due or when Ctrl-C was pressed; then, on
  /// Ctrl-C, clears the request and throws Interrupted. Without save (a run that cannot be
  /// resumed) Interrupted says why_not_resumable instead.
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

/// The summary fields every driver writes first: kelvin_version, case, backend, threads and
/// the run block (identity).
nlohmann::json summary_header(const Case& c, const RunIdentity& run);

}  // namespace kelvin
