#pragma once
// Plain serial reference implementations: the oracles the parallel kernels are checked against.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "meshes/grid.hpp"

namespace kelvin::reference {

/// max |a_i - b_i| over two host vectors of one length.
inline double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

/// Dense host copy of a 7-point operator, i fastest.
struct Stencil {
  int n[3];
  std::vector<double> ap, ax, ay, az;
  double at(const std::vector<double>& v, int i, int j, int k) const {
    if (i < 0 || j < 0 || k < 0 || i >= n[0] || j >= n[1] || k >= n[2]) return 0.0;
    return v[i + n[0] * (j + static_cast<long long>(n[1]) * k)];
  }
};

/// y = A x, serially, with explicit bounds checks instead of ghost cells.
inline std::vector<double> apply(const Stencil& A, const std::vector<double>& x) {
  std::vector<double> y(x.size());
  for (int k = 0; k < A.n[2]; ++k)
    for (int j = 0; j < A.n[1]; ++j)
      for (int i = 0; i < A.n[0]; ++i) {
        const std::size_t p = i + A.n[0] * (j + static_cast<std::size_t>(A.n[1]) * k);
        y[p] = A.ap[p] * x[p] - A.at(A.ax, i, j, k) * A.at(x, i + 1, j, k) -
               A.at(A.ax, i - 1, j, k) * A.at(x, i - 1, j, k) -
               A.at(A.ay, i, j, k) * A.at(x, i, j + 1, k) -
               A.at(A.ay, i, j - 1, k) * A.at(x, i, j - 1, k) -
               A.at(A.az, i, j, k) * A.at(x, i, j, k + 1) -
               A.at(A.az, i, j, k - 1) * A.at(x, i, j, k - 1);
      }
  return y;
}

/// Face couplings and diagonal of the conduction operator for one isotropic material map,
/// all boundaries at fixed temperature (rinv = 0) or adiabatic.
inline Stencil conduction(const Grid& g, const std::vector<double>& k_cell, bool fixed_xmin) {
  Stencil A{{g.n(0), g.n(1), g.n(2)}, {}, {}, {}, {}};
  const std::size_t N = static_cast<std::size_t>(g.cell_count());
  A.ap.assign(N, 0);
  A.ax.assign(N, 0);
  A.ay.assign(N, 0);
  A.az.assign(N, 0);
  std::vector<double>* a[3] = {&A.ax, &A.ay, &A.az};
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i) {
        const int c[3] = {i, j, k};
        const std::size_t p = g.index(i, j, k);
        for (int d = 0; d < 3; ++d) {
          if (c[d] + 1 >= g.n(d)) continue;
          int nb[3] = {i, j, k};
          nb[d] += 1;
          const std::size_t q = g.index(nb[0], nb[1], nb[2]);
          const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
          const double area = g.width(t1, c[t1]) * g.width(t2, c[t2]);
          (*a[d])[p] = area / (g.width(d, c[d]) / (2 * k_cell[p]) + g.width(d, nb[d]) / (2 * k_cell[q]));
        }
      }
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i) {
        const std::size_t p = g.index(i, j, k);
        double s = A.ax[p] + A.at(A.ax, i - 1, j, k) + A.ay[p] + A.at(A.ay, i, j - 1, k) +
                   A.az[p] + A.at(A.az, i, j, k - 1);
        if (fixed_xmin && i == 0) s += g.width(1, j) * g.width(2, k) / (g.width(0, 0) / (2 * k_cell[p]));
        A.ap[p] = s;
      }
  return A;
}

/// Serial coarse operator of the semi-coarsening multigrid: 2 x 2 aggregates in the two axes
/// other than `axis`; couplings through a coarse face and boundary conductances summed and
/// scaled by gamma along coarsened axes; storage (ap - couplings - boundary) summed exactly.
/// b[d] are the fine boundary conductances per axis; the coarse ones are returned in bc.
inline Stencil aggregate(const Stencil& f, const std::vector<double> b[3],
                         const std::array<int, 3>& factor, double gamma, std::vector<double> bc[3]) {
  // factor[d]: 2 where axis d is coarsened (pairs of cells), 1 where it is kept
  Stencil c{{0, 0, 0}, {}, {}, {}, {}};
  for (int d = 0; d < 3; ++d) c.n[d] = factor[d] == 1 ? f.n[d] : (f.n[d] + 1) / 2;
  const std::size_t N = static_cast<std::size_t>(c.n[0]) * c.n[1] * c.n[2];
  c.ap.assign(N, 0);
  c.ax.assign(N, 0);
  c.ay.assign(N, 0);
  c.az.assign(N, 0);
  for (int d = 0; d < 3; ++d) bc[d].assign(N, 0);
  const std::vector<double>* fa[3] = {&f.ax, &f.ay, &f.az};
  std::vector<double>* ca[3] = {&c.ax, &c.ay, &c.az};
  std::vector<double> storage(N, 0);
  for (int k = 0; k < f.n[2]; ++k)
    for (int j = 0; j < f.n[1]; ++j)
      for (int i = 0; i < f.n[0]; ++i) {
        const int fc[3] = {i, j, k};
        int cc[3];
        for (int d = 0; d < 3; ++d) cc[d] = fc[d] / factor[d];
        const std::size_t p = i + f.n[0] * (j + static_cast<std::size_t>(f.n[1]) * k);
        const std::size_t q = cc[0] + c.n[0] * (cc[1] + static_cast<std::size_t>(c.n[1]) * cc[2]);
        double s = f.ap[p] - f.ax[p] - f.at(f.ax, i - 1, j, k) - f.ay[p] - f.at(f.ay, i, j - 1, k) -
                   f.az[p] - f.at(f.az, i, j, k - 1);
        for (int d = 0; d < 3; ++d) {
          const double g = factor[d] == 1 ? 1.0 : gamma;
          s -= b[d][p];
          bc[d][q] += g * b[d][p];
          // a fine face is a coarse face when its neighbour lies in the next aggregate
          int nb[3] = {fc[0], fc[1], fc[2]};
          nb[d] += 1;
          if (nb[d] < f.n[d] && nb[d] / factor[d] != fc[d] / factor[d]) (*ca[d])[q] += g * (*fa[d])[p];
        }
        storage[q] += s;
      }
  for (int k = 0; k < c.n[2]; ++k)
    for (int j = 0; j < c.n[1]; ++j)
      for (int i = 0; i < c.n[0]; ++i) {
        const std::size_t q = i + c.n[0] * (j + static_cast<std::size_t>(c.n[1]) * k);
        c.ap[q] = storage[q] + bc[0][q] + bc[1][q] + bc[2][q] + c.ax[q] + c.at(c.ax, i - 1, j, k) +
                  c.ay[q] + c.at(c.ay, i, j - 1, k) + c.az[q] + c.at(c.az, i, j, k - 1);
      }
  return c;
}

}  // namespace kelvin::reference
