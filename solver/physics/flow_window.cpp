// The flow's window on the full grid. See flow_window.hpp.
#include "solver/physics/flow_window.hpp"

#include <algorithm>

#include "kernels/parallel_for.hpp"

namespace kelvin {

FlowWindow whole_window(const Grid& g) {
  FlowWindow w;
  for (int d = 0; d < 3; ++d) w.n[d] = w.full[d] = g.n(d);
  return w;
}

FlowWindow flagged_window(const Grid& g, const std::vector<std::uint8_t>& flags) {
  FlowWindow w = whole_window(g);
  std::array<int, 3> lo = w.full, hi{-1, -1, -1};
  std::size_t c = 0;
  for (int k = 0; k < w.full[2]; ++k)
    for (int j = 0; j < w.full[1]; ++j)
      for (int i = 0; i < w.full[0]; ++i, ++c) {
        if (!flags[c]) continue;
        const int at[3] = {i, j, k};
        for (int d = 0; d < 3; ++d) {
          lo[d] = std::min(lo[d], at[d]);
          hi[d] = std::max(hi[d], at[d]);
        }
      }
  if (hi[0] < 0) return w;  // nothing flagged: nothing to crop to
  for (int d = 0; d < 3; ++d) {
    w.lo[d] = lo[d];
    w.n[d] = hi[d] - lo[d] + 1;
  }
  return w;
}

Grid window_grid(const Grid& g, const FlowWindow& w) {
  std::vector<double> faces[3];
  for (int d = 0; d < 3; ++d) {
    const auto& f = g.faces(d);
    faces[d].assign(f.begin() + w.lo[d], f.begin() + w.lo[d] + w.n[d] + 1);
  }
  return Grid(std::move(faces[0]), std::move(faces[1]), std::move(faces[2]));
}

void embed(const Field<double>& part, Field<double>& full, const FlowWindow& w) {
  const auto src = part.cview();
  const auto dst = full.view();
  const int o0 = w.lo[0], o1 = w.lo[1], o2 = w.lo[2];
  parallel_for(part.cells(), KELVIN_LAMBDA(int i, int j, int k) { dst(i + o0, j + o1, k + o2) = src(i, j, k); });
}

void extract(const Field<double>& full, Field<double>& part, const FlowWindow& w) {
  const auto src = full.cview();
  const auto dst = part.view();
  const int o0 = w.lo[0], o1 = w.lo[1], o2 = w.lo[2];
  parallel_for(part.cells(), KELVIN_LAMBDA(int i, int j, int k) { dst(i, j, k) = src(i + o0, j + o1, k + o2); });
}

std::vector<double> embed_host(const std::vector<double>& part, const FlowWindow& w, double outside,
                               int per_cell) {
  const std::size_t m = static_cast<std::size_t>(per_cell);
  std::vector<double> out(static_cast<std::size_t>(w.full[0]) * w.full[1] * w.full[2] * m, outside);
  std::size_t c = 0;
  for (int k = 0; k < w.n[2]; ++k)
    for (int j = 0; j < w.n[1]; ++j)
      for (int i = 0; i < w.n[0]; ++i, ++c) {
        const std::size_t to = (w.lo[0] + i) + static_cast<std::size_t>(w.full[0]) *
                                                   (w.lo[1] + j + static_cast<std::size_t>(w.full[1]) * (w.lo[2] + k));
        std::copy(part.begin() + c * m, part.begin() + (c + 1) * m, out.begin() + to * m);
      }
  return out;
}

}  // namespace kelvin
