#pragma once
/// Pump spin-up and spin-down with rotor inertia:
///   J d(omega)/dt = tau_motor(omega) - tau_hydraulic(omega),
///   tau_hydraulic = shaft power / omega = rho g Q H / (eta omega)   (pump.hpp's shaft power),
/// the speed feeding the pump's affinity laws (Pump::speed = omega / omega_rated). A tripped
/// motor gives no torque and the rotor coasts down against the hydraulic torque. On a system
/// of pure quadratic losses Q ~ omega and H ~ omega^2 at constant efficiency, so
/// tau_hydraulic = tau0 (omega/omega0)^2 and omega(t) = omega0 / (1 + t / T), T = J omega0 / tau0.
#include <functional>

#include "solver/loop/pump.hpp"

namespace kelvin {

/// The rotating parts of a pump and its motor.
struct PumpRotor {
  double inertia_kg_m2 = 0;      ///< J of impeller, shaft, coupling and motor rotor
  double rated_speed_rad_s = 0;  ///< omega at Pump::speed = 1
};

/// An induction motor on a drive, linearised about its slip: torque falls linearly from
/// rated_torque at rated slip to 0 at the synchronous speed (the drive's command), clamped to
/// [0, breakdown_torque]; tripped (or no synchronous speed or slip given): no torque.
struct PumpMotor {
  double rated_torque_Nm = 0;
  double breakdown_torque_Nm = 0;
  double synchronous_speed_rad_s = 0;  ///< what the drive commands
  double rated_slip = 0.02;            ///< (omega_sync - omega_rated) / omega_sync at rated torque
  bool tripped = false;
};

/// Motor torque [N m] at omega [rad/s].
double motor_torque_Nm(const PumpMotor& m, double omega_rad_s);

/// Hydraulic torque [N m] of pump p at flow q [m^3/s], density [kg/m^3] and omega [rad/s]:
/// shaft power / omega (0 at rest or reverse flow).
double hydraulic_torque_Nm(const Pump& p, double q_m3_s, double density_kg_m3, double omega_rad_s);

/// One classical Runge-Kutta step of J d(omega)/dt = net_torque(omega) over dt [s]; the speed
/// does not fall below 0 (a coasting rotor stops, it does not reverse). net_torque is called
/// four times (each call may solve the network at that speed).
double advance_rotor(const PumpRotor& r, double omega_rad_s, double dt_s,
                     const std::function<double(double omega_rad_s)>& net_torque_Nm);

}  // namespace kelvin
