// The air-cooled hall through the executable: air-cooled-hall-h100-ci (26 racks of four HGX H100
// servers in a hall of chilled-water CRAHs on ai-factory-chiller's plant, a June week of
// Greensboro's TMY3 year). The books of every hour re-added from hourly.csv (facility_year_checks),
// the hall's own: the CRAHs' coils take the servers' power and the CRAH fans', the server fans
// are metered as IT, and with the chilled water at its setpoint the supply air holds its own.
#include <gtest/gtest.h>

#include <cmath>

#include "case_runner.hpp"
#include "facility_year_checks.hpp"

using namespace kelvin_test;

TEST(AirHallCase, AWeekAddsUpAndTheHallHoldsItsSupplyAir) {
  const fs::path out = run_case("air-cooled-hall-h100-ci");
  const json s = json::parse(read_text(out / "summary.json"));
  const json& f = s["facility"];
  EXPECT_EQ(f["hall"], "air_cooled");
  auto c = expect_year_adds_up(out, s);
  const json& a = f["air_hall"];
  const double supply_air = a["supply_air_setpoint_K"].get<double>();
  double it = 0, server_fans = 0, crah_fans = 0;
  for (std::size_t h = 0; h < c["it_W"].size(); ++h) {
    // the chillers hold the chilled water, so the CRAHs hold the supply air
    EXPECT_NEAR(c["facility_supply_K"][h], f["supply_setpoint_K"].get<double>(), 1e-9) << h;
    EXPECT_NEAR(c["supply_air_K"][h], supply_air, 1e-9) << h;
    // the servers breathe supply air warmed by recirculation only, and their fans run
    EXPECT_GT(c["secondary_supply_K"][h], supply_air) << h;
    EXPECT_GT(c["server_fans_W"][h], 0.0) << h;
    EXPECT_LT(c["server_fans_W"][h], c["it_W"][h]) << h;
    EXPECT_GT(c["crah_fans_W"][h], 0.0) << h;
    it += c["it_W"][h] * 3600, server_fans += c["server_fans_W"][h] * 3600;
    crah_fans += c["crah_fans_W"][h] * 3600;
  }
  EXPECT_NEAR(a["server_fan_energy_MWh"].get<double>(), server_fans / 3.6e9, 1e-9);
  EXPECT_NEAR(a["crah_fan_energy_MWh"].get<double>(), crah_fans / 3.6e9, 1e-9);
  // counting the server fans as cooling moves them from the denominator to the numerator
  const double total = f["pue"].get<double>() * it;
  EXPECT_NEAR(a["pue_server_fans_as_cooling"].get<double>(), total / (it - server_fans), 1e-9);
  EXPECT_GT(a["pue_server_fans_as_cooling"].get<double>(), f["pue"].get<double>());
  // the hall's table: every point's coil takes the servers' power and the CRAH fans'
  for (const json& p : s["rack_table"]["points"]) {
    EXPECT_GT(p["duty_W"].get<double>(), p["it_W"].get<double>());
  }
  std::printf("air-cooled-hall-h100-ci: PUE %.4f (server fans as cooling %.4f), server fans %.2f MWh, "
              "CRAH fans %.2f MWh, tokens lost %.3f %%\n",
              f["pue"].get<double>(), a["pue_server_fans_as_cooling"].get<double>(),
              a["server_fan_energy_MWh"].get<double>(), a["crah_fan_energy_MWh"].get<double>(),
              100 * f["tokens_lost_fraction"].get<double>());
}
