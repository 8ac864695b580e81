// Transient heat in the coolant network (solver/loop/transport.hpp): a temperature step and a
// sinusoid through a plug-flow pipe arrive after exactly V / Q, unsmeared; energy stored plus
// energy out equals energy in over a transient with thermal masses, plates, pipe losses,
// varying flows and a link drawn against its flow; a reversed flow brings the same fluid back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "solver/loop/enthalpy.hpp"
#include "solver/loop/gga.hpp"
#include "solver/loop/transport.hpp"

using namespace kelvin;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

/// A single pipe between two fixed-pressure nodes; returns the network.
Network one_pipe(double length_m, double diameter_m) {
  Network net(make_coolant("water", 0), 313.15);
  net.add_fixed_pressure("A", 1e4);
  net.add_fixed_pressure("B", 0);
  net.add_link("p", "A", "B", Pipe{length_m, diameter_m, 0});
  return net;
}

/// Drives one pipe with an inlet signal held over each step (inlet(n) over [n dt, (n+1) dt])
/// and compares every step's outlet with the exact step average of the inlet delayed by tau:
/// returns the largest deviation [K] and fills the outlets.
double run_delay(double tau_s, double dt_s, int steps, const std::function<double(int)>& inlet,
                 double initial_K, std::vector<double>& out) {
  Network net = one_pipe(3.0, 0.02);
  const double volume = 0.25 * kPi * 0.02 * 0.02 * 3.0, q = volume / tau_s;
  const CoolantProperties& c = net.coolant;
  TransientThermal tr(net, {}, {initial_K, initial_K});
  ThermalProblem tp;
  double worst = 0;
  // Inlet enthalpy at time t (piecewise constant; the initial fill before t = 0).
  auto h_in = [&](double t) {
    return t < 0 ? coolant_enthalpy(c, initial_K)
                 : coolant_enthalpy(c, inlet(static_cast<int>(std::floor(t / dt_s + 1e-9))));
  };
  for (int n = 0; n < steps; ++n) {
    tp.inlet_temperature_K = {inlet(n), kNaN};
    tr.step({q}, tp, dt_s);
    // exact average of h_in over [n dt - tau, (n+1) dt - tau]: split at the step boundaries
    const double a = n * dt_s - tau_s, b = a + dt_s;
    const double cut = std::floor(b / dt_s + 1e-9) * dt_s;  // the step boundary inside (a, b]
    double want_h;
    if (cut > a + 1e-12 * dt_s && cut < b - 1e-12 * dt_s)
      want_h = ((cut - a) * h_in(a) + (b - cut) * h_in(cut)) / dt_s;
    else
      want_h = h_in(0.5 * (a + b));
    const double want = coolant_temperature(c, want_h, 313.15);
    out.push_back(tr.link_outlet_K()[0]);
    worst = std::max(worst, std::abs(out.back() - want));
  }
  // energy: against the enthalpy of one pipe volume per kelvin of the signal
  EXPECT_LT(std::abs(tr.energy_residual_J()),
            1e-12 * 1000.0 * volume * 4200.0 * steps * dt_s / tau_s);
  return worst;
}

}  // namespace

TEST(LoopTransport, StepArrivesAfterVolumeOverFlowUnsmeared) {
  for (double tau : {10.0, 10.05, 7.3}) {
    const double dt = 0.1;
    std::vector<double> out;
    const double worst = run_delay(
        tau, dt, 200, [](int) { return 323.15; }, 303.15, out);
    // Round-off of the parcel volumes (sums of |Q| dt) sets the deviation: 1e-12 of the step.
    EXPECT_LT(worst / 20.0, 1e-12) << "tau " << tau;
    // first step whose outlet moved, and the first at the new temperature
    int first = -1, full = -1;
    for (int n = 0; n < static_cast<int>(out.size()); ++n) {
      if (first < 0 && out[n] > 303.15 + 1e-9) first = n;
      if (full < 0 && std::abs(out[n] - 323.15) < 1e-9) full = n;
    }
    // The front reaches the outlet at t = tau: within the step [first dt, (first+1) dt].
    EXPECT_LE(first * dt, tau + 1e-9);
    EXPECT_GE((first + 1) * dt, tau - 1e-9);
    EXPECT_LE(full - first, 1);  // no smearing: at most one step holds old and new fluid
    std::printf(
        "step, tau %.2f s, dt %.1f s: front leaves in step %d ([%.1f, %.1f] s), full "
        "from step %d; max deviation from the shifted inlet %.2e K\n",
        tau, dt, first, first * dt, (first + 1) * dt, full, worst);
  }
}

