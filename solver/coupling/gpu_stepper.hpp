#pragma once
/// The control-interval loop of GPU cases, shared by every thermal model of the GPUs (the 3-D
/// plates of GpuFleet, the reduced plates of a rack on its coolant loop): each interval the
/// governor picks every GPU's clock from its junction and HBM temperatures, the workload
/// advances at those clocks (and, unthrottled, at max clock for the tokens lost), the power
/// over the interval goes into the thermal model, and one time-series row is recorded.
#include <string>

#include <nlohmann/json.hpp>
#include <vector>

#include "solver/case/case.hpp"
#include "solver/coupling/gpu_thermal.hpp"
#include "solver/power/gpu_model.hpp"
#include "solver/power/workload.hpp"

namespace kelvin {

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

/// The time-series columns of a GPU case: time_s, then per GPU junction_K, hbm_K, clock_MHz,
/// power_W, activity, reasons, tokens_per_s, unthrottled_tokens_per_s, then job_cycles.
std::vector<std::string> series_header(const Case& c);

/// The GPU model c's gpus section uses; throws SetupError for an unknown one.
const GpuModel& case_gpu_model(const Case& c);

/// The workload of a case, with the GPU model's nominal rates where the case gives none.
WorkloadSpec case_workload(const Case& c, const GpuModel& m);

/// summary.json's entry for one GPU's totals over a run of duration_s (no feed: the caller adds
/// its inlet temperature and flow rate).
nlohmann::json gpu_totals_json(const GpuInstance& g, const GpuModel& m, double cap,
                               const GpuTotals& a, double duration_s, double final_junction_K,
                               bool has_hbm);

/// summary.json's totals over every GPU.
nlohmann::json totals_json(const std::vector<GpuTotals>& all, double duration_s, long long cycles);

/// The interval's work for every GPU: governor decisions at the start, workload over the
/// interval, power into the thermal models, accounting, one time-series row. Calls the thermal
/// model's set_power for every GPU in order, then advance for every GPU in order.
class IntervalStepper {
 public:
  IntervalStepper(const Case& c, const GpuModel& model, GpuThermal& fleet, RunState& st,
                  WorkloadRunner& work, WorkloadRunner& unthrottled)
      : m_case(c), m_model(model), m_fleet(fleet), m_st(st), m_work(work), m_free(unthrottled) {}

  /// The interval [t0, t0 + dt].
  void step(double t0, double dt);
  /// Stops the run when GPU i's junction at time t_s is not finite or past kMaxJunctionK.
  void check_junction(int i, double t_s, double tj) const;
  /// Stops the run when GPU i's power for the interval starting at t_s is not finite or past
  /// kMaxPowerFactor times the model's largest power limit.
  void check_power(int i, double t_s, double tj, double clock_MHz, double p) const;
  /// GPU i's power cap, W.
  double cap(int i) const;

 private:
  void account(int i, double t0, double dt, const GovernorDecision& d, double p, double tj,
               double th, double tokens, double free_tokens);

  const Case& m_case;
  const GpuModel& m_model;
  GpuThermal& m_fleet;
  RunState& m_st;
  WorkloadRunner& m_work;
  WorkloadRunner& m_free;
};

}  // namespace kelvin
