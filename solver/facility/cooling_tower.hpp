#pragma once
/// An open, mechanical-draft counterflow cooling tower by Merkel's method, with its water use.
///
/// Merkel (1925; Baker & Shryock, ASME J. Heat Transfer 83, 1961): with the Lewis factor 1, no
/// evaporation loss in the water balance and the air's enthalpy h_a as its only state, the
/// tower's transfer units are
///   Me = KaV/L = integral from T_c to T_h of cp_w dT / (h_s(T) - h_a(T)),
///   h_a(T) = h_a,in + (L/G) cp_w (T - T_c)   (counterflow: air enters where the water leaves),
/// h_s(T) the enthalpy of air saturated at the water's temperature, per kg of dry air. The
/// integral is taken by composite Simpson (default, 64 intervals: 1.7e-10 off the converged value
/// at the default rating) or the 4-point Chebyshev rule of CTI ATC-105 (cp_w dT/4 sum 1/dh at T_c +
/// {0.1, 0.4, 0.6, 0.9} dT), the rule acceptance tests use. Where h_a meets h_s anywhere in the
/// range the cooling asked for is impossible and Me is +infinity.
///
/// Tower characteristic through one rating point (CTI; ASHRAE Handbook HVAC Systems and
/// Equipment, ch. "Cooling Towers"): Me = c (L/G)^-n, n = 0.6 by default (fills lie in 0.4-0.8),
/// c = Me_r (L_r/G_r)^n. At an operating point the cold water temperature is the one whose Me
/// equals c (L/G)^-n, by bisection between the wet bulb and the hot water temperature.
/// G = G_r s: the air flow follows the fans' speed (solver/facility/fan.hpp), power N P_r s^3.
/// Q = L cp_w (T_h - T_c) = G (h_a,out - h_a,in) exactly.
///
/// Psychrometrics are the caller's (solver/facility/psychrometrics.hpp, or any): the tower takes
/// h_s(T) and W_s(T) as callbacks, and the inlet air as its wet bulb, enthalpy and humidity ratio.
///
/// Water use (kg/s):
///   evaporation E = G (W_s(T_a,out) - W_in), the exit air saturated at its enthalpy h_a,out
///     (Merkel's exit state; T_a,out from h_s(T_a,out) = h_a,out). The rule of thumb E = 0.00085
///     L (T_h - T_c)[degF] (~1 % of the flow per 10 degF of range; Marley/SPX, Cooling Tower
///     Fundamentals) is returned beside it for comparison;
///   drift D = d L, d the drift fraction of the circulating flow, 0.001-0.005 % for towers with
///     drift eliminators (CTI; ASHRAE Handbook HVAC Systems and Equipment, "Cooling Towers"),
///     0.005 % by default;
///   blowdown: the dissolved solids brought in with the make-up leave only with the liquid water
///     that leaves (blowdown and drift), so at C cycles of concentration
///     B + D = E / (C - 1), the drain B = E/(C - 1) - D (never below 0);
///   make-up M = E + D + B.
#include <functional>
#include <limits>

#include "solver/facility/fan.hpp"

