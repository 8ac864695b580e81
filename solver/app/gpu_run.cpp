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

/// The workload of a case, with the GPU model's nominal rates where the case gives none.
WorkloadSpec case_workload(const Case& c, const GpuModel& m) {
  const WorkloadCase& w = c.workload;
  const auto rate = [](double given, double model) { return given > 0 ? given : model; };
  if (w.type == "training")
    return make_training_workload(rate(w.tokens_per_s, m.training_tokens_per_s),
                                  w.iteration_time_s, w.compute_fraction, w.compute_activity,
                                  w.communication_activity, w.checkpoint_every,
                                  w.checkpoint_duration_s);
  if (w.type == "inference")
    return make_inference_workload(rate(w.prefill_tokens_per_s, m.prefill_tokens_per_s),
                                   rate(w.decode_tokens_per_s, m.decode_tokens_per_s),
                                   w.prefill_fraction, w.cycle_time_s, w.prefill_activity,
                                   w.decode_activity);
  if (w.type == "trace") {
    WorkloadSpec spec;
    spec.kind = WorkloadSpec::Kind::Trace;
    spec.trace = read_trace_csv(w.trace_file, {static_cast<int>(c.gpus->instances.size()),
                                               trace_phase_names()});
    spec.trace_phases = trace_phases(rate(w.tokens_per_s, m.training_tokens_per_s),
                                     m.prefill_tokens_per_s, m.decode_tokens_per_s);
    return spec;
  }
  return make_constant_workload(w.activity, w.memory_bound_fraction,
                                rate(w.tokens_per_s, m.training_tokens_per_s));
}

/// Per-GPU totals over the run.
struct GpuTotals {
  double energy_J = 0, tokens = 0, tokens_unthrottled = 0, clock_time_MHz_s = 0;
  double throttled_s = 0, power_cap_s = 0, sw_thermal_s = 0, hw_thermal_s = 0;
  double max_junction_K = 0, max_hbm_K = 0, shutdown_time_s = -1;
  std::vector<double> pack() const {
    return {energy_J,     tokens,       tokens_unthrottled, clock_time_MHz_s, throttled_s,
            power_cap_s,  sw_thermal_s, hw_thermal_s,       max_junction_K,   max_hbm_K,
            shutdown_time_s};
  }
  void unpack(const std::vector<double>& v) {
    if (v.size() != 11) throw std::runtime_error("checkpoint: GPU totals have the wrong size");
    energy_J = v[0], tokens = v[1], tokens_unthrottled = v[2], clock_time_MHz_s = v[3];
    throttled_s = v[4], power_cap_s = v[5], sw_thermal_s = v[6], hw_thermal_s = v[7];
    max_junction_K = v[8], max_hbm_K = v[9], shutdown_time_s = v[10];
  }
};

/// Everything besides the temperatures that a GPU run carries from interval to interval.
struct RunState {
  long long interval = 0;  // control intervals done
  std::vector<GovernorState> governor;
  std::vector<GpuTotals> totals;
  std::vector<std::vector<double>> rows;  // time series
  double max_step_energy_error = 0;       // over steps with heat in
  double max_step_imbalance_W = 0;        // over every step
  long long linear_iterations = 0;
  // Time steps whose linear solve stopped above the tolerance: how many, the worst relative
  // residual, the most iterations.
  long long short_steps = 0;
  double worst_step_residual = 0;
  long long short_step_iterations = 0;
};

/// Junction temperature past which a model has left every physical range, K: silicon melts at
/// 1687 K and no package survives a tenth of that rise.
constexpr double kMaxJunctionK = 1000;
/// Power past which a GPU's power model has left every physical range: this many times the
/// model's largest power limit (leakage may pass the cap for an interval while the die heats,
/// but never tenfold: at the shutdown temperature an H100's leakage is 179 W).
constexpr double kMaxPowerFactor = 10;

std::vector<std::string> series_header(const Case& c) {
  std::vector<std::string> h{"time_s"};
  for (const auto& g : c.gpus->instances)
    for (const char* col : {"junction_K", "hbm_K", "clock_MHz", "power_W", "activity", "reasons",
                            "tokens_per_s", "unthrottled_tokens_per_s"})
      h.push_back(g.name + "_" + col);
  h.push_back("job_cycles");
  return h;
}

/// The interval's work for every GPU: governor decisions at the start, workload over the
/// interval, power into the thermal models, accounting, one time-series row.
class IntervalStepper {
 public:
  IntervalStepper(const Case& c, const GpuModel& model, GpuFleet& fleet, RunState& st,
                  WorkloadRunner& work, WorkloadRunner& unthrottled)
      : m_case(c), m_model(model), m_fleet(fleet), m_st(st), m_work(work), m_free(unthrottled) {}

