#pragma once
/// The flow's window: the smallest box of cells that holds every coolant cell. A cold plate's
/// coolant lives in the fin and port layers, a fraction of the package-plus-plate grid
/// (h100-coldplate: 100 x 337 x 12 of 106 x 351 x 34 cells); the flow solver works on the window
/// and hands the energy equation mass fluxes on the whole grid.
///
/// Cropping changes no discrete equation: every cell outside the window is solid, so every
/// face between the window and the rest carries zero velocity, and a momentum control volume
/// next to the window's edge sees a no-slip wall there as it saw a blocked face before.
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/box.hpp"
#include "kernels/field.hpp"
#include "meshes/grid.hpp"

namespace kelvin {

/// A box of cells of the full grid.
struct FlowWindow {
  std::array<int, 3> lo{0, 0, 0};    ///< first window cell, full-grid indices
  std::array<int, 3> n{0, 0, 0};     ///< window cells per axis
  std::array<int, 3> full{0, 0, 0};  ///< full-grid cells per axis

  bool whole() const { return n == full; }
  long long cells() const { return static_cast<long long>(n[0]) * n[1] * n[2]; }
  /// The window's cells as a box of full-grid indices.
  Box box() const { return Box{{lo[0], lo[1], lo[2]}, {lo[0] + n[0], lo[1] + n[1], lo[2] + n[2]}}; }
  /// Whether domain face f (xmin, xmax, ... zmax) is also a face of the window.
  bool on_domain_face(int f) const { return f % 2 == 0 ? lo[f / 2] == 0 : lo[f / 2] + n[f / 2] == full[f / 2]; }
};

/// The whole grid g as a window.
FlowWindow whole_window(const Grid& g);

/// The bounding box of the cells of g with a nonzero flag (i fastest); the whole grid when
/// there are none.
FlowWindow flagged_window(const Grid& g, const std::vector<std::uint8_t>& flags);

/// The part of g inside w (face coordinates only; every cell material 0).
Grid window_grid(const Grid& g, const FlowWindow& w);

/// Per-cell values (i fastest) of the window's cells.
template <class T>
std::vector<T> window_cells(const std::vector<T>& full, const FlowWindow& w) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(w.cells()));
  for (int k = 0; k < w.n[2]; ++k)
    for (int j = 0; j < w.n[1]; ++j)
      for (int i = 0; i < w.n[0]; ++i)
        out.push_back(full[(w.lo[0] + i) + static_cast<std::size_t>(w.full[0]) *
                                               (w.lo[1] + j + static_cast<std::size_t>(w.full[1]) * (w.lo[2] + k))]);
  return out;
}

/// Per-face-cell values of domain face f (first tangential axis fastest) on the window's face
/// f: the domain's values where the window reaches that face, `inside` everywhere where it
/// does not (a window face inside the domain).
template <class T>
std::vector<T> window_face(const std::vector<T>& full, const FlowWindow& w, int f, T inside) {
  const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  std::vector<T> out(static_cast<std::size_t>(w.n[t1]) * w.n[t2], inside);
  if (!w.on_domain_face(f)) return out;
  for (int b = 0; b < w.n[t2]; ++b)
    for (int a = 0; a < w.n[t1]; ++a)
      out[a + static_cast<std::size_t>(w.n[t1]) * b] =
          full[(w.lo[t1] + a) + static_cast<std::size_t>(w.full[t1]) * (w.lo[t2] + b)];
  return out;
}

/// full(lo + c) = part(c) for every index c of part (a cell field, or a face field of either
/// size: the offset is the same). Entries of full outside the window keep their value.
void embed(const Field<double>& part, Field<double>& full, const FlowWindow& w);

/// part(c) = full(lo + c) for every index c of part.
void extract(const Field<double>& full, Field<double>& part, const FlowWindow& w);

/// Host values of a window cell field (i fastest, per_cell values per cell) placed in a
/// full-grid array filled with `outside`.
std::vector<double> embed_host(const std::vector<double>& part, const FlowWindow& w, double outside,
                               int per_cell = 1);

}  // namespace kelvin
