// Staggered-grid SIMPLEC flow solver. See flow.hpp for the method.
#include "solver/physics/flow.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "solver/numerics/anderson.hpp"
#include "solver/numerics/line_axis_trial.hpp"
#include "solver/numerics/stall_monitor.hpp"
#include "solver/base/interrupt.hpp"
#include "solver/physics/flow_links.hpp"

namespace kelvin {

namespace {

/// A residual for messages: "1.23e-04".
std::string scientific(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2e", v);
  return text;
}

/// A relaxation factor for messages: "0.49".
std::string fixed2(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

/// Stall detection of the outer iteration (iterate_to_tolerance, StallMonitor): windows of
/// this many iterations; a window whose best residual is above kStallProgress times the
/// previous window's made no progress: Anderson mixing stops, or, without mixing, the
/// relaxation is multiplied by kRelaxationBackoff, down to kMinRelaxation. A solve converging
/// at 0.9994 per iteration still counts as progressing (0.887 per window; 0.9995 does not).
constexpr int kStallWindow = 200;
constexpr double kStallProgress = 0.9;
constexpr double kRelaxationBackoff = 0.7;
constexpr double kMinRelaxation = 0.2;

}  // namespace

using namespace flow_kernels;

FlowWindow fluid_window(const FlowProblem& p) { return flagged_window(p.grid, p.fluid); }

FlowProblem crop(const FlowProblem& p, const FlowWindow& w) {
  FlowProblem q;
  q.grid = window_grid(p.grid, w);
  q.fluid = window_cells(p.fluid, w);
  q.coolant = p.coolant;
  q.outlet_pressure_Pa = p.outlet_pressure_Pa;
  q.reference_temperature_K = p.reference_temperature_K;
  for (int f = 0; f < 6; ++f) {  // beyond a window face inside the domain lies solid: a wall
    q.kind[f] = window_face(p.kind[f], w, f, static_cast<std::int32_t>(FlowBoundaryKind::Wall));
    q.inflow_velocity_m_s[f] = window_face(p.inflow_velocity_m_s[f], w, f, 0.0);
    q.slip[f] = w.on_domain_face(f) && p.slip[f];
  }
  return q;
}

FlowSolver::FlowSolver(const FlowProblem& p, FlowSettings settings)
    : m_n{p.grid.n(0), p.grid.n(1), p.grid.n(2)}, m_set(settings), m_coolant(p.coolant),
      m_outlet_p(p.outlet_pressure_Pa), m_ref_T(p.reference_temperature_K), m_slip(p.slip) {
  m_window = settings.crop_to_coolant ? fluid_window(p) : whole_window(p.grid);
  if (m_window.whole()) {
    build(p);
  } else {
    build(crop(p, m_window));
    for (int d = 0; d < 3; ++d)
      m_m_full[d] = Field<double>(m_window.full[0] + (d == 0), m_window.full[1] + (d == 1),
                                  m_window.full[2] + (d == 2));
    m_T_window = Field<double>(m_n[0], m_n[1], m_n[2]);
  }
  initialise();
}

void FlowSolver::build(const FlowProblem& p) {
  const Grid& g = p.grid;
  for (int d = 0; d < 3; ++d) m_n[d] = g.n(d);
  m_slip = p.slip;
  for (int d = 0; d < 3; ++d) {
    std::vector<double> w(m_n[d]);
    for (int i = 0; i < m_n[d]; ++i) w[i] = g.width(d, i);
    m_w[d] = Array<double>(w);
    std::vector<double> hlo(m_n[d] + 1, 0.0), hhi(m_n[d] + 1, 0.0);
    for (int i = 0; i < m_n[d]; ++i) hhi[i] = hlo[i + 1] = 0.5 * w[i];
    m_hlo[d] = Array<double>(hlo);
    m_hhi[d] = Array<double>(hhi);
  }
  m_fluid = Field<std::int32_t>(m_n[0], m_n[1], m_n[2]);
  m_fluid.from_host(std::vector<std::int32_t>(p.fluid.begin(), p.fluid.end()));
  auto fluid = [&](int i, int j, int k) {
    return i >= 0 && j >= 0 && k >= 0 && i < m_n[0] && j < m_n[1] && k < m_n[2] &&
           p.fluid[g.index(i, j, k)] != 0;
  };
  // Face states and inlet velocities, on the host.
  for (int d = 0; d < 3; ++d) {
    int t1, t2;
    others(d, t1, t2);
    const int fn[3] = {m_n[0] + (d == 0), m_n[1] + (d == 1), m_n[2] + (d == 2)};
    std::vector<std::int32_t>& state = m_state_host[d];
    state.assign(static_cast<std::size_t>(fn[0]) * fn[1] * fn[2], kFixed);
    m_u_init[d].assign(state.size(), 0.0);
    for (int k = 0; k < fn[2]; ++k)
      for (int j = 0; j < fn[1]; ++j)
        for (int i = 0; i < fn[0]; ++i) {
          const int c[3] = {i, j, k};
          int lo[3] = {i, j, k};
          lo[d] -= 1;
          const bool fl = fluid(lo[0], lo[1], lo[2]), fh = fluid(i, j, k);
          const std::size_t idx = i + static_cast<std::size_t>(fn[0]) * (j + static_cast<std::size_t>(fn[1]) * k);
          if (c[d] > 0 && c[d] < m_n[d]) {
            state[idx] = fl && fh ? kActive : kFixed;
            continue;
          }
          const bool low = c[d] == 0;
          if (!(low ? fh : fl)) continue;  // solid next to the boundary: wall
          const int f = 2 * d + (low ? 0 : 1);
          const std::size_t fi = c[t1] + static_cast<std::size_t>(m_n[t1]) * c[t2];
          const auto kind = static_cast<FlowBoundaryKind>(p.kind[f][fi]);
          if (kind == FlowBoundaryKind::Inlet) {
            state[idx] = kInlet;
            // inflow: +d velocity on the low face, -d on the high face
            const double un = p.inflow_velocity_m_s[f][fi];
            m_u_init[d][idx] = low ? un : -un;
            const double area = g.width(t1, c[t1]) * g.width(t2, c[t2]);
            m_inflow_m3_s += un * area;
          } else if (kind == FlowBoundaryKind::Outlet) {
            state[idx] = kOutlet;
          }
        }
    m_state[d] = Field<std::int32_t>(fn[0], fn[1], fn[2]);
    m_state[d].from_host(state);
    for (auto* f : {&m_u[d], &m_u_old[d], &m_d[d], &m_m[d], &m_mb[d]})
      *f = Field<double>(fn[0], fn[1], fn[2]);
    m_u[d].from_host(m_u_init[d]);
    m_mom[d] = Stencil7(fn[0], fn[1], fn[2]);
    m_mom[d].enable_advection();
  }
  m_inflow_kg_s = m_inflow_m3_s * m_coolant.density(m_ref_T);
  for (auto* f : {&m_p, &m_pc, &m_rho, &m_mu, &m_pb}) *f = Field<double>(m_n[0], m_n[1], m_n[2]);
  m_pres = Stencil7(m_n[0], m_n[1], m_n[2]);
  for (int d = 0; d < 3; ++d) {
    m_links[d] = Field<std::int32_t>(m_u[d].nx(), m_u[d].ny(), m_u[d].nz());
    for (auto* f : {&m_kdiag[d], &m_kfree[d], &m_cond[d]})
      *f = Field<double>(m_u[d].nx(), m_u[d].ny(), m_u[d].nz());
  }
  // Pressure-correction bits per cell, fixed with the face states: coolant, and which of its
  // faces are active (coupled to a neighbour) or outlets.
  std::vector<std::int32_t> cells(static_cast<std::size_t>(m_n[0]) * m_n[1] * m_n[2]);
  for (int k = 0; k < m_n[2]; ++k)
    for (int j = 0; j < m_n[1]; ++j)
      for (int i = 0; i < m_n[0]; ++i) {
        std::int32_t bits = fluid(i, j, k) ? kCellFluid : 0;
        for (int a = 0; a < 3; ++a)
          for (int side = 0; side < 2; ++side) {
            const int fi = i + (a == 0 && side), fj = j + (a == 1 && side),
                      fk = k + (a == 2 && side);
            const int fn0 = m_n[0] + (a == 0), fn1 = m_n[1] + (a == 1);
            const std::int32_t st =
                m_state_host[a][fi + static_cast<std::size_t>(fn0) *
                                         (fj + static_cast<std::size_t>(fn1) * fk)];
            if (st == kActive) bits |= face_active(a, side);
            if (st == kOutlet) bits |= face_outlet(a, side);
          }
        cells[g.index(i, j, k)] = bits;
      }
  m_pres_cells = Field<std::int32_t>(m_n[0], m_n[1], m_n[2]);
  m_pres_cells.from_host(cells);
}

FlowSolver::~FlowSolver() = default;

void FlowSolver::initialise() {
  const double rho0 = m_coolant.density(m_ref_T), mu0 = m_coolant.viscosity(m_ref_T);
  fill(m_rho, rho0);
  fill(m_mu, mu0);
  fill(m_p, m_outlet_p);
  for (int d = 0; d < 3; ++d) copy(m_u[d], m_u_old[d]);
  update_mass_flux();
  update_conductances();
  publish_fluxes();
}

void FlowSolver::update_properties(const Field<double>& T_grid) {
  // Coolant cells take rho(T), mu(T); solid cells keep the coolant's values at the reference
  // temperature (they only enter wall links as neighbours, never as flow).
  if (!m_window.whole()) extract(T_grid, m_T_window, m_window);
  const Field<double>& T = m_window.whole() ? T_grid : m_T_window;
  const CoolantProperties c = m_coolant;
  const double lo = c.t_min_K, hi = c.t_max_K;
  const auto t = T.cview();
  const auto fl = m_fluid.cview();
  const double tmin = reduce_min(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return fl(i, j, k) ? t(i, j, k) : 1e300;
  });
  const double tmax = reduce_max(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return fl(i, j, k) ? t(i, j, k) : -1e300;
  });
  // Computed temperatures outside the correlation (a stagnant corner above 100 degC) are not
  // extrapolated: properties there are held at the range's end, and the run says so.
  m_property_warning.clear();
  if (tmin < 1e299 && (tmin < lo || tmax > hi)) {
    try {
      check_coolant_temperature(c, tmin < lo ? tmin : tmax, tmin < lo ? "coldest coolant cell" : "hottest coolant cell");
    } catch (const CoolantError& e) {
      m_property_warning = std::string(e.what()) + "; properties there are held at the range's end";
    }
  }
  const double Tref = m_ref_T;
  const auto rho = m_rho.view(), mu = m_mu.view();
  parallel_for(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    double Tc = fl(i, j, k) ? t(i, j, k) : Tref;
    Tc = Tc < lo ? lo : (Tc > hi ? hi : Tc);
    rho(i, j, k) = c.density(Tc);
    mu(i, j, k) = c.viscosity(Tc);
  });
  update_mass_flux();
  update_conductances();
  publish_fluxes();
}

