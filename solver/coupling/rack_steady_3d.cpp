#include "solver/coupling/rack_steady_3d.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/coupling/gpu_fleet.hpp"
#include "solver/parallel/ranks.hpp"

namespace kelvin {

namespace {

/// c's GPUs as a board: each with its plate's flow and inlet, no loop, steady.
Case board_of(const Case& c, const RackSteady& st) {
  Case v = c;
  v.loop.reset();
  v.transient.enabled = false;
  for (std::size_t i = 0; i < v.gpus->instances.size(); ++i) {
    v.gpus->instances[i].flow_rate_m3_s = st.flow_m3_s[i];
    v.gpus->instances[i].inlet_temperature_K = st.inlet_K[i];
  }
  return v;
}

}  // namespace

Rack3dSteady solve_rack_steady_3d(const Case& c, const GpuModel& m, const ReducedPlate& start,
                                  double dp_set, double activity, ProgressSink& progress) {
  const std::size_t n = c.gpus->instances.size();
  const CoolantProperties coolant = coolant_properties(*c.coolant);
  Rack3dSteady r;
  r.laws.assign(n, start.dp_law);
  std::vector<double> rj(n, 0.0);
  std::vector<bool> have(n, false);
  const auto resistance = [&](int i, double q) { return have[i] ? rj[i] : start.junction(q); };
  r.steady = solve_rack_steady(c, m, r.laws, resistance, dp_set, activity);
  const Ranks& ranks = Ranks::world();
  for (r.passes = 1; r.passes <= 20; ++r.passes) {
    const Case board = board_of(c, r.steady);
    r.junction_K_W.assign(n, 0.0);
    r.pressure_drop_Pa.assign(n, 0.0);
    // GPUs with the same feed get bitwise the same answer: solve the first, copy the rest
    std::vector<int> same_as(n, -1), distinct;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < i && same_as[i] < 0; ++k)
        if (board.gpus->instances[k].flow_rate_m3_s == board.gpus->instances[i].flow_rate_m3_s &&
            board.gpus->instances[k].inlet_temperature_K == board.gpus->instances[i].inlet_temperature_K)
          same_as[i] = static_cast<int>(k);
      if (same_as[i] < 0) distinct.push_back(static_cast<int>(i));
    }
    // Each rank solves a contiguous share of the distinct plates (every plate its own solve, so
    // no answer depends on the ranks); then every rank has every plate's R_j and drop.
    const int count = static_cast<int>(distinct.size());
    std::vector<int> mine;
    for (int k = 0; k < count; ++k)
      if (ranks.owns(k, count)) mine.push_back(distinct[k]);
    std::vector<double> shared(2 * n, 0.0);  // per GPU: R_j, pressure drop
    if (!mine.empty()) {
      Case own = board;
      own.gpus->instances.clear();
      for (int i : mine) own.gpus->instances.push_back(board.gpus->instances[i]);
      GpuFleet fleet(own, progress);
      for (int k = 0; k < fleet.size(); ++k) {
        const std::size_t i = static_cast<std::size_t>(mine[k]);
        progress.update(fmt::format("rack pass {}: 3-D plate {} of {}", r.passes, i + 1, n),
                        static_cast<double>(k) / static_cast<double>(mine.size()));
        const double p = r.steady.power_W[i], t_in = r.steady.inlet_K[i];
        fleet.set_power(k, p, m.hbm_power_fraction);
        fleet.solve_steady(k, progress);
        shared[2 * i] = (fleet.junction_K(k) - t_in) / p;
        const FlowSolver& f = *fleet.flow(k);
        shared[2 * i + 1] = f.inlet_pressure() - f.outlet_pressure();
      }
    }
    ranks.share(shared);
    r.plate_solves += count;
    for (std::size_t i = 0; i < n; ++i) {
      if (same_as[i] >= 0) {
        rj[i] = rj[static_cast<std::size_t>(same_as[i])];
        r.pressure_drop_Pa[i] = r.pressure_drop_Pa[static_cast<std::size_t>(same_as[i])];
        r.laws[i] = r.laws[static_cast<std::size_t>(same_as[i])];
        r.junction_K_W[i] = rj[i];
        continue;
      }
      const double t_in = r.steady.inlet_K[i], q = r.steady.flow_m3_s[i];
      rj[i] = shared[2 * i];
      r.pressure_drop_Pa[i] = shared[2 * i + 1];
      // the reduced law scaled through the 3-D drop at this flow
      // (the network evaluates a plate's law with the coolant at its inlet)
      const FluidState at_link{coolant.density(t_in), coolant.viscosity(t_in)};
      const double scale = r.pressure_drop_Pa[i] / plate_branch_loss(start.dp_law, q, at_link).dp_Pa;
      r.laws[i] = start.dp_law;
      r.laws[i].a_Pa_s_m3 *= scale;
      r.laws[i].b_Pa_s2_m6 *= scale;
      r.junction_K_W[i] = rj[i];
    }
    for (std::size_t i = 0; i < n; ++i) have[i] = true;
    progress.finish();
    const RackSteady next = solve_rack_steady(c, m, r.laws, resistance, dp_set, activity);
    r.flow_change = 0;
    double inlet_change = 0;
    for (std::size_t i = 0; i < n; ++i) {
      r.flow_change = std::max(r.flow_change, std::abs(next.flow_m3_s[i] / r.steady.flow_m3_s[i] - 1));
      inlet_change = std::max(inlet_change, std::abs(next.inlet_K[i] - r.steady.inlet_K[i]));
    }
    r.steady = next;
    progress.log(fmt::format("kelvin: rack pass {}: {} 3-D plates, flows change by {:.2e}, inlets "
                             "by {:.2e} K", r.passes, r.plate_solves, r.flow_change, inlet_change));
    if (r.flow_change <= 1e-6 && inlet_change <= 1e-4) {
      r.converged = r.steady.converged;
      break;
    }
  }
  r.passes = std::min(r.passes, 20);
  return r;
}

}  // namespace kelvin
