#pragma once
/// Errors of the coolant loop network: bad input (naming the node or link) and a solve that
/// does not converge.
#include <stdexcept>
#include <string>

namespace kelvin {

/// A network that cannot be solved as given: a link naming a missing node, a non-physical
/// component parameter, a node cut off from every fixed-pressure node. what() names the node or
/// link and says what was expected.
struct NetworkError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// The hydraulic Newton did not converge within its iteration cap, or met a non-finite value.
struct NetworkNotConverged : std::runtime_error {
  NetworkNotConverged(const std::string& what, int iteration_, double flow_change_)
      : std::runtime_error(what), iteration(iteration_), flow_change(flow_change_) {}
  int iteration;       ///< the last iteration done
  double flow_change;  ///< its relative flow change sum |dQ| / sum |Q|
};

}  // namespace kelvin
