#include "solver/facility/heat_sink.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace {

void require(bool ok, const char* field, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument(std::string("heat sink: ") + field + " = " + std::to_string(value) +
                                " (expected " + expected + ")");
}

bool positive(double x) { return x > 0 && std::isfinite(x); }
bool non_negative(double x) { return x >= 0 && std::isfinite(x); }

}  // namespace

void check_heat_sink(const PlateFinHeatSink& s) {
  require(s.fin_count >= 2, "fin_count", s.fin_count, ">= 2");
  require(positive(s.fin_height_m), "fin_height_m", s.fin_height_m, "> 0");
  require(positive(s.fin_thickness_m), "fin_thickness_m", s.fin_thickness_m, "> 0");
  require(positive(s.fin_spacing_m), "fin_spacing_m", s.fin_spacing_m, "> 0");
  require(positive(s.length_m), "length_m", s.length_m, "> 0");
  require(positive(s.fin_conductivity_W_mK), "fin_conductivity_W_mK", s.fin_conductivity_W_mK,
          "> 0");
  require(non_negative(s.junction_to_case_K_W), "junction_to_case_K_W", s.junction_to_case_K_W,
          ">= 0");
  require(non_negative(s.interface_K_W), "interface_K_W", s.interface_K_W, ">= 0");
}

// W H with W = N t + (N - 1) b.
double heat_sink_frontal_area_m2(const PlateFinHeatSink& s) {
  const double width = s.fin_count * s.fin_thickness_m + (s.fin_count - 1) * s.fin_spacing_m;
  return width * s.fin_height_m;
}

// Nu = [(Re* Pr / 2)^-3 + (0.664 sqrt(Re*) Pr^(1/3) sqrt(1 + 3.65/sqrt(Re*)))^-3]^(-1/3).
double teertstra_nusselt(double re_star, double pr) {
  if (!(re_star > 0)) return 0;
  const double developed = re_star * pr / 2;
  const double root = std::sqrt(re_star);
  const double developing = 0.664 * root * std::cbrt(pr) * std::sqrt(1 + 3.65 / root);
  return std::pow(std::pow(developed, -3) + std::pow(developing, -3), -1.0 / 3.0);
}

// tanh(x)/x, 1 at x = 0.
double fin_efficiency(double x) { return x > 1e-12 ? std::tanh(x) / x : 1.0; }

// V_ch = (V / A_front)(1 + t/b); Re* = (V_ch b / nu)(b / L); h = Nu k / b.
double heat_sink_h_W_m2K(const PlateFinHeatSink& s, const AirProperties& air, double flow) {
  check_heat_sink(s);
  require(non_negative(flow), "flow_m3_s", flow, ">= 0");
  const double b = s.fin_spacing_m;
  const double v_channel = flow / heat_sink_frontal_area_m2(s) * (1 + s.fin_thickness_m / b);
  const double re_star = v_channel * b / air.kinematic_viscosity_m2_s * (b / s.length_m);
  return teertstra_nusselt(re_star, air.prandtl) * air.conductivity_W_mK / b;
}

// R = 1 / (h (N eta 2 H L + (N - 1) b L)), eta = tanh(mH)/(mH), m = sqrt(2 h / (k_fin t)).
double heat_sink_resistance_K_W(const PlateFinHeatSink& s, const AirProperties& air, double flow) {
  require(positive(flow), "flow_m3_s", flow, "> 0");
  const double h = heat_sink_h_W_m2K(s, air, flow);
  const double m = std::sqrt(2 * h / (s.fin_conductivity_W_mK * s.fin_thickness_m));
  const double eta = fin_efficiency(m * s.fin_height_m);
  const double fin_area = 2 * s.fin_height_m * s.length_m;
  const double base_area = (s.fin_count - 1) * s.fin_spacing_m * s.length_m;
  return 1 / (h * (s.fin_count * eta * fin_area + base_area));
}

double junction_to_air_K_W(const PlateFinHeatSink& s, const AirProperties& air, double flow) {
  return s.junction_to_case_K_W + s.interface_K_W + heat_sink_resistance_K_W(s, air, flow);
}

}  // namespace kelvin
