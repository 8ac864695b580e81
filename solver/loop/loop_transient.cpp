#include "solver/loop/loop_transient.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "solver/loop/enthalpy.hpp"

namespace kelvin {

namespace {

constexpr double kPi = 3.14159265358979323846;

Pump& pump_of(LoopTransientSetup& s, int i) {
  return std::get<Pump>(s.net.links[static_cast<std::size_t>(s.cdu.pumps[i])].component);
}

void set_duty_speed(LoopTransientSetup& s, double speed) {
  for (int i = 0; i < s.design.duty_pumps; ++i) pump_of(s, i).speed = speed;
}

/// A pump's rated torque: its hydraulic torque at its best-efficiency point and rated speed.
double rated_torque_Nm(LoopTransientSetup& s) {
  Pump rated = pump_of(s, 0);
  rated.speed = 1.0;
  const double rho = s.net.coolant.density(s.net.temperature_K);
  return hydraulic_torque_Nm(rated, rated.bep_flow_m3_s, rho, s.rotor.rated_speed_rad_s);
}

/// The drive command (synchronous speed / rated) that holds the duty pumps at speed s0: motor
/// torque balance tau_r (w_sync - w0) / (w_sync slip_r) = tau_hyd(w0), so w_sync = w0 / (1 -
/// slip_r tau_hyd / tau_r). Solves the hydraulics at s0 (and leaves the duty pumps there).
double drive_command(LoopTransientSetup& s, double speed, double rated_torque) {
  set_duty_speed(s, speed);
  const HydraulicSolution h = solve_hydraulics(s.net);
  const std::size_t k = static_cast<std::size_t>(s.cdu.pumps[0]);
  const double w_r = s.rotor.rated_speed_rad_s, w0 = speed * w_r;
  const double tau0 = hydraulic_torque_Nm(pump_of(s, 0), h.flow_m3_s[k], h.density_kg_m3[k], w0);
  return w0 / (1.0 - s.motor_rated_slip * tau0 / rated_torque) / w_r;
}

/// Secant iteration on f(x) = 0 from x0, x1; stops at |f| <= tol.
template <class F>
double secant(F f, double x0, double x1, double tol, const char* what) {
  double f0 = f(x0), f1 = f(x1);
  for (int n = 0; n < 60; ++n) {
    if (std::abs(f1) <= tol) return x1;
    if (f1 == f0) break;
    const double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
    x0 = x1, f0 = f1, x1 = x2, f1 = f(x1);
  }
  if (std::abs(f1) <= tol) return x1;
  throw NetworkError(std::string("loop transient: steady start did not converge (") + what + ")");
}

/// Root of f on [lo, hi] where f(lo) and f(hi) differ in sign, by the Illinois variant of
/// regula falsi (superlinear, never leaves the bracket); stops at |f| <= tol.
template <class F>
double bracketed_root(F f, double lo, double hi, double tol, const char* what) {
  double f_lo = f(lo), f_hi = f(hi);
  if (f_lo * f_hi > 0)
    throw NetworkError(std::string("loop transient: steady start: no ") + what + " in range");
  int side = 0;
  for (int n = 0; n < 200; ++n) {
    const double x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo), fx = f(x);
    if (std::abs(fx) <= tol) return x;
    if (fx * f_hi < 0) {
      lo = hi, f_lo = f_hi, hi = x, f_hi = fx;
      if (side == -1) f_lo *= 0.5;
      side = -1;
    } else {
      hi = x, f_hi = fx;
      if (side == 1) f_lo *= 0.5;
      side = 1;
    }
  }
  throw NetworkError(std::string("loop transient: steady start did not converge (") + what + ")");
}

/// The facility valve's opening in (0, 1) at which f(opening) = supply - setpoint is 0, f(1) < 0.
/// A lower opening above the setpoint first: halve from 1 (a closed loop whose facility flow is
/// too small to reach a steady state leaves the coolant's range: step back towards hi).
template <class F>
double opening_for_setpoint(F f) {
  double hi = 1.0, lo = 0.5;
  for (int n = 0; n < 80; ++n) {
    double v = 0;
    try {
      v = f(lo);
    } catch (const NetworkError&) {
      lo = 0.5 * (lo + hi);
      continue;
    }
    if (v > 0) break;
    hi = lo, lo *= 0.5;
  }
  return bracketed_root(f, lo, hi, 1e-11, "facility valve opening for the supply setpoint");
}

/// Sets every link's temperature to its upstream node's (by the flow's sign); returns the
/// largest change [K].
double follow_upstream(Network& net, const std::vector<int>& from, const std::vector<int>& to,
                       const std::vector<double>& flow_m3_s, const std::vector<double>& node_K) {
  double change = 0;
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const int up = flow_m3_s[k] >= 0 ? from[k] : to[k];
    const double t = node_K[static_cast<std::size_t>(up)];
    const double old = net.links[k].temperature_K;
    change = std::max(change, std::isnan(old) ? std::abs(t - net.temperature_K) : std::abs(t - old));
    net.links[k].temperature_K = t;
  }
  return change;
}

}  // namespace

