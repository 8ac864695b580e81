#pragma once
/// The engineering figures of a cold plate for summary.json: pressure drop, mixed-mean inlet
/// and outlet temperatures, thermal resistances, flow maldistribution across channels, the
/// coolant and ports as an independent solver would need them, and the mass balance.
#include <nlohmann/json.hpp>
#include <vector>

#include "meshes/grid.hpp"
#include "solver/case/case.hpp"
#include "solver/physics/flow.hpp"

namespace kelvin {

/// summary.json figures of a run with flow: pressure_drop_Pa, flow_rate_m3_s,
/// inlet/outlet_temperature_K (mixed-mean), thermal_resistance_K_per_W, channel_flow, and a
/// "flow" block (residuals, mass balance). materials and probes are the summary's own blocks;
/// power_W the heat put in (resistances are omitted without it).
nlohmann::json flow_summary(const Case& c, const Grid& g, const FlowSolver& flow,
                            const std::vector<double>& T_host, const nlohmann::json& materials,
                            const nlohmann::json& probes, double power_W);

}  // namespace kelvin
