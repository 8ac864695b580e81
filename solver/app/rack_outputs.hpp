#pragma once
/// What a rack run reports: the loop's state as summary.json's "loop" block, the reduced plate's
/// fit, the loop's time-series columns, and the rack as a ParaView multiblock.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "solver/coupling/plate_fit.hpp"
#include "solver/coupling/rack_network.hpp"

namespace kelvin {

/// summary.json "loop": supply and return temperatures, differential pressure, pumps (speed,
/// flow, electrical power), CDU (duty, approach, facility side), per-tray branches and per-GPU
/// plates (flow, dp, inlet and outlet temperatures, heat), flow maldistribution over the GPU
/// plates. gpu_heat_W: each GPU plate's heat into its coolant now.
nlohmann::json loop_json(const RackNetwork& rack, const LoopTransient& loop,
                         const std::vector<double>& gpu_heat_W);

/// The log line of a reduced plate's fit: its law and errors.
std::string plate_fit_line(const PlateFit& fit);

/// summary.json "reduced_plate": the laws, their fit and held-out errors, the runs.
nlohmann::json plate_fit_json(const PlateFit& fit);

/// Time-series columns of the loop, and one row of them now.
std::vector<std::string> loop_series_header(const RackNetwork& rack, const Case& c);
std::vector<double> loop_series_row(const RackNetwork& rack, const LoopTransient& loop);

}  // namespace kelvin
