#include "solver/loop/gga.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <sstream>

namespace kelvin {

// Newton step of the global gradient algorithm. Unknowns: link flows Q, junction pressures p
// (fixed pressures p0 known). With A12 the link-node incidence (+1 at a link's from-junction,
// -1 at its to-junction), F(Q) the link losses, b = rho g (z_from - z_to) and d the demands:
//   link balance  r1 = F(Q) - A12 p - A10 p0 - b = 0
//   node balance  r2 = A21 Q + d = 0                 (A21 = A12^T: outflow - inflow)
// Linearised with D = diag(F'(Q)):  D dQ - A12 dp = -r1,  A21 dQ = -r2, so
//   (A21 D^-1 A12) dp = A21 D^-1 r1 - r2            (SPD: a weighted graph Laplacian
//   dQ = D^-1 (A12 dp - r1)                          grounded at the fixed nodes)
// The node balance is linear, so after every step it holds to rounding.
HydraulicSolution solve_hydraulics(const Network& net, const GgaSettings& settings) {
  const IndexedNetwork ix = index_network(net);
  const std::size_t nl = net.links.size(), nn = net.nodes.size();
  HydraulicSolution sol;
  sol.density_kg_m3.resize(nl);
  sol.flow_m3_s.resize(nl);
  sol.pressure_Pa.resize(nn);
  std::vector<double> floor(nl), b(nl), r1(nl), slope(nl);

  // Start: flows at each component's typical flow, junctions at the mean fixed pressure.
  double p_mean = 0;
  int fixed = 0;
  for (const Node& n : net.nodes)
    if (n.fixed_pressure) p_mean += n.pressure_Pa, ++fixed;
  p_mean /= fixed;
  for (std::size_t i = 0; i < nn; ++i)
    sol.pressure_Pa[i] = net.nodes[i].fixed_pressure ? net.nodes[i].pressure_Pa : p_mean;
  for (std::size_t k = 0; k < nl; ++k) {
    const FluidState& fl = ix.fluid[k];
    sol.density_kg_m3[k] = fl.density_kg_m3;
    sol.flow_m3_s[k] = initial_flow(net.links[k].component, fl);
    floor[k] = settings.slope_floor_fraction *
               component_loss(net.links[k].component, sol.flow_m3_s[k], fl).slope_Pa_s_m3;
    b[k] = fl.density_kg_m3 * kStandardGravity *
           (net.nodes[ix.from[k]].elevation_m - net.nodes[ix.to[k]].elevation_m);
  }

  const int n = ix.unknowns;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt;
  std::vector<Eigen::Triplet<double>> entries;
  Eigen::VectorXd rhs(n), dp(n);
  double flow_change = INFINITY;
  for (int it = 0;; ++it) {
    // r1 = F(Q) - (p_from - p_to) - b, D = max(F'(Q), floor)
    double r1_max = 0, loss_max = 0;
    for (std::size_t k = 0; k < nl; ++k) {
      const LossAndSlope ls = component_loss(net.links[k].component, sol.flow_m3_s[k], ix.fluid[k]);
      r1[k] = ls.dp_Pa - (sol.pressure_Pa[ix.from[k]] - sol.pressure_Pa[ix.to[k]]) - b[k];
      slope[k] = std::fmax(ls.slope_Pa_s_m3, floor[k]);
      r1_max = std::fmax(r1_max, std::abs(r1[k]));
      loss_max = std::fmax(loss_max, std::abs(ls.dp_Pa));
    }
    sol.balance = r1_max / std::fmax(loss_max, 1e-300);
    if (!std::isfinite(sol.balance) || (it > 0 && !std::isfinite(flow_change))) {
      std::ostringstream m;
      m << "coolant network: non-finite flow or pressure at Newton iteration " << it;
      throw NetworkNotConverged(m.str(), it, flow_change);
    }
    if (it > 0 && flow_change <= settings.flow_tolerance &&
        sol.balance <= settings.balance_tolerance) {
      sol.iterations = it;
      sol.flow_change = flow_change;
      return sol;
    }
    if (it == settings.max_iterations) {
      std::ostringstream m;
      m << "coolant network: no convergence in " << it << " Newton iterations (flow change "
        << flow_change << ", head balance " << sol.balance << ")";
      throw NetworkNotConverged(m.str(), it, flow_change);
    }

    // rhs = A21 D^-1 r1 - r2, r2 = outflow - inflow + demand; S = A21 D^-1 A12
    rhs.setZero();
    entries.clear();
    for (std::size_t i = 0; i < nn; ++i) {
      const int row = ix.unknown_of_node[i];
      if (row >= 0) rhs[row] = -net.nodes[i].demand_m3_s;
    }
    for (std::size_t k = 0; k < nl; ++k) {
      const int f = ix.unknown_of_node[ix.from[k]], t = ix.unknown_of_node[ix.to[k]];
      const double w = 1.0 / slope[k], q = sol.flow_m3_s[k];
      if (f >= 0) rhs[f] += w * r1[k] - q, entries.emplace_back(f, f, w);
      if (t >= 0) rhs[t] -= w * r1[k] - q, entries.emplace_back(t, t, w);
      if (f >= 0 && t >= 0) entries.emplace_back(f, t, -w), entries.emplace_back(t, f, -w);
    }
    if (n > 0) {
      Eigen::SparseMatrix<double> s(n, n);
      s.setFromTriplets(entries.begin(), entries.end());
      if (it == 0) ldlt.analyzePattern(s);
      ldlt.factorize(s);
      if (ldlt.info() != Eigen::Success)
        throw NetworkNotConverged("coolant network: pressure matrix is singular", it, flow_change);
      dp = ldlt.solve(rhs);
    }

    // dQ = D^-1 (A12 dp - r1); p += dp
    double dq_sum = 0, q_sum = 0;
    for (std::size_t k = 0; k < nl; ++k) {
      const int f = ix.unknown_of_node[ix.from[k]], t = ix.unknown_of_node[ix.to[k]];
      const double a12dp = (f >= 0 ? dp[f] : 0.0) - (t >= 0 ? dp[t] : 0.0);
      const double dq = (a12dp - r1[k]) / slope[k];
      sol.flow_m3_s[k] += dq;
      dq_sum += std::abs(dq);
      q_sum += std::abs(sol.flow_m3_s[k]);
    }
    for (std::size_t i = 0; i < nn; ++i)
      if (ix.unknown_of_node[i] >= 0) sol.pressure_Pa[i] += dp[ix.unknown_of_node[i]];
    flow_change = q_sum > 0 ? dq_sum / q_sum : dq_sum;
  }
}

}  // namespace kelvin
