#pragma once
/// A computer-room air handler's chilled-water coil, dry (sensible only: a data hall's supply
/// air stays above its dew point), by epsilon-NTU in counterflow (a multi-row coil piped
/// against the air approaches counterflow; solver/physics/exchanger_effectiveness.hpp).
///   hA_air = hA_air,r (m_air / m_air,r)^0.8,  hA_w = hA_w,r (m_w / m_w,r)^0.85,
///   UA = 1 / (1 / hA_air + 1 / hA_w)
/// (the coil form of the Modelica Buildings Library, as recorded in shared/data/REFERENCE.md),
/// C = m c_p on each side, NTU = UA / C_min, Q = eps(NTU, C_min/C_max) C_min (T_air,in - T_w,in).

namespace kelvin {

/// A CRAH coil's rating: its UA at rated flows, split between the two sides.
struct CrahCoil {
  double ua_rated_W_K = 0;           ///< UA at the rated flows [W/K], > 0
  double air_flow_rated_kg_s = 0;    ///< m_air,r [kg/s], > 0
  double water_flow_rated_kg_s = 0;  ///< m_w,r [kg/s], > 0
  double air_side_share = 0.6;       ///< share of 1/UA on the air side at the rating, (0, 1)
  double air_cp_J_kgK = 1007;        ///< c_p of the air [J/(kg K)]
  double water_cp_J_kgK = 4190;      ///< c_p of the chilled water [J/(kg K)]
};

/// Throws std::invalid_argument naming the field unless every rating is positive and the
/// share in (0, 1).
void check_crah_coil(const CrahCoil& coil);

/// UA [W/K] at air and water flows [kg/s] > 0.
double crah_coil_ua_W_K(const CrahCoil& coil, double air_kg_s, double water_kg_s);

/// Heat [W] the coil takes from air entering at air_in_C into water entering at water_in_C.
double crah_coil_heat_W(const CrahCoil& coil, double air_in_C, double air_kg_s, double water_in_C,
                        double water_kg_s);

/// Chilled-water flow [kg/s] that holds the air leaving at supply_C (the CRAH's supply-air
/// setpoint, its valve's settled position): Q(m_w) rises with m_w, so bisection on
/// Q(m_w) = m_air c_p (T_air,in - T_supply) in (0, max_water_kg_s]; max_water_kg_s when even
/// that flow cannot reach the setpoint, 0 when the air is already at or below it.
double crah_water_flow_for_supply_kg_s(const CrahCoil& coil, double air_in_C, double air_kg_s,
                                       double water_in_C, double supply_C, double max_water_kg_s);

}  // namespace kelvin
