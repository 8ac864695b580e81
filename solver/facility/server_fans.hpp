#pragma once
/// An air-cooled server's fan wall held at the speed that keeps its GPUs at a target
/// temperature, as a BMC's fan control settles in steady state (fan speed rises with the GPU's
/// temperature until the hottest GPU sits at its target, or the fans reach full speed).
///
/// The fans (solver/facility/fan.hpp) work on the server's quadratic air path, so at relative
/// speed s the server's flow is s V_r and its power P_r s^3 (affinity). Each GPU's sink takes
/// the share phi of the server's flow: V_sink = phi s V_r.
/// The GPU junction at air inlet temperature T_in and power P:
///   T_j(s) = T_in + P R_ja(phi s V_r),  R_ja from solver/facility/heat_sink.hpp,
/// falling in s; the speed is the least s in [s_min, 1] with T_j(s) <= T_target (bisection;
/// s_min when already cool enough, 1 when even full speed is not).
/// The air's rise through the server: dT = Q / (rho c_p s V_r).

#include "solver/facility/fan.hpp"
#include "solver/facility/heat_sink.hpp"

namespace kelvin {

/// A server's fans and how their air reaches the GPU sinks.
struct ServerFans {
  FanRating fan;                ///< the whole fan wall at full speed on the server's air path
  double min_speed = 0.3;       ///< s_min, the BMC's floor [1], in (0, 1]
  double gpu_flow_share = 0.1;  ///< phi, share of the server's flow through one GPU's sink, (0, 1]
};

/// Throws std::invalid_argument naming the field unless the fan is valid (check_fan),
/// 0 < s_min <= 1 and 0 < phi <= 1.
void check_server_fans(const ServerFans& fans);

/// Junction temperature [C] at relative speed s, inlet air [C] and GPU power [W].
double server_gpu_junction_C(const ServerFans& fans, const PlateFinHeatSink& sink,
                             const AirProperties& air, double speed, double inlet_C,
                             double gpu_power_W);

/// The BMC's settled speed s [1] for GPU power [W] at inlet air [C] and target junction [C].
double server_fan_speed(const ServerFans& fans, const PlateFinHeatSink& sink,
                        const AirProperties& air, double inlet_C, double gpu_power_W,
                        double target_C);

/// Air temperature rise [K] through a server dissipating heat [W] at speed s: Q/(rho c_p s V_r).
double server_air_rise_K(const ServerFans& fans, const AirProperties& air, double speed,
                         double heat_W);

}  // namespace kelvin
