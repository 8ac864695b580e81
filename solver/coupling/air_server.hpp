#pragma once
/// An air-cooled GPU server in steady state: its GPUs at their operating points (power model,
/// cap, thermal slowdown: steady_operating_point) on plate-fin sinks in the server's air, and
/// the fan speed its BMC settles on.
///
/// The GPUs sit in `rows` rows across the air stream; GPU i is in row i / c, column i % c
/// (c = GPUs / rows), and every column of sinks is one stream of phi s V_r (server_fans.hpp), so
/// a GPU in row k breathes the air its column's upstream GPUs have heated:
///   T_in,k = T_in + sum_{j<k} P_j / (rho c_p phi s V_r),   T_j,k = T_in,k + P_k R_ja(phi s V_r),
/// each GPU's power at the fixed point of its leakage and T_j (steady_operating_point).
/// The BMC's speed: the least s in [s_min, 1] with every T_j <= T_target (the hottest GPU
/// rules; T_j falls as s rises), by bisection to 1e-12; s_min when even that is cool enough,
/// 1 when even full speed is not (the GPUs then slow down by their own governors).
/// The server's heat is its electrical power, P_gpus + P_rest + P_fans(s) (fans: P_r s^3), and
/// its exhaust T_out = T_in + heat / (rho c_p s V_r).
#include <vector>

#include "solver/facility/server_fans.hpp"
#include "solver/power/gpu_model.hpp"

namespace kelvin {

/// One server's hardware.
struct AirServer {
  ServerFans fans;
  PlateFinHeatSink sink;
  AirProperties air;
  std::vector<double> gpu_caps_W;  ///< per GPU; the count must be a multiple of rows
  int rows = 1;
  double rest_power_W = 0;         ///< everything but the GPUs and the fans
  double target_junction_K = 355.15;
};

/// The server's settled state.
struct AirServerState {
  double speed = 0;                    ///< relative fan speed
  std::vector<OperatingPoint> gpu;     ///< per GPU
  std::vector<double> gpu_inlet_K;     ///< the air reaching each GPU's sink
  double gpu_W = 0, fans_W = 0, heat_W = 0;  ///< heat = GPUs + rest + fans, all electrical
  double air_kg_s = 0;                 ///< through the server
  double exhaust_K = 0;
  double max_junction_K = 0;
};

/// The server's GPUs and fans at relative speed s with air entering at inlet_K.
AirServerState air_server_at(const AirServer& sv, const GpuModel& m, double activity,
                             double inlet_K, double speed);

/// The server at the speed its BMC settles on for air entering at inlet_K.
AirServerState settle_air_server(const AirServer& sv, const GpuModel& m, double activity,
                                 double inlet_K);

}  // namespace kelvin
