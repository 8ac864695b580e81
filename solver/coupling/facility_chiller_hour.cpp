// Facility hours on a chiller plant (heat_rejection: chiller): water-cooled electric chillers
// whose condensers reject to the same open towers as the free-cooling economizer, in series on
// the towers' water (economizer first). See facility_plant.hpp.
//
//   free cooling: the towers' fans, through the economizer's plate exchanger alone, can hold the
//     facility supply: the chillers are off and the hour is a tower hour (facility_tower_hour.cpp);
//   economizer + trim: the towers at full speed; the exchanger takes what the towers' water can
//     (free_cooling, chiller.hpp) and the chillers trim the rest to the setpoint;
//   mechanical: the towers' water is no colder than the facility return; the chillers carry it all.
// The chillers run as a bank: the fewest that meet the trim load at max PLR share it alike, and
// n alike chillers at load Q are one chiller of n times the capacity at Q (the EIR model is
// homogeneous in capacity and load). The towers' cold water T_c solves the towers' Merkel
// balance with the water returning at T_c + (Q_economizer + Q_condenser)/(L cp_w).
// Condenser heat is f_c P + Q_e: EnergyPlus's model also adds its false load (hot-gas bypass
// below the minimum unloading ratio) to the condenser, energy that no meter supplies; the books
// here keep to what the compressor and the evaporator bring.
#include <cmath>

#include "solver/coupling/facility_hour_parts.hpp"

namespace kelvin {

namespace {

/// n chillers alike as one.
ElectricEirChiller bank(const ElectricEirChiller& one, int n) {
  ElectricEirChiller b = one;
  b.reference_capacity_W *= n;
  return b;
}

/// The plant at towers' cold water t_c: the economizer, then the chillers (condenser entering
/// after the economizer's heat), their heat to the towers.
struct ChillerPoint {
  FreeCoolingState state;
  double heat_to_towers_W = 0;
};

ChillerPoint chiller_point(const ElectricEirChiller& chillers, const EconomizerExchanger& hx,
                           double m, double t_r, double t_set, double m_t, double t_c) {
  ChillerPoint x;
  const FreeCoolingState first = free_cooling(chillers, hx, m, t_r, t_set, t_c, m_t, t_c);
  x.state = free_cooling(chillers, hx, m, t_r, t_set, t_c, m_t,
                         t_c + first.economizer_W / (m_t * hx.water_cp_J_kgK));
  const ChillerState& c = x.state.chiller;
  x.heat_to_towers_W = x.state.economizer_W + c.condenser_W - c.false_load_W;  // f_c P + Q_e
  return x;
}

}  // namespace

FacilityHour solve_chiller_hour(const FacilityPlant& p, const RackResponseTable& table,
                                const AmbientAir& ambient) {
  const TowerAir air = tower_air(p.towers, ambient);
  FanControl fc;
  fc.supply_K = p.setpoint_K;
  fc.speed = 1.0;
  FacilityHour h = facility_hour_at(p, table, fc);
  const double m = h.facility_flow_kg_s, t_r = h.facility_return_K, t_set = p.setpoint_K;
  if (tower_loop(p, air, m, t_r, 1.0).outlet_K <= t_set + 1e-9) {  // free cooling
    h = solve_tower_hour(p, table, ambient);
    h.economizer_W = h.rejected_W;
    return h;
  }
  // the secant cp: m cp (T_r - T_set) = m (h(T_r) - h(T_set)), the racks' duty, exactly
  const double cp =
      (coolant_enthalpy(p.water, t_r) - coolant_enthalpy(p.water, t_set)) / (t_r - t_set);
  const EconomizerExchanger hx{p.towers.exchanger_ua_W_K, cp};
  const double m_t = p.towers.water_flow_kg_s();
  const double c_t = m_t * p.towers.tower.design.water_cp_J_kgK;
  const auto settle = [&](int on, ChillerPoint& x) {
    const ElectricEirChiller b = bank(p.chiller, on);
    const auto heat = [&](double t_c) {
      x = chiller_point(b, hx, m, t_r, t_set, m_t, t_c);
      return x.heat_to_towers_W;
    };
    const double t_c = tower_cold_water_K(p.towers, air, 1.0, heat, air.wet_bulb_K + 60.0);
    heat(t_c);
    return t_c;
  };
  ChillerPoint x;
  double t_c = settle(p.chillers, x);
  // stage: the fewest chillers that carry the trim at max PLR
  const double per_chiller = x.state.chiller.available_capacity_W / p.chillers * p.chiller.max_plr;
  const double trim = x.state.load_W - x.state.economizer_W;
  const int on = std::clamp(static_cast<int>(std::ceil(trim / per_chiller - 1e-12)), 1, p.chillers);
  if (on < p.chillers) t_c = settle(on, x);
  h.chillers_on = on;
  h.chiller = x.state.chiller;
  h.compressor_W = h.chiller.power_W;
  h.economizer_W = x.state.economizer_W;
  h.mode = h.economizer_W > 0 ? 1 : 2;
  h.above_setpoint = h.chiller.unmet_load_W > 0;
  h.rejected_W = h.economizer_W + h.chiller.evaporator_W;
  h.to_ambient_W = rack_room_heat_W(p, h) + h.facility_pumps_W;
  add_towers(p, air, t_c + x.heat_to_towers_W / c_t, 1.0, h);
  return h;
}

}  // namespace kelvin