LoopTransient::Start LoopTransient::steady_start(LoopTransientSetup& s) {
  if (!s.follow_temperatures) return steady_start_pass(s);
  const IndexedNetwork ix = index_network(s.net);
  for (int pass = 0; pass < 50; ++pass) {
    const Start st = steady_start_pass(s);
    const HydraulicSolution hyd = solve_hydraulics(s.net);
    if (follow_upstream(s.net, ix.from, ix.to, hyd.flow_m3_s, st.node_K) <= 1e-6) return st;
  }
  throw NetworkError("loop transient: steady start: link temperatures did not settle in 50 passes");
}

LoopTransient::Start LoopTransient::steady_start_pass(LoopTransientSetup& s) {
  Start st;
  const std::size_t hx = static_cast<std::size_t>(s.cdu.exchanger);
  // dp(s0) = dp_set: the hydraulics do not depend on the temperatures (links at net's T).
  st.speed = secant(
      [&](double x) {
        set_duty_speed(s, x);
        const HydraulicSolution h = solve_hydraulics(s.net);
        return (h.pressure_Pa[s.supply_node] - h.pressure_Pa[s.return_node]) /
                   s.control.dp_setpoint_Pa -
               1.0;
      },
      1.0, 0.9, 1e-13, "pump speed for the dp setpoint");
  // Past the drive's top command the pumps run at it and dp stays below its setpoint (the PI
  // loop saturates), as pumps too small for the loop do; below its bottom command they run at
  // that and dp stays above (pumps too large for the loop).
  st.rated_torque_Nm = rated_torque_Nm(s);
  const double command = drive_command(s, st.speed, st.rated_torque_Nm);
  const bool top = command > s.control.speed.output_max, bottom = command < s.control.speed.output_min;
  if (top || bottom) {
    const double limit = top ? s.control.speed.output_max : s.control.speed.output_min;
    st.speed = secant([&](double x) { return drive_command(s, x, st.rated_torque_Nm) - limit; },
                      (top ? 0.9 : 1.1) * st.speed, (top ? 0.8 : 1.2) * st.speed, 1e-13,
                      top ? "pump speed at the drive's top command" : "pump speed at the drive's bottom command");
    set_duty_speed(s, st.speed);
    const HydraulicSolution h = solve_hydraulics(s.net);
    const double dp = h.pressure_Pa[s.supply_node] - h.pressure_Pa[s.return_node];
    (top ? st.dp_shortfall_Pa : st.dp_excess_Pa) = top ? s.control.dp_setpoint_Pa - dp : dp - s.control.dp_setpoint_Pa;
  }
  set_duty_speed(s, st.speed);
  const HydraulicSolution hyd = solve_hydraulics(s.net);
  // T_supply(o0) = T_set
  ThermalSolution th;
  const auto supply_excess = [&](double o) {
    s.heat.links[hx].exchanger = cdu_cold_side(s.design, s.rating, s.facility, o);
    th = solve_steady_thermal(s.net, hyd, s.heat);
    return th.node_temperature_K[s.supply_node] - s.control.supply_setpoint_K;
  };
  // Fully open and still too warm: the valve stays open and the supply floats above its
  // setpoint (the PI loop saturates), as a CDU too small for its heat or its facility water does.
  st.supply_excess_K = supply_excess(1.0);
  st.opening = st.supply_excess_K > 0 ? 1.0 : opening_for_setpoint(supply_excess);
  s.heat.links[hx].exchanger = cdu_cold_side(s.design, s.rating, s.facility, st.opening);
  th = solve_steady_thermal(s.net, hyd, s.heat);
  st.node_K = th.node_temperature_K;
  st.duty_W = -th.link_heat_W[hx];
  st.command = drive_command(s, st.speed, st.rated_torque_Nm);
  return st;
}

