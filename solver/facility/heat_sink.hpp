#pragma once
/// An air-cooled GPU's plate-fin heat sink: its thermal resistance versus the air flow through
/// it, and the junction-to-air path of the package on it.
///
/// Channel heat transfer: the composite developing-laminar-flow model of Teertstra, Yovanovich
/// and Culham, "Analytical forced convection modeling of plate fin heat sinks", J. Electronics
/// Manufacturing 10(4), 2000, eq. (14), for parallel-plate channels of spacing b and length L,
///   Re_b* = Re_b b / L,  Re_b = V_ch b / nu,
///   Nu_b = [ (Re_b* Pr / 2)^-3 + (0.664 sqrt(Re_b*) Pr^(1/3) sqrt(1 + 3.65 / sqrt(Re_b*)))^-3
///   ]^(-1/3), h = Nu_b k / b.
/// The first term is fully developed flow between plates, the second the developing boundary
/// layer (Blasius 0.664 with Muzychka's correction for the channel's favourable pressure gradient).
/// Channel velocity from the approach velocity over the sink's frontal area (continuity through
/// the open area): V_ch = V_app (1 + t / b).
/// Fins: straight rectangular fins of height H, thickness t, efficiency eta = tanh(mH)/(mH),
/// m = sqrt(2 h / (k_fin t)) (adiabatic tip); base between fins at the same h:
///   R_sink = 1 / (h (N eta 2 H L + (N - 1) b L)).
/// Spreading in the base and bypass around the sink are not modelled (a ducted server sink).
/// Junction to air: R_ja = R_jc + R_tim + R_sink(V).

namespace kelvin {

/// Dry air's properties at the sink's film temperature (defaults at 40 C, 1 atm:
/// Incropera, Fundamentals of Heat and Mass Transfer, 7th ed., Table A.4, interpolated).
struct AirProperties {
  double density_kg_m3 = 1.127;               ///< rho [kg/m^3]
  double specific_heat_J_kgK = 1007.0;        ///< c_p [J/(kg K)]
  double conductivity_W_mK = 0.0271;          ///< k [W/(m K)]
  double kinematic_viscosity_m2_s = 1.70e-5;  ///< nu [m^2/s]
  double prandtl = 0.705;                     ///< Pr [1]
};

/// A plate-fin heat sink's geometry and the package path under it.
struct PlateFinHeatSink {
  int fin_count = 0;                 ///< N, >= 2
  double fin_height_m = 0;           ///< H [m], > 0
  double fin_thickness_m = 0;        ///< t [m], > 0
  double fin_spacing_m = 0;          ///< b, gap between adjacent fins [m], > 0
  double length_m = 0;               ///< L, flow length [m], > 0
  double fin_conductivity_W_mK = 0;  ///< k_fin [W/(m K)], > 0 (copper ~390, Al ~200)
  double junction_to_case_K_W = 0;   ///< R_jc [K/W], >= 0
  double interface_K_W = 0;          ///< R_tim, case to sink base [K/W], >= 0
};

/// Throws std::invalid_argument naming the bad field unless the geometry is positive and finite
/// and N >= 2.
void check_heat_sink(const PlateFinHeatSink& sink);

/// The sink's frontal (approach) area [m^2]: width W = N t + (N - 1) b times H.
double heat_sink_frontal_area_m2(const PlateFinHeatSink& sink);

/// Teertstra's composite Nusselt number Nu_b [1] at Re_b* (>= 0) and Pr (> 0); 0 at Re_b* = 0.
double teertstra_nusselt(double reynolds_star, double prandtl);

/// Fin efficiency tanh(mH)/(mH) [1] for m H >= 0 (1 at 0).
double fin_efficiency(double m_times_height);

/// Heat transfer coefficient h [W/(m^2 K)] in the channels at volume flow [m^3/s] >= 0 through
/// the sink's frontal area.
double heat_sink_h_W_m2K(const PlateFinHeatSink& sink, const AirProperties& air, double flow_m3_s);

/// Sink-to-air resistance R_sink [K/W] (base to approaching air) at volume flow [m^3/s] > 0.
double heat_sink_resistance_K_W(const PlateFinHeatSink& sink, const AirProperties& air,
                                double flow_m3_s);

/// Junction-to-air resistance R_jc + R_tim + R_sink [K/W] at volume flow [m^3/s] > 0.
double junction_to_air_K_W(const PlateFinHeatSink& sink, const AirProperties& air,
                           double flow_m3_s);

}  // namespace kelvin
