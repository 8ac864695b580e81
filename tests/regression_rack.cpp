// The rack cases (a loop: section) through the kelvin executable: gb200-nvl72-rack-ci (steady)
// and gb200-nvl72-pump-trip-ci (every pump trips at 5 s). What a user gets: summary.json's gpus,
// loop and reduced_plate blocks, results.h5, the rack for ParaView (read back by VTK's own
// readers), the time series, and postprocess/plot_rack.py's figures.
//
// Each case runs once, in the one TEST that checks it (ctest runs every TEST in a process of its
// own): the reduced plate's 3-D fit takes a few minutes of one core, the rack well under that.
#include <gtest/gtest.h>
#include <vtkCellData.h>
#include <vtkCompositeDataSet.h>
#include <vtkDataArray.h>
#include <vtkMultiBlockDataSet.h>
#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkXMLMultiBlockDataReader.h>
#include <vtkXMLPolyDataReader.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "case_runner.hpp"
#include "solver/io/hdf5.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using kelvin_test::read_series;

namespace {

constexpr int kGpus = 72;

/// The rack's VTK files: rack.vtm holds two blocks, plates.vtp one quad per GPU with its
/// junction temperature, pipes.vtp the network's links.
void expect_rack_vtk(const fs::path& out) {
  for (const char* f : {"rack.vtm", "pipes.vtp", "plates.vtp"})
    ASSERT_TRUE(fs::exists(out / f)) << f;
  vtkNew<vtkXMLMultiBlockDataReader> vtm;
  vtm->SetFileName((out / "rack.vtm").c_str());
  vtm->Update();
  auto* blocks = vtkMultiBlockDataSet::SafeDownCast(vtm->GetOutput());
  ASSERT_NE(blocks, nullptr);
  EXPECT_EQ(blocks->GetNumberOfBlocks(), 2u);

  vtkNew<vtkXMLPolyDataReader> plates;
  plates->SetFileName((out / "plates.vtp").c_str());
  plates->Update();
  vtkPolyData* p = plates->GetOutput();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->GetNumberOfCells(), kGpus);
  vtkDataArray* tj = p->GetCellData()->GetArray("junction_temperature_K");
  ASSERT_NE(tj, nullptr);
  EXPECT_EQ(tj->GetNumberOfTuples(), kGpus);
  double range[2];
  tj->GetRange(range);
  std::printf("  plates.vtp: %lld cells, junction_temperature_K %.4f .. %.4f K\n",
              static_cast<long long>(p->GetNumberOfCells()), range[0], range[1]);
  EXPECT_GT(range[0], 313.0);
  EXPECT_LT(range[1], 400.0);

  vtkNew<vtkXMLPolyDataReader> pipes;
  pipes->SetFileName((out / "pipes.vtp").c_str());
  pipes->Update();
  std::printf("  pipes.vtp: %lld links\n",
              static_cast<long long>(pipes->GetOutput()->GetNumberOfCells()));
  EXPECT_GT(pipes->GetOutput()->GetNumberOfCells(), kGpus);
  EXPECT_NE(pipes->GetOutput()->GetCellData()->GetArray("flow_m3_s"), nullptr);
}

/// The loop block both cases share: 72 plates, 27 branches (18 compute trays + 9 switch trays),
/// pumps, and results.h5's plate flows equal to the summary's.
void expect_loop_block(const json& loop, const fs::path& out) {
  ASSERT_EQ(loop["plates"].size(), static_cast<std::size_t>(kGpus));
  ASSERT_EQ(loop["branches"].size(), 27u);
  int switches = 0;
  for (const auto& b : loop["branches"]) switches += b["compute_tray"].get<int>() < 0;
  EXPECT_EQ(switches, 9);
  ASSERT_EQ(loop["pumps"].size(), 3u);  // 2 duty + 1 standby
  const auto q = kelvin::h5_read_vector((out / "results.h5").string(), "loop/plates/flow_m3_s");
  ASSERT_EQ(q.size(), static_cast<std::size_t>(kGpus));
  for (int i = 0; i < kGpus; ++i)
    EXPECT_EQ(q[i], loop["plates"][i]["flow_m3_s"].get<double>()) << i;
}