LoopTransient::LoopTransient(const LoopTransientSetup& s)
    : m_s(s), m_start(steady_start(m_s)), m_ctl(m_s.control, m_start.command, m_start.opening) {
  m_opening = m_start.opening;
  const int np = static_cast<int>(m_s.cdu.pumps.size());
  for (int i = 0; i < np; ++i) {
    PumpMotor m;
    m.rated_torque_Nm = m_start.rated_torque_Nm;
    m.breakdown_torque_Nm = m_s.breakdown_torque_ratio * m_start.rated_torque_Nm;
    m.rated_slip = m_s.motor_rated_slip;
    const bool duty = i < m_s.design.duty_pumps;
    m.synchronous_speed_rad_s = duty ? m_start.command * m_s.rotor.rated_speed_rad_s : 0.0;
    m_motors.push_back(m);
    m_omega.push_back(duty ? m_start.speed * m_s.rotor.rated_speed_rad_s : 0.0);
  }
  m_hyd = solve_hydraulics(m_s.net);
  m_thermal.emplace(m_s.net, m_s.node_mass_kg, m_start.node_K);
  m_stored0 = m_thermal->stored_J();
  const IndexedNetwork ix = index_network(m_s.net);
  m_from = ix.from;
  m_to = ix.to;
  record();
}

double LoopTransient::pump_speed(int i) const {
  return m_omega[static_cast<std::size_t>(i)] / m_s.rotor.rated_speed_rad_s;
}

void LoopTransient::apply_events() {
  m_done.resize(m_events.size(), false);
  for (std::size_t e = 0; e < m_events.size(); ++e) {
    if (m_done[e] || m_events[e].time_s > m_time + 1e-12) continue;
    m_done[e] = true;
    const LoopEvent& ev = m_events[e];
    switch (ev.kind) {
      case LoopEventKind::TripPump:
        m_motors.at(static_cast<std::size_t>(ev.index)).tripped = true;
        break;
      case LoopEventKind::TripAllPumps:
        for (PumpMotor& m : m_motors) m.tripped = true;
        break;
      case LoopEventKind::StartPump: {
        PumpMotor& m = m_motors.at(static_cast<std::size_t>(ev.index));
        m.tripped = false;
        m.synchronous_speed_rad_s = m_ctl.speed() * m_s.rotor.rated_speed_rad_s;
        break;
      }
      case LoopEventKind::StickFacilityValve:
        m_valve_stuck = true;
        break;
      case LoopEventKind::SetLinkOpening: {
        Component& c = m_s.net.links.at(static_cast<std::size_t>(ev.index)).component;
        if (auto* qd = std::get_if<QuickDisconnect>(&c))
          qd->opening = ev.opening;
        else if (auto* v = std::get_if<Valve>(&c))
          v->opening = ev.opening;
        else
          throw NetworkError("loop transient: link '" + m_s.net.links[ev.index].name +
                             "' has no opening");
        break;
      }
    }
  }
}

