#pragma once
/// Runs a case end to end with the driver its content asks for (app/thermal_run for
/// conduction and cold plates, app/gpu_run for cases with GPUs) and reports it.
#include <nlohmann/json.hpp>
#include <string>

#include "solver/app/run_control.hpp"
#include "solver/case/case.hpp"

namespace kelvin {

/// Runs the case, writes its outputs into options.output_dir and returns the summary (also in
/// summary.json). Throws SetupError for cases that cannot be meshed or resumed, or whose
/// estimated memory (coupling/run_size) exceeds what the backend has available,
/// SolverDiverged when a solve fails, and Interrupted after writing a checkpoint when
/// request_interrupt() was called.
nlohmann::json run_case(const Case& c, const RunOptions& options);

/// Human-readable report of a summary for the terminal.
std::string format_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
