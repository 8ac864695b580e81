#pragma once
/// Transient heat in a coolant network: exact transport delay in pipes and lumped thermal mass
/// at nodes, stepped by a given dt on given (possibly changing) flows.
///
/// Pipes carry plug flow as a Lagrangian queue of fluid parcels (volume, enthalpy), as the
/// "segments" of EPANET's water-quality model and Modelica Buildings' plug-flow pipe do: each
/// step pushes the volume |Q| dt that entered at the inlet end and pops as much from the outlet
/// end, so a front leaves after exactly V / Q, unsmeared (the outlet over a step is the exact
/// average of the inlet signal shifted by V / Q). Reversed flow pushes at the other end. A
/// pipe's heat loss relaxes each parcel towards the ambient,
///   h_p <- h_amb + (h_p - h_amb) exp(-UA dt / (rho V cp)), cp at the pipe's inlet temperature,
/// applied at the end of each step (a parcel that enters and leaves in the same step loses
/// nothing: the loss is first order in dt, the transport exact). Every other link (and a pipe's
/// plate heat or exchanger, applied at its inlet) acts without delay by its steady law
/// (thermal.hpp, linearised about the last step's temperatures).
///
/// Nodes hold a thermal mass M_i [kg of coolant-equivalent; a metal mass C [J/K] counts as
/// C / cp]; with M = 0 a node mixes instantaneously. Implicit Euler on the node enthalpies:
///   M_i (h_i' - h_i) / dt + (sum in m_k + m_ext_in) h_i' = sum in m_k h_out,k + m_ext_in h_inlet
/// where a pipe's step-mean outlet is affine in its upstream node's new enthalpy,
///   h_out = alpha h_up' + beta, alpha = max(0, W - V) / W (the part of this step's inflow that
///   already leaves), beta = (enthalpy of the old parcels popped) / W, W = |Q| dt,
/// so one sparse linear solve per step. Stored energy sum M h + sum rho V_p h_p changes by the
/// heat added minus the net boundary outflow to round-off (energy_residual_J()).
#include <deque>
#include <vector>

#include "solver/loop/thermal.hpp"

namespace kelvin {

/// A fluid parcel in a pipe.
struct Parcel {
  double volume_m3 = 0;
  double enthalpy_J_kg = 0;
};

/// Transient temperatures of a network.
class TransientThermal {
 public:
  /// net's pipes are filled with fluid at their upstream node's initial temperature (by the
  /// drawn direction); node_mass_kg: empty (none) or one per node; initial_K: one per node.
  /// Throws NetworkError for wrong sizes or negative masses.
  TransientThermal(const Network& net, const std::vector<double>& node_mass_kg,
                   const std::vector<double>& initial_K);

  /// Advances by dt [s] on the link flows flow_m3_s (one per link) with the heat inputs of
  /// problem (as for solve_steady_thermal).
  void step(const std::vector<double>& flow_m3_s, const ThermalProblem& problem, double dt_s);

  /// Node temperatures [K] now.
  const std::vector<double>& node_temperature_K() const { return m_node_T; }
  /// Each link's outlet temperature [K] averaged over the last step (by enthalpy; NaN: stagnant).
  const std::vector<double>& link_outlet_K() const { return m_link_out_T; }
  /// The parcels of link k, outlet end of a forward flow last ("from" end first).
  const std::deque<Parcel>& parcels(int k) const { return m_parcels[static_cast<std::size_t>(k)]; }
  /// Energy held in nodes and pipes [J] relative to h = 0.
  double stored_J() const;
  /// Cumulative heat added to the fluid [J] (plates, exchangers, minus pipe losses).
  double heat_added_J() const { return m_heat_J; }
  /// Cumulative net boundary outflow of enthalpy [J] (out minus in).
  double boundary_outflow_J() const { return m_boundary_J; }
  /// stored - stored_at_start - heat_added + boundary_outflow: round-off for a conserving step.
  double energy_residual_J() const;

 private:
  Network m_net;
  double m_rho;
  std::vector<double> m_volume_m3;  ///< per link: a pipe's volume, 0 for the rest
  std::vector<double> m_mass_kg;    ///< per node
  std::vector<double> m_node_h, m_node_T, m_link_out_T;
  std::vector<std::deque<Parcel>> m_parcels;
  double m_stored0_J = 0, m_heat_J = 0, m_boundary_J = 0;
};

/// Pops volume_m3 from the end of q (back when from_back) and returns the enthalpy-volume
/// integral [J/kg m^3] of what it popped; pops at most what q holds.
double pop_parcels(std::deque<Parcel>& q, double volume_m3, bool from_back);

}  // namespace kelvin
