// Rack cases: the reduced plates' fit, the steady rack, the transient with failure events, and
// their outputs. See rack_run.hpp.
#include "solver/app/rack_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "solver/app/rack_outputs.hpp"
#include "solver/app/rack_vtk.hpp"
#include "solver/base/errors.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/coupling/gpu_stepper.hpp"
#include "solver/coupling/rack_steady.hpp"
#include "solver/coupling/rack_steady_3d.hpp"
#include "solver/coupling/rack_thermal.hpp"
#include "solver/coupling/rack_thermal_3d.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/io/progress.hpp"
#include "solver/io/timeseries_csv.hpp"
#include "solver/parallel/ranks.hpp"

namespace kelvin {

using json = nlohmann::json;

namespace {

/// The case's events as the loop transient's; start_standby starts the next standby pump.
std::vector<LoopEvent> loop_events(const Case& c, const RackNetwork& rack) {
  std::vector<LoopEvent> out;
  int next_standby = c.loop->duty_pumps;
  for (const LoopEventCase& e : c.loop->events) {
    if (e.type == "trip_pump")
      out.push_back({e.time_s, LoopEventKind::TripPump, e.pump, 1.0});
    else if (e.type == "trip_all_pumps")
      out.push_back({e.time_s, LoopEventKind::TripAllPumps, -1, 1.0});
    else if (e.type == "start_standby")
      out.push_back({e.time_s, LoopEventKind::StartPump, next_standby++, 1.0});
    else if (e.type == "stick_facility_valve")
      out.push_back({e.time_s, LoopEventKind::StickFacilityValve, -1, 1.0});
    else if (e.type == "quick_disconnect")
      out.push_back({e.time_s, LoopEventKind::SetLinkOpening,
                     rack.qd_supply.at(static_cast<std::size_t>(e.tray)), e.opening});
    else
      throw SetupError("loop: unknown event type \"" + e.type + "\"");
  }
  return out;
}

json steady_gpus_json(const Case& c, const GpuModel& m, const RackSteady& st,
                      const LoopSample& s, const WorkloadSpec& spec) {
  json gpus = json::array();
  for (std::size_t i = 0; i < st.gpu.size(); ++i) {
    const OperatingPoint& op = st.gpu[i];
    const WorkloadPhase& ph = spec.cycle.at(0);
    const double g = relative_throughput(op.clock_MHz, m.max_clock_MHz, ph.memory_bound_fraction);
    const double tokens = op.shut_down || op.runaway ? 0.0 : ph.tokens_per_s * g;
    gpus.push_back({{"name", c.gpus->instances[i].name},
                    {"model", m.name},
                    {"power_limit_W", gpu_cap_W(c, m, static_cast<int>(i))},
                    {"junction_temperature_K", op.junction_K},
                    {"power_W", op.power_W},
                    {"clock_MHz", op.clock_MHz},
                    {"reasons", op.reasons},
                    {"converged", op.converged},
                    {"runaway", op.runaway},
                    {"shut_down", op.shut_down},
                    {"tokens_per_s", tokens},
                    {"tokens_per_J", op.power_W > 0 ? tokens / op.power_W : 0.0},
                    {"inlet_temperature_K", s.plate_inlet_K[i]},
                    {"flow_rate_m3_s", s.plate_flow_m3_s[i]}});
  }
  return gpus;
}

/// Per GPU, the first time [s] a thermal clock-event reason (SW or HW thermal) was set; -1: never.
std::vector<double> first_thermal_throttle(const RunState& st, int gpus) {
  std::vector<double> first(static_cast<std::size_t>(gpus), -1.0);
  for (const auto& row : st.rows)
    for (int i = 0; i < gpus; ++i) {
      const unsigned r = static_cast<unsigned>(row[static_cast<std::size_t>(1 + 8 * i + 5)]);
      if (first[i] < 0 && (r & (kReasonSwThermal | kReasonHwThermal))) first[i] = row[0];
    }
  return first;
}

void write_rack_h5(const std::string& dir, const Case& c, const std::vector<std::string>& header,
                   const RunState& st, const json& summary) {
  H5Writer h5(dir + "/results.h5");
  std::vector<std::vector<double>> cols(header.size());
  for (const auto& r : st.rows)
    for (std::size_t k = 0; k < r.size(); ++k) cols[k].push_back(r[k]);
  if (!st.rows.empty()) h5.write_table("timeseries", header, cols);
  const json& loop = summary["loop"];
  for (const char* part : {"plates", "branches"})
    for (const char* key : {"flow_m3_s", "pressure_drop_Pa", "inlet_temperature_K", "outlet_temperature_K"}) {
      std::vector<double> v;
      for (const auto& b : loop[part]) v.push_back(b[key].get<double>());
      h5.write_vector(fmt::format("loop/{}/{}", part, key), v);
    }
  for (const auto& [key, v] : loop.items())
    if (v.is_number()) h5.write_attribute("loop/plates/flow_m3_s", key, v.get<double>());
  h5.write_string("case/resolved_yaml", resolved_case_yaml(c));
  h5.write_attribute("/", "backend", std::string(backend_name()));
  h5.close();
}

}  // namespace

json run_rack_case(const Case& c, const RunOptions& opt, RackSeries* series, const PlateFit* steady_fit) {
  const auto t_start = Clock::now();
  const RunIdentity run_id = identify_run(c, opt.resume);
  Progress progress(opt.quiet);
  const bool writes = Ranks::world().root();  // over several ranks, the root writes the outputs
  if (writes) std::filesystem::create_directories(opt.output_dir);
  const std::string dir = opt.output_dir;
  const GpuModel& model = case_gpu_model(c);
  if (opt.resume)
    progress.log("kelvin: a rack run keeps no checkpoint (its reduced plates run in seconds); "
                 "--resume runs it from the beginning");
  const PlateFit fit = fit_case_plate(c, progress, steady_fit);
  progress.log(plate_fit_line(fit));
  const double fit_s = seconds_since(t_start);
  progress.update("rack: steady state");
  const double dp_set = rack_dp_setpoint(c, model, fit.plate.dp_law, fit.design_flow_m3_s);
  const WorkloadSpec spec = case_workload(c, model);
  const int n = static_cast<int>(c.gpus->instances.size());
  WorkloadRunner work(spec, n), unthrottled(spec, n);
  RackSteady steady;
  std::vector<PlateBranch> laws(static_cast<std::size_t>(n), fit.plate.dp_law);
  json plates_3d;
  bool converged_3d = true;
  if (c.loop->plate_model == "3d") {
    const Rack3dSteady r3 = solve_rack_steady_3d(c, model, fit.plate, dp_set, work.activity(0), progress);
    steady = r3.steady;
    laws = r3.laws;
    converged_3d = r3.converged;
    double worst = 0;  // the reduced plate against the 3-D plates at the rack's flows
    for (int i = 0; i < n; ++i)
      worst = std::max(worst, std::abs(fit.plate.junction(steady.flow_m3_s[i]) / r3.junction_K_W[i] - 1));
    plates_3d = {{"passes", r3.passes},
                 {"plate_solves", r3.plate_solves},
                 {"flow_change", r3.flow_change},
                 {"converged", r3.converged},
                 {"junction_resistance_K_W", r3.junction_K_W},
                 {"pressure_drop_Pa", r3.pressure_drop_Pa},
                 {"reduced_plate_junction_error", worst}};
  } else {
    steady = solve_rack_steady(c, model, fit.plate, dp_set, work.activity(0));
  }
  std::unique_ptr<GpuFleet> fleet;  // 3-D plates in a transient
  if (c.loop->plate_model == "3d" && c.transient.enabled && steady.converged) {
    progress.log("kelvin: 3-D plates in the transient: the design flow once, then each tray's "
                 "plates batched, settled at their steady state on the loop");
    fleet = std::make_unique<GpuFleet>(c, progress, true, tray_groups(c));
    const Rack3dStart start = settle_rack_3d(c, model, laws, dp_set, work.activity(0), steady, *fleet);
    steady = start.steady;
    converged_3d = converged_3d && start.converged;
    plates_3d["transient_start"] = {{"passes", start.passes},
                                    {"outer_iterations", start.outer_iterations},
                                    {"power_change_W", start.power_change_W},
                                    {"converged", start.converged}};
    plates_3d["batches"] = fleet->batches();
    plates_3d["cells"] = fleet->cells_per_gpu() * n;
  }
  if (!steady.converged)
    throw OutOfPhysicalRange(fmt::format("loop: the rack's steady state did not converge in {} "
                                         "iterations (powers still change by {:.3g} W)",
                                         steady.iterations, steady.power_change_W));
  RackNetwork rack = build_rack_network(c, laws, steady.power_W, dp_set);
  LoopTransient loop(rack.setup);
  json summary = summary_header(c, run_id);
  if (loop.start_supply_excess_K() > 0) {
    const std::string w = fmt::format(
        "loop: the CDU cannot hold its {:.2f} degC supply setpoint: with the facility valve fully "
        "open the supply is {:.3f} K above it (the exchanger is too small for the heat, or the "
        "facility water too warm)",
        c.loop->cdu_supply_K - 273.15, loop.start_supply_excess_K());
    summary["warnings"].push_back(w);
    progress.log("kelvin: warning: " + w);
  }
  if (loop.start_dp_shortfall_Pa() > 0) {
    const std::string w = fmt::format(
        "loop: the CDU's pumps cannot hold the {:.1f} kPa differential pressure: at their drives' "
        "top speed they give {:.1f} kPa less (pumps too small for the rack's flow)",
        rack.setup.control.dp_setpoint_Pa / 1e3, loop.start_dp_shortfall_Pa() / 1e3);
    summary["warnings"].push_back(w);
    progress.log("kelvin: warning: " + w);
  }
  if (loop.start_dp_excess_Pa() > 0) {
    const std::string w = fmt::format(
        "loop: the CDU's pumps cannot hold the {:.1f} kPa differential pressure: at their drives' "
        "bottom speed they give {:.1f} kPa more (pumps too large for the rack's flow)",
        rack.setup.control.dp_setpoint_Pa / 1e3, loop.start_dp_excess_Pa() / 1e3);
    summary["warnings"].push_back(w);
    progress.log("kelvin: warning: " + w);
  }
  summary["reduced_plate"] = plate_fit_json(fit);
  summary["ranks"] = Ranks::world().size();
  summary["steady"] = !c.transient.enabled;
  summary["workload"] = c.workload.type;
  summary["rack_steady_iterations"] = steady.iterations;
  summary["fit_wall_time_s"] = fit_s;
  const double loop_start_s = seconds_since(t_start);
  bool converged = steady.converged && converged_3d;
  if (!plates_3d.is_null()) summary["plates_3d"] = plates_3d;
  for (const OperatingPoint& op : steady.gpu) converged = converged && op.converged;
  summary["converged"] = converged;
  if (!c.transient.enabled) {
    summary["gpus"] = steady_gpus_json(c, model, steady, loop.history().front(), spec);
    summary["loop"] = loop_json(rack, loop, steady.power_W);
    summary["wall_time_s"] = seconds_since(t_start);
    if (writes) {
      write_rack_vtm(dir, c, rack, loop, summary["gpus"], "junction_temperature_K");
      write_rack_h5(dir, c, {}, RunState{}, summary);
      write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
    }
    return summary;
  }
  summary["start"] = {{"gpus", steady_gpus_json(c, model, steady, loop.history().front(), spec)},
                      {"loop", loop_json(rack, loop, steady.power_W)}};
  for (const LoopEvent& e : loop_events(c, rack)) loop.schedule(e);
  std::unique_ptr<RackThermal> plates;
  Rack3dThermal* plates_3d_run = nullptr;
  if (fleet) {
    auto p3 = std::make_unique<Rack3dThermal>(loop, *fleet);
    plates_3d_run = p3.get();
    plates = std::move(p3);
  } else {
    std::vector<PlateThermalState> start;
    for (int i = 0; i < n; ++i)
      start.push_back(steady_plate_state(fit.plate, steady.power_W[i],
                                         std::abs(loop.history().front().plate_flow_m3_s[i])));
    plates = std::make_unique<ReducedRackThermal>(loop, fit.plate, start);
  }
  RackThermal& thermal = *plates;
  RunState st;
  st.governor.assign(n, GovernorState{});
  // The governor starts where the steady state has it: a GPU held at its thermal slowdown keeps
  // its clock ceiling (a fresh governor would start at max clock and overshoot for a second).
  for (int i = 0; i < n; ++i)
    if (steady.gpu[i].reasons & kReasonSwThermal) st.governor[i].thermal_ceiling_MHz = steady.gpu[i].clock_MHz;
  st.totals.assign(n, GpuTotals{});
  IntervalStepper stepper(c, model, thermal, st, work, unthrottled);
  std::vector<std::string> header = series_header(c);
  const auto loop_header = loop_series_header(rack, c);
  header.insert(header.end(), loop_header.begin(), loop_header.end());
  const double dt = c.gpus->control_interval_s, end = c.transient.end_time_s;
  const long long intervals = std::llround(std::ceil(end / dt - 1e-9));
  for (long long k = 0; k < intervals; ++k) {
    const double t0 = k * dt;
    const std::vector<double> loop_row = loop_series_row(rack, loop);
    stepper.step(t0, std::min(dt, end - t0));
    st.rows.back().insert(st.rows.back().end(), loop_row.begin(), loop_row.end());
    double tj = 0;
    for (int i = 0; i < n; ++i) tj = std::max(tj, thermal.junction_K(i));
    progress.update(fmt::format("t = {:.4g} s / {:.4g} s  max T_j {:.2f} degC  supply {:.2f} degC",
                                t0 + dt, end, tj - 273.15, loop.history().back().supply_K - 273.15),
                    (t0 + dt) / end);
  }
  progress.finish();
  const std::vector<double> first = first_thermal_throttle(st, n);
  json gpus = json::array();
  std::vector<double> heat(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    heat[i] = thermal.coolant_heat_W(i);
    json g = gpu_totals_json(c.gpus->instances[i], model, gpu_cap_W(c, model, i), st.totals[i], end,
                             thermal.junction_K(i), fit.plate.has_hbm);
    g["first_thermal_throttle_s"] = first[i];
    g["inlet_temperature_K"] = thermal.inlet_K(i);
    g["flow_rate_m3_s"] = thermal.flow_m3_s(i);
    gpus.push_back(g);
  }
  summary["gpus"] = gpus;
  summary["gpu_totals"] = totals_json(st.totals, end, work.cycles());
  summary["loop"] = loop_json(rack, loop, heat);
  const LoopEnergy& e = loop.energy();
  double gpu_J = 0;
  for (const auto& t : st.totals) gpu_J += t.energy_J;
  // The loop's books close by themselves: coolant heat = CDU + pipe loss + coolant stored. The
  // GPUs' energy splits into heat to the coolant and heat in the plates' metal.
  const double books = e.plates_J - e.cdu_J - e.pipe_loss_J - e.stored_change_J;
  summary["energy"] = {{"gpus_J", gpu_J},
                       {"plate_metal_stored_J", thermal.stored_J()},
                       {"coolant_heat_J", e.plates_J},
                       {"cdu_J", e.cdu_J},
                       {"pipe_loss_J", e.pipe_loss_J},
                       {"coolant_stored_J", e.stored_change_J},
                       {"loop_relative_residual", e.plates_J > 0 ? std::abs(books) / e.plates_J : 0.0}};
  if (plates_3d_run) {
    // From the 3-D temperatures: the books' P - q less this is the heat the plates lost to the
    // board (their zmin face) plus the cost of holding q over each interval.
    summary["energy"]["plate_field_stored_J"] = plates_3d_run->field_stored_J();
    plates_3d["linear_iterations"] = st.linear_iterations;
    plates_3d["max_step_energy_error"] = st.max_step_energy_error;
    plates_3d["short_steps"] = st.short_steps;
    summary["plates_3d"] = plates_3d;
  }
  summary["transient"] = {{"end_time_s", end}, {"control_interval_s", dt}};
  json events = json::array();
  for (const auto& ev : c.loop->events)
    events.push_back({{"type", ev.type}, {"time_s", ev.time_s}});
  summary["events"] = events;
  if (series) *series = {header, st.rows};
  if (writes) {
    write_file_atomic(dir + "/timeseries.csv", format_csv(header, st.rows));
    write_rack_h5(dir, c, header, st, summary);
    write_rack_vtm(dir, c, rack, loop, gpus, "max_junction_temperature_K");
  }
  summary["wall_time_s"] = seconds_since(t_start);
  summary["wall_s_per_simulated_s"] = summary["wall_time_s"].get<double>() / end;
  // the rack itself, without the reduced plate's 3-D fit and the steady start
  summary["loop_wall_s_per_simulated_s"] = (seconds_since(t_start) - loop_start_s) / end;
  if (writes) write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  return summary;
}

}  // namespace kelvin

