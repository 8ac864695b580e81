// Facility runs: the racks' table over the facility water temperature, then every hour of the
// weather year. See facility_run.hpp.
#include "solver/app/facility_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "solver/app/facility_pulse.hpp"
#include "solver/app/rack_outputs.hpp"
#include "solver/coupling/air_hall.hpp"
#include "solver/coupling/ambient.hpp"
#include "solver/base/errors.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/coupling/facility_plant.hpp"
#include "solver/coupling/gpu_stepper.hpp"
#include "solver/coupling/plate_fit.hpp"
#include "solver/coupling/rack_steady.hpp"
#include "solver/facility/psychrometrics.hpp"
#include "solver/facility/weather.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/io/progress.hpp"
#include "solver/parallel/ranks.hpp"
#include "solver/io/timeseries_csv.hpp"

namespace kelvin {

using json = nlohmann::json;

namespace {

constexpr double kTableStepK = 2.0;

const std::vector<std::string>& hourly_header() {
  static const std::vector<std::string> h{
      "hour_of_year", "dry_bulb_K", "wet_bulb_K", "humidity_ratio", "facility_supply_K",
      "facility_return_K", "facility_flow_kg_s", "fan_speed", "bypass_fraction", "pad_on", "it_W", "cdu_pumps_W",
      "facility_pumps_W", "fans_W", "pue", "water_kg_s", "rejected_W", "tokens_per_s",
      "unthrottled_tokens_per_s", "thermally_throttled_gpus", "max_junction_K",
      "secondary_supply_K", "condenser_pumps_W", "compressor_W", "evaporation_kg_s", "drift_kg_s",
      "blowdown_kg_s", "tower_supply_K", "economizer_W", "chiller_load_W", "chillers_on", "mode",
      "to_ambient_W", "server_fans_W", "crah_fans_W", "server_fan_speed", "supply_air_K"};
  return h;
}

/// Annual sums, hour by hour.
struct Year {
  double it_J = 0, gpu_J = 0, cooling_J = 0, fans_J = 0, pumps_J = 0, water_kg = 0;
  double tokens = 0, unthrottled = 0, peak_W = 0, worst_balance = 0;
  int hours = 0, hours_above_setpoint = 0, hours_throttled = 0, hours_outside_table = 0;
  double max_junction_K = 0, max_supply_K = 0;
  double compressor_J = 0, condenser_pumps_J = 0, evaporation_kg = 0, drift_kg = 0, blowdown_kg = 0;
  double worst_ambient_balance = 0;
  int hours_by_mode[3] = {0, 0, 0};
  double server_fans_J = 0, crah_fans_J = 0, max_supply_air_K = 0;  ///< air-cooled hall
};

/// |heat to the ambient - (IT + pumps + fans + compressors)| / the latter: every watt drawn
/// leaves as heat.
double ambient_balance(const FacilityHour& h) {
  const double drawn = h.it_W + h.cooling_W();
  return std::abs(h.to_ambient_W - drawn) / drawn;
}

/// The weather year's mean station pressure (the towers' saturated air is taken at it).
double mean_pressure_Pa(const WeatherYear& w) {
  double sum = 0;
  for (const WeatherHour& h : w.hours) sum += h.pressure_Pa;
  return w.hours.empty() || !(sum > 0) ? 101325.0 : sum / static_cast<double>(w.hours.size());
}

void add_hour(Year& y, const FacilityHour& h, int racks) {
  const double cooling = h.cooling_W();
  y.compressor_J += h.compressor_W * 3600, y.condenser_pumps_J += h.condenser_pumps_W * 3600;
  y.evaporation_kg += h.evaporation_kg_s * 3600, y.drift_kg += h.drift_kg_s * 3600;
  y.blowdown_kg += h.blowdown_kg_s * 3600;
  y.worst_ambient_balance = std::max(y.worst_ambient_balance, ambient_balance(h));
  ++y.hours_by_mode[h.mode];
  y.server_fans_J += h.server_fans_W * 3600, y.crah_fans_J += h.crah_fans_W * 3600;
  y.max_supply_air_K = std::max(y.max_supply_air_K, h.rack.supply_air_K);
  y.it_J += h.it_W * 3600, y.gpu_J += racks * h.rack.gpu_W * 3600, y.cooling_J += cooling * 3600;
  y.fans_J += (h.fans_W + h.crah_fans_W) * 3600, y.pumps_J += (h.cdu_pumps_W + h.facility_pumps_W + h.condenser_pumps_W) * 3600;
  y.water_kg += h.water_kg_s * 3600;
  y.tokens += racks * h.rack.tokens_per_s * 3600;
  y.unthrottled += racks * h.rack.unthrottled_tokens_per_s * 3600;
  y.peak_W = std::max(y.peak_W, h.it_W + cooling);
  const double duty = racks * h.rack.duty_W;
  y.worst_balance = std::max(y.worst_balance, std::abs(h.rejected_W - duty) / duty);
  ++y.hours;
  y.hours_above_setpoint += h.above_setpoint;
  y.hours_throttled += h.rack.thermally_throttled > 0;
  y.hours_outside_table += h.outside_table;
  y.max_junction_K = std::max(y.max_junction_K, h.rack.max_junction_K);
  y.max_supply_K = std::max(y.max_supply_K, h.facility_supply_K);
}

json year_json(const Year& y) {
  const double it_kWh = y.it_J / 3.6e6, total_J = y.it_J + y.cooling_J;
  return {{"hours", y.hours},
          {"pue", total_J / y.it_J},
          {"wue_L_per_kWh", y.water_kg / it_kWh},  // 1 kg of water = 1 L
          {"it_energy_MWh", y.it_J / 3.6e9},
          {"cooling_energy_MWh", y.cooling_J / 3.6e9},
          {"fan_energy_MWh", y.fans_J / 3.6e9},
          {"pump_energy_MWh", y.pumps_J / 3.6e9},
          {"water_m3", y.water_kg / 1000},
          {"peak_facility_power_W", y.peak_W},
          {"tokens", y.tokens},
          {"tokens_unthrottled", y.unthrottled},
          {"tokens_lost", y.unthrottled - y.tokens},
          {"tokens_lost_fraction", (y.unthrottled - y.tokens) / y.unthrottled},
          {"tokens_per_J_gpu", y.tokens / y.gpu_J},
          {"tokens_per_J_facility", y.tokens / total_J},
          {"hours_above_setpoint", y.hours_above_setpoint},
          {"hours_throttled", y.hours_throttled},
          {"hours_outside_table", y.hours_outside_table},
          {"max_junction_temperature_K", y.max_junction_K},
          {"max_facility_supply_K", y.max_supply_K},
          {"worst_hourly_energy_balance", y.worst_balance},
          {"compressor_energy_MWh", y.compressor_J / 3.6e9},
          {"condenser_pump_energy_MWh", y.condenser_pumps_J / 3.6e9},
          {"evaporation_m3", y.evaporation_kg / 1000},
          {"drift_m3", y.drift_kg / 1000},
          {"blowdown_m3", y.blowdown_kg / 1000},
          {"hours_free_cooling", y.hours_by_mode[0]},
          {"hours_economizer_with_trim", y.hours_by_mode[1]},
          {"hours_mechanical_cooling", y.hours_by_mode[2]},
          {"worst_hourly_ambient_balance", y.worst_ambient_balance}};
}

/// The air-cooled hall's own figures: its fans, and PUE with the server fans counted as
/// cooling (they are metered as IT; the usual PUE flatters an air-cooled hall by them).
json air_hall_json(const Year& y, const AirHall& hall, const FacilityCase& f) {
  const double total_J = y.it_J + y.cooling_J;
  return {{"servers_per_rack", hall.servers},
          {"gpus_per_server", static_cast<int>(hall.server.gpu_caps_W.size())},
          {"crahs", f.air_crahs},
          {"supply_air_setpoint_K", hall.supply_air_K},
          {"max_supply_air_K", y.max_supply_air_K},
          {"server_fan_energy_MWh", y.server_fans_J / 3.6e9},
          {"crah_fan_energy_MWh", y.crah_fans_J / 3.6e9},
          {"pue_server_fans_as_cooling", total_J / (y.it_J - y.server_fans_J)}};
}

/// The racks' table over the facility (or chilled) water: a liquid rack's steady states on its
/// reduced plate fitted from 3-D runs, or an air-cooled hall's rack. Fills summary's
/// "reduced_plate", "dp_setpoint_Pa" and "fit_s" (the fit's seconds) for a liquid rack.
RackResponseTable facility_table(const Case& c, const GpuModel& model, const WorkloadPhase& phase,
                                 const FacilityPlant& plant, Progress& progress, json& summary,
                                 PlateFit* fit_out) {
  const double low = plant.setpoint_K, high = plant.setpoint_K + c.facility->table_span_K;
  if (c.facility->air_cooled()) {
    const AirHall hall = air_hall(c, model);
    return tabulate_response(
        [&](double t) { return air_hall_response(hall, model, phase, t); }, low, high,
        kTableStepK, progress);
  }
  const auto t0 = Clock::now();
  *fit_out = fit_case_plate(c, progress);
  summary["fit_s"] = seconds_since(t0);
  progress.log(plate_fit_line(*fit_out));
  summary["reduced_plate"] = plate_fit_json(*fit_out);
  const double dp = rack_dp_setpoint(c, model, fit_out->plate.dp_law, fit_out->design_flow_m3_s);
  summary["dp_setpoint_Pa"] = dp;
  return tabulate_rack(c, model, fit_out->plate, dp, phase, low, high, kTableStepK, progress);
}

std::vector<double> hour_row(const WeatherHour& w, const AmbientAir& air, const FacilityHour& h,
                             int racks) {
  return {static_cast<double>(w.hour_of_year), air.dry_bulb_K, air.wet_bulb_K, air.humidity_ratio,
          h.facility_supply_K, h.facility_return_K, h.facility_flow_kg_s, h.fan_speed,
          h.bypass_fraction, h.cooler.pad_on ? 1.0 : 0.0, h.it_W, h.cdu_pumps_W, h.facility_pumps_W, h.fans_W, h.pue(),
          h.water_kg_s, h.rejected_W, racks * h.rack.tokens_per_s,
          racks * h.rack.unthrottled_tokens_per_s, racks * h.rack.thermally_throttled,
          h.rack.max_junction_K, h.rack.secondary_supply_K, h.condenser_pumps_W, h.compressor_W,
          h.evaporation_kg_s, h.drift_kg_s, h.blowdown_kg_s, h.tower_supply_K, h.economizer_W,
          h.chiller.evaporator_W, static_cast<double>(h.chillers_on), static_cast<double>(h.mode),
          h.to_ambient_W, h.server_fans_W, h.crah_fans_W, h.rack.server_fan_speed,
          h.rack.supply_air_K};
}

}  // namespace

json run_facility_case(const Case& c, const RunOptions& opt) {
  const auto t_start = Clock::now();
  const RunIdentity run_id = identify_run(c, opt.resume);
  Progress progress(opt.quiet);
  const bool writes = Ranks::world().root();  // over several ranks, the root writes the outputs
  if (writes) std::filesystem::create_directories(opt.output_dir);
  const std::string dir = opt.output_dir;
  const GpuModel& model = case_gpu_model(c);
  const WorkloadSpec spec = case_workload(c, model);
  if (spec.kind != WorkloadSpec::Kind::Constant)
    throw SetupError("facility: a facility run takes a constant workload (its hours are steady "
                     "states); got " + c.workload.type);
  const WorkloadPhase& phase = spec.cycle.at(0);
  const WeatherYear weather = read_weather(c.facility->weather_file);
  const FacilityPlant plant = facility_plant(c, mean_pressure_Pa(weather));
  if (opt.resume)
    progress.log("kelvin: a facility run keeps no checkpoint (its year runs on a table of the "
                 "rack); --resume runs it from the beginning");
  json parts = json::object();
  PlateFit fit;
  const RackResponseTable table = facility_table(c, model, phase, plant, progress, parts, &fit);
  const double fit_s = parts.value("fit_s", 0.0);
  const int first = c.facility->first_hour;
  const int last = c.facility->hours > 0
                       ? std::min<int>(first + c.facility->hours, static_cast<int>(weather.hours.size()))
                       : static_cast<int>(weather.hours.size());
  const double table_s = seconds_since(t_start) - fit_s;
  Year year;
  std::vector<std::vector<double>> rows;
  for (int k = first; k < last; ++k) {
    const WeatherHour& w = weather.hours[static_cast<std::size_t>(k)];
    const AmbientAir air = ambient_air(w, c.facility->ambient_offset_K);
    const FacilityHour h = solve_facility_hour(plant, table, air);
    add_hour(year, h, plant.racks);
    rows.push_back(hour_row(w, air, h, plant.racks));
    if ((k - first) % 200 == 0)
      progress.update(fmt::format("facility: hour {} of {}", k - first + 1, last - first),
                      static_cast<double>(k - first) / (last - first));
  }
  progress.finish();
  // where the run's time went: the plate's 3-D fit, the rack table, the hours
  const json timing = {{"fit_s", fit_s}, {"table_s", table_s},
                       {"hours_s", seconds_since(t_start) - fit_s - table_s}};
  json summary = summary_header(c, run_id);
  json points = json::array();
  for (const RackResponse& r : table.points())
    points.push_back({{"facility_inlet_K", r.facility_inlet_K}, {"it_W", r.it_W},
                      {"duty_W", r.duty_W}, {"facility_flow_kg_s", r.facility_flow_kg_s},
                      {"tokens_per_s", r.tokens_per_s}, {"thermally_throttled", r.thermally_throttled},
                      {"max_junction_K", r.max_junction_K}, {"secondary_supply_K", r.secondary_supply_K},
                      {"server_fans_W", r.server_fans_W}, {"crah_fans_W", r.crah_fans_W},
                      {"supply_air_K", r.supply_air_K}});
  summary["facility"] = year_json(year);
  summary["facility"]["racks"] = plant.racks;
  summary["facility"]["dry_coolers"] = plant.coolers;
  summary["facility"]["heat_rejection"] = c.facility->heat_rejection;
  summary["facility"]["cooling_towers"] = plant.heat_rejection == HeatRejection::DryCooler ? 0 : plant.towers.towers;
  summary["facility"]["chillers"] = plant.chillers;
  summary["facility"]["tower_fan_energy_MWh"] =
      plant.heat_rejection == HeatRejection::DryCooler ? 0.0 : (year.fans_J - year.crah_fans_J) / 3.6e9;
  summary["facility"]["hall"] = c.facility->hall;
  if (c.facility->air_cooled())
    summary["facility"]["air_hall"] = air_hall_json(year, air_hall(c, model), *c.facility);
  summary["facility"]["supply_setpoint_K"] = plant.setpoint_K;
  summary["facility"]["wall_time"] = timing;
  summary["facility"]["ambient_offset_K"] = c.facility->ambient_offset_K;
  summary["facility"]["weather"] = {{"file", weather.path}, {"format", weather.format},
                                    {"station", weather.station.name}};
  summary["rack_table"] = {{"points", points}, {"interpolation_error", table.interpolation_error()},
                           {"flow_interpolation_error", table.flow_interpolation_error()}};
  if (parts.contains("reduced_plate")) {
    summary["rack_table"]["dp_setpoint_Pa"] = parts["dp_setpoint_Pa"];
    summary["reduced_plate"] = parts["reduced_plate"];
  }
  summary["converged"] = year.hours_outside_table == 0;
  if (c.facility->pulse_duration_s > 0) {
    const int hour = pulse_hour(c, plant, table, weather, first, last);
    progress.log(fmt::format("kelvin: the pulse: hour {} of the year, {:.4g} s of synchronous training",
                             hour, c.facility->pulse_duration_s));
    summary["facility"]["pulse"] = run_facility_pulse(c, plant, table, weather, hour, fit, opt);
  }
  summary["wall_time_s"] = seconds_since(t_start);
  if (!writes) return summary;
  write_file_atomic(dir + "/hourly.csv", format_csv(hourly_header(), rows));
  {
    H5Writer h5(dir + "/results.h5");
    std::vector<std::vector<double>> cols(hourly_header().size());
    for (const auto& r : rows)
      for (std::size_t k = 0; k < r.size(); ++k) cols[k].push_back(r[k]);
    h5.write_table("hourly", hourly_header(), cols);
    h5.write_string("case/resolved_yaml", resolved_case_yaml(c));
    h5.write_attribute("/", "backend", std::string(backend_name()));
    h5.close();
  }
  write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  return summary;
}

namespace {

/// "2 dry coolers", "2 cooling towers", "2 chillers and 2 cooling towers".
std::string equipment_text(const json& f) {
  const std::string kind = f.value("heat_rejection", std::string("dry_cooler"));
  if (kind == "cooling_tower") return fmt::format("{} cooling towers", f["cooling_towers"].get<int>());
  if (kind == "chiller")
    return fmt::format("{} chillers and {} cooling towers", f["chillers"].get<int>(),
                       f["cooling_towers"].get<int>());
  return fmt::format("{} dry coolers", f["dry_coolers"].get<int>());
}

}  // namespace

std::string format_facility_report(const json& s, const std::string& dir) {
  const json& f = s["facility"];
  const bool air = f.value("hall", std::string("liquid")) == "air_cooled";
  std::string r = fmt::format("Case {}: {} {}racks on {}, {} hours of {} ({}), {:.1f} s\n",
                              s["case"].get<std::string>(), f["racks"].get<int>(),
                              air ? "air-cooled " : "", equipment_text(f), f["hours"].get<int>(),
                              f["weather"]["station"].get<std::string>(),
                              f["weather"]["format"].get<std::string>(), s["wall_time_s"].get<double>());
  r += fmt::format("PUE {:.4f}, WUE {:.4f} L/kWh ({:.1f} m3 of water), IT {:.1f} MWh, cooling {:.1f} MWh "
                   "(fans {:.1f}, pumps {:.1f}, compressors {:.1f}), peak {:.3f} MW\n",
                   f["pue"].get<double>(), f["wue_L_per_kWh"].get<double>(), f["water_m3"].get<double>(),
                   f["it_energy_MWh"].get<double>(), f["cooling_energy_MWh"].get<double>(),
                   f["fan_energy_MWh"].get<double>(), f["pump_energy_MWh"].get<double>(),
                   f.value("compressor_energy_MWh", 0.0), f["peak_facility_power_W"].get<double>() / 1e6);
  r += fmt::format("Facility water above its {:.1f} degC setpoint {} hours (max {:.2f} degC); GPUs throttled "
                   "{} hours; tokens lost {:.3f} %; {:.4f} tokens/J at the GPUs, {:.4f} at the meter\n",
                   f["supply_setpoint_K"].get<double>() - 273.15, f["hours_above_setpoint"].get<int>(),
                   f["max_facility_supply_K"].get<double>() - 273.15, f["hours_throttled"].get<int>(),
                   100 * f["tokens_lost_fraction"].get<double>(), f["tokens_per_J_gpu"].get<double>(),
                   f["tokens_per_J_facility"].get<double>());
  if (f.contains("air_hall")) {
    const json& a = f["air_hall"];
    r += fmt::format("Air-cooled hall: {} servers of {} GPUs a rack, {} CRAHs; server fans {:.1f} MWh "
                     "(in IT), CRAH fans {:.1f} MWh; supply air up to {:.2f} degC (setpoint {:.1f}); "
                     "PUE with the server fans as cooling {:.4f}\n",
                     a["servers_per_rack"].get<int>(), a["gpus_per_server"].get<int>(),
                     a["crahs"].get<int>(), a["server_fan_energy_MWh"].get<double>(),
                     a["crah_fan_energy_MWh"].get<double>(), a["max_supply_air_K"].get<double>() - 273.15,
                     a["supply_air_setpoint_K"].get<double>() - 273.15,
                     a["pue_server_fans_as_cooling"].get<double>());
  }
  if (f.contains("pulse")) {
    const json& p = f["pulse"];
    r += fmt::format("Pulse (hour {}, {:.1f} degC facility water, {} racks in phase): {:.3f} .. {:.3f} MW "
                     "(swing {:.3f} MW, {:.1f} % of the mean), ramps +{:.3f} / {:.3f} MW/s\n",
                     p["hour_of_year"].get<int>(), p["facility_supply_K"].get<double>() - 273.15,
                     p["racks_in_phase"].get<int>(), p["min_facility_W"].get<double>() / 1e6,
                     p["max_facility_W"].get<double>() / 1e6, p["swing_W"].get<double>() / 1e6,
                     100 * p["swing_fraction_of_mean"].get<double>(), p["max_ramp_up_MW_s"].get<double>(),
                     p["max_ramp_down_MW_s"].get<double>());
  }
  r += fmt::format("Results in {}/: summary.json, hourly.csv, results.h5{}\n", dir,
                   f.contains("pulse") ? ", pulse.csv, pulse/ (the pulse's rack run)" : "");
  return r;
}

}  // namespace kelvin
