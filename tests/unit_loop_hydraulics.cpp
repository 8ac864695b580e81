// Steady hydraulics of the coolant loop network (solver/loop/gga.hpp) against closed forms:
// one pipe, equal parallel branches, pump operating points and the affinity law, reversed flow
// with mass balance, and a check valve facing reverse pressure.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "solver/loop/friction.hpp"
#include "solver/loop/gga.hpp"

using namespace kelvin;

namespace {

constexpr double kG = 9.80665;
constexpr double kPi = 3.14159265358979323846;
constexpr double kT = 303.15;  // 30 degC

Network water_network() { return Network(make_coolant("water", 0), kT); }

double rel(double got, double want) { return std::abs(got / want - 1.0); }

/// Flow into node i minus flow out of it, and the sum of |Q| of its links (its scale).
std::pair<double, double> node_imbalance(const Network& net, const HydraulicSolution& s, int i) {
  double net_in = 0, scale = 0;
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const double q = s.flow_m3_s[k];
    if (net.links[k].to == net.nodes[i].name) net_in += q, scale += std::abs(q);
    if (net.links[k].from == net.nodes[i].name) net_in -= q, scale += std::abs(q);
  }
  return {net_in - net.nodes[i].demand_m3_s, scale};
}

}  // namespace

// Closed form: V = sqrt(2 dp D / (rho L f(Re(V)))), iterated on V to a fixed point.
TEST(LoopHydraulics, SinglePipeMatchesDarcyWeisbach) {
  for (double dp : {2e4, 2.0}) {  // turbulent (Re ~ 2e4) and laminar (Re ~ 200)
    Network net = water_network();
    net.add_fixed_pressure("A", dp);
    net.add_fixed_pressure("B", 0);
    const Pipe pipe{10.0, 0.02, 1e-5};
    net.add_link("p", "A", "B", pipe);
    const HydraulicSolution s = solve_hydraulics(net);

    const double rho = net.coolant.density(kT), mu = net.coolant.viscosity(kT);
    double v = 1.0;
    for (int i = 0; i < 500; ++i) {
      const double f = churchill_friction_factor(rho * v * pipe.diameter_m / mu, 1e-5 / 0.02);
      v = std::sqrt(2 * dp * pipe.diameter_m / (rho * pipe.length_m * f));
    }
    const double want = v * kPi / 4 * pipe.diameter_m * pipe.diameter_m;
    EXPECT_LT(rel(s.flow_m3_s[0], want), 1e-8) << "dp " << dp;
    std::printf("single pipe dp %g Pa: Q %.10e (closed form %.10e), %d iterations\n", dp,
                s.flow_m3_s[0], want, s.iterations);
  }
}

// S -> (supply pipe) -> H1 -> N identical branches (a pipe, a quick disconnect and a plate)
// -> H2 -> (return pipe) -> R.
TEST(LoopHydraulics, IdenticalParallelBranchesSplitEqually) {
  for (int n : {1, 10, 200}) {
    Network net = water_network();
    net.add_fixed_pressure("S", 3e5);
    net.add_fixed_pressure("R", 1e5);
    net.add_junction("H1");
    net.add_junction("H2");
    net.add_link("supply", "S", "H1", Pipe{5.0, 0.08, 1.5e-6});
    net.add_link("return", "H2", "R", Pipe{5.0, 0.08, 1.5e-6});
    for (int i = 0; i < n; ++i) {
      const std::string b = "b" + std::to_string(i);
      net.add_junction(b + "_in");
      net.add_junction(b + "_out");
      net.add_link(b + "_hose", "H1", b + "_in", Pipe{1.0, 0.01, 1.5e-6});
      net.add_link(b + "_qd", b + "_in", b + "_out", QuickDisconnect{2.0});
      net.add_link(b + "_plate", b + "_out", "H2", PlateBranch{4e8, 2e12});
    }
    const HydraulicSolution s = solve_hydraulics(net);
    double mean = 0;
    for (int i = 0; i < n; ++i) mean += s.flow_m3_s[2 + 3 * i] / n;
    double spread = 0;
    for (int i = 0; i < n; ++i) spread = std::fmax(spread, rel(s.flow_m3_s[2 + 3 * i], mean));
    EXPECT_LT(spread, 1e-10) << n << " branches";
    EXPECT_LT(rel(s.flow_m3_s[0], n * mean), 1e-12);
    EXPECT_LE(s.iterations, 30) << n << " branches";
    RecordProperty("iterations_" + std::to_string(n), s.iterations);
    std::printf("%d parallel branches: %.3e m^3/s each, spread %.1e, %d iterations\n", n, mean,
                spread, s.iterations);
  }
}

