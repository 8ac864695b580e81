#pragma once
// Case files small enough for run-level tests on two cores (a few thousand cells, a second or
// less each): a coolant channel with a rib over a heated copper plate, a three-layer conduction
// stack, and the lumped GPU block of tests/data/lumped_gpu.yaml with edits.
#include <string>
#include <vector>

#include "case_runner.hpp"

namespace kelvin_test {

/// Water through a 10 x 4 x 2 mm channel over a 1 mm copper plate heated with 5 W, in through
/// the top at one end and out at the other, round a rib: 1 920 cells, a steady conjugate solve
/// in about 0.5 s. flow_rate as text ("0.5 L/min"); flow_keys go into the flow section, one
/// per line ("tolerance: 1e-14\n  max_iterations: 100000"); extra is appended to the file.
inline std::string turn_duct_case(const std::string& flow_rate = "0.5 L/min",
                                  const std::string& flow_keys = "",
                                  const std::string& extra = "") {
  return "name: turn-duct\n"
         "initial_temperature: 30 degC\n"
         "mesh: {max_cell_size: [0.5 mm, 0.5 mm, 0.25 mm]}\n"
         "materials:\n"
         "  copper: {conductivity: 390 W/m/K, density: 8933 kg/m^3, specific_heat: 385 J/kg/K}\n"
         "boxes:\n"
         "  - {name: plate, material: copper, min: \"0 0 0 mm\", max: \"10 4 1 mm\"}\n"
         "  - {name: duct, material: coolant, min: \"0 0 1 mm\", max: \"10 4 3 mm\"}\n"
         "  - {name: rib, material: copper, min: \"4.5 0 1 mm\", max: \"5.5 4 2.5 mm\"}\n"
         "sources:\n"
         "  - {name: heater, box: plate, power: 5 W}\n"
         "coolant: {fluid: water, material: coolant}\n"
         "junction_material: copper\n"
         "flow:\n"
         "  inlets: [{name: in, face: zmax, region: {min: [0, 0], max: [2 mm, 4 mm]}, flow_rate: " +
         flow_rate + ", temperature: 30 degC}]\n"
         "  outlets: [{name: out, face: zmax, region: {min: [8 mm, 0], max: [10 mm, 4 mm]}, pressure: 0 Pa}]\n" +
         (flow_keys.empty() ? "" : "  " + flow_keys + "\n") + extra;
}

/// A 20 x 20 mm three-layer stack (copper, TIM, silicon with 50 W) cooled from below: 3 200
/// cells of steady conduction. solver_keys go into the solver section.
inline std::string stack_case(const std::string& solver_keys = "tolerance: 1e-10") {
  return "name: stack\n"
         "mesh: {max_cell_size: [1 mm, 1 mm, 0.25 mm]}\n"
         "materials:\n"
         "  copper: {conductivity: 390 W/m/K, density: 8933 kg/m^3, specific_heat: 385 J/kg/K}\n"
         "  tim: {conductivity: 3 W/m/K, density: 2500 kg/m^3, specific_heat: 800 J/kg/K}\n"
         "  silicon: {conductivity: 148 W/m/K, density: 2330 kg/m^3, specific_heat: 712 J/kg/K}\n"
         "boxes:\n"
         "  - {name: base, material: copper, min: \"0 0 0 mm\", max: \"20 20 2 mm\"}\n"
         "  - {name: tim, material: tim, min: \"0 0 2 mm\", max: \"20 20 2.5 mm\"}\n"
         "  - {name: die, material: silicon, min: \"0 0 2.5 mm\", max: \"20 20 4 mm\"}\n"
         "sources:\n"
         "  - {name: die_power, box: die, power: 50 W}\n"
         "boundaries:\n"
         "  - {face: zmin, type: convection, h: 5000 W/m^2/K, temperature: 40 degC}\n"
         "solver: {" + solver_keys + "}\n";
}

/// tests/data/lumped_gpu.yaml with each (from, to) replaced once.
inline std::string lumped_gpu_case(const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = read_text(fs::path(KELVIN_SOURCE_DIR) / "tests/data/lumped_gpu.yaml");
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace kelvin_test
