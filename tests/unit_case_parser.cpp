#include "solver/case/case_parser.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "case_diagnostics.hpp"
#include "tests/fuzz/case_equal.hpp"

using kelvin::Case;
using kelvin::Diagnostic;

using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small valid steady case; the bad cases below are variations of it.
const std::string kMinimal = R"(name: t
materials:
  cu: {conductivity: 400, density: 8900, specific_heat: 385}
boxes:
  - {name: b, material: cu, min: [0, 0, 0], max: [1 mm, 1 mm, 1 mm]}
boundaries:
  - {face: zmin, type: temperature, temperature: 300 K}
)";

const std::string kPackage = R"(name: h100-package
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
solver: {tolerance: 1e-8, max_iterations: 50}
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
const std::string kColdPlate = R"(name: coldplate-package
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
junction_material: silicon
case_material: copper
)";

// A small valid cold plate case (no boxes, no boundaries: the plate and its coolant suffice);
// the flow bad cases below are variations of it.
const std::string kPlate = R"(name: t
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
std::string plate_with(int line, const std::string& text) {
  std::istringstream in(kPlate);
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) out += n == line ? text : l + "\n";
  return out;
}

/// The first difference between the coolant, flow and cold plate settings of a and b, or ""
/// (case_difference() covers the rest of a Case).
std::string flow_difference(const Case& a, const Case& b) {
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

}  // namespace

