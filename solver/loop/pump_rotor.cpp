#include "solver/loop/pump_rotor.hpp"

#include <algorithm>
#include <cmath>

namespace kelvin {

double motor_torque_Nm(const PumpMotor& m, double omega) {
  if (m.tripped || !(m.synchronous_speed_rad_s > 0 && m.rated_slip > 0)) return 0.0;
  const double slip = (m.synchronous_speed_rad_s - omega) / m.synchronous_speed_rad_s;
  return std::clamp(m.rated_torque_Nm * slip / m.rated_slip, 0.0, m.breakdown_torque_Nm);
}

double hydraulic_torque_Nm(const Pump& p, double q, double rho, double omega) {
  if (!(omega > 0)) return 0.0;
  return pump_power(p, q, rho).shaft_W / omega;
}

double advance_rotor(const PumpRotor& r, double w, double dt,
                     const std::function<double(double)>& torque) {
  auto f = [&](double x) { return torque(std::max(x, 0.0)) / r.inertia_kg_m2; };
  const double k1 = f(w), k2 = f(w + 0.5 * dt * k1), k3 = f(w + 0.5 * dt * k2), k4 = f(w + dt * k3);
  return std::max(0.0, w + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4));
}

}  // namespace kelvin
