// Facility runs on open cooling towers and on a chiller plant, through the executable:
// ai-factory-tower-ci and ai-factory-chiller-ci (ten GB200 NVL72-class racks, Greensboro's TMY3
// year, a week of it each). Every hour's books are re-added from hourly.csv: heat to the ambient
// = IT + pumps + fans + compressors, water = evaporation + drift + blowdown, PUE with every load.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "case_runner.hpp"
#include "facility_year_checks.hpp"

using namespace kelvin_test;

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