namespace {

/// m = rho_f u A on the faces normal to d (face_mass_flux).
template <int d>
void mass_flux_axis(const FlowView& v, const FieldView<double>& m, const Box& faces) {
  parallel_for(faces, KELVIN_LAMBDA(int i, int j, int k) {
    m(i, j, k) = face_mass_flux<d>(i, j, k, v, v.u[d](i, j, k));
  });
}

/// On the faces normal to d: u += d_f (p'_low - p'_high) where u is unknown, then the mass
/// flux of the new u (update_mass_flux's, in the same pass).
template <int d>
void correct_axis(const FlowView& v, const FieldView<const double>& pc,
                  const FieldView<const std::int32_t>& st, const FieldView<const double>& dc,
                  const FieldView<double>& u, const FieldView<double>& m, const Box& faces) {
  parallel_for(faces, KELVIN_LAMBDA(int i, int j, int k) {
    const double u0 = u(i, j, k);
    const double du = dc(i, j, k) * face_jump_along<d>(pc, i, j, k, v.n[d]);
    const double u1 = unknown(st(i, j, k)) ? u0 - du : u0;
    u(i, j, k) = u1;
    m(i, j, k) = face_mass_flux<d>(i, j, k, v, u1);
  });
}

}  // namespace

void FlowSolver::update_mass_flux() {
  // m = rho_f u A, rho_f the mean of the adjacent cells inside the domain (face_density); one
  // kernel per axis, fixed at compile time
  const FlowView v = flow_view();
  mass_flux_axis<0>(v, m_m[0].view(), m_m[0].cells());
  mass_flux_axis<1>(v, m_m[1].view(), m_m[1].cells());
  mass_flux_axis<2>(v, m_m[2].view(), m_m[2].cells());
}

