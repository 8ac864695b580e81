#pragma once
/// An axial fan of a dry cooler or cooling tower: its curve at rated speed, the affinity laws
/// with speed, and the power it draws. Flow V [m^3/s], total pressure rise dp [Pa], relative
/// speed s = N / N_rated [1].
///
/// Curve at rated speed: the parabola through shut-off and the rating point,
///   dp1(V) = p0 - (p0 - p_r) (V / V_r)^2.
/// Affinity (fan similarity) laws, V ~ N, dp ~ N^2, power ~ N^3 at similar points (ASHRAE
/// Handbook, HVAC Systems and Equipment, ch. 21 "Fans", fan laws 1a-1c; the same laws as the
/// loop's pumps, solver/loop/pump.hpp):
///   dp(V, s) = s^2 dp1(V / s).
/// The air path a fan works against (coil or fill, eliminators, louvres) is a quadratic
/// resistance dp = k V^2, so every operating point on it at speed s is similar to the one at
/// rated speed: V = s V_1, dp = s^2 dp_1 and shaft power s^3 P_1, with the efficiency unchanged.
/// The cube law is exact for such a system; motor and drive losses that do not scale with the
/// cube (below ~30 % speed) are not modelled.

namespace kelvin {

/// A fan's rating at full speed on the air path it was selected for.
struct FanRating {
  double flow_m3_s = 0;            ///< V_r, volume flow at the rating point [m^3/s], > 0
  double pressure_Pa = 0;          ///< p_r, total pressure rise at the rating point [Pa], > 0
  double shutoff_pressure_Pa = 0;  ///< p0, pressure rise at zero flow [Pa], > p_r
  double power_W = 0;              ///< P_r, electrical power at the rating point [W], >= 0
};

/// Throws std::invalid_argument naming the bad field unless V_r > 0, 0 < p_r < p0, P_r >= 0
/// (each finite).
void check_fan(const FanRating& fan);

/// Pressure rise [Pa] at flow [m^3/s] and speed s >= 0: s^2 dp1(V / s); 0 at s = 0 and V = 0,
/// and the curve's value at V / s otherwise (negative past free delivery).
double fan_pressure_Pa(const FanRating& fan, double flow_m3_s, double speed);

/// The air path's coefficient k [Pa s^2/m^6] that puts the rating point on it: p_r / V_r^2.
double fan_system_coefficient(const FanRating& fan);

/// Flow [m^3/s] where the fan at speed s meets the path dp = k V^2 (k > 0):
/// s^2 (p0 - a V^2/s^2) = k V^2, a = (p0 - p_r)/V_r^2, so V = s sqrt(p0 / (k + a)).
double fan_flow_m3_s(const FanRating& fan, double system_k_Pa_s2_m6, double speed);

/// Electrical power [W] at speed s >= 0 on the rated air path: P_r s^3.
double fan_power_W(const FanRating& fan, double speed);

}  // namespace kelvin
