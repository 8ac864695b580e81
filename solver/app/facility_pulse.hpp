#pragma once
/// The pulse of a facility run (facility.pulse): what the utility sees while the facility trains
/// synchronously. One hour of the year (the given one, or the one with the warmest facility
/// water) is run as a rack transient (run_rack_case: the case's rack on its loop and CDU, with
/// facility water at that hour's supply temperature, on reduced plates or, with loop.plate_model
/// 3d, on 3-D plates) under a training workload: compute phases at the year's activity,
/// communication phases at pulse.communication_activity. Every rack of the facility runs in
/// phase (synchronous training across the facility, the worst case for the grid), so
///
///   P_facility(t) = racks (sum_GPUs P(t) + switch trays + CDU pumps(t)) + P_plant,
///
/// P_plant the heat-rejection plant's power held at the hour's value: facility and condenser
/// pumps, fans, compressors (their controls act over minutes; the pulse's swings last seconds). Reported: mean, minimum and maximum, the swing
/// max - min, and the steepest rise and fall between control intervals (MW/s; a ramp faster
/// than one interval reads as one interval's).
#include <string>

#include <nlohmann/json.hpp>

#include "solver/app/run_control.hpp"
#include "solver/case/case.hpp"
#include "solver/coupling/facility_plant.hpp"
#include "solver/coupling/plate_fit.hpp"
#include "solver/facility/weather.hpp"

namespace kelvin {

/// The hour of weather the pulse runs: c's facility.pulse.hour, or (-1) the hour of
/// [first, last) whose facility supply is warmest (ties: the warmer dry bulb).
int pulse_hour(const Case& c, const FacilityPlant& plant, const RackResponseTable& table,
               const WeatherYear& weather, int first, int last);

/// Runs the pulse into dir/pulse/ (the rack run's own outputs) and dir/pulse.csv (the
/// facility's power in time); returns summary.json's facility.pulse block.
/// fit: the facility run's plate fit (its steady runs are kept; the pulse adds the step response).
nlohmann::json run_facility_pulse(const Case& c, const FacilityPlant& plant,
                                  const RackResponseTable& table, const WeatherYear& weather,
                                  int hour, const PlateFit& fit, const RunOptions& options);

}  // namespace kelvin
