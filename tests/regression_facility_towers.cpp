// Facility runs on open cooling towers and on a chiller plant, through the executable:
// ai-factory-tower-ci and ai-factory-chiller-ci (ten GB200 NVL72-class racks, Greensboro's TMY3
// year, a week of it each). Every hour's books are re-added from hourly.csv: heat to the ambient
// = IT + pumps + fans + compressors, water = evaporation + drift + blowdown, PUE with every load.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "case_runner.hpp"

using namespace kelvin_test;

namespace {

/// Checks one -ci run's hourly.csv against its summary; returns the columns.
std::map<std::string, std::vector<double>> expect_year_adds_up(const fs::path& out, const json& s) {
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
                        c["condenser_pumps_W"][h] + c["compressor_W"][h];
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

}  // namespace

TEST(FacilityCases, TowerWeekAddsUpHourByHour) {
  const fs::path out = run_case("ai-factory-tower-ci");
  const json s = json::parse(read_text(out / "summary.json"));
  EXPECT_EQ(s["facility"]["heat_rejection"], "cooling_tower");
  auto c = expect_year_adds_up(out, s);
  for (std::size_t h = 0; h < c["it_W"].size(); ++h) {
    EXPECT_EQ(c["compressor_W"][h], 0.0) << h;
    EXPECT_GT(c["evaporation_kg_s"][h], 0.0) << h;  // an open tower evaporates every hour
    // the fans hold the setpoint, or run flat out with the supply above it
    if (c["facility_supply_K"][h] - s["facility"]["supply_setpoint_K"].get<double>() > 1e-6) {
      EXPECT_EQ(c["fan_speed"][h], 1.0) << h;
    }
  }
}

TEST(FacilityCases, ChillerWeekAddsUpHourByHour) {
  const fs::path out = run_case("ai-factory-chiller-ci");
  const json s = json::parse(read_text(out / "summary.json"));
  const json& f = s["facility"];
  EXPECT_EQ(f["heat_rejection"], "chiller");
  auto c = expect_year_adds_up(out, s);
  for (std::size_t h = 0; h < c["it_W"].size(); ++h) {
    const int mode = static_cast<int>(c["mode"][h]);
    // free cooling: no compressor; with the chillers on: the towers at full speed
    if (mode == 0) {
      EXPECT_EQ(c["compressor_W"][h], 0.0) << h;
    } else {
      EXPECT_GT(c["compressor_W"][h], 0.0) << h;
      EXPECT_EQ(c["fan_speed"][h], 1.0) << h;
      EXPECT_GE(c["chillers_on"][h], 1.0) << h;
    }
    EXPECT_NEAR(c["facility_supply_K"][h], f["supply_setpoint_K"].get<double>(), 1e-9) << h;
  }
  // this week has both free-cooling hours and hours of economizer + trim
  EXPECT_GT(f["hours_free_cooling"].get<int>(), 0);
  EXPECT_GT(f["hours_economizer_with_trim"].get<int>(), 0);
  EXPECT_GT(f["compressor_energy_MWh"].get<double>(), 0.0);
}
