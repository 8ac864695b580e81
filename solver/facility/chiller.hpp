#pragma once
/// An electric vapour-compression chiller by EnergyPlus's Chiller:Electric:EIR model (the DOE-2
/// form; EnergyPlus Engineering Reference, "Electric Chiller Model Based on Condenser Entering
/// Temperature"), and a water-side free-cooling economizer with the chiller as its trim.
///
/// Curves, x = leaving chilled water temperature [degC], y = entering condenser water
/// temperature [degC], each input clamped to its curve's limits as EnergyPlus does:
///   CAPFT(x, y) = a + b x + c x^2 + d y + e y^2 + f x y    (biquadratic)
///   EIRFT(x, y) = the same form, its own coefficients
///   EIRFPLR(p)  = a + b p + c p^2                          (quadratic; the original model's, not
///                                                           the reformulated model's bicubic)
/// Operating point for an evaporator load Q_e [W]:
///   Cap = Cap_ref CAPFT;  PLR = min(Q_e/Cap, PLR_max)  (the load above that is unmet);
///   cycling ratio r = min(PLR/PLR_min, 1);  p = max(PLR, min unloading ratio);
///   P = Cap/COP_ref EIRFT EIRFPLR(p) r;
///   false load (hot-gas bypass below the minimum unloading ratio): EnergyPlus's
///   max(0, Cap p r - Q_e), written Q_f = Cap r max(0, u - max(PLR, PLR_min)) (u the minimum
///   unloading ratio; the same value, exactly 0 where there is no false loading);
///   condenser Q_c = f_c P + Q_e + Q_f, f_c the share of compressor power rejected by the
///   condenser (1 for a hermetic compressor).
/// At the reference point with the curves at 1 and PLR 1: P = Cap_ref / COP_ref.
///
/// Reference data, EnergyPlus datasets/Chillers.idf, every number as printed there:
///  - "DOE-2 Centrifugal/5.50COP", DOE-2.1E's generic centrifugal (its HERM-CENT curves), COP 5.5
///    at 6.67 degC leaving chilled water and 29.4 degC entering condenser water; the capacity is
///    the caller's (EnergyPlus autosizes it). Its curves are normalised at the reference point:
///    1.00334, 0.99909 and 1.000000 there (the tests);
///  - "ElectricEIRChiller Trane CVHE 1758kW/5.96COP/Vanes" (centrifugal, R-123, inlet vanes;
///    CoolTools catalogue data 1991-2001): 1758.3 kW, COP 5.96 at 6.67 / 29.44 degC. A regression
///    of catalogue points, its curves are 0.980 (CAPFT) and 0.984 (EIRFT) at its reference point,
///    so it draws 0.965 Cap_ref/COP_ref there (EnergyPlus only warns beyond 10 %).
/// normalise_at_reference() rescales a chiller's curves to exactly 1 at its reference point.
///
/// Economizer (water-side, in series, upstream of the chiller): a counterflow plate exchanger
/// between the chilled-water return and the tower water, opened when the tower water is colder
/// than the return. Q_hx = min(eps C_min (T_ret - T_tower), m cp (T_ret - T_set)) (the tower side
/// is throttled so the exchanger never cools below the setpoint); the chiller trims the rest,
/// Q_e = m cp (T_ret - T_set) - Q_hx, at the setpoint as its leaving temperature. UA is held at
/// its rating (constant-flow loops).
#include <string>

