#pragma once
// Case texts and helpers shared by the case-parser tests (unit_case_parser*.cpp).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "solver/case/case_parser.hpp"

namespace case_parser_fixtures {

using kelvin::Case;


inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small valid steady case; the bad cases below are variations of it.
inline const std::string kMinimal = R"(name: t
materials:
  cu: {conductivity: 400, density: 8900, specific_heat: 385}
boxes:
  - {name: b, material: cu, min: [0, 0, 0], max: [1 mm, 1 mm, 1 mm]}
boundaries:
  - {face: zmin, type: temperature, temperature: 300 K}
)";

inline const std::string kPackage = R"(name: h100-package
description: "H100-like package on a copper cold plate"
initial_temperature: 40 degC
mesh:
  max_cell_size: 0.5 mm
materials:
  copper:
    conductivity: 390 W/m/K
    density: 8933 kg/m^3
    specific_heat: 385 J/kg/K
  silicon:
    conductivity: 148
    density: 2330 kg/m^3
    specific_heat: 712 J/kg/K
  tim:
    conductivity: [5, 5, 3 W/m/K]
    density: 2.5 g/cm^3
    specific_heat: 800
boxes:
  - name: plate
    material: copper
    min: [0, 0, 0]
    max: [28.5 mm, 28.5 mm, 1.0 mm]
  - name: tim
    material: tim
    min: "0 0 1.0 mm"
    max: "28.5 28.5 1.025 mm"
    cell_size: 25 um
  - name: die
    material: silicon
    min: [0 mm, 0 mm, 1.025 mm]
    max: [28.5 mm, 28.5 mm, 1.7 mm]
    cell_size: [0.5 mm, 0.5 mm, 0.1 mm]
sources:
  - name: die_power
    box: die
    power: 700 W
    power_map:
      values: [[1, 1, 2], [1, 3, 1]]
boundaries:
  - face: zmin
    type: convection
    h: 20000 W/m^2/K
    temperature: 40 degC
  - face: zmax
    type: heat_flux
    heat_flux: -100 W/m^2
    region: {min: [0, 0], max: [10 mm, 10 mm]}
contact_resistances:
  - between: [silicon, tim]
    resistance: 2e-6 K*m^2/W
probes:
  - {name: die_center, at: [14.25 mm, 14.25 mm, 1.6 mm]}
solver: {tolerance: 1e-8, max_iterations: 50, multigrid_precision: double}
transient:
  end_time: 10 s
  time_step: 10 ms
  scheme: euler
  adaptive: true
  min_step: 1 ms
  max_step: 1 s
  tolerance: 0.2 K
  output_interval: 1 s
)";

// A package under a generated cold plate, with extra explicit ports and every flow key.
inline const std::string kColdPlate = R"(name: coldplate-package
initial_temperature: 40 degC
materials:
  copper: {conductivity: 390, density: 8933, specific_heat: 385}
  silicon: {conductivity: 148, density: 2330, specific_heat: 712}
boxes:
  - {name: lid, material: copper, min: [0, 0, 0], max: [55 mm, 55 mm, 4.375 mm]}
  - {name: die, material: silicon, min: [17.5 mm, 17.5 mm, 0], max: [37.5 mm, 37.5 mm, 0.7 mm]}
  - {name: pocket, material: coolant, min: [1 mm, 1 mm, 4 mm], max: [2 mm, 2 mm, 4.375 mm]}
sources:
  - {name: p, box: die, power: 500 W}
coolant: {fluid: PG25, material: coolant, constant_properties: true}
coldplate:
  material: copper
  footprint: {min: [0 mm, 0 mm], max: "55 55 mm"}
  base: 4.375 mm
  base_thickness: 3 mm
  fins: {type: straight, thickness: 0.2 mm, pitch: 0.5 mm, height: 3 mm, length: 40 mm, region_width: 0 mm}
  center: [27.5 mm, 27.0 mm]
  wall_thickness: 2 mm
  plenum_length: 5 mm
  cover_thickness: 2 mm
  ports: {layout: center_inlet, length: 4 mm, width: 10 mm}
  mesh: {cells_across_channel: 4, cells_across_fin: 2, cells_over_fin_height: 10, max_cell_along_flow: 0.25 mm}
  flow_rate: 1.0 L/min
  inlet_temperature: 40 degC
  outlet_pressure: 1 bar
flow:
  inlets:
    - {name: in, face: zmax, region: {min: [1 mm, 1 mm], max: "3 4 mm"}, flow_rate: 0.5 L/min, temperature: 40 degC}
  outlets:
    - {name: out, face: xmax, region: {min: [0, 0], max: [5 mm, 12 mm]}, pressure: 0 Pa}
    - {face: ymin}
  relaxation: 0.5
  tolerance: 1e-7
  max_iterations: 500
  max_coupling_iterations: 12
  temperature_tolerance: 1e-3 K
  algorithm: coupled