void LoopTransient::step(double dt) {
  apply_events();
  const std::size_t hx = static_cast<std::size_t>(m_s.cdu.exchanger);
  // 1. rotors: J dw/dt = tau_motor(w) - tau_hyd(w, Q_n)
  for (std::size_t i = 0; i < m_motors.size(); ++i) {
    const std::size_t k = static_cast<std::size_t>(m_s.cdu.pumps[i]);
    Pump p = pump_of(m_s, static_cast<int>(i));
    // A pump whose check valve has shut sees only the valve's reverse leakage; pump_power
    // loads it with its shut-off power rho g H(0) s Q_b / (2 eta_b) there.
    const double q_n = m_hyd.flow_m3_s[k], rho = m_hyd.density_kg_m3[k];
    const double w_r = m_s.rotor.rated_speed_rad_s;
    m_omega[i] = advance_rotor(m_s.rotor, m_omega[i], dt, [&](double w) {
      p.speed = w / w_r;
      return motor_torque_Nm(m_motors[i], w) - hydraulic_torque_Nm(p, q_n, rho, w);
    });
    pump_of(m_s, static_cast<int>(i)).speed = m_omega[i] / w_r;
  }
  // 2. quasi-steady hydraulics at the new speeds (and the links' properties at their upstream
  // temperatures of the last step, when followed)
  if (m_s.follow_temperatures)
    follow_upstream(m_s.net, m_from, m_to, m_hyd.flow_m3_s, m_thermal->node_temperature_K());
  m_hyd = solve_hydraulics(m_s.net);
  // 3. heat over dt, the exchanger at the valve's opening
  m_s.heat.links[hx].exchanger = cdu_cold_side(m_s.design, m_s.rating, m_s.facility, m_opening);
  TransientThermal& th = *m_thermal;
  th.step(m_hyd.flow_m3_s, m_s.heat, dt);
  const CoolantProperties& c = m_s.net.coolant;
  const double rho_ref = reference_density(m_s.net);
  for (int k : m_s.plates)
    if (std::abs(m_hyd.flow_m3_s[static_cast<std::size_t>(k)]) > 0)
      m_energy.plates_J += m_s.heat.links[static_cast<std::size_t>(k)].heat_W * dt;
  // exchanger: m (h(T_up) - h(T_out)), T_out the step-mean outlet
  const double q_hx = m_hyd.flow_m3_s[hx];
  {
    const int u = q_hx >= 0 ? m_from[hx] : m_to[hx];
    const double t_out = th.link_outlet_K()[hx];
    m_cdu_W = std::isnan(t_out)
                  ? 0.0
                  : rho_ref * std::abs(q_hx) *
                        (coolant_enthalpy(c, th.node_temperature_K()[static_cast<std::size_t>(u)]) -
                         coolant_enthalpy(c, t_out));
    m_energy.cdu_J += m_cdu_W * dt;
    // pipes: each parcel relaxed by h' = h_amb + e (h - h_amb), so it lost
    // rho V_p (h' - h_amb) (1/e - 1), e = exp(-UA dt / (rho V cp(T_up)))
    for (std::size_t k = 0; k < m_s.net.links.size(); ++k) {
      const auto* pipe = std::get_if<Pipe>(&m_s.net.links[k].component);
      const LinkHeat& lh = m_s.heat.links[k];
      if (!pipe || !(lh.loss_ua_W_K > 0)) continue;
      const double v = 0.25 * kPi * pipe->diameter_m * pipe->diameter_m * pipe->length_m;
      const double qk = m_hyd.flow_m3_s[k];
      const int uk = qk >= 0 ? m_from[k] : m_to[k];
      const double e = std::exp(
          -lh.loss_ua_W_K * dt /
          (rho_ref * v * c.specific_heat(th.node_temperature_K()[static_cast<std::size_t>(uk)])));
      const double h_amb = coolant_enthalpy(c, lh.ambient_K);
      for (const Parcel& p : th.parcels(static_cast<int>(k)))
        m_energy.pipe_loss_J += rho_ref * p.volume_m3 * (p.enthalpy_J_kg - h_amb) * (1.0 / e - 1.0);
    }
  }
  m_energy.stored_change_J = th.stored_J() - m_stored0;
  // 4. the PI loops on the sampled dp and supply temperature
  m_time += dt;
  const double dp = m_hyd.pressure_Pa[static_cast<std::size_t>(m_s.supply_node)] -
                    m_hyd.pressure_Pa[static_cast<std::size_t>(m_s.return_node)];
  m_ctl.update(dp, th.node_temperature_K()[static_cast<std::size_t>(m_s.supply_node)], dt);
  if (!m_valve_stuck) m_opening = m_ctl.opening();
  for (PumpMotor& m : m_motors)
    if (m.synchronous_speed_rad_s > 0)
      m.synchronous_speed_rad_s = m_ctl.speed() * m_s.rotor.rated_speed_rad_s;
  record();
}