/// Runs postprocess/plot_rack.py on out (with the project's .venv when there is one).
void expect_plots(const fs::path& out, const std::vector<std::string>& pngs) {
  const fs::path venv = fs::path(KELVIN_SOURCE_DIR) / ".venv/bin/python3";
  const std::string py = fs::exists(venv) ? venv.string() : "/usr/bin/python3";
  if (std::system((py + " -c 'import numpy, matplotlib' > /dev/null 2>&1").c_str()) != 0) {
    std::printf("  plot_rack.py not run: numpy / matplotlib missing for %s\n", py.c_str());
    return;
  }
  const std::string cmd =
      py + " " + KELVIN_SOURCE_DIR + "/postprocess/plot_rack.py " + out.string() + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const auto& png : pngs) {
    ASSERT_TRUE(fs::exists(out / png)) << png;
    std::printf("  %s: %ju bytes\n", png.c_str(),
                static_cast<std::uintmax_t>(fs::file_size(out / png)));
    EXPECT_GT(fs::file_size(out / png), 10000u) << png;
  }
}

}  // namespace

// Steady: 72 GPUs at their operating points on the loop; the CDU holds its 40 degC supply and
// the pumps the dp setpoint; the fit is the -ci plate's (0.03 % / 0.05 % when written).
TEST(RackCases, SteadyRackCi) {
  const fs::path out = kelvin_test::run_case("gb200-nvl72-rack-ci");
  const json s = kelvin_test::read_json(out / "summary.json");
  ASSERT_EQ(s["gpus"].size(), static_cast<std::size_t>(kGpus));
  EXPECT_TRUE(s["converged"].get<bool>());
  EXPECT_TRUE(s["steady"].get<bool>());
  const json& loop = s["loop"];
  const double supply = loop["supply_temperature_K"].get<double>();
  const double dp = loop["differential_pressure_Pa"].get<double>(),
               dp_set = loop["dp_setpoint_Pa"].get<double>();
  std::printf(
      "  supply %.12f K (setpoint 313.15), return %.6f K, dp %.9f Pa (setpoint %.9f Pa), "
      "CDU %.3f W, pumps %.3f W, max/min plate flow %.6f\n",
      supply, loop["return_temperature_K"].get<double>(), dp, dp_set,
      loop["cdu"]["duty_W"].get<double>(), loop["pump_electrical_W"].get<double>(),
      loop["maldistribution"]["max_over_min"].get<double>());
  EXPECT_NEAR(supply, 313.15, 1e-6);
  EXPECT_NEAR(dp, dp_set, 1e-6 * dp_set);  // the pumps' PI loop converged to its setpoint
  EXPECT_GT(loop["pump_electrical_W"].get<double>(), 0.0);
  int running = 0;
  for (const auto& p : loop["pumps"]) running += p["electrical_W"].get<double>() > 0;
  EXPECT_EQ(running, 2);  // the duty pumps; the standby one idles
  expect_loop_block(loop, out);
  // Every GPU hot enough to matter and below its shutdown, every plate carrying about the
  // design flow (1.8 L/min: reverse return keeps max/min within a few %).
  for (const auto& g : s["gpus"]) {
    EXPECT_GT(g["junction_temperature_K"].get<double>(), 330.0) << g["name"];
    EXPECT_LT(g["junction_temperature_K"].get<double>(), 373.15) << g["name"];
    EXPECT_NEAR(g["flow_rate_m3_s"].get<double>() * 6e4, 1.8, 0.1) << g["name"];
  }
  const json& fit = s["reduced_plate"];
  std::printf("  reduced plate: R_j fit %.4f %%, held out %.4f %%\n",
              100 * fit["fit_error"]["junction"].get<double>(),
              100 * fit["held_out_error"]["junction"].get<double>());
  EXPECT_LT(fit["fit_error"]["junction"].get<double>(), 0.01);
  EXPECT_LT(fit["held_out_error"]["junction"].get<double>(), 0.02);
  expect_rack_vtk(out);
  expect_plots(out, {"rack_flow.png"});
}

