// A rack whose plates all see the same conditions reproduces the single-plate answer: one tray
// of four GPUs in parallel between the same two nodes, every plate solved in 3-D in the loop
// (loop.plate_model: 3d), against the same package and plate run alone as a one-GPU board at
// the flow and inlet temperature the loop gave the tray's plates.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json run(const std::string& yaml, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("kelvin_rack3d_" + name);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << yaml;
  const std::string cmd = std::string(KELVIN_EXECUTABLE) + " run " + (dir / "case.yaml").string() +
                          " -o " + (dir / "out").string() + " --overwrite -q";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return json::parse(read_text(dir / "out" / "summary.json"));
}

/// The NVL72 -ci case cut to one tray of four GPUs, no switch trays, plates in 3-D.
std::string one_tray_3d() {
  std::string y = read_text(fs::path(KELVIN_SOURCE_DIR) / "cases/gb200-nvl72-rack-ci/case.yaml");
  y = std::regex_replace(y, std::regex("plate_model: reduced"), "plate_model: 3d");
  y = std::regex_replace(y, std::regex("trays: 18"), "trays: 1");
  y = std::regex_replace(y, std::regex("count: 72"), "count: 4");
  y = std::regex_replace(y, std::regex("switch_trays: \\{count: 9,"), "switch_trays: {count: 0,");
  y = std::regex_replace(y, std::regex("after_tray: 10\\}"), "after_tray: 1}");
  return y;
}

/// The same package and plate as a one-GPU board (no loop) fed at flow and inlet.
std::string board(double flow_m3_s, double inlet_K) {
  std::string y = read_text(fs::path(KELVIN_SOURCE_DIR) / "cases/gb200-nvl72-rack-ci/case.yaml");
  y = y.substr(0, y.find("loop:\n"));
  char flow[64], inlet[64];
  std::snprintf(flow, sizeof flow, "flow_rate: %.17g m^3/s", flow_m3_s);
  std::snprintf(inlet, sizeof inlet, "inlet_temperature: %.17g K", inlet_K);
  y = std::regex_replace(y, std::regex("flow_rate: 1.8 L/min"), flow);
  y = std::regex_replace(y, std::regex("inlet_temperature: 40 degC"), inlet);
  y = std::regex_replace(y, std::regex("count: 72"), "count: 1");
  return y;
}

}  // namespace

TEST(Rack3d, PlatesUnderTheSameConditionsGiveTheSinglePlateAnswer) {
  const json rack = run(one_tray_3d(), "tray");
  ASSERT_TRUE(rack.value("converged", false)) << rack.dump(1).substr(0, 2000);
  const json& g = rack["gpus"];
  ASSERT_EQ(g.size(), 4u);
  for (std::size_t i = 1; i < 4; ++i)
    for (const char* k : {"junction_temperature_K", "power_W", "flow_rate_m3_s", "inlet_temperature_K"})
      EXPECT_EQ(g[i][k].get<double>(), g[0][k].get<double>()) << k;  // bitwise: one shared solve
  EXPECT_EQ(rack["plates_3d"]["plate_solves"].get<int>(), rack["plates_3d"]["passes"].get<int>());
  const double q = g[0]["flow_rate_m3_s"].get<double>(), t_in = g[0]["inlet_temperature_K"].get<double>();
  const json alone = run(board(q, t_in), "board");
  const json& a = alone["gpus"][0];
  const double dt = g[0]["junction_temperature_K"].get<double>() - a["junction_temperature_K"].get<double>();
  const double dp = g[0]["power_W"].get<double>() - a["power_W"].get<double>();
  // Both solve the same 3-D plate at the same flow and inlet, but at slightly different powers
  // (the board iterates its operating point in 3-D, the rack uses R_j from its last pass): the
  // 3-D solves agree to their coupling tolerance (flow.temperature_tolerance 0.01 K on a ~50 K
  // rise: 2e-4). Measured 1.0e-4 in R_j and power, 6e-6 K in T_j (both at the 89 degC slowdown).
  EXPECT_LT(std::abs(dt), 0.01);
  EXPECT_LT(std::abs(dp) / a["power_W"].get<double>(), 2e-4);
  const double r_board = (a["junction_temperature_K"].get<double>() - t_in) / a["power_W"].get<double>();
  const double r_rack = rack["plates_3d"]["junction_resistance_K_W"][0].get<double>();
  EXPECT_NEAR(r_rack / r_board, 1.0, 2e-4);
  std::printf("one tray of 4 in 3-D: %d passes, T_j %.6f K (alone %.6f K, %+.2e K), power %.4f W "
              "(alone %.4f W), R_j %.8f K/W (alone %.8f), reduced plate off by %.2e\n",
              rack["plates_3d"]["passes"].get<int>(), g[0]["junction_temperature_K"].get<double>(),
              a["junction_temperature_K"].get<double>(), dt, g[0]["power_W"].get<double>(),
              a["power_W"].get<double>(), r_rack, r_board,
              rack["plates_3d"]["reduced_plate_junction_error"].get<double>());
}
