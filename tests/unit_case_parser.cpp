#include "solver/case_parser.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/case_equal.hpp"

using kelvin::Case;
using kelvin::Diagnostic;

namespace {

/// Diagnostics of parse_case followed by check_case, as load_case would see them.
std::vector<Diagnostic> diagnose(const std::string& yaml, Case* out = nullptr) {
  std::vector<Diagnostic> diags;
  Case c = kelvin::parse_case(yaml, "case.yaml", diags);
  kelvin::check_case(c, diags);
  if (out) *out = c;
  return diags;
}

std::string dump(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += "  " + d.to_string() + "\n";
  return s;
}

/// The one diagnostic whose message contains text (fails the test if there is none).
const Diagnostic* find(const std::vector<Diagnostic>& diags, const std::string& text) {
  const auto it = std::find_if(diags.begin(), diags.end(), [&](const Diagnostic& d) {
    return d.message.find(text) != std::string::npos;
  });
  return it == diags.end() ? nullptr : &*it;
}

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
  for (const std::string& text : {kMinimal, kPackage}) {
    Case first;
    ASSERT_TRUE(diagnose(text, &first).empty());
    const std::string resolved = kelvin::resolved_case_yaml(first);
    Case second;
    const auto diags = diagnose(resolved, &second);
    ASSERT_TRUE(diags.empty()) << dump(diags) << resolved;
    EXPECT_EQ(kelvin::testing::case_difference(first, second), "") << resolved;
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