namespace kelvin {

/// Psychrometric functions of the water temperature T [K] at the tower's pressure.
struct SaturatedAir {
  std::function<double(double)> enthalpy_J_kg;   ///< h_s(T) [J/kg dry air], increasing
  std::function<double(double)> humidity_ratio;  ///< W_s(T) [kg water/kg dry air]
};

/// How the Merkel integral is taken.
enum class MerkelRule { Simpson, Chebyshev4 };

/// The air entering a tower.
struct TowerAir {
  double wet_bulb_K = 0;
  double enthalpy_J_kg = 0;   ///< h_a,in per kg dry air (h_s(T_wb) to Merkel's accuracy)
  double humidity_ratio = 0;  ///< W_in [kg/kg dry air]
};

/// The rating point. Defaults: CTI's standard 95/85/78 degF (35 -> 29.44 degC at a 25.56 degC
/// wet bulb), 100 kg/s of water, L/G 1.2 (the Modelica Buildings Library's default water-to-air
/// ratio for its Merkel tower).
struct CoolingTowerRating {
  double water_flow_kg_s = 100.0;           ///< L_r > 0
  double air_flow_kg_s = 100.0 / 1.2;       ///< G_r > 0 (dry air)
  double water_inlet_K = 308.15;            ///< T_h
  double water_outlet_K = 273.15 + 29.444;  ///< T_c, above the wet bulb
  double air_wet_bulb_K = 273.15 + 25.556;
  /// h_a,in [J/kg dry air]; NaN (default): h_s(wet bulb)
  double air_enthalpy_J_kg = std::numeric_limits<double>::quiet_NaN();
};

/// A tower's rating and hardware.
struct CoolingTowerDesign {
  CoolingTowerRating rating;
  double characteristic_exponent = 0.6;  ///< n in Me = c (L/G)^-n, >= 0
  double water_cp_J_kgK = 4186.0;        ///< cp_w, constant as in Merkel's method
  MerkelRule rule = MerkelRule::Simpson;
  int simpson_intervals = 64;  ///< even, >= 2
  int fans = 1;
  /// The fan at speed 1: 31 kW for 100 kg/s (1585 US gpm) is ~38 gpm/hp, about ASHRAE 90.1's
  /// minimum for axial-fan open towers; curve values set the flow's proportion to speed only.
  FanRating fan{80.0, 150.0, 250.0, 31e3};
  double drift_fraction = 5e-5;          ///< of the circulating water, [0, 1)
  double cycles_of_concentration = 3.0;  ///< > 1
};

/// A rated tower.
struct CoolingTower {
  CoolingTowerDesign design;
  SaturatedAir air;
  double rated_merkel = 0;      ///< Me_r = KaV/L at rating
  double characteristic_c = 0;  ///< c = Me_r (L_r/G_r)^n
};

/// Me = KaV/L [1] for water cooled from t_hot_K to t_cold_K by air entering with enthalpy
/// air_inlet_J_kg at the ratio l_over_g (formula in the header comment); +infinity where the air
/// line reaches saturation; 0 if t_cold_K >= t_hot_K.
double merkel_number(const std::function<double(double)>& saturated_enthalpy_J_kg, double t_hot_K,
                     double t_cold_K, double air_inlet_J_kg, double l_over_g, double water_cp_J_kgK,
                     MerkelRule rule, int simpson_intervals = 64);

/// Rates design. Throws std::invalid_argument naming the bad input: flows not positive, cold
/// water not between the wet bulb and the hot water, a rating whose air line reaches saturation,
/// n < 0, an odd or too small interval count, fans < 1, drift outside [0, 1), cycles <= 1,
/// missing callbacks, a bad fan rating.
CoolingTower rate_cooling_tower(const CoolingTowerDesign& design, const SaturatedAir& air);

/// One operating point.
struct CoolingTowerState {
  double heat_W = 0;          ///< water -> air
  double water_outlet_K = 0;  ///< cold water
  double approach_K = 0;      ///< T_c - T_wb
  double range_K = 0;         ///< T_h - T_c
  double air_flow_kg_s = 0;
  double air_outlet_enthalpy_J_kg = 0;
  double air_outlet_K = 0;  ///< saturated at its enthalpy
  double merkel = 0;        ///< Me at this point = c (L/G)^-n
  double fan_power_W = 0;
  double evaporation_kg_s = 0;
  double evaporation_rule_kg_s = 0;  ///< 0.00085 L range[degF], for comparison
  double drift_kg_s = 0;
  double blowdown_kg_s = 0;  ///< the drain: E/(C - 1) - D, >= 0
  double makeup_kg_s = 0;    ///< E + D + B
};

/// The tower at water flow [kg/s] >= 0 entering at water_inlet_K, in air `air`, fans at speed
/// s >= 0. No air, no water, or hot water at or below the wet bulb: no heat, no evaporation
/// (drift still leaves with a running water flow). Throws std::invalid_argument naming a
/// negative flow or speed.
CoolingTowerState cooling_tower_operate(const CoolingTower& tower, double water_flow_kg_s,
                                        double water_inlet_K, const TowerAir& air, double speed);

}  // namespace kelvin