void FlowSolver::publish_fluxes() {
  if (m_window.whole()) return;  // mass_flux() is m_m itself
  for (int d = 0; d < 3; ++d) embed(m_m[d], m_m_full[d], m_window);
}

FlowView FlowSolver::flow_view() const {
  FlowView v{};
  for (int a = 0; a < 3; ++a) {
    v.w[a] = m_w[a].data();
    v.hlo[a] = m_hlo[a].data();
    v.hhi[a] = m_hhi[a].data();
    v.n[a] = m_n[a];
    v.u[a] = m_u[a].cview();
    v.state[a] = m_state[a].cview();
  }
  v.rho = m_rho.cview();
  v.mu = m_mu.cview();
  v.p = m_p.cview();
  v.p_out = m_outlet_p;
  for (int f = 0; f < 6; ++f) v.slip[f] = m_slip[f];
  return v;
}

void FlowSolver::update_conductances() {
  // What the momentum equations take from the geometry, the face states and the viscosity
  // alone, once per property update instead of once per outer iteration (flow_links.hpp).
  const FlowView v = flow_view();
  const double mu0 = m_coolant.viscosity(m_ref_T);
  for (int d = 0; d < 3; ++d) {
    Stencil7& S = m_mom[d];
    const MomentumLinks L{m_links[d].view(),
                          m_kdiag[d].view(),
                          m_kfree[d].view(),
                          m_cond[d].view(),
                          {S.ax.view(), S.ay.view(), S.az.view()},
                          {S.bx.view(), S.by.view(), S.bz.view()}};
    const Box faces = m_u[d].cells();
    if (d == 0)
      parallel_for(faces, KELVIN_LAMBDA(int i, int j, int k) {
        momentum_links_face<0>(i, j, k, v, mu0, L);
      });
    if (d == 1)
      parallel_for(faces, KELVIN_LAMBDA(int i, int j, int k) {
        momentum_links_face<1>(i, j, k, v, mu0, L);
      });
    if (d == 2)
      parallel_for(faces, KELVIN_LAMBDA(int i, int j, int k) {
        momentum_links_face<2>(i, j, k, v, mu0, L);
      });
  }
}

