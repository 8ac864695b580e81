#include "solver/facility/fan.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace {

void require(bool ok, const char* field, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument(std::string("fan: ") + field + " = " + std::to_string(value) +
                                " (expected " + expected + ")");
}

void require_speed(double speed) {
  if (!(speed >= 0 && std::isfinite(speed)))
    throw std::invalid_argument("fan: speed = " + std::to_string(speed) +
                                " (expected a finite relative speed >= 0)");
}

}  // namespace

void check_fan(const FanRating& f) {
  require(f.flow_m3_s > 0 && std::isfinite(f.flow_m3_s), "flow_m3_s", f.flow_m3_s, "> 0");
  require(f.pressure_Pa > 0 && std::isfinite(f.pressure_Pa), "pressure_Pa", f.pressure_Pa, "> 0");
  require(f.shutoff_pressure_Pa > f.pressure_Pa && std::isfinite(f.shutoff_pressure_Pa),
          "shutoff_pressure_Pa", f.shutoff_pressure_Pa, "above the rated pressure");
  require(f.power_W >= 0 && std::isfinite(f.power_W), "power_W", f.power_W, ">= 0");
}

// s^2 dp1(V/s) = s^2 p0 - (p0 - p_r) V^2 / V_r^2: the s cancels from the flow term.
double fan_pressure_Pa(const FanRating& f, double v, double s) {
  check_fan(f);
  require_speed(s);
  const double a = (f.shutoff_pressure_Pa - f.pressure_Pa) / (f.flow_m3_s * f.flow_m3_s);
  return s * s * f.shutoff_pressure_Pa - a * v * v;
}

double fan_system_coefficient(const FanRating& f) {
  check_fan(f);
  return f.pressure_Pa / (f.flow_m3_s * f.flow_m3_s);
}

// k V^2 = s^2 p0 - a V^2  =>  V = s sqrt(p0 / (k + a)).
double fan_flow_m3_s(const FanRating& f, double k, double s) {
  check_fan(f);
  require_speed(s);
  if (!(k > 0 && std::isfinite(k)))
    throw std::invalid_argument("fan: system coefficient k = " + std::to_string(k) +
                                " Pa s^2/m^6 (expected > 0)");
  const double a = (f.shutoff_pressure_Pa - f.pressure_Pa) / (f.flow_m3_s * f.flow_m3_s);
  return s * std::sqrt(f.shutoff_pressure_Pa / (k + a));
}

double fan_power_W(const FanRating& f, double s) {
  check_fan(f);
  require_speed(s);
  return f.power_W * s * s * s;
}

}  // namespace kelvin