junction_material: silicon
case_material: copper
)";

// A small valid cold plate case (no boxes, no boundaries: the plate and its coolant suffice);
// the flow bad cases below are variations of it.
inline const std::string kPlate = R"(name: t
materials:
  cu: {conductivity: 400, density: 8900, specific_heat: 385}
coolant: PG25
coldplate:
  material: cu
  footprint: {min: [0, 0], max: "55 55 mm"}
  base: 0 mm
  fins: {type: straight}
  flow_rate: 1 L/min
  inlet_temperature: 40 degC
)";

/// kPlate with its line `line` (1-based) replaced by text (which may hold several lines, or
/// none to delete it).
inline std::string plate_with(int line, const std::string& text) {
  std::istringstream in(kPlate);
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) out += n == line ? text : l + "\n";
  return out;
}

/// The first difference between the coolant, flow and cold plate settings of a and b, or ""
/// (case_difference() covers the rest of a Case).
inline std::string flow_difference(const Case& a, const Case& b) {
  std::ostringstream out;
  out.precision(17);
  const auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  if (a.coolant.has_value() != b.coolant.has_value()) return "coolant.has_value";
  if (a.coolant && (a.coolant->fluid != b.coolant->fluid ||
                    a.coolant->material != b.coolant->material ||
                    a.coolant->constant_properties != b.coolant->constant_properties))
    return "coolant";
  if (a.ports.size() != b.ports.size()) return "ports.size";
  for (std::size_t i = 0; i < a.ports.size(); ++i) {
    const auto &x = a.ports[i], &y = b.ports[i];
    if (x.name != y.name || x.kind != y.kind || x.face != y.face || x.has_region != y.has_region ||
        x.region_min_m != y.region_min_m || x.region_max_m != y.region_max_m ||
        x.flow_rate_m3_s != y.flow_rate_m3_s || x.temperature_K != y.temperature_K ||
        x.pressure_Pa != y.pressure_Pa)
      return "ports[" + std::to_string(i) + "]";
  }
  if (a.coldplate.has_value() != b.coldplate.has_value()) return "coldplate.has_value";
  if (a.coldplate) {
    const auto &x = *a.coldplate, &y = *b.coldplate;
    const auto &s = x.spec, &t = y.spec;
    const std::vector<std::pair<double, double>> values{
        {x.flow_rate_m3_s, y.flow_rate_m3_s},
        {x.inlet_temperature_K, y.inlet_temperature_K},
        {x.outlet_pressure_Pa, y.outlet_pressure_Pa},
        {s.footprint_min_m[0], t.footprint_min_m[0]}, {s.footprint_min_m[1], t.footprint_min_m[1]},
        {s.footprint_max_m[0], t.footprint_max_m[0]}, {s.footprint_max_m[1], t.footprint_max_m[1]},
        {s.base_z_m, t.base_z_m}, {s.base_thickness_m, t.base_thickness_m},
        {s.fin_thickness_m, t.fin_thickness_m}, {s.fin_pitch_m, t.fin_pitch_m},
        {s.fin_height_m, t.fin_height_m}, {s.fin_length_m, t.fin_length_m},
        {s.fin_region_width_m, t.fin_region_width_m}, {s.center_m[0], t.center_m[0]},
        {s.center_m[1], t.center_m[1]}, {s.pin_size_m, t.pin_size_m},
        {s.pin_pitch_x_m, t.pin_pitch_x_m}, {s.pin_pitch_y_m, t.pin_pitch_y_m},
        {s.wall_thickness_m, t.wall_thickness_m}, {s.plenum_length_m, t.plenum_length_m},
        {s.port_length_m, t.port_length_m}, {s.port_width_m, t.port_width_m},
        {s.cover_thickness_m, t.cover_thickness_m},
        {s.max_cell_along_flow_m, t.max_cell_along_flow_m}};
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!same(values[i].first, values[i].second)) {
        out << "coldplate value #" << i << ": " << values[i].first << " vs " << values[i].second;
        return out.str();
      }
    if (x.material != y.material || s.fins != t.fins || s.flow != t.flow ||
        s.cells_across_channel != t.cells_across_channel ||
        s.cells_across_fin != t.cells_across_fin ||
        s.cells_over_fin_height != t.cells_over_fin_height)
      return "coldplate";
  }
  const auto &f = a.flow, &g = b.flow;
  if (f.velocity_relaxation != g.velocity_relaxation || f.tolerance != g.tolerance ||
      f.max_iterations != g.max_iterations ||
      f.max_coupling_iterations != g.max_coupling_iterations ||
      f.temperature_tolerance_K != g.temperature_tolerance_K)
    return "flow";
  if (a.junction_material != b.junction_material) return "junction_material";
  if (a.case_material != b.case_material) return "case_material";
  return "";
}


}  // namespace case_parser_fixtures
