#include "solver/loop/transport.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "solver/loop/enthalpy.hpp"

namespace kelvin {

constexpr double kPi = 3.14159265358979323846;

double pop_parcels(std::deque<Parcel>& q, double volume, bool from_back) {
  double integral = 0;
  while (volume > 0 && !q.empty()) {
    Parcel& p = from_back ? q.back() : q.front();
    // A parcel within round-off of what is left to pop goes whole (no slivers).
    if (p.volume_m3 <= volume * (1.0 + 1e-13)) {
      integral += p.volume_m3 * p.enthalpy_J_kg;
      volume -= p.volume_m3;
      if (from_back)
        q.pop_back();
      else
        q.pop_front();
    } else {
      integral += volume * p.enthalpy_J_kg;
      p.volume_m3 -= volume;
      volume = 0;
    }
  }
  return integral;
}

TransientThermal::TransientThermal(const Network& net, const std::vector<double>& node_mass_kg,
                                   const std::vector<double>& initial_K)
    : m_net(net), m_rho(reference_density(net)) {
  const IndexedNetwork ix = index_network(net);
  const std::size_t nl = net.links.size(), nn = net.nodes.size();
  if (initial_K.size() != nn) throw NetworkError("transient: one initial temperature per node");
  if (!node_mass_kg.empty() && node_mass_kg.size() != nn)
    throw NetworkError("transient: node masses must be empty or one per node");
  m_mass_kg = node_mass_kg.empty() ? std::vector<double>(nn, 0.0) : node_mass_kg;
  for (std::size_t i = 0; i < nn; ++i) {
    if (!(m_mass_kg[i] >= 0)) throw NetworkError("node '" + net.nodes[i].name + "': mass < 0");
    check_coolant_temperature(net.coolant, initial_K[i], "initial temperature");
  }
  m_node_T = initial_K;
  m_node_h.resize(nn);
  for (std::size_t i = 0; i < nn; ++i) m_node_h[i] = coolant_enthalpy(net.coolant, initial_K[i]);
  m_volume_m3.assign(nl, 0.0);
  m_parcels.resize(nl);
  m_link_out_T.assign(nl, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < nl; ++k)
    if (const auto* p = std::get_if<Pipe>(&net.links[k].component)) {
      m_volume_m3[k] = 0.25 * kPi * p->diameter_m * p->diameter_m * p->length_m;
      m_parcels[k].push_back({m_volume_m3[k], m_node_h[ix.from[k]]});
    }
  m_stored0_J = stored_J();
}

double TransientThermal::stored_J() const {
  double e = 0;
  for (std::size_t i = 0; i < m_node_h.size(); ++i) e += m_mass_kg[i] * m_node_h[i];
  for (const auto& q : m_parcels)
    for (const Parcel& p : q) e += m_rho * p.volume_m3 * p.enthalpy_J_kg;
  return e;
}

double TransientThermal::energy_residual_J() const {
  return stored_J() - m_stored0_J - m_heat_J + m_boundary_J;
}

void TransientThermal::step(const std::vector<double>& flow_m3_s, const ThermalProblem& problem,
                            double dt) {
  if (!(dt > 0)) throw NetworkError("transient: dt must be positive");
  const std::size_t nl = m_net.links.size(), nn = m_net.nodes.size();
  if (!problem.links.empty() && problem.links.size() != nl)
    throw NetworkError("thermal: link heats must be empty or one per link");
  const CoolantProperties& c = m_net.coolant;
  const FlowGraph g = flow_graph(m_net, flow_m3_s, problem.inlet_temperature_K);
  const LinkHeat none;
  auto heat_of = [&](std::size_t k) -> const LinkHeat& {
    return problem.links.empty() ? none : problem.links[k];
  };

  // Link laws: h_out (step mean) = A h_up' + B; the inlet law (a, b) without the pipe loss.
  std::vector<AffineLaw> inlet_law(nl), law(nl);
  std::vector<double> kept(nl, 0.0);  // volume of this step's inflow that stays in the pipe
  std::vector<double> diag(nn, 0.0), rhs(nn, 0.0);
  for (std::size_t i = 0; i < nn; ++i) {
    diag[i] = m_mass_kg[i] / dt + g.ext_in_kg_s[i];
    rhs[i] = m_mass_kg[i] / dt * m_node_h[i];
    if (g.ext_in_kg_s[i] > 0)
      rhs[i] += g.ext_in_kg_s[i] * coolant_enthalpy(c, problem.inlet_temperature_K[i]);
  }
  for (std::size_t k = 0; k < nl; ++k) {
    if (g.up[k] < 0) {
      if (heat_of(k).heat_W != 0)
        throw NetworkError("link '" + m_net.links[k].name + "' is heated but carries no flow");
      continue;
    }
    const double m = std::abs(g.m_kg_s[k]);
    const bool pipe = m_volume_m3[k] > 0;
    const double t_in = m_node_T[g.up[k]];
    const double t_out = std::isnan(m_link_out_T[k]) ? t_in : m_link_out_T[k];
    inlet_law[k] = link_law(m_net, heat_of(k), m, t_in, t_out, pipe);
    law[k] = inlet_law[k];
    if (pipe) {
      const double w = std::abs(flow_m3_s[k]) * dt, v = m_volume_m3[k];
      const double popped = pop_parcels(m_parcels[k], std::min(w, v), g.m_kg_s[k] > 0);
      const double alpha = std::max(0.0, w - v) / w;
      kept[k] = std::min(w, v);
      law[k] = {alpha * inlet_law[k].a, alpha * inlet_law[k].b + popped / w};
    }
  }
  // a node with no mass that nothing flows into keeps its enthalpy
  const std::vector<double> h = solve_mixing(g, law, diag, rhs, m_node_h, "transient");

  for (std::size_t i = 0; i < nn; ++i) {
    m_node_h[i] = h[i];
    m_node_T[i] = coolant_temperature(c, h[i], m_node_T[i]);
    if (!std::isfinite(m_node_T[i]))
      throw NetworkError("transient: non-finite temperature at node '" + m_net.nodes[i].name + "'");
    m_boundary_J += dt * ((g.ext_out_kg_s[i] - g.ext_in_own_kg_s[i]) * h[i]);
    if (g.ext_in_kg_s[i] > 0)
      m_boundary_J -= dt * g.ext_in_kg_s[i] * coolant_enthalpy(c, problem.inlet_temperature_K[i]);
  }
  for (std::size_t k = 0; k < nl; ++k) {
    if (g.up[k] < 0) {
      m_link_out_T[k] = std::numeric_limits<double>::quiet_NaN();
    } else {
      const double m = std::abs(g.m_kg_s[k]), h_up = h[g.up[k]];
      const double h_in = inlet_law[k].a * h_up + inlet_law[k].b;  // after the inlet law
      const double h_out = law[k].a * h_up + law[k].b;
      m_link_out_T[k] = coolant_temperature(c, h_out, m_node_T[g.up[k]]);
      if (m_volume_m3[k] > 0) {
        m_heat_J += m * dt * (h_in - h_up);
        std::deque<Parcel>& q = m_parcels[k];
        const bool at_front = g.m_kg_s[k] > 0;
        if (!q.empty() && (at_front ? q.front() : q.back()).enthalpy_J_kg == h_in)
          (at_front ? q.front() : q.back()).volume_m3 += kept[k];
        else if (at_front)
          q.push_front({kept[k], h_in});
        else
          q.push_back({kept[k], h_in});
      } else {
        m_heat_J += m * dt * (h_out - h_up);
      }
    }
    const LinkHeat& lh = heat_of(k);
    if (m_volume_m3[k] > 0 && lh.loss_ua_W_K > 0) {
      const double t_ref = g.up[k] >= 0 ? m_node_T[g.up[k]] : m_net.temperature_K;
      const double e =
          std::exp(-lh.loss_ua_W_K * dt / (m_rho * m_volume_m3[k] * c.specific_heat(t_ref)));
      const double h_amb = coolant_enthalpy(c, lh.ambient_K);
      for (Parcel& p : m_parcels[k]) {
        const double hp = h_amb + e * (p.enthalpy_J_kg - h_amb);
        m_heat_J += m_rho * p.volume_m3 * (hp - p.enthalpy_J_kg);
        p.enthalpy_J_kg = hp;
      }
    }
  }
}

}  // namespace kelvin
