#include "solver/coupling/rack_thermal_3d.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kelvin {

namespace {

/// Every plate at st's power and feed, settled; returns the worst TVD corrections.
int settle_at(GpuFleet& fleet, const RackSteady& st, double hbm_fraction) {
  for (int i = 0; i < fleet.size(); ++i) {
    fleet.set_power(i, st.power_W[static_cast<std::size_t>(i)], hbm_fraction);
    fleet.set_feed(i, st.inlet_K[static_cast<std::size_t>(i)], st.flow_m3_s[static_cast<std::size_t>(i)]);
  }
  return fleet.settle();
}

}  // namespace

std::vector<int> tray_groups(const Case& c) {
  const int n = static_cast<int>(c.gpus->instances.size());
  const int per = std::max(1, c.loop->gpus_per_tray);
  std::vector<int> g(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) g[static_cast<std::size_t>(i)] = i / per;
  return g;
}

Rack3dStart settle_rack_3d(const Case& c, const GpuModel& m, const std::vector<PlateBranch>& laws,
                           double dp_setpoint_Pa, double activity, const RackSteady& first,
                           GpuFleet& fleet) {
  Rack3dStart r;
  r.steady = first;
  const std::size_t n = static_cast<std::size_t>(fleet.size());
  for (r.passes = 1; r.passes <= 10; ++r.passes) {
    r.outer_iterations = std::max(r.outer_iterations, settle_at(fleet, r.steady, m.hbm_power_fraction));
    // R_j = (T_j - T_in) / P of each plate as settled
    std::vector<double> rj(n);
    for (std::size_t i = 0; i < n; ++i)
      rj[i] = (fleet.junction_K(static_cast<int>(i)) - r.steady.inlet_K[i]) / r.steady.power_W[i];
    const RackSteady next = solve_rack_steady(
        c, m, laws, [&](int i, double) { return rj[static_cast<std::size_t>(i)]; }, dp_setpoint_Pa,
        activity);
    r.power_change_W = 0;
    for (std::size_t i = 0; i < n; ++i)
      r.power_change_W = std::max(r.power_change_W, std::abs(next.power_W[i] - r.steady.power_W[i]));
    r.steady = next;
    if (r.power_change_W <= 1e-6 * m.power_limit_W) {
      r.converged = next.converged;
      break;
    }
  }
  r.passes = std::min(r.passes, 10);
  // the plates at the answer's powers and feeds
  r.outer_iterations = std::max(r.outer_iterations, settle_at(fleet, r.steady, m.hbm_power_fraction));
  return r;
}

Rack3dThermal::Rack3dThermal(LoopTransient& loop, GpuFleet& fleet)
    : RackThermal(loop, fleet.size()), m_fleet(fleet), m_start_J(fleet.stored_J()) {
  if (static_cast<int>(loop.setup().plates.size()) < fleet.size())
    throw std::invalid_argument("Rack3dThermal: more GPUs than plates on the loop");
}

void Rack3dThermal::loop_stepped() {
  for (int g = 0; g < size(); ++g) m_fleet.set_feed(g, inlet_K(g), flow_m3_s(g));
}

}  // namespace kelvin
