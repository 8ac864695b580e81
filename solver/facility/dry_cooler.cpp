#include "solver/facility/dry_cooler.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace {

void require(bool ok, const std::string& what, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument("dry cooler: " + what + " = " + std::to_string(value) +
                                " (expected " + expected + ")");
}

constexpr double kCelsius = 273.15;

// Humid specific heat per kg of dry air [J/kg/K].
double humid_cp(double w) { return kDryAirCp_J_kgK + w * kVapourCp_J_kgK; }

}  // namespace

DryCooler rate_dry_cooler(const DryCoolerDesign& d, const CoolantProperties& liquid) {
  const DryCoolerRating& r = d.rating;
  require(r.heat_W > 0 && std::isfinite(r.heat_W), "rating.heat_W", r.heat_W, "> 0");
  require(r.liquid_outlet_K < r.liquid_inlet_K, "rating.liquid_outlet_K", r.liquid_outlet_K,
          "below rating.liquid_inlet_K");
  require(r.air_inlet_K < r.liquid_outlet_K, "rating.air_inlet_K", r.air_inlet_K,
          "below rating.liquid_outlet_K: a positive approach");
  require(r.air_flow_kg_s > 0 && std::isfinite(r.air_flow_kg_s), "rating.air_flow_kg_s",
          r.air_flow_kg_s, "> 0");
  require(r.air_humidity_ratio >= 0 && r.air_humidity_ratio < 1, "rating.air_humidity_ratio",
          r.air_humidity_ratio, "in [0, 1)");
  require(d.air_to_liquid_hA_ratio > 0 && std::isfinite(d.air_to_liquid_hA_ratio),
          "air_to_liquid_hA_ratio", d.air_to_liquid_hA_ratio, "> 0");
  require(d.air_film_exponent >= 0, "air_film_exponent", d.air_film_exponent, ">= 0");
  require(d.liquid_film_exponent >= 0, "liquid_film_exponent", d.liquid_film_exponent, ">= 0");
  require(d.fans >= 1, "fans", d.fans, ">= 1");
  require(d.pad_effectiveness >= 0 && d.pad_effectiveness <= 1, "pad_effectiveness",
          d.pad_effectiveness, "in [0, 1]");
  check_fan(d.fan);
  check_coolant_temperature(liquid, r.liquid_inlet_K, "dry cooler rating.liquid_inlet_K");
  check_coolant_temperature(liquid, r.liquid_outlet_K, "dry cooler rating.liquid_outlet_K");

  DryCooler dc;
  dc.design = d;
  dc.liquid = liquid;
  // m_l = Q / (cp_l(T_mean) dT_l); C = m cp; eps = Q / (C_min (T_l,in - T_a,in)).
  const double cp_l = liquid.specific_heat(0.5 * (r.liquid_inlet_K + r.liquid_outlet_K));
  dc.rated_liquid_flow_kg_s = r.heat_W / (cp_l * (r.liquid_inlet_K - r.liquid_outlet_K));
  const double c_l = dc.rated_liquid_flow_kg_s * cp_l;
  const double c_a = r.air_flow_kg_s * humid_cp(r.air_humidity_ratio);
  const double c_min = std::min(c_l, c_a), c_max = std::max(c_l, c_a);
  dc.rated_effectiveness = r.heat_W / (c_min * (r.liquid_inlet_K - r.air_inlet_K));
  try {
    dc.rated_ntu = effectiveness_ntu(d.arrangement, dc.rated_effectiveness, c_min / c_max);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("dry cooler: the rating point is out of reach: ") +
                                e.what());
  }
  dc.rated_ua_W_K = dc.rated_ntu * c_min;
  // 1/UA = 1/hA_a + 1/hA_l with hA_a = r hA_l  =>  hA_a = UA (1 + r), hA_l = UA (1 + r) / r.
  const double ratio = d.air_to_liquid_hA_ratio;
  dc.rated_air_hA_W_K = dc.rated_ua_W_K * (1.0 + ratio);
  dc.rated_liquid_hA_W_K = dc.rated_ua_W_K * (1.0 + ratio) / ratio;
  return dc;
}

// t_c = t_db - eta (t_db - t_wb); W_out (h_g(t_c) - h_w) = cp_da (t_db - t_c) + W_in (h_g(t_db)
// - h_w), h_g(t) = h_g0 + cp_v t, h_w = cp_w t_wb (t in degC).
PadOutlet adiabatic_pad(const AmbientAir& air, double eta) {
  require(eta >= 0 && eta <= 1, "pad_effectiveness", eta, "in [0, 1]");
  require(air.humidity_ratio >= 0 && air.humidity_ratio < 1, "air humidity_ratio",
          air.humidity_ratio, "in [0, 1)");
  require(air.wet_bulb_K <= air.dry_bulb_K, "air wet_bulb_K", air.wet_bulb_K,
          "at or below the dry bulb");
  const double t_db = air.dry_bulb_K - kCelsius, t_wb = air.wet_bulb_K - kCelsius;
  const double t_c = t_db - eta * (t_db - t_wb);
  const double h_w = kLiquidWaterCp_J_kgK * t_wb;
  PadOutlet out;
  out.dry_bulb_K = t_c + kCelsius;
  out.humidity_ratio =
      (kDryAirCp_J_kgK * (t_db - t_c) +
       air.humidity_ratio * (kVapourEnthalpy0_J_kg + kVapourCp_J_kgK * t_db - h_w)) /
      (kVapourEnthalpy0_J_kg + kVapourCp_J_kgK * t_c - h_w);
  return out;
}