void FlowSolver::assemble_momentum(int d, double dt) {
  // Rows of component d in one pass: link fluxes from the current velocities, upwind extras
  // added to the diffusive couplings a_a (the whole couplings up and lo), the pressure force,
  // relaxation; a_a and the wall sums b_a (a != d) were set by update_conductances.
  const FlowView v = flow_view();
  Stencil7& S = m_mom[d];
  const MomentumLinks L{m_links[d].view(),
                        m_kdiag[d].view(),
                        m_kfree[d].view(),
                        m_cond[d].view(),
                        {S.ax.view(), S.ay.view(), S.az.view()},
                        {}};
  const FieldView<double> bt[3] = {S.bx.view(), S.by.view(), S.bz.view()};
  const MomentumRow r{{S.up[0].view(), S.up[1].view(), S.up[2].view()},
                      {S.lo[0].view(), S.lo[1].view(), S.lo[2].view()},
                      S.ap.view(),
                      m_mb[d].view(),
                      bt[d],
                      m_d[d].view()};
  // steady: the transient term is zero, and u_d (streamed anyway) stands in for u_old
  const auto uold = dt > 0 ? m_u_old[d].cview() : m_u[d].cview();
  const double alpha = m_set.velocity_relaxation;
  const double transient = dt > 0 ? 1.0 : 0.0, dt_div = dt > 0 ? dt : 1.0;  // factors, not branches
  // one kernel per component, its axes fixed at compile time, in AVX2 too where the CPU has it
  const Box faces = m_u[d].cells();
  if (d == 0)
    parallel_for_multiarch(
        faces, KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL {
          momentum_face<0>(i, j, k, v, L, alpha, transient, dt_div, uold, r);
        });
  if (d == 1)
    parallel_for_multiarch(
        faces, KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL {
          momentum_face<1>(i, j, k, v, L, alpha, transient, dt_div, uold, r);
        });
  if (d == 2)
    parallel_for_multiarch(
        faces, KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL {
          momentum_face<2>(i, j, k, v, L, alpha, transient, dt_div, uold, r);
        });
}

