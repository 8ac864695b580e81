// Facility hours on open cooling towers (heat_rejection: cooling_tower): the towers' water loop,
// the plate exchanger that couples it to the facility loop, and the towers' fans holding the
// facility supply. See facility_plant.hpp and facility_hour_parts.hpp.
//
// Why a plate exchanger: an open tower's water carries air-borne dirt, biocides and the solids
// that cycles of concentration build up; ASHRAE TC 9.9 (Liquid Cooling Guidelines for Datacom
// Equipment Centers) and the CDU makers' facility-water specifications keep it out of the CDUs'
// brazed-plate exchangers, so plants put a plate-and-frame exchanger between the condenser water
// and the facility (primary) loop, as the waterside economizers of chilled-water plants do.
#include <cmath>

#include "solver/base/errors.hpp"
#include "solver/coupling/facility_hour_parts.hpp"
#include "solver/facility/psychrometrics.hpp"
#include "solver/loop/components.hpp"
#include "solver/physics/exchanger_effectiveness.hpp"

namespace kelvin {

namespace {

/// Merkel's integral by Simpson with 16 intervals in facility runs: the rating uses the same rule,
/// and 16 intervals give 64's Merkel number to 1e-7 (4e-8 at the CTI rating, 9e-8 over
/// 45 -> 30 degC; FacilityTowers.SixteenSimpsonIntervalsMatchSixtyFour); a year takes ~1e6
/// Merkel integrals.
constexpr int kSimpsonIntervals = 16;

/// Counterflow exchanger UA [W/K] that gives approach_K = T_f - T_c at the design duty Q_d with
/// the facility side at C_f = Q_d / dT_f and the towers' side at C_t:
///   T_r = T_f + Q_d/C_f, eps = Q_d / (C_min (T_r - T_c)), UA = NTU(eps, C_min/C_max) C_min.
double exchanger_ua_W_K(double q_d, double dt_f, double c_t, double approach_K) {
  const double c_f = q_d / dt_f, c_min = std::min(c_f, c_t), c_max = std::max(c_f, c_t);
  const double eps = q_d / (c_min * (dt_f + approach_K));
  try {
    return effectiveness_ntu(ExchangerArrangement::Counterflow, eps, c_min / c_max) * c_min;
  } catch (const std::invalid_argument& e) {
    throw SetupError(std::string("facility.plate_exchanger: its approach cannot be reached at the "
                                 "design duty with the towers' water flow: ") +
                     e.what());
  }
}

}  // namespace

TowerPlant tower_plant(const Case& c, double pressure_Pa) {
  const FacilityCase& f = *c.facility;
  CoolingTowerDesign d;
  d.simpson_intervals = kSimpsonIntervals;
  CoolingTowerRating& r = d.rating;
  if (f.tower_rated_water_flow_kg_s > 0) r.water_flow_kg_s = f.tower_rated_water_flow_kg_s;
  if (f.tower_rated_air_flow_kg_s > 0) r.air_flow_kg_s = f.tower_rated_air_flow_kg_s;
  if (f.tower_rated_inlet_K > 0) r.water_inlet_K = f.tower_rated_inlet_K;
  if (f.tower_rated_outlet_K > 0) r.water_outlet_K = f.tower_rated_outlet_K;
  if (f.tower_rated_wet_bulb_K > 0) r.air_wet_bulb_K = f.tower_rated_wet_bulb_K;
  if (f.tower_fan_power_W > 0) d.fan.power_W = f.tower_fan_power_W;
  d.drift_fraction = f.tower_drift_fraction;
  d.cycles_of_concentration = f.tower_cycles_of_concentration;
  // h_s(T) = h(T, W_s(T, p)), W_s(T, p) at the site's pressure
  const SaturatedAir air{
      [pressure_Pa](double t) {
        return moist_air_enthalpy_J_kg(t, saturation_humidity_ratio(t, pressure_Pa));
      },
      [pressure_Pa](double t) { return saturation_humidity_ratio(t, pressure_Pa); }};
  TowerPlant t;
  try {
    t.tower = rate_cooling_tower(d, air);
  } catch (const std::invalid_argument& e) {
    throw SetupError(std::string("facility.cooling_towers: ") + e.what());
  }
  t.towers = f.cooling_towers;
  t.min_fan_speed = f.tower_min_fan_speed;
  t.pump_head_m = f.tower_pump_head_m;
  t.pump_efficiency = f.pump_efficiency;
  // design duty and facility-side rise: the CDUs' ratings, or the air-cooled hall's CRAHs'
  const bool air_hall = f.air_cooled();
  const double q_d = air_hall ? f.air_crahs * f.air_crah_rated_heat_W : f.racks * c.loop->cdu_rated_heat_W;
  const double dt_f = air_hall ? f.air_crah_rated_heat_W / (f.air_crah_water_flow_kg_s * d.water_cp_J_kgK)
                          : c.loop->facility_delta_T_K;
  t.exchanger_ua_W_K = exchanger_ua_W_K(q_d, dt_f, t.water_flow_kg_s() * d.water_cp_J_kgK,
                                        f.exchanger_approach_K);
  return t;
}

TowerAir tower_air(const TowerPlant& t, const AmbientAir& air) {
  return {air.wet_bulb_K, t.tower.air.enthalpy_J_kg(air.wet_bulb_K), air.humidity_ratio};
}

double tower_cold_water_K(const TowerPlant& t, const TowerAir& air, double s,
                          const std::function<double(double)>& heat, double hi_K) {
  const CoolingTowerDesign& d = t.tower.design;
  const double l = d.rating.water_flow_kg_s, g = d.rating.air_flow_kg_s * s;  // G = G_r s (fan.hpp)
  if (!(g > 0)) return hi_K;
  const double lg = l / g, me = t.tower.characteristic_c * std::pow(lg, -d.characteristic_exponent);
  const double c_w = t.towers * l * d.water_cp_J_kgK;
  // Me needed falls from +inf (T_c at the wet bulb) as T_c rises; above `me`: T_c is too cold.
  const auto too_cold = [&](double t_c) {
    const double t_h = t_c + std::max(0.0, heat(t_c)) / c_w;
    return merkel_number(t.tower.air.enthalpy_J_kg, t_h, t_c, air.enthalpy_J_kg, lg,
                         d.water_cp_J_kgK, d.rule, d.simpson_intervals) > me;
  };
  double lo = air.wet_bulb_K, hi = std::max(hi_K, lo);
  while (hi - lo > 1e-10) {
    const double mid = 0.5 * (lo + hi);
    (too_cold(mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

TowerLoopPoint tower_loop(const FacilityPlant& p, const TowerAir& air, double m, double t_in,
                          double s) {
  TowerLoopPoint x{t_in, 0, t_in};
  if (!(m > 0)) return x;
  const TowerPlant& t = p.towers;
  const double c_f = m * p.water.specific_heat(t_in);
  const double c_t = t.water_flow_kg_s() * t.tower.design.water_cp_J_kgK;
  const double c_min = std::min(c_f, c_t), c_max = std::max(c_f, c_t);
  const double eps = counterflow_effectiveness(t.exchanger_ua_W_K / c_min, c_min / c_max);
  const auto q = [&](double t_c) { return eps * c_min * std::max(0.0, t_in - t_c); };
  x.cold_K = tower_cold_water_K(t, air, s, q, t_in);
  x.exchanger_W = q(x.cold_K);
  x.outlet_K =
      coolant_temperature(p.water, coolant_enthalpy(p.water, t_in) - x.exchanger_W / m, t_in);
  return x;
}

void add_towers(const FacilityPlant& p, const TowerAir& air, double hot_K, double s,
                FacilityHour& h) {
  const TowerPlant& t = p.towers;
  h.tower = cooling_tower_operate(t.tower, t.tower.design.rating.water_flow_kg_s, hot_K, air, s);
  h.tower_supply_K = h.tower.water_outlet_K;
  h.fans_W = t.towers * h.tower.fan_power_W;
  h.condenser_pumps_W = kStandardGravity * t.pump_head_m * t.water_flow_kg_s() / t.pump_efficiency;
  h.evaporation_kg_s = t.towers * h.tower.evaporation_kg_s;
  h.drift_kg_s = t.towers * h.tower.drift_kg_s;
  h.blowdown_kg_s = t.towers * h.tower.blowdown_kg_s;
  h.water_kg_s = t.towers * h.tower.makeup_kg_s;  // E + D + B
  // G (h_a,out - h_a,in) = L cp_w (T_h - T_c) per tower, and the fans' and pumps' work
  h.to_ambient_W += t.towers * h.tower.heat_W + h.fans_W + h.condenser_pumps_W;
}

FacilityHour solve_tower_hour(const FacilityPlant& p, const RackResponseTable& table,
                              const AmbientAir& ambient) {
  const TowerAir air = tower_air(p.towers, ambient);
  const auto flow = [&](double t) { return p.racks * table.at(t).facility_flow_kg_s; };
  const auto inlet = [&](double t) { return rack_return_K(p, table.at(t), t); };
  const auto outlet = [&](double m, double t_in, double s) {
    return tower_loop(p, air, m, t_in, s).outlet_K;
  };
  const FanControl fc = hold_supply(outlet, flow, inlet, p.water, p.setpoint_K,
                                    p.towers.min_fan_speed, table.highest_K());
  FacilityHour h = facility_hour_at(p, table, fc);
  const double m = (1 - fc.bypass_fraction) * h.facility_flow_kg_s;
  const TowerLoopPoint x = tower_loop(p, air, m, h.facility_return_K, fc.speed);
  h.rejected_W =
      m * (coolant_enthalpy(p.water, h.facility_return_K) - coolant_enthalpy(p.water, x.outlet_K));
  const double c_t = p.towers.water_flow_kg_s() * p.towers.tower.design.water_cp_J_kgK;
  h.to_ambient_W = rack_room_heat_W(p, h) + h.facility_pumps_W;
  add_towers(p, air, x.cold_K + x.exchanger_W / c_t, fc.speed, h);  // T_h = T_c + Q/(L cp_w)
  return h;
}

}  // namespace kelvin