// Transient: at 5 s the CDU loses power and every pump coasts down. The pumps slow, the plates'
// flow falls away, the GPUs heat up and the governor throttles them; the loop's energy books
// close; every GPU's tokens add up.
TEST(RackCases, PumpTripCi) {
  const fs::path out = kelvin_test::run_case("gb200-nvl72-pump-trip-ci");
  const json s = kelvin_test::read_json(out / "summary.json");
  ASSERT_EQ(s["gpus"].size(), static_cast<std::size_t>(kGpus));
  ASSERT_TRUE(s.contains("reduced_plate"));
  expect_loop_block(s["loop"], out);
  expect_rack_vtk(out);

  const auto ts = read_series(out / "timeseries.csv");
  for (const char* col :
       {"time_s", "loop_supply_K", "loop_return_K", "loop_dp_Pa", "cdu_heat_W", "pump0_speed",
        "pump1_speed", "pump2_speed", "pump0_electrical_W", "gpu0_plate_flow_m3_s",
        "gpu71_plate_flow_m3_s", "gpu0_inlet_K", "gpu0_junction_K", "gpu0_clock_MHz"})
    ASSERT_EQ(ts.count(col), 1u) << col;
  const auto& t = ts.at("time_s");
  ASSERT_EQ(t.size(), 600u);  // one row per 0.1 s control interval over 60 s
  for (std::size_t k = 1; k < t.size(); ++k) EXPECT_NEAR(t[k] - t[k - 1], 0.1, 1e-9) << k;

  // Rows before the trip and after it; "before" is the last row whose interval ends by 5 s.
  constexpr double kTrip = 5.0;
  std::size_t before = 0, after = t.size();
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (t[k] <= kTrip - 0.1 + 1e-9) before = k;
    if (after == t.size() && t[k] >= kTrip + 1e-9) after = k;
  }
  ASSERT_LT(after, t.size());
  const std::size_t last = t.size() - 1;

  // Pumps: each one's speed never rises after the trip, and the duty pumps end far below.
  for (int p = 0; p < 3; ++p) {
    const auto& v = ts.at("pump" + std::to_string(p) + "_speed");
    for (std::size_t k = after; k <= last; ++k)
      EXPECT_LE(v[k], v[k - 1] + 1e-12) << p << " at " << t[k];
    std::printf("  pump%d speed: %.4f before the trip, %.4f at %.1f s\n", p, v[before], v[last],
                t[last]);
    if (v[before] > 0) {
      EXPECT_LT(v[last], 0.5 * v[before]) << p;
    }
  }
  // Plate flows at the end below half of what they were before the trip.
  double worst_ratio = 0;
  for (int i = 0; i < kGpus; ++i) {
    const auto& q = ts.at("gpu" + std::to_string(i) + "_plate_flow_m3_s");
    ASSERT_GT(q[before], 0.0) << i;
    worst_ratio = std::max(worst_ratio, std::abs(q[last]) / q[before]);
    EXPECT_LT(std::abs(q[last]), 0.5 * q[before]) << "gpu" << i;
  }
  std::printf("  plate flow at %.1f s / before the trip: at most %.4f; dp %.1f Pa -> %.1f Pa\n",
              t[last], worst_ratio, ts.at("loop_dp_Pa")[before], ts.at("loop_dp_Pa")[last]);

  // The GPUs: hotter after the trip, or held back by the governor (lower mean clock).
  double tj_before = 0, tj_after = 0, clock_before = 0, clock_after = 0;
  std::size_t n_before = 0, n_after = 0;
  for (std::size_t k = 0; k <= last; ++k) {
    for (int i = 0; i < kGpus; ++i) {
      const std::string g = "gpu" + std::to_string(i);
      const double tj = ts.at(g + "_junction_K")[k], f = ts.at(g + "_clock_MHz")[k];
      if (k <= before) {
        tj_before = std::max(tj_before, tj);
        clock_before += f;
        ++n_before;
      }
      if (k >= after) {
        tj_after = std::max(tj_after, tj);
        clock_after += f;
        ++n_after;
      }
    }
  }
  clock_before /= static_cast<double>(n_before);
  clock_after /= static_cast<double>(n_after);
  std::printf(
      "  max T_j %.3f K before the trip, %.3f K after; mean clock %.1f MHz before, %.1f MHz "
      "after\n",
      tj_before, tj_after, clock_before, clock_after);
  EXPECT_TRUE(tj_after > tj_before || clock_after < clock_before);

  // Energy: the loop's books (coolant heat = CDU + pipe loss + stored) close.
  const double residual = s["energy"]["loop_relative_residual"].get<double>();
  std::printf("  loop energy relative residual %.3e\n", residual);
  EXPECT_LT(residual, 1e-9);

  // Tokens per GPU: produced + lost = unthrottled; every GPU says when it first throttled.
  int throttled = 0;
  for (const auto& g : s["gpus"]) {
    const double made = g["tokens"].get<double>(), lost = g["tokens_lost"].get<double>();
    const double free = g["tokens_unthrottled"].get<double>();
    EXPECT_NEAR(made + lost, free, 1e-9 * free) << g["name"];
    ASSERT_TRUE(g.contains("first_thermal_throttle_s")) << g["name"];
    throttled += g["first_thermal_throttle_s"].get<double>() >= 0;
  }
  std::printf("  %d of %d GPUs thermally throttled; tokens lost %.4f %%\n", throttled, kGpus,
              100 * s["gpu_totals"]["tokens_lost_fraction"].get<double>());
  expect_plots(out, {"rack_flow.png", "rack_transient.png"});
}

