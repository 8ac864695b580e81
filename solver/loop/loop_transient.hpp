#pragma once
/// A time-stepped secondary loop: pump rotors, quasi-steady hydraulics, transient heat and the
/// CDU's two PI loops, with failure events (pump trips, a stuck facility valve, a half-closed
/// quick disconnect) and a recorded time series.
///
/// Each step of dt, in this order:
///   1. every pump's rotor: J d(omega)/dt = tau_motor(omega) - tau_hyd(omega, Q_n), RK4 with the
///      pump's flow Q_n of the last hydraulic solve held over the step (pump_rotor.hpp);
///   2. steady hydraulics (gga.hpp) at the new speeds s = omega / omega_rated: the flow follows
///      the pumps instantly. Quasi-steady: fluid inertia and water hammer (pressure waves, time
///      scale L / a ~ 10 ms) are out of scope;
///   3. transient heat (transport.hpp) over dt on these flows: plug-flow pipes, node masses, the
///      plates' heat and the CDU exchanger with the facility valve's current opening;
///   4. the CDU's PI loops (cdu.hpp) on the sampled dp = p_supply - p_return and the supply node
///      temperature; the speed output is the drive's command, omega_sync = command omega_rated.
/// The start is the steady solution at the setpoints: the duty pumps' speed s0 with
/// dp(s0) = dp_set and the valve opening o0 with T_supply(o0) = T_set (secant iterations), the
/// nodes at their steady temperatures, and each running motor's synchronous speed chosen so
/// that its torque balances the hydraulic torque at s0 (so nothing moves without an event).
#include <optional>
#include <vector>

#include "solver/loop/cdu.hpp"
#include "solver/loop/pump_rotor.hpp"
#include "solver/loop/transport.hpp"