// Pump H0 - k Q^2 lifting to a node 4 m higher through a Kv loss (head r Q^2 with
// r = 100 (3600/Kv)^2 / g): H0 - k Q^2 = dz + r Q^2, so Q = sqrt((H0 - dz) / (k + r)).
TEST(LoopHydraulics, PumpOperatingPointIsTheCurvesIntersection) {
  Network net = water_network();
  net.add_fixed_pressure("tank", 0, 0.0);
  net.add_fixed_pressure("top", 0, 4.0);
  net.add_junction("discharge");
  const double h0 = 20.0, k = 2e5, kv = 10.0;
  net.add_link("pump", "tank", "discharge", pump_from_quadratic(h0, k));
  net.add_link("valve", "discharge", "top", MinorLoss{0, 0, kv});
  const HydraulicSolution s = solve_hydraulics(net);
  const double r = 100.0 * (3600 / kv) * (3600 / kv) / kG;
  const double want = std::sqrt((h0 - 4.0) / (k + r));
  EXPECT_LT(rel(s.flow_m3_s[1], want), 1e-8);
  std::printf("pump + Kv: Q %.10e (closed form %.10e), %d iterations\n", s.flow_m3_s[1], want,
              s.iterations);

  // A plate with a linear term, no lift: (H0 - k Q^2) rho g = a Q + b Q^2, the positive root.
  Network net2 = water_network();
  net2.add_fixed_pressure("tank", 0);
  net2.add_junction("discharge");
  const PlateBranch plate{2e6, 1e9};
  net2.add_link("pump", "tank", "discharge", pump_from_quadratic(h0, k));
  net2.add_link("plate", "discharge", "tank", plate);
  const HydraulicSolution s2 = solve_hydraulics(net2);
  const double rg = net2.coolant.density(kT) * kG;
  const double qa = plate.b_Pa_s2_m6 + rg * k, qb = plate.a_Pa_s_m3, qc = -rg * h0;
  const double want2 = (-qb + std::sqrt(qb * qb - 4 * qa * qc)) / (2 * qa);
  EXPECT_LT(rel(s2.flow_m3_s[0], want2), 1e-8);
}

// On a pure-K system (no lift) H(Q, s) = s^2 H1(Q/s) meets r Q^2 at Q = s Q1 exactly.
TEST(LoopHydraulics, AffinityLawScalesFlowWithSpeed) {
  auto solve_at = [](double speed) {
    Network net = water_network();
    net.add_fixed_pressure("tank", 1e5);
    net.add_junction("d");
    net.add_junction("m");
    Pump p = pump_through_points(25.0, 5e-3, 20.0, 9e-3, 10.0);
    p.speed = speed;
    net.add_link("pump", "tank", "d", p);
    net.add_link("k1", "d", "m", MinorLoss{4.0, 0.04, 0});
    net.add_link("k2", "m", "tank", MinorLoss{0, 0, 30.0});
    return solve_hydraulics(net).flow_m3_s[0];
  };
  const double q1 = solve_at(1.0);
  for (double s : {0.3, 0.5, 0.8, 1.25})
    EXPECT_LT(rel(solve_at(s), s * q1), 1e-10) << "speed " << s;
}

// A -> J1 -> {J2 -> B, J3 -> B}; J1-J3 is drawn J3 -> J1, against its flow; J2-J3 is a cross
// link. Demands at two junctions.
TEST(LoopHydraulics, ReversedLinkGetsNegativeFlowAndNodesBalance) {
  Network net = water_network();
  net.add_fixed_pressure("A", 2e5, 1.0);
  net.add_fixed_pressure("B", 1e5, 0.0);
  net.add_junction("J1", 0.5, 1e-4);
  net.add_junction("J2", 0.0);
  net.add_junction("J3", 0.2, 2e-4);
  net.add_link("a1", "A", "J1", Pipe{20, 0.03, 1e-5});
  net.add_link("j12", "J1", "J2", Pipe{10, 0.02, 1e-5});
  net.add_link("j31", "J3", "J1", Pipe{8, 0.025, 1e-5});
  net.add_link("j23", "J2", "J3", Valve{6.0, 0.4, ValveCharacteristic::EqualPercentage});
  net.add_link("j2b", "J2", "B", Pipe{15, 0.02, 1e-5});
  net.add_link("j3b", "J3", "B", MinorLoss{12.0, 0.025, 0});
  const HydraulicSolution s = solve_hydraulics(net);
  EXPECT_LT(s.flow_m3_s[2], 0.0) << "j31 runs J1 -> J3, against its drawing";
  for (int i = 2; i < 5; ++i) {
    const auto [imbalance, scale] = node_imbalance(net, s, i);
    EXPECT_LE(std::abs(imbalance), 1e-12 * scale) << net.nodes[i].name;
  }
  // Drawn the other way round, the same link carries the same flow with a positive sign.
  Network flipped = net;
  flipped.links[2].from = "J1";
  flipped.links[2].to = "J3";
  const HydraulicSolution f = solve_hydraulics(flipped);
  EXPECT_LT(rel(f.flow_m3_s[2], -s.flow_m3_s[2]), 1e-10);
  std::printf("reversed link: Q %.6e m^3/s, %d iterations\n", s.flow_m3_s[2], s.iterations);
}

