// The flow window (solver/physics/flow_window.hpp): the flow solved on the bounding box of the
// coolant cells gives the same answer as on the whole grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "tests/flow_problems.hpp"
#include "tests/reference.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

constexpr int kN[3] = {12, 8, 10};

/// Coolant: a channel along x (j 2..5, k 3..5) open at xmin, and a riser (i 8..10) up to
/// zmax; solid around it (two cell rows in y each side, three layers below). Inlet over the
/// channel's xmin cells, outlet over the riser's zmax cells: a cold plate's layout in small.
bool coolant(int i, int j, int k) {
  const bool channel = j >= 2 && j < 6 && k >= 3 && k < 6;
  const bool riser = i >= 8 && i < 11 && j >= 2 && j < 6 && k >= 3;
  return channel || riser;
}

FlowProblem bend_problem() {
  Grid g(graded_faces(kN[0], 12e-3), graded_faces(kN[1], 8e-3), graded_faces(kN[2], 10e-3));
  const CoolantProperties water = make_coolant("water", 0);
  FlowProblem p = make_flow_problem(std::move(g), water, 313.15);
  for (int k = 0; k < kN[2]; ++k)
    for (int j = 0; j < kN[1]; ++j)
      for (int i = 0; i < kN[0]; ++i) p.fluid[p.grid.index(i, j, k)] = coolant(i, j, k);
  for (int k = 0; k < kN[2]; ++k)  // xmin: face cells (j, k), j fastest
    for (int j = 0; j < kN[1]; ++j)
      if (coolant(0, j, k)) {
        p.kind[0][j + kN[1] * k] = static_cast<std::int32_t>(FlowBoundaryKind::Inlet);
        p.inflow_velocity_m_s[0][j + kN[1] * k] = 0.01;
      }
  for (int j = 0; j < kN[1]; ++j)  // zmax: face cells (i, j), i fastest
    for (int i = 0; i < kN[0]; ++i)
      if (coolant(i, j, kN[2] - 1)) p.kind[5][i + kN[0] * j] = static_cast<std::int32_t>(FlowBoundaryKind::Outlet);
  return p;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

using reference::max_abs_diff;

}  // namespace

TEST(FlowWindow, IsTheBoundingBoxOfTheCoolantAndKeepsPortsOnDomainFaces) {
  const FlowProblem p = bend_problem();
  const FlowWindow w = fluid_window(p);
  EXPECT_EQ(w.lo, (std::array<int, 3>{0, 2, 3}));
  EXPECT_EQ(w.n, (std::array<int, 3>{12, 4, 7}));
  EXPECT_FALSE(w.whole());
  const FlowProblem q = crop(p, w);
  EXPECT_EQ(q.grid.n(1), 4);
  EXPECT_DOUBLE_EQ(q.grid.faces(2).front(), p.grid.faces(2)[3]);
  // inlet: every xmin face cell of the window is channel (window j 0..3, k 0..2)
  int inlets = 0, outlets = 0, interior_ports = 0;
  for (auto k : q.kind[0]) inlets += k == static_cast<std::int32_t>(FlowBoundaryKind::Inlet);
  for (auto k : q.kind[5]) outlets += k == static_cast<std::int32_t>(FlowBoundaryKind::Outlet);
  for (int f : {2, 3, 4})  // ymin, ymax, zmin lie inside the domain: walls
    for (auto k : q.kind[f]) interior_ports += k != static_cast<std::int32_t>(FlowBoundaryKind::Wall);
  EXPECT_EQ(inlets, 4 * 3);
  EXPECT_EQ(outlets, 3 * 4);
  EXPECT_EQ(interior_ports, 0);
  // an all-coolant problem is its own window
  FlowProblem all = bend_problem();
  std::fill(all.fluid.begin(), all.fluid.end(), 1);
  EXPECT_TRUE(fluid_window(all).whole());
}

