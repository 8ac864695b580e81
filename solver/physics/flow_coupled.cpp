// The coupled outer iteration of the staggered flow solver (FlowAlgorithm::Coupled): one
// Picard step of velocity and pressure together, its linear system solved by FGMRES with a
// block-triangular preconditioner. See FlowAlgorithm in flow.hpp.
#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "solver/physics/flow.hpp"
#include "solver/physics/flow_links.hpp"

namespace kelvin {

using namespace flow_kernels;

namespace {

/// FGMRES stops at this relative residual of the step's linear system (an inexact Picard
/// step). On the FlowIterations channel at 32 cells across (with an earlier preconditioner of
/// two momentum solves), 0.1 took 11 outer and 88 FGMRES iterations, 0.03 9 and 117, 0.3 18
/// and 90.
constexpr double kLinearTolerance = 0.1;
constexpr int kMaxLinearIterations = 30;
/// V-cycles per pressure solve inside the commutator (one PCG to 1e-2 cost more for the same
/// outer and FGMRES counts).
constexpr int kPressureCycles = 2;
constexpr double kBlockBalance = 0.1;

/// out_d = c_d (y_high - y_low) on the unknown faces of component d, 0 elsewhere, y = 0 beyond
/// the domain's edge (an outlet face's outer side). c = A / a_P (the d coefficients): Q^-1 G y;
/// c = A (coef null): G y, the pressure force of a correction y.
void face_difference(const Field<double>& y, const std::array<Field<std::int32_t>, 3>& state,
                     const std::array<Field<double>, 3>* coef, const FlowView& v,
                     Field<double>* out) {
  const auto yv = y.cview();
  for (int d = 0; d < 3; ++d) {
    const auto st = state[d].cview();
    const auto o = out[d].view();
    const FieldView<const double> c = coef ? (*coef)[d].cview() : FieldView<const double>{};
    const bool area = coef == nullptr;
    const int dd = d;
    parallel_for(out[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const int cc[3] = {i, j, k};
      const double f = area ? face_area(v, dd, cc) : c(i, j, k);
      o(i, j, k) = unknown(st(i, j, k)) ? f * face_jump(yv, dd, cc, v.n[dd]) : 0.0;
    });
  }
}

/// out = -D q: the net mass inflow per cell of face velocities q, sum over the cell's faces of
/// rho_f A q into it (rho_f as in the mass flux, face_density).
void net_inflow(const Field<double>* q, const FlowView& v, Field<double>& out) {
  const FieldView<const double> q0 = q[0].cview(), q1 = q[1].cview(), q2 = q[2].cview();
  const auto o = out.view();
  parallel_for(out.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const int c[3] = {i, j, k};
    const FieldView<const double> qs[3] = {q0, q1, q2};
    double s = 0;
    for (int a = 0; a < 3; ++a) {
      int hi[3];
      shifted(c, a, 1, hi);
      s += face_area(v, a, c) * (face_density(v.rho, a, c, v.n[a]) * qs[a](i, j, k) -
                                 face_density(v.rho, a, hi, v.n[a]) * at(qs[a], hi));
    }
    o(i, j, k) = s;
  });
}

/// x = -x.
void negate(Field<double>& x) {
  const auto v = x.view();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) { v(i, j, k) = -v(i, j, k); });
}

}  // namespace

void FlowSolver::set_inverse_diagonal() {
  // d = A / a_P on unknown faces: Q^-1 scaled by the area, so that the pressure assembly gives
  // P = -D Q^-1 G
  const FlowView v = flow_view();
  for (int d = 0; d < 3; ++d) {
    const auto ap = m_mom[d].ap.cview();
    const auto st = m_state[d].cview();
    const auto dc = m_d[d].view();
    const int dd = d;
    parallel_for(m_d[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      dc(i, j, k) = unknown(st(i, j, k)) ? face_area(v, dd, c) / ap(i, j, k) : 0.0;
    });
  }
}

void FlowSolver::apply_lsc(const Field<double>& r, Field<double>& x) {
  // x = P^-1 M P^-1 r,  M = -D Q^-1 F Q^-1 G
  CoupledWork& w = *m_coupled;
  Multigrid& pmg = *m_pres_mg;
  const FlowView v = flow_view();
  fill(w.y, 0.0);
  for (int c = 0; c < kPressureCycles; ++c) pmg.cycle(r, w.y);
  face_difference(w.y, m_state, &m_d, v, w.v.data());  // Q^-1 G y
  for (int d = 0; d < 3; ++d) {
    apply(m_mom[d], w.v[d], w.fv[d]);  // F Q^-1 G y
    const auto dc = m_d[d].cview();
    const auto fv = w.fv[d].cview();
    const auto q = w.v[d].view();
    const int dd = d;
    parallel_for(w.v[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      q(i, j, k) = dc(i, j, k) / face_area(v, dd, c) * fv(i, j, k);  // Q^-1 F Q^-1 G y
    });
  }
  net_inflow(w.v.data(), v, w.z);
  fill(x, 0.0);
  for (int c = 0; c < kPressureCycles; ++c) pmg.cycle(w.z, x);
}

void FlowSolver::apply_coupled(const FieldBlock& z, FieldBlock& out) {
  // (F z_u + G z_p, D z_u),  D z_u = -(net inflow of z_u)
  CoupledWork& w = *m_coupled;
  const FlowView v = flow_view();
  face_difference(z[3], m_state, nullptr, v, w.v.data());
  for (int d = 0; d < 3; ++d) {
    apply(m_mom[d], z[d], out[d]);
    axpy(1.0, w.v[d], out[d]);
  }
  net_inflow(z.data(), v, out[3]);
  negate(out[3]);
}

