#pragma once
// Small flow and conjugate problems built directly (no case file) for verification tests.
#include <algorithm>
#include <cmath>
#include <vector>

#include "solver/physics/flow.hpp"
#include "tests/test_problems.hpp"

namespace kelvin::testing {

/// Shah & London (1978) fully developed laminar flow in a rectangular duct of aspect ratio
/// alpha = short/long side: Darcy f Re = 4 x Fanning f Re.
inline double shah_london_darcy_fre(double alpha) {
  const double a = alpha;
  return 4 * 24 *
         (1 - 1.3553 * a + 1.9467 * a * a - 1.7012 * a * a * a + 0.9564 * std::pow(a, 4) -
          0.2537 * std::pow(a, 5));
}

/// Shah & London Nu_H1 (axially uniform heat input, peripherally uniform wall temperature).
inline double shah_london_nu_h1(double alpha) {
  const double a = alpha;
  return 8.235 * (1 - 2.0421 * a + 3.0853 * a * a - 2.4765 * a * a * a + 1.0578 * std::pow(a, 4) -
                  0.1861 * std::pow(a, 5));
}

/// A flow problem on the given grid: every cell coolant, every boundary a wall.
inline FlowProblem make_flow_problem(Grid grid, const CoolantProperties& coolant, double T_ref) {
  FlowProblem p;
  p.grid = std::move(grid);
  p.fluid.assign(static_cast<std::size_t>(p.grid.cell_count()), 1);
  p.coolant = coolant;
  p.reference_temperature_K = T_ref;
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const std::size_t n = static_cast<std::size_t>(p.grid.n(t1)) * p.grid.n(t2);
    p.kind[f].assign(n, static_cast<std::int32_t>(FlowBoundaryKind::Wall));
    p.inflow_velocity_m_s[f].assign(n, 0.0);
  }
  return p;
}

/// Marks every face cell of face f as inlet (uniform velocity U into the domain) or outlet.
inline void set_port(FlowProblem& p, int f, FlowBoundaryKind kind, double U = 0) {
  for (std::size_t i = 0; i < p.kind[f].size(); ++i) {
    p.kind[f][i] = static_cast<std::int32_t>(kind);
    p.inflow_velocity_m_s[f][i] = kind == FlowBoundaryKind::Inlet ? U : 0.0;
  }
}

/// n^3 cells of a finned channel array: coolant channels 3 cells wide between 1-cell fins
/// along y, flow along x from an inlet on xmin to an outlet on xmax (water, 40 degC, ~0.5 m/s).
inline FlowProblem channel_array(int n) {
  Grid g(graded_faces(n, 0.02), graded_faces(n, n * 1e-4), graded_faces(n, 3e-3));
  FlowProblem p = make_flow_problem(std::move(g), make_coolant("water", 0), 313.15);
  const Grid& G = p.grid;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) p.fluid[G.index(i, j, k)] = j % 4 != 3;
  for (int f = 0; f < 2; ++f)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j) {
        const std::size_t c = j + static_cast<std::size_t>(n) * k;
        if (j % 4 == 3) continue;
        p.kind[f][c] =
            static_cast<std::int32_t>(f == 0 ? FlowBoundaryKind::Inlet : FlowBoundaryKind::Outlet);
        p.inflow_velocity_m_s[f][c] = f == 0 ? 0.5 : 0.0;
      }
  return p;
}

/// A rectangular cold-plate channel of 0.32 x 1.2 mm over 20 mm, water at 40 degC and Re = 300
/// on the hydraulic diameter (uniform inlet on xmin, outlet on xmax), n cells across the short
/// side (3.75 n across the long one) and cells `aspect` times longer along the flow. The
/// entrance length 0.05 Re D_h = 7.6 mm: developing and developed flow both present.
inline FlowProblem plate_channel(int n, double aspect) {
  const double a = 0.32e-3, b = 1.2e-3, h = a / n, L = 20e-3, Dh = 2 * a * b / (a + b);
  const int nx = std::max(3, static_cast<int>(std::lround(L / (aspect * h))));
  const int nz = static_cast<int>(std::lround(b / h));
  Grid g(graded_faces(nx, L), graded_faces(n, a), graded_faces(nz, b));
  const CoolantProperties water = make_coolant("water", 0);
  const double T = 313.15, rho = water.density(T), mu = water.viscosity(T);
  FlowProblem p = make_flow_problem(std::move(g), water, T);
  set_port(p, 0, FlowBoundaryKind::Inlet, 300 * mu / (rho * Dh));
  set_port(p, 1, FlowBoundaryKind::Outlet);
  return p;
}

}  // namespace kelvin::testing
