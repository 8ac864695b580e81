#include "solver/coupling/gpu_stepper.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/base/errors.hpp"

namespace kelvin {

namespace {

/// Junction temperature past which a model has left every physical range, K: silicon melts at
/// 1687 K and no package survives a tenth of that rise.
constexpr double kMaxJunctionK = 1000;
/// Power past which a GPU's power model has left every physical range: this many times the
/// model's largest power limit (leakage may pass the cap for an interval while the die heats,
/// but never tenfold: at the shutdown temperature an H100's leakage is 179 W).
constexpr double kMaxPowerFactor = 10;

}  // namespace

std::vector<std::string> series_header(const Case& c) {
  std::vector<std::string> h{"time_s"};
  for (const auto& g : c.gpus->instances)
    for (const char* col : {"junction_K", "hbm_K", "clock_MHz", "power_W", "activity", "reasons",
                            "tokens_per_s", "unthrottled_tokens_per_s"})
      h.push_back(g.name + "_" + col);
  h.push_back("job_cycles");
  return h;
}

void IntervalStepper::step(double t0, double dt) {
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
void IntervalStepper::check_junction(int i, double t_s, double tj) const {
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
void IntervalStepper::check_power(int i, double t_s, double tj, double clock_MHz, double p) const {
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

double IntervalStepper::cap(int i) const {
  const double given = m_case.gpus->instances[i].power_limit_W;
  return given > 0 ? given : m_model.power_limit_W;
}

void IntervalStepper::account(int i, double t0, double dt, const GovernorDecision& d, double p, double tj,
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


/// The workload of a case, with the GPU model's nominal rates where the case gives none.
const GpuModel& case_gpu_model(const Case& c) {
  const GpuModel* m = c.gpu_model();
  if (!m) throw SetupError("gpus: unknown GPU model \"" + c.gpus->model + "\"");
  return *m;
}

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

nlohmann::json gpu_totals_json(const GpuInstance& g, const GpuModel& m, double cap, const GpuTotals& a,
                                double duration_s, double final_junction_K, bool has_hbm) {
  const double lost = a.tokens_unthrottled - a.tokens;
  const auto frac = [&](double s) { return duration_s > 0 ? s / duration_s : 0.0; };
  nlohmann::json j = {{"name", g.name},
            {"model", m.name},
            {"power_limit_W", cap},
            {"max_junction_temperature_K", a.max_junction_K},
            {"final_junction_temperature_K", final_junction_K},
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
  if (has_hbm) j["max_hbm_temperature_K"] = a.max_hbm_K;
  if (a.shutdown_time_s >= 0) j["shutdown_time_s"] = a.shutdown_time_s;
  return j;
}

nlohmann::json totals_json(const std::vector<GpuTotals>& all, double duration_s, long long cycles) {
  double energy = 0, tokens = 0, free = 0, throttled = 0;
  bool failed = false;
  for (const auto& a : all) {
    energy += a.energy_J, tokens += a.tokens, free += a.tokens_unthrottled;
    throttled += a.throttled_s;
    failed = failed || a.shutdown_time_s >= 0;
  }
  return nlohmann::json{{"gpus", all.size()},
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

}  // namespace kelvin