namespace kelvin {

/// A secondary loop built around add_cdu.
struct LoopTransientSetup {
  LoopTransientSetup(const Network& n, const CoolantProperties& facility_water)
      : net(n), facility(facility_water) {}
  Network net;
  CduDesign design;
  CduRating rating;
  CduLinks cdu;
  CoolantProperties facility;
  ThermalProblem heat;      ///< one LinkHeat per link (the exchanger's is set here)
  std::vector<int> plates;  ///< link index of each plate branch
  int supply_node = -1, return_node = -1;
  std::vector<double> node_mass_kg;  ///< empty or one per node
  CduControlSettings control;
  PumpRotor rotor{0.2, 303.7};          ///< each pump's; 2900 rpm
  double breakdown_torque_ratio = 2.5;  ///< motor breakdown / rated torque
  double motor_rated_slip = 0.02;       ///< see PumpMotor
  /// Each link takes the coolant's properties at its upstream node's temperature (updated every
  /// step from the transient heat; the steady start iterates them to 1e-6 K); off: every link
  /// at its own temperature_K (the network's when NaN).
  bool follow_temperatures = false;
};

/// What can happen during a run.
enum class LoopEventKind { TripPump, TripAllPumps, StartPump, StickFacilityValve, SetLinkOpening };

/// One event: applied before the first step that starts at or after time_s.
struct LoopEvent {
  double time_s = 0;
  LoopEventKind kind = LoopEventKind::TripPump;
  /// TripPump, StartPump: position in cdu.pumps (StartPump: its motor is switched on at the
  /// duty pumps' speed command; a standby pump spins up from rest); SetLinkOpening: link index
  int index = -1;
  double opening = 1;  ///< SetLinkOpening: the valve's or quick disconnect's new opening
};

/// The loop at one time.
struct LoopSample {
  double time_s = 0;                               ///< since the start
  std::vector<double> pump_speed, pump_flow_m3_s;  ///< per pump, speed s = omega / omega_rated
  double supply_K = 0, return_K = 0, dp_Pa = 0;    ///< CDU supply and return nodes, p_s - p_r
  double facility_opening = 0;                     ///< the facility valve's [0, 1]
  std::vector<double> pump_electrical_W;           ///< per pump, at its speed and flow
  double cdu_heat_W = 0;     ///< removed by the exchanger over the last step (start: steady)
  double facility_return_K = 0;  ///< facility water leaving the exchanger
  /// per plate; the outlet is the step-mean (NaN in the start sample), the inlet the upstream
  /// node's temperature now
  std::vector<double> plate_flow_m3_s, plate_outlet_K, plate_inlet_K;
};

/// Energy bookkeeping since the start [J].
struct LoopEnergy {
  double plates_J = 0;         ///< sum of plate heat x dt (over steps with flow)
  double cdu_J = 0;            ///< removed by the exchanger, m_hot (h_in - h_out) dt
  double pipe_loss_J = 0;      ///< lost by pipes to their ambient
  double stored_change_J = 0;  ///< stored enthalpy now minus at the start
};

/// The driver.
class LoopTransient {
 public:
  /// Solves the steady start (see the header comment). Throws NetworkError if it cannot.
  explicit LoopTransient(const LoopTransientSetup& s);
  /// Adds an event.
  void schedule(const LoopEvent& e) { m_events.push_back(e); }
  /// One step of dt [s]; records a sample.
  void step(double dt_s);
  /// Samples: the start, then one per step.
  const std::vector<LoopSample>& history() const { return m_history; }
  /// The energy books since the start.
  const LoopEnergy& energy() const { return m_energy; }
  /// Relative speed of each pump's rotor now.
  double pump_speed(int i) const;
  /// The loop as it is now (pump speeds and openings as the run has set them).
  const LoopTransientSetup& setup() const { return m_s; }
  /// Sets plate p's heat [W] (p indexes setup().plates) from the next step on.
  void set_plate_heat(int p, double heat_W);
  /// Simulated time since the start [s].
  double time() const { return m_time; }
  /// The last hydraulic solution and the node temperatures now.
  const HydraulicSolution& hydraulics() const { return m_hyd; }
  const std::vector<double>& node_temperature_K() const { return m_thermal->node_temperature_K(); }
  /// Each link's outlet temperature, averaged over the last step (NaN before the first).
  const std::vector<double>& link_outlet_K() const { return m_thermal->link_outlet_K(); }
  /// Node index of link k's upstream end by its flow now.
  int upstream_node(int k) const;
  /// How far above its setpoint the supply started with the facility valve fully open [K]; 0
  /// (or less) when the CDU holds the setpoint.
  double start_supply_excess_K() const { return m_start.supply_excess_K; }
  /// How far below its setpoint dp started with the pumps at the drive's top command [Pa]; 0
  /// when they hold it.
  double start_dp_shortfall_Pa() const { return m_start.dp_shortfall_Pa; }
  /// > 0: at the drive's bottom command, the start's dp is this far above its setpoint.
  double start_dp_excess_Pa() const { return m_start.dp_excess_Pa; }

 private:
  void apply_events();
  void record();
  /// The steady start: duty speed, valve opening, drive command, the node temperatures.
  struct Start {
    double speed = 0, opening = 0, command = 0, rated_torque_Nm = 0, duty_W = 0;
    double supply_excess_K = 0;  ///< > 0: even fully open, the supply is this far above its setpoint
    double dp_shortfall_Pa = 0;  ///< > 0: at the drive's top command, dp is this far below its setpoint
    double dp_excess_Pa = 0;     ///< > 0: at the drive's bottom command, dp is this far above it
    std::vector<double> node_K;
  };
  static Start steady_start(LoopTransientSetup& s);
  /// One pass of the steady start at the links' current temperatures.
  static Start steady_start_pass(LoopTransientSetup& s);
  LoopTransientSetup m_s;
  Start m_start;
  std::vector<PumpMotor> m_motors;
  std::vector<double> m_omega;
  std::vector<LoopEvent> m_events;
  std::vector<bool> m_done;
  HydraulicSolution m_hyd;
  std::optional<TransientThermal> m_thermal;  ///< built after the steady start
  std::vector<int> m_from, m_to;              ///< node indices of each link's ends
  CduController m_ctl;
  double m_opening = 0, m_time = 0, m_stored0 = 0;
  bool m_valve_stuck = false;
  LoopEnergy m_energy;
  double m_cdu_W = 0;  ///< exchanger duty over the last step
  std::vector<LoopSample> m_history;
};

}  // namespace kelvin