TEST(FlowWindow, CroppedSolveEqualsWholeGridSolve) {
  const FlowProblem p = bend_problem();
  FlowSettings cropped, whole;
  whole.crop_to_coolant = false;
  FlowSolver a(p, cropped), b(p, whole);
  EXPECT_FALSE(a.window().whole());
  EXPECT_TRUE(b.window().whole());
  for (FlowSolver* s : {&a, &b}) {
    s->settings().tolerance = 1e-11;
    s->settings().max_iterations = 2000;
    const FlowResiduals r = s->solve_steady();
    ASSERT_LT(std::max(r.continuity, r.momentum), 1e-11);
    s->project(1e-13);
  }
  const double dp_a = a.inlet_pressure() - a.outlet_pressure();
  const double dp_b = b.inlet_pressure() - b.outlet_pressure();
  EXPECT_GT(dp_b, 0);
  EXPECT_NEAR(dp_a, dp_b, 1e-8 * dp_b);
  for (int d = 0; d < 3; ++d) {
    const auto ma = a.mass_flux(d).to_host(), mb = b.mass_flux(d).to_host();
    ASSERT_EQ(ma.size(), mb.size());
    EXPECT_LE(max_abs_diff(ma, mb), 1e-8 * max_abs(mb)) << "axis " << d;
  }
  EXPECT_LE(max_abs_diff(a.cell_velocity_host(), b.cell_velocity_host()), 1e-8 * max_abs(b.cell_velocity_host()));
  EXPECT_LE(max_abs_diff(a.pressure_host(), b.pressure_host()), 1e-8 * dp_b);
  EXPECT_EQ(a.fluid_host(), b.fluid_host());
}

TEST(FlowWindow, PropertiesFollowTheWholeGridTemperatures) {
  const FlowProblem p = bend_problem();
  FlowSolver s(p);
  // 60 degC in the coolant of the window, 20 degC in the solid below it
  Field<double> T(kN[0], kN[1], kN[2]);
  std::vector<double> t(static_cast<std::size_t>(p.grid.cell_count()));
  for (int k = 0; k < kN[2]; ++k)
    for (int j = 0; j < kN[1]; ++j)
      for (int i = 0; i < kN[0]; ++i) t[p.grid.index(i, j, k)] = coolant(i, j, k) ? 333.15 : 293.15;
  T.from_host(t);
  s.update_properties(T);
  const double mu60 = p.coolant.viscosity(333.15);
  const auto mu = s.viscosity().to_host();
  const auto fl = s.fluid().to_host();
  int wet = 0;
  for (std::size_t n = 0; n < mu.size(); ++n)
    if (fl[n]) {
      EXPECT_DOUBLE_EQ(mu[n], mu60);
      ++wet;
    }
  EXPECT_EQ(wet, 12 * 4 * 3 + 3 * 4 * 4);
}

TEST(FlowWindow, AdvectionVisitingOnlyTheWindowBuildsTheSameEnergyEquation) {
  // The energy equation's advective update restricted to the flow window (limit_advection)
  // writes the same operator and right-hand side as the update over every cell.
  FlowSolver flow(bend_problem());
  ASSERT_FALSE(flow.window().whole());
  flow.settings().tolerance = 1e-8;
  flow.solve_steady();
  const CoolantProperties water = make_coolant("water", 0);
  const ConductionProblem cp = make_problem(graded_faces(kN[0], 12e-3), graded_faces(kN[1], 8e-3),
                                            graded_faces(kN[2], 10e-3), 0.6, 4.2e6);
  ConductionSolver all(cp), window(cp);
  std::array<std::vector<double>, 6> tin;
  for (int f = 0; f < 6; ++f) {  // face cells: the product of the two tangential extents
    const int d = f / 2;
    tin[f].assign(static_cast<std::size_t>(kN[(d + 1) % 3]) * kN[(d + 2) % 3], f == 0 ? 313.15 : 0.0);
  }
  for (ConductionSolver* s : {&all, &window})
    s->set_advection({&flow.mass_flux(0), &flow.mass_flux(1), &flow.mass_flux(2)}, water, tin);
  window.limit_advection(flow.window().box());
  // A temperature field with gradients everywhere, so the TVD correction is active.
  Field<double> T(kN[0], kN[1], kN[2]);
  std::vector<double> t(static_cast<std::size_t>(kN[0]) * kN[1] * kN[2]);
  for (std::size_t n = 0; n < t.size(); ++n) t[n] = 300 + 40 * std::sin(0.7 * static_cast<double>(n));
  T.from_host(t);
  for (int update = 0; update < 2; ++update) {  // a second update rewrites what the first wrote
    all.update_advection(T);
    window.update_advection(T);
    const Stencil7 &a = all.steady_operator(), &b = window.steady_operator();
    EXPECT_EQ(a.ap.to_host(), b.ap.to_host());
    for (int d = 0; d < 3; ++d) {
      EXPECT_EQ(a.up[d].to_host(), b.up[d].to_host()) << "axis " << d;
      EXPECT_EQ(a.lo[d].to_host(), b.lo[d].to_host()) << "axis " << d;
    }
    EXPECT_EQ(all.steady_rhs().to_host(), window.steady_rhs().to_host());
    EXPECT_GT(max_abs(a.up[0].to_host()), 0);
  }
}