TEST(CaseParser, MinimalCaseIsValidWithDefaults) {
  Case c;
  const auto diags = diagnose(kMinimal, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(c.name, "t");
  EXPECT_EQ(c.file, "case.yaml");
  EXPECT_DOUBLE_EQ(c.initial_temperature_K, 293.15);
  EXPECT_EQ(c.mesh.max_cell_size_m, (std::array<double, 3>{1e-3, 1e-3, 1e-3}));
  EXPECT_FALSE(c.domain.has_value());
  EXPECT_FALSE(c.transient.enabled);
  EXPECT_DOUBLE_EQ(c.solver.tolerance, 1e-10);
  EXPECT_EQ(c.solver.max_iterations, 200);
  ASSERT_EQ(c.boxes.size(), 1u);
  EXPECT_EQ(c.boxes[0].cell_size_m, (std::array<double, 3>{0, 0, 0}));
  EXPECT_FALSE(c.coolant.has_value());
  EXPECT_FALSE(c.coldplate.has_value());
  EXPECT_TRUE(c.ports.empty());
  EXPECT_FALSE(c.has_flow());
  EXPECT_EQ(c.junction_material, "");
  EXPECT_EQ(c.case_material, "");
  EXPECT_EQ(c.materials.size(), 1u);  // no coolant, no coolant material
}

TEST(CaseParser, FullCaseParsesToSi) {
  Case c;
  const auto diags = diagnose(kPackage, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);

  EXPECT_EQ(c.name, "h100-package");
  EXPECT_EQ(c.description, "H100-like package on a copper cold plate");
  EXPECT_NEAR(c.initial_temperature_K, 313.15, 1e-12);
  EXPECT_EQ(c.mesh.max_cell_size_m, (std::array<double, 3>{5e-4, 5e-4, 5e-4}));

  ASSERT_EQ(c.materials.size(), 3u);
  EXPECT_EQ(c.materials[0].name, "copper");
  EXPECT_EQ(c.materials[0].conductivity_W_mK, (std::array<double, 3>{390, 390, 390}));
  EXPECT_DOUBLE_EQ(c.materials[0].density_kg_m3, 8933);
  EXPECT_DOUBLE_EQ(c.materials[0].specific_heat_J_kgK, 385);
  EXPECT_EQ(c.materials[2].conductivity_W_mK, (std::array<double, 3>{5, 5, 3}));
  EXPECT_NEAR(c.materials[2].density_kg_m3, 2500, 1e-9);
  EXPECT_EQ(c.material_index("silicon"), 1);

  ASSERT_EQ(c.boxes.size(), 3u);
  EXPECT_EQ(c.boxes[0].name, "plate");
  EXPECT_EQ(c.boxes[0].material, "copper");
  EXPECT_NEAR(c.boxes[0].max_m[0], 0.0285, 1e-15);
  EXPECT_NEAR(c.boxes[0].max_m[2], 0.001, 1e-15);
  EXPECT_NEAR(c.boxes[1].min_m[2], 1.0e-3, 1e-15);
  EXPECT_NEAR(c.boxes[1].max_m[2], 1.025e-3, 1e-15);
  for (double h : c.boxes[1].cell_size_m) EXPECT_NEAR(h, 25e-6, 1e-18);
  EXPECT_NEAR(c.boxes[2].cell_size_m[2], 1e-4, 1e-18);

  ASSERT_EQ(c.sources.size(), 1u);
  const auto& s = c.sources[0];
  EXPECT_EQ(s.name, "die_power");
  EXPECT_EQ(s.kind, kelvin::HeatSource::Kind::TotalPower);
  EXPECT_DOUBLE_EQ(s.value, 700);
  EXPECT_EQ(s.min_m, c.boxes[2].min_m);  // "box: die" takes the box's extent
  EXPECT_EQ(s.max_m, c.boxes[2].max_m);
  ASSERT_TRUE(s.power_map.has_value());
  EXPECT_EQ(s.power_map->rows, 2);
  EXPECT_EQ(s.power_map->cols, 3);
  EXPECT_EQ(s.power_map->values, (std::vector<double>{1, 1, 2, 1, 3, 1}));

  ASSERT_EQ(c.boundaries.size(), 2u);
  EXPECT_EQ(c.boundaries[0].face, kelvin::Face::ZMin);
  EXPECT_EQ(c.boundaries[0].type, kelvin::BoundaryCondition::Type::Convection);
  EXPECT_DOUBLE_EQ(c.boundaries[0].htc_W_m2K, 20000);
  EXPECT_NEAR(c.boundaries[0].temperature_K, 313.15, 1e-12);
  EXPECT_FALSE(c.boundaries[0].has_region);
  EXPECT_EQ(c.boundaries[1].type, kelvin::BoundaryCondition::Type::HeatFlux);
  EXPECT_DOUBLE_EQ(c.boundaries[1].heat_flux_W_m2, -100);
  EXPECT_TRUE(c.boundaries[1].has_region);
  EXPECT_NEAR(c.boundaries[1].region_max_m[1], 0.01, 1e-15);

  ASSERT_EQ(c.contacts.size(), 1u);
  EXPECT_EQ(c.contacts[0].material_a, "silicon");
  EXPECT_EQ(c.contacts[0].material_b, "tim");
  EXPECT_DOUBLE_EQ(c.contacts[0].resistance_K_m2_W, 2e-6);

  ASSERT_EQ(c.probes.size(), 1u);
  EXPECT_NEAR(c.probes[0].position_m[2], 1.6e-3, 1e-15);

  EXPECT_DOUBLE_EQ(c.solver.tolerance, 1e-8);
  EXPECT_EQ(c.solver.max_iterations, 50);

  const auto& t = c.transient;
  EXPECT_TRUE(t.enabled);
  EXPECT_DOUBLE_EQ(t.end_time_s, 10);
  EXPECT_DOUBLE_EQ(t.time_step_s, 0.01);
  EXPECT_EQ(t.scheme, kelvin::TransientSettings::Scheme::BackwardEuler);
  EXPECT_TRUE(t.adaptive);
  EXPECT_DOUBLE_EQ(t.min_step_s, 1e-3);
  EXPECT_DOUBLE_EQ(t.max_step_s, 1);
  EXPECT_DOUBLE_EQ(t.tolerance_K, 0.2);
  EXPECT_DOUBLE_EQ(t.output_interval_s, 1);
}

TEST(CaseParser, RecordsWhereKeysWere) {
  Case c;
  diagnose(kPackage, &c);
  const auto& m = c.key_marks.at("materials[0].conductivity");
  EXPECT_EQ(m.file, "case.yaml");
  EXPECT_EQ(m.line, 8);
  EXPECT_EQ(m.column, 5);
  EXPECT_EQ(c.key_marks.at("solver.tolerance").line, 54);
  EXPECT_EQ(c.materials[1].mark.line, 11);
  EXPECT_EQ(c.boxes[2].mark.line, 29);
}

TEST(CaseParser, ExplicitDomainAndPowerDensity) {
  Case c;
  const auto diags = diagnose(R"(name: fin
domain: {min: [0, 0, 0], max: "10 10 2 mm", background: water}
materials:
  water: {conductivity: 0.6, density: 997, specific_heat: 4180}
  al: {conductivity: 237, density: 2700, specific_heat: 900}
boxes:
  - {name: fin, material: al, min: [2 mm, 0, 0], max: [3 mm, 10 mm, 2 mm]}
sources:
  - {name: q, min: [2 mm, 0, 0], max: [3 mm, 10 mm, 0.5 mm], power_density: 1e9 W/m^3}
boundaries:
  - {face: xmin, type: temperature, temperature: 45 degC}
)", &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.domain.has_value());
  EXPECT_EQ(c.domain->background_material, "water");
  EXPECT_NEAR(c.domain->max_m[2], 2e-3, 1e-15);
  EXPECT_EQ(c.sources[0].kind, kelvin::HeatSource::Kind::PowerDensity);
  EXPECT_DOUBLE_EQ(c.sources[0].value, 1e9);
}

TEST(CaseParser, CoolantColdPlateAndFlowParseToSi) {
  Case c;
  const auto diags = diagnose(kColdPlate, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  const double lpm = 1e-3 / 60;  // 1 L/min in m^3/s

  ASSERT_TRUE(c.coolant.has_value());
  EXPECT_EQ(c.coolant->fluid, "PG25");
  EXPECT_EQ(c.coolant->material, "coolant");
  EXPECT_TRUE(c.coolant->constant_properties);
  EXPECT_EQ(c.coolant->mark.line, 12);

  ASSERT_TRUE(c.coldplate.has_value());
  const kelvin::ColdPlateCase& cp = *c.coldplate;
  const kelvin::ColdPlateSpec& s = cp.spec;
  EXPECT_EQ(cp.material, "copper");
  EXPECT_EQ(cp.mark.line, 13);
  EXPECT_NEAR(cp.flow_rate_m3_s, 1.6667e-5, 1e-9);
  EXPECT_NEAR(cp.flow_rate_m3_s, lpm, 1e-18);
  EXPECT_NEAR(cp.inlet_temperature_K, 313.15, 1e-12);
  EXPECT_NEAR(cp.outlet_pressure_Pa, 1e5, 1e-9);
  EXPECT_EQ(s.footprint_min_m, (std::array<double, 2>{0, 0}));
  EXPECT_NEAR(s.footprint_max_m[0], 0.055, 1e-15);
  EXPECT_NEAR(s.footprint_max_m[1], 0.055, 1e-15);
  EXPECT_NEAR(s.base_z_m, 4.375e-3, 1e-15);
  EXPECT_NEAR(s.base_thickness_m, 3e-3, 1e-15);
  EXPECT_EQ(s.fins, kelvin::ColdPlateSpec::Fins::Straight);
  EXPECT_NEAR(s.fin_thickness_m, 0.2e-3, 1e-15);
  EXPECT_NEAR(s.fin_pitch_m, 0.5e-3, 1e-15);
  EXPECT_NEAR(s.fin_height_m, 3e-3, 1e-15);
  EXPECT_NEAR(s.fin_length_m, 40e-3, 1e-15);
  EXPECT_EQ(s.fin_region_width_m, 0);
  EXPECT_NEAR(s.center_m[0], 27.5e-3, 1e-15);
  EXPECT_NEAR(s.center_m[1], 27.0e-3, 1e-15);
  EXPECT_NEAR(s.wall_thickness_m, 2e-3, 1e-15);
  EXPECT_NEAR(s.plenum_length_m, 5e-3, 1e-15);
  EXPECT_NEAR(s.cover_thickness_m, 2e-3, 1e-15);
  EXPECT_EQ(s.flow, kelvin::ColdPlateSpec::Flow::CenterInlet);
  EXPECT_NEAR(s.port_length_m, 4e-3, 1e-15);
  EXPECT_NEAR(s.port_width_m, 10e-3, 1e-15);
  EXPECT_EQ(s.cells_across_channel, 4);
  EXPECT_EQ(s.cells_across_fin, 2);
  EXPECT_EQ(s.cells_over_fin_height, 10);
  EXPECT_NEAR(s.max_cell_along_flow_m, 0.25e-3, 1e-15);

  ASSERT_EQ(c.ports.size(), 3u);
  const kelvin::FlowPort& in = c.ports[0];
  EXPECT_EQ(in.name, "in");
  EXPECT_EQ(in.kind, kelvin::FlowPort::Kind::Inlet);
  EXPECT_EQ(in.face, kelvin::Face::ZMax);
  EXPECT_TRUE(in.has_region);
  EXPECT_NEAR(in.region_min_m[0], 1e-3, 1e-15);
  EXPECT_NEAR(in.region_max_m[1], 4e-3, 1e-15);
  EXPECT_NEAR(in.flow_rate_m3_s, 0.5 * lpm, 1e-18);
  EXPECT_NEAR(in.temperature_K, 313.15, 1e-12);
  EXPECT_EQ(in.mark.line, 30);
  const kelvin::FlowPort& out = c.ports[1];
  EXPECT_EQ(out.name, "out");
  EXPECT_EQ(out.kind, kelvin::FlowPort::Kind::Outlet);
  EXPECT_EQ(out.face, kelvin::Face::XMax);
  EXPECT_NEAR(out.region_max_m[1], 12e-3, 1e-15);
  EXPECT_EQ(out.pressure_Pa, 0);
  EXPECT_EQ(c.ports[2].name, "outlet_2");  // named by position when the case does not
  EXPECT_EQ(c.ports[2].face, kelvin::Face::YMin);
  EXPECT_FALSE(c.ports[2].has_region);

  EXPECT_DOUBLE_EQ(c.flow.velocity_relaxation, 0.5);
  EXPECT_DOUBLE_EQ(c.flow.tolerance, 1e-7);
  EXPECT_EQ(c.flow.max_iterations, 500);
  EXPECT_EQ(c.flow.max_coupling_iterations, 12);
  EXPECT_DOUBLE_EQ(c.flow.temperature_tolerance_K, 1e-3);
  EXPECT_EQ(c.junction_material, "silicon");
  EXPECT_EQ(c.case_material, "copper");
  EXPECT_TRUE(c.has_flow());

  EXPECT_EQ(c.key_marks.at("coldplate.fins").line, 18);
  EXPECT_EQ(c.key_marks.at("flow.max_coupling_iterations").line, 37);
}

TEST(CaseParser, FlowDefaultsComeFromTheStructs) {
  Case c;
  const auto diags = diagnose(kPlate, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.coolant.has_value());
  EXPECT_EQ(c.coolant->fluid, "PG25");
  EXPECT_EQ(c.coolant->material, "coolant");
  EXPECT_FALSE(c.coolant->constant_properties);
  ASSERT_TRUE(c.coldplate.has_value());
  const kelvin::ColdPlateSpec defaults, &s = c.coldplate->spec;
  EXPECT_EQ(c.coldplate->material, "cu");
  EXPECT_EQ(c.coldplate->outlet_pressure_Pa, 0);
  EXPECT_EQ(s.base_thickness_m, defaults.base_thickness_m);
  EXPECT_EQ(s.fin_pitch_m, defaults.fin_pitch_m);
  EXPECT_EQ(s.fin_length_m, defaults.fin_length_m);
  EXPECT_TRUE(std::isnan(s.center_m[0]) && std::isnan(s.center_m[1]));
  EXPECT_EQ(s.flow, kelvin::ColdPlateSpec::Flow::EndToEnd);
  EXPECT_EQ(s.cells_across_channel, defaults.cells_across_channel);
  EXPECT_TRUE(c.ports.empty());  // the plate's own ports are generated later
  const kelvin::FlowCaseSettings flow_defaults;
  EXPECT_EQ(c.flow.velocity_relaxation, flow_defaults.velocity_relaxation);
  EXPECT_EQ(c.flow.max_iterations, flow_defaults.max_iterations);
  EXPECT_EQ(c.flow.temperature_tolerance_K, flow_defaults.temperature_tolerance_K);
}

TEST(CaseParser, PinFins) {
  Case c;
  const auto diags = diagnose(plate_with(9, "  fins: {type: pins, size: 0.4 mm, pitch: [1 mm, "
                                            "0.8 mm], height: 2 mm, length: 30 mm}\n"),
                              &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  const kelvin::ColdPlateSpec& s = c.coldplate->spec;
  EXPECT_EQ(s.fins, kelvin::ColdPlateSpec::Fins::Pins);
  EXPECT_NEAR(s.pin_size_m, 0.4e-3, 1e-15);
  EXPECT_NEAR(s.pin_pitch_x_m, 1e-3, 1e-15);
  EXPECT_NEAR(s.pin_pitch_y_m, 0.8e-3, 1e-15);
  EXPECT_NEAR(s.fin_height_m, 2e-3, 1e-15);
  // One pitch stands for both axes.
  ASSERT_TRUE(diagnose(plate_with(9, "  fins: {type: pins, pitch: 0.9 mm}\n"), &c).empty());
  EXPECT_NEAR(c.coldplate->spec.pin_pitch_x_m, 0.9e-3, 1e-15);
  EXPECT_NEAR(c.coldplate->spec.pin_pitch_y_m, 0.9e-3, 1e-15);
}

TEST(CaseParser, CoolantMaterialIsAddedWithPropertiesAtTheInletTemperature) {
  Case c;
  const auto diags = diagnose(kColdPlate, &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_EQ(c.materials.size(), 3u);  // copper, silicon and the coolant's, appended
  const int i = c.material_index("coolant");
  ASSERT_EQ(i, 2);
  const kelvin::Material& m = c.materials[2];
  // PG25 at 40 degC (CoolProp INCOMP::MPG-25%): k 0.486 W/m/K, rho 1009.9 kg/m^3,
  // cp 3969 J/kg/K; 0.5 % covers the rounding of these reference values.
  for (double k : m.conductivity_W_mK) EXPECT_NEAR(k, 0.486, 0.005 * 0.486);
  EXPECT_NEAR(m.density_kg_m3, 1009.9, 0.005 * 1009.9);
  EXPECT_NEAR(m.specific_heat_J_kgK, 3969, 0.005 * 3969);
  EXPECT_EQ(m.mark.line, 12);  // the coolant key

  // The first inlet's temperature wins over the cold plate's, which wins over the initial one.
  Case hot, plate, none;
  ASSERT_TRUE(diagnose(kPlate + "flow:\n  inlets:\n    - {face: zmax, flow_rate: 1 L/min, "
                                "temperature: 80 degC}\n",
                       &hot)
                  .empty());
  ASSERT_TRUE(diagnose(kPlate, &plate).empty());
  ASSERT_TRUE(diagnose(kMinimal + "initial_temperature: 80 degC\ncoolant: PG25\nflow:\n  inlets:\n"
                                  "    - {face: zmax, flow_rate: 1 L/min, temperature: 80 degC}\n"
                                  "  outlets:\n    - {face: zmin}\n",
                       &none)
                  .empty());
  const auto rho = [](const Case& x) { return x.materials.back().density_kg_m3; };
  EXPECT_LT(rho(hot), rho(plate) - 10);  // PG25 is ~25 kg/m^3 lighter at 80 than at 40 degC
  EXPECT_EQ(rho(hot), rho(none));

  // Boxes may be painted with the coolant's material without defining it.
  EXPECT_EQ(c.boxes[2].material, "coolant");
}

TEST(CaseParser, CoolantMaterialKeepsItsName) {
  Case c;
  const auto diags = diagnose(plate_with(4, "coolant: {fluid: water, material: h2o}\n"), &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(c.material_index("h2o"), 1);
  EXPECT_EQ(c.material_index("coolant"), -1);
  EXPECT_NEAR(c.materials[1].density_kg_m3, 992.2, 0.5);  // water at 40 degC
}

// ---- bad input: each produces the expected message on the expected line ---------------------

struct BadCase {
  const char* what;
  std::string yaml;
  std::string message;  // a substring of one diagnostic's message
  int line;
};

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, IsReportedWithLine) {
  const BadCase& bad = GetParam();
  const auto diags = diagnose(bad.yaml);
  const Diagnostic* d = find(diags, bad.message);
  ASSERT_NE(d, nullptr) << "expected \"" << bad.message << "\" among:\n" << dump(diags);
  EXPECT_EQ(d->line, bad.line) << d->to_string();
  EXPECT_EQ(d->file, "case.yaml");
  EXPECT_EQ(d->to_string().rfind("case.yaml:" + std::to_string(bad.line) + ":", 0), 0u);
}

const std::string kMaterials = R"(name: t
materials:
  cu: {conductivity: 400, density: 8900, specific_heat: 385}
)";
const std::string kBox = R"(boxes:
  - {name: b, material: cu, min: [0, 0, 0], max: [1 mm, 1 mm, 1 mm]}
)";
const std::string kFixed = R"(boundaries:
  - {face: zmin, type: temperature, temperature: 300 K}
)";

INSTANTIATE_TEST_SUITE_P(
    CaseParser, BadInput,
    ::testing::Values(
        BadCase{"typo_with_suggestion",
                "name: t\nmaterials:\n  cu:\n    conductivty: 1\n    density: 1\n"
                "    specific_heat: 1\n" + kBox + kFixed,
                "unknown key \"conductivty\" in material \"cu\"; did you mean \"conductivity\"?",
                4},
        BadCase{"unknown_top_level_key", kMinimal + "materals: {}\n",
                "unknown key \"materals\" in the case; did you mean \"materials\"?", 8},
        BadCase{"unknown_key_without_suggestion", kMinimal + "colour: red\n",
                "unknown key \"colour\" in the case (allowed keys: name,", 8},
        BadCase{"wrong_dimension",
                kMinimal + "sources:\n  - name: s\n    box: b\n    power: 700 K\n",
                "\"power\" in source \"s\": cannot convert \"700 K\" to a power", 11},
        BadCase{"not_a_number",
                "name: t\nmaterials:\n  cu: {conductivity: 1, density: lots, specific_heat: 1}\n" +
                    kBox + kFixed,
                "\"density\" in material \"cu\": expected a number", 3},
        BadCase{"unknown_unit", kMinimal + "initial_temperature: 300 kelvinn\n",
                "unknown unit \"kelvinn\"", 8},
        BadCase{"list_for_mapping", kMinimal + "solver: [1, 2]\n",
                "expected a mapping for solver, got a list", 8},
        BadCase{"mapping_for_list", kMaterials + "boxes: {b: 1}\n" + kFixed,
                "\"boxes\" must be a list", 4},
        BadCase{"scalar_for_vector",
                kMaterials + "boxes:\n  - name: b\n    material: cu\n    min: 0\n"
                             "    max: [1, 1, 1]\n" + kFixed,
                "\"min\" in box \"b\": expected 3 values of a length", 7},
        BadCase{"too_few_numbers_in_string",
                kMaterials + "boxes:\n  - name: b\n    material: cu\n    min: \"0 0 mm\"\n"
                             "    max: [1, 1, 1]\n" + kFixed,
                "expected 3 values of a length", 7},
        BadCase{"nan", kMinimal + "initial_temperature: .nan\n", "is not a finite number", 8},
        BadCase{"yaml_syntax", "name: t\nmaterials:\n  cu: {conductivity: 1\nboxes: []\n",
                "YAML syntax error", 4},
        BadCase{"tab_indentation", "name: t\nmaterials:\n\tcu: 1\n", "YAML syntax error", 3},
        BadCase{"two_documents", kMinimal + "---\nname: u\n", "2 YAML documents", 8},
        BadCase{"empty_file", "", "the case file is empty", 1},
        BadCase{"scalar_document", "just words\n", "expected the case to be a mapping", 1},
        BadCase{"missing_name", kMinimal.substr(8), "missing required key \"name\"", 1},
        BadCase{"missing_material_property",
                "name: t\nmaterials:\n  cu: {conductivity: 1, density: 1}\n" + kBox + kFixed,
                "material \"cu\" is missing required key \"specific_heat\"", 3},
        BadCase{"empty_value",
                "name: t\nmaterials:\n  cu:\n    conductivity:\n    density: 1\n"
                "    specific_heat: 1\n" + kBox + kFixed,
                "\"conductivity\" in material \"cu\"", 4},
        BadCase{"duplicate_key", kMinimal + "name: u\n", "duplicate key \"name\"", 8},
        BadCase{"duplicate_material",
                "name: t\nmaterials:\n  cu: {conductivity: 1, density: 1, specific_heat: 1}\n"
                "  cu: {conductivity: 2, density: 1, specific_heat: 1}\n" + kBox + kFixed,
                "duplicate material \"cu\"", 4},
        BadCase{"duplicate_box", kMaterials + kBox + kBox.substr(7) + kFixed,
                "duplicate box name \"b\"", 6},
        BadCase{"duplicate_probe",
                kMinimal + "probes:\n  - {name: p, at: [0, 0, 0]}\n  - {name: p, at: [0, 0, 0]}\n",
                "duplicate probe name \"p\"", 10},
        BadCase{"unknown_material",
                kMaterials + "boxes:\n  - {name: b, material: cuu, min: [0, 0, 0], "
                             "max: [1, 1, 1]}\n" + kFixed,
                "box \"b\": unknown material \"cuu\"; did you mean \"cu\"?", 5},
        BadCase{"unknown_source_box",
                kMinimal + "sources:\n  - {name: s, box: bb, power: 1 W}\n",
                "no box named \"bb\"; did you mean \"b\"?", 9},
        BadCase{"non_positive_conductivity",
                "name: t\nmaterials:\n  cu:\n    conductivity: [1, -1, 1]\n    density: 1\n"
                "    specific_heat: 1\n" + kBox + kFixed,
                "conductivity must be positive", 4},
        BadCase{"zero_density",
                "name: t\nmaterials:\n  cu:\n    conductivity: 1\n    density: 0 kg/m^3\n"
                "    specific_heat: 1\n" + kBox + kFixed,
                "density must be positive", 5},
        BadCase{"inverted_box",
                kMaterials + "boxes:\n  - name: b\n    material: cu\n    min: [0, 0, 2 mm]\n"
                             "    max: [1 mm, 1 mm, 1 mm]\n" + kFixed,
                "min must be less than max along every axis (not along z)", 8},
        BadCase{"box_outside_domain",
                kMinimal + "domain: {min: [0, 0, 0], max: [0.5 mm, 1 mm, 1 mm]}\n",
                "reaches outside the domain", 5},
        BadCase{"source_outside_boxes",
                kMinimal + "domain: {min: [0, 0, 0], max: [5 mm, 5 mm, 5 mm]}\n"
                           "sources:\n  - {name: s, min: [2 mm, 2 mm, 2 mm], "
                           "max: [3 mm, 3 mm, 3 mm], power: 1 W}\n",
                "does not overlap any box", 10},
        BadCase{"source_both_powers",
                kMinimal + "sources:\n  - {name: s, box: b, power: 1 W, power_density: 1}\n",
                "give either \"power\" (W) or \"power_density\"", 9},
        BadCase{"source_no_power", kMinimal + "sources:\n  - {name: s, box: b}\n",
                "needs \"power\"", 9},
        BadCase{"power_map_with_density",
                kMinimal + "sources:\n  - {name: s, box: b, power_density: 1, "
                           "power_map: {values: [[1]]}}\n",
                "a power_map needs \"power\"", 9},
        BadCase{"negative_power", kMinimal + "sources:\n  - {name: s, box: b, power: -1 W}\n",
                "power must be zero or positive", 9},
        BadCase{"ragged_power_map",
                kMinimal + "sources:\n  - name: s\n    box: b\n    power: 1\n    power_map:\n"
                           "      values:\n        - [1, 2]\n        - [1, 2, 3]\n",
                "row 2 has 3 values but row 1 has 2", 15},
        BadCase{"zero_power_map",
                kMinimal + "sources:\n  - name: s\n    box: b\n    power: 1\n"
                           "    power_map: {values: [[0, 0]]}\n",
                "power map values are all zero", 12},
        BadCase{"negative_power_map",
                kMinimal + "sources:\n  - name: s\n    box: b\n    power: 1\n"
                           "    power_map: {values: [[1, -1]]}\n",
                "power map values must be zero or positive", 12},
        BadCase{"probe_outside",
                kMinimal + "probes:\n  - name: p\n    at: [0, 0, 5 mm]\n",
                "probe \"p\" at [0, 0, 0.005] m lies outside the domain", 10},
        BadCase{"unknown_face",
                kMaterials + kBox + "boundaries:\n  - {face: top, type: adiabatic}\n",
                "unknown face \"top\"", 7},
        BadCase{"face_typo",
                kMaterials + kBox + "boundaries:\n  - {face: zmaxx, type: adiabatic}\n",
                "did you mean \"zmax\"?", 7},
        BadCase{"unknown_bc_type",
                kMaterials + kBox + "boundaries:\n  - {face: zmax, type: convective}\n",
                "unknown boundary type \"convective\"", 7},
        BadCase{"bc_missing_h",
                kMaterials + kBox + "boundaries:\n  - {face: zmax, type: convection, "
                                    "temperature: 300 K}\n",
                "of type convection is missing required key \"h\"", 7},
        BadCase{"bc_key_not_applicable",
                kMaterials + kBox + "boundaries:\n  - face: zmax\n    type: temperature\n"
                                    "    temperature: 300 K\n    h: 10\n",
                "\"h\" in boundary #1 (zmax): does not apply to a temperature boundary", 10},
        BadCase{"non_positive_h",
                kMaterials + kBox + "boundaries:\n  - face: zmax\n    type: convection\n"
                                    "    temperature: 300 K\n    h: 0 W/m^2/K\n",
                "h must be positive", 10},
        BadCase{"below_absolute_zero",
                kMaterials + kBox + "boundaries:\n  - face: zmax\n    type: temperature\n"
                                    "    temperature: -300 degC\n",
                "temperature must be above absolute zero", 9},
        BadCase{"region_outside_face",
                kMinimal + "  - face: zmax\n    type: heat_flux\n    heat_flux: 1\n"
                           "    region: {min: [0, 0], max: [2 mm, 1 mm]}\n",
                "region 0 .. 0.002 m along x reaches outside the face", 11},
        BadCase{"inverted_region",
                kMinimal + "  - face: xmax\n    type: heat_flux\n    heat_flux: 1\n"
                           "    region: {min: [1 mm, 0], max: [0, 1 mm]}\n",
                "region min must be less than max along y", 11},
        BadCase{"steady_without_fixed_temperature",
                kMaterials + kBox + "boundaries:\n  - {face: zmax, type: heat_flux, "
                                    "heat_flux: 1e4 W/m^2}\n",
                "a steady case needs at least one boundary of type temperature or convection",
                6},
        BadCase{"contact_same_material",
                kMinimal + "contact_resistances:\n  - {between: [cu, cu], resistance: 1e-6}\n",
                "needs two different materials", 9},
        BadCase{"contact_unknown_material",
                kMinimal + "contact_resistances:\n  - {between: [cu, tim], resistance: 1e-6}\n",
                "unknown material \"tim\"", 9},
        BadCase{"solver_tolerance", kMinimal + "solver:\n  tolerance: 1.5\n",
                "tolerance is a relative residual and must lie in (0, 1)", 9},
        BadCase{"solver_iterations", kMinimal + "solver:\n  max_iterations: 0\n",
                "max_iterations must be at least 1", 9},
        BadCase{"solver_iterations_not_integer", kMinimal + "solver:\n  max_iterations: 2.5\n",
                "expected a whole number", 9},
        BadCase{"mesh_cell_size", kMinimal + "mesh:\n  max_cell_size: [1 mm, 0, 1 mm]\n",
                "max_cell_size must be positive", 9},
        BadCase{"transient_end_time",
                kMinimal + "transient:\n  end_time: 0 s\n  time_step: 1 ms\n",
                "end_time must be positive", 9},
        BadCase{"transient_missing_step", kMinimal + "transient:\n  end_time: 1 s\n",
                "transient is missing required key \"time_step\"", 9},
        BadCase{"transient_steps",
                kMinimal + "transient:\n  end_time: 10 s\n  time_step: 1 ms\n  adaptive: true\n"
                           "  min_step: 2 s\n  max_step: 1 s\n",
                "min_step (2 s) must not exceed max_step (1 s)", 12},
        BadCase{"transient_scheme",
                kMinimal + "transient:\n  end_time: 10 s\n  time_step: 1 ms\n  scheme: bdf3\n",
                "unknown scheme \"bdf3\"", 11},
        BadCase{"transient_adaptive_not_bool",
                kMinimal + "transient:\n  end_time: 10 s\n  time_step: 1 ms\n  adaptive: maybe\n",
                "expected true or false", 11},
        BadCase{"no_materials", "name: t\nmaterials: {}\n" + kBox + kFixed,
                "defines no materials", 2},
        BadCase{"no_boxes", kMaterials + "boxes: []\n" + kFixed, "defines no boxes", 4}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.what); });