namespace kelvin {

std::string format_rack_report(const json& s, const std::string& dir) {
  const json& l = s["loop"];
  const json& cdu = l["cdu"];
  const json& m = l["maldistribution"];
  std::string r = fmt::format("Case {}: {} GPUs on their loop, {}, {:.2f} s\n", s["case"].get<std::string>(),
                              s["gpus"].size(), s["steady"].get<bool>() ? "steady" : "transient",
                              s["wall_time_s"].get<double>());
  const json& f = s["reduced_plate"];
  r += fmt::format("Reduced plate: fit error R_j {:.2g} %, dp {:.2g} %; held out R_j {:.2g} %, dp {:.2g} %\n",
                   100 * f["fit_error"]["junction"].get<double>(), 100 * f["fit_error"]["pressure_drop"].get<double>(),
                   100 * f["held_out_error"]["junction"].get<double>(),
                   100 * f["held_out_error"]["pressure_drop"].get<double>());
  r += fmt::format("Loop: supply {:.2f} degC, return {:.2f} degC, dp {:.1f} kPa, pumps {:.0f} W, "
                   "CDU {:.1f} kW (approach {:.2f} K, facility valve {:.2f})\n",
                   l["supply_temperature_K"].get<double>() - 273.15,
                   l["return_temperature_K"].get<double>() - 273.15,
                   l["differential_pressure_Pa"].get<double>() / 1e3, l["pump_electrical_W"].get<double>(),
                   cdu["duty_W"].get<double>() / 1e3, cdu["approach_K"].get<double>(),
                   cdu["facility_valve_opening"].get<double>());
  r += fmt::format("Plate flows: max/min {:.4f} ({:+.2f} % / {:+.2f} % of the mean)\n",
                   m["max_over_min"].get<double>(), 100 * m["max_over_mean"].get<double>(),
                   100 * m["min_over_mean"].get<double>());
  const bool steady = s["steady"].get<bool>();
  const std::string tj = steady ? "junction_temperature_K" : "max_junction_temperature_K";
  const json* hot = nullptr;
  int throttled = 0, shut = 0;
  for (const auto& g : s["gpus"]) {
    if (!hot || g[tj].get<double>() > (*hot)[tj].get<double>()) hot = &g;
    if (!steady && g["first_thermal_throttle_s"].get<double>() >= 0) ++throttled;
    if (g["shut_down"].get<bool>()) ++shut;
  }
  r += fmt::format("Hottest GPU: {} at {:.2f} degC ({:.3f} L/min, inlet {:.2f} degC)\n",
                   (*hot)["name"].get<std::string>(), (*hot)[tj].get<double>() - 273.15,
                   (*hot)["flow_rate_m3_s"].get<double>() * 6e4,
                   (*hot)["inlet_temperature_K"].get<double>() - 273.15);
  if (!steady) {
    const auto& t = s["gpu_totals"];
    double first = -1, down = -1;
    for (const auto& g : s["gpus"]) {
      const double f = g["first_thermal_throttle_s"].get<double>();
      if (f >= 0 && (first < 0 || f < first)) first = f;
      const double d = g.value("shutdown_time_s", -1.0);
      if (d >= 0 && (down < 0 || d < down)) down = d;
    }
    r += fmt::format("{} GPUs thermally throttled{}, {} shut down{}; tokens lost {:.3f} %\n", throttled,
                     first >= 0 ? fmt::format(" (the first at {:.1f} s)", first) : "", shut,
                     down >= 0 ? fmt::format(" (the first at {:.1f} s)", down) : "",
                     100 * t["tokens_lost_fraction"].get<double>());
    r += fmt::format("Wall time: reduced-plate fit {:.1f} s, rack {:.3g} s per simulated s\n",
                     s["fit_wall_time_s"].get<double>(), s["loop_wall_s_per_simulated_s"].get<double>());
  }
  r += fmt::format("Results in {}/: summary.json, {}results.h5, rack.vtm\n", dir,
                   steady ? "" : "timeseries.csv, ");
  r += fmt::format("Open in ParaView: paraview {}/rack.vtm\n", dir);
  return r;
}

}  // namespace kelvin
