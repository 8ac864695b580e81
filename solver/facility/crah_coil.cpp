#include "solver/facility/crah_coil.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "solver/physics/exchanger_effectiveness.hpp"

namespace kelvin {

namespace {

void require(bool ok, const char* field, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument(std::string("CRAH coil: ") + field + " = " + std::to_string(value) +
                                " (expected " + expected + ")");
}

bool positive(double x) { return x > 0 && std::isfinite(x); }

}  // namespace

void check_crah_coil(const CrahCoil& c) {
  require(positive(c.ua_rated_W_K), "ua_rated_W_K", c.ua_rated_W_K, "> 0");
  require(positive(c.air_flow_rated_kg_s), "air_flow_rated_kg_s", c.air_flow_rated_kg_s, "> 0");
  require(positive(c.water_flow_rated_kg_s), "water_flow_rated_kg_s", c.water_flow_rated_kg_s,
          "> 0");
  require(c.air_side_share > 0 && c.air_side_share < 1, "air_side_share", c.air_side_share,
          "in (0, 1)");
  require(positive(c.air_cp_J_kgK), "air_cp_J_kgK", c.air_cp_J_kgK, "> 0");
  require(positive(c.water_cp_J_kgK), "water_cp_J_kgK", c.water_cp_J_kgK, "> 0");
}

// 1/UA_r = 1/hA_air,r + 1/hA_w,r with 1/hA_air,r = share / UA_r; each scaled by its flow.
double crah_coil_ua_W_K(const CrahCoil& c, double air, double water) {
  check_crah_coil(c);
  require(positive(air), "air flow", air, "> 0");
  require(positive(water), "water flow", water, "> 0");
  const double ha_air =
      c.ua_rated_W_K / c.air_side_share * std::pow(air / c.air_flow_rated_kg_s, 0.8);
  const double ha_water =
      c.ua_rated_W_K / (1 - c.air_side_share) * std::pow(water / c.water_flow_rated_kg_s, 0.85);
  return 1 / (1 / ha_air + 1 / ha_water);
}

// Q = eps C_min (T_air,in - T_w,in), eps counterflow at NTU = UA/C_min, C_r = C_min/C_max.
double crah_coil_heat_W(const CrahCoil& c, double air_in_C, double air, double water_in_C,
                        double water) {
  const double ua = crah_coil_ua_W_K(c, air, water);
  const double c_air = air * c.air_cp_J_kgK, c_water = water * c.water_cp_J_kgK;
  const double c_min = std::min(c_air, c_water), c_max = std::max(c_air, c_water);
  const double eps = counterflow_effectiveness(ua / c_min, c_min / c_max);
  return eps * c_min * (air_in_C - water_in_C);
}

// Q(m_w) = m_air c_p (T_in - T_supply), Q rising in m_w: bisection to 1e-12 relative.
double crah_water_flow_for_supply_kg_s(const CrahCoil& c, double air_in_C, double air,
                                       double water_in_C, double supply_C, double max_water) {
  require(positive(max_water), "max water flow", max_water, "> 0");
  const double duty = air * c.air_cp_J_kgK * (air_in_C - supply_C);
  if (duty <= 0) return 0;
  const auto short_of = [&](double w) {
    return crah_coil_heat_W(c, air_in_C, air, water_in_C, w) < duty;
  };
  if (short_of(max_water)) return max_water;
  double lo = 0, hi = max_water;
  while (hi - lo > 1e-12 * max_water) {
    const double mid = 0.5 * (lo + hi);
    (short_of(mid) ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace kelvin
