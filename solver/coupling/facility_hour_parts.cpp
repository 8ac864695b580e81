// The pieces every kind of facility hour shares (facility_hour_parts.hpp).
#include "solver/coupling/facility_hour_parts.hpp"

#include "solver/loop/components.hpp"
#include "solver/loop/enthalpy.hpp"

namespace kelvin {

double rack_return_K(const FacilityPlant& p, const RackResponse& r, double t) {
  if (!(r.facility_flow_kg_s > 0)) return t;
  // h(T_r) = h(T_f) + Q/m
  return coolant_temperature(p.water, coolant_enthalpy(p.water, t) + r.duty_W / r.facility_flow_kg_s, t);
}

FacilityHour facility_hour_at(const FacilityPlant& p, const RackResponseTable& table,
                              const FanControl& fc) {
  FacilityHour h;
  h.fan_speed = fc.speed;
  h.bypass_fraction = fc.bypass_fraction;
  h.above_setpoint = fc.above_setpoint;
  h.outside_table = fc.outside_table;
  h.rack = table.at(fc.supply_K);
  h.facility_supply_K = fc.supply_K;
  h.facility_return_K = rack_return_K(p, h.rack, fc.supply_K);
  h.facility_flow_kg_s = p.racks * h.rack.facility_flow_kg_s;
  h.it_W = p.racks * h.rack.it_W;
  h.cdu_pumps_W = p.racks * h.rack.cdu_pumps_W;
  h.crah_fans_W = p.racks * h.rack.crah_fans_W;
  h.server_fans_W = p.racks * h.rack.server_fans_W;
  // P = g H m / eta
  h.facility_pumps_W = kStandardGravity * p.pump_head_m * h.facility_flow_kg_s / p.pump_efficiency;
  return h;
}

double rack_room_heat_W(const FacilityPlant& p, const FacilityHour& h) {
  // IT, CDU pumps and CRAH fans end as heat; what the CDUs (or CRAH coils) do not carry to the
  // facility water leaves the racks to the room (pipe losses) and, through the room, to the
  // ambient
  return h.it_W + h.cdu_pumps_W + h.crah_fans_W - p.racks * h.rack.duty_W;
}

}  // namespace kelvin
