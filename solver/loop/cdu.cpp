#include "solver/loop/cdu.hpp"

#include <algorithm>
#include <cmath>

namespace kelvin {

CduRating rate_cdu(const CduDesign& d, const CoolantProperties& sec, const CoolantProperties& fac) {
  CduRating r;
  const double t_sec = d.secondary_supply_K + 0.5 * d.secondary_delta_T_K;
  const double t_fac = d.facility_supply_K + 0.5 * d.facility_delta_T_K;
  const double cp_s = sec.specific_heat(t_sec), cp_f = fac.specific_heat(t_fac);
  r.secondary_flow_kg_s = d.rated_heat_W / (cp_s * d.secondary_delta_T_K);
  r.secondary_flow_m3_s = r.secondary_flow_kg_s / sec.density(t_sec);
  r.facility_flow_kg_s = d.rated_heat_W / (cp_f * d.facility_delta_T_K);
  const double c_h = r.secondary_flow_kg_s * cp_s, c_c = r.facility_flow_kg_s * cp_f;
  const double c_min = std::min(c_h, c_c), c_max = std::max(c_h, c_c);
  const double t_hot_in = d.secondary_supply_K + d.secondary_delta_T_K;
  r.effectiveness = d.rated_heat_W / (c_min * (t_hot_in - d.facility_supply_K));
  r.ua_W_K = counterflow_ntu(r.effectiveness, c_min / c_max) * c_min;
  r.exchanger = {r.ua_W_K, r.secondary_flow_kg_s, r.facility_flow_kg_s};
  return r;
}

// Kv [m^3/h] that drops dp [Pa] at q [m^3/s]: dp/1e5 = (rho/1000) (3600 q / Kv)^2.
static double kv_for(double q, double dp, double rho) {
  return 3600.0 * q / std::sqrt(dp / 1e5 / (rho / 1000.0));
}

CduLinks add_cdu(Network& net, const CduDesign& d, const CduRating& r,
                 const std::string& return_node, const std::string& supply_node) {
  const double rho = net.coolant.density(d.secondary_supply_K + 0.5 * d.secondary_delta_T_K);
  const double q = r.secondary_flow_m3_s, q_pump = q / d.duty_pumps;
  CduLinks out;
  net.add_junction(return_node);
  net.add_junction(supply_node);
  out.suction = net.add_fixed_pressure("cdu_suction", d.tank_pressure_Pa);
  MinorLoss hx;
  hx.kv = kv_for(q, d.exchanger_dp_Pa, rho);
  out.exchanger = net.add_link("cdu_hx", return_node, "cdu_suction", hx);
  Pump pump = pump_from_quadratic(
      d.pump_shutoff_head_m, (d.pump_shutoff_head_m - d.pump_rated_head_m) / (q_pump * q_pump));
  pump.bep_flow_m3_s = q_pump;
  pump.bep_efficiency = d.pump_bep_efficiency;
  pump.motor_efficiency = d.pump_motor_efficiency;
  const CheckValve check{kv_for(q_pump, d.check_valve_dp_Pa, rho)};
  for (int i = 0; i < d.duty_pumps + d.standby_pumps; ++i) {
    const std::string n = std::to_string(i);
    pump.speed = i < d.duty_pumps ? 1.0 : 0.0;
    net.add_junction("cdu_pump_" + n + "_out");
    out.pumps.push_back(
        net.add_link("cdu_pump_" + n, "cdu_suction", "cdu_pump_" + n + "_out", pump));
    out.checks.push_back(
        net.add_link("cdu_check_" + n, "cdu_pump_" + n + "_out", supply_node, check));
  }
  return out;
}

ExchangerColdSide cdu_cold_side(const CduDesign& d, const CduRating& r,
                                const CoolantProperties& facility, double opening) {
  ExchangerColdSide c;
  c.hx = r.exchanger;
  c.coolant = facility;
  c.flow_kg_s =
      d.facility_valve_max_flow_ratio * r.facility_flow_kg_s * std::clamp(opening, 0.0, 1.0);
  c.inlet_K = d.facility_supply_K;
  return c;
}

CduController::CduController(const CduControlSettings& s, double speed, double opening)
    : m_s(s), m_speed(s.speed, speed), m_valve(s.valve, opening) {}

void CduController::update(double dp, double supply_K, double dt) {
  m_speed.update(m_s.dp_setpoint_Pa, dp, dt);
  m_valve.update(m_s.supply_setpoint_K, supply_K, dt);
}

}  // namespace kelvin
