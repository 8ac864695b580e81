// Every case's -ci variant, run through the kelvin executable as a user would.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "case_runner.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/coupling/problem_setup.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

using kelvin_test::case_path;
using kelvin_test::read_json;
using kelvin_test::run_case;

// Composite wall: every cell equals the analytic piecewise-linear profile to 1e-8 relative,
// and the heat flow equals (T_left - T_right) A / (L1/k1 + L2/k2).
TEST(Cases, CompositeWallCiMatchesAnalyticAnswer) {
  const auto out = run_case("composite-wall-ci");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  const double R = 0.010 / 0.4 + 0.030 / 400, q = 80.0 / R;
  EXPECT_NEAR(s["energy_balance"]["heat_in_W"].get<double>(), q * 1e-4, 1e-8 * q * 1e-4);
  const std::string h5 = (out / "results.h5").string();
  const auto T = kelvin::h5_read_vector(h5, "fields/temperature_K");
  const auto xf = kelvin::h5_read_vector(h5, "grid/x_faces_m");
  const auto dims = kelvin::h5_read_dims(h5, "fields/temperature_K");
  ASSERT_EQ(dims.size(), 3u);
  const std::size_t nx = dims[2];
  ASSERT_EQ(nx + 1, xf.size());
  double worst = 0;
  for (std::size_t c = 0; c < T.size(); ++c) {
    const double x = 0.5 * (xf[c % nx] + xf[c % nx + 1]);
    const double exact = x < 0.010 ? 373.15 - q * x / 0.4 : 373.15 - q * 0.010 / 0.4 - q * (x - 0.010) / 400;
    worst = std::max(worst, std::fabs(T[c] - exact) / exact);
  }
  EXPECT_LT(worst, 1e-8);
  // Probes read the profile at their points, not at the centres of their cells: on the face
  // between the layers, 10 um from it (0.9 K from its cell's centre value) and mid-cell.
  const std::map<std::string, double> at{{"interface", 0.00999}, {"polymer_mid", 0.0051},
                                         {"interface_face", 0.010}, {"copper_quarter", 0.0173}};
  for (const auto& [name, x] : at) {
    const double exact = x < 0.010 ? 373.15 - q * x / 0.4 : 373.15 - q * 0.010 / 0.4 - q * (x - 0.010) / 400;
    EXPECT_NEAR(s["probes"][name]["temperature_K"].get<double>(), exact, 1e-8 * exact) << name;
  }
}

