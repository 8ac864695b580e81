#pragma once
/// A 1-D coolant network: named nodes (junctions with a demand, or fixed-pressure nodes such as
/// an expansion tank or a reservoir) joined by named links, each one component (components.hpp,
/// pump.hpp). Pressures are static gauge pressures [Pa] at a node's elevation [m]; a link's
/// drawn direction is from -> to, and its flow is signed along it.
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "solver/loop/components.hpp"
#include "solver/loop/network_error.hpp"
#include "solver/loop/pump.hpp"
#include "solver/physics/coolant.hpp"

namespace kelvin {

/// What a link is.
using Component =
    std::variant<Pipe, MinorLoss, Valve, CheckValve, QuickDisconnect, Pump, PlateBranch>;

/// A network node.
struct Node {
  std::string name;
  double elevation_m = 0;
  bool fixed_pressure = false;  ///< pressure given (tank, reservoir), not solved for
  double pressure_Pa = 0;       ///< the given pressure of a fixed-pressure node
  double demand_m3_s = 0;       ///< flow leaving the network at a junction (negative: entering)
};

/// A network link between two nodes, named by their names.
struct Link {
  std::string name, from, to;
  Component component;
  /// Coolant temperature [K] in this link for its properties; NaN: the network's temperature.
  double temperature_K = std::numeric_limits<double>::quiet_NaN();
};

/// Nodes, links and the coolant. Build with the add_* calls; index_network() checks it.
struct Network {
  CoolantProperties coolant;
  double temperature_K = 0;  ///< default link temperature [K]
  std::vector<Node> nodes;
  std::vector<Link> links;

  Network(const CoolantProperties& c, double t_K) : coolant(c), temperature_K(t_K) {}
  /// Adds a junction; returns its index.
  int add_junction(const std::string& name, double elevation_m = 0, double demand_m3_s = 0);
  /// Adds a fixed-pressure node; returns its index.
  int add_fixed_pressure(const std::string& name, double pressure_Pa, double elevation_m = 0);
  /// Adds a link; returns its index.
  int add_link(const std::string& name, const std::string& from, const std::string& to,
               const Component& component,
               double temperature_K = std::numeric_limits<double>::quiet_NaN());
};

/// A checked network: node indices of every link and each link's fluid state.
struct IndexedNetwork {
  std::vector<int> from, to;         ///< node index of each link's ends
  std::vector<FluidState> fluid;     ///< per link, at its temperature
  std::vector<int> unknown_of_node;  ///< row of each junction in the pressure system; -1: fixed
  int unknowns = 0;                  ///< number of junctions
};

/// Checks net and resolves it. Throws NetworkError naming the node or link for: duplicate or
/// empty names, a link naming a missing node or joining a node to itself, non-positive or
/// non-finite lengths, diameters, Kv, K, openings outside [0, 1], a falling pump curve
/// (check_pump), a temperature outside the coolant's range, no fixed-pressure node, or a
/// junction with no path to one.
IndexedNetwork index_network(const Network& net);

/// The pressure loss dp = p_from - p_to + rho g (z_from - z_to) of a component at flow q and
/// its slope (a pump's loss is -rho g H).
LossAndSlope component_loss(const Component& c, double q_m3_s, const FluidState& fluid);

/// A flow to start the Newton from [m^3/s]: 1 m/s in a pipe or K loss, 1 bar through a Kv,
/// a pump's best-efficiency (or 10 % of its run-out) flow, a plate at 10 kPa.
double initial_flow(const Component& c, const FluidState& fluid);

}  // namespace kelvin
