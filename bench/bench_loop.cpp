// Coolant-network benchmarks (issue 12): solve time against the number of plate branches on a
// rack-like secondary loop — a CDU (add_cdu: 2 duty + 1 standby pumps behind check valves, the
// exchanger's secondary side, the expansion tank) feeding supply and return manifolds with N
// branches (a quick disconnect and a plate law each), direct or reverse return, PG25.
//   BM_LoopHydraulics:     steady hydraulics (solve_hydraulics) from its cold start
//   BM_LoopHeat:           steady heat (solve_steady_thermal) on those flows, 1.2 kW per plate
//   BM_LoopTransientStep:  one LoopTransient step of 0.1 s (rotors, hydraulics, transient heat,
//                          PI loops)
// Each size is checked once outside the timing: node mass balance, every plate carrying forward
// flow, the heat balance and the transient's energy books, reported as counters.
// Run: build/bench/bench_loop [--benchmark_filter=...]. Never part of the test suite.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "solver/loop/loop_transient.hpp"

using namespace kelvin;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kPlateW = 1.2e3;         // one accelerator's cold plate
constexpr double kHeaderSpacing_m = 0.1;  // between branches along a manifold
constexpr double kHeaderVelocity = 1.5;   // design velocity of a manifold segment [m/s]
constexpr double kHeaderMinDiameter = 0.01;

/// Diameter [m] that carries q [m^3/s] at v [m/s].
double diameter_for(double q_m3_s, double v_m_s) { return std::sqrt(4.0 * q_m3_s / (kPi * v_m_s)); }

/// The rack: a CDU rated for the plates' load (n x 1.2 kW at the default 10 K secondary rise,
/// so ~1.8 L/min of PG25 per branch), 15 m supply and return pipes sized for 2 m/s losing
/// 20 W/K each to a 20 degC room, and manifolds S0..S(n-1), R0..R(n-1) tapered along their
/// flow (1.5 m/s, at least 10 mm; 10 cm between branches), fed at S0; the return leaves at R0
/// (direct return) or R(n-1) (reverse return). Branch i: Si -> quick disconnect (10 kPa at the
/// design flow) -> plate law (60 kPa linear + 120 kPa quadratic at the design flow: plate,
/// hoses and rack piping lumped, as the transient tests size them) -> Ri.
LoopTransientSetup make_rack(int n, bool reverse_return) {
  const CoolantProperties pg25 = make_coolant("propylene_glycol", 0.25),
                          water = make_coolant("water", 0);
  CduDesign d;
  d.rated_heat_W = n * kPlateW;
  const CduRating r = rate_cdu(d, pg25, water);
  const double t_net = d.secondary_supply_K + 5.0;
  Network net(pg25, t_net);
  const CduLinks cdu = add_cdu(net, d, r, "cdu_return", "cdu_supply");
  const double q = r.secondary_flow_m3_s, q_b = q / n, rho = pg25.density(t_net);
  const Pipe main{15.0, diameter_for(q, 2.0), 4.5e-5};
  const auto header = [&](int carried) {
    return Pipe{kHeaderSpacing_m,
                std::max(kHeaderMinDiameter, diameter_for(carried * q_b, kHeaderVelocity)), 1.5e-6};
  };
  const QuickDisconnect qd{3600.0 * q_b / std::sqrt(1e4 / 1e5 / (rho / 1000.0)), 1.0};
  const PlateBranch plate{0.6e5 / q_b, 1.2e5 / (q_b * q_b)};
  std::vector<int> plates;
  for (int i = 0; i < n; ++i) {
    const std::string k = std::to_string(i), s = "S" + k, ret = "R" + k;
    net.add_junction(s);
    net.add_junction(ret);
    net.add_junction("P" + k);
    net.add_link("qd" + k, s, "P" + k, qd);
    plates.push_back(net.add_link("plate" + k, "P" + k, ret, plate));
    if (i > 0) {
      const std::string prev = std::to_string(i - 1);
      net.add_link("sh" + k, "S" + prev, s, header(n - i));
      if (reverse_return)
        net.add_link("rh" + k, "R" + prev, ret, header(i));
      else
        net.add_link("rh" + k, ret, "R" + prev, header(n - i));
    }
  }
  const int supply_pipe = net.add_link("supply_pipe", "cdu_supply", "S0", main);
  const int return_pipe = net.add_link(
      "return_pipe", reverse_return ? "R" + std::to_string(n - 1) : "R0", "cdu_return", main);

  LoopTransientSetup s(net, water);
  s.design = d;
  s.rating = r;
  s.cdu = cdu;
  s.heat.links.resize(net.links.size());
  for (int k : plates) s.heat.links[static_cast<std::size_t>(k)].heat_W = kPlateW;
  for (int k : {supply_pipe, return_pipe})
    s.heat.links[static_cast<std::size_t>(k)].loss_ua_W_K = 20.0;
  s.heat.links[static_cast<std::size_t>(cdu.exchanger)].exchanger = cdu_cold_side(d, r, water, 0.6);
  s.plates = plates;
  s.return_node = 0;  // add_cdu adds return_node, then supply_node
  s.supply_node = 1;
  s.node_mass_kg.assign(net.nodes.size(), 2.0);  // fittings and plate metal, kg of coolant
  s.node_mass_kg[static_cast<std::size_t>(cdu.suction)] = 10.0 + 1.0 * n;  // tank, exchanger
  return s;
}