const std::string kPorts = "flow:\n  inlets:\n    - name: in\n      face: zmax\n"
                           "      flow_rate: 1 L/min\n      temperature: 40 degC\n"
                           "  outlets:\n    - name: out\n      face: zmin\n";

INSTANTIATE_TEST_SUITE_P(
    CaseParserFlow, BadInput,
    ::testing::Values(
        BadCase{"coolant_unknown", plate_with(4, "coolant: PX25\n"),
                "coolant: unknown coolant \"PX25\"", 4},
        BadCase{"coolant_fraction_out_of_range", plate_with(4, "coolant: PG80\n"),
                "outside the valid range 0 .. 0.6", 4},
        BadCase{"coolant_fluid_in_mapping",
                plate_with(4, "coolant:\n  material: c\n  fluid: EG\n"),
                "coolant ethylene_glycol needs a mass fraction (0 .. 0.6)", 6},
        BadCase{"coolant_key_typo", plate_with(4, "coolant: {fluid: PG25, materal: c}\n"),
                "unknown key \"materal\" in coolant; did you mean \"material\"?", 4},
        BadCase{"coolant_not_bool",
                plate_with(4, "coolant:\n  constant_properties: sometimes\n"),
                "expected true or false", 5},
        BadCase{"coolant_material_also_defined",
                "name: t\nmaterials:\n  cu: {conductivity: 400, density: 8900, "
                "specific_heat: 385}\n"
                "  coolant: {conductivity: 1, density: 1, specific_heat: 1}\n" +
                    kPlate.substr(kPlate.find("coolant:")),
                "material \"coolant\" is the coolant's material", 4},
        BadCase{"coolant_without_flow", kMinimal + "coolant: PG25\n",
                "coolant \"PG25\" is given but nothing flows", 8},
        BadCase{"coldplate_without_coolant", plate_with(4, ""),
                "a coldplate carries coolant: add a \"coolant\" section", 4},
        BadCase{"ports_without_coolant", kMinimal + kPorts,
                "flow inlets and outlets carry coolant", 9},
        BadCase{"coldplate_inlet_too_hot", plate_with(11, "  inlet_temperature: 150 degC\n"),
                "coldplate: inlet_temperature 150.0 degC", 11},
        BadCase{"coldplate_inlet_frozen", plate_with(11, "  inlet_temperature: -20 degC\n"),
                "is outside the valid range", 11},
        BadCase{"inlet_too_hot", kPlate + kPorts.substr(0, kPorts.find("40 degC")) + "120 degC\n",
                "inlet \"in\": temperature 120.0 degC", 17},
        BadCase{"initial_temperature_frozen", kPlate + "initial_temperature: -15 degC\n",
                "initial_temperature -15.0 degC", 12},
        BadCase{"coldplate_unknown_material", plate_with(6, "  material: cuu\n"),
                "coldplate: unknown material \"cuu\"; did you mean \"cu\"?", 6},
        BadCase{"coldplate_default_material_undefined", plate_with(6, ""),
                "coldplate: unknown material \"copper\"", 5},
        BadCase{"coldplate_material_is_coolant", plate_with(6, "  material: coolant\n"),
                "is the coolant's; the plate needs a solid", 6},
        BadCase{"coldplate_key_typo", plate_with(8, "  bse: 0 mm\n"),
                "unknown key \"bse\" in coldplate; did you mean \"base\"?", 8},
        BadCase{"coldplate_missing_flow_rate", plate_with(10, ""),
                "coldplate is missing required key \"flow_rate\"", 6},
        BadCase{"coldplate_missing_fins", plate_with(9, ""),
                "coldplate is missing required key \"fins\"", 6},
        BadCase{"coldplate_fins_missing_type", plate_with(9, "  fins: {pitch: 1 mm}\n"),
                "the fins of the coldplate is missing required key \"type\"", 9},
        BadCase{"coldplate_fin_type", plate_with(9, "  fins: {type: wavy}\n"),
                "unknown fin type \"wavy\"", 9},
        BadCase{"coldplate_fin_key_typo", plate_with(9, "  fins: {type: straight, pich: 1 mm}\n"),
                "unknown key \"pich\" in the fins of the coldplate; did you mean \"pitch\"?", 9},
        BadCase{"coldplate_fin_key_not_applicable",
                plate_with(9, "  fins:\n    type: pins\n    thickness: 1 mm\n"),
                "\"thickness\" in the fins of the coldplate: does not apply to pins", 11},
        BadCase{"coldplate_flow_rate_units", plate_with(10, "  flow_rate: 1 kg/s\n"),
                "cannot convert \"1 kg/s\" to a volume", 10},
        BadCase{"coldplate_flow_rate_zero", plate_with(10, "  flow_rate: 0 L/min\n"),
                "coldplate: flow_rate must be positive", 10},
        BadCase{"coldplate_footprint_string_too_short",
                plate_with(7, "  footprint: {min: \"0 mm\", max: \"55 55 mm\"}\n"),
                "expected 2 values of a length", 7},
        BadCase{"coldplate_footprint_inverted",
                plate_with(7, "  footprint:\n    min: [0, 0]\n    max: [55 mm, 0]\n"),
                "coldplate: footprint_max must exceed footprint_min along y", 9},
        BadCase{"coldplate_fin_pitch_layout",
                plate_with(9, "  fins:\n    type: straight\n    thickness: 0.5 mm\n"
                              "    pitch: 0.5 mm\n"),
                "coldplate: fin_pitch (0.5 mm) must exceed fin_thickness", 12},
        BadCase{"coldplate_port_too_long", kPlate + "  ports:\n    length: 6 mm\n",
                "coldplate: port_length (6 mm) must not exceed plenum_length", 13},
        BadCase{"coldplate_base_thickness", kPlate + "  base_thickness: 0 mm\n",
                "coldplate: base_thickness must be a positive finite length", 12},
        BadCase{"coldplate_cells", kPlate + "  mesh:\n    cells_across_channel: 0\n",
                "coldplate: cells_across_channel must be at least 1", 13},
        BadCase{"coldplate_layout_default_key", kPlate + "  wall_thickness: 20 mm\n",
                "coldplate: fin_length (40 mm) plus two plenum_length", 9},
        BadCase{"coldplate_center", kPlate + "  center: [27.5 mm, 1 mm]\n",
                "coldplate: center y (1 mm) leaves no room for fins", 12},
        BadCase{"coldplate_port_layout", kPlate + "  ports: {layout: center}\n",
                "unknown port layout \"center\" (end_to_end or center_inlet); did you mean "
                "\"center_inlet\"?", 12},
        BadCase{"coldplate_not_on_top",
                kPlate + "boxes:\n  - {name: b, material: cu, min: [0, 0, 0], "
                         "max: [1 mm, 1 mm, 10 mm]}\n",
                "coldplate: its ports open on the top of its cover at z = 0.007 m", 5},
        BadCase{"coldplate_outside_domain",
                kPlate + "domain: {min: [0, 0, 0], max: [55 mm, 50 mm, 7 mm], background: cu}\n",
                "coldplate [[0, 0, 0] m .. [0.055, 0.055, 0.007] m] reaches outside the domain", 5},
        BadCase{"inlets_without_outlets", kMinimal + "coolant: PG25\n" +
                                              kPorts.substr(0, kPorts.find("  outlets")),
                "the coolant needs a way out", 10},
        BadCase{"outlets_without_inlets",
                kMinimal + "coolant: PG25\nflow:\n  outlets:\n    - {face: zmax}\n",
                "outlets without an inlet carry no flow", 10},
        BadCase{"inlet_missing_temperature",
                kPlate + "flow:\n  inlets:\n    - {face: zmax, flow_rate: 1 L/min}\n",
                "inlet #1 is missing required key \"temperature\"", 14},
        BadCase{"inlet_missing_face",
                kPlate + "flow:\n  inlets:\n    - {flow_rate: 1 L/min, temperature: 300 K}\n",
                "inlet #1 is missing required key \"face\"", 14},
        BadCase{"outlet_missing_face", kPlate + "flow:\n  outlets:\n    - {name: o}\n",
                "outlet \"o\" is missing required key \"face\"", 14},
        BadCase{"outlet_with_flow_rate",
                kPlate + "flow:\n  outlets:\n    - {face: zmax, flow_rate: 1 L/min}\n",
                "unknown key \"flow_rate\" in outlet #1 (allowed keys: name, face, region, "
                "pressure)", 14},
        BadCase{"inlet_flow_rate_negative",
                kPlate + kPorts.substr(0, kPorts.find("      flow_rate")) +
                    "      flow_rate: -1 L/min\n      temperature: 40 degC\n",
                "inlet \"in\": flow_rate must be positive", 16},
        BadCase{"inlet_unknown_face",
                kPlate + "flow:\n  inlets:\n    - name: in\n      face: top\n"
                         "      flow_rate: 1 L/min\n      temperature: 40 degC\n",
                "\"face\" in inlet \"in\": unknown face \"top\"", 15},
        BadCase{"inlet_region_outside_face",
                kPlate + "flow:\n  inlets:\n    - name: in\n      face: zmax\n"
                         "      region: {min: [0, 0], max: [60 mm, 5 mm]}\n"
                         "      flow_rate: 1 L/min\n      temperature: 40 degC\n",
                "inlet \"in\": region 0 .. 0.06 m along x reaches outside the face", 16},
        BadCase{"outlet_region_inverted",
                kPlate + "flow:\n  outlets:\n    - name: out\n      face: xmax\n"
                         "      region: {min: [5 mm, 0], max: [1 mm, 1 mm]}\n",
                "outlet \"out\": region min must be less than max along y", 16},
        BadCase{"duplicate_port_name",
                kPlate + "flow:\n  inlets:\n    - {name: p, face: zmax, flow_rate: 1 L/min, "
                         "temperature: 300 K}\n  outlets:\n    - {name: p, face: zmin}\n",
                "duplicate inlet or outlet name \"p\"", 16},
        BadCase{"inlets_not_a_list", kPlate + "flow:\n  inlets: {face: zmax}\n",
                "\"flow.inlets\" must be a list", 13},
        BadCase{"flow_key_typo", kPlate + "flow:\n  relaxtion: 0.5\n",
                "unknown key \"relaxtion\" in flow; did you mean \"relaxation\"?", 13},
        BadCase{"flow_relaxation", kPlate + "flow:\n  relaxation: 1.5\n",
                "flow: relaxation must lie in (0, 1], got 1.5", 13},
        BadCase{"flow_relaxation_zero", kPlate + "flow:\n  relaxation: 0\n",
                "flow: relaxation must lie in (0, 1]", 13},
        BadCase{"flow_tolerance", kPlate + "flow:\n  relaxation: 1\n  tolerance: 0\n",
                "flow: tolerance must be positive", 14},
        BadCase{"flow_iterations", kPlate + "flow:\n  max_iterations: 0\n",
                "flow: max_iterations must be at least 1", 13},
        BadCase{"flow_coupling_iterations", kPlate + "flow:\n  max_coupling_iterations: -2\n",
                "flow: max_coupling_iterations must be at least 1", 13},
        BadCase{"flow_temperature_tolerance_units",
                kPlate + "flow:\n  temperature_tolerance: 1e-4 W\n",
                "cannot convert \"1e-4 W\" to a temperature difference", 13},
        BadCase{"flow_temperature_tolerance", kPlate + "flow:\n  temperature_tolerance: 0 K\n",
                "flow: temperature_tolerance must be positive", 13},
        BadCase{"junction_material", kMinimal + "junction_material: si\n",
                "junction_material: unknown material \"si\"", 8},
        BadCase{"case_material", kMinimal + "case_material: cuu\n",
                "case_material: unknown material \"cuu\"; did you mean \"cu\"?", 8},
        BadCase{"case_material_not_a_name", kMinimal + "case_material: [cu]\n",
                "\"case_material\": expected a name", 8},
        BadCase{"top_level_typo", kMinimal + "coldplat: {}\n",
                "unknown key \"coldplat\" in the case; did you mean \"coldplate\"?", 8}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.what); });

