#include "solver/facility/cooling_tower.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace {

void require(bool ok, const std::string& what, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument("cooling tower: " + what + " = " + std::to_string(value) +
                                " (expected " + expected + ")");
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// The air's temperature where h_s(T) = h, by bisection on [lo, hi] (h_s increasing).
double saturation_temperature(const std::function<double(double)>& hs, double h, double lo,
                              double hi) {
  while (hs(hi) < h) hi += 10.0;
  while (hs(lo) > h) lo -= 10.0;
  for (int it = 0; it < 200 && hi - lo > 1e-12; ++it) {
    const double mid = 0.5 * (lo + hi);
    (hs(mid) < h ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

// Me = int_{T_c}^{T_h} cp dT / (h_s(T) - h_in - (L/G) cp (T - T_c)).
double merkel_number(const std::function<double(double)>& hs, double t_h, double t_c, double h_in,
                     double l_over_g, double cp, MerkelRule rule, int n) {
  if (!(t_h > t_c)) return 0.0;
  const double range = t_h - t_c;
  auto inverse_dh = [&](double t, bool& pinched) {
    const double dh = hs(t) - h_in - l_over_g * cp * (t - t_c);
    if (!(dh > 0)) pinched = true;
    return 1.0 / dh;
  };
  bool pinched = false;
  double sum = 0;
  if (rule == MerkelRule::Chebyshev4) {
    for (double f : {0.1, 0.4, 0.6, 0.9}) sum += inverse_dh(t_c + f * range, pinched);
    inverse_dh(t_c, pinched);  // a pinch at either end makes the cooling impossible
    inverse_dh(t_h, pinched);
    return pinched ? kInf : cp * range / 4.0 * sum;
  }
  if (n < 2 || n % 2 != 0)
    throw std::invalid_argument("cooling tower: simpson_intervals = " + std::to_string(n) +
                                " (expected an even number >= 2)");
  const double step = range / n;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += w * inverse_dh(t_c + i * step, pinched);
  }
  return pinched ? kInf : cp * step / 3.0 * sum;
}

CoolingTower rate_cooling_tower(const CoolingTowerDesign& d, const SaturatedAir& air) {
  const CoolingTowerRating& r = d.rating;
  if (!air.enthalpy_J_kg || !air.humidity_ratio)
    throw std::invalid_argument(
        "cooling tower: the saturated-air callbacks (enthalpy_J_kg, humidity_ratio) are missing");
  require(r.water_flow_kg_s > 0 && std::isfinite(r.water_flow_kg_s), "rating.water_flow_kg_s",
          r.water_flow_kg_s, "> 0");
  require(r.air_flow_kg_s > 0 && std::isfinite(r.air_flow_kg_s), "rating.air_flow_kg_s",
          r.air_flow_kg_s, "> 0");
  require(r.water_outlet_K < r.water_inlet_K, "rating.water_outlet_K", r.water_outlet_K,
          "below rating.water_inlet_K");
  require(r.water_outlet_K > r.air_wet_bulb_K, "rating.water_outlet_K", r.water_outlet_K,
          "above rating.air_wet_bulb_K: a positive approach");
  require(d.characteristic_exponent >= 0, "characteristic_exponent", d.characteristic_exponent,
          ">= 0");
  require(d.water_cp_J_kgK > 0, "water_cp_J_kgK", d.water_cp_J_kgK, "> 0");
  require(d.simpson_intervals >= 2 && d.simpson_intervals % 2 == 0, "simpson_intervals",
          d.simpson_intervals, "even, >= 2");
  require(d.fans >= 1, "fans", d.fans, ">= 1");
  require(d.drift_fraction >= 0 && d.drift_fraction < 1, "drift_fraction", d.drift_fraction,
          "in [0, 1)");
  require(d.cycles_of_concentration > 1, "cycles_of_concentration", d.cycles_of_concentration,
          "> 1");
  check_fan(d.fan);

  CoolingTower t;
  t.design = d;
  t.air = air;
  const double h_in =
      std::isnan(r.air_enthalpy_J_kg) ? air.enthalpy_J_kg(r.air_wet_bulb_K) : r.air_enthalpy_J_kg;
  const double l_over_g = r.water_flow_kg_s / r.air_flow_kg_s;
  t.rated_merkel = merkel_number(air.enthalpy_J_kg, r.water_inlet_K, r.water_outlet_K, h_in,
                                 l_over_g, d.water_cp_J_kgK, d.rule, d.simpson_intervals);
  require(std::isfinite(t.rated_merkel), "rating L/G", l_over_g,
          "low enough that the air stays below saturation through the tower");
  t.characteristic_c = t.rated_merkel * std::pow(l_over_g, d.characteristic_exponent);
  return t;
}

CoolingTowerState cooling_tower_operate(const CoolingTower& t, double l, double t_h,
                                        const TowerAir& air, double speed) {
  const CoolingTowerDesign& d = t.design;
  require(l >= 0 && std::isfinite(l), "water_flow_kg_s", l, ">= 0");
  require(speed >= 0 && std::isfinite(speed), "speed", speed, ">= 0");
  require(air.humidity_ratio >= 0 && air.humidity_ratio < 1, "air humidity_ratio",
          air.humidity_ratio, "in [0, 1)");
  CoolingTowerState s;
  s.water_outlet_K = t_h;
  s.approach_K = t_h - air.wet_bulb_K;
  s.air_outlet_enthalpy_J_kg = air.enthalpy_J_kg;
  s.air_outlet_K = air.wet_bulb_K;
  s.fan_power_W = d.fans * fan_power_W(d.fan, speed);
  const double k_path = fan_system_coefficient(d.fan);
  s.air_flow_kg_s = d.rating.air_flow_kg_s * fan_flow_m3_s(d.fan, k_path, speed) /
                    fan_flow_m3_s(d.fan, k_path, 1.0);
  if (l > 0 && s.air_flow_kg_s > 0 && t_h > air.wet_bulb_K) {
    const double l_over_g = l / s.air_flow_kg_s;
    s.merkel = t.characteristic_c * std::pow(l_over_g, -d.characteristic_exponent);
    // Me(T_c) falls from +inf (T_c at the wet bulb, or the air line pinched) to 0 (T_c = T_h).
    double lo = air.wet_bulb_K, hi = t_h;
    while (hi - lo > 1e-10) {
      const double mid = 0.5 * (lo + hi);
      const double me = merkel_number(t.air.enthalpy_J_kg, t_h, mid, air.enthalpy_J_kg, l_over_g,
                                      d.water_cp_J_kgK, d.rule, d.simpson_intervals);
      (me > s.merkel ? lo : hi) = mid;
    }
    s.water_outlet_K = 0.5 * (lo + hi);
    s.approach_K = s.water_outlet_K - air.wet_bulb_K;
    s.range_K = t_h - s.water_outlet_K;
    s.heat_W = l * d.water_cp_J_kgK * s.range_K;
    // G (h_out - h_in) = Q; the exit air saturated at h_out.
    s.air_outlet_enthalpy_J_kg = air.enthalpy_J_kg + s.heat_W / s.air_flow_kg_s;
    s.air_outlet_K = saturation_temperature(t.air.enthalpy_J_kg, s.air_outlet_enthalpy_J_kg,
                                            air.wet_bulb_K, t_h);
    s.evaporation_kg_s = std::max(
        0.0, s.air_flow_kg_s * (t.air.humidity_ratio(s.air_outlet_K) - air.humidity_ratio));
    s.evaporation_rule_kg_s = 0.00085 * l * 1.8 * s.range_K;
  }
  // Water balance: D = d L; B + D = E/(C - 1); M = E + D + B.
  s.drift_kg_s = d.drift_fraction * l;
  s.blowdown_kg_s =
      std::max(0.0, s.evaporation_kg_s / (d.cycles_of_concentration - 1.0) - s.drift_kg_s);
  s.makeup_kg_s = s.evaporation_kg_s + s.drift_kg_s + s.blowdown_kg_s;
  return s;
}

}  // namespace kelvin
