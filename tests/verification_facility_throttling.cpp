// Throttling against the climate, on the racks of ai-factory-drycooler-ci: a liquid-cooled
// facility whose GPUs have headroom at the CDU's supply never throttles in a cool climate, and
// as the climate warms (facility.ambient_offset: every hour's dry bulb and dew point shifted),
// throttling appears first in the hottest hours and spreads monotonically: the hours throttled
// at one offset are throttled at every warmer one, and (dry coolers without pads reject heat by
// the dry bulb alone) every throttled hour is hotter than every hour that is not.
//
// The plate is a reduced plate with headroom (R_j = 0.030 + 0.005 (Q/Q0)^-1 K/W, the -ci plate's
// drop of 525 Pa at 1.8 L/min) rather than the -ci plate's fit, which sits at the slowdown at any
// facility water; one dry cooler rated 1 MW without pads for the ten racks' 0.8 MW, so that hot
// hours push the facility water above its setpoint.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "solver/base/progress_sink.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/coupling/ambient.hpp"
#include "solver/coupling/facility_plant.hpp"
#include "solver/coupling/gpu_stepper.hpp"
#include "solver/coupling/rack_steady.hpp"

using namespace kelvin;

namespace {

/// Steady runs of a plate with R_j(Q) = 0.030 + 0.005 Q0/Q and dp = 525 Pa (0.7 Q/Q0 + 0.3 (Q/Q0)^2).
ReducedPlate headroom_plate(const Case& c) {
  const double q0 = c.coldplate->flow_rate_m3_s, t_in = c.loop->cdu_supply_K, p = 1000;
  const CoolantProperties cool = coolant_properties(*c.coolant);
  std::vector<PlateRun> runs;
  for (double f : {0.25, 0.5, 1.0, 1.5, 2.0}) {
    PlateRun r;
    r.flow_m3_s = f * q0, r.inlet_K = t_in, r.power_W = p;
    r.junction_K = t_in + p * (0.030 + 0.005 / f);
    r.dp_Pa = 525 * (0.7 * f + 0.3 * f * f);
    r.fluid = {cool.density(t_in), cool.viscosity(t_in)};
    runs.push_back(r);
  }
  return fit_reduced_plate(runs, false, q0);
}

}  // namespace

TEST(FacilityThrottling, AppearsFirstInTheHottestHoursAndSpreadsWithTheClimate) {
  Case c = load_case(std::string(KELVIN_SOURCE_DIR) + "/cases/ai-factory-drycooler-ci/case.yaml");
  FacilityCase& f = *c.facility;
  f.dry_coolers = 1;
  f.dry_cooler_rated_heat_W = 1.0e6;
  f.pad_effectiveness = 0;
  const GpuModel& model = case_gpu_model(c);
  const ReducedPlate plate = headroom_plate(c);
  const double dp = rack_dp_setpoint(c, model, plate.dp_law, c.coldplate->flow_rate_m3_s);
  const FacilityPlant plant = facility_plant(c);
  NullProgress quiet;
  const RackResponseTable table = tabulate_rack(c, model, plate, dp, case_workload(c, model).cycle.at(0),
                                                plant.setpoint_K, plant.setpoint_K + 20, 5.0, quiet);
  const WeatherYear weather = read_weather(f.weather_file);
  std::vector<bool> before(weather.hours.size(), false);
  int previous = 0;
  for (double offset : {-15.0, 0.0, 5.0, 10.0}) {
    int throttled = 0, outside = 0;
    double coolest_throttled = 1e9, hottest_free = -1e9;
    for (std::size_t k = 0; k < weather.hours.size(); ++k) {
      const AmbientAir air = ambient_air(weather.hours[k], offset);
      const FacilityHour h = solve_facility_hour(plant, table, air);
      outside += h.outside_table;
      const bool now = h.rack.thermally_throttled > 0;
      if (before[k]) {
        EXPECT_TRUE(now) << "hour " << k << " throttled at a cooler offset but not at " << offset;
      }
      before[k] = now;
      throttled += now;
      if (now) coolest_throttled = std::min(coolest_throttled, air.dry_bulb_K);
      else hottest_free = std::max(hottest_free, air.dry_bulb_K);
    }
    EXPECT_EQ(outside, 0) << offset;
    if (offset == -15.0) {
      EXPECT_EQ(throttled, 0);
    }
    EXPECT_GE(throttled, previous) << offset;
    if (throttled > 0) {
      EXPECT_GE(coolest_throttled, hottest_free) << offset;
    }
    std::printf("ambient offset %+5.1f K: %4d hours throttled, hottest unthrottled hour %.2f degC",
                offset, throttled, hottest_free - 273.15);
    if (throttled > 0) std::printf(", coolest throttled %.2f degC", coolest_throttled - 273.15);
    std::printf("\n");
    previous = throttled;
  }
  EXPECT_GT(previous, 0);  // the warmest climate throttles
}
