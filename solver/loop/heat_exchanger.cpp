#include "solver/loop/heat_exchanger.hpp"

#include <algorithm>
#include <cmath>

#include "solver/loop/enthalpy.hpp"

namespace kelvin {

// 1/UA = 1/hA_h + 1/hA_c, hA_side = 2 UA_r (m / m_r)^0.8.
double exchanger_ua(const PlateHeatExchanger& hx, double m_h, double m_c) {
  if (!(m_h > 0 && m_c > 0)) return 0.0;
  const double ha_h =
      2.0 * hx.rated_ua_W_K * std::pow(m_h / hx.rated_hot_flow_kg_s, kFilmFlowExponent);
  const double ha_c =
      2.0 * hx.rated_ua_W_K * std::pow(m_c / hx.rated_cold_flow_kg_s, kFilmFlowExponent);
  return 1.0 / (1.0 / ha_h + 1.0 / ha_c);
}

ExchangeResult exchange(const PlateHeatExchanger& hx, const CoolantProperties& hot, double m_h,
                        double th_in, const CoolantProperties& cold, double m_c, double tc_in) {
  ExchangeResult r;
  r.hot_outlet_K = th_in;
  r.cold_outlet_K = tc_in;
  r.ua_W_K = exchanger_ua(hx, m_h, m_c);
  if (r.ua_W_K == 0) return r;
  const double hh_in = coolant_enthalpy(hot, th_in), hc_in = coolant_enthalpy(cold, tc_in);
  // Fixed point on the outlets: cp at each side's mean temperature -> C, NTU, eps -> Q.
  for (int it = 0; it < 100; ++it) {
    r.hot_capacity_W_K = m_h * hot.specific_heat(0.5 * (th_in + r.hot_outlet_K));
    r.cold_capacity_W_K = m_c * cold.specific_heat(0.5 * (tc_in + r.cold_outlet_K));
    const double c_min = std::min(r.hot_capacity_W_K, r.cold_capacity_W_K);
    const double c_max = std::max(r.hot_capacity_W_K, r.cold_capacity_W_K);
    r.ntu = r.ua_W_K / c_min;
    r.effectiveness = counterflow_effectiveness(r.ntu, c_min / c_max);
    r.heat_W = r.effectiveness * c_min * (th_in - tc_in);
    const double th = coolant_temperature(hot, hh_in - r.heat_W / m_h, r.hot_outlet_K);
    const double tc = coolant_temperature(cold, hc_in + r.heat_W / m_c, r.cold_outlet_K);
    const double change = std::max(std::abs(th - r.hot_outlet_K), std::abs(tc - r.cold_outlet_K));
    r.hot_outlet_K = th;
    r.cold_outlet_K = tc;
    if (change < 1e-12) break;
  }
  return r;
}

}  // namespace kelvin
