#pragma once
/// Steady hydraulics of a Network by the global gradient algorithm (Todini & Pilati 1988, the
/// method of EPANET): a Newton iteration on the link flows Q and junction pressures p together,
/// reduced each step to one symmetric positive definite system for the pressures.
#include <vector>

#include "solver/loop/network.hpp"

namespace kelvin {

/// When the Newton stops.
struct GgaSettings {
  int max_iterations = 100;
  /// Converged when the last step changed the flows by sum |dQ| / sum |Q| <= flow_tolerance ...
  double flow_tolerance = 1e-12;
  /// ... and every link's head balance |dp(Q) - (p_from - p_to + rho g dz)| is at most
  /// balance_tolerance times the largest |dp(Q)| of any link.
  double balance_tolerance = 1e-10;
  /// A link's Newton slope is floored at this fraction of its slope at its starting flow, so a
  /// quadratic law at Q = 0 (slope 0) keeps the pressure matrix definite (EPANET floors it too).
  double slope_floor_fraction = 1e-6;
};

/// Flows and pressures of a solved network.
struct HydraulicSolution {
  std::vector<double> flow_m3_s;      ///< per link, signed along from -> to
  std::vector<double> pressure_Pa;    ///< per node (fixed-pressure nodes: their given value)
  std::vector<double> density_kg_m3;  ///< per link, at its temperature
  int iterations = 0;                 ///< Newton steps taken
  double flow_change = 0;             ///< sum |dQ| / sum |Q| of the last step
  double balance = 0;                 ///< largest relative head-balance residual at the answer
};

/// Solves net's steady flows. Throws NetworkError for bad input (index_network) and
/// NetworkNotConverged, naming the iteration and the flow change reached, when the Newton does
/// not converge within settings.max_iterations or produces a non-finite value.
HydraulicSolution solve_hydraulics(const Network& net, const GgaSettings& settings = {});

}  // namespace kelvin
