#pragma once
/// The thermal driver: a case without GPUs end to end — mesh, steady or transient solve
/// (conduction, or conjugate heat transfer with coolant flow), and every output
/// (solution.vtr / .pvd, results.h5, summary.json, timeseries.csv, checkpoint.h5).
#include <nlohmann/json.hpp>
#include <string>

#include "solver/app/run_control.hpp"
#include "solver/case/case.hpp"

namespace kelvin {

/// Runs a case that has no gpus; see run_case() (app/run.hpp) for the exceptions.
nlohmann::json run_thermal_case(const Case& c, const RunOptions& options);

/// The terminal report of a thermal run's summary (temperatures also in degC).
std::string format_thermal_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
