#include "solver/loop/reduced_plate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace kelvin {

double ResistanceLaw::operator()(double q) const {
  return r0 + c * std::pow(std::abs(q) / q_ref, -n);
}

namespace {

/// Best (r0, c >= 0) for a fixed n: minimise sum ((r0 + c x_i) / R_i - 1)^2, x_i = (Q_i/q_ref)^-n,
/// by the 2x2 normal equations; a negative coefficient is dropped and the other refitted.
/// Returns the law and its sum of squares.
std::pair<ResistanceLaw, double> fit_for_exponent(const std::vector<double>& q,
                                                  const std::vector<double>& r, double q_ref,
                                                  double n) {
  double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  std::vector<double> x(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    x[i] = std::pow(q[i] / q_ref, -n);
    const double a = 1.0 / r[i], b = x[i] / r[i];
    s11 += a * a, s12 += a * b, s22 += b * b, t1 += a, t2 += b;
  }
  ResistanceLaw law{0, 0, n, q_ref};
  const double det = s11 * s22 - s12 * s12;
  if (det > 1e-14 * s11 * s22) {
    law.r0 = (t1 * s22 - t2 * s12) / det;
    law.c = (s11 * t2 - s12 * t1) / det;
  }
  if (!(det > 1e-14 * s11 * s22) || law.r0 < 0 || law.c < 0) {
    const ResistanceLaw only_c{0, t2 / s22, n, q_ref}, only_r0{t1 / s11, 0, n, q_ref};
    double e_c = 0, e_r = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
      e_c += std::pow(only_c(q[i]) / r[i] - 1, 2);
      e_r += std::pow(only_r0(q[i]) / r[i] - 1, 2);
    }
    return e_c <= e_r ? std::make_pair(only_c, e_c) : std::make_pair(only_r0, e_r);
  }
  double e = 0;
  for (std::size_t i = 0; i < q.size(); ++i) e += std::pow(law(q[i]) / r[i] - 1, 2);
  return {law, e};
}

double relative_error(double fit, double value) {
  return value != 0 ? std::abs(fit / value - 1) : std::abs(fit);
}

}  // namespace

