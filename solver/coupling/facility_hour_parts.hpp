#pragma once
/// The pieces every kind of facility hour shares (facility_plant.cpp, facility_tower_hour.cpp,
/// facility_chiller_hour.cpp): the racks' side of an hour, their return, their heat to the room,
/// and the towers' plant rated from the case.
#include <functional>

#include "solver/coupling/facility_fan_control.hpp"
#include "solver/coupling/facility_plant.hpp"

namespace kelvin {

/// The racks' mixed return [K] for rack answer r at facility supply t: h(T_r) = h(t) + Q/m.
double rack_return_K(const FacilityPlant& p, const RackResponse& r, double t);

/// An hour's racks, pumps and control state at the supply fc settled on (no heat-rejection
/// equipment yet): rack, supply, return, flow, IT, CDU and facility pumps.
FacilityHour facility_hour_at(const FacilityPlant& p, const RackResponseTable& table,
                              const FanControl& fc);

/// IT + CDU pumps + CRAH fans - the racks' duty [W], all racks: heat the racks give the room,
/// not the water.
double rack_room_heat_W(const FacilityPlant& p, const FacilityHour& h);

/// The air entering a tower: its wet bulb, h_s(wet bulb) (Merkel's air state) and W.
TowerAir tower_air(const TowerPlant& t, const AmbientAir& air);

/// The towers' cold water [K] at fan speed s when the water returning to them carries
/// heat(T_c) [W] (all towers) above the cold water T_c: T_c solves
///   Me(T_c + heat(T_c)/(L cp_w), T_c, L/G(s)) = c (L/G(s))^-n
/// (cooling_tower.hpp), by bisection on [T_wb, hi_K] to 1e-10 K. No air (s = 0): hi_K.
double tower_cold_water_K(const TowerPlant& t, const TowerAir& air, double s,
                          const std::function<double(double)>& heat, double hi_K);

/// The towers' loop at one point: the facility water leaving the plate exchanger, the
/// exchanger's duty, the towers' cold water.
struct TowerLoopPoint {
  double outlet_K = 0, exchanger_W = 0, cold_K = 0;
};

/// Facility water at m [kg/s] entering the plate exchanger at t_in [K], the towers' fans at s:
///   Q = eps(UA/C_min, C_min/C_max) C_min (t_in - T_c) (counterflow), T_c by tower_cold_water_K
///   with heat Q, h(T_out) = h(t_in) - Q/m.
TowerLoopPoint tower_loop(const FacilityPlant& p, const TowerAir& air, double m, double t_in,
                          double s);

/// Fills h's towers (one tower's state at fan speed s with its water returning at hot_K), fans,
/// condenser pumps, water use; adds the towers' heat to h.to_ambient_W.
void add_towers(const FacilityPlant& p, const TowerAir& air, double hot_K, double s,
                FacilityHour& h);

}  // namespace kelvin
