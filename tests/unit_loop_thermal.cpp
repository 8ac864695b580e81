// Steady heat in the coolant network (solver/loop/thermal.hpp): a pipe's loss against the
// exponential law, a plate's temperature rise, mixing of two streams, the energy balance of a
// network with branches drawn against their flow, and a closed loop recirculating through an
// exchanger (the mixing equations solved together, not in flow order).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "solver/loop/enthalpy.hpp"
#include "solver/loop/thermal.hpp"

using namespace kelvin;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A coolant with constant properties, where h = cp (T - t_base) and the laws are exact in T.
CoolantProperties constant_coolant() {
  UserFluidSpec s;
  s.name = "const";
  s.density = {1000.0};
  s.specific_heat = {4000.0};
  s.conductivity = {0.6};
  s.viscosity = {1e-3};
  s.t_min_K = 250.0;
  s.t_max_K = 400.0;
  return make_user_coolant(s).properties;
}

double rel(double got, double want) { return std::abs(got / want - 1.0); }

}  // namespace

TEST(LoopThermal, PipeLossFollowsTheExponentialLaw) {
  Network net(constant_coolant(), 320.0);
  net.add_fixed_pressure("A", 2e4);
  net.add_fixed_pressure("B", 0);
  net.add_link("p", "A", "B", Pipe{20.0, 0.025, 1e-5});
  const HydraulicSolution hyd = solve_hydraulics(net);
  ThermalProblem tp;
  tp.inlet_temperature_K = {333.15, kNaN};
  tp.links = {LinkHeat{0.0, 150.0, 293.15, {}}};
  const ThermalSolution s = solve_steady_thermal(net, hyd, tp);
  const double m = 1000.0 * hyd.flow_m3_s[0];
  const double want = 293.15 + 40.0 * std::exp(-150.0 / (m * 4000.0));
  EXPECT_LT(std::abs(s.link_outlet_K[0] - want), 1e-10);
  EXPECT_LT(std::abs(s.node_temperature_K[1] - want), 1e-10);
  std::printf("pipe loss: outlet %.12f K, law %.12f K (m %.4f kg/s), %d solves\n",
              s.link_outlet_K[0], want, m, s.iterations);
}

// Water's cp varies with T: the rise is Q / (m cp_bar), cp_bar the mean over the rise; the
// spec's cp at the mean temperature differs from it by O(cp'' dT^2), here < 1e-6 relative.
TEST(LoopThermal, PlateHeatRaisesByQOverMCp) {
  Network net(make_coolant("water", 0), 303.15);
  net.add_fixed_pressure("A", 1e4);
  net.add_fixed_pressure("B", 0);
  net.add_link("plate", "A", "B", PlateBranch{0, 4e8});
  const HydraulicSolution hyd = solve_hydraulics(net);
  ThermalProblem tp;
  tp.inlet_temperature_K = {303.15, kNaN};
  tp.links = {LinkHeat{1200.0, 0, 293.15, {}}};
  const ThermalSolution s = solve_steady_thermal(net, hyd, tp);
  const double m = s.mass_flow_kg_s[0];
  const double dT = s.link_outlet_K[0] - 303.15;
  const double cp_mean_T = net.coolant.specific_heat(303.15 + 0.5 * dT);
  EXPECT_LT(rel(s.link_heat_W[0], 1200.0), 1e-12);
  EXPECT_LT(rel(dT, 1200.0 / (m * cp_mean_T)), 1e-6);
  std::printf("plate: m %.5f kg/s, dT %.9f K, Q/(m cp(T_mean)) %.9f K (rel %.2e)\n", m, dT,
              1200.0 / (m * cp_mean_T), rel(dT, 1200.0 / (m * cp_mean_T)));
}

