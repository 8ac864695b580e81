// Bad case files: every problem reported with its line, once, all at once.
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
  kelvin_test::expect_reported_at(diags, bad.message, bad.line);
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
        BadCase{"solver_multigrid_precision", kMinimal + "solver:\n  multigrid_precision: half\n",
                "unknown precision \"half\" (single or double)", 9},
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
        BadCase{"user_fluid_missing_range",
                plate_with(4, "coolant:\n  fluid: {name: oil, density: 850, specific_heat: 2000, "
                              "conductivity: 0.13, viscosity: 5 mPa*s}\n"),
                "the coolant's fluid is missing required key \"valid_range\"", 5},
        BadCase{"user_fluid_table_and_constants",
                plate_with(4, "coolant:\n  fluid:\n    name: oil\n    density: 850\n    table: "
                              "{temperature: \"0 50 degC\", density: \"860 840 kg/m^3\", "
                              "specific_heat: \"2000 2100 J/kg/K\", conductivity: \"0.13 0.12 "
                              "W/m/K\", viscosity: \"9 4 mPa*s\"}\n"),
                "give either constant properties with a valid_range or a table", 6},
        BadCase{"user_fluid_column_length",
                plate_with(4, "coolant:\n  fluid:\n    name: oil\n    table:\n      temperature: "
                              "\"0 25 50 degC\"\n      density: \"860 840 kg/m^3\"\n      "
                              "specific_heat: \"2000 2050 2100 J/kg/K\"\n      conductivity: "
                              "\"0.13 0.125 0.12 W/m/K\"\n      viscosity: \"9 6 4 mPa*s\"\n"),
                "\"density\" in the coolant's fluid table: expected 3 values of a density", 9},
        BadCase{"user_fluid_viscosity_rises",
                plate_with(4, "coolant:\n  fluid:\n    name: oil\n    table:\n      temperature: "
                              "\"0 25 50 degC\"\n      density: \"860 850 840 kg/m^3\"\n      "
                              "specific_heat: \"2000 2050 2100 J/kg/K\"\n      conductivity: "
                              "\"0.13 0.125 0.12 W/m/K\"\n      viscosity: \"9 6 7 mPa*s\"\n"),
                "coolant: fluid \"oil\": viscosity must fall as temperature rises (a liquid's "
                "does): 6 mPa*s at 25.0 degC, 7 mPa*s at 50.0 degC",
                5},
        BadCase{"user_fluid_viscosity_unit", plate_with(4, "coolant:\n  fluid: {name: oil, "
                                                          "density: 850, specific_heat: 2000, "
                                                          "conductivity: 0.13, viscosity: 5 "
                                                          "W/m/K, valid_range: \"0 50 degC\"}\n"),
                "a dynamic viscosity", 5},
        BadCase{"user_fluid_inlet_outside_range",
                plate_with(4, "coolant:\n  fluid: {name: oil, density: 850, specific_heat: 2000, "
                              "conductivity: 0.13, viscosity: 5 mPa*s, valid_range: \"0 30 degC\"}\n"),
                "is outside the valid range 0 .. 30 degC of oil (user-defined)", 12},
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
        BadCase{"flow_algorithm", kPlate + "flow:\n  algorithm: coupeld\n",
                "\"algorithm\" in flow: unknown algorithm \"coupeld\" (one of simplec, coupled); did you "
                "mean \"coupled\"?", 13},
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

