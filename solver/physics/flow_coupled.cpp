// The coupled outer iteration of the staggered flow solver (FlowSolver::iterate_coupled): one
// block-preconditioned defect correction of velocity and pressure together.
#include <cmath>
#include <string>

#include "kernels/parallel_for.hpp"
#include "solver/physics/flow.hpp"
#include "solver/physics/flow_links.hpp"

namespace kelvin {

using namespace flow_kernels;

namespace {

/// out_d = c_d (y_high - y_low) on the unknown faces of component d, 0 elsewhere, y = 0 beyond
/// the domain's edge (an outlet face's outer side). c = A / a_P (the d coefficients): Q^-1 G y;
/// c = A (coef null): G y, the pressure force of a correction y.
void face_difference(const Field<double>& y, const std::array<Field<std::int32_t>, 3>& state,
                     const std::array<Field<double>, 3>* coef, const FlowView& v,
                     std::array<Field<double>, 3>& out) {
  const auto yv = y.cview();
  for (int d = 0; d < 3; ++d) {
    const auto st = state[d].cview();
    const auto o = out[d].view();
    const FieldView<const double> c = coef ? (*coef)[d].cview() : FieldView<const double>{};
    const bool area = coef == nullptr;
    const int dd = d;
    parallel_for(out[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const int cc[3] = {i, j, k};
      const double low = cc[dd] > 0 ? yv(i - (dd == 0), j - (dd == 1), k - (dd == 2)) : 0.0;
      const double high = cc[dd] < v.n[dd] ? yv(i, j, k) : 0.0;
      const double f = area ? face_area(v, dd, cc) : c(i, j, k);
      o(i, j, k) = unknown(st(i, j, k)) ? f * (high - low) : 0.0;
    });
  }
}

/// out = -D q: the net mass inflow per cell of face velocities q, sum over the cell's faces of
/// rho_f A q into it (rho_f as in the mass flux: the mean of the cells beside the face).
void net_inflow(const std::array<Field<double>, 3>& q, const FlowView& v, Field<double>& out) {
  const FieldView<const double> q0 = q[0].cview(), q1 = q[1].cview(), q2 = q[2].cview();
  const auto o = out.view();
  parallel_for(out.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const int c[3] = {i, j, k};
    const FieldView<const double> qs[3] = {q0, q1, q2};
    const double rc = at(v.rho, c);
    double s = 0;
    for (int a = 0; a < 3; ++a) {
      int hi[3], lo[3];
      shifted(c, a, 1, hi);
      shifted(c, a, -1, lo);
      const double r_lo = c[a] > 0 ? 0.5 * (rc + at(v.rho, lo)) : rc;
      const double r_hi = c[a] + 1 < v.n[a] ? 0.5 * (rc + at(v.rho, hi)) : rc;
      s += face_area(v, a, c) * (r_lo * qs[a](i, j, k) - r_hi * at(qs[a], hi));
    }
    o(i, j, k) = s;
  });
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

void FlowSolver::apply_lsc(const Field<double>& r, Field<double>& x, SolveStats& stats) {
  // x = P^-1 M P^-1 r,  M = -D Q^-1 F Q^-1 G
  CoupledWork& w = *m_coupled;
  Multigrid& pmg = *m_pres_mg;
  const FlowView v = flow_view();
  fill(w.y, 0.0);
  stats = pcg_solve(m_pres, pmg, r, w.y, m_set.pressure_tolerance, 200, {}, &m_pcg);
  face_difference(w.y, m_state, &m_d, v, w.v);  // Q^-1 G y
  for (int d = 0; d < 3; ++d) {
    apply(m_mom[d], w.v[d], w.du[d]);  // F Q^-1 G y
    const auto dc = m_d[d].cview();
    const auto fv = w.du[d].cview();
    const auto q = w.v[d].view();
    const int dd = d;
    parallel_for(w.v[d].cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      q(i, j, k) = dc(i, j, k) / face_area(v, dd, c) * fv(i, j, k);  // (1 / a_P) F Q^-1 G y
    });
  }
  net_inflow(w.v, v, w.z);
  fill(x, 0.0);
  const SolveStats second = pcg_solve(m_pres, pmg, w.z, x, m_set.pressure_tolerance, 200, {}, &m_pcg);
  stats.iterations += second.iterations;
}

FlowResiduals FlowSolver::iterate_coupled(double dt) {
  CoupledWork& w = coupled_work();
  FlowResiduals r;
  double rr = 0, uu = 0;
  // Momentum rows F u = b(p) with the current fluxes; r_u = b - F u; du* = F^-1 r_u.
  for (int d = 0; d < 3; ++d) {
    assemble_momentum(d, dt);
    residual(m_mom[d], m_u[d], m_mb[d], w.ru[d]);
    const auto res = momentum_residual(d);
    rr += res[0];
    uu += res[1];
    if (!m_mom_mg[d]) m_mom_mg[d] = std::make_unique<Multigrid>(m_mom[d], m_set.momentum_multigrid);
    else m_mom_mg[d]->rebuild_if_changed();
    fill(w.us[d], 0.0);
    for (int c = 0; c < m_set.momentum_cycles; ++c) m_mom_mg[d]->cycle(w.ru[d], w.us[d]);
  }
  r.momentum = uu > 0 ? std::sqrt(rr / uu) : std::sqrt(rr);
  // P = -D Q^-1 G, and its rhs the continuity residual r_p (net mass inflow).
  set_inverse_diagonal();
  update_mass_flux();
  assemble_pressure();
  r.continuity = continuity_residual();
  pressure_multigrid(false);
  // dp = S^-1 (r_p - D du*), S by the least-squares commutator
  const FlowView v = flow_view();
  net_inflow(w.us, v, w.z);
  axpy(1.0, w.z, m_pb);
  SolveStats ps;
  try {
    apply_lsc(m_pb, m_pc, ps);
  } catch (const SolverDiverged& e) {
    throw FlowDiverged(std::string("flow diverged: the pressure solve failed (") + e.what() + ")",
                       0, r.continuity, r.momentum, m_set.velocity_relaxation);
  }
  r.pressure_iterations = ps.iterations;
  // du = du* - F^-1 G dp; u += du, p += dp
  face_difference(m_pc, m_state, nullptr, v, w.v);
  for (int d = 0; d < 3; ++d) {
    fill(w.ru[d], 0.0);
    axpy(-1.0, w.v[d], w.ru[d]);
    fill(w.du[d], 0.0);
    for (int c = 0; c < m_set.momentum_cycles; ++c) m_mom_mg[d]->cycle(w.ru[d], w.du[d]);
    axpy(1.0, w.du[d], m_u[d]);
    axpy(1.0, w.us[d], m_u[d]);
  }
  const auto p = m_p.view();
  const auto pc = m_pc.cview();
  const auto fl = m_fluid.cview();
  parallel_for(m_p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    if (fl(i, j, k)) p(i, j, k) += pc(i, j, k);
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
    for (int d = 0; d < 3; ++d)
      for (auto* f : {&m_coupled->ru[d], &m_coupled->du[d], &m_coupled->v[d], &m_coupled->us[d]})
        *f = Field<double>(m_u[d].nx(), m_u[d].ny(), m_u[d].nz());
    m_coupled->y = Field<double>(m_n[0], m_n[1], m_n[2]);
    m_coupled->z = Field<double>(m_n[0], m_n[1], m_n[2]);
  }
  return *m_coupled;
}

}  // namespace kelvin
