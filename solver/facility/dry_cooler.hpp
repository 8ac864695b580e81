#pragma once
/// A dry cooler: a finned-coil air-to-liquid heat exchanger with a bank of fans, on the
/// facility loop (the CDUs' primary side), with optional adiabatic pre-cooling of its air.
///
/// Heat transfer, epsilon-NTU (solver/physics/exchanger_effectiveness.hpp): the liquid flows in
/// the tubes, the air across them. Default arrangement: crossflow, both fluids unmixed (the exact
/// series), because the plate fins keep the air from mixing across the coil and each tube keeps
/// its liquid apart from its neighbours' (Kays & London's flat-fin tubular surfaces); that the
/// arrangement is a property of the coil, not of which stream is C_min, matters here: with
/// fan speed the air swings between C_min and C_max, and the unmixed form is symmetric under that
/// swap, so one arrangement holds at every speed. (A multi-row, multi-pass coil lies between this
/// and counterflow; CrossflowUnmixed is the conservative of the two.)
///   C_l = m_l cp_l(T_mean), C_a = m_a (cp_da + W cp_v), NTU = UA / C_min, Cr = C_min / C_max,
///   Q = eps(NTU, Cr) C_min (T_l,in - T_a,coil-in), T_l,out = T_l,in - Q/C_l,
///   T_a,out = T_a,coil-in + Q/C_a;
/// cp_l at the liquid's mean temperature, iterated until the outlet moves by < 1e-12 K, so both
/// sides carry Q to round-off. m_a is the dry-air mass flow.
///
/// UA from one rating point (heat, liquid in and out, air in, air flow): m_l = Q/(cp_l dT_l),
/// eps = Q/(C_min (T_l,in - T_a,in)), NTU by inverting eps(NTU, Cr), UA = NTU C_min. Scaled with
/// both flows as two film conductances in series, as the CDU (solver/loop/heat_exchanger.hpp):
///   1/UA = 1/hA_a + 1/hA_l,  hA_a = hA_a,r (m_a/m_a,r)^0.6,  hA_l = hA_l,r (m_l/m_l,r)^0.8;
/// air side: plate-fin coils' Colburn factor falls as j ~ Re^-0.4 (Kays & London's finned-tube
/// data), so h ~ G^0.6; liquid side Dittus-Boelter, h ~ Re^0.8. The rating UA is split with
/// hA_a/hA_l = 2/3 at rating (the default r_nominal of the Modelica Buildings Library's coil
/// models, Buildings.Fluid.HeatExchangers.DryCoilEffectivenessNTU): the air side holds 60 % of
/// the resistance.
///
/// Fans (solver/facility/fan.hpp): N identical fans at one relative speed s; air mass flow
/// m_a = m_a,r s (the coil is a quadratic resistance, so the flow follows the speed; the air's
/// density change with the ambient is neglected: +-3.5 % over +-10 K); power N P_r s^3.
///
/// Adiabatic pre-cooling (a wetted pad before the coil), switched on when the ambient dry bulb
/// is above pad_threshold_K: T_coil-in = T_db - eta (T_db - T_wb), eta the pad's saturation
/// effectiveness. Water evaporated = m_a (W_out - W_in), W_in from the caller (the ambient's
/// humidity ratio, from the psychrometrics), W_out from the adiabatic-saturation energy balance
/// h(T_db, W_in) + (W_out - W_in) h_w(T_wb) = h(T_coil-in, W_out) with ASHRAE's moist-air
/// enthalpy h = cp_da t + W (h_g0 + cp_v t) (ASHRAE Handbook Fundamentals 2017, ch. 1, eq. 30;
/// t in degC), h_w = cp_w t_wb for the pad's recirculated water at the wet bulb:
///   W_out = (cp_da (t_db - t_c) + W_in (h_g0 + cp_v t_db - h_w)) / (h_g0 + cp_v t_c - h_w),
/// which at eta = 1 is ASHRAE's wet-bulb relation (eq. 35) solved for the saturated W_s*.
/// No PI inside: speed_for_outlet() gives the steady speed that holds a liquid outlet (supply)
/// setpoint; a transient controller (solver/loop/pi_controller.hpp) belongs to whoever composes
/// the facility loop.
#include "solver/facility/fan.hpp"
#include "solver/physics/coolant.hpp"
#include "solver/physics/exchanger_effectiveness.hpp"