void FlowSolver::assemble_pressure() {
  // Pressure correction on cells:  sum_f rho_f d_f A_f (p'_P - p'_N) = net mass inflow,
  // p' = 0 beyond outlet faces; solid cells are decoupled (p' = 0).
  const PressureCell P{{m_w[0].data(), m_w[1].data(), m_w[2].data()},
                       m_pres_cells.cview(),
                       m_rho.cview(),
                       {m_d[0].cview(), m_d[1].cview(), m_d[2].cview()},
                       {m_m[0].cview(), m_m[1].cview(), m_m[2].cview()},
                       {m_pres.ax.view(), m_pres.ay.view(), m_pres.az.view()},
                       {m_pres.bx.view(), m_pres.by.view(), m_pres.bz.view()},
                       m_pres.ap.view(),
                       m_pb.view()};
  parallel_for_multiarch(
      m_p.cells(),
      KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL { pressure_cell(i, j, k, P); });
  // Solid cells (and coolant cells with no coupling) get a tiny diagonal: their p' stays 0.
  const auto ap = m_pres.ap.view();
  const auto bits = m_pres_cells.cview();
  const double apmax = reduce_max(
      m_p.cells(), KELVIN_LAMBDA(int i, int j, int k) { return ap(i, j, k); });
  const double tiny = apmax > 0 ? 1e-9 * apmax : 1.0;
  parallel_for(
      m_p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        if (!(bits(i, j, k) & kCellFluid) || ap(i, j, k) <= 0) ap(i, j, k) = tiny;
      });
}

void FlowSolver::correct(double alpha_p) {
  // u_f += d_f (p'_low - p'_high) on unknown faces, with the mass fluxes; p += alpha_p p'
  const FlowView v = flow_view();
  const auto pc = m_pc.cview();
  correct_axis<0>(v, pc, m_state[0].cview(), m_d[0].cview(), m_u[0].view(), m_m[0].view(),
                  m_u[0].cells());
  correct_axis<1>(v, pc, m_state[1].cview(), m_d[1].cview(), m_u[1].view(), m_m[1].view(),
                  m_u[1].cells());
  correct_axis<2>(v, pc, m_state[2].cview(), m_d[2].cview(), m_u[2].view(), m_m[2].view(),
                  m_u[2].cells());
  const auto p = m_p.view();
  const auto fl = m_fluid.cview();
  parallel_for(m_p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    if (fl(i, j, k)) p(i, j, k) += alpha_p * pc(i, j, k);
  });
}

FlowResiduals FlowSolver::iterate(double dt) {
  FlowResiduals r;
  // One scale for all three components: a component that vanishes by symmetry has a residual
  // of round-off over a norm of round-off, which must not hold convergence back.
  double rr = 0, uu = 0;
  for (int d = 0; d < 3; ++d) {
    assemble_momentum(d, dt);
    if (!m_mom_mg[d]) m_mom_mg[d] = std::make_unique<Multigrid>(m_mom[d], m_set.momentum_multigrid);
    else m_mom_mg[d]->rebuild_if_changed();
    // the residual norms of the rows just assembled, from the first cycle's residual pass
    // (fixed rows add 0 and (tiny u)^2: below 1e-18 relative)
    ResidualNorms res;
    m_mom_mg[d]->cycle(m_mb[d], m_u[d], &res);
    for (int c = 1; c < m_set.momentum_cycles; ++c) m_mom_mg[d]->cycle(m_mb[d], m_u[d]);
    rr += res.residual;
    uu += res.diagonal;
  }
  r.momentum = uu > 0 ? std::sqrt(rr / uu) : std::sqrt(rr);
  update_mass_flux();
  assemble_pressure();
  r.continuity = continuity_residual();
  Multigrid& pmg = pressure_multigrid(false);
  SolveStats ps;
  try {
    ps = pcg_solve(m_pres, pmg, m_pb, m_pc, m_set.pressure_tolerance, 200, {}, &m_pcg,
                   InitialGuess::Zero);
  } catch (const SolverDiverged& e) {  // velocities far out of range: the flow's failure
    throw FlowDiverged(std::string("flow diverged: the pressure correction failed (") + e.what() + ")",
                       0, r.continuity, r.momentum, m_set.velocity_relaxation);
  }
  r.pressure_iterations = ps.iterations;
  correct(m_set.pressure_relaxation);
  if (!std::isfinite(r.momentum) || !std::isfinite(r.continuity))
    throw FlowDiverged("flow diverged: the solution became NaN/Inf", 0, r.continuity, r.momentum,
                       m_set.velocity_relaxation);
  return r;
}