ResistanceLaw fit_resistance_law(const std::vector<double>& q, const std::vector<double>& r,
                                 double q_ref) {
  if (q.size() != r.size() || q.size() < 3)
    throw std::invalid_argument("resistance fit: needs three or more runs, each a flow and a resistance");
  std::vector<double> sorted = q;
  std::sort(sorted.begin(), sorted.end());
  if (!(sorted.front() > 0) || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw std::invalid_argument("resistance fit: needs distinct positive flows");
  for (double x : r)
    if (!(x > 0)) throw std::invalid_argument("resistance fit: resistances must be positive");
  // Scan n, then refine by golden section in the best bracket.
  double best_n = 0.02, best_e = std::numeric_limits<double>::infinity();
  for (double n = 0.02; n <= 2.0 + 1e-12; n += 0.02) {
    const double e = fit_for_exponent(q, r, q_ref, n).second;
    if (e < best_e) best_e = e, best_n = n;
  }
  const double g = 0.5 * (std::sqrt(5.0) - 1);
  double lo = std::max(1e-3, best_n - 0.02), hi = best_n + 0.02;
  for (int it = 0; it < 60; ++it) {
    const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (fit_for_exponent(q, r, q_ref, a).second < fit_for_exponent(q, r, q_ref, b).second)
      hi = b;
    else
      lo = a;
  }
  const auto refined = fit_for_exponent(q, r, q_ref, 0.5 * (lo + hi));
  return refined.second <= best_e ? refined.first : fit_for_exponent(q, r, q_ref, best_n).first;
}

double StepResponse::operator()(double t) const {
  return 1.0 - weight[0] * std::exp(-t / tau_s[0]) - weight[1] * std::exp(-t / tau_s[1]);
}

// For a pair tau1 < tau2 with e_k = exp(-t/tau_k): y = 1 - e2 - w (e1 - e2), so the best w is
// -sum (y_i - 1 + e2_i) d_i / sum d_i^2, d = e1 - e2, clamped to [0, 1].
StepResponse fit_step_response(const std::vector<double>& t, const std::vector<double>& y) {
  if (t.size() != y.size() || t.size() < 3)
    throw std::invalid_argument("step-response fit: needs three or more samples");
  for (std::size_t i = 1; i < t.size(); ++i)
    if (!(t[i] > t[i - 1])) throw std::invalid_argument("step-response fit: times must increase");
  const double t_lo = std::max(t.front(), 1e-6 * t.back()) / 10, t_hi = 10 * t.back();
  const int per_decade = 40;
  const int nt = static_cast<int>(std::ceil(per_decade * std::log10(t_hi / t_lo))) + 1;
  std::vector<double> tau(nt);
  std::vector<std::vector<double>> e(nt, std::vector<double>(t.size()));
  for (int k = 0; k < nt; ++k) {
    tau[k] = t_lo * std::pow(10.0, static_cast<double>(k) / per_decade);
    for (std::size_t i = 0; i < t.size(); ++i) e[k][i] = std::exp(-t[i] / tau[k]);
  }
  StepResponse best;
  double best_e = std::numeric_limits<double>::infinity();
  for (int a = 0; a < nt; ++a)
    for (int b = a; b < nt; ++b) {
      double num = 0, den = 0;
      for (std::size_t i = 0; i < t.size(); ++i) {
        const double d = e[a][i] - e[b][i];
        num -= (y[i] - 1 + e[b][i]) * d;
        den += d * d;
      }
      const double w = den > 0 ? std::clamp(num / den, 0.0, 1.0) : 1.0;
      const StepResponse s{{w, 1 - w}, {tau[a], tau[b]}};
      double err = 0;
      for (std::size_t i = 0; i < t.size(); ++i) err += std::pow(s(t[i]) - y[i], 2);
      if (err < best_e) best_e = err, best = s;
    }
  return best;
}

ReducedPlate fit_reduced_plate(const std::vector<PlateRun>& runs, bool has_hbm, double q_ref) {
  std::vector<double> q, rj, rh, dp;
  for (const PlateRun& r : runs) {
    q.push_back(r.flow_m3_s);
    rj.push_back((r.junction_K - r.inlet_K) / r.power_W);
    if (has_hbm) rh.push_back((r.hbm_K - r.inlet_K) / r.power_W);
    dp.push_back(r.dp_Pa);
  }
  ReducedPlate p;
  p.has_hbm = has_hbm;
  p.junction = fit_resistance_law(q, rj, q_ref);
  if (has_hbm) p.hbm = fit_resistance_law(q, rh, q_ref);
  p.dp_law = fit_plate_branch(q, dp);
  p.dp_law.reference_viscosity_Pa_s = runs.front().fluid.viscosity_Pa_s;
  p.dp_law.reference_density_kg_m3 = runs.front().fluid.density_kg_m3;
  p.fit_error = reduced_plate_errors(p, runs);
  return p;
}

FitErrors reduced_plate_errors(const ReducedPlate& p, const std::vector<PlateRun>& runs) {
  FitErrors e;
  for (const PlateRun& r : runs) {
    e.junction = std::max(e.junction, relative_error(p.junction(r.flow_m3_s),
                                                     (r.junction_K - r.inlet_K) / r.power_W));
    if (p.has_hbm)
      e.hbm = std::max(e.hbm, relative_error(p.hbm(r.flow_m3_s), (r.hbm_K - r.inlet_K) / r.power_W));
    const LossAndSlope d = plate_branch_loss(p.dp_law, r.flow_m3_s, r.fluid);
    e.dp = std::max(e.dp, relative_error(d.dp_Pa, r.dp_Pa));
  }
  return e;
}

namespace {

/// One Foster term: theta <- R_k P + (theta - R_k P) e^{-dt/tau'}, tau' = tau_k R(Q) / R(Q_ref);
/// with no conductance left (Q -> 0 and R infinite) it integrates C_k dtheta/dt = P.
void advance_term(double& theta, double weight, double tau_s, double r_now, double r_ref,
                  double power_W, double dt_s) {
  if (weight <= 0) return;
  const double capacitance = tau_s / (weight * r_ref);
  if (!std::isfinite(r_now) || r_now > 1e12 * r_ref) {
    theta += power_W * dt_s / capacitance;
    return;
  }
  const double rk = weight * r_now, tau = rk * capacitance;
  theta = rk * power_W + (theta - rk * power_W) * std::exp(-dt_s / tau);
}

void advance_terms(std::array<double, 2>& theta, const StepResponse& s, const ResistanceLaw& r,
                   double power_W, double q, double dt_s) {
  const double r_now = r(q), r_ref = r(r.q_ref);
  for (int k = 0; k < 2; ++k)
    advance_term(theta[k], s.weight[k], s.tau_s[k], r_now, r_ref, power_W, dt_s);
}

}  // namespace

void advance_plate(const ReducedPlate& p, PlateThermalState& s, double power_W, double q,
                   double dt_s) {
  advance_terms(s.junction, p.junction_response, p.junction, power_W, q, dt_s);
  if (p.has_hbm) advance_terms(s.hbm, p.hbm_response, p.hbm, power_W, q, dt_s);
}

double plate_junction_K(const PlateThermalState& s, double inlet_K) {
  return inlet_K + s.junction[0] + s.junction[1];
}

double plate_hbm_K(const PlateThermalState& s, double inlet_K) {
  return inlet_K + s.hbm[0] + s.hbm[1];
}

PlateThermalState steady_plate_state(const ReducedPlate& p, double power_W, double q) {
  PlateThermalState s;
  for (int k = 0; k < 2; ++k) {
    s.junction[k] = p.junction_response.weight[k] * p.junction(q) * power_W;
    if (p.has_hbm) s.hbm[k] = p.hbm_response.weight[k] * p.hbm(q) * power_W;
  }
  return s;
}

}  // namespace kelvin
