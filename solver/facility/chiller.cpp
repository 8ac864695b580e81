#include "solver/facility/chiller.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "solver/physics/exchanger_effectiveness.hpp"

namespace kelvin {

namespace {

constexpr double kCelsius = 273.15;

void require(bool ok, const std::string& what, double value, const char* expected) {
  if (!ok)
    throw std::invalid_argument("chiller: " + what + " = " + std::to_string(value) + " (expected " +
                                expected + ")");
}

}  // namespace

double curve_value(const BiquadraticCurve& k, double x, double y) {
  x = std::clamp(x, k.x_min, k.x_max);
  y = std::clamp(y, k.y_min, k.y_max);
  return k.c[0] + k.c[1] * x + k.c[2] * x * x + k.c[3] * y + k.c[4] * y * y + k.c[5] * x * y;
}

double curve_value(const QuadraticCurve& k, double x) {
  x = std::clamp(x, k.x_min, k.x_max);
  return k.c[0] + k.c[1] * x + k.c[2] * x * x;
}

ElectricEirChiller doe2_centrifugal_5_50cop(double capacity_W) {
  require(capacity_W > 0 && std::isfinite(capacity_W), "reference_capacity_W", capacity_W, "> 0");
  ElectricEirChiller c;
  c.name = "DOE-2 Centrifugal/5.50COP";
  c.reference_capacity_W = capacity_W;
  c.reference_cop = 5.5;
  c.reference_chw_leaving_K = kCelsius + 6.67;
  c.reference_condenser_entering_K = kCelsius + 29.4;
  c.capft = {
      {0.257896E+00, 0.389016E-01, -0.217080E-03, 0.468684E-01, -0.942840E-03, -0.343440E-03},
      5.0,
      10.0,
      24.0,
      35.0};
  c.eirft = {{0.933884E+00, -0.582120E-01, 0.450036E-02, 0.243000E-02, 0.486000E-03, -0.121500E-02},
             5.0,
             10.0,
             24.0,
             35.0};
  c.eirfplr = {{0.222903, 0.313387, 0.463710}, 0.0, 1.0};
  c.min_plr = 0.1;
  c.max_plr = 1.0;
  c.min_unloading_ratio = 0.2;
  c.compressor_heat_to_condenser = 1.0;
  return c;
}

ElectricEirChiller normalise_at_reference(const ElectricEirChiller& chiller) {
  ElectricEirChiller c = chiller;
  const double x = c.reference_chw_leaving_K - kCelsius;
  const double y = c.reference_condenser_entering_K - kCelsius;
  const double cap = curve_value(c.capft, x, y), eir = curve_value(c.eirft, x, y);
  const double plr = curve_value(c.eirfplr, 1.0);
  require(cap > 0, "CAPFT at the reference point", cap, "> 0");
  require(eir > 0, "EIRFT at the reference point", eir, "> 0");
  require(plr > 0, "EIRFPLR at PLR 1", plr, "> 0");
  for (double& k : c.capft.c) k /= cap;
  for (double& k : c.eirft.c) k /= eir;
  for (double& k : c.eirfplr.c) k /= plr;
  return c;
}

ElectricEirChiller trane_cvhe_1758kW_5_96cop_vanes() {
  ElectricEirChiller c;
  c.name = "ElectricEIRChiller Trane CVHE 1758kW/5.96COP/Vanes";
  c.reference_capacity_W = 1758300;
  c.reference_cop = 5.96;
  c.reference_chw_leaving_K = kCelsius + 6.67;
  c.reference_condenser_entering_K = kCelsius + 29.44;
  c.capft = {
      {9.566057E-02, -2.457943E-02, -6.827143E-03, 7.119360E-02, -2.047680E-03, 5.248800E-03},
      4.44,
      8.89,
      23.89,
      35.00};
  c.eirft = {
      {1.243313E+00, -3.031784E-02, 3.452464E-03, -2.739941E-02, 9.141695E-04, -1.000080E-03},
      4.44,
      8.89,
      23.89,
      35.00};
  c.eirfplr = {{1.871377E-01, 5.849639E-01, 2.291447E-01}, 0.20, 1.03};
  c.min_plr = 0.20;
  c.max_plr = 1.03;
  c.min_unloading_ratio = 0.20;
  c.compressor_heat_to_condenser = 1.0;
  return c;
}

void check_chiller(const ElectricEirChiller& c) {
  require(c.reference_capacity_W > 0, "reference_capacity_W", c.reference_capacity_W, "> 0");
  require(c.reference_cop > 0, "reference_cop", c.reference_cop, "> 0");
  require(c.min_plr >= 0 && c.min_plr <= c.max_plr, "min_plr", c.min_plr, "in [0, max_plr]");
  require(c.max_plr > 0, "max_plr", c.max_plr, "> 0");
  require(c.min_unloading_ratio >= 0 && c.min_unloading_ratio <= 1, "min_unloading_ratio",
          c.min_unloading_ratio, "in [0, 1]");
  require(c.compressor_heat_to_condenser >= 0 && c.compressor_heat_to_condenser <= 1,
          "compressor_heat_to_condenser", c.compressor_heat_to_condenser, "in [0, 1]");
}

ChillerState chiller_operate(const ElectricEirChiller& c, double load, double t_chw_K,
                             double t_cond_K) {
  check_chiller(c);
  require(load >= 0 && std::isfinite(load), "load_W", load, "finite, >= 0");
  ChillerState s;
  if (load == 0) return s;
  const double x = t_chw_K - kCelsius, y = t_cond_K - kCelsius;
  s.capft = curve_value(c.capft, x, y);
  s.eirft = curve_value(c.eirft, x, y);
  s.available_capacity_W = c.reference_capacity_W * s.capft;
  require(s.available_capacity_W > 0, "available capacity (Cap_ref CAPFT) [W]",
          s.available_capacity_W, "> 0: CAPFT is not positive here");
  // PLR = min(Q/Cap, PLR_max); r = min(PLR/PLR_min, 1); p = max(PLR, min unloading).
  if (load <= c.max_plr * s.available_capacity_W) {
    s.plr = load / s.available_capacity_W;
    s.evaporator_W = load;
  } else {
    s.plr = c.max_plr;
    s.evaporator_W = c.max_plr * s.available_capacity_W;
    s.unmet_load_W = load - s.evaporator_W;
  }
  s.cycling_ratio = c.min_plr > 0 ? std::min(s.plr / c.min_plr, 1.0) : 1.0;
  const double p = std::max(s.plr, c.min_unloading_ratio);
  s.eirfplr = curve_value(c.eirfplr, p);
  // P = Cap/COP_ref EIRFT EIRFPLR r; Q_f = Cap r max(0, u - max(PLR, PLR_min)) (EnergyPlus's
  // max(0, Cap p r - Q_e) without its round-off); Q_c = f_c P + Q_e + Q_f.
  s.power_W = s.available_capacity_W / c.reference_cop * s.eirft * s.eirfplr * s.cycling_ratio;
  s.false_load_W = s.available_capacity_W * s.cycling_ratio *
                   std::max(0.0, c.min_unloading_ratio - std::max(s.plr, c.min_plr));
  s.condenser_W = c.compressor_heat_to_condenser * s.power_W + s.evaporator_W + s.false_load_W;
  s.cop = s.power_W > 0 ? s.evaporator_W / s.power_W : 0.0;
  return s;
}

FreeCoolingState free_cooling(const ElectricEirChiller& chiller, const EconomizerExchanger& hx,
                              double m, double t_ret, double t_set, double t_tower, double m_tower,
                              double t_cond) {
  require(m >= 0 && std::isfinite(m), "chw_flow_kg_s", m, ">= 0");
  require(m_tower >= 0 && std::isfinite(m_tower), "tower_flow_kg_s", m_tower, ">= 0");
  require(hx.ua_W_K > 0, "economizer ua_W_K", hx.ua_W_K, "> 0");
  require(hx.water_cp_J_kgK > 0, "economizer water_cp_J_kgK", hx.water_cp_J_kgK, "> 0");
  FreeCoolingState s;
  const double c_chw = m * hx.water_cp_J_kgK;
  s.load_W = std::max(0.0, c_chw * (t_ret - t_set));
  s.exchanger_outlet_K = t_ret;
  if (s.load_W > 0 && m_tower > 0 && t_tower < t_ret) {
    // Counterflow: Q = eps(UA/C_min, Cr) C_min (T_ret - T_tower), capped at the load.
    const double c_tw = m_tower * hx.water_cp_J_kgK;
    const double c_min = std::min(c_chw, c_tw), c_max = std::max(c_chw, c_tw);
    const double q_max =
        counterflow_effectiveness(hx.ua_W_K / c_min, c_min / c_max) * c_min * (t_ret - t_tower);
    s.economizer_W = std::min(q_max, s.load_W);
    s.exchanger_outlet_K = s.economizer_W == s.load_W ? t_set : t_ret - s.economizer_W / c_chw;
  }
  s.chiller = chiller_operate(chiller, s.load_W - s.economizer_W, t_set, t_cond);
  s.heat_to_tower_W = s.economizer_W + s.chiller.condenser_W;
  return s;
}

}  // namespace kelvin