Multigrid& FlowSolver::pressure_multigrid(bool all_levels) {
  if (m_pres_mg) {
    if (all_levels) m_pres_mg->rebuild();
    else m_pres_mg->rebuild_if_changed();
  } else if (m_set.pressure_line_axis >= 0) {
    MultigridOptions o;
    o.line_axis = m_set.pressure_line_axis;
    o.single_precision = m_set.single_precision_multigrid;
    m_pres_mg = std::make_unique<Multigrid>(m_pres, o);
  } else {
    MultigridOptions o;
    o.single_precision = m_set.single_precision_multigrid;
    LineAxisTrial t = choose_line_axis(m_pres, o);
    m_pres_mg = std::move(t.multigrid);
    m_pres_trial = t.factor;
  }
  return *m_pres_mg;
}

FlowResiduals FlowSolver::solve_steady(const std::function<void(int, const FlowResiduals&)>& cb) {
  return iterate_to_tolerance(0.0, cb);
}

FlowResiduals FlowSolver::iterate_to_tolerance(double dt,
                                               const std::function<void(int, const FlowResiduals&)>& cb) {
  FlowResiduals r;
  double best = 1e300;
  // Stall detection (StallMonitor): SIMPLEC can fall into a limit cycle instead of converging
  // when the velocity relaxation is too bold for the Reynolds number (PG25 at 95 degC on the
  // -ci plate, before Anderson mixing: continuity held at 0.1 for 3000 iterations at 0.7,
  // converged in 260 at 0.5), and Anderson mixing can stagnate where the plain iteration
  // converges. A window without progress stops the mixing, or else lowers the relaxation for
  // this and later solves, and says so.
  StallMonitor stall(kStallWindow, kStallProgress);
  bool mixing = m_set.anderson_depth > 0;
  if (mixing && !m_mixer) {  // storage for the whole life of the solver, not per solve
    m_mixer = std::make_unique<AndersonMixer>(m_set.anderson_depth);
    for (const auto* f : {&m_u[0], &m_u[1], &m_u[2], &m_p}) m_before.emplace_back(f->nx(), f->ny(), f->nz());
  }
  if (mixing) m_mixer->reset();  // a new solve (or time step) is a new fixed-point map
  for (int it = 1; it <= m_set.max_iterations; ++it) {
    try {
      if (mixing)
        for (int c = 0; c < 4; ++c) copy(c < 3 ? m_u[c] : m_p, m_before[c]);
      r = m_set.algorithm == FlowAlgorithm::Coupled ? iterate_coupled(dt) : iterate(dt);
      if (mixing) {
        // next iterate = Anderson mix of the outer steps (u, v, w, p); fluxes follow
        m_mixer->mix({&m_before[0], &m_before[1], &m_before[2], &m_before[3]},
                     {&m_u[0], &m_u[1], &m_u[2], &m_p});
        update_mass_flux();
      }
    } catch (const FlowDiverged& e) {
      throw FlowDiverged(std::string(e.what()) + " at iteration " + std::to_string(it), it,
                         e.continuity, e.momentum, e.relaxation);
    }
    r.iterations = it;
    if (cb) cb(it, r);
    const double worst = std::max(r.continuity, r.momentum);
    best = std::min(best, worst);
    if (it > 20 && worst > 1e6 * std::max(best, 1e-12))
      throw FlowDiverged("flow diverged at iteration " + std::to_string(it) + " (continuity " +
                             scientific(r.continuity) + ", momentum " + scientific(r.momentum) +
                             ", best " + scientific(best) + ")",
                         it, r.continuity, r.momentum, m_set.velocity_relaxation);
    if (r.continuity < m_set.tolerance && r.momentum < m_set.tolerance) break;
    const StallMonitor::Action act =
        stall.observe(it, worst, mixing, m_set.velocity_relaxation > kMinRelaxation);
    if (act != StallMonitor::Action::None) {
      m_stall_note = "flow stalled at iteration " + std::to_string(it) + " (continuity " +
                     scientific(r.continuity) + ", momentum " + scientific(r.momentum) + ") with ";
      if (act == StallMonitor::Action::StopMixing) {
        mixing = false;
        m_stall_note += "Anderson mixing; continued without it";
      } else {
        const double was = m_set.velocity_relaxation;
        m_set.velocity_relaxation = std::max(kMinRelaxation, kRelaxationBackoff * was);
        m_stall_note += "velocity relaxation " + fixed2(was) + "; continued with " +
                        fixed2(m_set.velocity_relaxation);
      }
    }
    if (interrupt_requested())
      throw_interrupted(std::string(dt > 0 ? "during the flow solve of a time step" : "during the steady flow solve") +
                        " at iteration " + std::to_string(it) + " (continuity " +
                        scientific(r.continuity) + ", momentum " + scientific(r.momentum) + ")");
  }
  publish_fluxes();
  return r;
}

