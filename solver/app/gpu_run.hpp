#pragma once
/// Runs a case with GPUs (gpus: section): every GPU on its own copy of the case's package and
/// cold plate, its power from the power model at the clock the governor picks every control
/// interval, its activity and tokens from the workload; thermal, power and workload advance
/// together. Writes summary.json (gpus array and totals), timeseries.csv, results.h5, one .vtr
/// per GPU with a .vtm that groups them, and checkpoint.h5 (transients) from which --resume
/// continues exactly.
#include <nlohmann/json.hpp>

#include "solver/case/case.hpp"
#include "solver/app/run_control.hpp"

namespace kelvin {

/// Runs a case that has gpus; see run_case() for the exceptions. Throws Interrupted after
/// writing a checkpoint when request_interrupt() was called.
nlohmann::json run_gpu_case(const Case& c, const RunOptions& options);

/// The terminal report of a GPU run's summary: per GPU T_j, power, clock, tokens and losses.
std::string format_gpu_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
