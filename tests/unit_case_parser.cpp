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
#include "case_parser_fixtures.hpp"
#include "tests/fuzz/case_equal.hpp"

using kelvin::Case;
using kelvin::Diagnostic;

using kelvin_test::diagnose;
using kelvin_test::dump;
using kelvin_test::find;

using namespace case_parser_fixtures;


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
  EXPECT_TRUE(c.solver.single_precision_multigrid);
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
  EXPECT_FALSE(c.solver.single_precision_multigrid);

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

  EXPECT_TRUE(c.flow.coupled);
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
  EXPECT_FALSE(c.flow.coupled);
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
  ASSERT_TRUE(diagnose(kPlate + "flow:\n  inlets:\n    - {face: zmin, flow_rate: 1 L/min, "
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

// A user-defined fluid: its constants (any unit) are the coolant material's, and it is
// constant-property by nature; a table gives the properties at the inlet temperature.
TEST(CaseParser, UserDefinedFluidsGiveTheCoolantMaterial) {
  Case c;
  auto diags = diagnose(plate_with(4, "coolant:\n  fluid: {name: oil, density: 850, "
                                      "specific_heat: 2 kJ/kg/K, conductivity: 0.13, viscosity: "
                                      "5 centipoise, valid_range: \"-10 90 degC\"}\n"),
                        &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  ASSERT_TRUE(c.coolant && c.coolant->user);
  EXPECT_EQ(c.coolant->fluid, "oil");
  EXPECT_TRUE(c.coolant->constant_properties);
  EXPECT_DOUBLE_EQ(c.coolant->user->viscosity.at(0), 5e-3);
  EXPECT_DOUBLE_EQ(c.coolant->user->t_min_K, 263.15);
  const kelvin::Material& m = c.materials.back();
  EXPECT_EQ(m.density_kg_m3, 850);
  EXPECT_EQ(m.specific_heat_J_kgK, 2000);
  EXPECT_EQ(m.conductivity_W_mK[2], 0.13);

  diags = diagnose(plate_with(4, "coolant:\n  fluid:\n    name: vendor\n    table:\n      "
                                 "temperature: \"0 40 80 degC\"\n      density: \"1040 1020 "
                                 "1000 kg/m^3\"\n      specific_heat: \"3800 3900 4000 J/kg/K\"\n"
                                 "      conductivity: \"0.40 0.42 0.44 W/m/K\"\n      "
                                 "viscosity: \"6 2 1 mPa*s\"\n"),
                   &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_FALSE(c.coolant->constant_properties);
  EXPECT_EQ(c.coolant->user->temperature_K.size(), 3u);
  // The plate's inlet is at 40 degC, a row of the table: interpolation gives the row back.
  EXPECT_NEAR(c.materials.back().density_kg_m3, 1020, 1e-9);
  EXPECT_NEAR(c.materials.back().specific_heat_J_kgK, 3900, 1e-9);
}

TEST(CaseParser, CoolantMaterialKeepsItsName) {
  Case c;
  const auto diags = diagnose(plate_with(4, "coolant: {fluid: water, material: h2o}\n"), &c);
  ASSERT_TRUE(diags.empty()) << dump(diags);
  EXPECT_EQ(c.material_index("h2o"), 1);
  EXPECT_EQ(c.material_index("coolant"), -1);
  EXPECT_NEAR(c.materials[1].density_kg_m3, 992.2, 0.5);  // water at 40 degC
}

// ---- round trip ---------------------------------------------------------------------------

TEST(CaseParser, ResolvedYamlRoundTrips) {
  const std::string pins =
      plate_with(9, "  fins: {type: pins, size: 0.4 mm, pitch: [1 mm, 0.8 mm]}\n") +
      "flow: {relaxation: 0.9}\n";
  const std::string oil = plate_with(
      4, "coolant:\n  fluid: {name: oil, density: 850, specific_heat: 2 kJ/kg/K, conductivity: "
         "0.13, viscosity: 5 mPa*s, valid_range: \"-10 90 degC\"}\n");
  const std::string table = plate_with(
      4, "coolant:\n  fluid:\n    name: vendor\n    table:\n      temperature: \"0 20 40 60 "
         "degC\"\n      density: \"1040 1032 1022 1010 kg/m^3\"\n      specific_heat: [3800, "
         "3850, 3900, 3950]\n      conductivity: \"0.40 0.41 0.42 0.43 W/m/K\"\n      "
         "viscosity: \"6 3.2 2 1.4 mPa*s\"\n");
  for (const std::string& text : {kMinimal, kPackage, kColdPlate, kPlate, pins, oil, table}) {
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