namespace kelvin {

/// Moist-air constants (ASHRAE Handbook Fundamentals 2017, ch. 1, eqs. 30-35), SI.
constexpr double kDryAirCp_J_kgK = 1006.0;        ///< cp of dry air
constexpr double kVapourCp_J_kgK = 1860.0;        ///< cp of water vapour
constexpr double kVapourEnthalpy0_J_kg = 2501e3;  ///< h_g of water vapour at 0 degC
constexpr double kLiquidWaterCp_J_kgK = 4186.0;   ///< cp of liquid water (h_w = cp_w t)

/// The rating point UA is derived from. Defaults: BAC Trillium TDFS1238N (as recorded in the
/// Modelica Buildings Library's DataCenters.LiquidCooled package):
/// 2.931 MW, fluid 46.1 -> 40.55 degC at 35 degC air. The sheet gives no air flow; 400 kg/s
/// (air rise 7.2 K) and W 0.010 are assumed here.
struct DryCoolerRating {
  double heat_W = 2.931e6;                  ///< Q_r > 0
  double liquid_inlet_K = 273.15 + 46.1;    ///< > liquid_outlet_K
  double liquid_outlet_K = 273.15 + 40.55;  ///< > air_inlet_K
  double air_inlet_K = 273.15 + 35.0;
  double air_flow_kg_s = 400.0;       ///< dry-air mass flow, all fans at speed 1
  double air_humidity_ratio = 0.010;  ///< W at rating [kg/kg dry air], for C_a
};

/// A dry cooler's rating and hardware.
struct DryCoolerDesign {
  DryCoolerRating rating;
  ExchangerArrangement arrangement = ExchangerArrangement::CrossflowUnmixed;
  double air_to_liquid_hA_ratio = 2.0 / 3.0;  ///< hA_a / hA_l at rating (> 0)
  double air_film_exponent = 0.6;             ///< hA_a ~ m_a^n (>= 0)
  double liquid_film_exponent = 0.8;          ///< hA_l ~ m_l^n (>= 0)
  int fans = 12;                              ///< identical fans (>= 1)
  /// Each fan at speed 1; only its power enters the energy books (the sheet's 117.7 kW over
  /// 12 fans), its curve gives the flow's proportion to speed.
  FanRating fan{25.0, 150.0, 250.0, 117.7e3 / 12};
  double pad_effectiveness = 0.0;        ///< eta in [0, 1]; 0: no adiabatic pre-cooling
  double pad_threshold_K = 273.15 + 25;  ///< pad wetted when the dry bulb is above this
};

/// A rated dry cooler: the design and what its rating implies.
struct DryCooler {
  DryCoolerDesign design;
  CoolantProperties liquid;  ///< the facility loop's fluid
  double rated_liquid_flow_kg_s = 0;
  double rated_ua_W_K = 0;
  double rated_effectiveness = 0;
  double rated_ntu = 0;
  double rated_air_hA_W_K = 0;     ///< hA_a,r = UA_r (1 + r)
  double rated_liquid_hA_W_K = 0;  ///< hA_l,r = UA_r (1 + r) / r
};

/// Rates design with liquid `liquid` (formulas in the header comment). Throws
/// std::invalid_argument naming the bad input: heat, flows or ratio not positive, liquid outlet
/// not below its inlet, air not below the liquid outlet, a liquid temperature outside the
/// coolant's range, a rating the arrangement cannot reach (eps >= its limit), fans < 1, pad
/// effectiveness outside [0, 1], a bad fan rating.
DryCooler rate_dry_cooler(const DryCoolerDesign& design, const CoolantProperties& liquid);

/// The ambient air at the cooler's inlet.
struct AmbientAir {
  double dry_bulb_K = 0;
  double wet_bulb_K = 0;      ///< <= dry bulb; used by the pad only
  double humidity_ratio = 0;  ///< W [kg water/kg dry air], >= 0
};

/// One operating point.
struct DryCoolerState {
  double heat_W = 0;            ///< liquid -> air
  double liquid_outlet_K = 0;   ///< the supply temperature to the facility loop
  double air_coil_inlet_K = 0;  ///< after the pad
  double air_outlet_K = 0;
  double air_flow_kg_s = 0;        ///< dry air
  double liquid_capacity_W_K = 0;  ///< m_l cp_l(T_mean)
  double air_capacity_W_K = 0;     ///< m_a (cp_da + W cp_v)
  double ua_W_K = 0;
  double ntu = 0;
  double effectiveness = 0;
  double fan_power_W = 0;  ///< all fans
  bool pad_on = false;
  double coil_humidity_ratio = 0;  ///< W after the pad
  double water_evaporated_kg_s = 0;
};

/// Air leaving the pad: dry bulb T_db - eta (T_db - T_wb) and W from the adiabatic-saturation
/// balance (header comment). Throws std::invalid_argument if eta is outside [0, 1], W < 0 or
/// the wet bulb is above the dry bulb.
struct PadOutlet {
  double dry_bulb_K = 0;
  double humidity_ratio = 0;
};
PadOutlet adiabatic_pad(const AmbientAir& air, double pad_effectiveness);

/// The cooler at liquid flow [kg/s] >= 0 entering at liquid_inlet_K, in air `air`, fans at speed
/// s >= 0. No air or no liquid flow: no heat, outlets equal inlets, no water evaporated.
/// Throws std::invalid_argument naming a negative flow or speed, or a liquid inlet temperature
/// outside the coolant's range.
DryCoolerState dry_cooler_operate(const DryCooler& dc, double liquid_flow_kg_s,
                                  double liquid_inlet_K, const AmbientAir& air, double speed);

/// The liquid outlet [K] of dry_cooler_operate.
double outlet_temperature(const DryCooler& dc, double liquid_flow_kg_s, double liquid_inlet_K,
                          const AmbientAir& air, double speed);

/// The fan speed in [min_speed, max_speed] that holds the liquid outlet at outlet_setpoint_K, by
/// bisection (the outlet falls monotonically as the speed rises) to 1e-12 in speed. Returns
/// min_speed if even that cools below the setpoint and max_speed if even that cannot reach it.
/// Throws std::invalid_argument unless 0 <= min_speed <= max_speed.
double speed_for_outlet(const DryCooler& dc, double liquid_flow_kg_s, double liquid_inlet_K,
                        const AmbientAir& air, double outlet_setpoint_K, double min_speed = 0.0,
                        double max_speed = 1.0);

}  // namespace kelvin
