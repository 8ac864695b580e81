#pragma once
// The case text the loop and facility case-layer tests start from: a copper lid under a
// generated cold plate (16 lines; the tests' line numbers count from it), the four GPUs on two
// trays of two that loop and facility sections are built around, and the real TMY3 year shipped
// with Kelvin (data/weather/README.md).
#include <string>

namespace kelvin_test {

inline const std::string kLidUnderPlate = R"(name: rack
mesh: {max_cell_size: 3 mm}
materials:
  cu: {conductivity: 400, density: 8900, specific_heat: 385}
boxes:
  - {name: lid, material: cu, min: [0, 0, -2 mm], max: [55 mm, 55 mm, 0]}
sources:
  - {name: die, box: lid, power: 500 W}
coolant: PG25
coldplate:
  material: cu
  footprint: {min: [0, 0], max: "55 55 mm"}
  base: 0 mm
  fins: {type: straight}
  flow_rate: 1 L/min
  inlet_temperature: 40 degC
)";

/// Four GPUs on the lid's die (line 17 after kLidUnderPlate).
inline const std::string kFourGpus = "gpus: {count: 4, die_source: die}\n";

/// Two trays of two GPUs (3 lines).
inline const std::string kTwoTrays = "loop:\n  trays: 2\n  gpus_per_tray: 2\n";

inline const std::string kWeatherYear = std::string(KELVIN_SOURCE_DIR) + "/data/weather/723170TYA.CSV";

/// A facility section with only its weather (2 lines).
inline std::string facility_with_weather() { return "facility:\n  weather: \"" + kWeatherYear + "\"\n"; }

}  // namespace kelvin_test
