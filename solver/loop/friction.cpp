#include "solver/loop/friction.hpp"

#include <cmath>

namespace kelvin {

// f = 8 [ (8/Re)^12 + (A + B)^(-3/2) ]^(1/12)
// A = { 2.457 ln[ 1 / ((7/Re)^0.9 + 0.27 eps/D) ] }^16,   B = (37530/Re)^16
// Laminar limit: f -> 64/Re; rough turbulent limit: f -> von Karman's 1/sqrt(f) = -2
// log10(eps/3.7D).
double churchill_friction_factor(double reynolds, double relative_roughness) {
  if (reynolds < kLaminarOnlyReynolds) return 64.0 / reynolds;
  const double a = std::pow(
      2.457 * std::log(1.0 / (std::pow(7.0 / reynolds, 0.9) + 0.27 * relative_roughness)), 16.0);
  const double b = std::pow(37530.0 / reynolds, 16.0);
  return 8.0 * std::pow(std::pow(8.0 / reynolds, 12.0) + std::pow(a + b, -1.5), 1.0 / 12.0);
}

// Re <= 2000: f = 64/Re.   Re >= 4000 (Swamee-Jain): f = 1 / (-2 log10(eps/3.7 + 5.74/Re^0.9))^2.
// Between, with R = Re/2000, y = eps/3.7 + 5.74/4000^0.9, u = -2 log10(y), fa = 1/u^2 (f at
// Re 4000) and fb = fa (2 - 3.6 (5.74/4000^0.9) / (ln 10 y u)) (matching the slope there):
// f = x1 + R (x2 + R (x3 + R x4)) with x1 = 7 fa - fb, x2 = 0.128 - 17 fa + 2.5 fb,
// x3 = -0.128 + 13 fa - 2 fb, x4 = 0.032 - 3 fa + 0.5 fb (64/Re at R = 1, fa at R = 2).
double epanet_friction_factor(double reynolds, double eps) {
  if (reynolds <= 2000.0) return 64.0 / reynolds;
  const double ln10 = std::log(10.0);
  if (reynolds >= 4000.0) {
    const double u = -2.0 / ln10 * std::log(eps / 3.7 + 5.74 / std::pow(reynolds, 0.9));
    return 1.0 / (u * u);
  }
  const double ab = 5.74 / std::pow(4000.0, 0.9);
  const double y = eps / 3.7 + ab;
  const double u = -2.0 / ln10 * std::log(y);
  const double fa = 1.0 / (u * u);
  const double fb = (2.0 - 3.6 / ln10 * ab / (y * u)) * fa;
  const double r = reynolds / 2000.0;
  const double x1 = 7.0 * fa - fb, x2 = 0.128 - 17.0 * fa + 2.5 * fb;
  const double x3 = -0.128 + 13.0 * fa - 2.0 * fb, x4 = 0.032 - 3.0 * fa + 0.5 * fb;
  return x1 + r * (x2 + r * (x3 + r * x4));
}

double friction_factor(FrictionLaw law, double reynolds, double relative_roughness) {
  return law == FrictionLaw::Churchill ? churchill_friction_factor(reynolds, relative_roughness)
                                       : epanet_friction_factor(reynolds, relative_roughness);
}

// s = d ln f / d ln Re by a central difference in ln Re with step h = 1e-5: the error is
// O(h^2 f'''/f) ~ 1e-10, far below what the Newton needs (s only sets its step, not its answer).
// Across EPANET's switches at Re 2000 and 4000 it returns the mean of the two sides.
double friction_log_slope(FrictionLaw law, double reynolds, double relative_roughness) {
  if (reynolds < kLaminarOnlyReynolds) return -1.0;
  constexpr double h = 1e-5;
  const double up = friction_factor(law, reynolds * std::exp(h), relative_roughness);
  const double down = friction_factor(law, reynolds * std::exp(-h), relative_roughness);
  return (std::log(up) - std::log(down)) / (2.0 * h);
}

}  // namespace kelvin
