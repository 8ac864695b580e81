#include "solver/app/probes.hpp"

#include <cmath>

namespace kelvin {

ProbeStencil probe_stencil(const std::string& name, const std::array<double, 3>& x,
                           const ConductionProblem& p) {
  const Grid& g = p.grid;
  ProbeStencil s;
  s.name = name;
  for (int d = 0; d < 3; ++d) s.cell[d] = g.locate(d, x[d]);
  const auto [i, j, k] = s.cell;
  const auto nm = static_cast<int>(p.conductivity_W_mK.size());
  const int mc = g.material(i, j, k);
  for (int d = 0; d < 3; ++d) {
    s.neighbour[d] = s.cell;
    const double offset = x[d] - g.center(d, s.cell[d]);
    const int step = offset >= 0 ? 1 : -1;
    const int n = s.cell[d] + step;
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

double probe_value(const ProbeStencil& s, const Field<double>& T) {
  const double Tc = ConductionSolver::cell_value(T, s.cell[0], s.cell[1], s.cell[2]);
  double value = Tc;
  for (int d = 0; d < 3; ++d)
    if (s.weight[d] != 0) {
      const auto& n = s.neighbour[d];
      value += s.weight[d] * (ConductionSolver::cell_value(T, n[0], n[1], n[2]) - Tc);
    }
  return value;
}

}  // namespace kelvin