TEST(Cases, H100PackageCiClosesEnergyBalanceAndWritesEverything) {
  const auto out = run_case("h100-package-ci");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_LE(s["energy_balance"]["relative_error"].get<double>(), 1e-6);
  EXPECT_NEAR(s["energy_balance"]["source_W"].get<double>(), 700.0, 1e-9);
  for (const char* key : {"backend", "cells", "iterations", "wall_time_s", "materials", "probes"})
    EXPECT_TRUE(s.contains(key)) << key;
  // The junction is the hottest point: silicon max above every probe and every other material.
  const double tj = s["materials"]["silicon"]["max_temperature_K"].get<double>();
  for (const auto& [name, m] : s["materials"].items())
    EXPECT_LE(m["max_temperature_K"].get<double>(), tj + 1e-9) << name;
  EXPECT_GT(tj, 313.15 + 10);
  // Temperatures fall from die to coolant along the stack.
  const auto& p = s["probes"];
  EXPECT_GT(p["die_active_center"]["temperature_K"].get<double>(), p["lid_center"]["temperature_K"].get<double>());
  EXPECT_GT(p["lid_center"]["temperature_K"].get<double>(), p["coldplate_top_center"]["temperature_K"].get<double>());
  EXPECT_GT(p["coldplate_top_center"]["temperature_K"].get<double>(), 313.15);
  EXPECT_TRUE(fs::exists(out / "solution.vtr"));
  const std::string h5 = (out / "results.h5").string();
  EXPECT_TRUE(kelvin::h5_exists(h5, "case/resolved_yaml"));
  // The stored case reproduces the run: it parses back to the same mesh.
  std::vector<kelvin::Diagnostic> diags;
  const auto c = kelvin::parse_case(kelvin::h5_read_string(h5, "case/resolved_yaml"), "results.h5", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(kelvin::build_case_grid(c).cell_count(), s["cells"].get<long long>());
}

TEST(Cases, H100PackagePowerOnCiWritesTimeSeriesAndSnapshots) {
  const auto out = run_case("h100-package-poweron-ci");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_LE(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-6);
  EXPECT_TRUE(fs::exists(out / "solution.pvd"));
  EXPECT_TRUE(fs::exists(out / "solution_0004.vtr"));
  std::ifstream csv(out / "timeseries.csv");
  std::string header, line, last;
  std::getline(csv, header);
  EXPECT_NE(header.find("probe_die_active_center_K"), std::string::npos);
  EXPECT_NE(header.find("max_silicon_K"), std::string::npos);
  int rows = 0;
  while (std::getline(csv, line)) last = line, ++rows;
  EXPECT_EQ(rows, s["transient"]["steps"].get<int>() + 1);
  EXPECT_EQ(std::stod(last.substr(0, last.find(','))), 2.0);
  // Heating up from the coolant temperature: the die warms monotonically in the time series.
  const auto t = kelvin::h5_read_vector((out / "results.h5").string(), "timeseries/max_silicon_K");
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_GE(t[i], t[i - 1] - 1e-9);
}

TEST(Cases, EveryShippedCaseValidates) {
  for (const auto& entry : fs::directory_iterator(std::string(KELVIN_SOURCE_DIR) + "/cases")) {
    const auto file = entry.path() / "case.yaml";
    if (!fs::exists(file)) continue;
    const std::string cmd = std::string(KELVIN_EXECUTABLE) + " validate " + file.string() + " > /dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << file;
  }
}

// The plotting script turns a transient's results into PNGs (needs Debian's python3-h5py and
// python3-matplotlib, which scripts/install-deps installs).
TEST(Cases, PostprocessPlotsTheTransient) {
  if (std::system("/usr/bin/python3 -c 'import h5py, matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-h5py / python3-matplotlib not installed";
  const auto out = run_case("h100-package-poweron-ci", "-plots");
  const std::string cmd = std::string(KELVIN_SOURCE_DIR) + "/postprocess/plot_results.py " + out.string() + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_GT(fs::file_size(out / "temperature_planes.png"), 10000u);
  EXPECT_GT(fs::file_size(out / "timeseries.png"), 10000u);
}

namespace {

std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
  return cells;
}

}  // namespace

// The flow sweep (postprocess/flow_sweep.py) on the -ci plate at two flow rates: both runs
// succeed, the CSV has one row per flow with the pressure drop more than doubling and the
// junction-to-inlet resistance falling as the flow quadruples, and the PNG is drawn.
TEST(Cases, FlowSweepTabulatesAndPlotsResistanceAndPressureDrop) {
  if (std::system("/usr/bin/python3 -c 'import numpy, matplotlib, yaml' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-numpy / python3-matplotlib / python3-yaml not installed";
  const fs::path out = fs::temp_directory_path() / "kelvin-flow-sweep";
  fs::remove_all(out);
  const std::string cmd = "/usr/bin/python3 " + std::string(KELVIN_SOURCE_DIR) +
                          "/postprocess/flow_sweep.py " + case_path("h100-coldplate-ci") +
                          " --flows 0.5,2 --constant-properties --kelvin " + KELVIN_EXECUTABLE +
                          " -o " + out.string() + " > " + out.string() + ".log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_GT(fs::file_size(out / "flow_sweep.png"), 10000u);
  std::ifstream csv(out / "flow_sweep.csv");
  std::string line;
  std::getline(csv, line);
  const auto header = csv_cells(line);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t dp = col("pressure_drop_Pa"), R = col("R_junction_to_inlet");
  ASSERT_LT(std::max(dp, R), header.size());
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line)) rows.push_back(csv_cells(line));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_GT(rows[0].size(), std::max(dp, R));
  ASSERT_GT(rows[1].size(), std::max(dp, R));
  EXPECT_GT(std::stod(rows[1][dp]), 2 * std::stod(rows[0][dp]));
  EXPECT_LT(std::stod(rows[1][R]), std::stod(rows[0][R]));
}

namespace {

/// Runs a copy of a case with one line's text replaced (e.g. another flow rate).
fs::path run_variant(const std::string& name, const std::string& from, const std::string& to,
                     const std::string& tag) {
  std::ifstream in(case_path(name));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  const fs::path dir = fs::temp_directory_path() / ("kelvin-variant-" + name + tag);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  const fs::path out = dir / "out";
  fs::remove_all(out);
  const std::string cmd = std::string(KELVIN_EXECUTABLE) + " run --quiet " + (dir / "case.yaml").string() +
                          " -o " + out.string() + " > " + (dir / "log").string() + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

}  // namespace

// Conjugate cold plate: heat in = coolant enthalpy rise + losses (0.5 %), mass conserved to
// 1e-8, the enthalpy rise equals m cp (T_out - T_in), flow spreads over every channel, and
// pressure drop and thermal resistance fall as the flow rises.
TEST(Cases, H100ColdPlateCiConservesAndRespondsToFlow) {
  const auto out = run_case("h100-coldplate-ci");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_LE(s["energy_balance"]["relative_error"].get<double>(), 5e-3);
  EXPECT_LE(s["mass_balance"]["relative_error"].get<double>(), 1e-8);
  EXPECT_LE(s["mass_balance"]["continuity_residual"].get<double>(), 1e-8);
  const double m = s["mass_balance"]["inflow_kg_s"].get<double>();
  const double Tin = s["inlet_temperature_K"].get<double>(), Tout = s["outlet_temperature_K"].get<double>();
  EXPECT_NEAR(Tin, 313.15, 1e-9);
  const double cp = s["coolant"]["at_inlet"]["specific_heat_J_kgK"].get<double>();
  const double rise = s["energy_balance"]["coolant_enthalpy_rise_W"].get<double>();
  EXPECT_NEAR(m * cp * (Tout - Tin) / rise, 1.0, 5e-3);  // cp varies 0.3 % over the rise
  EXPECT_NEAR(s["flow_rate_m3_s"].get<double>(), 1.0e-3 / 60, 1e-12);
  EXPECT_GT(s["channel_flow"]["min_fraction"].get<double>(), 0.5);
  EXPECT_LT(s["channel_flow"]["max_fraction"].get<double>(), 1.5);
  // Reynolds numbers: laminar everywhere, no warning; the busiest channel's is the largest
  // channel flow of channel_flow through the channel's cross-section.
  const json re = s["reynolds"];
  EXPECT_EQ(re["regime"], "laminar") << re.dump();
  EXPECT_TRUE(re["warnings"].empty()) << re.dump();
  ASSERT_EQ(re["regions"].size(), 5u) << re.dump();  // two ports, two plenums, the channels
  const json ch = re["regions"][4];
  EXPECT_EQ(ch["kind"], "channel");
  const double q_max = s["channel_flow"]["max_fraction"].get<double>() *
                       s["channel_flow"]["mean_kg_s"].get<double>();
  EXPECT_NEAR(ch["mass_flow_kg_s"].get<double>(), q_max, 1e-12 * q_max);
  EXPECT_NEAR(ch["reynolds"].get<double>(),
              q_max / ch["area_m2"].get<double>() * ch["hydraulic_diameter_m"].get<double>() /
                  re["viscosity_Pa_s"].get<double>(),
              1e-9 * ch["reynolds"].get<double>());
  EXPECT_GT(ch["reynolds"].get<double>(), 50);
  const double dp1 = s["pressure_drop_Pa"].get<double>();
  const double r1 = s["thermal_resistance_K_per_W"]["junction_to_inlet"].get<double>();
  EXPECT_GT(dp1, 0);
  EXPECT_GT(r1, 0);
  // ParaView fields and HDF5 datasets of the flow.
  std::ifstream vtr(out / "solution.vtr");
  std::string text((std::istreambuf_iterator<char>(vtr)), std::istreambuf_iterator<char>());
  for (const char* name : {"Name=\"velocity\"", "Name=\"pressure\"", "Name=\"coolant\""})
    EXPECT_NE(text.find(name), std::string::npos) << name;
  const std::string h5 = (out / "results.h5").string();
  for (const char* d : {"fields/velocity_x_m_s", "fields/pressure_Pa", "fields/coolant_mask"})
    EXPECT_TRUE(kelvin::h5_exists(h5, d)) << d;
  // Twice the flow: lower resistance, higher pressure drop... and the opposite at half.
  const auto out2 = run_variant("h100-coldplate-ci", "flow_rate: 1.0 L/min", "flow_rate: 2.0 L/min", "-2lpm");
  const json s2 = read_json(out2 / "summary.json");
  EXPECT_TRUE(s2["converged"].get<bool>());
  EXPECT_GT(s2["pressure_drop_Pa"].get<double>(), 1.8 * dp1);
  EXPECT_LT(s2["thermal_resistance_K_per_W"]["junction_to_inlet"].get<double>(), r1);
  EXPECT_LE(s2["energy_balance"]["relative_error"].get<double>(), 5e-3);
}

// Power-on transient of the cold plate with temperature-dependent coolant properties: the flow
// is stepped with the energy equation (FlowSolver::solve_step each step, one step behind). Each
// step closes its energy balance (heat in = storage + coolant enthalpy rise + losses) to 1e-4:
// within a step the secant heat capacities and the TVD correction are the previous step's
// (measured 5.6e-6; a steady solve iterates them out and closes to 1e-9), the
// mass flux stays conserved, the die warms monotonically from the coolant temperature, and
// the flow did iterate (properties changed every step).
TEST(Cases, H100ColdPlateCiPowerOnTransientStepsFlowAndEnergy) {
  const auto out = run_variant("h100-coldplate-ci", "junction_material: silicon",
                               "junction_material: silicon\n"
                               "transient: {end_time: 0.5 s, time_step: 20 ms, scheme: bdf2, adaptive: true,"
                               " tolerance: 0.5 K, max_step: 0.25 s, output_interval: 0.25 s}\n",
                               "-transient");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_LE(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-4);
  EXPECT_LE(s["mass_balance"]["relative_error"].get<double>(), 1e-8);
  EXPECT_LE(s["mass_balance"]["continuity_residual"].get<double>(), 1e-8);
  const int steps = s["transient"]["steps"].get<int>();
  EXPECT_GT(s["flow"]["iterations"].get<int>(), steps) << "the flow must be stepped, not frozen";
  const auto t = kelvin::h5_read_vector((out / "results.h5").string(), "timeseries/max_silicon_K");
  ASSERT_EQ(static_cast<int>(t.size()), steps + 1);
  EXPECT_NEAR(t.front(), 313.15, 1e-9);
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_GE(t[i], t[i - 1] - 1e-9);
  EXPECT_GT(t.back(), 313.15 + 10);
  EXPECT_GT(t.back(), t[t.size() - 2]) << "0.5 s is well inside the plate's warm-up";
}

// The two-die B200-like plate: converges, closes its balances, both dies below 1000 W worth
// of heating, and the hotter die is the downstream one (the coolant warms along the flow).
TEST(Cases, B200ColdPlateCiConverges) {
  const auto out = run_case("b200-coldplate-ci");
  const json s = read_json(out / "summary.json");
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_NEAR(s["energy_balance"]["source_W"].get<double>(), 1000.0, 1e-9);
  EXPECT_LE(s["energy_balance"]["relative_error"].get<double>(), 5e-3);
  EXPECT_LE(s["mass_balance"]["relative_error"].get<double>(), 1e-8);
  EXPECT_NEAR(s["flow_rate_m3_s"].get<double>(), 1.5e-3 / 60, 1e-12);
  EXPECT_GT(s["probes"]["die_b_center"]["temperature_K"].get<double>(),
            s["probes"]["die_a_center"]["temperature_K"].get<double>());
}

namespace {
/// text without its top-level blocks `keys` (each from "key:" to the next top-level key).
std::string without_blocks(const std::string& text, const std::vector<std::string>& keys) {
  std::istringstream in(text);
  std::string line, out;
  bool skipping = false;
  while (std::getline(in, line)) {
    const bool top = !line.empty() && line[0] != ' ' && line[0] != '#';
    if (top) {
      skipping = false;
      for (const auto& k : keys)
        if (line.rfind(k + ":", 0) == 0) skipping = true;
    }
    if (!skipping) out += line + "\n";
  }
  return out;
}
}  // namespace

// A flow-only cold plate (no sources, adiabatic outside, coolant at the initial temperature):
// no heat goes in, so the summary reports the imbalance in W and no relative error (whose
// round-off ratio was 1.00 before), and the imbalance is round-off.
TEST(Cases, FlowOnlyCaseReportsAbsoluteImbalanceAndNoRelativeError) {
  const std::string text = kelvin_test::read_text(case_path("h100-coldplate-ci"));
  const fs::path file = fs::temp_directory_path() / "kelvin-flow-only" / "case.yaml";
  fs::create_directories(file.parent_path());
  std::ofstream(file) << without_blocks(text, {"sources", "boundaries"});
  const fs::path out = kelvin_test::run_case_file(file.string(), "flow-only");
  const json eb = read_json(out / "summary.json")["energy_balance"];
  EXPECT_FALSE(eb.contains("relative_error")) << eb.dump();
  EXPECT_LT(std::fabs(eb["heat_in_W"].get<double>()), 1e-6);
  EXPECT_LT(std::fabs(eb["imbalance_W"].get<double>()), 1e-6);

  // The same as a transient (two steps): per-step relative errors only where heat goes in.
  std::ofstream(file) << without_blocks(text, {"sources", "boundaries", "transient"})
                      << "transient: {end_time: 0.02 s, time_step: 0.01 s}\n";
  const json tr = read_json(kelvin_test::run_case_file(file.string(), "flow-only-transient") /
                            "summary.json")["transient"];
  EXPECT_EQ(tr["max_step_energy_relative_error"].get<double>(), 0.0) << tr.dump();
  EXPECT_LT(tr["max_step_imbalance_W"].get<double>(), 1e-6) << tr.dump();
}