void LoopTransient::set_plate_heat(int p, double heat_W) {
  m_s.heat.links.at(static_cast<std::size_t>(m_s.plates.at(static_cast<std::size_t>(p)))).heat_W =
      heat_W;
}

int LoopTransient::upstream_node(int k) const {
  const std::size_t i = static_cast<std::size_t>(k);
  return m_hyd.flow_m3_s[i] >= 0 ? m_from[i] : m_to[i];
}

void LoopTransient::record() {
  LoopSample s;
  s.time_s = m_time;
  const TransientThermal& th = *m_thermal;
  for (std::size_t i = 0; i < m_omega.size(); ++i) {
    s.pump_speed.push_back(pump_speed(static_cast<int>(i)));
    s.pump_flow_m3_s.push_back(m_hyd.flow_m3_s[static_cast<std::size_t>(m_s.cdu.pumps[i])]);
  }
  s.supply_K = th.node_temperature_K()[static_cast<std::size_t>(m_s.supply_node)];
  s.return_K = th.node_temperature_K()[static_cast<std::size_t>(m_s.return_node)];
  s.dp_Pa = m_hyd.pressure_Pa[static_cast<std::size_t>(m_s.supply_node)] -
            m_hyd.pressure_Pa[static_cast<std::size_t>(m_s.return_node)];
  s.facility_opening = m_opening;
  for (std::size_t i = 0; i < m_omega.size(); ++i) {
    const std::size_t k = static_cast<std::size_t>(m_s.cdu.pumps[i]);
    const Pump& p = std::get<Pump>(m_s.net.links[k].component);
    s.pump_electrical_W.push_back(
        p.speed > 0 ? pump_power(p, m_hyd.flow_m3_s[k], m_hyd.density_kg_m3[k]).electrical_W : 0.0);
  }
  // Facility side: h_f,out = h_f(T_f,in) + Q / m_f (the duty of the last step; at the start the
  // steady duty, which equals the plates' heat less the pipes' loss).
  const ExchangerColdSide cold = cdu_cold_side(m_s.design, m_s.rating, m_s.facility, m_opening);
  s.cdu_heat_W = m_history.empty() ? m_start.duty_W : m_cdu_W;
  s.facility_return_K =
      cold.flow_kg_s > 0
          ? coolant_temperature(cold.coolant,
                                coolant_enthalpy(cold.coolant, cold.inlet_K) + s.cdu_heat_W / cold.flow_kg_s,
                                cold.inlet_K)
          : cold.inlet_K;
  for (int k : m_s.plates) {
    s.plate_inlet_K.push_back(th.node_temperature_K()[static_cast<std::size_t>(upstream_node(k))]);
    s.plate_flow_m3_s.push_back(m_hyd.flow_m3_s[static_cast<std::size_t>(k)]);
    const double t = th.link_outlet_K()[static_cast<std::size_t>(k)];
    // NaN before the first step (the transient has no step-mean outlet yet)
    s.plate_outlet_K.push_back(t);
  }
  m_history.push_back(s);
}

}  // namespace kelvin
