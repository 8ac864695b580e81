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
#include "solver/physics/exchanger_effectiveness.hpp"  // the epsilon-NTU forms, shared with facility

namespace kelvin {

/// Exponent of a side's film conductance on its mass flow, hA ~ m_dot^kFilmFlowExponent.
constexpr double kFilmFlowExponent = 0.8;

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
