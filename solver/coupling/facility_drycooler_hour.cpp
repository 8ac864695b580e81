// One hour of a facility on dry coolers, and the dispatch to towers and chillers
// (facility_plant.hpp solve_facility_hour).
#include "solver/coupling/facility_fan_control.hpp"
#include "solver/coupling/facility_hour_parts.hpp"
#include "solver/loop/enthalpy.hpp"

namespace kelvin {

FacilityHour solve_facility_hour(const FacilityPlant& p, const RackResponseTable& table,
                                 const AmbientAir& air) {
  if (p.heat_rejection == HeatRejection::CoolingTower) return solve_tower_hour(p, table, air);
  if (p.heat_rejection == HeatRejection::Chiller) return solve_chiller_hour(p, table, air);
  // At a facility supply t: each cooler's flow and inlet (the racks' mixed return).
  const auto flow = [&](double t) { return p.racks * table.at(t).facility_flow_kg_s / p.coolers; };
  const auto inlet = [&](double t) { return rack_return_K(p, table.at(t), t); };
  const auto outlet = [&](double m, double t_in, double s) {
    return outlet_temperature(p.cooler, m, t_in, air, s);
  };
  const FanControl fc =
      hold_supply(outlet, flow, inlet, p.water, p.setpoint_K, p.min_fan_speed, table.highest_K());
  const double t = fc.supply_K;
  FacilityHour h = facility_hour_at(p, table, fc);
  h.cooler = dry_cooler_operate(p.cooler, (1 - h.bypass_fraction) * flow(t), h.facility_return_K,
                                air, fc.speed);
  h.fans_W = p.coolers * h.cooler.fan_power_W;
  h.water_kg_s = h.evaporation_kg_s = p.coolers * h.cooler.water_evaporated_kg_s;
  // what the water gives up, m (h(T_r) - h(T_out)): the cooler's own Q carries cp at the mean
  // liquid temperature (1e-5 of this over 8 K of water)
  h.rejected_W = p.coolers * (1 - h.bypass_fraction) * flow(t) *
                 (coolant_enthalpy(p.water, h.facility_return_K) -
                  coolant_enthalpy(p.water, h.cooler.liquid_outlet_K));
  h.to_ambient_W = h.rejected_W + rack_room_heat_W(p, h) + h.fans_W + h.facility_pumps_W;
  return h;
}

}  // namespace kelvin
