#pragma once
/// Runs a case with a facility: section: its racks (loop:, gpus:) on dry coolers, hour by hour
/// over a weather year (solver/coupling/facility_plant.hpp). Writes summary.json (facility:
/// annual PUE, WUE, energy, water, tokens, throttled hours, peak power; the rack table and its
/// interpolation error), hourly.csv and results.h5.
#include <nlohmann/json.hpp>

#include "solver/app/run_control.hpp"
#include "solver/case/case.hpp"

namespace kelvin {

nlohmann::json run_facility_case(const Case& c, const RunOptions& options);

/// The terminal report of a facility run's summary.
std::string format_facility_report(const nlohmann::json& summary, const std::string& output_dir);

}  // namespace kelvin