void FlowSolver::precondition_coupled(const FieldBlock& r, FieldBlock& z) {
  // upper block-triangular: dp = S^-1 r_p, du = F^-1 (r_u - G dp), F^-1 by momentum V-cycles
  CoupledWork& w = *m_coupled;
  const FlowView v = flow_view();
  apply_lsc(r[3], z[3]);
  face_difference(z[3], m_state, nullptr, v, w.v.data());
  for (int d = 0; d < 3; ++d) {
    negate(w.v[d]);
    axpy(1.0, r[d], w.v[d]);
    fill(z[d], 0.0);
    for (int c = 0; c < m_set.momentum_cycles; ++c) m_mom_mg[d]->cycle(w.v[d], z[d]);
    // fixed rows stay put (coarse corrections reach them before the post-smoothing resets)
    const auto st = m_state[d].cview();
    const auto zd = z[d].view();
    parallel_for(z[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      if (!unknown(st(i, j, k))) zd(i, j, k) = 0;
    });
  }
}

FlowResiduals FlowSolver::iterate_coupled(double dt) {
  CoupledWork& w = coupled_work();
  FlowResiduals r;
  double rr = 0, uu = 0;
  // Momentum rows F u = b(p) with the current fluxes (Picard); r_u = b - F u.
  for (int d = 0; d < 3; ++d) {
    assemble_momentum(d, dt);
    // r_u and its norms in one pass (fixed rows add a residual of 0 and (tiny u)^2, below
    // 1e-18 of the free rows' sum, as in SIMPLEC's cycle)
    const auto res = residual_norms(m_mom[d], m_u[d], m_mb[d], w.rhs[d]);
    rr += res[0];
    uu += res[1];
    if (!m_mom_mg[d]) {
      MultigridOptions o;  // the whole hierarchy: the block solve needs F^-1, not a smoother
      o.single_precision = m_set.momentum_multigrid.single_precision;
      m_mom_mg[d] = std::make_unique<Multigrid>(m_mom[d], o);
    } else {
      m_mom_mg[d]->rebuild_if_changed();
    }
  }
  r.momentum = uu > 0 ? std::sqrt(rr / uu) : std::sqrt(rr);
  // P = -D Q^-1 G, and its rhs the continuity residual r_p (net mass inflow).
  set_inverse_diagonal();
  update_mass_flux();
  assemble_pressure();
  r.continuity = continuity_residual();
  pressure_multigrid(false);
  copy(m_pb, w.rhs[3]);
  // The two row blocks count by their own sizes (each reduced alike), except that neither is
  // weighted more than 1 / kBlockBalance times the other in physical units: continuity rows
  // (kg/s) times the RMS face velocity are forces like the momentum rows. Without that bound a
  // block already converged (continuity 1e-9 beside momentum 1e-2 on the turn duct) took all
  // of FGMRES's effort and it stagnated.
  double uu2 = 0, faces = 0, ru2 = 0;
  for (int d = 0; d < 3; ++d) {
    uu2 += dot(m_u[d].cview(), m_u[d].cview());
    ru2 += dot(w.rhs[d].cview(), w.rhs[d].cview());
    faces += static_cast<double>(m_u[d].nx()) * m_u[d].ny() * m_u[d].nz();
  }
  const double U2 = uu2 > 0 ? uu2 / faces : 1.0;
  const double su2 = ru2, sp2 = U2 * dot(w.rhs[3].cview(), w.rhs[3].cview());
  const double k2 = kBlockBalance * kBlockBalance;
  const double wu = 1 / std::max({su2, k2 * sp2, 1e-300});
  const double wp = U2 / std::max({sp2, k2 * su2, 1e-300});
  const FgmresResult lin = fgmres_solve(
      [this](const FieldBlock& z, FieldBlock& out) { apply_coupled(z, out); },
      [this](const FieldBlock& x, FieldBlock& z) { precondition_coupled(x, z); }, w.rhs, w.x,
      {wu, wu, wu, wp}, kLinearTolerance, kMaxLinearIterations, w.krylov);
  r.pressure_iterations = lin.iterations;
  for (int d = 0; d < 3; ++d) axpy(1.0, w.x[d], m_u[d]);
  const auto p = m_p.view();
  const auto dp = w.x[3].cview();
  const auto fl = m_fluid.cview();
  parallel_for(m_p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    if (fl(i, j, k)) p(i, j, k) += dp(i, j, k);
  });
  update_mass_flux();
  if (!std::isfinite(r.momentum) || !std::isfinite(r.continuity))
    throw FlowDiverged("flow diverged: the solution became NaN/Inf", 0, r.continuity, r.momentum,
                       m_set.velocity_relaxation);
  return r;
}

FlowSolver::CoupledWork& FlowSolver::coupled_work() {
  if (!m_coupled) {
    m_coupled = std::make_unique<CoupledWork>();
    CoupledWork& w = *m_coupled;
    for (int d = 0; d < 3; ++d)
      for (auto* f : {&w.v[d], &w.fv[d]}) *f = Field<double>(m_u[d].nx(), m_u[d].ny(), m_u[d].nz());
    w.y = Field<double>(m_n[0], m_n[1], m_n[2]);
    w.z = Field<double>(m_n[0], m_n[1], m_n[2]);
    for (const auto* f : {&m_u[0], &m_u[1], &m_u[2], &m_p}) {
      w.rhs.emplace_back(f->nx(), f->ny(), f->nz());
      w.x.emplace_back(f->nx(), f->ny(), f->nz());
    }
  }
  return *m_coupled;
}

}  // namespace kelvin
