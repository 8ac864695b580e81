#include "solver/loop/pump.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "solver/loop/components.hpp"
#include "solver/loop/network_error.hpp"

namespace kelvin {

// H1 = h0 - k Q^2.
Pump pump_from_quadratic(double shutoff_head_m, double k) {
  Pump p;
  p.shutoff_head_m = shutoff_head_m;
  p.quadratic_m_s2_m6 = -k;
  return p;
}

// c1 q_i + c2 q_i^2 = h_i - h0 for i = rated, runout: Cramer's rule on the 2x2 system.
Pump pump_through_points(double h0, double q1, double h1, double q2, double h2) {
  if (!(q1 > 0 && q2 > q1))
    throw std::invalid_argument("pump curve: needs 0 < rated flow < run-out flow");
  const double det = q1 * q2 * q2 - q2 * q1 * q1;
  Pump p;
  p.shutoff_head_m = h0;
  p.linear_m_s_m3 = ((h1 - h0) * q2 * q2 - (h2 - h0) * q1 * q1) / det;
  p.quadratic_m_s2_m6 = (q1 * (h2 - h0) - q2 * (h1 - h0)) / det;
  p.bep_flow_m3_s = q1;
  return p;
}

void check_pump(const Pump& p, const std::string& link) {
  std::ostringstream why;
  if (!(p.shutoff_head_m > 0)) {
    why << "shut-off head " << p.shutoff_head_m << " m must be positive";
  } else if (!(p.linear_m_s_m3 <= 0 && p.quadratic_m_s2_m6 <= 0 &&
               p.linear_m_s_m3 + p.quadratic_m_s2_m6 < 0)) {
    why << "head curve H = " << p.shutoff_head_m << " + " << p.linear_m_s_m3 << " Q + "
        << p.quadratic_m_s2_m6
        << " Q^2 must fall with flow and bend down (linear and quadratic terms <= 0, not both 0)";
  } else if (!(p.speed >= 0 && std::isfinite(p.speed))) {
    why << "speed " << p.speed << " must be >= 0";
  } else if (!(p.bep_efficiency >= 0 && p.bep_efficiency <= 1 && p.motor_efficiency > 0 &&
               p.motor_efficiency <= 1)) {
    why << "efficiencies must lie in (0, 1]";
  }
  if (!why.str().empty()) throw NetworkError("link '" + link + "': pump " + why.str());
}

// H = c0 s^2 + c1 s Q + c2 Q|Q|.
double pump_head(const Pump& p, double q) {
  const double s = p.speed;
  return p.shutoff_head_m * s * s + p.linear_m_s_m3 * s * q + p.quadratic_m_s2_m6 * q * std::abs(q);
}

// dH/dQ = c1 s + 2 c2 |Q|.
double pump_head_slope(const Pump& p, double q) {
  return p.linear_m_s_m3 * p.speed + 2.0 * p.quadratic_m_s2_m6 * std::abs(q);
}

PumpPower pump_power(const Pump& p, double q, double rho) {
  if (!(p.bep_flow_m3_s > 0 && p.bep_efficiency > 0))
    throw std::invalid_argument("pump power: needs a best-efficiency flow and efficiency");
  PumpPower out;
  if (!(p.speed > 0)) return out;
  // Reverse flow (a check valve's leakage) is taken as shut-off: the pump churns against the
  // shut valve, so shaft power is continuous at Q = 0 (turbine operation is not modelled).
  q = std::fmax(q, 0.0);
  const double h = pump_head(p, q);
  const double x = q / (p.speed * p.bep_flow_m3_s);
  out.hydraulic_W = rho * kStandardGravity * q * h;
  if (x < 1.0) {
    // shaft = rho g Q H / (eta_b x (2 - x)) = rho g H s Q_b / (eta_b (2 - x))
    out.efficiency = p.bep_efficiency * x * (2.0 - x);
    out.shaft_W =
        rho * kStandardGravity * h * p.speed * p.bep_flow_m3_s / (p.bep_efficiency * (2.0 - x));
  } else {
    out.efficiency = std::fmax(p.bep_efficiency * x * (2.0 - x), 0.1 * p.bep_efficiency);
    out.shaft_W = out.hydraulic_W / out.efficiency;
  }
  out.electrical_W = out.shaft_W / p.motor_efficiency;
  return out;
}

}  // namespace kelvin
