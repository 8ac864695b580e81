#pragma once
/// The model's limits said out loud: Kelvin's flow is laminar, so every solved flow reports the
/// Reynolds number Re = m D_h / (mu A) of each region a thermal engineer names (every port,
/// each cold-plate plenum, the cold plate's busiest channel) and warns where it passes the
/// laminar limit of internal flow.
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "meshes/grid.hpp"
#include "solver/case/case.hpp"

namespace kelvin {

/// Laminar below, transitional up to kTurbulentReynolds, turbulent above (internal flow in
/// ducts; e.g. Incropera, Fundamentals of Heat and Mass Transfer, sec. 8.1).
constexpr double kLaminarReynolds = 2300;
constexpr double kTurbulentReynolds = 4000;

/// One region's Reynolds number: mass flow m through cross-section A of hydraulic diameter
/// D_h = 4 A / perimeter.
struct ReynoldsRegion {
  std::string name;  ///< "port \"inlet\"", "plenum_xmin", "channel 12 of 80"
  std::string kind;  ///< "port", "plenum" or "channel"
  double mass_kg_s = 0, area_m2 = 0, hydraulic_diameter_m = 0, reynolds = 0;
};

struct ReynoldsReport {
  double temperature_K = 0;  ///< where the viscosity is taken
  double viscosity_Pa_s = 0;
  std::vector<ReynoldsRegion> regions;
  std::vector<std::string> warnings;  ///< one per region past the laminar limit
  nlohmann::json to_json() const;
};

/// "laminar", "transitional" or "turbulent".
const char* flow_regime(double reynolds);

/// The regions of a solved flow on grid g (mass fluxes m per axis, kg/s, dims n + e_d) with the
/// viscosity at T_K (the hottest mixed-mean coolant temperature, outlet: the lowest viscosity,
/// the largest Re). who prefixes the warnings ("gpu7: ").
ReynoldsReport reynolds_report(const Case& c, const Grid& g,
                               const std::array<std::vector<double>, 3>& m, double T_K,
                               const std::string& who = "");

}  // namespace kelvin