  void step(double t0, double dt) {
    const int n = m_fleet.size();
    std::vector<double> ratio(n), tj(n), th(n), mean_act, tokens, free_act, free_tokens;
    std::vector<GovernorDecision> d(n);
    for (int i = 0; i < n; ++i) {
      tj[i] = m_fleet.junction_K(i);
      th[i] = m_fleet.hbm_K(i);
      check_junction(i, t0, tj[i]);
      d[i] = govern(m_model, cap(i), tj[i], std::isnan(th[i]) ? 0.0 : th[i], m_work.activity(i),
                    m_st.governor[i]);
      ratio[i] = d[i].clock_MHz / m_model.max_clock_MHz;
    }
    m_work.advance(dt, ratio, mean_act, tokens);
    m_free.advance(dt, std::vector<double>(n, 1.0), free_act, free_tokens);
    std::vector<double> row{t0};
    for (int i = 0; i < n; ++i) {
      // Power over the interval: the clock the governor set, the mean activity, leakage at the
      // junction temperature of the interval's start.
      const double p = m_st.governor[i].shut_down
                           ? 0.0
                           : gpu_power(m_model, d[i].clock_MHz, mean_act[i], tj[i]);
      check_power(i, t0, tj[i], d[i].clock_MHz, p);
      m_fleet.set_power(i, p, m_model.hbm_power_fraction);
      account(i, t0, dt, d[i], p, tj[i], th[i], tokens[i], free_tokens[i]);
      row.insert(row.end(), {tj[i], th[i], d[i].clock_MHz, p, mean_act[i],
                             static_cast<double>(d[i].reasons), tokens[i] / dt,
                             free_tokens[i] / dt});
    }
    row.push_back(static_cast<double>(m_work.cycles()));
    m_st.rows.push_back(std::move(row));
    for (int i = 0; i < n; ++i) {
      const AdvanceStats a = m_fleet.advance(i, t0 + dt);
      m_st.max_step_energy_error = std::max(m_st.max_step_energy_error, a.max_relative_error);
      m_st.max_step_imbalance_W = std::max(m_st.max_step_imbalance_W, a.max_imbalance_W);
      m_st.linear_iterations += a.linear_iterations;
      if (a.short_steps > 0 && a.linear_iterations > 0) {  // a follower's steps are its leader's
        m_st.short_steps += a.short_steps;
        m_st.worst_step_residual = std::max(m_st.worst_step_residual, a.worst_step.relative_residual);
        m_st.short_step_iterations = std::max<long long>(m_st.short_step_iterations, a.worst_step.iterations);
      }
    }
    ++m_st.interval;
  }

  /// Stops the run when GPU i's junction at time t_s is not finite or past kMaxJunctionK.
  void check_junction(int i, double t_s, double tj) const {
    if (std::isfinite(tj) && tj <= kMaxJunctionK) return;
    throw OutOfPhysicalRange(fmt::format(
        "{}: thermal runaway: junction temperature {:.4g} K at t = {:.6g} s, past the {:g} K any "
        "GPU model is meant for (check gpu_models: leakage_growth {:g} K-1, leakage_power {:g} W); "
        "stopped, results not written",
        m_case.gpus->instances[i].name, tj, t_s, kMaxJunctionK, m_model.leakage_growth_per_K,
        m_model.leakage_W));
  }

  /// Stops the run when GPU i's power for the interval starting at t_s is not finite or past
  /// kMaxPowerFactor times the model's largest power limit.
  void check_power(int i, double t_s, double tj, double clock_MHz, double p) const {
    const double limit = kMaxPowerFactor * std::max(m_model.max_power_limit_W, cap(i));
    if (std::isfinite(p) && p <= limit) return;
    throw OutOfPhysicalRange(fmt::format(
        "{}: thermal runaway: the power model gives {:.4g} W at t = {:.6g} s (junction {:.2f} degC, "
        "{:.0f} MHz; leakage {:.4g} W), more than {:g} times the {:g} W power limit (check "
        "gpu_models: leakage_growth {:g} K-1, leakage_power {:g} W); stopped, results not written",
        m_case.gpus->instances[i].name, p, t_s, tj - 273.15, clock_MHz,
        leakage_power(m_model, clock_MHz, tj), kMaxPowerFactor,
        std::max(m_model.max_power_limit_W, cap(i)), m_model.leakage_growth_per_K,
        m_model.leakage_W));
  }

