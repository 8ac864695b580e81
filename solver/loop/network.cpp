#include "solver/loop/network.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <type_traits>

namespace kelvin {
namespace {

constexpr double kPi = 3.14159265358979323846;

bool positive(double x) { return x > 0 && std::isfinite(x); }
bool fraction(double x) { return x >= 0 && x <= 1; }

/// What is wrong with a component's parameters, or "" when nothing is.
std::string component_problem(const Component& c) {
  std::ostringstream why;
  std::visit(
      [&why](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Pipe>) {
          if (!positive(x.length_m))
            why << "pipe length " << x.length_m << " m must be positive";
          else if (!positive(x.diameter_m))
            why << "pipe diameter " << x.diameter_m << " m must be positive";
          else if (!(x.roughness_m >= 0 && x.roughness_m < x.diameter_m))
            why << "pipe roughness " << x.roughness_m << " m must lie in [0, diameter)";
        } else if constexpr (std::is_same_v<T, MinorLoss>) {
          if (x.kv > 0) {
            if (!std::isfinite(x.kv)) why << "minor loss Kv must be finite";
          } else if (!(x.k >= 0 && std::isfinite(x.k)) || !positive(x.diameter_m)) {
            why << "minor loss needs k >= 0 and a positive diameter, or a positive kv (got k "
                << x.k << ", diameter " << x.diameter_m << " m, kv " << x.kv << ")";
          }
        } else if constexpr (std::is_same_v<T, Valve>) {
          if (!positive(x.kvs))
            why << "valve Kvs " << x.kvs << " m^3/h must be positive";
          else if (!fraction(x.opening))
            why << "valve opening " << x.opening << " must lie in [0, 1]";
          else if (!(x.rangeability > 1))
            why << "valve rangeability must exceed 1";
        } else if constexpr (std::is_same_v<T, CheckValve>) {
          if (!positive(x.kv)) why << "check valve Kv " << x.kv << " m^3/h must be positive";
        } else if constexpr (std::is_same_v<T, QuickDisconnect>) {
          if (!positive(x.kv))
            why << "quick disconnect Kv " << x.kv << " m^3/h must be positive";
          else if (!fraction(x.opening))
            why << "quick disconnect opening " << x.opening << " must lie in [0, 1]";
        } else if constexpr (std::is_same_v<T, PlateBranch>) {
          if (!(x.a_Pa_s_m3 >= 0 && x.b_Pa_s2_m6 >= 0 && x.a_Pa_s_m3 + x.b_Pa_s2_m6 > 0 &&
                std::isfinite(x.a_Pa_s_m3 + x.b_Pa_s2_m6)))
            why << "plate law dp = a Q + b Q|Q| needs a >= 0, b >= 0, not both 0 (got a "
                << x.a_Pa_s_m3 << ", b " << x.b_Pa_s2_m6 << ")";
        }
      },
      c);
  return why.str();
}

NetworkError link_error(const Link& l, const std::string& what) {
  return NetworkError("link '" + l.name + "': " + what);
}

}  // namespace

int Network::add_junction(const std::string& name, double elevation_m, double demand_m3_s) {
  nodes.push_back({name, elevation_m, false, 0.0, demand_m3_s});
  return static_cast<int>(nodes.size()) - 1;
}

int Network::add_fixed_pressure(const std::string& name, double pressure_Pa, double elevation_m) {
  nodes.push_back({name, elevation_m, true, pressure_Pa, 0.0});
  return static_cast<int>(nodes.size()) - 1;
}

int Network::add_link(const std::string& name, const std::string& from, const std::string& to,
                      const Component& component, double t_K) {
  links.push_back({name, from, to, component, t_K});
  return static_cast<int>(links.size()) - 1;
}

