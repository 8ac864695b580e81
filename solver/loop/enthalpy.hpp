#pragma once
/// Specific enthalpy of a coolant, h(T) = integral of cp from the coolant's expansion point
/// t_base_K to T [J/kg], exact for its cp polynomial, and its inverse. The network's energy
/// transport works in h, so heat added, mixing and storage balance to round-off even where cp
/// varies with temperature.
#include "solver/physics/coolant.hpp"

namespace kelvin {

/// h(T_K) [J/kg] relative to t_base_K.
double coolant_enthalpy(const CoolantProperties& c, double T_K);

/// The temperature [K] whose enthalpy is h_J_kg: Newton from guess_K on h(T) - h = 0 (cp > 0,
/// so h rises), to |dT| < 1e-12 K.
double coolant_temperature(const CoolantProperties& c, double h_J_kg, double guess_K);

}  // namespace kelvin
