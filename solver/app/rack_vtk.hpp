#pragma once
/// The rack for ParaView: rack.vtm groups pipes.vtp (every link of the loop as a line between
/// its nodes, coloured by flow and temperature: manifolds, hoses, plates, CDU) and plates.vtp
/// (one square per GPU plate at its place in its tray, coloured by junction temperature, flow
/// and inlet temperature).
#include <string>

#include <nlohmann/json.hpp>

#include "solver/case/case.hpp"
#include "solver/coupling/rack_network.hpp"

namespace kelvin {

/// Writes dir/rack.vtm, dir/pipes.vtp and dir/plates.vtp. gpus: summary.json's gpus array,
/// whose junction_key gives each GPU's junction temperature.
void write_rack_vtm(const std::string& dir, const Case& c, const RackNetwork& rack,
                    const LoopTransient& loop, const nlohmann::json& gpus,
                    const std::string& junction_key);

}  // namespace kelvin
