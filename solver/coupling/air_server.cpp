// An air-cooled GPU server in steady state (air_server.hpp).
#include "solver/coupling/air_server.hpp"

#include <algorithm>
#include <stdexcept>

namespace kelvin {

AirServerState air_server_at(const AirServer& sv, const GpuModel& m, double activity,
                             double inlet_K, double s) {
  const int n = static_cast<int>(sv.gpu_caps_W.size());
  if (sv.rows < 1 || n % sv.rows != 0)
    throw std::invalid_argument("air server: the GPUs do not fill their rows");
  const int columns = n / sv.rows;
  const double volume = sv.fans.fan.flow_m3_s * s;
  const double sink_flow = sv.fans.gpu_flow_share * volume;
  const double r_ja = junction_to_air_K_W(sv.sink, sv.air, sink_flow);
  // rho c_p phi s V_r: the heat capacity rate of one column's stream
  const double column_rate = sv.air.density_kg_m3 * sv.air.specific_heat_J_kgK * sink_flow;
  AirServerState st;
  st.speed = s;
  st.gpu.resize(static_cast<std::size_t>(n));
  st.gpu_inlet_K.resize(static_cast<std::size_t>(n));
  for (int col = 0; col < columns; ++col) {
    double t_air = inlet_K;
    for (int row = 0; row < sv.rows; ++row) {
      const auto i = static_cast<std::size_t>(row * columns + col);
      const double t_in = t_air;
      st.gpu_inlet_K[i] = t_in;
      st.gpu[i] = steady_operating_point(m, sv.gpu_caps_W[i], activity, t_in,
                                         [&](double p) { return t_in + r_ja * p; }, 1e-9);
      t_air += st.gpu[i].power_W / column_rate;
    }
  }
  for (const OperatingPoint& op : st.gpu) {
    st.gpu_W += op.power_W;
    st.max_junction_K = std::max(st.max_junction_K, op.junction_K);
  }
  st.fans_W = fan_power_W(sv.fans.fan, s);
  st.heat_W = st.gpu_W + sv.rest_power_W + st.fans_W;
  st.air_kg_s = sv.air.density_kg_m3 * volume;
  // T_out = T_in + Q / (m c_p)
  st.exhaust_K = inlet_K + st.heat_W / (st.air_kg_s * sv.air.specific_heat_J_kgK);
  return st;
}

AirServerState settle_air_server(const AirServer& sv, const GpuModel& m, double activity,
                                 double inlet_K) {
  check_server_fans(sv.fans);
  const auto at = [&](double s) { return air_server_at(sv, m, activity, inlet_K, s); };
  const auto too_hot = [&](const AirServerState& st) {
    return st.max_junction_K > sv.target_junction_K;
  };
  AirServerState low = at(sv.fans.min_speed);
  if (!too_hot(low)) return low;
  AirServerState high = at(1.0);
  if (too_hot(high)) return high;
  double lo = sv.fans.min_speed, hi = 1.0;
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    AirServerState st = at(mid);
    if (too_hot(st)) {
      lo = mid;
    } else {
      hi = mid;
      high = std::move(st);
    }
  }
  return high;
}

}  // namespace kelvin
