#pragma once
/// Runs a case end to end: mesh, solve (steady or transient), and write every output
/// (solution.vtr / .pvd, results.h5, summary.json, timeseries.csv) into one directory.
#include <string>

#include <nlohmann/json.hpp>

#include "solver/case.hpp"

namespace kelvin {

/// How to run a case.
struct RunOptions {
  std::string output_dir = "out";
  bool quiet = false;  // no progress or report on stderr/stdout
};

/// Runs the case, writes its outputs and returns the summary (also in summary.json).
/// Throws SetupError for cases that cannot be meshed and SolverDiverged when a solve fails.
nlohmann::json run_case(const Case& c, const RunOptions& options);

/// Human-readable report of a summary (temperatures also in degC) for the terminal.
std::string format_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
