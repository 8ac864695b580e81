#pragma once
/// Runs a case end to end: mesh, solve (steady or transient), and write every output
/// (solution.vtr / .pvd, results.h5, summary.json, timeseries.csv) into one directory.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "solver/case/case.hpp"

namespace kelvin {

/// How to run a case.
struct RunOptions {
  std::string output_dir = "out";
  bool quiet = false;   // no progress or report on stderr/stdout
  bool resume = false;  // continue a transient from output_dir/checkpoint.h5
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

/// Runs the case, writes its outputs and returns the summary (also in summary.json).
/// Throws SetupError for cases that cannot be meshed and SolverDiverged when a solve fails.
nlohmann::json run_case(const Case& c, const RunOptions& options);

/// Human-readable report of a summary (temperatures also in degC) for the terminal.
std::string format_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