TEST(CaseParser, SteadyFlowNeedsNoFixedTemperature) {
  // The inlet fixes the temperature level; without flow the same case would be reported.
  EXPECT_TRUE(diagnose(kPlate).empty()) << dump(diagnose(kPlate));
}

TEST(CaseParser, BadCoolantIsReportedOnce) {
  // An unknown fluid gives the derived material no properties; only the fluid is reported.
  const auto diags = diagnose(plate_with(4, "coolant: PX25\n"));
  EXPECT_EQ(diags.size(), 1u) << dump(diags);
}

TEST(CaseParser, CoolantMaterialMissingFromCaseBuiltInCode) {
  Case c;
  ASSERT_TRUE(diagnose(kPlate, &c).empty());
  c.materials.pop_back();  // as a case built in code that forgot it
  std::vector<Diagnostic> diags;
  kelvin::check_case(c, diags);
  EXPECT_NE(find(diags, "its material \"coolant\" is not among the case's materials"), nullptr)
      << dump(diags);
}

TEST(CaseParser, ReportsEveryErrorAtOnce) {
  const auto diags = diagnose(R"(name: t
materials:
  cu: {conductivity: -1, density: 1 kg, specific_heat: 1}
boxes:
  - {name: b, material: cuu, min: [0, 0, 0], max: [1, 1, 1]}
boundaries:
  - {face: zmin, type: temperature, temperature: 300 K, hh: 3}
solver: {tolerance: 2}
)");
  EXPECT_NE(find(diags, "conductivity must be positive"), nullptr) << dump(diags);
  EXPECT_NE(find(diags, "cannot convert \"1 kg\" to a density"), nullptr) << dump(diags);
  EXPECT_NE(find(diags, "unknown material \"cuu\""), nullptr) << dump(diags);
  EXPECT_NE(find(diags, "unknown key \"hh\""), nullptr) << dump(diags);
  EXPECT_NE(find(diags, "tolerance is a relative residual"), nullptr) << dump(diags);
}

