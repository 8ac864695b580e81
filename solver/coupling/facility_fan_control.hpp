#pragma once
/// How the fans of a bank of heat-rejection units (dry coolers, cooling towers) hold the
/// facility supply at its setpoint: one control, whatever the bank.
///
/// The bank is a function outlet(m, T_in, s): the facility water leaving it [K] for flow m
/// [kg/s] entering at T_in [K] with its fans at relative speed s (falling as s rises). The racks
/// answer the supply T through flow(T) (through the bank) and inlet(T) (their mixed return).
///   1. speed for the setpoint: s in [s_min, 1] with outlet(flow(T_set), inlet(T_set), s) = T_set
///      (bisection to 1e-12; the outlet falls monotonically with s);
///   2. at s = 1 and still too warm, the supply floats: T with outlet(flow(T), inlet(T), 1) = T,
///      by bisection on [T_set, table edge] to 1e-10 K (outside_table when even the edge is too
///      warm: the answer is clamped there);
///   3. at s_min and still too cold, a three-way valve sends a share b of the flow around the
///      bank so that the mix holds the setpoint:
///        (1 - b) h(outlet((1 - b) m, T_in, s_min)) + b h(T_in) = h(T_set),
///      by bisection on b in [0, 1) to 1e-14.
#include "solver/loop/enthalpy.hpp"

namespace kelvin {

/// What the fans settle on in one hour.
struct FanControl {
  double supply_K = 0;
  double speed = 0;
  double bypass_fraction = 0;   ///< of the bank's flow sent around it
  bool above_setpoint = false;  ///< fans at full speed, supply above the setpoint
  bool outside_table = false;   ///< even the table's warmest supply is too warm for the bank
};

namespace fan_control_detail {

/// Bisection for g(x) = 0 on [lo, hi], g(lo) and g(hi) of opposite signs, until hi - lo <= tol.
template <class G>
double bisect(G g, double lo, double hi, double tol) {
  double g_lo = g(lo);
  for (int n = 0; n < 200 && hi - lo > tol; ++n) {
    const double mid = 0.5 * (lo + hi), g_mid = g(mid);
    if ((g_mid > 0) == (g_lo > 0))
      lo = mid, g_lo = g_mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace fan_control_detail

/// The fan speed in [min_speed, max_speed] whose outlet(m, t_in, s) is setpoint_K (formula 1 in
/// the header comment); min_speed when even that overcools, max_speed when even that is warm.
template <class Outlet>
double speed_for_setpoint(Outlet outlet, double m, double t_in, double setpoint_K, double min_speed,
                          double max_speed = 1.0) {
  if (outlet(m, t_in, min_speed) <= setpoint_K) return min_speed;
  if (outlet(m, t_in, max_speed) >= setpoint_K) return max_speed;
  return fan_control_detail::bisect([&](double s) { return outlet(m, t_in, s) - setpoint_K; },
                                    min_speed, max_speed, 1e-12);
}

/// The hour's control (header comment): supply, speed, bypass. water: the facility loop's fluid.
template <class Outlet, class Flow, class Inlet>
FanControl hold_supply(Outlet outlet, Flow flow, Inlet inlet, const CoolantProperties& water,
                       double setpoint_K, double min_speed, double table_edge_K) {
  FanControl f;
  f.supply_K = setpoint_K;
  f.speed = speed_for_setpoint(outlet, flow(setpoint_K), inlet(setpoint_K), setpoint_K, min_speed);
  const auto excess = [&](double t) { return outlet(flow(t), inlet(t), f.speed) - t; };
  const double off = excess(setpoint_K);
  if (off > 1e-9) {  // full fans cannot hold the setpoint: the supply floats up
    f.above_setpoint = true;
    if (excess(table_edge_K) > 0) {
      f.supply_K = table_edge_K;
      f.outside_table = true;
    } else {
      f.supply_K = fan_control_detail::bisect(excess, setpoint_K, table_edge_K, 1e-10);
    }
  } else if (off < -1e-9) {  // minimum fans overcool: bypass the bank
    const double m = flow(setpoint_K), t_in = inlet(setpoint_K);
    const double h_set = coolant_enthalpy(water, setpoint_K), h_in = coolant_enthalpy(water, t_in);
    const auto mixed = [&](double b) {
      return (1 - b) * coolant_enthalpy(water, outlet((1 - b) * m, t_in, f.speed)) + b * h_in -
             h_set;
    };
    double lo = 0, hi = 1;  // mixed(0) < 0 (overcooled), mixed(1) = h_in - h_set > 0
    for (int n = 0; n < 100 && hi - lo > 1e-14; ++n) {
      const double mid = 0.5 * (lo + hi);
      (mixed(mid) < 0 ? lo : hi) = mid;
    }
    f.bypass_fraction = 0.5 * (lo + hi);
  }
  return f;
}

}  // namespace kelvin
