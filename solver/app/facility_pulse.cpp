// The pulse of a facility run: one hour's synchronous training as a rack transient, scaled to
// the facility's power. See facility_pulse.hpp.
#include "solver/app/facility_pulse.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/app/rack_run.hpp"
#include "solver/base/errors.hpp"
#include "solver/coupling/ambient.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/io/timeseries_csv.hpp"
#include "solver/parallel/ranks.hpp"

namespace kelvin {

using json = nlohmann::json;

int pulse_hour(const Case& c, const FacilityPlant& plant, const RackResponseTable& table,
               const WeatherYear& weather, int first, int last) {
  if (c.facility->pulse_hour >= 0) {
    if (c.facility->pulse_hour >= static_cast<int>(weather.hours.size()))
      throw SetupError(fmt::format("facility.pulse: hour {} is past the weather file's {} hours",
                                   c.facility->pulse_hour, weather.hours.size()));
    return c.facility->pulse_hour;
  }
  int best = first;
  double best_supply = -1, best_dry = -1;
  for (int k = first; k < last; ++k) {
    const WeatherHour& w = weather.hours[static_cast<std::size_t>(k)];
    const double t = solve_facility_hour(plant, table, ambient_air(w, c.facility->ambient_offset_K)).facility_supply_K;
    if (t > best_supply || (t == best_supply && w.dry_bulb_K > best_dry))
      best = k, best_supply = t, best_dry = w.dry_bulb_K;
  }
  return best;
}

namespace {

/// c's rack alone at the hour's facility water, training for the pulse's duration.
Case pulse_case(const Case& c, double facility_supply_K) {
  const FacilityCase& f = *c.facility;
  Case v = c;
  v.facility.reset();
  v.loop->facility_supply_K = facility_supply_K;
  v.loop->events.clear();
  WorkloadCase& w = v.workload;
  w.compute_activity = c.workload.activity;  // the year's constant activity, in compute phases
  w.type = "training";
  w.iteration_time_s = f.pulse_iteration_time_s;
  w.compute_fraction = f.pulse_compute_fraction;
  w.communication_activity = f.pulse_communication_activity;
  w.checkpoint_every = 0;
  v.transient.enabled = true;
  v.transient.adaptive = false;
  v.transient.end_time_s = f.pulse_duration_s;
  v.transient.time_step_s = v.gpus->control_interval_s;
  return v;
}

/// Columns of `header` whose names start with `prefix` and end with `suffix`.
std::vector<std::size_t> columns(const std::vector<std::string>& header, const std::string& prefix,
                                 const std::string& suffix) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < header.size(); ++k) {
    const std::string& h = header[k];
    if (h.size() >= prefix.size() + suffix.size() && h.compare(0, prefix.size(), prefix) == 0 &&
        h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(k);
  }
  return out;
}

double sum_of(const std::vector<double>& row, const std::vector<std::size_t>& cols) {
  double s = 0;
  for (std::size_t k : cols) s += row[k];
  return s;
}

}  // namespace

json run_facility_pulse(const Case& c, const FacilityPlant& plant, const RackResponseTable& table,
                        const WeatherYear& weather, int hour, const PlateFit& fit,
                        const RunOptions& options) {
  const WeatherHour& w = weather.hours.at(static_cast<std::size_t>(hour));
  const FacilityHour h = solve_facility_hour(plant, table, ambient_air(w, c.facility->ambient_offset_K));
  RunOptions o = options;
  o.output_dir = options.output_dir + "/pulse";
  o.quiet = true;
  o.resume = false;
  o.overwrite = true;
  RackSeries series;
  const json rack = run_rack_case(pulse_case(c, h.facility_supply_K), o, &series, &fit);
  const auto gpu_power = columns(series.header, "gpu", "_power_W");
  const auto pump_power = columns(series.header, "pump", "_electrical_W");
  const double switch_W = h.rack.it_W - h.rack.gpu_W;  // the rack's fixed IT heat
  const double racks = plant.racks;
  // the plant's side held at the hour's: facility and condenser pumps, fans, compressors
  const double plant_W = h.cooling_W() - h.cdu_pumps_W;
  std::vector<std::vector<double>> rows;
  double sum = 0, lo = 1e300, hi = -1e300, rise = 0, fall = 0;
  for (std::size_t k = 0; k < series.rows.size(); ++k) {
    const std::vector<double>& r = series.rows[k];
    const double it = racks * (sum_of(r, gpu_power) + switch_W);
    const double cdu_pumps = racks * sum_of(r, pump_power);
    const double total = it + cdu_pumps + plant_W;
    rows.push_back({r[0], it, cdu_pumps, plant_W, total});
    sum += total, lo = std::min(lo, total), hi = std::max(hi, total);
    if (k > 0) {
      const double dt = r[0] - rows[k - 1][0];
      const double rate = (total - rows[k - 1][4]) / dt;
      rise = std::max(rise, rate), fall = std::min(fall, rate);
    }
  }
  if (Ranks::world().root())  // over several ranks, the root writes the outputs
    write_file_atomic(options.output_dir + "/pulse.csv", format_csv({"time_s", "it_W", "cdu_pumps_W", "plant_W", "facility_W"}, rows));
  const double mean = rows.empty() ? 0.0 : sum / static_cast<double>(rows.size());
  return {{"hour_of_year", hour},
          {"dry_bulb_K", w.dry_bulb_K + c.facility->ambient_offset_K},
          {"facility_supply_K", h.facility_supply_K},
          {"duration_s", c.facility->pulse_duration_s},
          {"control_interval_s", c.gpus->control_interval_s},
          {"plate_model", c.loop->plate_model},
          {"racks_in_phase", plant.racks},
          {"steady_hour_facility_W", h.it_W + h.cooling_W()},
          {"plant_W", plant_W},
          {"mean_facility_W", mean},
          {"min_facility_W", lo},
          {"max_facility_W", hi},
          {"swing_W", hi - lo},
          {"swing_fraction_of_mean", mean > 0 ? (hi - lo) / mean : 0.0},
          {"max_ramp_up_MW_s", rise / 1e6},
          {"max_ramp_down_MW_s", fall / 1e6},
          {"tokens_lost_fraction", rack["gpu_totals"]["tokens_lost_fraction"]},
          {"rack_run", "pulse/"},
          {"series", "pulse.csv"}};
}

}  // namespace kelvin