TEST(CaseParser, InvalidValueIsReportedOnce) {
  // The parser reports the bad unit; check_case must not add "density must be positive" for
  // the default it left behind.
  const auto diags = diagnose(
      "name: t\nmaterials:\n  cu: {conductivity: 1, density: 1 kg, specific_heat: 1}\n" + kBox +
      kFixed);
  EXPECT_EQ(diags.size(), 1u) << dump(diags);
}

TEST(CaseParser, StrayCommaIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll loops forever on these (found by the fuzzer).
  for (const char* text : {",", ",a", "{a: 1},", "name: t\n---\n,"}) {
    const auto diags = diagnose(text);
    ASSERT_NE(find(diags, "YAML syntax error: unexpected \",\""), nullptr) << text << dump(diags);
  }
}

TEST(CaseParser, DeepNestingIsASyntaxError) {
  const auto diags = diagnose(std::string(100000, '['));
  ASSERT_NE(find(diags, "nested too deeply"), nullptr) << dump(diags);
}

TEST(CaseParser, DiagnosticFormat) {
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 7, "bad"}).to_string(), "a.yaml:3:7: bad");
  EXPECT_EQ((Diagnostic{"a.yaml", 0, 0, "bad"}).to_string(), "a.yaml: bad");
}

TEST(CaseParser, FaceNames) {
  EXPECT_STREQ(kelvin::face_name(kelvin::Face::XMin), "xmin");
  EXPECT_STREQ(kelvin::face_name(kelvin::Face::ZMax), "zmax");
}