TEST(LoopTransport, SinusoidKeepsItsAmplitude) {
  const double dt = 0.05, period = 4.0;
  for (double tau : {10.0, 6.53}) {
    std::vector<double> out;
    auto inlet = [&](int n) { return 313.15 + 5.0 * std::sin(2 * kPi * (n + 0.5) * dt / period); };
    const double worst = run_delay(tau, dt, 800, inlet, 313.15, out);
    EXPECT_LT(worst / 10.0, 1e-12) << "tau " << tau;  // of the peak-to-peak swing
    // Amplitude over the last two periods against the inlet's: the same for a whole-step delay.
    double in_max = 0, out_max = 0;
    for (int n = 0; n < 800; ++n) in_max = std::max(in_max, inlet(n) - 313.15);
    for (int n = 640; n < 800; ++n) out_max = std::max(out_max, out[n] - 313.15);
    if (tau == 10.0) {
      EXPECT_LT(std::abs(out_max - in_max), 1e-12);
    }
    std::printf(
        "sinusoid, tau %.2f s: max deviation from the shifted inlet %.2e K, amplitude "
        "out/in %.12f\n",
        tau, worst, out_max / in_max);
  }
}

// Source -> pipe -> J1 (mass) -> plate and a parallel pipe drawn backwards -> J2 (mass) ->
// lossy pipe -> sink, with the inlet temperature, the plate's power and the flow all varying.
TEST(LoopTransport, EnergyStoredPlusOutEqualsIn) {
  Network net(make_coolant("PG", 0.25), 313.15);
  net.add_fixed_pressure("src", 1e5);
  net.add_junction("J1");
  net.add_junction("J2");
  net.add_fixed_pressure("sink", 0);
  net.add_link("p1", "src", "J1", Pipe{5.0, 0.03, 0});
  net.add_link("plate", "J1", "J2", PlateBranch{0, 1e9});
  net.add_link("p3", "J2", "J1", Pipe{8.0, 0.02, 0});  // carries flow J1 -> J2: negative
  net.add_link("p2", "J2", "sink", Pipe{12.0, 0.03, 0});
  TransientThermal tr(net, {0, 20.0, 35.0, 0}, {313.15, 313.15, 313.15, 313.15});
  ThermalProblem tp;
  tp.links.resize(4);
  tp.links[3].loss_ua_W_K = 40.0;
  tp.links[3].ambient_K = 298.15;
  double in_J = 0;  // enthalpy brought in at src, for the scale of the residual
  const double dt = 0.25;
  for (int n = 0; n < 2000; ++n) {
    const double t = n * dt;
    const double q = 1e-3 * (1.0 + 0.5 * std::sin(t / 30.0));
    const double t_src = 313.15 + (t > 50 ? 8.0 : 0.0) + 2.0 * std::sin(t / 7.0);
    tp.inlet_temperature_K = {t_src, kNaN, kNaN, kNaN};
    tp.links[1].heat_W = t > 100 ? 6000.0 : 1500.0;
    tr.step({q, 0.6 * q, -0.4 * q, q}, tp, dt);
    in_J += dt * q * reference_density(net) * coolant_enthalpy(net.coolant, t_src);
  }
  const double residual = tr.energy_residual_J();
  EXPECT_LT(std::abs(residual) / in_J, 1e-12);
  std::printf(
      "energy: stored %.6e J, heat added %.6e J, boundary out %.6e J, residual %.2e J "
      "(%.2e of the enthalpy in)\n",
      tr.stored_J(), tr.heat_added_J(), tr.boundary_outflow_J(), residual,
      std::abs(residual) / in_J);
}

// A mixing node of mass M fed at m with a step in its inlet temperature: implicit Euler gives
// T_n = T_in + (T_0 - T_in) / (1 + m dt / M)^n exactly (constant cp), and approaches the lumped
// solution T_in + (T_0 - T_in) exp(-m t / M) at first order in dt.
TEST(LoopTransport, LumpedNodeMassRespondsWithItsTimeConstant) {
  UserFluidSpec f;
  f.name = "const";
  f.density = {1000.0};
  f.specific_heat = {4000.0};
  f.conductivity = {0.6};
  f.viscosity = {1e-3};
  f.t_min_K = 250.0;
  f.t_max_K = 400.0;
  Network net(make_user_coolant(f).properties, 300.0);
  net.add_fixed_pressure("A", 1e4);
  net.add_junction("J");
  net.add_fixed_pressure("B", 0);
  net.add_link("in", "A", "J", MinorLoss{0, 0, 10.0});
  net.add_link("out", "J", "B", MinorLoss{0, 0, 10.0});
  const double q = 1e-3, m = 1.0, mass = 30.0;  // time constant M / m = 30 s
  double worst_discrete = 0, worst_exact = 0;
  for (double dt : {0.5, 0.25}) {
    TransientThermal tr(net, {0, mass, 0}, {300.0, 300.0, 300.0});
    ThermalProblem tp;
    tp.inlet_temperature_K = {320.0, kNaN, kNaN};
    double e = 0;
    for (int n = 1; n * dt <= 60.0; ++n) {
      tr.step({q, q}, tp, dt);
      const double discrete = 320.0 - 20.0 / std::pow(1.0 + m * dt / mass, n);
      const double exact = 320.0 - 20.0 * std::exp(-m * n * dt / mass);
      worst_discrete = std::max(worst_discrete, std::abs(tr.node_temperature_K()[1] - discrete));
      e = std::max(e, std::abs(tr.node_temperature_K()[1] - exact));
    }
    if (dt == 0.5)
      worst_exact = e;
    else
      EXPECT_NEAR(worst_exact / e, 2.0, 0.1);  // first order: error halves with dt
    EXPECT_LT(std::abs(tr.energy_residual_J()), 1e-6);
    std::printf(
        "lumped node, dt %.2f s: max |T - implicit Euler closed form| %.2e K, "
        "|T - exp(-t/30 s)| %.4f K\n",
        dt, worst_discrete, e);
  }
  EXPECT_LT(worst_discrete, 1e-10);
}

