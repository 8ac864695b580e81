// A traditional air-cooled hall, one rack and its share of the CRAHs (air_hall.hpp).
#include "solver/coupling/air_hall.hpp"

#include <algorithm>
#include <cmath>

#include "solver/base/errors.hpp"
#include "solver/coupling/rack_steady.hpp"
#include "solver/physics/exchanger_effectiveness.hpp"

namespace kelvin {

namespace {

constexpr double kWaterCp = 4190.0;   ///< J/(kg K), the CRAH coil's chilled water
constexpr double kFloatK = 30.0;      ///< how far the supply air may float above its setpoint

/// The CRAHs' coil (one unit) rated at one point: eps = Q / (C_min (T_a,in - T_w,in)),
/// UA = NTU_counterflow(eps, C_min/C_max) C_min.
CrahCoil rated_coil(const FacilityCase& f, double air_cp) {
  CrahCoil coil;
  coil.air_cp_J_kgK = air_cp;
  coil.water_cp_J_kgK = kWaterCp;
  coil.air_flow_rated_kg_s = f.air_crah_air_flow_kg_s;
  coil.water_flow_rated_kg_s = f.air_crah_water_flow_kg_s;
  coil.air_side_share = f.air_crah_air_side_share;
  const double c_a = f.air_crah_air_flow_kg_s * air_cp, c_w = f.air_crah_water_flow_kg_s * kWaterCp;
  const double c_min = std::min(c_a, c_w), c_max = std::max(c_a, c_w);
  const double eps =
      f.air_crah_rated_heat_W / (c_min * (f.air_crah_rated_air_inlet_K - f.air_crah_rated_water_inlet_K));
  if (!(eps > 0 && eps < 1))
    throw SetupError("facility.air_cooling.crah: its rated heat needs an effectiveness of " +
                     std::to_string(eps) + " at its rated flows and inlets (a coil reaches < 1)");
  coil.ua_rated_W_K = counterflow_ntu(eps, c_min / c_max) * c_min;
  return coil;
}

/// The servers' side at intake T_in: the server, its flow, and the recirculation that settles.
struct Intake {
  double inlet_K = 0;
  AirServerState server;
  double servers_kg_s = 0, recirculation = 0, crah_kg_s = 0;
};

Intake intake_at(const AirHall& h, const GpuModel& m, double activity, double t_in) {
  Intake x;
  x.inlet_K = t_in;
  x.server = settle_air_server(h.server, m, activity, t_in);
  x.servers_kg_s = h.servers * x.server.air_kg_s;
  // supply air that reaches the servers: (1 - r) m_s, or what the CRAHs can give at full speed
  const double supplied = std::min((1 - h.recirculation) * x.servers_kg_s, h.crah_air_kg_s * (1 - h.bypass));
  x.recirculation = 1 - supplied / x.servers_kg_s;
  x.crah_kg_s = supplied / (1 - h.bypass);
  return x;
}

/// The servers' intake at supply air t_s: T_in = T_s + r/(1-r) (T_out - T_in). Fixed-point
/// iteration first (it contracts by about r: the servers' rise changes slowly with their
/// intake), to 1e-11 K; bisection on [T_s, T_s + 10 2^k] to 1e-10 K if it does not settle in 40.
Intake settle_intake(const AirHall& h, const GpuModel& m, double activity, double t_s) {
  const auto excess = [&](const Intake& x) {
    const double r = x.recirculation;
    return t_s + r / (1 - r) * (x.server.exhaust_K - x.inlet_K) - x.inlet_K;
  };
  Intake x = intake_at(h, m, activity, t_s);
  for (int k = 0; k < 40 && std::abs(excess(x)) > 1e-11; ++k)
    x = intake_at(h, m, activity, x.inlet_K + excess(x));
  if (std::abs(excess(x)) <= 1e-11) return x;
  double a = t_s, b = t_s + 10;
  Intake hi = intake_at(h, m, activity, b);
  for (int k = 0; excess(hi) > 0; ++k) {
    if (k == 8) throw SetupError("air-cooled hall: the servers' intake air runs away (recirculation)");
    a = b, b += 10 * (1 << k);
    hi = intake_at(h, m, activity, b);
  }
  while (b - a > 1e-10) {
    const double mid = 0.5 * (a + b);
    Intake y = intake_at(h, m, activity, mid);
    if (excess(y) > 0) {
      a = mid;
    } else {
      b = mid;
      hi = std::move(y);
    }
  }
  return hi;
}

/// Everything but the chilled water at supply air t_s: air paths, CRAH fans, coil's air side.
AirHallState air_side(const AirHall& h, const GpuModel& m, double activity, double t_s) {
  const Intake x = settle_intake(h, m, activity, t_s);
  AirHallState st;
  st.server = x.server;
  st.supply_air_K = t_s;
  st.recirculation = x.recirculation;
  const double r = x.recirculation, m_s = x.servers_kg_s, m_c = x.crah_kg_s;
  const double cp = h.server.air.specific_heat_J_kgK;
  st.server_inlet_K = x.inlet_K;
  const double t_out = x.server.exhaust_K;
  st.crah_air_kg_s = m_c;
  st.crah_speed = m_c / h.crah_air_kg_s;
  st.crah_fans_W = h.crah_fan_power_W * std::pow(st.crah_speed, 3);
  st.return_air_K = ((1 - r) * m_s * t_out + h.bypass * m_c * t_s) / m_c;
  st.coil_leaving_K = t_s - st.crah_fans_W / (m_c * cp);
  st.coil_W = m_c * cp * (st.return_air_K - st.coil_leaving_K);
  return st;
}

}  // namespace

AirHall air_hall(const Case& c, const GpuModel& m) {
  const FacilityCase& f = *c.facility;
  AirHall h;
  AirServer& sv = h.server;
  sv.fans.fan = FanRating{f.air_fan_flow_m3_s, f.air_fan_pressure_Pa, f.air_fan_shutoff_Pa,
                          f.air_fan_power_W};
  sv.fans.min_speed = f.air_fan_min_speed;
  sv.fans.gpu_flow_share = f.air_gpu_flow_share;
  sv.sink = PlateFinHeatSink{f.air_sink_fins,          f.air_sink_fin_height_m,
                             f.air_sink_fin_thickness_m, f.air_sink_fin_spacing_m,
                             f.air_sink_length_m,      f.air_sink_conductivity_W_mK,
                             f.air_junction_to_case_K_W, f.air_sink_interface_K_W};
  for (std::size_t i = 0; i < c.gpus->instances.size(); ++i)
    sv.gpu_caps_W.push_back(gpu_cap_W(c, m, static_cast<int>(i)));
  sv.rows = f.air_gpu_rows;
  sv.rest_power_W = f.air_server_power_W;
  sv.target_junction_K = f.air_target_junction_K;
  h.servers = f.air_servers_per_rack;
  h.supply_air_K = f.air_supply_K;
  h.recirculation = f.air_recirculation;
  h.bypass = f.air_bypass;
  // the rack's share k = crahs / racks of identical units at one point: flows, UA, power x k
  const double k = static_cast<double>(f.air_crahs) / f.racks;
  h.coil = rated_coil(f, sv.air.specific_heat_J_kgK);
  h.coil.ua_rated_W_K *= k;
  h.coil.air_flow_rated_kg_s *= k;
  h.coil.water_flow_rated_kg_s *= k;
  h.crah_air_kg_s = k * f.air_crah_air_flow_kg_s;
  h.crah_fan_power_W = k * f.air_crah_fan_power_W;
  h.crah_water_kg_s = k * f.air_crah_water_flow_kg_s;
  return h;
}

AirHallState solve_air_hall(const AirHall& h, const GpuModel& m, double activity, double t_w) {
  const auto short_at = [&](const AirHallState& st) {  // the coil at full water flow falls short
    return crah_coil_heat_W(h.coil, st.return_air_K, st.crah_air_kg_s, t_w, h.crah_water_kg_s) <
           st.coil_W;
  };
  AirHallState st = air_side(h, m, activity, h.supply_air_K);
  if (short_at(st)) {
    st.supply_above_setpoint = true;
    double lo = h.supply_air_K, hi = h.supply_air_K + kFloatK;
    AirHallState top = air_side(h, m, activity, hi);
    if (!short_at(top)) {
      while (hi - lo > 1e-8) {
        const double mid = 0.5 * (lo + hi);
        AirHallState x = air_side(h, m, activity, mid);
        if (short_at(x)) {
          lo = mid;
        } else {
          hi = mid;
          top = std::move(x);
        }
      }
    }
    st = std::move(top);
    st.supply_above_setpoint = true;
  }
  st.water_kg_s = crah_water_flow_for_supply_kg_s(h.coil, st.return_air_K, st.crah_air_kg_s, t_w,
                                                  st.coil_leaving_K, h.crah_water_kg_s);
  return st;
}

RackResponse air_hall_response(const AirHall& h, const GpuModel& m, const WorkloadPhase& phase,
                               double t_w) {
  const AirHallState st = solve_air_hall(h, m, phase.activity, t_w);
  RackResponse r;
  r.facility_inlet_K = t_w;
  const double n = h.servers;
  for (const OperatingPoint& op : st.server.gpu) {
    const double g = relative_throughput(op.clock_MHz, m.max_clock_MHz, phase.memory_bound_fraction);
    r.tokens_per_s += n * (op.shut_down || op.runaway ? 0.0 : phase.tokens_per_s * g);
    r.unthrottled_tokens_per_s += n * phase.tokens_per_s;
    r.thermally_throttled += (op.reasons & (kReasonSwThermal | kReasonHwThermal)) ? n : 0;
  }
  r.gpu_W = n * st.server.gpu_W;
  r.server_fans_W = n * st.server.fans_W;
  r.it_W = n * st.server.heat_W;  // metered at the rack: GPUs, the rest and the server fans
  r.max_junction_K = st.server.max_junction_K;
  r.duty_W = st.coil_W;
  r.facility_flow_kg_s = st.water_kg_s;
  r.crah_fans_W = st.crah_fans_W;
  r.secondary_supply_K = st.server_inlet_K;
  r.server_fan_speed = st.server.speed;
  r.supply_air_K = st.supply_air_K;
  return r;
}

}  // namespace kelvin
