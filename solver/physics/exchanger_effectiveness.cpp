#include "solver/physics/exchanger_effectiveness.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace kelvin {

double counterflow_effectiveness(double ntu, double cr) {
  if (!(ntu > 0)) return 0.0;
  if (std::abs(1.0 - cr) < 1e-7) return ntu / (1.0 + ntu);
  const double e = std::exp(-ntu * (1.0 - cr));
  return (1.0 - e) / (1.0 - cr * e);
}

double counterflow_ntu(double eps, double cr) {
  if (std::abs(1.0 - cr) < 1e-7) return eps / (1.0 - eps);
  return std::log((1.0 - eps * cr) / (1.0 - eps)) / (1.0 - cr);
}

namespace {

/// P(n+1, x) for n = 0 .. n_max, x > 0, from the Poisson terms t_m = e^-x x^m / m!
/// (t_m = t_(m-1) x / m): P(n+1, x) = sum_{m>n} t_m, summed from the far end (all terms
/// positive, so no cancellation) where n + 1 > x, and 1 - sum_{m<=n} t_m where n + 1 <= x
/// (there P >= ~1/2: the Poisson mean x is at least n + 1). The tail is cut 60 + 10 sqrt(x) terms
/// past n_max, where t_m < 1e-20 t_n_max.
std::vector<double> incomplete_gamma_ladder(double x, int n_max) {
  const int m_max = n_max + 60 + static_cast<int>(10.0 * std::sqrt(x));
  std::vector<double> t(m_max + 1);
  t[0] = std::exp(-x);
  for (int m = 1; m <= m_max; ++m) t[m] = t[m - 1] * x / m;
  std::vector<double> tail(m_max + 2, 0.0), p(n_max + 1);
  for (int m = m_max; m >= 0; --m) tail[m] = tail[m + 1] + t[m];
  double head = 0;
  for (int n = 0; n <= n_max; ++n) {
    head += t[n];
    p[n] = n + 1 > x ? tail[n + 1] : 1.0 - head;
  }
  return p;
}

}  // namespace

// epsilon = 1/(Cr NTU) sum_n P(n+1, NTU) P(n+1, Cr NTU); P(n+1, NTU) < 1e-9 past
// n = NTU + 10 sqrt(NTU) + 30, so terms there are < 1e-18 of the sum (which is >= Cr NTU^2 / 2).
double crossflow_unmixed_effectiveness(double ntu, double cr) {
  if (!(ntu > 0)) return 0.0;
  if (!(cr > 0)) return -std::expm1(-ntu);
  const int n_max = static_cast<int>(ntu + 10.0 * std::sqrt(ntu)) + 30;
  const std::vector<double> a = incomplete_gamma_ladder(ntu, n_max);
  const std::vector<double> b = incomplete_gamma_ladder(cr * ntu, n_max);
  double sum = 0;
  for (int n = n_max; n >= 0; --n) sum += a[n] * b[n];  // smallest terms first
  return sum / (cr * ntu);
}

// (1/Cr)(exp(-Cr NTU^0.78) - 1) as expm1(-Cr NTU^0.78)/Cr, -NTU^0.78 at Cr = 0.
double crossflow_unmixed_approx_effectiveness(double ntu, double cr) {
  if (!(ntu > 0)) return 0.0;
  const double n78 = std::pow(ntu, 0.78);
  const double inner = cr > 0 ? std::expm1(-cr * n78) / cr : -n78;
  return -std::expm1(std::pow(ntu, 0.22) * inner);
}

// (1/Cr)(1 - exp(-Cr (1 - e^-NTU))); Cr = 0: 1 - e^-NTU.
double crossflow_cmax_mixed_effectiveness(double ntu, double cr) {
  if (!(ntu > 0)) return 0.0;
  const double e_min = -std::expm1(-ntu);
  return cr > 0 ? -std::expm1(-cr * e_min) / cr : e_min;
}

// 1 - exp(-(1/Cr)(1 - e^-(Cr NTU))); Cr = 0: 1 - e^-NTU.
double crossflow_cmin_mixed_effectiveness(double ntu, double cr) {
  if (!(ntu > 0)) return 0.0;
  const double gamma = cr > 0 ? -std::expm1(-cr * ntu) / cr : ntu;
  return -std::expm1(-gamma);
}

double effectiveness(ExchangerArrangement arrangement, double ntu, double cr) {
  switch (arrangement) {
    case ExchangerArrangement::Counterflow:
      return counterflow_effectiveness(ntu, cr);
    case ExchangerArrangement::CrossflowUnmixed:
      return crossflow_unmixed_effectiveness(ntu, cr);
    case ExchangerArrangement::CrossflowUnmixedApprox:
      return crossflow_unmixed_approx_effectiveness(ntu, cr);
    case ExchangerArrangement::CrossflowCmaxMixed:
      return crossflow_cmax_mixed_effectiveness(ntu, cr);
    case ExchangerArrangement::CrossflowCminMixed:
      return crossflow_cmin_mixed_effectiveness(ntu, cr);
  }
  return 0.0;
}

double limiting_effectiveness(ExchangerArrangement arrangement, double cr) {
  switch (arrangement) {
    case ExchangerArrangement::CrossflowCmaxMixed:
      return cr > 0 ? -std::expm1(-cr) / cr : 1.0;
    case ExchangerArrangement::CrossflowCminMixed:
      return cr > 0 ? -std::expm1(-1.0 / cr) : 1.0;
    default:
      return 1.0;
  }
}

double effectiveness_ntu(ExchangerArrangement arrangement, double eps, double cr) {
  if (!(cr >= 0 && cr <= 1))
    throw std::invalid_argument("effectiveness_ntu: capacity ratio Cr = " + std::to_string(cr) +
                                " outside [0, 1]");
  const double eps_max = limiting_effectiveness(arrangement, cr);
  if (!(eps >= 0 && eps < eps_max))
    throw std::invalid_argument("effectiveness_ntu: effectiveness eps = " + std::to_string(eps) +
                                " outside [0, " + std::to_string(eps_max) +
                                ") that this arrangement reaches at Cr = " + std::to_string(cr));
  if (eps == 0) return 0.0;
  switch (arrangement) {
    case ExchangerArrangement::Counterflow:
      return counterflow_ntu(eps, cr);
    case ExchangerArrangement::CrossflowCmaxMixed:  // -ln(1 + ln(1 - Cr eps)/Cr)
      return cr > 0 ? -std::log1p(std::log1p(-cr * eps) / cr) : -std::log1p(-eps);
    case ExchangerArrangement::CrossflowCminMixed:  // -ln(1 + Cr ln(1 - eps))/Cr
      return cr > 0 ? -std::log1p(cr * std::log1p(-eps)) / cr : -std::log1p(-eps);
    default:
      break;
  }
  // Unmixed: bracket [lo, hi] with eps(lo) < eps <= eps(hi), then bisect.
  double lo = 0, hi = 1;
  while (effectiveness(arrangement, hi, cr) < eps) {
    lo = hi;
    hi *= 2;
    if (hi > 700)
      throw std::invalid_argument("effectiveness_ntu: effectiveness eps = " + std::to_string(eps) +
                                  " needs NTU > 700 at Cr = " + std::to_string(cr));
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (effectiveness(arrangement, mid, cr) < eps ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace kelvin
