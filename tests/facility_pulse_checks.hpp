#pragma once
// Checks of a facility run's pulse (facility.pulse) from its files: the facility's power in time
// re-added from pulse.csv and from the pulse's own rack run (pulse/timeseries.csv).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "case_runner.hpp"

namespace kelvin_test {

/// out: a facility run's folder whose case has a pulse; gpu_cap_W: the GPUs' power cap;
/// it_fixed_W: the facility's IT heat besides its GPUs (switch trays, all racks).
inline void expect_pulse_adds_up(const fs::path& out, const json& s, double gpu_cap_W, double it_fixed_W) {
  const json& f = s["facility"];
  ASSERT_TRUE(f.contains("pulse"));
  const json& p = f["pulse"];
  auto c = read_series(out / "pulse.csv");
  const std::size_t n = c["time_s"].size();
  ASSERT_EQ(n, static_cast<std::size_t>(std::llround(p["duration_s"].get<double>() / p["control_interval_s"].get<double>())));
  // the pulse hour: the warmest facility water of the year's hours
  auto hours = read_series(out / "hourly.csv");
  const auto& supply = hours["facility_supply_K"];
  EXPECT_EQ(p["facility_supply_K"].get<double>(), *std::max_element(supply.begin(), supply.end()));
  // the pulse's rack: every GPU's power from its own run, scaled by the racks in phase
  auto rack = read_series(out / "pulse" / "timeseries.csv");
  ASSERT_EQ(rack["time_s"].size(), n);
  const double racks = p["racks_in_phase"].get<int>();
  double lo = 1e300, hi = -1e300, sum = 0, rise = 0, fall = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double gpus = 0, pumps = 0;
    for (const auto& [name, col] : rack) {
      if (name.rfind("gpu", 0) == 0 && name.size() > 8 && name.substr(name.size() - 8) == "_power_W") {
        gpus += col[k];
        EXPECT_LE(col[k], gpu_cap_W * (1 + 1e-9)) << name << " at " << k;
      }
      if (name.rfind("pump", 0) == 0 && name.find("_electrical_W") != std::string::npos) pumps += col[k];
    }
    EXPECT_NEAR(c["it_W"][k], racks * gpus + it_fixed_W, 1e-9 * c["it_W"][k]) << k;
    EXPECT_NEAR(c["cdu_pumps_W"][k], racks * pumps, 1e-9 * c["cdu_pumps_W"][k] + 1e-9) << k;
    const double total = c["it_W"][k] + c["cdu_pumps_W"][k] + c["plant_W"][k];
    EXPECT_EQ(c["plant_W"][k], p["plant_W"].get<double>());  // held at the hour's
    EXPECT_NEAR(c["facility_W"][k], total, 1e-9 * total) << k;
    lo = std::min(lo, total), hi = std::max(hi, total), sum += total;
    if (k > 0) {
      const double rate = (total - (c["it_W"][k - 1] + c["cdu_pumps_W"][k - 1] + c["plant_W"][k - 1])) /
                          (c["time_s"][k] - c["time_s"][k - 1]);
      rise = std::max(rise, rate), fall = std::min(fall, rate);
    }
  }
  EXPECT_NEAR(p["min_facility_W"].get<double>(), lo, 1e-9 * lo);
  EXPECT_NEAR(p["max_facility_W"].get<double>(), hi, 1e-9 * hi);
  EXPECT_NEAR(p["mean_facility_W"].get<double>(), sum / n, 1e-9 * hi);
  EXPECT_NEAR(p["max_ramp_up_MW_s"].get<double>(), rise / 1e6, 1e-9 * rise / 1e6 + 1e-15);
  EXPECT_NEAR(p["max_ramp_down_MW_s"].get<double>(), fall / 1e6, 1e-9 * std::abs(fall) / 1e6 + 1e-15);
  // training swings the facility: compute phases against communication at a tenth the activity
  EXPECT_GT(p["swing_fraction_of_mean"].get<double>(), 0.2);
  EXPECT_GT(rise, 0.0);
  EXPECT_LT(fall, 0.0);
  std::printf("pulse: hour %d, %.3f .. %.3f MW (swing %.1f %% of the mean), ramps +%.3f / %.3f MW/s\n",
              p["hour_of_year"].get<int>(), lo / 1e6, hi / 1e6, 100 * p["swing_fraction_of_mean"].get<double>(),
              rise / 1e6, fall / 1e6);
}

}  // namespace kelvin_test
