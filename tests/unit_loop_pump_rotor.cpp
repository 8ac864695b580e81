// Pump rotor inertia (solver/loop/pump_rotor.hpp): coast-down of a pump on a quadratic system
// against its closed form, the network solved at every Runge-Kutta stage; spin-up to the speed
// where the motor's torque meets the hydraulic torque.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "solver/loop/gga.hpp"
#include "solver/loop/pump_rotor.hpp"

using namespace kelvin;

namespace {

/// A pump from the tank through a Kv loss back to the tank; the pump's best-efficiency flow is
/// its flow at rated speed, so every speed runs at x = Q / (s Q_b) = 1 and constant efficiency.
struct QuadraticLoop {
  Network net{make_coolant("water", 0), 303.15};
  QuadraticLoop() {
    net.add_fixed_pressure("tank", 1e5);
    net.add_junction("out");
    Pump p = pump_from_quadratic(30.0, 30.0 / (2 * 0.02 * 0.02));  // 15 m at 0.02 m^3/s
    p.bep_efficiency = 0.7;
    net.add_link("pump", "tank", "out", p);
    net.add_link("loss", "out", "tank",
                 MinorLoss{0, 0, 3600 * 0.02 / std::sqrt(15 * 1000 * 9.80665 / 1e5 / 1.0)});
    const HydraulicSolution s = solve_hydraulics(net);
    std::get<Pump>(net.links[0].component).bep_flow_m3_s = s.flow_m3_s[0];
  }
  Pump& pump() { return std::get<Pump>(net.links[0].component); }
  /// Hydraulic torque at omega, the network solved at that speed.
  double torque(double omega, double omega_rated) {
    pump().speed = omega / omega_rated;
    if (omega <= 0) return 0.0;
    const HydraulicSolution s = solve_hydraulics(net);
    return hydraulic_torque_Nm(pump(), s.flow_m3_s[0], s.density_kg_m3[0], omega);
  }
};

}  // namespace

TEST(LoopPumpRotor, CoastDownMatchesClosedForm) {
  QuadraticLoop loop;
  const PumpRotor rotor{0.05, 2 * 3.14159265358979323846 * 2900 / 60};
  const double w0 = rotor.rated_speed_rad_s;
  const double tau0 = loop.torque(w0, w0);
  const double t_c = rotor.inertia_kg_m2 * w0 / tau0;  // omega(t) = w0 / (1 + t / t_c)
  // tau ~ omega^2 holds: at half speed, a quarter of the torque
  EXPECT_LT(std::abs(loop.torque(0.5 * w0, w0) / tau0 - 0.25), 1e-9);
  const double dt = t_c / 50;
  double w = w0, worst = 0;
  for (int n = 1; n <= 500; ++n) {  // to t = 10 t_c, omega = w0 / 11
    w = advance_rotor(rotor, w, dt, [&](double x) { return -loop.torque(x, w0); });
    worst = std::max(worst, std::abs(w / (w0 / (1 + n * dt / t_c)) - 1));
  }
  EXPECT_LT(worst, 1e-4);
  std::printf(
      "coast-down: tau0 %.4f N m, T = J w0 / tau0 %.4f s, RK4 dt T/50 to 10 T: max "
      "relative error %.2e\n",
      tau0, t_c, worst);
}

TEST(LoopPumpRotor, SpinUpSettlesWhereTorquesBalance) {
  QuadraticLoop loop;
  const PumpRotor rotor{0.05, 2 * 3.14159265358979323846 * 2900 / 60};
  const double w_r = rotor.rated_speed_rad_s;
  const double tau_r = loop.torque(w_r, w_r);
  PumpMotor motor{tau_r, 2.5 * tau_r, w_r / (1 - 0.02), 0.02, false};
  double w = 0;
  for (int n = 0; n < 4000; ++n)
    w = advance_rotor(rotor, w, 0.005,
                      [&](double x) { return motor_torque_Nm(motor, x) - loop.torque(x, w_r); });
  // the motor was sized to give the rated torque at the rated speed: it settles there
  EXPECT_LT(std::abs(w / w_r - 1), 1e-6);
  motor.tripped = true;
  EXPECT_EQ(motor_torque_Nm(motor, w), 0.0);
  std::printf("spin-up: settles at %.9f of rated speed\n", w / w_r);
}