// Forward for a while, then the same flow back: the pipe returns its fluid in reverse order,
// so the outlet at A retraces what entered, delayed by the pipe's transit time.
TEST(LoopTransport, ReversedFlowReturnsTheSameFluid) {
  Network net = one_pipe(2.0, 0.02);
  const double volume = 0.25 * kPi * 0.02 * 0.02 * 2.0, tau = 5.0, q = volume / tau, dt = 0.1;
  TransientThermal tr(net, {}, {303.15, 303.15});
  ThermalProblem tp;
  std::vector<double> entered;
  for (int n = 0; n < 50; ++n) {  // exactly one pipe volume in, a ramp
    entered.push_back(303.15 + 0.2 * n);
    tp.inlet_temperature_K = {entered.back(), kNaN};
    tr.step({q}, tp, dt);
  }
  double worst = 0;
  for (int n = 0; n < 50; ++n) {  // back: B feeds at 290 K, A receives the ramp in reverse
    tp.inlet_temperature_K = {kNaN, 290.0};
    tr.step({-q}, tp, dt);
    worst = std::max(worst, std::abs(tr.link_outlet_K()[0] - entered[49 - n]));
  }
  EXPECT_LT(worst, 1e-12);
  std::printf("reversal: max deviation from the retraced ramp %.2e K\n", worst);
}

// A closed loop with delays and an exchanger (tank -> pump -> pipe -> two plates -> pipe drawn
// against its flow -> exchanger -> tank), started cold: the transient settles on the steady
// solution (exactly without pipe loss; with it to 1e-5 K: the transient takes the loss's cp at
// the pipe's inlet temperature, the steady law at its mean), and holds its energy balance.
TEST(LoopTransport, ClosedLoopSettlesOnTheSteadySolution) {
  Network net(make_coolant("PG", 0.25), 310.0);
  net.add_fixed_pressure("tank", 1e5);
  net.add_junction("P");
  net.add_junction("S");
  net.add_junction("R");
  net.add_junction("H");
  net.add_link("pump", "tank", "P", pump_from_quadratic(20.0, 20.0 / 1e-6));
  net.add_link("supply", "P", "S", Pipe{10.0, 0.03, 0});
  net.add_link("plate_a", "S", "R", PlateBranch{0, 2e10});
  net.add_link("plate_b", "S", "R", PlateBranch{0, 3e10});
  net.add_link("return", "H", "R", Pipe{10.0, 0.03, 0});
  net.add_link("hx", "H", "tank", MinorLoss{0, 0, 20.0});
  const HydraulicSolution hyd = solve_hydraulics(net);
  ASSERT_LT(hyd.flow_m3_s[4], 0);
  ThermalProblem tp;
  tp.links.resize(net.links.size());
  tp.links[2].heat_W = 3000.0;
  tp.links[3].heat_W = 2000.0;
  const double m = std::abs(hyd.flow_m3_s[0]) * reference_density(net);
  tp.links[5].exchanger = ExchangerColdSide{{800.0, m, 0.5}, make_coolant("water", 0), 0.4, 298.15};
  for (double ua : {0.0, 5.0}) {
    const double dt = 0.5;
    tp.links[4].loss_ua_W_K = ua;
    const ThermalSolution steady = solve_steady_thermal(net, hyd, tp);
    TransientThermal tr(net, {2.0, 0, 5.0, 5.0, 0}, std::vector<double>(5, 300.0));
    for (int n = 0; n * dt < 8000.0; ++n) tr.step(hyd.flow_m3_s, tp, dt);
    double worst = 0;
    for (int i = 0; i < 5; ++i)
      worst = std::max(worst, std::abs(tr.node_temperature_K()[i] - steady.node_temperature_K[i]));
    EXPECT_LT(worst, ua == 0 ? 1e-9 : 1e-5);
    EXPECT_LT(std::abs(tr.energy_residual_J()), 1e-12 * 5000.0 * 8000.0);
    std::printf(
        "closed loop, pipe UA %.0f W/K, dt %.2f s, after 8000 s: max |T - steady| "
        "%.2e K, energy residual %.2e J (of %.3e J added)\n",
        ua, dt, worst, tr.energy_residual_J(), tr.heat_added_J());
  }
}