TEST(LoopThermal, NodesMixPerfectly) {
  Network net(constant_coolant(), 320.0);
  net.add_fixed_pressure("hot", 3e4);
  net.add_fixed_pressure("cold", 1e4);
  net.add_junction("J");
  net.add_fixed_pressure("out", 0);
  net.add_link("a", "hot", "J", Pipe{5.0, 0.02, 0});
  net.add_link("b", "J", "cold", Pipe{5.0, 0.02, 0});  // drawn against its flow
  net.add_link("c", "J", "out", Pipe{5.0, 0.03, 0});
  const HydraulicSolution hyd = solve_hydraulics(net);
  ASSERT_LT(hyd.flow_m3_s[1], 0);
  ThermalProblem tp;
  tp.inlet_temperature_K = {340.0, 290.0, kNaN, kNaN};
  const ThermalSolution s = solve_steady_thermal(net, hyd, tp);
  const double m1 = hyd.flow_m3_s[0], m2 = -hyd.flow_m3_s[1];
  const double want = (m1 * 340.0 + m2 * 290.0) / (m1 + m2);
  EXPECT_LT(std::abs(s.node_temperature_K[2] - want), 1e-10);
  EXPECT_LT(std::abs(s.node_temperature_K[3] - want), 1e-10);
  std::printf("mixing: %.12f K, want %.12f K\n", s.node_temperature_K[2], want);
}

// A tree with two inlets, three plates, lossy pipes and links drawn against their flow: the heat
// the links add equals what leaves through the boundaries, sum m h(T) out - sum m h(T) in, to
// round-off (for this constant-cp coolant that is sum m cp dT).
TEST(LoopThermal, EnergyBalanceClosesToRoundOff) {
  for (bool constant : {true, false}) {
    Network net(constant ? constant_coolant() : make_coolant("PG", 0.25), 310.0);
    net.add_fixed_pressure("in1", 6e4);
    net.add_fixed_pressure("in2", 5e4);
    net.add_junction("S");
    net.add_junction("R");
    net.add_junction("T");
    net.add_fixed_pressure("out", 0);
    net.add_junction("sink", 0, 1e-4);  // a demand leaving the network
    net.add_link("p1", "in1", "S", Pipe{4.0, 0.02, 0});
    net.add_link("p2", "S", "in2", Pipe{4.0, 0.02, 0});  // drawn against its flow
    for (int i = 0; i < 3; ++i)
      net.add_link("plate" + std::to_string(i), i == 1 ? "R" : "S", i == 1 ? "S" : "R",
                   PlateBranch{1e6 * (1 + i), 1e9});
    net.add_link("p3", "R", "T", Pipe{6.0, 0.025, 1e-5});
    net.add_link("p4", "T", "out", Pipe{6.0, 0.025, 1e-5});
    net.add_link("p5", "T", "sink", Pipe{2.0, 0.01, 0});
    const HydraulicSolution hyd = solve_hydraulics(net);
    ThermalProblem tp;
    tp.inlet_temperature_K = {305.0, 300.0, kNaN, kNaN, kNaN, kNaN, kNaN};
    tp.links.resize(net.links.size());
    for (int i = 0; i < 3; ++i) tp.links[2 + i].heat_W = 800.0 * (i + 1);
    tp.links[5].loss_ua_W_K = 30.0;
    tp.links[6].loss_ua_W_K = 20.0;
    const ThermalSolution s = solve_steady_thermal(net, hyd, tp);
    double added = 0;
    for (double q : s.link_heat_W) added += q;
    // Boundaries in the test's own terms: m h(T) in and out by the links at each boundary.
    const CoolantProperties& c = net.coolant;
    const double m_in1 = s.mass_flow_kg_s[0], m_in2 = -s.mass_flow_kg_s[1];
    const double m_out = s.mass_flow_kg_s[6], m_sink = s.mass_flow_kg_s[7];
    const double through = m_out * coolant_enthalpy(c, s.node_temperature_K[5]) +
                           m_sink * coolant_enthalpy(c, s.node_temperature_K[6]) -
                           m_in1 * coolant_enthalpy(c, 305.0) - m_in2 * coolant_enthalpy(c, 300.0);
    const double scale = 4800.0;
    EXPECT_LT(std::abs(added - through) / scale, 1e-9);
    EXPECT_LT(std::abs(added - s.boundary_outflow_W) / scale, 1e-12);
    std::printf("%s: heat added %.12f W, boundary m h out - in %.12f W (rel %.2e), solver's %.2e\n",
                constant ? "constant cp" : "PG25", added, through,
                std::abs(added - through) / scale, std::abs(added - s.boundary_outflow_W) / scale);
  }
}

