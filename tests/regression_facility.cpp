// A facility run through the executable: ai-factory-drycooler-ci, ten GB200 NVL72-class racks
// on dry coolers over Greensboro's TMY3 year. The year's books are re-added from hourly.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "case_runner.hpp"
#include "facility_pulse_checks.hpp"

using namespace kelvin_test;


TEST(FacilityCases, DryCoolerYearAddsUpHourByHour) {
  const fs::path out = run_case("ai-factory-drycooler-ci");
  const json s = json::parse(read_text(out / "summary.json"));
  const json& f = s["facility"];
  ASSERT_EQ(f["hours"].get<int>(), 8760);
  EXPECT_LT(f["worst_hourly_energy_balance"].get<double>(), 1e-9);
  EXPECT_LT(f["worst_hourly_ambient_balance"].get<double>(), 1e-9);  // IT + pumps + fans
  EXPECT_LT(s["rack_table"]["interpolation_error"].get<double>(), 1e-3);  // IT power, CDU duty
  EXPECT_EQ(f["hours_outside_table"].get<int>(), 0);
  auto c = read_series(out / "hourly.csv");
  ASSERT_EQ(c["it_W"].size(), 8760u);
  double it = 0, cooling = 0, water = 0, tokens = 0, peak = 0;
  for (std::size_t h = 0; h < 8760; ++h) {
    const double cool = c["cdu_pumps_W"][h] + c["facility_pumps_W"][h] + c["fans_W"][h];
    it += c["it_W"][h] * 3600, cooling += cool * 3600, water += c["water_kg_s"][h] * 3600;
    tokens += c["tokens_per_s"][h] * 3600;
    peak = std::max(peak, c["it_W"][h] + cool);
    EXPECT_NEAR(c["pue"][h], (c["it_W"][h] + cool) / c["it_W"][h], 1e-12);
    // the fans hold the setpoint, or run flat out with the supply above it
    const double above = c["facility_supply_K"][h] - f["supply_setpoint_K"].get<double>();
    EXPECT_GT(above, -1e-9) << h;
    if (above > 1e-6) {
      EXPECT_EQ(c["fan_speed"][h], 1.0) << h;
    }
    // the pads are wetted only above their threshold (25 degC)
    if (c["pad_on"][h] > 0) {
      EXPECT_GT(c["dry_bulb_K"][h], 298.15) << h;
    } else {
      EXPECT_EQ(c["water_kg_s"][h], 0.0) << h;
    }
  }
  EXPECT_NEAR(f["pue"].get<double>(), (it + cooling) / it, 1e-12);
  EXPECT_NEAR(f["wue_L_per_kWh"].get<double>(), water / (it / 3.6e6), 1e-9);
  EXPECT_NEAR(f["tokens"].get<double>() / tokens, 1.0, 1e-12);
  EXPECT_NEAR(f["peak_facility_power_W"].get<double>(), peak, 1e-9 * peak);
  EXPECT_GT(f["pue"].get<double>(), 1.0);
  EXPECT_GT(f["water_m3"].get<double>(), 0.0);  // Greensboro's summer wets the pads
  std::printf("ai-factory-drycooler-ci: PUE %.5f, WUE %.4f L/kWh, %.0f m3 of water, %d hours above "
              "the setpoint, %d throttled, tokens lost %.3f %%, table interpolation %.1e (flow %.1e), %zu "
              "points\n",
              f["pue"].get<double>(), f["wue_L_per_kWh"].get<double>(), f["water_m3"].get<double>(),
              f["hours_above_setpoint"].get<int>(), f["hours_throttled"].get<int>(),
              100 * f["tokens_lost_fraction"].get<double>(),
              s["rack_table"]["interpolation_error"].get<double>(),
              s["rack_table"]["flow_interpolation_error"].get<double>(),
              s["rack_table"]["points"].size());
  // the pulse: GB200s capped at 1200 W; 10 racks x 9 switch trays of 1.5 kW
  expect_pulse_adds_up(out, s, 1200.0, 10 * 9 * 1500.0);
}
