#include "solver/coupling/rack_thermal.hpp"

#include <cmath>
#include <limits>

namespace kelvin {

double RackThermal::inlet_K(int i) const {
  const int k = m_loop.setup().plates.at(static_cast<std::size_t>(i));
  return m_loop.node_temperature_K()[static_cast<std::size_t>(m_loop.upstream_node(k))];
}

double RackThermal::flow_m3_s(int i) const {
  const int k = m_loop.setup().plates.at(static_cast<std::size_t>(i));
  return m_loop.hydraulics().flow_m3_s[static_cast<std::size_t>(k)];
}

void RackThermal::set_power(int i, double power_W, double hbm_fraction) {
  m_power[static_cast<std::size_t>(i)] = power_W;
  plate_power(i, power_W, hbm_fraction);
  // q at the interval's start, held: the loop gets it, and the books use the same number
  m_heat[static_cast<std::size_t>(i)] = coolant_heat_W(i);
  m_loop.set_plate_heat(i, m_heat[static_cast<std::size_t>(i)]);
}

AdvanceStats RackThermal::advance(int i, double t_s) {
  if (m_loop.time() < t_s - 1e-12) {
    m_dt = t_s - m_loop.time();
    for (int g = 0; g < size(); ++g)
      m_stored_J += (m_power[static_cast<std::size_t>(g)] - m_heat[static_cast<std::size_t>(g)]) * m_dt;
    m_loop.step(m_dt);
    loop_stepped();
  }
  return advance_plate(i, t_s, m_dt);
}

ReducedRackThermal::ReducedRackThermal(LoopTransient& loop, const ReducedPlate& plate,
                                       const std::vector<PlateThermalState>& start)
    : RackThermal(loop, static_cast<int>(start.size())), m_plate(plate), m_state(start) {}

double ReducedRackThermal::junction_K(int i) const {
  return plate_junction_K(m_state[static_cast<std::size_t>(i)], inlet_K(i));
}

double ReducedRackThermal::hbm_K(int i) const {
  if (!m_plate.has_hbm) return std::numeric_limits<double>::quiet_NaN();
  return plate_hbm_K(m_state[static_cast<std::size_t>(i)], inlet_K(i));
}

// q = (T_j - T_in) / R_j(Q): the junction's rise over the plate's resistance at its flow.
double ReducedRackThermal::coolant_heat_W(int i) const {
  const PlateThermalState& s = m_state[static_cast<std::size_t>(i)];
  const double r = m_plate.junction(flow_m3_s(i));
  return std::isfinite(r) && r > 0 ? (s.junction[0] + s.junction[1]) / r : 0.0;
}

AdvanceStats ReducedRackThermal::advance_plate(int i, double, double dt) {
  // the free function: the Foster terms over dt on the plate's new flow
  kelvin::advance_plate(m_plate, m_state[static_cast<std::size_t>(i)],
                        m_power[static_cast<std::size_t>(i)], flow_m3_s(i), dt);
  return {};
}

}  // namespace kelvin