// Two pumps in parallel, each behind its check valve; one is stopped, so the running one would
// drive flow backwards through it. The check valve holds it to below 1e-6 of the forward flow.
TEST(LoopHydraulics, CheckValveBlocksReverseFlow) {
  Network net = water_network();
  net.add_fixed_pressure("suction", 1e5);
  net.add_junction("d1");
  net.add_junction("d2");
  net.add_junction("header");
  Pump running = pump_from_quadratic(30.0, 1e5);
  Pump stopped = running;
  stopped.speed = 0.0;
  net.add_link("pump1", "suction", "d1", running);
  net.add_link("pump2", "suction", "d2", stopped);
  net.add_link("cv1", "d1", "header", CheckValve{20.0});
  net.add_link("cv2", "d2", "header", CheckValve{20.0});
  net.add_link("load", "header", "suction", PlateBranch{1e6, 5e8});
  const HydraulicSolution s = solve_hydraulics(net);
  const double forward = s.flow_m3_s[2], reverse = s.flow_m3_s[3];
  EXPECT_GT(forward, 0.0);
  EXPECT_LE(reverse, 0.0);
  EXPECT_LT(std::abs(reverse), 1e-6 * forward);
  EXPECT_LT(rel(s.flow_m3_s[4], forward + reverse), 1e-12);
  std::printf("check valve: forward %.6e, reverse %.3e m^3/s, %d iterations\n", forward, reverse,
              s.iterations);
}

TEST(LoopHydraulics, PumpPowerFollowsEfficiencyAndAffinityLaws) {
  // Pump power at the best-efficiency point: efficiency eta_b, shaft = rho g Q H / eta_b.
  Pump p = pump_through_points(25.0, 5e-3, 20.0, 9e-3, 10.0);
  EXPECT_NEAR(pump_head(p, 0.0), 25.0, 1e-12);
  EXPECT_NEAR(pump_head(p, 5e-3), 20.0, 1e-9);
  EXPECT_NEAR(pump_head(p, 9e-3), 10.0, 1e-9);
  p.bep_efficiency = 0.7;
  p.motor_efficiency = 0.9;
  const PumpPower w = pump_power(p, 5e-3, 1000.0);
  EXPECT_NEAR(w.efficiency, 0.7, 1e-12);
  EXPECT_NEAR(w.hydraulic_W, 1000.0 * kG * 5e-3 * 20.0, 1e-9);
  EXPECT_NEAR(w.shaft_W, w.hydraulic_W / 0.7, 1e-9);
  EXPECT_NEAR(w.electrical_W, w.shaft_W / 0.9, 1e-9);
  // Affinity: at half speed and half flow, head / 4, power / 8, efficiency unchanged.
  Pump half = p;
  half.speed = 0.5;
  const PumpPower wh = pump_power(half, 2.5e-3, 1000.0);
  EXPECT_NEAR(wh.efficiency, 0.7, 1e-12);
  EXPECT_NEAR(wh.shaft_W / w.shaft_W, 0.125, 1e-12);
  // Shut-off: hydraulic power 0, shaft power finite (the x-cancelled form).
  const PumpPower w0 = pump_power(p, 1e-12, 1000.0);
  EXPECT_NEAR(w0.shaft_W, 1000.0 * kG * 25.0 * 5e-3 / (0.7 * 2.0), 1e-3);
  // Continuous at Q = 0: exactly zero flow and a check valve's reverse leakage give the
  // shut-off power (a pump behind a shut check valve still churns), a stopped pump none.
  EXPECT_NEAR(pump_power(p, 0.0, 1000.0).shaft_W, w0.shaft_W, 1e-9 * w0.shaft_W);
  EXPECT_NEAR(pump_power(p, -1e-9, 1000.0).shaft_W, w0.shaft_W, 1e-9 * w0.shaft_W);
  EXPECT_EQ(pump_power(p, -1e-9, 1000.0).hydraulic_W, 0.0);
  Pump stopped = p;
  stopped.speed = 0;
  EXPECT_EQ(pump_power(stopped, 1e-3, 1000.0).shaft_W, 0.0);
}
