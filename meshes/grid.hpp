#pragma once
/// Rectilinear grid: face coordinates along each axis (non-uniform spacing allowed) and a
/// material id per cell. Knows nothing of physics.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kelvin {

/// A box painted with a material when building a grid; cell_size_m[d] > 0 refines axis d.
struct PaintBox {
  std::array<double, 3> min_m{0, 0, 0};
  std::array<double, 3> max_m{0, 0, 0};
  int material = 0;
  std::array<double, 3> cell_size_m{0, 0, 0};
};

/// Face coordinates along x, y and z.
using GridAxes = std::array<std::vector<double>, 3>;

/// Cell counts and quality figures of a grid.
struct GridStats {
  long long cells = 0;
  std::array<int, 3> n{0, 0, 0};
  double worst_aspect_ratio = 1;
  std::array<double, 3> min_cell_size_m{0, 0, 0};
  std::array<double, 3> max_cell_size_m{0, 0, 0};
};

/// Rectilinear grid with a material id per cell (i fastest).
class Grid {
 public:
  Grid() = default;
  /// Grid with the given face coordinates (strictly increasing) and every cell material 0.
  Grid(std::vector<double> xf, std::vector<double> yf, std::vector<double> zf);

  int n(int d) const { return static_cast<int>(m_faces[d].size()) - 1; }
  long long cell_count() const { return static_cast<long long>(n(0)) * n(1) * n(2); }
  const std::vector<double>& faces(int d) const { return m_faces[d]; }
  double width(int d, int i) const { return m_faces[d][i + 1] - m_faces[d][i]; }
  double center(int d, int i) const { return 0.5 * (m_faces[d][i] + m_faces[d][i + 1]); }
  long long index(int i, int j, int k) const {
    return i + static_cast<long long>(n(0)) * (j + static_cast<long long>(n(1)) * k);
  }
  std::int32_t material(int i, int j, int k) const { return m_material[index(i, j, k)]; }
  std::vector<std::int32_t>& materials() { return m_material; }
  const std::vector<std::int32_t>& materials() const { return m_material; }
  /// Index of the cell containing coordinate x along axis d (clamped to the grid).
  int locate(int d, double x) const;
  GridStats stats() const;

 private:
  GridAxes m_faces;
  std::vector<std::int32_t> m_material;
};

/// Largest number of cells axis_lines() will make along one axis.
constexpr int kMaxCellsPerAxis = 65536;

/// Face coordinates along one axis: lines at every breakpoint, then each interval split
/// uniformly into cells no larger than min(max_cell, refinements covering it).
std::vector<double> axis_lines(double lo, double hi, std::vector<double> breakpoints,
                               double max_cell,
                               const std::vector<std::array<double, 3>>& refinements);

/// The face coordinates build_grid would use: lines snapped to every box face, intervals split
/// as axis_lines() does. One-dimensional, so cheap for any grid axis_lines() accepts: cell
/// counts can be known (axes_cell_count) before the grid's per-cell arrays are allocated.
GridAxes grid_axes(const std::array<double, 3>& domain_min, const std::array<double, 3>& domain_max,
                   const std::array<double, 3>& max_cell_size_m, const std::vector<PaintBox>& boxes);

/// nx ny nz of axes.
long long axes_cell_count(const GridAxes& axes);

/// Cell counts and size extremes of a grid with these axes (Grid::stats without the grid).
GridStats axes_stats(const GridAxes& axes);

/// The grid on axes with the boxes painted in order (later override earlier); cells covered by
/// no box get `background`.
Grid paint_grid(const GridAxes& axes, const std::vector<PaintBox>& boxes, int background);

/// Builds the grid over [domain_min, domain_max] with mesh lines snapped to every box face and
/// paints the boxes in order (later override earlier). Cells covered by no box get
/// `background` (use -1 to mark them as uncovered).
Grid build_grid(const std::array<double, 3>& domain_min, const std::array<double, 3>& domain_max,
                const std::array<double, 3>& max_cell_size_m, const std::vector<PaintBox>& boxes,
                int background);

}  // namespace kelvin
