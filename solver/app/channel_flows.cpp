// Face mass fluxes of a solved flow read per cold-plate channel. See channel_flows.hpp.
#include "solver/app/channel_flows.hpp"

#include <algorithm>
#include <cmath>

namespace kelvin {

std::size_t face_flux_index(const Grid& g, int d, int i, int j, int k) {
  const std::size_t fn0 = g.n(0) + (d == 0), fn1 = g.n(1) + (d == 1);
  return i + fn0 * (j + fn1 * static_cast<std::size_t>(k));
}

std::vector<double> channel_flows(const Grid& g, const ColdPlateLayout& l,
                                  const std::vector<double>& mx, double at) {
  const double x = l.fin_x_m[0] + at * (l.fin_x_m[1] - l.fin_x_m[0]);
  const auto& xf = g.faces(0);
  const int i = static_cast<int>(std::lower_bound(xf.begin(), xf.end(), x) - xf.begin());
  std::vector<double> q(l.channel_y_m.size(), 0.0);
  for (std::size_t ch = 0; ch < q.size(); ++ch)
    for (int k = 0; k < g.n(2); ++k) {
      const double z = g.center(2, k);
      if (z < l.fin_z_m[0] || z > l.fin_z_m[1]) continue;
      for (int j = 0; j < g.n(1); ++j) {
        const double y = g.center(1, j);
        if (y < l.channel_y_m[ch][0] || y > l.channel_y_m[ch][1]) continue;
        q[ch] += std::fabs(mx[face_flux_index(g, 0, std::min(i, g.n(0)), j, k)]);
      }
    }
  return q;
}

}  // namespace kelvin