DryCoolerState dry_cooler_operate(const DryCooler& dc, double m_l, double t_li,
                                  const AmbientAir& air, double speed) {
  const DryCoolerDesign& d = dc.design;
  require(m_l >= 0 && std::isfinite(m_l), "liquid_flow_kg_s", m_l, ">= 0");
  require(speed >= 0 && std::isfinite(speed), "speed", speed, ">= 0");
  require(air.humidity_ratio >= 0 && air.humidity_ratio < 1, "air humidity_ratio",
          air.humidity_ratio, "in [0, 1)");
  check_coolant_temperature(dc.liquid, t_li, "dry cooler liquid inlet");

  DryCoolerState s;
  s.liquid_outlet_K = t_li;
  s.pad_on = d.pad_effectiveness > 0 && air.dry_bulb_K > d.pad_threshold_K;
  s.air_coil_inlet_K = air.dry_bulb_K;
  s.coil_humidity_ratio = air.humidity_ratio;
  // m_a = m_a,r V(s)/V(1) on the rated air path: exactly m_a,r s (fan.hpp).
  const double k_path = fan_system_coefficient(d.fan);
  s.air_flow_kg_s = d.rating.air_flow_kg_s * fan_flow_m3_s(d.fan, k_path, speed) /
                    fan_flow_m3_s(d.fan, k_path, 1.0);
  s.fan_power_W = d.fans * fan_power_W(d.fan, speed);
  if (s.pad_on) {
    const PadOutlet pad = adiabatic_pad(air, d.pad_effectiveness);
    s.air_coil_inlet_K = pad.dry_bulb_K;
    s.coil_humidity_ratio = pad.humidity_ratio;
    s.water_evaporated_kg_s = s.air_flow_kg_s * (pad.humidity_ratio - air.humidity_ratio);
  }
  s.air_outlet_K = s.air_coil_inlet_K;
  s.air_capacity_W_K = s.air_flow_kg_s * humid_cp(s.coil_humidity_ratio);
  if (!(s.air_flow_kg_s > 0 && m_l > 0)) {
    s.water_evaporated_kg_s = 0;  // a pad with no air through it evaporates nothing
    s.liquid_capacity_W_K = m_l * dc.liquid.specific_heat(t_li);
    return s;
  }
  // 1/UA = 1/(hA_a,r (m_a/m_a,r)^n_a) + 1/(hA_l,r (m_l/m_l,r)^n_l).
  const double ha_a =
      dc.rated_air_hA_W_K * std::pow(s.air_flow_kg_s / d.rating.air_flow_kg_s, d.air_film_exponent);
  const double ha_l =
      dc.rated_liquid_hA_W_K * std::pow(m_l / dc.rated_liquid_flow_kg_s, d.liquid_film_exponent);
  s.ua_W_K = 1.0 / (1.0 / ha_a + 1.0 / ha_l);
  // Fixed point on cp_l(T_mean): C -> NTU, eps -> Q -> T_l,out.
  for (int it = 0; it < 100; ++it) {
    s.liquid_capacity_W_K = m_l * dc.liquid.specific_heat(0.5 * (t_li + s.liquid_outlet_K));
    const double c_min = std::min(s.liquid_capacity_W_K, s.air_capacity_W_K);
    const double c_max = std::max(s.liquid_capacity_W_K, s.air_capacity_W_K);
    s.ntu = s.ua_W_K / c_min;
    s.effectiveness = effectiveness(d.arrangement, s.ntu, c_min / c_max);
    s.heat_W = s.effectiveness * c_min * (t_li - s.air_coil_inlet_K);
    const double t_lo = t_li - s.heat_W / s.liquid_capacity_W_K;
    const double change = std::abs(t_lo - s.liquid_outlet_K);
    s.liquid_outlet_K = t_lo;
    if (change < 1e-12) break;
  }
  s.air_outlet_K = s.air_coil_inlet_K + s.heat_W / s.air_capacity_W_K;
  return s;
}

double outlet_temperature(const DryCooler& dc, double m_l, double t_li, const AmbientAir& air,
                          double speed) {
  return dry_cooler_operate(dc, m_l, t_li, air, speed).liquid_outlet_K;
}

double speed_for_outlet(const DryCooler& dc, double m_l, double t_li, const AmbientAir& air,
                        double setpoint_K, double min_speed, double max_speed) {
  require(min_speed >= 0, "min_speed", min_speed, ">= 0");
  require(max_speed >= min_speed, "max_speed", max_speed, ">= min_speed");
  if (outlet_temperature(dc, m_l, t_li, air, min_speed) <= setpoint_K) return min_speed;
  if (outlet_temperature(dc, m_l, t_li, air, max_speed) >= setpoint_K) return max_speed;
  double lo = min_speed, hi = max_speed;  // outlet(lo) > setpoint > outlet(hi)
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    (outlet_temperature(dc, m_l, t_li, air, mid) > setpoint_K ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace kelvin
