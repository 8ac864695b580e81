#include "solver/loop/components.hpp"

#include <cmath>
#include <stdexcept>

namespace kelvin {
namespace {

constexpr double kPi = 3.14159265358979323846;

double area(double diameter_m) { return 0.25 * kPi * diameter_m * diameter_m; }

// dp = rho c Q|Q| with c = 100 (3600 / Kv)^2 (Kv convention in components.hpp);
// d(dp)/dQ = 2 rho c |Q|.
LossAndSlope kv_loss(double kv, double q, const FluidState& fluid) {
  const double c = 100.0 * (3600.0 / kv) * (3600.0 / kv);
  return {fluid.density_kg_m3 * c * q * std::abs(q), 2.0 * fluid.density_kg_m3 * c * std::abs(q)};
}

}  // namespace

// V = Q / A, Re = rho |V| D / mu.
// Laminar (Re below kLaminarOnlyReynolds): dp = 32 mu L V / D^2 (Hagen-Poiseuille), linear in Q.
// Otherwise dp = f(Re) (L/D) rho V|V| / 2 (f by the pipe's friction law) and, with
// s = d ln f / d ln Re,
// d(dp)/dQ = (L/D) rho f |Q| (2 + s) / (2 A^2), which tends to the laminar slope as Q -> 0.
LossAndSlope pipe_loss(const Pipe& p, double q, const FluidState& fluid) {
  const double a = area(p.diameter_m);
  const double v = q / a;
  const double re = fluid.density_kg_m3 * std::abs(v) * p.diameter_m / fluid.viscosity_Pa_s;
  const double eps = p.roughness_m / p.diameter_m;
  if (re < kLaminarOnlyReynolds) {
    const double slope =
        32.0 * fluid.viscosity_Pa_s * p.length_m / (p.diameter_m * p.diameter_m * a);
    return {slope * q, slope};
  }
  const double f = friction_factor(p.friction, re, eps);
  const double s = friction_log_slope(p.friction, re, eps);
  const double scale = p.length_m / p.diameter_m * fluid.density_kg_m3 / (2.0 * a * a);
  return {scale * f * q * std::abs(q), scale * f * std::abs(q) * (2.0 + s)};
}

// k form: dp = k rho Q|Q| / (2 A^2); Kv form: see kv_loss.
LossAndSlope minor_loss(const MinorLoss& m, double q, const FluidState& fluid) {
  if (m.kv > 0) return kv_loss(m.kv, q, fluid);
  const double a = area(m.diameter_m);
  const double c = m.k * fluid.density_kg_m3 / (2.0 * a * a);
  return {c * q * std::abs(q), 2.0 * c * std::abs(q)};
}

// Linear: Kv = Kvs x; equal percentage: Kv = Kvs R^(x - 1); both floored at kShutKvFraction Kvs.
double valve_kv(const Valve& v) {
  const double x = v.opening;
  const double kv = v.characteristic == ValveCharacteristic::Linear
                        ? v.kvs * x
                        : (x > 0 ? v.kvs * std::pow(v.rangeability, x - 1.0) : 0.0);
  return std::fmax(kv, kShutKvFraction * v.kvs);
}

LossAndSlope valve_loss(const Valve& v, double q, const FluidState& fluid) {
  return kv_loss(valve_kv(v), q, fluid);
}

// Forward (Q >= 0): the open Kv loss. Reverse: dp = R Q with R = 1 bar / (leakage Q1), Q1 the
// open flow at 1 bar, Kv / 3600 sqrt(1000 / rho). The law is continuous and increasing; only its
// slope jumps at Q = 0 (0 forward, R reverse). The Newton needs no switching state: a
// hysteresis-free law converges like any other once the flow's sign settles, and a reverse
// flow ends on the linear branch, which Newton solves in one step.
LossAndSlope check_valve_loss(const CheckValve& c, double q, const FluidState& fluid) {
  if (q >= 0) return kv_loss(c.kv, q, fluid);
  const double q1 = c.kv / 3600.0 * std::sqrt(1000.0 / fluid.density_kg_m3);
  const double r = 1e5 / (kCheckValveLeakage * q1);
  return {r * q, r};
}

LossAndSlope quick_disconnect_loss(const QuickDisconnect& c, double q, const FluidState& fluid) {
  return kv_loss(std::fmax(c.kv * c.opening, kShutKvFraction * c.kv), q, fluid);
}

// dp = a' Q + b' Q|Q|, d(dp)/dQ = a' + 2 b' |Q|, a' = a mu/mu_ref, b' = b rho/rho_ref (when the
// references are given).
LossAndSlope plate_branch_loss(const PlateBranch& p, double q, const FluidState& fluid) {
  const double a = p.reference_viscosity_Pa_s > 0
                       ? p.a_Pa_s_m3 * fluid.viscosity_Pa_s / p.reference_viscosity_Pa_s
                       : p.a_Pa_s_m3;
  const double b = p.reference_density_kg_m3 > 0
                       ? p.b_Pa_s2_m6 * fluid.density_kg_m3 / p.reference_density_kg_m3
                       : p.b_Pa_s2_m6;
  return {a * q + b * q * std::abs(q), a + 2.0 * b * std::abs(q)};
}

// Minimise sum (a Q_i + b Q_i|Q_i| - dp_i)^2: the 2x2 normal equations
// [S11 S12; S12 S22] [a; b] = [T1; T2], S11 = sum Q^2, S12 = sum Q^2|Q|, S22 = sum Q^4,
// T1 = sum Q dp, T2 = sum Q|Q| dp.
PlateBranch fit_plate_branch(const std::vector<double>& q, const std::vector<double>& dp) {
  if (q.size() != dp.size() || q.size() < 2)
    throw std::invalid_argument("plate law fit: needs two or more runs, each a flow and a drop");
  double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double x1 = q[i], x2 = q[i] * std::abs(q[i]);
    s11 += x1 * x1, s12 += x1 * x2, s22 += x2 * x2, t1 += x1 * dp[i], t2 += x2 * dp[i];
  }
  const double det = s11 * s22 - s12 * s12;
  if (!(std::abs(det) > 1e-12 * s11 * s22))
    throw std::invalid_argument("plate law fit: needs runs at two or more distinct non-zero flows");
  return {(t1 * s22 - t2 * s12) / det, (s11 * t2 - s12 * t1) / det, 0, 0};
}

}  // namespace kelvin