IndexedNetwork index_network(const Network& net) {
  IndexedNetwork out;
  std::map<std::string, int> node_index;
  int fixed = 0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const Node& n = net.nodes[i];
    if (n.name.empty()) throw NetworkError("node " + std::to_string(i) + " has no name");
    if (!node_index.emplace(n.name, static_cast<int>(i)).second)
      throw NetworkError("node '" + n.name + "' is defined twice");
    if (!std::isfinite(n.elevation_m) || !std::isfinite(n.pressure_Pa) ||
        !std::isfinite(n.demand_m3_s))
      throw NetworkError("node '" + n.name + "': elevation, pressure and demand must be finite");
    out.unknown_of_node.push_back(n.fixed_pressure ? -1 : out.unknowns++);
    fixed += n.fixed_pressure;
  }
  if (fixed == 0)
    throw NetworkError(
        "the network has no fixed-pressure node (a tank or reservoir sets the "
        "pressure level)");
  std::map<std::string, int> link_names;
  for (const Link& l : net.links) {
    if (l.name.empty()) throw NetworkError("a link has no name");
    if (!link_names.emplace(l.name, 0).second) throw link_error(l, "defined twice");
    const auto f = node_index.find(l.from), t = node_index.find(l.to);
    if (f == node_index.end()) throw link_error(l, "from-node '" + l.from + "' does not exist");
    if (t == node_index.end()) throw link_error(l, "to-node '" + l.to + "' does not exist");
    if (f->second == t->second) throw link_error(l, "joins node '" + l.from + "' to itself");
    const std::string problem = component_problem(l.component);
    if (!problem.empty()) throw link_error(l, problem);
    if (const auto* p = std::get_if<Pump>(&l.component)) check_pump(*p, l.name);
    const double t_K = std::isnan(l.temperature_K) ? net.temperature_K : l.temperature_K;
    try {
      check_coolant_temperature(net.coolant, t_K, "temperature");
    } catch (const CoolantError& e) {
      throw link_error(l, e.what());
    }
    out.from.push_back(f->second);
    out.to.push_back(t->second);
    out.fluid.push_back({net.coolant.density(t_K), net.coolant.viscosity(t_K)});
  }
  // Every junction must reach a fixed-pressure node, or its pressure is undetermined.
  std::vector<std::vector<int>> adjacent(net.nodes.size());
  for (std::size_t k = 0; k < out.from.size(); ++k) {
    adjacent[out.from[k]].push_back(out.to[k]);
    adjacent[out.to[k]].push_back(out.from[k]);
  }
  std::vector<char> reached(net.nodes.size(), 0);
  std::vector<int> stack;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (net.nodes[i].fixed_pressure) reached[i] = 1, stack.push_back(static_cast<int>(i));
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    for (int j : adjacent[i])
      if (!reached[j]) reached[j] = 1, stack.push_back(j);
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (!reached[i])
      throw NetworkError("node '" + net.nodes[i].name +
                         "' has no path to a fixed-pressure node (its pressure is undetermined)");
  return out;
}

LossAndSlope component_loss(const Component& c, double q, const FluidState& fluid) {
  return std::visit(
      [q, &fluid](const auto& x) -> LossAndSlope {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Pipe>)
          return pipe_loss(x, q, fluid);
        else if constexpr (std::is_same_v<T, MinorLoss>)
          return minor_loss(x, q, fluid);
        else if constexpr (std::is_same_v<T, Valve>)
          return valve_loss(x, q, fluid);
        else if constexpr (std::is_same_v<T, CheckValve>)
          return check_valve_loss(x, q, fluid);
        else if constexpr (std::is_same_v<T, QuickDisconnect>)
          return quick_disconnect_loss(x, q, fluid);
        else if constexpr (std::is_same_v<T, PlateBranch>)
          return plate_branch_loss(x, q, fluid);
        else {  // Pump: dp = -rho g H, d(dp)/dQ = -rho g dH/dQ
          const double rg = fluid.density_kg_m3 * kStandardGravity;
          return {-rg * pump_head(x, q), -rg * pump_head_slope(x, q)};
        }
      },
      c);
}

double initial_flow(const Component& c, const FluidState& fluid) {
  return std::visit(
      [&fluid](const auto& x) -> double {
        using T = std::decay_t<decltype(x)>;
        const double rho_ratio = std::sqrt(1000.0 / fluid.density_kg_m3);
        if constexpr (std::is_same_v<T, Pipe>)
          return 0.25 * kPi * x.diameter_m * x.diameter_m;
        else if constexpr (std::is_same_v<T, MinorLoss>)
          return x.kv > 0 ? x.kv / 3600.0 * rho_ratio : 0.25 * kPi * x.diameter_m * x.diameter_m;
        else if constexpr (std::is_same_v<T, Valve>)
          return valve_kv(x) / 3600.0 * rho_ratio;
        else if constexpr (std::is_same_v<T, CheckValve>)
          return x.kv / 3600.0 * rho_ratio;
        else if constexpr (std::is_same_v<T, QuickDisconnect>)
          return x.kv * x.opening / 3600.0 * rho_ratio;
        else if constexpr (std::is_same_v<T, PlateBranch>) {
          // a Q + b Q^2 = 1e4 Pa
          if (x.b_Pa_s2_m6 == 0) return 1e4 / x.a_Pa_s_m3;
          return (-x.a_Pa_s_m3 + std::sqrt(x.a_Pa_s_m3 * x.a_Pa_s_m3 + 4e4 * x.b_Pa_s2_m6)) /
                 (2.0 * x.b_Pa_s2_m6);
        } else {  // Pump
          if (x.bep_flow_m3_s > 0) return std::fmax(x.speed, 0.01) * x.bep_flow_m3_s;
          // run-out Q_r: c0 + c1 Q + c2 Q^2 = 0; start at 10 % of it
          const double c0 = x.shutoff_head_m, c1 = x.linear_m_s_m3, c2 = x.quadratic_m_s2_m6;
          const double runout =
              c2 < 0 ? (-c1 - std::sqrt(c1 * c1 - 4 * c2 * c0)) / (2 * c2) : -c0 / c1;
          return 0.1 * std::fmax(x.speed, 0.01) * runout;
        }
      },
      c);
}

}  // namespace kelvin
