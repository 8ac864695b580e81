#include "solver/app/probes.hpp"

#include <cmath>

namespace kelvin {

ProbeStencil probe_stencil(const std::string& name, const std::array<double, 3>& x,
                           const ConductionProblem& p) {
  const Grid& g = p.grid;
  ProbeStencil s;
  s.name = name;
  for (int d = 0; d < 3; ++d) s.cell[d] = g.locate(d, x[d]);
  const auto nm = static_cast<int>(p.conductivity_W_mK.size());
  const int mc = g.material(s.cell[0], s.cell[1], s.cell[2]);
  for (int d = 0; d < 3; ++d) {
    s.neighbour[d] = s.cell;
    const double offset = x[d] - g.center(d, s.cell[d]);
    const int n = s.cell[d] + (offset >= 0 ? 1 : -1);
    if (n < 0 || n >= g.n(d) || offset == 0) continue;
    s.neighbour[d][d] = n;
    const int mn = g.material(s.neighbour[d][0], s.neighbour[d][1], s.neighbour[d][2]);
    const double hc = 0.5 * g.width(d, s.cell[d]), hn = 0.5 * g.width(d, n);
    const double rc = hc / p.conductivity_W_mK[mc][d], rn = hn / p.conductivity_W_mK[mn][d];
    const double contact = p.contact_K_m2_W.empty() ? 0 : p.contact_K_m2_W[mc * nm + mn];
    s.weight[d] = std::min(std::abs(offset) / hc, 1.0) * rc / (rc + contact + rn);
  }
  return s;
}

namespace {

std::vector<ProbeStencil> make_stencils(const std::vector<Probe>& probes, const ConductionProblem& p) {
  std::vector<ProbeStencil> s;
  for (const auto& probe : probes) s.push_back(probe_stencil(probe.name, probe.position_m, p));
  return s;
}

std::vector<std::array<int, 3>> stencil_cells(const std::vector<ProbeStencil>& stencils) {
  std::vector<std::array<int, 3>> cells;
  for (const auto& s : stencils) {
    cells.push_back(s.cell);
    cells.insert(cells.end(), s.neighbour.begin(), s.neighbour.end());
  }
  return cells;
}

}  // namespace

ProbeSet::ProbeSet(const std::vector<Probe>& probes, const ConductionProblem& p)
    : m_stencils(make_stencils(probes, p)), m_gather(stencil_cells(m_stencils)) {}

std::vector<double> ProbeSet::values(const Field<double>& T) const {
  const std::vector<double> v = m_gather.values(T);
  std::vector<double> out(m_stencils.size());
  for (std::size_t p = 0; p < m_stencils.size(); ++p) {
    const double* c = &v[4 * p];  // T_c, then the neighbours along x, y, z
    out[p] = c[0];
    for (int d = 0; d < 3; ++d) out[p] += m_stencils[p].weight[d] * (c[1 + d] - c[0]);
  }
  return out;
}

}  // namespace kelvin