/// Largest |inflow - outflow - demand| over junctions, relative to the flow through each.
double worst_imbalance(const Network& net, const HydraulicSolution& h) {
  const IndexedNetwork ix = index_network(net);
  std::vector<double> balance(net.nodes.size(), 0.0), scale(net.nodes.size(), 0.0);
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const double q = h.flow_m3_s[k];
    balance[ix.to[k]] += q, balance[ix.from[k]] -= q;
    scale[ix.to[k]] += std::abs(q), scale[ix.from[k]] += std::abs(q);
  }
  double worst = 0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (!net.nodes[i].fixed_pressure && scale[i] > 0)
      worst = std::max(worst, std::abs(balance[i] - net.nodes[i].demand_m3_s) / scale[i]);
  return worst;
}

/// One size, built and checked once (Google Benchmark calls each benchmark several times).
struct Case {
  LoopTransientSetup setup;
  HydraulicSolution hyd;
  double imbalance = 0, spread = 0, q_min = 0;
  explicit Case(LoopTransientSetup s) : setup(std::move(s)) {
    hyd = solve_hydraulics(setup.net);
    imbalance = worst_imbalance(setup.net, hyd);
    double q_max = 0;
    q_min = INFINITY;
    for (int k : setup.plates) {
      q_min = std::min(q_min, hyd.flow_m3_s[static_cast<std::size_t>(k)]);
      q_max = std::max(q_max, hyd.flow_m3_s[static_cast<std::size_t>(k)]);
    }
    spread = q_max / q_min;
  }
};

Case& rack_case(int n, bool reverse) {
  static std::map<std::pair<int, bool>, std::unique_ptr<Case>> cases;
  auto& c = cases[{n, reverse}];
  if (!c) c = std::make_unique<Case>(make_rack(n, reverse));
  return *c;
}

/// Skips the benchmark unless every junction balances and every plate flows forward.
bool checked(benchmark::State& state, const Case& c) {
  if (c.imbalance > 1e-12 || !(c.q_min > 0)) {
    state.SkipWithError("hydraulics: a node does not balance or a plate carries no forward flow");
    return false;
  }
  return true;
}

void BM_LoopHydraulics(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Case& c = rack_case(n, state.range(1) != 0);
  if (!checked(state, c)) return;
  HydraulicSolution h;
  for (auto _ : state) {
    h = solve_hydraulics(c.setup.net);
    benchmark::DoNotOptimize(h.flow_m3_s.data());
  }
  state.counters["newton_iterations"] = h.iterations;
  state.counters["branches_per_second"] =
      benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["max_node_imbalance"] = worst_imbalance(c.setup.net, h);
  state.counters["plate_flow_max_over_min"] = c.spread;
  state.counters["links"] = static_cast<double>(c.setup.net.links.size());
}

void BM_LoopHeat(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Case& c = rack_case(n, state.range(1) != 0);
  if (!checked(state, c)) return;
  ThermalSolution th;
  for (auto _ : state) {
    th = solve_steady_thermal(c.setup.net, c.hyd, c.setup.heat);
    benchmark::DoNotOptimize(th.node_temperature_K.data());
  }
  // sum of the links' heat (plates +, pipe losses and the exchanger -) = boundary outflow
  double sum = 0, plates = 0, hottest = 0;
  for (double w : th.link_heat_W) sum += w;
  for (int k : c.setup.plates) {
    plates += th.link_heat_W[static_cast<std::size_t>(k)];
    hottest = std::max(hottest, th.link_outlet_K[static_cast<std::size_t>(k)]);
  }
  state.counters["linear_solves"] = th.iterations;
  state.counters["branches_per_second"] =
      benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["heat_imbalance"] = std::abs(sum - th.boundary_outflow_W) / plates;
  state.counters["plate_heat_error"] = std::abs(plates / (n * kPlateW) - 1.0);
  state.counters["hottest_outlet_C"] = hottest - 273.15;
  state.counters["supply_C"] =
      th.node_temperature_K[static_cast<std::size_t>(c.setup.supply_node)] - 273.15;
}

void BM_LoopTransientStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Case& c = rack_case(n, state.range(1) != 0);
  if (!checked(state, c)) return;
  // the steady start (secants on pump speed and valve opening) is built once per size
  static std::map<std::pair<int, int64_t>, std::unique_ptr<LoopTransient>> runs;
  auto& lt = runs[{n, state.range(1)}];
  if (!lt) lt = std::make_unique<LoopTransient>(c.setup);
  for (auto _ : state) lt->step(0.1);
  const LoopEnergy& e = lt->energy();
  state.counters["branches_per_second"] =
      benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate);
  // plates - CDU - pipe loss = stored change
  state.counters["energy_residual"] =
      std::abs(e.plates_J - e.cdu_J - e.pipe_loss_J - e.stored_change_J) / e.plates_J;
  state.counters["steps"] = static_cast<double>(lt->history().size() - 1);
  state.counters["duty_speed"] = lt->history().front().pump_speed[0];
}

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"branches", "reverse"})
      ->ArgsProduct({{72, 1000, 10000}, {0, 1}})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}
BENCHMARK(BM_LoopHydraulics)->Apply(sizes);
BENCHMARK(BM_LoopHeat)->Apply(sizes);
BENCHMARK(BM_LoopTransientStep)->Apply(sizes);

}  // namespace

BENCHMARK_MAIN();
