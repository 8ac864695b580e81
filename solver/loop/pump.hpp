#pragma once
/// A centrifugal pump: head curve through rated points, affinity laws with speed, and the power
/// it draws. Head H [m], flow Q [m^3/s], relative speed s = N / N_rated [1].
///
/// Head at speed s (affinity laws H ~ N^2, Q ~ N applied to the rated curve H1(Q)
/// = c0 + c1 Q + c2 Q^2): H(Q, s) = s^2 H1(Q / s) = c0 s^2 + c1 s Q + c2 Q|Q|. The |Q| makes
/// reverse flow through a running pump meet a rising head (the curve mirrored as a loss), so the
/// law stays increasing in dp = -rho g H for every Q and the network Newton needs no switch.
#include <string>

namespace kelvin {

/// A pump's curve at rated speed, its speed and its efficiencies.
struct Pump {
  double shutoff_head_m = 0;      ///< c0 = H1(0) [m]
  double linear_m_s_m3 = 0;       ///< c1 [m s/m^3], <= 0
  double quadratic_m_s2_m6 = 0;   ///< c2 [m s^2/m^6], <= 0
  double speed = 1.0;             ///< s = N / N_rated [1], >= 0
  double bep_flow_m3_s = 0;       ///< best-efficiency flow at rated speed [m^3/s]
  double bep_efficiency = 0;      ///< hydraulic efficiency at the best-efficiency point [1]
  double motor_efficiency = 1.0;  ///< motor and drive [1]
};

/// H1(Q) = h0 - k Q^2 [m], Q [m^3/s].
Pump pump_from_quadratic(double shutoff_head_m, double k_m_s2_m6);

/// The quadratic through (0, shutoff_head_m), (rated_flow, rated_head) and (runout_flow,
/// runout_head); the best-efficiency flow is set to the rated flow. Throws std::invalid_argument
/// unless 0 < rated_flow < runout_flow. Whether the curve falls is checked with its link
/// (check_pump), so the error can name the link.
Pump pump_through_points(double shutoff_head_m, double rated_flow_m3_s, double rated_head_m,
                         double runout_flow_m3_s, double runout_head_m);

/// Throws NetworkError naming link unless the curve starts above zero, falls and bends down
/// (c0 > 0, c1 <= 0, c2 <= 0, c1 + c2 < 0), speed >= 0, and efficiencies lie in [0, 1]
/// (bep_efficiency 0: powers not asked for).
void check_pump(const Pump& p, const std::string& link);

/// Head [m] of p at flow q [m^3/s] (see the header comment).
double pump_head(const Pump& p, double q_m3_s);

/// dH/dQ [m s/m^3] = c1 s + 2 c2 |Q|, never positive for a checked pump.
double pump_head_slope(const Pump& p, double q_m3_s);

/// What a pump draws at one operating point.
struct PumpPower {
  double efficiency = 0;    ///< hydraulic efficiency at this point [1]
  double hydraulic_W = 0;   ///< rho g Q H
  double shaft_W = 0;       ///< hydraulic / efficiency
  double electrical_W = 0;  ///< shaft / motor efficiency
};

/// Power at flow q [m^3/s] and density [kg/m^3]. Efficiency curve: the parabola through zero and
/// the best-efficiency point, eta(Q, s) = eta_b x (2 - x) with x = Q / (s Q_b) (similar points
/// keep their efficiency under the affinity laws). For x < 1 shaft power is evaluated as
/// rho g H s Q_b / (eta_b (2 - x)), the same expression with x cancelled, so it stays finite at
/// shut-off; beyond the best-efficiency point eta is floored at 0.1 eta_b. Reverse flow counts
/// as shut-off (continuous at Q = 0: a pump behind a shut check valve churns at its shut-off
/// power); a stopped pump draws nothing. Throws std::invalid_argument without a best-efficiency point.
PumpPower pump_power(const Pump& p, double q_m3_s, double density_kg_m3);

}  // namespace kelvin
