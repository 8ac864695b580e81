#include "solver/loop/enthalpy.hpp"

#include <cmath>

namespace kelvin {

// h = sum_i c_i dT^(i+1) / (i+1), Horner in dT.
double coolant_enthalpy(const CoolantProperties& c, double T_K) {
  const double dT = T_K - c.t_base_K;
  double r = c.cp_coeffs[kCoolantTerms - 1] / kCoolantTerms;
  for (int i = kCoolantTerms - 2; i >= 0; --i) r = r * dT + c.cp_coeffs[i] / (i + 1);
  return r * dT;
}

double coolant_temperature(const CoolantProperties& c, double h, double guess_K) {
  double T = std::isfinite(guess_K) ? guess_K : c.t_base_K;
  for (int it = 0; it < 50; ++it) {
    const double dT = (coolant_enthalpy(c, T) - h) / c.specific_heat(T);
    T -= dT;
    if (std::abs(dT) < 1e-12) break;
  }
  return T;
}

}  // namespace kelvin
