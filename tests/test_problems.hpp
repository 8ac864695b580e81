#pragma once
// Small conduction problems built directly (no case file) for unit and verification tests.
#include <cmath>
#include <cstdio>
#include <string>
#include <functional>
#include <vector>

#include "solver/physics/conduction.hpp"

namespace kelvin::testing {

/// A measured value for the test report (gtest --gtest_output=json shows it).
inline std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

/// n + 1 face coordinates over [0, L] with spacing growing by `ratio` per cell.
inline std::vector<double> graded_faces(int n, double L, double ratio = 1.0) {
  std::vector<double> f(n + 1, 0.0);
  double h = 1.0;
  for (int i = 0; i < n; ++i, h *= ratio) f[i + 1] = f[i] + h;
  for (auto& x : f) x *= L / f[n];
  return f;
}

/// A problem on the given faces, all faces adiabatic, one material of conductivity k.
inline ConductionProblem make_problem(std::vector<double> xf, std::vector<double> yf,
                                      std::vector<double> zf, double k = 1.0,
                                      double rho_cp = 1.0) {
  ConductionProblem p;
  p.grid = Grid(std::move(xf), std::move(yf), std::move(zf));
  p.conductivity_W_mK = {{k, k, k}};
  p.rho_cp_J_m3K = {rho_cp};
  p.contact_K_m2_W = {0.0};
  p.source_W_m3.assign(static_cast<std::size_t>(p.grid.cell_count()), 0.0);
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const std::size_t n = static_cast<std::size_t>(p.grid.n(t1)) * p.grid.n(t2);
    p.faces[f].rinv.assign(n, -1.0);
    p.faces[f].temperature_K.assign(n, 0.0);
    p.faces[f].flux_W_m2.assign(n, 0.0);
  }
  return p;
}

/// Sets a whole face to a fixed temperature (rinv = 0) or convection (rinv = 1/h).
inline void set_face(ConductionProblem& p, int face, double rinv, double T) {
  for (auto& v : p.faces[face].rinv) v = rinv;
  for (auto& v : p.faces[face].temperature_K) v = T;
}

/// Adds a material and returns its index (contact table grows with zeros).
inline int add_material(ConductionProblem& p, std::array<double, 3> k, double rho_cp = 1.0) {
  const std::size_t old = p.conductivity_W_mK.size();
  p.conductivity_W_mK.push_back(k);
  p.rho_cp_J_m3K.push_back(rho_cp);
  std::vector<double> c((old + 1) * (old + 1), 0.0);
  for (std::size_t a = 0; a < old; ++a)
    for (std::size_t b = 0; b < old; ++b) c[a * (old + 1) + b] = p.contact_K_m2_W[a * old + b];
  p.contact_K_m2_W = c;
  return static_cast<int>(old);
}

/// A layered, package-like stack on an n^3 grid: thin high-aspect layers and conductivity
/// jumps of ~1.5e4 (copper 390, TIM 5, silicon 130, air gap 0.026, organic substrate 0.8).
/// Heat enters the die's bottom layer, leaves through a convective top face.
inline ConductionProblem package_like(int n) {
  // z layers (thickness fractions): substrate, die, TIM (thin), lid, TIM2 (thin), base
  const std::vector<double> zl = {1.5e-3, 0.7e-3, 25e-6, 2.0e-3, 50e-6, 3.0e-3};
  std::vector<double> zf{0.0};
  // give each layer a share of n cells proportional to sqrt(thickness): thin layers get fewer
  // but still several cells, so the worst aspect ratio is ~100 at every n.
  double wsum = 0;
  for (double t : zl) wsum += std::sqrt(t);
  int used = 0;
  std::vector<int> cells(zl.size());
  for (std::size_t l = 0; l < zl.size(); ++l) {
    cells[l] = std::max(1, static_cast<int>(std::lround(n * std::sqrt(zl[l]) / wsum)));
    used += cells[l];
  }
  cells.back() += n - used;
  for (std::size_t l = 0; l < zl.size(); ++l)
    for (int c = 0; c < cells[l]; ++c) zf.push_back(zf.back() + zl[l] / cells[l]);
  const double L = 40e-3;
  ConductionProblem p = make_problem(graded_faces(n, L), graded_faces(n, L), zf, 390.0, 3.4e6);
  const int tim = add_material(p, {5, 5, 5}, 2e6);
  const int si = add_material(p, {130, 130, 130}, 1.6e6);
  const int air = add_material(p, {0.026, 0.026, 0.026}, 1.2e3);
  const int sub = add_material(p, {20, 20, 0.8}, 1.8e6);
  auto& m = p.grid.materials();
  const auto& g = p.grid;
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i) {
        const double x = g.center(0, i), y = g.center(1, j), z = g.center(2, k);
        const bool in_die = std::fabs(x - L / 2) < 0.3 * L && std::fabs(y - L / 2) < 0.35 * L;
        int mat = 0;  // copper
        if (z < zl[0]) mat = sub;
        else if (z < zl[0] + zl[1]) mat = in_die ? si : air;
        else if (z < zl[0] + zl[1] + zl[2]) mat = tim;
        else if (z < zl[0] + zl[1] + zl[2] + zl[3]) mat = 0;
        else if (z < zl[0] + zl[1] + zl[2] + zl[3] + zl[4]) mat = tim;
        m[g.index(i, j, k)] = mat;
        // heat enters in the die's bottom cell layer (the active side of a flip chip)
        if (mat == si && z < zl[0] + zl[1] / cells[1]) p.source_W_m3[g.index(i, j, k)] = 5e9;
      }
  set_face(p, 5, 1.0 / 2e4, 313.15);
  return p;
}

}  // namespace kelvin::testing