TEST(CaseParser, CheckCaseOnCaseBuiltInCode) {
  Case c;
  c.file = "built.yaml";
  std::vector<Diagnostic> diags;
  kelvin::check_case(c, diags);
  ASSERT_NE(find(diags, "defines no materials"), nullptr) << dump(diags);
  EXPECT_EQ(find(diags, "defines no materials")->file, "built.yaml");
  // no mark of its own: reported at the start of the document, so every line is FILE:LINE:COL
  EXPECT_EQ(find(diags, "defines no materials")->line, 1);
  EXPECT_EQ(find(diags, "defines no materials")->column, 1);
}

// ---- round trip ---------------------------------------------------------------------------

TEST(CaseParser, ResolvedYamlRoundTrips) {
  const std::string pins =
      plate_with(9, "  fins: {type: pins, size: 0.4 mm, pitch: [1 mm, 0.8 mm]}\n") +
      "flow: {relaxation: 0.9}\n";
  for (const std::string& text : {kMinimal, kPackage, kColdPlate, kPlate, pins}) {
    Case first;
    ASSERT_TRUE(diagnose(text, &first).empty()) << text;
    const std::string resolved = kelvin::resolved_case_yaml(first);
    Case second;
    const auto diags = diagnose(resolved, &second);
    ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
    EXPECT_EQ(kelvin::testing::case_difference(first, second), "") << resolved;
    EXPECT_EQ(flow_difference(first, second), "") << resolved;
    // And it is a fixed point.
    EXPECT_EQ(kelvin::resolved_case_yaml(second), resolved);
  }
}