// A closed loop: tank -> pump -> two plates in parallel -> exchanger -> tank. Flow recirculates,
// so there is no flow order to march in; the mixing equations are solved together. Steady: the
// exchanger removes exactly what the plates add, and the facility side takes it up.
TEST(LoopThermal, ClosedLoopThroughExchangerBalances) {
  Network net(make_coolant("PG", 0.25), 310.0);
  net.add_fixed_pressure("tank", 1e5);
  net.add_junction("S");
  net.add_junction("R");
  Pump pump = pump_from_quadratic(20.0, 20.0 / 1e-6);
  net.add_link("pump", "tank", "S", pump);
  net.add_link("plate_a", "S", "R", PlateBranch{0, 2e10});
  net.add_link("plate_b", "S", "R", PlateBranch{0, 3e10});
  net.add_link("hx", "R", "tank", MinorLoss{0, 0, 20.0});
  const HydraulicSolution hyd = solve_hydraulics(net);
  ThermalProblem tp;
  tp.links.resize(4);
  tp.links[1].heat_W = 3000.0;
  tp.links[2].heat_W = 2000.0;
  const double m = std::abs(hyd.flow_m3_s[0]) * reference_density(net);
  tp.links[3].exchanger = ExchangerColdSide{{800.0, m, 0.5}, make_coolant("water", 0), 0.4, 298.15};
  const ThermalSolution s = solve_steady_thermal(net, hyd, tp);
  const double q_hx = -s.link_heat_W[3];
  EXPECT_LT(std::abs(q_hx - 5000.0) / 5000.0, 1e-9);
  const CoolantProperties w = make_coolant("water", 0);
  const double q_cold =
      0.4 * (coolant_enthalpy(w, s.cold_outlet_K[3]) - coolant_enthalpy(w, 298.15));
  EXPECT_LT(std::abs(q_cold - q_hx) / 5000.0, 1e-9);
  // And the exchanger's own answer at the solved inlet agrees with the link's heat.
  const ExchangeResult x =
      exchange(tp.links[3].exchanger->hx, net.coolant, m, s.link_inlet_K[3], w, 0.4, 298.15);
  EXPECT_LT(std::abs(x.heat_W - q_hx) / 5000.0, 1e-7);  // measured 2.7e-9
  std::printf(
      "closed loop: supply %.6f K, return %.6f K, exchanger %.9f W (eps-NTU %.9f W), "
      "facility %.9f W, %d solves\n",
      s.node_temperature_K[1], s.node_temperature_K[2], q_hx, x.heat_W, q_cold, s.iterations);
}

TEST(LoopThermal, RefusesHeatWithoutFlowAndInflowWithoutTemperature) {
  Network net(constant_coolant(), 320.0);
  net.add_fixed_pressure("A", 1e4);
  net.add_fixed_pressure("B", 0);
  net.add_link("p", "A", "B", Pipe{20.0, 0.025, 1e-5});
  const HydraulicSolution hyd = solve_hydraulics(net);
  EXPECT_THROW(solve_steady_thermal(net, hyd, {}), NetworkError);  // A feeds, no inlet T
  HydraulicSolution still = hyd;
  still.flow_m3_s[0] = 0;
  ThermalProblem tp;
  tp.links = {LinkHeat{100.0, 0, 293.15, {}}};
  EXPECT_THROW(solve_steady_thermal(net, still, tp), NetworkError);
}
