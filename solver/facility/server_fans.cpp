#include "solver/facility/server_fans.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace kelvin {

void check_server_fans(const ServerFans& f) {
  check_fan(f.fan);
  if (!(f.min_speed > 0 && f.min_speed <= 1))
    throw std::invalid_argument("server fans: min_speed = " + std::to_string(f.min_speed) +
                                " (expected in (0, 1])");
  if (!(f.gpu_flow_share > 0 && f.gpu_flow_share <= 1))
    throw std::invalid_argument("server fans: gpu_flow_share = " +
                                std::to_string(f.gpu_flow_share) + " (expected in (0, 1])");
}

// T_j = T_in + P R_ja(phi s V_r).
double server_gpu_junction_C(const ServerFans& f, const PlateFinHeatSink& sink,
                             const AirProperties& air, double s, double inlet_C, double p_W) {
  const double sink_flow = f.gpu_flow_share * s * f.fan.flow_m3_s;
  return inlet_C + p_W * junction_to_air_K_W(sink, air, sink_flow);
}

// Least s in [s_min, 1] with T_j(s) <= T_target; T_j falls with s, so bisection to 1e-12.
double server_fan_speed(const ServerFans& f, const PlateFinHeatSink& sink, const AirProperties& air,
                        double inlet_C, double p_W, double target_C) {
  check_server_fans(f);
  auto too_hot = [&](double s) {
    return server_gpu_junction_C(f, sink, air, s, inlet_C, p_W) > target_C;
  };
  if (!too_hot(f.min_speed)) return f.min_speed;
  if (too_hot(1.0)) return 1.0;
  double lo = f.min_speed, hi = 1.0;
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    (too_hot(mid) ? lo : hi) = mid;
  }
  return hi;
}

// dT = Q / (rho c_p s V_r).
double server_air_rise_K(const ServerFans& f, const AirProperties& air, double s, double q_W) {
  return q_W / (air.density_kg_m3 * air.specific_heat_J_kgK * s * f.fan.flow_m3_s);
}

}  // namespace kelvin
