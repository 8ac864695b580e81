#pragma once
/// Darcy friction factors of a round pipe across laminar, transitional and turbulent flow.
/// Kelvin's law is Churchill (1977), "Friction-factor equation spans all fluid-flow regimes",
/// Chem. Eng. 84(24): one smooth formula, so the network Newton never meets a jump at Re 2300.
/// EPANET's law is there to compare with EPANET exactly (tests/oracles/epanet_loop.py).

namespace kelvin {

/// Which friction factor a pipe uses.
enum class FrictionLaw {
  Churchill,  ///< Churchill (1977); the default
  Epanet,     ///< EPANET 2.2's Darcy-Weisbach: 64/Re, Dunlop's cubic, Swamee-Jain
};

/// Below this Reynolds number the Darcy friction factor is taken as exactly 64/Re (Churchill's
/// turbulent terms are below 1e-100 of the laminar one there, and (8/Re)^12 would overflow).
constexpr double kLaminarOnlyReynolds = 1e-3;

/// Churchill's Darcy friction factor f [1] at Reynolds number reynolds [1] > 0 and relative
/// roughness relative_roughness = roughness / diameter [1] >= 0.
double churchill_friction_factor(double reynolds, double relative_roughness);

/// EPANET 2.2's Darcy friction factor (EPANET 2 manual, appendix D): 64/Re up to Re 2000,
/// Swamee-Jain from Re 4000, Dunlop's (1991) cubic in Re/2000 between.
double epanet_friction_factor(double reynolds, double relative_roughness);

/// The friction factor of law.
double friction_factor(FrictionLaw law, double reynolds, double relative_roughness);

/// Logarithmic slope d ln f / d ln Re of law [1]: -1 in laminar flow, about -0.25 in smooth
/// turbulent flow, 0 in fully rough flow.
double friction_log_slope(FrictionLaw law, double reynolds, double relative_roughness);

}  // namespace kelvin