TEST(CaseParser, ResolvedYamlIsSi) {
  Case c;
  diagnose(kPackage, &c);
  const std::string resolved = kelvin::resolved_case_yaml(c);
  EXPECT_NE(resolved.find("initial_temperature: 313.15"), std::string::npos) << resolved;
  EXPECT_EQ(resolved.find("degC"), std::string::npos) << resolved;
  EXPECT_EQ(resolved.find("box: die"), std::string::npos) << resolved;  // expanded to min/max
  EXPECT_EQ(resolved.find("coolant"), std::string::npos) << resolved;  // no flow, no sections
  EXPECT_EQ(resolved.find("flow"), std::string::npos) << resolved;
}

TEST(CaseParser, ResolvedYamlOfFlowIsSi) {
  Case c;
  ASSERT_TRUE(diagnose(kColdPlate, &c).empty());
  const std::string resolved = kelvin::resolved_case_yaml(c);
  for (const char* unit : {"L/min", "degC", "mm", "bar"})
    EXPECT_EQ(resolved.find(unit), std::string::npos) << unit << "\n" << resolved;
  EXPECT_NE(resolved.find("inlet_temperature: 313.15"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("outlet_pressure: 1e+05"), std::string::npos) << resolved;
  // The coolant's material is derived again on reading, so it is not written out.
  const auto materials = resolved.find("materials:");
  const auto boxes = resolved.find("boxes:");
  ASSERT_NE(materials, std::string::npos);
  EXPECT_EQ(resolved.substr(materials, boxes - materials).find("coolant"), std::string::npos)
      << resolved;
}

// ---- files ----------------------------------------------------------------------------------

class CaseFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    // The process id keeps parallel ctest runs of the same test apart.
    m_dir = std::filesystem::temp_directory_path() /
            ("kelvin_case_parser_" + std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir / name, std::ios::binary) << text;
    return (m_dir / name).string();
  }
  std::filesystem::path m_dir;
};

