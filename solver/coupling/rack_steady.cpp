#include "solver/coupling/rack_steady.hpp"

#include <algorithm>
#include <cmath>

namespace kelvin {

double gpu_cap_W(const Case& c, const GpuModel& m, int i) {
  const double given = c.gpus->instances.at(static_cast<std::size_t>(i)).power_limit_W;
  return given > 0 ? given : m.power_limit_W;
}

double rack_dp_setpoint(const Case& c, const GpuModel& m, const PlateBranch& plate_law,
                        double design_flow_m3_s) {
  if (c.loop->dp_setpoint_Pa > 0) return c.loop->dp_setpoint_Pa;
  std::vector<double> caps;
  for (std::size_t i = 0; i < c.gpus->instances.size(); ++i)
    caps.push_back(gpu_cap_W(c, m, static_cast<int>(i)));
  RackNetwork rn = build_rack_network(c, plate_law, caps, 1e5);
  return dp_for_mean_plate_flow(rn, design_flow_m3_s);
}

RackSteady solve_rack_steady(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                             double dp_setpoint_Pa, double activity, double facility_inlet_K) {
  return solve_rack_steady(
      c, m, std::vector<PlateBranch>(c.gpus->instances.size(), plate.dp_law),
      [&](int, double q) { return plate.junction(q); }, dp_setpoint_Pa, activity, facility_inlet_K);
}

RackSteady solve_rack_steady(const Case& c, const GpuModel& m,
                             const std::vector<PlateBranch>& laws, const JunctionResistance& r_of,
                             double dp_setpoint_Pa, double activity, double facility_inlet_K) {
  const int n = static_cast<int>(c.gpus->instances.size());
  RackSteady r;
  r.power_W.assign(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) r.power_W[i] = gpu_cap_W(c, m, i);
  r.gpu.resize(static_cast<std::size_t>(n));
  r.flow_m3_s.resize(static_cast<std::size_t>(n));
  r.inlet_K.resize(static_cast<std::size_t>(n));
  constexpr int kMaxIterations = 200;
  for (r.iterations = 1; r.iterations <= kMaxIterations; ++r.iterations) {
    RackNetwork rn = build_rack_network(c, laws, r.power_W, dp_setpoint_Pa, facility_inlet_K);
    const LoopTransient loop(rn.setup);
    const LoopSample& s = loop.history().front();
    r.loop = s;
    r.facility_flow_kg_s =
        cdu_cold_side(rn.setup.design, rn.setup.rating, rn.setup.facility, s.facility_opening).flow_kg_s;
    r.supply_excess_K = loop.start_supply_excess_K();
    r.dp_shortfall_Pa = loop.start_dp_shortfall_Pa();
    r.dp_excess_Pa = loop.start_dp_excess_Pa();
    r.power_change_W = 0;
    for (int i = 0; i < n; ++i) {
      const double t_in = s.plate_inlet_K[i], q = std::abs(s.plate_flow_m3_s[i]);
      const double r_j = r_of(i, q);
      r.flow_m3_s[i] = q, r.inlet_K[i] = t_in;
      r.gpu[i] = steady_operating_point(m, gpu_cap_W(c, m, i), activity, t_in,
                                        [&](double p) { return t_in + r_j * p; }, 1e-9);
      r.power_change_W = std::max(r.power_change_W, std::abs(r.gpu[i].power_W - r.power_W[i]));
      r.power_W[i] = r.gpu[i].power_W;
    }
    // 1e-6 of a GPU's cap (1 mW at 1 kW): T_j then moves by < 1e-4 K
    if (r.power_change_W <= 1e-6 * m.power_limit_W) {
      r.converged = true;
      break;
    }
  }
  r.iterations = std::min(r.iterations, kMaxIterations);
  return r;
}

}  // namespace kelvin
