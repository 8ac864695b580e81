#include "solver/coupling/plate_fit.hpp"

#include <cmath>

#include <fmt/format.h>

#include "solver/base/errors.hpp"
#include "solver/coupling/gpu_fleet.hpp"
#include "solver/parallel/ranks.hpp"

namespace kelvin {

namespace {

constexpr double kHeldOutWarmerK = 5.0;

/// c as a GPU case of one GPU per (flow, inlet) pair, without its loop; GPU i is named
/// fit_{first + i}.
Case runs_case(const Case& c, const std::vector<std::pair<double, double>>& feeds, int first = 0) {
  Case v = c;
  v.loop.reset();
  v.gpus->instances.clear();
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    GpuInstance g;
    g.name = fmt::format("fit_{}", first + static_cast<int>(i));
    g.flow_rate_m3_s = feeds[i].first;
    g.inlet_temperature_K = feeds[i].second;
    v.gpus->instances.push_back(g);
  }
  return v;
}

/// Steady runs of c's plate at each (flow, inlet), power_W in. Over several ranks each rank
/// runs a contiguous share of the feeds and every rank gets every run (each run is one plate's
/// own solve, so the answers do not depend on the ranks).
std::vector<PlateRun> steady_runs(const Case& c, const std::vector<std::pair<double, double>>& feeds,
                                  double power_W, double hbm_fraction, ProgressSink& progress) {
  const Ranks& ranks = Ranks::world();
  const int n = static_cast<int>(feeds.size());
  int first = 0;
  while (first < n && !ranks.owns(first, n)) ++first;
  int end = first;
  while (end < n && ranks.owns(end, n)) ++end;
  constexpr int kNumbers = 4;  // T_j, T_hbm, pressure drop, converged
  std::vector<double> shared(static_cast<std::size_t>(kNumbers * n), 0.0);
  if (end > first) {
    Case v = runs_case(c, {feeds.begin() + first, feeds.begin() + end}, first);
    v.transient.enabled = false;
    GpuFleet fleet(v, progress);
    for (int k = 0; k < fleet.size(); ++k) {
      const int i = first + k;
      progress.update(fmt::format("reduced plate: 3-D run {} of {} ({:.3g} L/min, {:.2f} degC inlet)",
                                  i + 1, n, feeds[i].first * 6e4, feeds[i].second - 273.15));
      fleet.set_power(k, power_W, hbm_fraction);
      fleet.solve_steady(k, progress);
      const FlowSolver& f = *fleet.flow(k);
      double* out = &shared[static_cast<std::size_t>(kNumbers * i)];
      out[0] = fleet.junction_K(k);
      out[1] = fleet.has_hbm() ? fleet.hbm_K(k) : 0.0;
      out[2] = f.inlet_pressure() - f.outlet_pressure();
      out[3] = fleet.flow_result(k).converged ? 1.0 : 0.0;
    }
    progress.finish();
  }
  ranks.share(shared);
  const CoolantProperties coolant = coolant_properties(*c.coolant);
  std::vector<PlateRun> runs;
  for (int i = 0; i < n; ++i) {
    const double* r = &shared[static_cast<std::size_t>(kNumbers * i)];
    if (r[3] != 1.0)
      throw SetupError(fmt::format("loop: the 3-D plate run at {:.3g} L/min did not converge; the "
                                   "reduced plate cannot be fitted (check flow.tolerance)",
                                   feeds[i].first * 6e4));
    runs.push_back({feeds[i].first, feeds[i].second, power_W, r[0], r[1], r[2],
                    FluidState{coolant.density(feeds[i].second), coolant.viscosity(feeds[i].second)}});
  }
  return runs;
}

}  // namespace

PlateFit fit_case_plate(const Case& c, ProgressSink& progress, const PlateFit* steady) {
  const LoopCase& l = *c.loop;
  const GpuModel& model = *c.gpu_model();
  const double t_in = l.cdu_supply_K;
  const double hbm = model.hbm_power_fraction;
  PlateFit fit;
  if (steady) {
    fit = *steady;
  } else {
    fit.design_flow_m3_s = c.coldplate->flow_rate_m3_s;
    fit.power_W = model.power_limit_W;
    std::vector<std::pair<double, double>> feeds, held;
    for (double f : l.fit_flows) feeds.push_back({f * fit.design_flow_m3_s, t_in});
    for (double f : {0.75, 1.25}) held.push_back({f * fit.design_flow_m3_s, t_in + kHeldOutWarmerK});
    // the fit's runs and the held-out ones together, so that ranks share all of them
    std::vector<std::pair<double, double>> all = feeds;
    all.insert(all.end(), held.begin(), held.end());
    std::vector<PlateRun> runs = steady_runs(c, all, fit.power_W, hbm, progress);
    fit.held_out.assign(runs.begin() + static_cast<long>(feeds.size()), runs.end());
    runs.resize(feeds.size());
    fit.runs = runs;
    fit.thermal_solves = static_cast<int>(feeds.size() + held.size());
    fit.plate = fit_reduced_plate(fit.runs, fit.runs.front().hbm_K > 0, fit.design_flow_m3_s);
    fit.held_out_error = reduced_plate_errors(fit.plate, fit.held_out);
  }
  const bool has_hbm = fit.runs.front().hbm_K > 0;
  // the step response serves reduced plates in time; 3-D plates carry their own
  if (!c.transient.enabled || c.loop->plate_model == "3d") return fit;
  // Step response at the design flow: power on at t = 0 over a plate at the inlet temperature.
  Case v = runs_case(c, {{fit.design_flow_m3_s, t_in}});
  v.initial_temperature_K = t_in;
  v.transient.end_time_s = l.response_time_s;
  GpuFleet fleet(v, progress);
  fit.cells = fleet.cells_per_gpu();
  fleet.set_power(0, fit.power_W, hbm);
  const double r_j = fit.plate.junction(fit.design_flow_m3_s);
  const double r_h = has_hbm ? fit.plate.hbm(fit.design_flow_m3_s) : 1.0;
  std::vector<double> t, yj, yh;
  const double dt = c.gpus->control_interval_s;
  const int steps = static_cast<int>(std::ceil(l.response_time_s / dt - 1e-9));
  for (int k = 1; k <= steps; ++k) {
    progress.update(fmt::format("reduced plate: step response {:.3g} s of {:.3g} s", k * dt,
                                l.response_time_s), static_cast<double>(k) / steps);
    fleet.advance(0, k * dt);
    t.push_back(k * dt);
    yj.push_back((fleet.junction_K(0) - t_in) / (r_j * fit.power_W));
    if (has_hbm) yh.push_back((fleet.hbm_K(0) - t_in) / (r_h * fit.power_W));
  }
  progress.finish();
  fit.plate.junction_response = fit_step_response(t, yj);
  if (has_hbm) fit.plate.hbm_response = fit_step_response(t, yh);
  for (std::size_t i = 0; i < t.size(); ++i)
    fit.plate.response_error =
        std::max(fit.plate.response_error, std::abs(fit.plate.junction_response(t[i]) - yj[i]));
  fit.response_time_s = t;
  fit.response_junction = yj;
  return fit;
}

}  // namespace kelvin
