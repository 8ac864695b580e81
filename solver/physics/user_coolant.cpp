// User-defined coolants: constant properties or a temperature table, validated and fitted into
// the polynomial form every kernel evaluates (CoolantProperties).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "solver/physics/coolant.hpp"

namespace kelvin {

namespace {

constexpr double kZeroCelsius_K = 273.15;
constexpr double kDensityRiseTolerance = 1e-3;  // water rises 0.013 % from 0 to 4 degC
constexpr int kRangeSamples = 200;              // checks of the fit between the rows

struct Column {
  const char* name;
  const char* unit;
  double scale;  // SI value * scale = value in unit
  const std::vector<double>* values;
  double (*coeffs)[kCoolantTerms];
  bool logarithmic;  // fitted as ln(value)
};

std::string celsius(double T_K) { return fmt::format("{:.1f} degC", T_K - kZeroCelsius_K); }

std::string quantity(const Column& c, double v) {
  return fmt::format("{:.6g} {}", v * c.scale, c.unit);
}

/// Least-squares polynomial of degree `degree` through (T, y), in x = (T - base) / half, then
/// rescaled to powers of T - base: c_i = a_i / half^i.
void fit(const std::vector<double>& T, const std::vector<double>& y, double base, double half,
         int degree, double (&out)[kCoolantTerms]) {
  const int n = static_cast<int>(T.size());
  Eigen::MatrixXd A(n, degree + 1);
  Eigen::VectorXd b(n);
  for (int r = 0; r < n; ++r) {
    const double x = (T[r] - base) / half;
    double p = 1;
    for (int i = 0; i <= degree; ++i, p *= x) A(r, i) = p;
    b(r) = y[r];
  }
  const Eigen::VectorXd a = A.colPivHouseholderQr().solve(b);
  std::fill(std::begin(out), std::end(out), 0.0);
  for (int i = 0; i <= degree; ++i) out[i] = a(i) / std::pow(half, i);
}

/// The value of column c of props at T_K.
double evaluate(const CoolantProperties& p, const Column& c, double T_K) {
  const double v = CoolantProperties::poly(*c.coeffs, T_K - p.t_base_K);
  return c.logarithmic ? std::exp(v) : v;
}

void check_rows(const UserFluidSpec& s, const Column (&cols)[4]) {
  const std::size_t n = s.temperature_K.empty() ? 1 : s.temperature_K.size();
  for (const auto& c : cols) {
    if (c.values->size() != n)
      throw CoolantError(fmt::format("{} has {} values where the temperatures have {}", c.name,
                                     c.values->size(), n));
    for (std::size_t r = 0; r < n; ++r) {
      const double v = (*c.values)[r];
      if (!(v > 0) || !std::isfinite(v))
        throw CoolantError(fmt::format("{} must be positive, got {}{}", c.name, quantity(c, v),
                                       n > 1 ? " at " + celsius(s.temperature_K[r]) : ""));
    }
  }
  for (std::size_t r = 1; r < s.temperature_K.size(); ++r)
    if (!(s.temperature_K[r] > s.temperature_K[r - 1]))
      throw CoolantError(fmt::format("table temperatures must rise row by row: {} follows {}",
                                     celsius(s.temperature_K[r]), celsius(s.temperature_K[r - 1])));
  for (std::size_t r = 1; r < s.temperature_K.size(); ++r) {
    const double T0 = s.temperature_K[r - 1], T1 = s.temperature_K[r];
    if (!(s.viscosity[r] < s.viscosity[r - 1]))
      throw CoolantError(fmt::format(
          "viscosity must fall as temperature rises (a liquid's does): {} at {}, {} at {}",
          quantity(cols[3], s.viscosity[r - 1]), celsius(T0), quantity(cols[3], s.viscosity[r]),
          celsius(T1)));
    const double lowest_before = *std::min_element(s.density.begin(), s.density.begin() + r);
    if (s.density[r] > lowest_before * (1 + kDensityRiseTolerance))
      throw CoolantError(fmt::format(
          "density must not rise with temperature (by more than 0.1 %): {} at {} after {} at a "
          "lower temperature",
          quantity(cols[0], s.density[r]), celsius(T1), quantity(cols[0], lowest_before)));
  }
}

/// Largest relative deviation of the fit from the rows; sets worst.
double fit_error(const UserFluidSpec& s, const CoolantProperties& p, const Column (&cols)[4],
                 std::string& worst) {
  double err = 0;
  for (const auto& c : cols)
    for (std::size_t r = 0; r < s.temperature_K.size(); ++r) {
      const double row = (*c.values)[r];
      const double e = std::fabs(evaluate(p, c, s.temperature_K[r]) - row) / row;
      if (e > err) err = e, worst = std::string(c.name) + " at " + celsius(s.temperature_K[r]);
    }
  return err;
}

/// Between the rows the fitted properties must stay positive and the viscosity must fall.
void check_fit_between_rows(const CoolantProperties& p, const Column (&cols)[4]) {
  double mu_before = INFINITY;
  for (int i = 0; i <= kRangeSamples; ++i) {
    const double T = p.t_min_K + (p.t_max_K - p.t_min_K) * i / kRangeSamples;
    for (const auto& c : cols)
      if (!(evaluate(p, c, T) > 0))
        throw CoolantError(fmt::format(
            "the polynomial fitted to the table's {} is not positive at {}: give more rows there",
            c.name, celsius(T)));
    const double mu = evaluate(p, cols[3], T);
    if (!(mu < mu_before))
      throw CoolantError(fmt::format(
          "the polynomial fitted to the table's viscosity rises near {}: give more rows there",
          celsius(T)));
    mu_before = mu;
  }
}

}  // namespace

UserCoolant make_user_coolant(const UserFluidSpec& s) {
  UserCoolant out{};
  CoolantProperties& p = out.properties;
  p.fluid = CoolantFluid::UserDefined;
  p.mass_fraction = 0;
  std::snprintf(p.name, sizeof p.name, "%s", s.name.c_str());
  const Column cols[4] = {{"density", "kg/m^3", 1.0, &s.density, &p.rho_coeffs, false},
                          {"specific_heat", "J/kg/K", 1.0, &s.specific_heat, &p.cp_coeffs, false},
                          {"conductivity", "W/m/K", 1.0, &s.conductivity, &p.k_coeffs, false},
                          {"viscosity", "mPa*s", 1e3, &s.viscosity, &p.ln_mu_coeffs, true}};
  check_rows(s, cols);
  const bool table = !s.temperature_K.empty();
  if (table && s.temperature_K.size() < 2)
    throw CoolantError("a table needs at least two rows; for one temperature give constant "
                       "properties and a valid_range");
  p.t_min_K = table ? s.temperature_K.front() : s.t_min_K;
  p.t_max_K = table ? s.temperature_K.back() : s.t_max_K;
  if (!(p.t_min_K < p.t_max_K) || !(p.t_min_K > 0))
    throw CoolantError(fmt::format("valid_range must rise from above 0 K: {} .. {}",
                                   celsius(p.t_min_K), celsius(p.t_max_K)));
  p.t_base_K = 0.5 * (p.t_min_K + p.t_max_K);
  p.table_points = table ? static_cast<int>(s.temperature_K.size()) : 1;
  const int degree = std::min(kCoolantTerms - 1, p.table_points - 1);
  const double half = 0.5 * (p.t_max_K - p.t_min_K);
  for (const auto& c : cols) {
    std::vector<double> y = *c.values;
    if (c.logarithmic)
      for (double& v : y) v = std::log(v);
    if (table) {
      fit(s.temperature_K, y, p.t_base_K, half, degree, *c.coeffs);
    } else {
      std::fill(std::begin(*c.coeffs), std::end(*c.coeffs), 0.0);
      (*c.coeffs)[0] = y[0];
    }
  }
  if (!table) return out;
  out.max_fit_error = fit_error(s, p, cols, out.worst);
  if (out.max_fit_error > kMaxCoolantFitError)
    throw CoolantError(fmt::format(
        "a polynomial of degree {} misses the table's {} by {:.2g} % (at most {:.2g} %): check "
        "that row, or give the table for a narrower range",
        degree, out.worst, 100 * out.max_fit_error, 100 * kMaxCoolantFitError));
  check_fit_between_rows(p, cols);
  return out;
}

}  // namespace kelvin
