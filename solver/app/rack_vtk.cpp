// The rack for ParaView. See rack_vtk.hpp.
#include "solver/app/rack_vtk.hpp"

#include <cmath>

#include "solver/io/vtk.hpp"

namespace kelvin {

namespace {

constexpr double kPlateSide = 0.1;   // drawn plate square, m
constexpr double kPlateStep = 0.12;  // plates of a tray along x, m

PolyLines pipes(const RackNetwork& rack, const LoopTransient& loop) {
  const Network& net = loop.setup().net;
  const IndexedNetwork ix = index_network(net);
  PolyLines d;
  d.points = rack.node_xyz;
  CellField flow{"flow_m3_s", {}, 1}, temp{"temperature_K", {}, 1}, plate{"is_plate", {}, 1};
  std::vector<bool> is_plate(net.links.size(), false);
  for (int k : loop.setup().plates) is_plate[static_cast<std::size_t>(k)] = true;
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    d.lines.push_back({ix.from[k], ix.to[k]});
    flow.values.push_back(loop.hydraulics().flow_m3_s[k]);
    temp.values.push_back(0.5 * (loop.node_temperature_K()[static_cast<std::size_t>(ix.from[k])] +
                                 loop.node_temperature_K()[static_cast<std::size_t>(ix.to[k])]));
    plate.values.push_back(is_plate[k] ? 1.0 : 0.0);
  }
  d.cell_fields = {flow, temp, plate};
  return d;
}

PolyLines plates(const Case& c, const RackNetwork& rack, const nlohmann::json& gpus,
                 const std::string& key) {
  const LoopCase& l = *c.loop;
  PolyLines d;
  CellField tj{"junction_temperature_K", {}, 1}, flow{"flow_m3_s", {}, 1}, tin{"inlet_temperature_K", {}, 1};
  for (int i = 0; i < rack.gpus; ++i) {
    const int tray = i / l.gpus_per_tray, slot = i % l.gpus_per_tray;
    const double z = rack.position_of_tray[static_cast<std::size_t>(tray)] * l.tray_pitch_m + 0.01;
    const double x = 0.05 + slot * kPlateStep, y = 0.02;
    const int p0 = static_cast<int>(d.points.size());
    d.points.push_back({x, y, z});
    d.points.push_back({x + kPlateSide, y, z});
    d.points.push_back({x + kPlateSide, y + kPlateSide, z});
    d.points.push_back({x, y + kPlateSide, z});
    d.polygons.push_back({p0, p0 + 1, p0 + 2, p0 + 3});
    const auto& g = gpus[static_cast<std::size_t>(i)];
    tj.values.push_back(g[key].get<double>());
    flow.values.push_back(g["flow_rate_m3_s"].get<double>());
    tin.values.push_back(g["inlet_temperature_K"].get<double>());
  }
  d.cell_fields = {tj, flow, tin};
  return d;
}

}  // namespace

void write_rack_vtm(const std::string& dir, const Case& c, const RackNetwork& rack,
                    const LoopTransient& loop, const nlohmann::json& gpus,
                    const std::string& junction_key) {
  write_vtp(dir + "/pipes.vtp", pipes(rack, loop));
  write_vtp(dir + "/plates.vtp", plates(c, rack, gpus, junction_key));
  write_vtm(dir + "/rack.vtm", {{"pipes", "pipes.vtp"}, {"plates", "plates.vtp"}});
}

}  // namespace kelvin