// postprocess/plot_rack.py on a made-up rack of two compute trays of two GPUs and a switch tray
// between them, steady and then with a time series and one event: both figures, in seconds.
TEST(RackCases, PlotRackDrawsBothFiguresOfASmallSyntheticRun) {
  const fs::path out = fs::temp_directory_path() / "kelvin-regression-plot-rack-synthetic";
  fs::remove_all(out);
  fs::create_directories(out);
  json s = {
      {"case", "synthetic"}, {"steady", true}, {"gpus", json::array()}, {"events", json::array()}};
  json plates = json::array(), branches = json::array();
  for (int i = 0; i < 4; ++i) {
    s["gpus"].push_back(
        {{"name", "gpu" + std::to_string(i)}, {"junction_temperature_K", 350.0 + i}});
    plates.push_back({{"flow_m3_s", 3e-5 * (1 + 0.01 * i)}});
  }
  const int tray_of_position[3] = {0, -1, 1};
  for (int p = 0; p < 3; ++p)
    branches.push_back(
        {{"name",
          tray_of_position[p] < 0 ? "switch0" : "tray" + std::to_string(tray_of_position[p])},
         {"position", p},
         {"compute_tray", tray_of_position[p]},
         {"flow_m3_s", tray_of_position[p] < 0 ? 5e-5 : 6e-5}});
  s["loop"] = {
      {"plates", plates}, {"branches", branches}, {"maldistribution", {{"max_over_min", 1.03}}}};
  std::ofstream(out / "summary.json") << s.dump(2);
  expect_plots(out, {"rack_flow.png"});
  EXPECT_FALSE(fs::exists(out / "rack_transient.png"));  // no timeseries.csv: steady only

  s["steady"] = false;
  s["transient"] = {{"end_time_s", 2.0}};
  s["events"].push_back({{"type", "trip_all_pumps"}, {"time_s", 1.0}});
  for (auto& g : s["gpus"]) g["max_junction_temperature_K"] = g["junction_temperature_K"];
  std::ofstream(out / "summary.json") << s.dump(2);
  std::ofstream csv(out / "timeseries.csv");
  csv << "time_s,loop_supply_K,loop_return_K,loop_dp_Pa,pump0_speed,pump1_speed";
  for (int i = 0; i < 4; ++i) csv << ",gpu" << i << "_junction_K,gpu" << i << "_power_W";
  csv << "\n";
  for (int k = 0; k < 20; ++k) {
    const double t = 0.1 * k, speed = t < 1 ? 0.5 : 0.5 * std::exp(-(t - 1));
    csv << t << "," << 313.15 << "," << 320.0 + t << "," << 2e4 * speed / 0.5 << "," << speed << ","
        << speed;
    for (int i = 0; i < 4; ++i) csv << "," << 350 + i + t << "," << 1000 - 10 * t;
    csv << "\n";
  }
  csv.close();
  expect_plots(out, {"rack_flow.png", "rack_transient.png"});
}