TEST_F(CaseFiles, LoadCaseReadsPowerMapFileRelativeToTheCase) {
  write("map.csv", "# weights\n1, 2, 3\n4 5 6\n\n");
  const std::string path =
      write("case.yaml", kMinimal + "sources:\n  - {name: s, box: b, power: 5 W, "
                                    "power_map: {file: map.csv}}\n");
  const Case c = kelvin::load_case(path);
  EXPECT_EQ(c.file, path);
  ASSERT_TRUE(c.sources.at(0).power_map.has_value());
  EXPECT_EQ(c.sources[0].power_map->rows, 2);
  EXPECT_EQ(c.sources[0].power_map->cols, 3);
  EXPECT_EQ(c.sources[0].power_map->values, (std::vector<double>{1, 2, 3, 4, 5, 6}));

  // The resolved YAML carries the values, so it no longer needs the CSV file.
  std::vector<Diagnostic> diags;
  const Case again = kelvin::parse_case(kelvin::resolved_case_yaml(c), "", diags);
  EXPECT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(kelvin::testing::case_difference(c, again), "");
}

TEST_F(CaseFiles, BadPowerMapFile) {
  write("map.csv", "1, 2\n3, x\n");
  const std::string path = write(
      "case.yaml", kMinimal + "sources:\n  - {name: s, box: b, power: 5 W, "
                              "power_map: {file: map.csv}}\n  - {name: s2, box: b, power: 5 W, "
                              "power_map: {file: nowhere.csv}}\n");
  try {
    kelvin::load_case(path);
    FAIL() << "expected CaseLoadError";
  } catch (const kelvin::CaseLoadError& e) {
    ASSERT_EQ(e.diagnostics.size(), 2u) << e.what();
    EXPECT_NE(e.diagnostics[0].message.find("line 2: \"x\" is not a number"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.diagnostics[0].line, 9);
    EXPECT_NE(e.diagnostics[1].message.find("nowhere.csv"), std::string::npos) << e.what();
  }
}

TEST_F(CaseFiles, FileReadingCanBeDisabled) {
  write("map.csv", "1\n");
  std::vector<Diagnostic> diags;
  kelvin::ParseOptions options;
  options.read_files = false;
  kelvin::parse_case(kMinimal + "sources:\n  - {name: s, box: b, power: 5 W, "
                                "power_map: {file: map.csv}}\n",
                     (m_dir / "case.yaml").string(), diags, options);
  ASSERT_NE(find(diags, "reading files is disabled"), nullptr) << dump(diags);
}

TEST_F(CaseFiles, LoadCaseThrowsWithEveryDiagnostic) {
  const std::string path = write("bad.yaml", "name: t\nmaterials: {}\nboxes: []\n");
  try {
    kelvin::load_case(path);
    FAIL() << "expected CaseLoadError";
  } catch (const kelvin::CaseLoadError& e) {
    EXPECT_GE(e.diagnostics.size(), 3u) << e.what();
    // Sorted by position, like a compiler's output.
    EXPECT_TRUE(std::is_sorted(e.diagnostics.begin(), e.diagnostics.end(),
                               [](const Diagnostic& a, const Diagnostic& b) {
                                 return a.line < b.line;
                               }))
        << e.what();
    EXPECT_NE(std::string(e.what()).find(path + ":2:"), std::string::npos) << e.what();
  }
}

TEST_F(CaseFiles, LoadCaseOfMissingFile) {
  try {
    kelvin::load_case((m_dir / "nope.yaml").string());
    FAIL() << "expected CaseLoadError";
  } catch (const kelvin::CaseLoadError& e) {
    ASSERT_EQ(e.diagnostics.size(), 1u);
    EXPECT_NE(e.diagnostics[0].message.find("cannot read"), std::string::npos);
  }
  // A directory is not a case file either.
  EXPECT_THROW(kelvin::load_case(m_dir.string()), kelvin::CaseLoadError);
}

TEST(CaseParser, DocumentationExampleIsValid) {
  // The first ```yaml block of the README's "Case format" section is the example users copy.
  const std::string doc = read_file(KELVIN_SOURCE_DIR "/README.md");
  const auto begin = doc.find("```yaml\n", doc.find("## Case format"));
  ASSERT_NE(begin, std::string::npos);
  const auto end = doc.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  Case c;
  const auto diags = diagnose(doc.substr(begin + 8, end - begin - 8), &c);
  EXPECT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(c.name, "h100-package");
}

// ---- fuzz corpus as a regression test -------------------------------------------------------

TEST(CaseParser, EveryFuzzCorpusFileParsesWithoutThrowing) {
  const std::filesystem::path corpus = KELVIN_SOURCE_DIR "/tests/fuzz/corpus";
  ASSERT_TRUE(std::filesystem::is_directory(corpus)) << corpus;
  kelvin::ParseOptions options;
  options.read_files = false;  // as in the fuzzer
  int files = 0, valid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = read_file(entry.path());
    const std::string name = entry.path().filename().string();
    std::vector<Diagnostic> diags;
    Case c;
    ASSERT_NO_THROW({
      c = kelvin::parse_case(text, name, diags, options);
      kelvin::check_case(c, diags);
    }) << name;
    for (const auto& d : diags) EXPECT_FALSE(d.message.empty()) << name;
    // Seeds named valid_* are examples of correct cases and must stay correct.
    if (name.rfind("valid_", 0) == 0) {
      EXPECT_TRUE(diags.empty()) << name << "\n" << dump(diags);
    }
    if (!diags.empty()) continue;
    ++valid;
    std::vector<Diagnostic> again_diags;
    const Case again =
        kelvin::parse_case(kelvin::resolved_case_yaml(c), name, again_diags, options);
    kelvin::check_case(again, again_diags);
    EXPECT_TRUE(again_diags.empty()) << name << "\n" << dump(again_diags);
    EXPECT_EQ(kelvin::testing::case_difference(c, again), "") << name;
  }
  EXPECT_GT(files, 10);
  EXPECT_GT(valid, 0);
}
