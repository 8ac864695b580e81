#include "solver/loop/thermal.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <map>

#include "solver/loop/enthalpy.hpp"

namespace kelvin {

double reference_density(const Network& net) { return net.coolant.density(net.temperature_K); }

AffineLaw link_law(const Network& net, const LinkHeat& heat, double m, double t_in, double t_out,
                   bool without_loss) {
  const CoolantProperties& c = net.coolant;
  const double am = std::abs(m);
  AffineLaw law;
  if (am == 0) return law;
  if (heat.exchanger) {
    // Q = eps C_min (T_in - T_c); T_in ~ t_in + (h_in - h(t_in)) / cp(t_in)
    const ExchangerColdSide& x = *heat.exchanger;
    const double c_hot = am * c.specific_heat(0.5 * (t_in + t_out));
    // cp of the cold side at its mean temperature, its outlet from the last iterate's heat
    const double q_last = c_hot * (t_in - t_out);
    const double t_cold_out =
        x.flow_kg_s > 0 ? x.inlet_K + q_last / (x.flow_kg_s * x.coolant.specific_heat(x.inlet_K))
                        : x.inlet_K;
    const double c_cold = x.flow_kg_s * x.coolant.specific_heat(0.5 * (x.inlet_K + t_cold_out));
    const double ua = exchanger_ua(x.hx, am, x.flow_kg_s);
    double g = 0;  // eps C_min [W/K]
    if (ua > 0) {
      const double c_min = std::min(c_hot, c_cold), c_max = std::max(c_hot, c_cold);
      g = counterflow_effectiveness(ua / c_min, c_min / c_max) * c_min;
    }
    const double cp_in = c.specific_heat(t_in);
    law.a = 1.0 - g / (am * cp_in);
    law.b = -g / am * (t_in - coolant_enthalpy(c, t_in) / cp_in - x.inlet_K);
  }
  law.b += heat.heat_W / am;
  if (heat.loss_ua_W_K > 0 && !without_loss) {
    const double e = std::exp(-heat.loss_ua_W_K / (am * c.specific_heat(0.5 * (t_in + t_out))));
    const double h_amb = coolant_enthalpy(c, heat.ambient_K);
    law.a *= e;
    law.b = e * law.b + (1.0 - e) * h_amb;
  }
  return law;
}

FlowGraph flow_graph(const Network& net, const std::vector<double>& q,
                     const std::vector<double>& inlet_T) {
  const IndexedNetwork ix = index_network(net);
  const std::size_t nl = net.links.size(), nn = net.nodes.size();
  if (q.size() != nl) throw NetworkError("thermal: one flow per link expected");
  if (!inlet_T.empty() && inlet_T.size() != nn)
    throw NetworkError("thermal: inlet temperatures must be empty or one per node");
  const double rho = reference_density(net);
  FlowGraph g;
  g.m_kg_s.resize(nl);
  g.up.assign(nl, -1);
  g.down.assign(nl, -1);
  g.ext_in_kg_s.assign(nn, 0.0);
  g.ext_out_kg_s.assign(nn, 0.0);
  g.ext_in_own_kg_s.assign(nn, 0.0);
  double m_max = 0;
  for (std::size_t k = 0; k < nl; ++k)
    g.m_kg_s[k] = rho * q[k], m_max = std::max(m_max, std::abs(g.m_kg_s[k]));
  std::vector<double> in(nn, 0.0), out(nn, 0.0);
  for (std::size_t k = 0; k < nl; ++k) {
    const double m = g.m_kg_s[k];
    if (!(std::abs(m) > 1e-12 * m_max)) continue;
    g.up[k] = m > 0 ? ix.from[k] : ix.to[k];
    g.down[k] = m > 0 ? ix.to[k] : ix.from[k];
    out[g.up[k]] += std::abs(m);
    in[g.down[k]] += std::abs(m);
  }
  for (std::size_t i = 0; i < nn; ++i) {
    const Node& n = net.nodes[i];
    // Net fluid entering from outside (a fixed node's imbalance, a junction's negative demand),
    // taken from the link flows so that mass balances exactly at every node.
    const double ext = out[i] - in[i];
    const bool has_T = !inlet_T.empty() && !std::isnan(inlet_T[i]);
    if (ext > 0) {
      if (has_T) {
        g.ext_in_kg_s[i] = ext;
      } else if (ext <= 1e-9 * std::max(in[i], out[i])) {
        g.ext_in_own_kg_s[i] = ext;
      } else {
        throw NetworkError("node '" + n.name + "': " + std::to_string(ext) +
                           " kg/s enters the network here; give its inlet temperature");
      }
    } else {
      g.ext_out_kg_s[i] = -ext;
    }
  }
  return g;
}

std::vector<double> solve_mixing(const FlowGraph& g, const std::vector<AffineLaw>& law,
                                 std::vector<double> diag, std::vector<double> rhs,
                                 const std::vector<double>& fallback_h, const char* what) {
  const std::size_t nn = diag.size();
  std::vector<Eigen::Triplet<double>> entries;
  for (std::size_t k = 0; k < law.size(); ++k) {
    if (g.up[k] < 0) continue;
    const double m = std::abs(g.m_kg_s[k]);
    diag[g.down[k]] += m;
    entries.emplace_back(g.down[k], g.up[k], -m * law[k].a);
    rhs[g.down[k]] += m * law[k].b;
  }
  // rows scaled by their diagonals: each row's diagonal becomes 1
  for (auto& e : entries) e = {e.row(), e.col(), e.value() / diag[static_cast<std::size_t>(e.row())]};
  Eigen::VectorXd b(nn);
  for (std::size_t i = 0; i < nn; ++i) {
    entries.emplace_back(static_cast<int>(i), static_cast<int>(i), 1.0);
    b[i] = diag[i] > 0 ? rhs[i] / diag[i] : fallback_h[i];
  }
  Eigen::SparseMatrix<double> a(nn, nn);
  a.setFromTriplets(entries.begin(), entries.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(a);
  if (lu.info() != Eigen::Success) throw NetworkError(std::string(what) + ": singular mixing equations");
  const Eigen::VectorXd x = lu.solve(b);
  return std::vector<double>(x.data(), x.data() + nn);
}

ThermalSolution solve_steady_thermal(const Network& net, const HydraulicSolution& hyd,
                                     const ThermalProblem& problem) {
  const std::size_t nl = net.links.size(), nn = net.nodes.size();
  if (!problem.links.empty() && problem.links.size() != nl)
    throw NetworkError("thermal: link heats must be empty or one per link");
  const FlowGraph g = flow_graph(net, hyd.flow_m3_s, problem.inlet_temperature_K);
  const LinkHeat none;
  auto heat_of = [&](std::size_t k) -> const LinkHeat& {
    return problem.links.empty() ? none : problem.links[k];
  };
  for (std::size_t k = 0; k < nl; ++k)
    if (g.up[k] < 0 && heat_of(k).heat_W != 0)
      throw NetworkError("link '" + net.links[k].name + "' is heated but carries no flow");

  const CoolantProperties& c = net.coolant;
  ThermalSolution s;
  s.mass_flow_kg_s = g.m_kg_s;
  s.node_temperature_K.assign(nn, net.temperature_K);
  s.link_inlet_K.assign(nl, net.temperature_K);
  s.link_outlet_K.assign(nl, net.temperature_K);
  s.link_heat_W.assign(nl, 0.0);
  s.cold_outlet_K.assign(nl, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> h_inlet(nn, 0.0), h(nn, 0.0);
  for (std::size_t i = 0; i < nn; ++i)
    if (g.ext_in_kg_s[i] > 0) h_inlet[i] = coolant_enthalpy(c, problem.inlet_temperature_K[i]);

  std::vector<AffineLaw> law(nl);
  for (int it = 1;; ++it) {
    // Row i: (sum in m_k + m_ext_in) h_i - sum in m_k a_k h_up(k) = sum in m_k b_k + m_ext h_in;
    // a node nothing flows into keeps the network's temperature (or its inlet's)
    std::vector<double> diag(nn), rhs(nn), fallback(nn);
    for (std::size_t i = 0; i < nn; ++i) {
      diag[i] = g.ext_in_kg_s[i], rhs[i] = g.ext_in_kg_s[i] * h_inlet[i];
      const bool has_T =
          !problem.inlet_temperature_K.empty() && !std::isnan(problem.inlet_temperature_K[i]);
      fallback[i] = coolant_enthalpy(c, has_T ? problem.inlet_temperature_K[i] : net.temperature_K);
    }
    for (std::size_t k = 0; k < nl; ++k)
      if (g.up[k] >= 0)
        law[k] = link_law(net, heat_of(k), std::abs(g.m_kg_s[k]), s.link_inlet_K[k],
                          s.link_outlet_K[k]);
    const std::vector<double> x = solve_mixing(g, law, diag, rhs, fallback, "thermal");

    double change = 0;
    for (std::size_t i = 0; i < nn; ++i) {
      h[i] = x[i];
      const double t = coolant_temperature(c, h[i], s.node_temperature_K[i]);
      if (!std::isfinite(t)) throw NetworkError("thermal: non-finite node temperature");
      change = std::max(change, std::abs(t - s.node_temperature_K[i]));
      s.node_temperature_K[i] = t;
    }
    for (std::size_t k = 0; k < nl; ++k) {
      if (g.up[k] < 0) continue;
      const double m = std::abs(g.m_kg_s[k]);
      const double h_out = law[k].a * h[g.up[k]] + law[k].b;
      s.link_heat_W[k] = m * (h_out - h[g.up[k]]);
      const double t_out = coolant_temperature(c, h_out, s.link_outlet_K[k]);
      change = std::max(change, std::abs(t_out - s.link_outlet_K[k]));
      s.link_inlet_K[k] = s.node_temperature_K[g.up[k]];
      s.link_outlet_K[k] = t_out;
    }
    s.iterations = it;
    if (change <= 1e-10) break;
    if (it == 100) throw NetworkError("thermal: no convergence in 100 solves");
  }
  for (std::size_t k = 0; k < nl; ++k) {
    const LinkHeat& lh = heat_of(k);
    if (!lh.exchanger) continue;
    const ExchangerColdSide& xc = *lh.exchanger;
    s.cold_outlet_K[k] = xc.flow_kg_s > 0
                             ? coolant_temperature(xc.coolant,
                                                   coolant_enthalpy(xc.coolant, xc.inlet_K) -
                                                       s.link_heat_W[k] / xc.flow_kg_s,
                                                   xc.inlet_K)
                             : xc.inlet_K;
  }
  for (std::size_t i = 0; i < nn; ++i)
    s.boundary_outflow_W +=
        (g.ext_out_kg_s[i] - g.ext_in_own_kg_s[i]) * h[i] - g.ext_in_kg_s[i] * h_inlet[i];
  return s;
}

}  // namespace kelvin