  double cap(int i) const {
    const double given = m_case.gpus->instances[i].power_limit_W;
    return given > 0 ? given : m_model.power_limit_W;
  }

 private:
  void account(int i, double t0, double dt, const GovernorDecision& d, double p, double tj,
               double th, double tokens, double free_tokens) {
    GpuTotals& a = m_st.totals[i];
    a.energy_J += p * dt;
    a.tokens += tokens;
    a.tokens_unthrottled += free_tokens;
    a.clock_time_MHz_s += d.clock_MHz * dt;
    if (d.reasons) a.throttled_s += dt;
    if (d.reasons & kReasonPowerCap) a.power_cap_s += dt;
    if (d.reasons & kReasonSwThermal) a.sw_thermal_s += dt;
    if (d.reasons & kReasonHwThermal) a.hw_thermal_s += dt;
    a.max_junction_K = std::max(a.max_junction_K, tj);
    if (!std::isnan(th)) a.max_hbm_K = std::max(a.max_hbm_K, th);
    if (m_st.governor[i].shut_down && a.shutdown_time_s < 0) a.shutdown_time_s = t0;
  }

  const Case& m_case;
  const GpuModel& m_model;
  GpuFleet& m_fleet;
  RunState& m_st;
  WorkloadRunner& m_work;
  WorkloadRunner& m_free;
};

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
  const double lost = a.tokens_unthrottled - a.tokens;
  const auto frac = [&](double s) { return duration_s > 0 ? s / duration_s : 0.0; };
  json j = {{"name", g.name},
            {"model", m.name},
            {"power_limit_W", cap},
            {"max_junction_temperature_K", a.max_junction_K},
            {"final_junction_temperature_K", fleet.junction_K(i)},
            {"energy_J", a.energy_J},
            {"mean_power_W", duration_s > 0 ? a.energy_J / duration_s : 0.0},
            {"mean_clock_MHz", duration_s > 0 ? a.clock_time_MHz_s / duration_s : 0.0},
            {"tokens", a.tokens},
            {"tokens_unthrottled", a.tokens_unthrottled},
            {"tokens_lost", lost},
            {"tokens_lost_fraction", a.tokens_unthrottled > 0 ? lost / a.tokens_unthrottled : 0.0},
            {"tokens_per_J", a.energy_J > 0 ? a.tokens / a.energy_J : 0.0},
            {"throttled_fraction", frac(a.throttled_s)},
            {"reason_fractions", {{"power_cap", frac(a.power_cap_s)},
                                  {"sw_thermal", frac(a.sw_thermal_s)},
                                  {"hw_thermal", frac(a.hw_thermal_s)}}},
            {"shut_down", a.shutdown_time_s >= 0}};
  if (fleet.has_hbm()) j["max_hbm_temperature_K"] = a.max_hbm_K;
  if (a.shutdown_time_s >= 0) j["shutdown_time_s"] = a.shutdown_time_s;
  const Case& v = fleet.variant(i);
  for (const auto& p : case_ports(v))
    if (p.kind == FlowPort::Kind::Inlet) {
      j["inlet_temperature_K"] = p.temperature_K;
      j["flow_rate_m3_s"] = p.flow_rate_m3_s;
    }
  return j;
}

json totals_json(const std::vector<GpuTotals>& all, double duration_s, long long cycles) {
  double energy = 0, tokens = 0, free = 0, throttled = 0;
  bool failed = false;
  for (const auto& a : all) {
    energy += a.energy_J, tokens += a.tokens, free += a.tokens_unthrottled;
    throttled += a.throttled_s;
    failed = failed || a.shutdown_time_s >= 0;
  }
  return {{"gpus", all.size()},
          {"duration_s", duration_s},
          {"energy_J", energy},
          {"mean_power_W", duration_s > 0 ? energy / duration_s : 0.0},
          {"tokens", tokens},
          {"tokens_unthrottled", free},
          {"tokens_lost", free - tokens},
          {"tokens_lost_fraction", free > 0 ? (free - tokens) / free : 0.0},
          {"tokens_per_J", energy > 0 ? tokens / energy : 0.0},
          {"throttled_fraction", duration_s > 0 ? throttled / (duration_s * all.size()) : 0.0},
          {"job_cycles", cycles},
          {"job_failed", failed}};
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
  const GpuModel* model_ptr = c.gpu_model();
  if (!model_ptr) throw SetupError("gpus: unknown GPU model \"" + c.gpus->model + "\"");
  const GpuModel& model = *model_ptr;
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
