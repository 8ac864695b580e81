// Preconditioned conjugate gradients.
#include "solver/numerics/krylov.hpp"

#include <cmath>
#include <limits>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"

namespace kelvin {

namespace {

[[noreturn]] void report_nonfinite(const Field<double>& v, const char* what, int it, double res) {
  const auto c = first_nonfinite(v);
  if (c[0] < 0)
    throw SolverDiverged(std::string("linear solver overflowed in ") + what + " at iteration " +
                             std::to_string(it) +
                             ": every value is finite but their squares overflow (a source or "
                             "property far out of range? check its unit)",
                         it, res, c);
  throw SolverDiverged(std::string("linear solver produced NaN/Inf in ") + what +
                           " at iteration " + std::to_string(it) + ", first at cell (" +
                           std::to_string(c[0]) + ", " + std::to_string(c[1]) + ", " +
                           std::to_string(c[2]) + ")",
                       it, res, c);
}

/// Fills the relative residual, convergence flag and mean convergence factor of a solve.
SolveStats finished(SolveStats st, double scale, double tol) {
  st.relative_residual = st.final_residual / scale;
  st.converged = st.relative_residual <= tol || st.roundoff_limited;
  if (st.iterations > 0 && st.iteration_start_residual > 0 && st.final_residual > 0)
    st.convergence_factor =
        std::pow(st.final_residual / st.iteration_start_residual, 1.0 / st.iterations);
  return st;
}

}  // namespace

bool at_roundoff_floor(const Stencil7& A, const Field<double>& x, double bnorm, double residual) {
  // Each row's residual is summed from |b| and seven products with an error of up to about
  // 8 eps (|b| + a_P |x| + sum |a_nb| |x_nb|), and sum |a_nb| <= a_P (the operators are
  // diagonally dominant): so at most 8 eps (||b|| + 2 ||a_P x||). The lumped GPU block at
  // 1e-12 stalls 20 times below it; a stagnating solve far above it (a singular or
  // inconsistent system) is not at the floor.
  const auto ap = A.ap.cview();
  const auto xv = x.cview();
  const double ax2 = reduce_sum(x.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = ap(i, j, k) * xv(i, j, k);
    return v * v;
  });
  const double floor = 8 * std::numeric_limits<double>::epsilon() * (bnorm + 2 * std::sqrt(ax2));
  return residual <= floor;
}

double start_from_zero(const Field<double>& b, Field<double>& x, Field<double>& r) {
  // x = 0, r = b - A 0 = b exactly, ||b|| (the products and sums of norm2(b))
  const auto bv = b.cview();
  const auto xv = x.view(), rv = r.view();
  return std::sqrt(reduce_sum(b.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = bv(i, j, k);
    xv(i, j, k) = 0.0;
    rv(i, j, k) = v;
    return v * v;
  }));
}

SolveStats pcg_solve(const Stencil7& A, Multigrid& mg, const Field<double>& b, Field<double>& x,
                     double tol, int max_iterations, const IterationCallback& on_iteration,
                     PcgWorkspace* ws, InitialGuess guess) {
  PcgWorkspace local;
  PcgWorkspace& w = ws ? *ws : local;
  w.resize(x.nx(), x.ny(), x.nz());
  Field<double>&r = w.r, &p = w.p, &z = w.zq, &q = w.zq;  // z and q share a vector
  SolveStats st;
  const double bnorm = guess == InitialGuess::Zero ? start_from_zero(b, x, r) : norm2(b);
  if (!std::isfinite(bnorm)) report_nonfinite(b, "the right-hand side", 0, bnorm);
  // r = b - A x (b itself from x = 0)
  st.initial_residual = guess == InitialGuess::Zero ? bnorm : residual(A, x, b, r);
  if (!std::isfinite(st.initial_residual)) report_nonfinite(x, "the initial guess", 0, st.initial_residual);
  const double scale = bnorm > 0 ? bnorm : 1.0;
  double rnorm = st.initial_residual;
  st.iteration_start_residual = rnorm;
  if (rnorm <= tol * scale) {
    st.final_residual = rnorm;
    st.relative_residual = rnorm / scale;
    st.converged = true;
    return st;
  }
  if (guess == InitialGuess::FullMultigrid) {  // (rnorm is above the tolerance here)
    rnorm = std::sqrt(mg.full_multigrid(x, r, z));  // x += e, r -= A e (z: its work vector)
    if (!std::isfinite(rnorm)) report_nonfinite(x, "the full multigrid start", 0, rnorm);
    if (rnorm <= tol * scale) {
      st.final_residual = residual(A, x, b, r);  // the true residual, as after iterations
      if (st.final_residual <= tol * scale) return finished(st, scale, tol);
      rnorm = st.final_residual;
    }
    st.iteration_start_residual = rnorm;
  }
  // Restarted when the recurrence residual has drifted from the true one (long, tight solves):
  // the answer is only "converged" if the recomputed ||b - A x|| meets the tolerance.
  const auto pv = p.view(), qv = q.view(), xv = x.view(), rv = r.view();
  int it = 0;
  for (int restart = 0; restart < 4 && it < max_iterations; ++restart) {
    double rz = mg.precondition_dot(r, z);  // z = M^-1 r
    mg.direction(0.0, z, p);                // p = z
    while (it < max_iterations) {
      ++it;
      const double pq = apply_dot(A, p, q);  // q = A p, p . q
      const double alpha = rz / pq;
      // x += alpha p, r -= alpha q, fused with ||r||^2
      const double rr = reduce_sum(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        xv(i, j, k) += alpha * pv(i, j, k);
        const double v = rv(i, j, k) - alpha * qv(i, j, k);
        rv(i, j, k) = v;
        return v * v;
      });
      rnorm = std::sqrt(rr);
      st.iterations = it;
      if (!std::isfinite(rnorm) || !std::isfinite(alpha)) report_nonfinite(x, "the solution", it, rnorm);
      if (rnorm > 1e12 * (st.initial_residual + scale))
        throw SolverDiverged("linear solver diverged at iteration " + std::to_string(it) +
                                 " (residual " + std::to_string(rnorm) + ")",
                             it, rnorm, {-1, -1, -1});
      if (on_iteration) on_iteration(it, rnorm / scale);
      if (rnorm <= tol * scale) break;
      const double rz_new = mg.precondition_dot(r, z);  // z = M^-1 r
      const double beta = rz_new / rz;
      rz = rz_new;
      mg.direction(beta, z, p);  // p = z + beta p
    }
    const double previous = st.final_residual;
    st.final_residual = residual(A, x, b, r);  // true residual; r restarts from it
    if (st.final_residual <= tol * scale) break;
    // Round-off floor (about eps ||A|| ||x||): a restart that no longer halves it cannot help.
    if (restart > 0 && st.final_residual > 0.5 * previous) {
      st.roundoff_limited = at_roundoff_floor(A, x, bnorm, st.final_residual);
      break;
    }
  }
  return finished(st, scale, tol);
}

