#pragma once
// What the facility regression tests on towers and chillers check of a -ci run
// (regression_facility_towers.cpp, regression_air_hall.cpp): every hour's books re-added from
// hourly.csv (heat to the ambient = IT + pumps + fans + compressors, water = evaporation + drift
// + blowdown, PUE with every load) and the year's sums against summary.json.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "case_runner.hpp"

namespace kelvin_test {

/// Checks one -ci run's hourly.csv against its summary; returns the columns.
inline std::map<std::string, std::vector<double>> expect_year_adds_up(const fs::path& out, const json& s) {
  const json& f = s["facility"];
  const int hours = f["hours"].get<int>();
  EXPECT_LT(f["worst_hourly_energy_balance"].get<double>(), 1e-9);
  EXPECT_LT(f["worst_hourly_ambient_balance"].get<double>(), 1e-9);
  EXPECT_EQ(f["hours_outside_table"].get<int>(), 0);
  auto c = read_series(out / "hourly.csv");
  EXPECT_EQ(c["it_W"].size(), static_cast<std::size_t>(hours));
  double it = 0, cooling = 0, water = 0, compressor = 0, evaporation = 0;
  for (std::size_t h = 0; h < c["it_W"].size(); ++h) {
    const double cool = c["cdu_pumps_W"][h] + c["facility_pumps_W"][h] + c["fans_W"][h] +
                        c["crah_fans_W"][h] + c["condenser_pumps_W"][h] + c["compressor_W"][h];
    it += c["it_W"][h] * 3600, cooling += cool * 3600, water += c["water_kg_s"][h] * 3600;
    compressor += c["compressor_W"][h] * 3600, evaporation += c["evaporation_kg_s"][h] * 3600;
    EXPECT_NEAR(c["pue"][h], (c["it_W"][h] + cool) / c["it_W"][h], 1e-12) << h;
    // every watt drawn leaves as heat, hour by hour
    EXPECT_NEAR(c["to_ambient_W"][h] / (c["it_W"][h] + cool), 1.0, 1e-9) << h;
    // make-up = evaporation + drift + blowdown, blowdown + drift = evaporation / (4 - 1)
    EXPECT_NEAR(c["water_kg_s"][h],
                c["evaporation_kg_s"][h] + c["drift_kg_s"][h] + c["blowdown_kg_s"][h], 1e-12)
        << h;
    EXPECT_NEAR(c["blowdown_kg_s"][h] + c["drift_kg_s"][h], c["evaporation_kg_s"][h] / 3, 1e-12)
        << h;
    EXPECT_GT(c["facility_supply_K"][h] - f["supply_setpoint_K"].get<double>(), -1e-9) << h;
  }
  EXPECT_NEAR(f["pue"].get<double>(), (it + cooling) / it, 1e-12);
  EXPECT_NEAR(f["wue_L_per_kWh"].get<double>(), water / (it / 3.6e6), 1e-9);
  EXPECT_NEAR(f["compressor_energy_MWh"].get<double>(), compressor / 3.6e9, 1e-9);
  EXPECT_NEAR(f["evaporation_m3"].get<double>(), evaporation / 1000, 1e-9);
  EXPECT_GT(f["water_m3"].get<double>(), f["evaporation_m3"].get<double>());
  std::printf(
      "%s: PUE %.5f, WUE %.4f L/kWh (evaporation %.1f, drift %.2f, blowdown %.1f m3), "
      "compressor %.2f MWh, hours free/trim/mechanical %d/%d/%d, tokens/J %.4f at the "
      "meter, worst ambient balance %.1e\n",
      s["case"].get<std::string>().c_str(), f["pue"].get<double>(),
      f["wue_L_per_kWh"].get<double>(), f["evaporation_m3"].get<double>(),
      f["drift_m3"].get<double>(), f["blowdown_m3"].get<double>(),
      f["compressor_energy_MWh"].get<double>(), f["hours_free_cooling"].get<int>(),
      f["hours_economizer_with_trim"].get<int>(), f["hours_mechanical_cooling"].get<int>(),
      f["tokens_per_J_facility"].get<double>(), f["worst_hourly_ambient_balance"].get<double>());
  return c;
}


}  // namespace kelvin_test
