// GPU cases: governor, workload and token accounting around the per-GPU thermal models;
// checkpoints and outputs.
#include "solver/app/gpu_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>

#include <fmt/format.h>

#include "solver/app/convergence.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/app/reynolds.hpp"
#include "solver/coupling/gpu_fleet.hpp"
#include "solver/coupling/gpu_stepper.hpp"
#include "solver/power/gpu_model.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/io/progress.hpp"
#include "solver/io/vtk.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/io/timeseries_csv.hpp"
#include "solver/power/workload.hpp"

namespace kelvin {

namespace {

using json = nlohmann::json;

// ---- checkpoints ---------------------------------------------------------------------------

void write_checkpoint(const std::string& path, const std::string& resolved, const GpuFleet& fleet,
                      const RunState& st, const WorkloadRunner& work, const WorkloadRunner& free) {
  H5Writer h5 = checkpoint_writer(path);
  h5.write_string("case/resolved_yaml", resolved);
  h5.write_attribute("/", "backend", std::string(backend_name()));
  h5.write_attribute("/", "threads", static_cast<double>(backend_threads()));
  h5.write_vector("run/scalars", {static_cast<double>(st.interval), st.max_step_energy_error,
                                  static_cast<double>(st.linear_iterations),
                                  st.max_step_imbalance_W, static_cast<double>(st.short_steps),
                                  st.worst_step_residual,
                                  static_cast<double>(st.short_step_iterations)});
  h5.write_vector("run/workload", work.save());
  h5.write_vector("run/unthrottled_workload", free.save());
  write_rows(h5, "run/timeseries", st.rows);
  for (int i = 0; i < fleet.size(); ++i) {
    const std::string g = fmt::format("gpus/{}/", i);
    write_integrator_state(h5, g, fleet.save_state(i));
    const GovernorState& gs = st.governor[i];
    h5.write_vector(g + "governor", {gs.thermal_ceiling_MHz, gs.hw_slowdown ? 1.0 : 0.0,
                                     gs.shut_down ? 1.0 : 0.0});
    h5.write_vector(g + "totals", st.totals[i].pack());
  }
  h5.close();
}

void read_checkpoint(const std::string& path, GpuFleet& fleet, RunState& st, WorkloadRunner& work,
                     WorkloadRunner& free, std::size_t cols) {
  const auto sc = h5_read_vector(path, "run/scalars");
  st.interval = static_cast<long long>(sc.at(0));
  st.max_step_energy_error = sc.at(1);
  st.linear_iterations = static_cast<long long>(sc.at(2));
  if (sc.size() >= 7) {  // checkpoints before 0.1.0's honest answers hold three scalars
    st.max_step_imbalance_W = sc[3];
    st.short_steps = static_cast<long long>(sc[4]);
    st.worst_step_residual = sc[5];
    st.short_step_iterations = static_cast<long long>(sc[6]);
  }
  work.restore(h5_read_vector(path, "run/workload"));
  free.restore(h5_read_vector(path, "run/unthrottled_workload"));
  st.rows = read_rows(path, "run/timeseries", cols);
  for (int i = 0; i < fleet.size(); ++i) {
    const std::string g = fmt::format("gpus/{}/", i);
    fleet.restore_state(i, read_integrator_state(path, g));
    const auto gv = h5_read_vector(path, g + "governor");
    st.governor[i] = {gv.at(0), gv.at(1) != 0, gv.at(2) != 0};
    st.totals[i].unpack(h5_read_vector(path, g + "totals"));
  }
}

// ---- outputs -------------------------------------------------------------------------------

/// The (flow-weighted) inlet temperature of a GPU's variant, K.
double flow_inlet_K(const Case& v) {
  double tq = 0, q = 0;
  for (const auto& p : case_ports(v))
    if (p.kind == FlowPort::Kind::Inlet) tq += p.temperature_K * p.flow_rate_m3_s, q += p.flow_rate_m3_s;
  return q > 0 ? tq / q : 0.0;
}

json gpu_json(const GpuInstance& g, const GpuModel& m, double cap, const GpuTotals& a,
              double duration_s, const GpuFleet& fleet, int i) {
  json j = gpu_totals_json(g, m, cap, a, duration_s, fleet.junction_K(i), fleet.has_hbm());
  const Case& v = fleet.variant(i);
  for (const auto& p : case_ports(v))
    if (p.kind == FlowPort::Kind::Inlet) {
      j["inlet_temperature_K"] = p.temperature_K;
      j["flow_rate_m3_s"] = p.flow_rate_m3_s;
    }
  return j;
}

/// One .vtr per GPU, placed side by side along x (GPU i shifted by i times 1.2 widths) so that
/// the .vtm that groups them shows the board at once in ParaView.
void write_gpu_fields(const std::string& dir, const Case& c, const GpuFleet& fleet) {
  const Grid& g = fleet.grid();
  std::vector<double> material(g.materials().begin(), g.materials().end());
  const double width = g.faces(0).back() - g.faces(0).front();
  std::string vtm = "<?xml version=\"1.0\"?>\n<VTKFile type=\"vtkMultiBlockDataSet\" version=\"1.0\">\n"
                    "  <vtkMultiBlockDataSet>\n";
  for (int i = 0; i < fleet.size(); ++i) {
    std::vector<double> xf = g.faces(0);
    for (auto& x : xf) x += 1.2 * width * i;
    Grid shifted(xf, g.faces(1), g.faces(2));
    const std::string name = c.gpus->instances[i].name + ".vtr";
    write_vtr(dir + "/" + name, shifted,
              {{"temperature", fleet.temperature(i).to_host(), 1},
               {"heat_source", fleet.source(i), 1},
               {"material_id", material, 1}},
              false);
    vtm += fmt::format("    <DataSet index=\"{}\" name=\"{}\" file=\"{}\"/>\n", i,
                       c.gpus->instances[i].name, name);
  }
  vtm += "  </vtkMultiBlockDataSet>\n</VTKFile>\n";
  write_file_atomic(dir + "/gpus.vtm", vtm);
}

void write_results_h5(const std::string& dir, const Case& c, const GpuFleet& fleet,
                      const std::vector<std::string>& header, const RunState& st,
                      const json& gpus) {
  const Grid& g = fleet.grid();
  H5Writer h5(dir + "/results.h5");
  h5.write_vector("grid/x_faces_m", g.faces(0));
  h5.write_vector("grid/y_faces_m", g.faces(1));
  h5.write_vector("grid/z_faces_m", g.faces(2));
  h5.write_field_int("fields/material_id", g.materials(), g.n(0), g.n(1), g.n(2));
  for (int i = 0; i < fleet.size(); ++i) {
    const std::string name = c.gpus->instances[i].name;
    h5.write_field("gpus/" + name + "/temperature_K", fleet.temperature(i).to_host(), g.n(0),
                   g.n(1), g.n(2));
    for (const auto& [key, v] : gpus[i].items())
      if (v.is_number()) h5.write_attribute("gpus/" + name + "/temperature_K", key, v.get<double>());
  }
  std::vector<std::vector<double>> cols(header.size());
  for (const auto& r : st.rows)
    for (std::size_t k = 0; k < r.size(); ++k) cols[k].push_back(r[k]);
  h5.write_table("timeseries", header, cols);
  h5.write_string("case/resolved_yaml", resolved_case_yaml(c));
  h5.write_attribute("/", "backend", std::string(backend_name()));
  h5.close();
}

/// The start-up flows (one per coolant feed, shared by the GPUs of that feed) that stopped short
/// of the flow tolerance; and every flow's warnings, once, into warnings.
void startup_flows(const Case& c, const GpuFleet& fleet, ConvergenceLog& log,
                   std::vector<std::string>& warnings) {
  std::vector<const FlowSolver*> seen;
  for (int i = 0; i < fleet.size(); ++i) {
    const FlowSolver* f = fleet.flow(i);
    if (!f || std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    int sharing = 0;
    for (int k = 0; k < fleet.size(); ++k) sharing += fleet.flow(k) == f;
    const ChtResult& r = fleet.flow_result(i);
    log.add(flow_shortfall(c, fmt::format("start-up flow of {}{} ({:.4g} L/min at {:.2f} degC)",
                                          c.gpus->instances[i].name,
                                          sharing > 1 ? fmt::format(" and {} GPUs of its feed", sharing - 1)
                                                      : std::string(),
                                          f->inflow_volume_rate() * 6e4,
                                          flow_inlet_K(fleet.variant(i)) - 273.15),
                           r.flow, c.flow.tolerance));
    for (const auto& w : r.warnings)
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
  }
}

/// Reynolds numbers of every coolant feed's flow (reynolds.hpp), one entry per feed naming its
/// GPUs, the viscosity at the feed's inlet temperature (the flows are solved at the start's
/// temperatures); warnings past the laminar limit, once, into warnings.
/// GPU runs report junctions per GPU, not probes: a case's probes are said to be unread.
void warn_unread_probes(const Case& c, std::vector<std::string>& warnings) {
  if (c.probes.empty()) return;
  warnings.push_back("probes: GPU runs (gpus:) report each GPU's junction, not probes; the " +
                     std::to_string(c.probes.size()) + " probe(s) of this case are not read");
}

json feed_reynolds(const Case& c, const GpuFleet& fleet, std::vector<std::string>& warnings) {
  json out = json::array();
  std::vector<const FlowSolver*> seen;
  for (int i = 0; i < fleet.size(); ++i) {
    const FlowSolver* f = fleet.flow(i);
    if (!f || std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    json names = json::array();
    for (int k = 0; k < fleet.size(); ++k)
      if (fleet.flow(k) == f) names.push_back(c.gpus->instances[k].name);
    std::array<std::vector<double>, 3> m;
    for (int d = 0; d < 3; ++d) m[d] = f->mass_flux(d).to_host();
    const std::string who = names.size() > 1 ? fmt::format("{} (and {} GPUs of its feed): ",
                                                           c.gpus->instances[i].name, names.size() - 1)
                                             : c.gpus->instances[i].name + ": ";
    const ReynoldsReport r = reynolds_report(fleet.variant(i), fleet.grid(), m,
                                             flow_inlet_K(fleet.variant(i)), who);
    json j = r.to_json();
    j["gpus"] = names;
    out.push_back(j);
    for (const auto& w : r.warnings)
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
  }
  return out;
}

/// Steady operating points: per GPU the fixed point of leakage and junction temperature at the
/// constant workload's activity, each thermal evaluation a steady 3-D solve (conjugate with
/// flow), through steady_operating_point (power cap, SW thermal limit, runaway, shutdown).
json run_gpu_steady(const Case& c, const RunOptions& opt, const GpuModel& model,
                    Progress& progress, Clock::time_point t_start, const RunIdentity& run_id) {
  if (c.workload.type != "constant")
    throw SetupError("gpus: a steady GPU case needs workload type constant (use a transient "
                     "section for " + c.workload.type + ")");
  const std::string dir = opt.output_dir;
  GpuFleet fleet(c, progress);
  const WorkloadSpec spec = case_workload(c, model);
  const WorkloadPhase& phase = spec.cycle.at(0);
  json gpus = json::array();
  ConvergenceLog log;
  double max_T = 0;
  for (int i = 0; i < fleet.size(); ++i) {
    const GpuInstance& gi = c.gpus->instances[i];
    const double cap = gi.power_limit_W > 0 ? gi.power_limit_W : model.power_limit_W;
    double start = c.initial_temperature_K;
    for (const auto& p : case_ports(fleet.variant(i)))
      if (p.kind == FlowPort::Kind::Inlet) start = std::min(start, p.temperature_K);
    const auto thermal = [&](double power_W) {
      fleet.set_power(i, power_W, model.hbm_power_fraction);
      const SolveStats st = fleet.solve_steady(i, progress);
      if (fleet.flow(i))
        log.add(cht_shortfalls(c, gi.name + " steady conjugate solve", fleet.flow_result(i)));
      else
        log.add(linear_shortfall(c, gi.name + " steady temperature solve", st, c.solver.tolerance));
      return fleet.junction_K(i);
    };
    const OperatingPoint op = steady_operating_point(model, cap, phase.activity, start, thermal,
                                                     1e-4, 200);
    progress.finish();
    // The fields written are those of the last thermal solve: the operating point's.
    const double g = relative_throughput(op.clock_MHz, model.max_clock_MHz, phase.memory_bound_fraction);
    const double tokens_per_s = op.shut_down || op.runaway ? 0.0 : phase.tokens_per_s * g;
    json j = {{"name", gi.name},
              {"model", model.name},
              {"power_limit_W", cap},
              {"junction_temperature_K", op.junction_K},
              {"max_junction_temperature_K", op.junction_K},
              {"power_W", op.power_W},
              {"clock_MHz", op.clock_MHz},
              {"reasons", op.reasons},
              {"converged", op.converged},
              {"runaway", op.runaway},
              {"shut_down", op.shut_down},
              {"thermal_solves", op.thermal_solves},
              {"tokens_per_s", tokens_per_s},
              {"tokens_per_J", op.power_W > 0 ? tokens_per_s / op.power_W : 0.0}};
    if (fleet.has_hbm()) j["hbm_temperature_K"] = fleet.hbm_K(i);
    progress.log(op.runaway ? fmt::format("kelvin: {}: thermal runaway ({} thermal solves)", gi.name,
                                          op.thermal_solves)
                            : fmt::format("kelvin: {}: {} at {:.2f} degC, {:.1f} W, {:.0f} MHz ({} thermal solves)",
                                          gi.name, op.shut_down ? "shutdown" : "operating point",
                                          op.junction_K - 273.15, op.power_W, op.clock_MHz,
                                          op.thermal_solves));
    if (!op.converged) {
      Shortfall s;
      s.solve = gi.name + (op.runaway ? " thermal runaway" : " operating point");
      s.residual = op.junction_K;  // where it stopped; no tolerance applies
      s.unit = "K";
      s.iterations = op.thermal_solves;
      s.detail = op.runaway ? fmt::format("leakage outgrows the cooling: no fixed point even at the "
                                          "lowest clock (junction past {:.2f} degC)",
                                          op.junction_K - 273.15)
                            : fmt::format("the leakage-temperature fixed point was not reached in "
                                          "{} thermal solves (junction {:.2f} degC)",
                                          op.thermal_solves, op.junction_K - 273.15);
      s.hint = "cool it better (a lower inlet temperature or more flow) or lower its power_limit; "
               "check gpu_models leakage_power and leakage_growth";
      log.add(s);
    }
    max_T = std::max(max_T, op.junction_K);
    gpus.push_back(j);
  }
  json summary = summary_header(c, run_id);
  summary.update(json{{"cells", fleet.cells_per_gpu() * fleet.size()},
                      {"cells_per_gpu", fleet.cells_per_gpu()},
                      {"workload", c.workload.type},
                      {"steady", true},
                      {"converged", log.empty()},
                      {"gpus", gpus},
                      {"max_temperature_K", max_T}});
  if (!log.empty()) summary["not_converged"] = log.to_json();
  std::vector<std::string> warnings;
  for (int i = 0; i < fleet.size(); ++i)
    for (const auto& w : fleet.flow_result(i).warnings)
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
  if (c.has_flow()) summary["reynolds"] = feed_reynolds(c, fleet, warnings);
  warn_unread_probes(c, warnings);
  for (const auto& w : warnings) summary["warnings"].push_back(w);
  write_gpu_fields(dir, c, fleet);
  RunState none;
  write_results_h5(dir, c, fleet, {"time_s"}, none, gpus);
  summary["wall_time_s"] = seconds_since(t_start);
  write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  return summary;
}

}  // namespace

json run_gpu_case(const Case& c, const RunOptions& opt) {
  const auto t_start = Clock::now();
  const RunIdentity run_id = identify_run(c, opt.resume);
  Progress progress(opt.quiet);
  std::filesystem::create_directories(opt.output_dir);
  const std::string dir = opt.output_dir;
  const GpuModel& model = case_gpu_model(c);
  if (!c.transient.enabled) return run_gpu_steady(c, opt, model, progress, t_start, run_id);

  const std::string resolved = resolved_case_yaml(c);
  const std::string checkpoint = dir + "/checkpoint.h5";
  if (opt.resume) check_checkpoint(checkpoint, resolved);
  GpuFleet fleet(c, progress);
  const int n = fleet.size();
  ConvergenceLog log;
  std::vector<std::string> flow_warnings;
  startup_flows(c, fleet, log, flow_warnings);
  const std::size_t before = flow_warnings.size();
  const json reynolds = c.has_flow() ? feed_reynolds(c, fleet, flow_warnings) : json();
  warn_unread_probes(c, flow_warnings);
  for (std::size_t w = before; w < flow_warnings.size(); ++w)
    progress.log("kelvin: warning: " + flow_warnings[w]);
  progress.log(fmt::format("kelvin: case \"{}\": {} x {} on {} cells each, {} workload", c.name, n,
                           model.name, fleet.cells_per_gpu(), c.workload.type));
  const WorkloadSpec spec = case_workload(c, model);
  WorkloadRunner work(spec, n), unthrottled(spec, n);
  RunState st;
  st.governor.assign(n, GovernorState{});
  st.totals.assign(n, GpuTotals{});
  const auto header = series_header(c);
  if (opt.resume) {
    read_checkpoint(checkpoint, fleet, st, work, unthrottled, header.size());
    progress.log(fmt::format("kelvin: resumed at t = {:.6g} s from {}", st.interval * c.gpus->control_interval_s,
                             checkpoint));
  }
  const double setup_s = seconds_since(t_start);

  IntervalStepper stepper(c, model, fleet, st, work, unthrottled);
  if (fleet.thermal_solves() < fleet.size())
    progress.log(fmt::format("kelvin: {} GPUs, {} thermal solves: GPUs with the same coolant feed "
                             "share one while their powers are equal",
                             fleet.size(), fleet.thermal_solves()));
  if (fleet.batches() == 1 && fleet.thermal_solves() > 1)
    progress.log(fmt::format("kelvin: the {} plates solved are stacked along {} into one batched "
                             "operator",
                             fleet.thermal_solves(), "xyz"[fleet.batch_axis()]));
  const double dt = c.gpus->control_interval_s;
  const long long intervals = std::llround(std::ceil(c.transient.end_time_s / dt - 1e-9));
  CheckpointSchedule schedule(c.transient.checkpoint_interval_s, checkpoint,
                              fmt::format("kelvin run {} -o {} --resume", c.file, dir));
  while (st.interval < intervals) {
    const double t0 = st.interval * dt;
    stepper.step(t0, std::min(dt, c.transient.end_time_s - t0));
    const double t = std::min(st.interval * dt, c.transient.end_time_s);
    double tj_max = 0, tokens_so_far = 0;
    for (int i = 0; i < n; ++i) {
      tj_max = std::max(tj_max, st.rows.back()[1 + 8 * i]);
      tokens_so_far += st.totals[i].tokens;
    }
    progress.update(fmt::format("t = {:.4g} s / {:.4g} s  max T_j {:.2f} degC  tokens {:.4g}", t,
                                c.transient.end_time_s, tj_max - 273.15,
                                tokens_so_far),
                    t / c.transient.end_time_s);
    if (interrupt_requested()) progress.finish();
    schedule.after_step(t, [&] { write_checkpoint(checkpoint, resolved, fleet, st, work, unthrottled); });
  }
  progress.finish();
  for (int i = 0; i < n; ++i) stepper.check_junction(i, c.transient.end_time_s, fleet.junction_K(i));
  write_checkpoint(checkpoint, resolved, fleet, st, work, unthrottled);
  const double solve_s = seconds_since(t_start) - setup_s;

  const double duration = c.transient.end_time_s;
  json summary = summary_header(c, run_id);
  summary["cells"] = fleet.cells_per_gpu() * n;
  summary["cells_per_gpu"] = fleet.cells_per_gpu();
  summary["workload"] = c.workload.type;
  if (st.short_steps > 0) {
    SolveStats worst;
    worst.relative_residual = st.worst_step_residual;
    worst.iterations = static_cast<int>(st.short_step_iterations);
    auto steps = linear_shortfall(c, "linear solves of the time steps", worst, c.solver.tolerance);
    steps.front().count = st.short_steps;
    log.add(steps);
  }
  summary["converged"] = log.empty();
  if (!log.empty()) summary["not_converged"] = log.to_json();
  if (c.has_flow()) summary["reynolds"] = reynolds;
  for (const auto& w : flow_warnings) summary["warnings"].push_back(w);
  summary["gpus"] = json::array();
  double max_T = 0;
  for (int i = 0; i < n; ++i) {
    summary["gpus"].push_back(gpu_json(c.gpus->instances[i], model, stepper.cap(i), st.totals[i],
                                       duration, fleet, i));
    max_T = std::max(max_T, st.totals[i].max_junction_K);
  }
  summary["gpu_totals"] = totals_json(st.totals, duration, work.cycles());
  summary["max_temperature_K"] = max_T;
  summary["transient"] = {{"end_time_s", duration},
                          {"control_interval_s", dt},
                          {"intervals", st.interval},
                          {"time_step_s", c.transient.time_step_s},
                          {"linear_iterations", st.linear_iterations},
                          {"thermal_solves", fleet.thermal_solves()},
                          {"max_step_energy_relative_error", st.max_step_energy_error},
                          {"max_step_imbalance_W", st.max_step_imbalance_W}};
  // The worst step over the steps with heat in (a GPU that has shut down has none), and the
  // worst imbalance in W over every step.
  summary["energy_balance"] = {{"relative_error", st.max_step_energy_error},
                               {"max_step_imbalance_W", st.max_step_imbalance_W}};
  write_gpu_fields(dir, c, fleet);
  write_results_h5(dir, c, fleet, header, st, summary["gpus"]);
  write_file_atomic(dir + "/timeseries.csv", format_csv(header, st.rows));
  summary["wall_time_s"] = seconds_since(t_start);
  summary["wall_s_per_simulated_s"] = solve_s / duration;
  summary["timings_s"] = {{"setup", setup_s},
                          {"solve", solve_s},
                          {"output", seconds_since(t_start) - setup_s - solve_s}};
  write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
  return summary;
}

std::string format_gpu_report(const json& s, const std::string& dir) {
  if (s.value("steady", false)) {
    std::string r = fmt::format("Case {}: steady operating points of {} GPUs, {:.2f} s\n",
                                s["case"].get<std::string>(), s["gpus"].size(),
                                s["wall_time_s"].get<double>());
    r += "GPU        T_j degC   power W  clock MHz  reasons  tokens/s  tokens/J\n";
    for (const auto& g : s["gpus"])
      r += g["runaway"].get<bool>()
               ? fmt::format("{:<10} THERMAL RUNAWAY: leakage outgrows the cooling, no fixed point "
                             "even at the lowest clock\n", g["name"].get<std::string>())
               : fmt::format("{:<10} {:8.2f} {:9.1f} {:10.0f}   0x{:02x} {:9.4g} {:9.4g}{}\n",
                       g["name"].get<std::string>(), g["junction_temperature_K"].get<double>() - 273.15,
                       g["power_W"].get<double>(), g["clock_MHz"].get<double>(),
                       g["reasons"].get<unsigned>(), g["tokens_per_s"].get<double>(),
                             g["tokens_per_J"].get<double>(),
                             g["shut_down"].get<bool>() ? "  SHUTDOWN" : "");
    r += fmt::format("Results in {}/: summary.json, results.h5, gpus.vtm\n", dir);
    return r;
  }
  std::string r = fmt::format("Case {}: {} GPUs x {} cells, {} workload, {:.4g} s simulated in {:.2f} s ({:.3g} s per simulated s)\n",
                              s["case"].get<std::string>(), s["gpus"].size(),
                              s["cells_per_gpu"].get<long long>(), s["workload"].get<std::string>(),
                              s["transient"]["end_time_s"].get<double>(),
                              s["wall_time_s"].get<double>(),
                              s["wall_s_per_simulated_s"].get<double>());
  r += "GPU        T_j max degC  mean W  mean MHz   tokens      lost %  tokens/J  throttled %\n";
  for (const auto& g : s["gpus"])
    r += fmt::format("{:<10} {:11.2f} {:7.1f} {:9.0f} {:10.4g} {:8.3f} {:9.3f} {:10.1f}{}\n",
                     g["name"].get<std::string>(),
                     g["max_junction_temperature_K"].get<double>() - 273.15,
                     g["mean_power_W"].get<double>(), g["mean_clock_MHz"].get<double>(),
                     g["tokens"].get<double>(), 100 * g["tokens_lost_fraction"].get<double>(),
                     g["tokens_per_J"].get<double>(), 100 * g["throttled_fraction"].get<double>(),
                     g["shut_down"].get<bool>() ? "  SHUT DOWN" : "");
  const auto& t = s["gpu_totals"];
  r += fmt::format("All GPUs: {:.6g} tokens ({:.6g} unthrottled, {:.3f} % lost), {:.6g} J, {:.4f} tokens/J{}\n",
                   t["tokens"].get<double>(), t["tokens_unthrottled"].get<double>(),
                   100 * t["tokens_lost_fraction"].get<double>(), t["energy_J"].get<double>(),
                   t["tokens_per_J"].get<double>(), t["job_failed"].get<bool>() ? ", JOB FAILED" : "");
  r += fmt::format("Results in {}/: summary.json, timeseries.csv, results.h5, gpus.vtm\n", dir);
  r += fmt::format("Open in ParaView: paraview {}/gpus.vtm\n", dir);
  return r;
}

}  // namespace kelvin