void FlowSolver::project(double tol) {
  // Exact-as-tol projection: with the momentum unchanged, solve the pressure correction to tol.
  update_mass_flux();
  assemble_pressure();
  pressure_multigrid(true);
  for (int pass = 0; pass < 3; ++pass) {
    pcg_solve(m_pres, *m_pres_mg, m_pb, m_pc, tol, 500, {}, &m_pcg, InitialGuess::Zero);
    correct(1.0);
    assemble_pressure();
    if (continuity_residual() < 10 * tol) break;
    m_pres_mg->rebuild();
  }
  publish_fluxes();
}

void FlowSolver::begin_step() {
  for (int d = 0; d < 3; ++d) copy(m_u[d], m_u_old[d]);
}

FlowResiduals FlowSolver::solve_step(double dt, int* iterations) {
  begin_step();
  int its = 0;
  const FlowResiduals r = iterate_to_tolerance(dt, [&](int it, const FlowResiduals&) { its = it; });
  if (iterations) *iterations = its;
  return r;
}

double FlowSolver::continuity_residual() const {
  const auto b = m_pb.cview();
  // m_pb holds the net inflow per cell after assemble_pressure()
  const double s = reduce_sum(m_pb.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = b(i, j, k);
    return v < 0 ? -v : v;
  });
  return m_inflow_kg_s > 0 ? s / m_inflow_kg_s : s;
}

double FlowSolver::inlet_pressure() const {
  // Area-weighted mean over inlet faces of the pressure of the cell next to each face (the
  // outlet pressure is likewise the one imposed at its faces).
  double pa = 0, area = 0;
  for (int d = 0; d < 3; ++d) {
    const auto st = m_state[d].cview();
    const auto p = m_p.cview();
    FlowView v{};
    for (int a = 0; a < 3; ++a) v.w[a] = m_w[a].data(), v.n[a] = m_n[a];  // face_area reads only these
    const int dd = d, nd = m_n[d];
    for (int weighted = 0; weighted < 2; ++weighted) {
      const double sum = reduce_sum(m_u[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
        if (st(i, j, k) != kInlet) return 0.0;
        const int c[3] = {i, j, k};
        const double A = face_area(v, dd, c);
        if (!weighted) return A;
        return A * (c[dd] < nd ? p(i, j, k) : p(i - (dd == 0), j - (dd == 1), k - (dd == 2)));
      });
      (weighted ? pa : area) += sum;
    }
  }
  return area > 0 ? pa / area : m_outlet_p;
}

std::vector<double> FlowSolver::cell_velocity_host() const {
  std::vector<double> out(static_cast<std::size_t>(m_n[0]) * m_n[1] * m_n[2] * 3);
  for (int d = 0; d < 3; ++d) {
    const auto u = m_u[d].to_host();
    const int fn0 = m_n[0] + (d == 0), fn1 = m_n[1] + (d == 1);
    std::size_t c = 0;
    for (int k = 0; k < m_n[2]; ++k)
      for (int j = 0; j < m_n[1]; ++j)
        for (int i = 0; i < m_n[0]; ++i, ++c) {
          const std::size_t lo = i + static_cast<std::size_t>(fn0) * (j + static_cast<std::size_t>(fn1) * k);
          const std::size_t step = d == 0 ? 1 : (d == 1 ? fn0 : static_cast<std::size_t>(fn0) * fn1);
          out[3 * c + d] = 0.5 * (u[lo] + u[lo + step]);
        }
  }
  return m_window.whole() ? out : embed_host(out, m_window, 0.0, 3);
}

std::vector<double> FlowSolver::pressure_host() const {
  const std::vector<double> p = m_p.to_host();
  return m_window.whole() ? p : embed_host(p, m_window, m_outlet_p);
}

std::vector<double> FlowSolver::fluid_host() const {
  const auto mask = m_fluid.to_host();
  const std::vector<double> f(mask.begin(), mask.end());
  return m_window.whole() ? f : embed_host(f, m_window, 0.0);
}

}  // namespace kelvin
