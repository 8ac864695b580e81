#pragma once
/// A counterflow plate heat exchanger by the effectiveness-NTU method, with its conductance UA
/// scaled from a rating point with each side's mass flow.
///
/// epsilon = (1 - exp(-NTU (1 - Cr))) / (1 - Cr exp(-NTU (1 - Cr))), NTU = UA / C_min,
/// Cr = C_min / C_max, C = m_dot cp [W/K]; Cr -> 1: epsilon = NTU / (1 + NTU).
/// Heat Q = epsilon C_min (T_hot_in - T_cold_in) [W].
///
/// UA scaling: 1/UA = 1/hA_hot + 1/hA_cold, each side's film conductance hA ~ m_dot^0.8
/// (Dittus-Boelter-type turbulent plate channels), with the rating UA split equally between
/// the sides at rating: hA_side = 2 UA_rated (m_dot / m_dot_rated)^0.8.
#include "solver/physics/coolant.hpp"

namespace kelvin {

/// Exponent of a side's film conductance on its mass flow, hA ~ m_dot^kFilmFlowExponent.
constexpr double kFilmFlowExponent = 0.8;

/// Effectiveness [1] of a counterflow exchanger at ntu >= 0 and cr in [0, 1]. Within 1e-7 of
/// Cr = 1 the closed form loses digits (0/0), so the Cr = 1 limit is used there.
double counterflow_effectiveness(double ntu, double cr);

/// NTU [1] that gives effectiveness eps in [0, 1) at cr (the inverse of the above):
/// NTU = ln((1 - eps Cr) / (1 - eps)) / (1 - Cr), Cr = 1: eps / (1 - eps).
double counterflow_ntu(double eps, double cr);

/// Crossflow effectiveness [1], ntu >= 0, cr = C_min / C_max in [0, 1]; each tends to the
/// counterflow value's Cr = 0 limit 1 - e^-NTU as cr -> 0 (one fluid at constant temperature).
///
/// Both fluids unmixed, exact (Mason 1954; Kays & London, Compact Heat Exchangers, 1984):
///   epsilon = 1/(Cr NTU) sum_{n>=0} P(n+1, NTU) P(n+1, Cr NTU),
/// P(n+1, x) = 1 - e^-x sum_{m<=n} x^m/m! (the regularised lower incomplete gamma function), summed
/// over n <= NTU + 10 sqrt(NTU) + 30, past which the terms are far below round-off of the sum.
/// ntu <= 700 (e^-NTU must not underflow).
double crossflow_unmixed_effectiveness(double ntu, double cr);

/// Both fluids unmixed, the common approximation (Incropera & DeWitt, table 11.3), within 0.02
/// (absolute) of the exact form for NTU <= 10 (tests/unit_loop_crossflow.cpp):
/// epsilon = 1 - exp[(1/Cr) NTU^0.22 (exp(-Cr NTU^0.78) - 1)].
double crossflow_unmixed_approx_effectiveness(double ntu, double cr);

/// C_max mixed, C_min unmixed (exact): epsilon = (1/Cr) (1 - exp(-Cr (1 - e^-NTU))).
double crossflow_cmax_mixed_effectiveness(double ntu, double cr);

/// C_min mixed, C_max unmixed (exact): epsilon = 1 - exp(-(1/Cr) (1 - e^-(Cr NTU))).
double crossflow_cmin_mixed_effectiveness(double ntu, double cr);

/// The flow arrangements above, for a caller that picks one at run time.
enum class ExchangerArrangement {
  Counterflow,
  CrossflowUnmixed,
  CrossflowUnmixedApprox,
  CrossflowCmaxMixed,
  CrossflowCminMixed,
};

/// Effectiveness [1] of arrangement at ntu and cr (the functions above).
double effectiveness(ExchangerArrangement arrangement, double ntu, double cr);

/// A plate exchanger rated at one point: its UA and the two sides' mass flows there.
struct PlateHeatExchanger {
  double rated_ua_W_K = 0;          ///< UA at the rating point [W/K]
  double rated_hot_flow_kg_s = 0;   ///< hot (secondary, coolant) side mass flow at rating
  double rated_cold_flow_kg_s = 0;  ///< cold (facility water) side mass flow at rating
};

/// UA [W/K] at the given side flows [kg/s] (the scaling law in the header comment); 0 when
/// either flow is 0.
double exchanger_ua(const PlateHeatExchanger& hx, double hot_flow_kg_s, double cold_flow_kg_s);

/// One operating point of an exchanger.
struct ExchangeResult {
  double heat_W = 0;             ///< from the hot to the cold side
  double hot_outlet_K = 0;       ///< hot side outlet
  double cold_outlet_K = 0;      ///< cold side outlet
  double effectiveness = 0;      ///< [1]
  double ntu = 0;                ///< [1]
  double ua_W_K = 0;             ///< at these flows
  double hot_capacity_W_K = 0;   ///< m_dot cp of the hot side, cp at its mean temperature
  double cold_capacity_W_K = 0;  ///< the same for the cold side
};

/// Solves the exchanger at the given inlets. Each side's cp is taken at its mean temperature
/// (iterated to 1e-12 K); the outlets are then found from the heat through each fluid's
/// enthalpy (solver/loop/enthalpy.hpp), so Q = m_hot (h_in - h_out) = m_cold (h_out - h_in) to
/// round-off on both sides. Flows >= 0; a zero flow on either side exchanges nothing.
ExchangeResult exchange(const PlateHeatExchanger& hx, const CoolantProperties& hot,
                        double hot_flow_kg_s, double hot_inlet_K, const CoolantProperties& cold,
                        double cold_flow_kg_s, double cold_inlet_K);

}  // namespace kelvin
