#pragma once
/// Steady heat in a coolant network: enthalpy carried by the solved flows, heat added by plate
/// branches, heat lost from pipes to an ambient, a link that is the hot side of a plate heat
/// exchanger (the CDU), and perfect mixing at the nodes.
///
/// Mass flows are m = rho_ref Q with rho_ref the coolant's density at the network's temperature,
/// so they balance at every node exactly as the hydraulics' volume flows do. Energy is carried
/// as specific enthalpy h(T) (enthalpy.hpp). Each link turns its upstream node's h (by the sign
/// of its flow) into an outlet h by an affine law h_out = a h_in + b:
///   plate heat Q [W]:    h_out = h_in + Q / m               (Delta T = Q / (m cp_bar), cp_bar the
///                                                            mean cp over the rise, exact)
///   pipe loss UA [W/K]:  h_out = h_amb + e (h_in - h_amb),   e = exp(-UA / (m cp(T_mean)))
///                        (T_out = T_amb + (T_in - T_amb) e for constant cp)
///   exchanger hot side:  h_out = h_in - eps C_min (T_in - T_cold_in) / m, with T_in linearised
///                        about the last iterate (exact at convergence)
/// A link with both heat and loss adds the heat first. Node i mixes perfectly:
///   (sum of inflows m_k + m_ext_in) h_i = sum m_k h_out,k + m_ext_in h(T_inlet,i).
/// These equations are linear in the node enthalpies for any flow directions — trees, DAGs and
/// loops with recirculation through an exchanger alike — and are solved together by a sparse
/// LU; cp in e and C_hot and the exchanger's linearisation are then updated, and the solve
/// repeated until no temperature changes by more than 1e-10 K.
#include <limits>
#include <optional>
#include <vector>

#include "solver/loop/gga.hpp"
#include "solver/loop/heat_exchanger.hpp"

namespace kelvin {

/// The cold side of an exchanger whose hot side is a network link.
struct ExchangerColdSide {
  PlateHeatExchanger hx;
  CoolantProperties coolant;  ///< facility water, typically
  double flow_kg_s = 0;       ///< facility mass flow
  double inlet_K = 0;         ///< facility supply temperature
};

/// What happens to the heat in one link.
struct LinkHeat {
  double heat_W = 0;       ///< added to the fluid (a plate's power); needs flow through the link
  double loss_ua_W_K = 0;  ///< conductance to the ambient
  double ambient_K = 293.15;
  std::optional<ExchangerColdSide> exchanger;  ///< the link is an exchanger's hot side
};

/// The heat inputs of a network.
struct ThermalProblem {
  std::vector<LinkHeat> links;  ///< empty (none) or one per link
  /// Per node: temperature [K] of fluid that enters the network there (a junction's negative
  /// demand, a fixed-pressure node that feeds the network); NaN where none enters. Empty: none.
  std::vector<double> inlet_temperature_K;
};

/// Steady temperatures of a network.
struct ThermalSolution {
  std::vector<double> node_temperature_K;
  std::vector<double> mass_flow_kg_s;  ///< per link, rho_ref Q, signed along from -> to
  std::vector<double> link_inlet_K;    ///< per link, at its upstream end (by the flow)
  std::vector<double> link_outlet_K;   ///< per link, at its downstream end
  std::vector<double> link_heat_W;     ///< per link, m (h_out - h_in): heat the fluid gained
  std::vector<double> cold_outlet_K;   ///< per link, an exchanger's cold outlet (else NaN)
  double boundary_outflow_W = 0;       ///< sum m_ext_out h_node - sum m_ext_in h_inlet
  int iterations = 0;                  ///< linear solves done
};

/// The reference density [kg/m^3] of net's mass flows, rho(net.temperature_K).
double reference_density(const Network& net);

/// Affine law of one link at its flow: h_out = a h_in + b. t_in_K and t_out_K are the last
/// iterate's inlet and outlet temperatures (where cp and the exchanger are linearised).
/// without_loss: leave the pipe loss out (the transient applies it to the parcels in the pipe).
struct AffineLaw {
  double a = 1, b = 0;
};
AffineLaw link_law(const Network& net, const LinkHeat& heat, double m_kg_s, double t_in_K,
                   double t_out_K, bool without_loss = false);

/// The flow graph of one set of link flows: each link's upstream and downstream node, and what
/// enters and leaves each node from outside the network.
struct FlowGraph {
  std::vector<double> m_kg_s;        ///< per link, rho_ref Q
  std::vector<int> up, down;         ///< per link, node indices by the flow; -1: stagnant link
  std::vector<double> ext_in_kg_s;   ///< per node, entering from outside with its inlet T
  std::vector<double> ext_out_kg_s;  ///< per node, leaving the network (at the node's h)
  /// per node, round-off inflow of a closed loop's fixed-pressure node (no inlet T): it enters
  /// at the node's own h
  std::vector<double> ext_in_own_kg_s;
};

/// Builds the flow graph of net at flows [m^3/s]. A link is stagnant when |m| <= 1e-12 of the
/// largest |m|. Throws NetworkError for fluid entering a node that has no inlet temperature,
/// beyond 1e-9 of the node's through-flow.
FlowGraph flow_graph(const Network& net, const std::vector<double>& flow_m3_s,
                     const std::vector<double>& inlet_temperature_K);

/// Node enthalpies from the mixing balance of every node i:
///   (d_i + sum_in m_k) h_i - sum_in m_k a_k h_up(k) = r_i + sum_in m_k b_k,
/// with the link laws of the flowing links, d and r what the caller adds to the diagonal and
/// right-hand side (outside inflow, thermal mass). A node with nothing on its diagonal keeps
/// fallback_h. Rows are scaled by their diagonals (a check valve's leakage makes rows ~1e-9
/// the size of the others) and solved by sparse LU. Throws NetworkError("<what>: singular ...").
std::vector<double> solve_mixing(const FlowGraph& g, const std::vector<AffineLaw>& law,
                                 std::vector<double> diag, std::vector<double> rhs,
                                 const std::vector<double>& fallback_h, const char* what);

/// Solves the steady temperatures on the flows of hyd. Throws NetworkError for a heated link
/// without flow, fluid entering at a node without an inlet temperature (a fixed-pressure node
/// of a closed loop passes only round-off, which needs none), wrong-sized inputs, or no
/// convergence in 100 solves.
ThermalSolution solve_steady_thermal(const Network& net, const HydraulicSolution& hyd,
                                     const ThermalProblem& problem);

}  // namespace kelvin
