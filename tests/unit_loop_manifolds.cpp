// The coolant network solver on rack-like networks: manifolds with hundreds of branches (direct
// and reverse return), a bank of parallel pumps with check valves and some pumps stopped, and
// per-link coolant temperatures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "solver/loop/gga.hpp"

using namespace kelvin;

namespace {

/// Largest |inflow - outflow - demand| over junctions, relative to the flows through each.
double worst_imbalance(const Network& net, const HydraulicSolution& s) {
  std::vector<double> balance(net.nodes.size()), scale(net.nodes.size());
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) index[net.nodes[i].name] = static_cast<int>(i);
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const double q = s.flow_m3_s[k];
    const int f = index[net.links[k].from], t = index[net.links[k].to];
    balance[t] += q, balance[f] -= q;
    scale[t] += std::abs(q), scale[f] += std::abs(q);
  }
  double worst = 0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (!net.nodes[i].fixed_pressure)
      worst = std::max(worst, std::abs(balance[i] - net.nodes[i].demand_m3_s) / scale[i]);
  return worst;
}

/// Supply header S0..S(n-1) fed at S0; branch i from Si to Ri (a hose, a quick disconnect, a
/// plate); return header left at R0 (direct return) or at R(n-1) (reverse return).
Network manifold(int n, bool reverse_return) {
  Network net(make_coolant("propylene_glycol", 0.25), 308.15);
  net.add_fixed_pressure("cdu_supply", 2.5e5);
  net.add_fixed_pressure("cdu_return", 1.0e5);
  const Pipe header{0.1, 0.05, 1.5e-6};  // 10 cm between branches
  for (int i = 0; i < n; ++i) {
    const std::string s = "S" + std::to_string(i), r = "R" + std::to_string(i);
    net.add_junction(s);
    net.add_junction(r);
    net.add_junction(s + "_qd");
    net.add_link("hose" + std::to_string(i), s, s + "_qd", Pipe{0.8, 0.008, 1.5e-6});
    net.add_link("qd" + std::to_string(i), s + "_qd", r + "_plate", QuickDisconnect{1.8});
    net.add_junction(r + "_plate");
    net.add_link("plate" + std::to_string(i), r + "_plate", r, PlateBranch{5e8, 3e12});
    if (i > 0) {
      net.add_link("sh" + std::to_string(i), "S" + std::to_string(i - 1), s, header);
      net.add_link("rh" + std::to_string(i), r, "R" + std::to_string(i - 1), header);
    }
  }
  net.add_link("supply", "cdu_supply", "S0", Pipe{3.0, 0.05, 1.5e-6});
  net.add_link("return", reverse_return ? "R" + std::to_string(n - 1) : "R0", "cdu_return",
               Pipe{3.0, 0.05, 1.5e-6});
  if (reverse_return) {  // return header flows towards R(n-1): redraw its segments
    for (Link& l : net.links)
      if (l.name.rfind("rh", 0) == 0) std::swap(l.from, l.to);
  }
  return net;
}

std::vector<double> plate_flows(const Network& net, const HydraulicSolution& s) {
  std::vector<double> q;
  for (std::size_t k = 0; k < net.links.size(); ++k)
    if (net.links[k].name.rfind("plate", 0) == 0) q.push_back(s.flow_m3_s[k]);
  return q;
}

}  // namespace

TEST(LoopManifolds, DirectAndReverseReturnWithHundredsOfBranches) {
  for (int n : {72, 300}) {
    const Network direct = manifold(n, false), reverse = manifold(n, true);
    const HydraulicSolution sd = solve_hydraulics(direct), sr = solve_hydraulics(reverse);
    EXPECT_LE(sd.iterations, 30);
    EXPECT_LE(sr.iterations, 30);
    EXPECT_LT(worst_imbalance(direct, sd), 1e-12);
    EXPECT_LT(worst_imbalance(reverse, sr), 1e-12);
    const auto qd = plate_flows(direct, sd), qr = plate_flows(reverse, sr);
    // Direct return: the branch nearest the CDU sees the largest pressure difference, and each
    // further one less, so flows fall monotonically along the manifold.
    for (int i = 1; i < n; ++i) EXPECT_LT(qd[i], qd[i - 1]) << "branch " << i;
    const auto [dmin, dmax] = std::minmax_element(qd.begin(), qd.end());
    const auto [rmin, rmax] = std::minmax_element(qr.begin(), qr.end());
    // Reverse return evens the path lengths, so it distributes flow more evenly.
    EXPECT_LT(*rmax / *rmin, *dmax / *dmin);
    std::printf(
        "%d branches: direct return max/min flow %.4f (%d iterations), reverse return "
        "%.4f (%d iterations)\n",
        n, *dmax / *dmin, sd.iterations, *rmax / *rmin, sr.iterations);
  }
}

// Eight pumps in parallel, each behind a check valve, three of them stopped; the running ones
// share the flow equally and the stopped ones pass less than 1e-6 of it backwards.
TEST(LoopManifolds, PumpBankWithStoppedPumps) {
  Network net(make_coolant("water", 0), 300.0);
  net.add_fixed_pressure("suction", 1.5e5);
  net.add_junction("header");
  for (int i = 0; i < 8; ++i) {
    const std::string d = "d" + std::to_string(i);
    net.add_junction(d);
    Pump p = pump_through_points(35.0, 0.01, 30.0, 0.02, 15.0);
    p.speed = i < 3 ? 0.0 : 0.9;
    net.add_link("pump" + std::to_string(i), "suction", d, p);
    net.add_link("cv" + std::to_string(i), d, "header", CheckValve{80.0});
  }
  net.add_link("load", "header", "suction", PlateBranch{2e5, 4e5});
  const HydraulicSolution s = solve_hydraulics(net);
  const double total = s.flow_m3_s.back();
  for (int i = 0; i < 8; ++i) {
    const double q = s.flow_m3_s[2 * i + 1];
    if (i < 3) {
      EXPECT_LE(q, 0.0);
      EXPECT_LT(std::abs(q), 1e-6 * total) << "stopped pump " << i;
    } else {
      EXPECT_NEAR(q / (total / 5), 1.0, 1e-6) << "running pump " << i;
    }
  }
  EXPECT_LE(s.iterations, 30);
  std::printf("pump bank: %.4e m^3/s total, %d iterations\n", total, s.iterations);
}

// A laminar pipe at two temperatures: flow scales with 1/mu of each link's own temperature.
TEST(LoopManifolds, EachLinkUsesItsOwnTemperature) {
  const CoolantProperties pg = make_coolant("propylene_glycol", 0.25);
  Network net(pg, 293.15);
  net.add_fixed_pressure("A", 50.0);
  net.add_fixed_pressure("B", 0.0);
  net.add_link("cold", "A", "B", Pipe{1.0, 0.004, 0});         // network default, 20 degC
  net.add_link("hot", "A", "B", Pipe{1.0, 0.004, 0}, 333.15);  // 60 degC
  const HydraulicSolution s = solve_hydraulics(net);
  EXPECT_NEAR(s.flow_m3_s[1] / s.flow_m3_s[0], pg.viscosity(293.15) / pg.viscosity(333.15), 1e-3);
  EXPECT_NEAR(s.density_kg_m3[1], pg.density(333.15), 1e-9);
}
