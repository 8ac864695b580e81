#include "solver/loop/pi_controller.hpp"

#include <algorithm>
#include <stdexcept>

namespace kelvin {

PiController::PiController(const PiSettings& s, double initial_output)
    : m_s(s), m_integral(initial_output), m_output(initial_output) {
  if (!(s.ti_s > 0 && s.output_max > s.output_min))
    throw std::invalid_argument("PI controller: needs Ti > 0 and output_max > output_min");
}

double PiController::update(double setpoint, double measurement, double dt) {
  const double e = setpoint - measurement;
  const double di = m_s.kp * e / m_s.ti_s * dt;
  const double p = m_s.kp * e;
  switch (m_s.anti_windup) {
    case AntiWindup::None:
      m_integral += di;
      break;
    case AntiWindup::Clamping: {
      // Integrate unless saturated with the step pushing further out.
      const double u_try = p + m_integral + di;
      if (!((u_try > m_s.output_max && di > 0) || (u_try < m_s.output_min && di < 0)))
        m_integral += di;
      break;
    }
    case AntiWindup::BackCalculation: {
      const double tt = m_s.tracking_time_s > 0 ? m_s.tracking_time_s : m_s.ti_s;
      const double u_unsat = p + m_integral;
      const double u = std::clamp(u_unsat, m_s.output_min, m_s.output_max);
      m_integral += di + (u - u_unsat) / tt * dt;
      break;
    }
  }
  m_output = std::clamp(p + m_integral, m_s.output_min, m_s.output_max);
  return m_output;
}

}  // namespace kelvin