SolveStats bicgstab_solve(const Stencil7& A, Multigrid& mg, const Field<double>& b,
                          Field<double>& x, double tol, int max_iterations,
                          const IterationCallback& on_iteration, BicgstabWorkspace* ws) {
  // Right-preconditioned BiCGStab (van der Vorst 1992): iterates on A M^-1 y = b, x = M^-1 y.
  BicgstabWorkspace local;
  BicgstabWorkspace& w = ws ? *ws : local;
  w.resize(x.nx(), x.ny(), x.nz());
  SolveStats st;
  const double bnorm = norm2(b);
  if (!std::isfinite(bnorm)) report_nonfinite(b, "the right-hand side", 0, bnorm);
  st.initial_residual = residual(A, x, b, w.r);
  if (!std::isfinite(st.initial_residual)) report_nonfinite(x, "the initial guess", 0, st.initial_residual);
  const double scale = bnorm > 0 ? bnorm : 1.0;
  st.final_residual = st.initial_residual;
  st.iteration_start_residual = st.initial_residual;
  int it = 0;
  const auto xv = x.view(), rv = w.r.view(), pv = w.p.view(), vv = w.v.view(), sv = w.s.view();
  const auto tv = w.t.view(), phv = w.ph.view(), shv = w.sh.view();
  const auto r0v = w.r0.cview();
  for (int restart = 0; restart < 4 && it < max_iterations; ++restart) {
    if (st.final_residual <= tol * scale) break;
    copy(w.r, w.r0);
    fill(w.p, 0.0);
    fill(w.v, 0.0);
    double rho = 1, alpha = 1, omega = 1;
    double rnorm = st.final_residual;
    double rho_new = rnorm * rnorm;  // r0 . r with r = r0
    while (it < max_iterations && rnorm > tol * scale) {
      if (rho_new == 0 || omega == 0) break;  // breakdown: restart from the true residual
      const double beta = (rho_new / rho) * (alpha / omega);
      rho = rho_new;
      // p = r + beta (p - omega v)
      parallel_for(w.p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        pv(i, j, k) = rv(i, j, k) + beta * (pv(i, j, k) - omega * vv(i, j, k));
      });
      mg.precondition(w.p, w.ph);
      const double r0_v = apply_dot(A, w.ph, w.v, w.r0);  // v = A ph, r0 . v
      if (r0_v == 0) break;
      alpha = rho / r0_v;
      // s = r - alpha v
      parallel_for(w.s.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        sv(i, j, k) = rv(i, j, k) - alpha * vv(i, j, k);
      });
      mg.precondition(w.s, w.sh);
      // t = A sh, fused with t . t and t . s
      const auto as = A.view();
      const Sum2 ts = reduce_sum2(w.t.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        const double v = stencil_apply(i, j, k, as, shv);
        tv(i, j, k) = v;
        return Sum2{v * v, v * sv(i, j, k)};
      });
      omega = ts.a > 0 ? ts.b / ts.a : 0.0;
      // x += alpha ph + omega sh; r = s - omega t, fused with ||r||^2 and the next r0 . r
      const Sum2 rr = reduce_sum2(w.r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
        xv(i, j, k) += alpha * phv(i, j, k) + omega * shv(i, j, k);
        const double v = sv(i, j, k) - omega * tv(i, j, k);
        rv(i, j, k) = v;
        return Sum2{v * v, v * r0v(i, j, k)};
      });
      rnorm = std::sqrt(rr.a);
      rho_new = rr.b;
      st.iterations = ++it;
      if (!std::isfinite(rnorm) || !std::isfinite(alpha) || !std::isfinite(omega))
        report_nonfinite(x, "the solution", it, rnorm);
      if (rnorm > 1e12 * (st.initial_residual + scale))
        throw SolverDiverged("linear solver diverged at iteration " + std::to_string(it) +
                                 " (residual " + std::to_string(rnorm) + ")",
                             it, rnorm, {-1, -1, -1});
      if (on_iteration) on_iteration(it, rnorm / scale);
    }
    const double previous = st.final_residual;
    st.final_residual = residual(A, x, b, w.r);
    if (st.final_residual <= tol * scale) break;
    if (restart > 0 && st.final_residual > 0.5 * previous) {
      st.roundoff_limited = at_roundoff_floor(A, x, bnorm, st.final_residual);
      break;
    }
  }
  return finished(st, scale, tol);
}

}  // namespace kelvin