namespace kelvin {

/// z = a + b x + c x^2 + d y + e y^2 + f x y, x and y clamped to their limits.
struct BiquadraticCurve {
  double c[6] = {1, 0, 0, 0, 0, 0};
  double x_min = -1e300, x_max = 1e300, y_min = -1e300, y_max = 1e300;
};
/// z = a + b x + c x^2, x clamped to its limits.
struct QuadraticCurve {
  double c[3] = {1, 0, 0};
  double x_min = -1e300, x_max = 1e300;
};

/// The curves' values.
double curve_value(const BiquadraticCurve& curve, double x, double y);
double curve_value(const QuadraticCurve& curve, double x);

/// A chiller's reference point and curves (EnergyPlus Chiller:Electric:EIR fields).
struct ElectricEirChiller {
  std::string name;
  double reference_capacity_W = 0;  ///< > 0
  double reference_cop = 0;         ///< > 0
  double reference_chw_leaving_K = 0;
  double reference_condenser_entering_K = 0;
  BiquadraticCurve capft, eirft;  ///< in degC
  QuadraticCurve eirfplr;
  double min_plr = 0.1, max_plr = 1.0, min_unloading_ratio = 0.1;
  double compressor_heat_to_condenser = 1.0;  ///< f_c in [0, 1]
};

/// EnergyPlus datasets/Chillers.idf, "DOE-2 Centrifugal/5.50COP", at reference_capacity_W > 0.
ElectricEirChiller doe2_centrifugal_5_50cop(double reference_capacity_W);

/// EnergyPlus datasets/Chillers.idf, "ElectricEIRChiller Trane CVHE 1758kW/5.96COP/Vanes".
ElectricEirChiller trane_cvhe_1758kW_5_96cop_vanes();

/// chiller with CAPFT and EIRFT divided by their values at its reference temperatures and
/// EIRFPLR by its value at PLR 1 (every coefficient scaled), so that each is 1 there and the
/// reference power is Cap_ref / COP_ref. Throws std::invalid_argument if a value is not positive.
ElectricEirChiller normalise_at_reference(const ElectricEirChiller& chiller);

/// Throws std::invalid_argument naming the bad field unless capacity and COP are positive,
/// 0 <= min PLR <= max PLR, min unloading ratio in [0, 1] and f_c in [0, 1].
void check_chiller(const ElectricEirChiller& chiller);

/// One operating point.
struct ChillerState {
  double available_capacity_W = 0;  ///< Cap_ref CAPFT
  double capft = 0, eirft = 0, eirfplr = 0;
  double plr = 0;  ///< Q_e / Cap, capped at max PLR
  double cycling_ratio = 0;
  double evaporator_W = 0;  ///< load met
  double unmet_load_W = 0;  ///< above the capacity
  double power_W = 0;       ///< compressor electrical
  double false_load_W = 0;
  double condenser_W = 0;  ///< f_c P + Q_e + Q_f
  double cop = 0;          ///< Q_e / P (0 when off)
};

/// The chiller meeting load_W >= 0 at chw_leaving_K with condenser water entering at
/// condenser_entering_K (formulas in the header comment). Zero load: off, every term 0.
/// Throws std::invalid_argument naming a negative or non-finite load.
ChillerState chiller_operate(const ElectricEirChiller& chiller, double load_W, double chw_leaving_K,
                             double condenser_entering_K);

/// The economizer's plate exchanger.
struct EconomizerExchanger {
  double ua_W_K = 0;               ///< > 0
  double water_cp_J_kgK = 4186.0;  ///< both sides water
};

/// One operating point of economizer + trim chiller.
struct FreeCoolingState {
  double load_W = 0;              ///< m cp (T_ret - T_set), the whole duty
  double economizer_W = 0;        ///< carried by the tower water through the exchanger
  double exchanger_outlet_K = 0;  ///< chilled water between the exchanger and the chiller
  ChillerState chiller;           ///< the trim (off when the economizer carries it all)
  double heat_to_tower_W = 0;     ///< economizer + chiller condenser
};

/// Chilled water at chw_flow_kg_s returning at chw_return_K, to be supplied at
/// chw_setpoint_K; tower water at tower_water_K and tower_flow_kg_s reaches the exchanger and
/// (at condenser_entering_K) the chiller's condenser. Throws std::invalid_argument naming a
/// negative flow or a non-positive UA.
FreeCoolingState free_cooling(const ElectricEirChiller& chiller, const EconomizerExchanger& hx,
                              double chw_flow_kg_s, double chw_return_K, double chw_setpoint_K,
                              double tower_water_K, double tower_flow_kg_s,
                              double condenser_entering_K);

}  // namespace kelvin
