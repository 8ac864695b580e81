// Rectilinear grid construction: mesh lines snapped to box faces, refined per region.
#include "meshes/grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <stdexcept>

namespace kelvin {

namespace {

std::string format_length(double m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g m", m);
  return buf;
}

}  // namespace

Grid::Grid(std::vector<double> xf, std::vector<double> yf, std::vector<double> zf)
    : m_faces{std::move(xf), std::move(yf), std::move(zf)} {
  for (int d = 0; d < 3; ++d) {
    if (m_faces[d].size() < 2) throw std::invalid_argument("grid axis needs at least one cell");
    for (std::size_t i = 1; i < m_faces[d].size(); ++i)
      if (!(m_faces[d][i] > m_faces[d][i - 1]))
        throw std::invalid_argument("grid face coordinates must increase strictly");
  }
  m_material.assign(static_cast<std::size_t>(cell_count()), 0);
}

int Grid::locate(int d, double x) const {
  const auto& f = m_faces[d];
  const auto it = std::upper_bound(f.begin(), f.end(), x);
  const int i = static_cast<int>(it - f.begin()) - 1;
  return std::clamp(i, 0, n(d) - 1);
}

GridStats Grid::stats() const { return axes_stats(m_faces); }

GridStats axes_stats(const GridAxes& faces) {
  GridStats s;
  s.cells = 1;
  for (int d = 0; d < 3; ++d) {
    s.n[d] = static_cast<int>(faces[d].size()) - 1;
    s.cells *= s.n[d];
    s.min_cell_size_m[d] = 1e300;
    s.max_cell_size_m[d] = 0;
    for (int i = 0; i < s.n[d]; ++i) {
      const double w = faces[d][i + 1] - faces[d][i];
      s.min_cell_size_m[d] = std::min(s.min_cell_size_m[d], w);
      s.max_cell_size_m[d] = std::max(s.max_cell_size_m[d], w);
    }
  }
  // The worst cell pairs the largest width along one axis with the smallest along another;
  // a rectilinear grid realises every such pair, so the extremes give the exact maximum.
  s.worst_aspect_ratio = 1;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      if (a != b)
        s.worst_aspect_ratio =
            std::max(s.worst_aspect_ratio, s.max_cell_size_m[a] / s.min_cell_size_m[b]);
  return s;
}

std::vector<double> axis_lines(double lo, double hi, std::vector<double> breakpoints,
                               double max_cell,
                               const std::vector<std::array<double, 3>>& refinements) {
  // refinements: {interval_lo, interval_hi, cell_size} along this axis.
  const double tol = 1e-9 * (hi - lo);
  breakpoints.push_back(lo);
  breakpoints.push_back(hi);
  std::sort(breakpoints.begin(), breakpoints.end());
  std::vector<double> snapped;
  for (double b : breakpoints) {
    if (b < lo - tol || b > hi + tol) continue;
    b = std::clamp(b, lo, hi);
    if (snapped.empty() || b - snapped.back() > tol) snapped.push_back(b);
    else snapped.back() = std::max(snapped.back(), b);
  }
  snapped.front() = lo;
  snapped.back() = hi;
  std::vector<double> lines{lo};
  for (std::size_t s = 0; s + 1 < snapped.size(); ++s) {
    const double a = snapped[s], b = snapped[s + 1];
    double h = max_cell;
    for (const auto& r : refinements)
      if (r[0] <= a + tol && r[1] >= b - tol && r[2] > 0) h = std::min(h, r[2]);
    const double cells = std::ceil((b - a) / h - 1e-9);
    // Guard before allocating: a typo such as "1 nm" for a cell size must not exhaust memory.
    if (!(cells <= kMaxCellsPerAxis))
      throw std::invalid_argument("mesh would need more than " + std::to_string(kMaxCellsPerAxis) +
                                  " cells along one axis (an interval of " + format_length(b - a) +
                                  " with cells of " + format_length(h) + ")");
    const int n = std::max(1, static_cast<int>(cells));
    for (int c = 1; c <= n; ++c) lines.push_back(c == n ? b : a + (b - a) * c / n);
  }
  return lines;
}

GridAxes grid_axes(const std::array<double, 3>& domain_min,
                   const std::array<double, 3>& domain_max,
                   const std::array<double, 3>& max_cell_size_m, const std::vector<PaintBox>& boxes) {
  GridAxes lines;
  for (int d = 0; d < 3; ++d) {
    std::vector<double> breaks;
    std::vector<std::array<double, 3>> refine;
    for (const auto& b : boxes) {
      breaks.push_back(b.min_m[d]);
      breaks.push_back(b.max_m[d]);
      refine.push_back({b.min_m[d], b.max_m[d], b.cell_size_m[d]});
    }
    lines[d] = axis_lines(domain_min[d], domain_max[d], breaks, max_cell_size_m[d], refine);
  }
  return lines;
}

long long axes_cell_count(const GridAxes& axes) {
  long long n = 1;
  for (const auto& a : axes) n *= static_cast<long long>(a.size()) - 1;
  return n;
}

Grid paint_grid(const GridAxes& lines, const std::vector<PaintBox>& boxes, int background) {
  Grid grid(lines[0], lines[1], lines[2]);
  auto& mat = grid.materials();
  std::fill(mat.begin(), mat.end(), background);
  for (const auto& b : boxes) {
    // Lines are snapped to box faces, so a cell is inside a box iff its centre is.
    int lo[3], hi[3];
    for (int d = 0; d < 3; ++d) {
      const auto& f = grid.faces(d);
      lo[d] = static_cast<int>(std::lower_bound(f.begin(), f.end(), b.min_m[d] - 1e-9 * (f.back() - f.front())) - f.begin());
      hi[d] = static_cast<int>(std::lower_bound(f.begin(), f.end(), b.max_m[d] - 1e-9 * (f.back() - f.front())) - f.begin());
      lo[d] = std::clamp(lo[d], 0, grid.n(d));
      hi[d] = std::clamp(hi[d], 0, grid.n(d));
    }
    for (int k = lo[2]; k < hi[2]; ++k)
      for (int j = lo[1]; j < hi[1]; ++j)
        for (int i = lo[0]; i < hi[0]; ++i) mat[grid.index(i, j, k)] = b.material;
  }
  return grid;
}

Grid build_grid(const std::array<double, 3>& domain_min, const std::array<double, 3>& domain_max,
                const std::array<double, 3>& max_cell_size_m, const std::vector<PaintBox>& boxes,
                int background) {
  return paint_grid(grid_axes(domain_min, domain_max, max_cell_size_m, boxes), boxes, background);
}

}  // namespace kelvin
