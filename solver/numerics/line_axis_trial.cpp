// Choosing the multigrid line axis by trial. See line_axis_trial.hpp.
#include "solver/numerics/line_axis_trial.hpp"

#include <cmath>

#include "kernels/parallel_for.hpp"
#include "solver/numerics/krylov.hpp"

namespace kelvin {

namespace {

/// A value in [-0.5, 0.5] that looks random and depends only on (i, j, k) (FNV-1a of the
/// indices, then a MurmurHash finaliser): the same trial on every backend and thread count.
KELVIN_HD inline double hashed_unit(int i, int j, int k) {
  unsigned h = 2166136261u;
  h = (h ^ static_cast<unsigned>(i)) * 16777619u;
  h = (h ^ static_cast<unsigned>(j)) * 16777619u;
  h = (h ^ static_cast<unsigned>(k)) * 16777619u;
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  return static_cast<double>(h & 0xffffffu) / 16777215.0 - 0.5;
}

/// PCG's convergence factor on A x = b from x = 0 over `iterations` iterations with mg; 1 when
/// the solve diverges (a useless preconditioner, never chosen over a converging one).
double trial_factor(const Stencil7& A, Multigrid& mg, const Field<double>& b, int iterations,
                    PcgWorkspace& ws) {
  Field<double> x(b.nx(), b.ny(), b.nz());
  try {
    const SolveStats s = pcg_solve(A, mg, b, x, 0.0, iterations, {}, &ws);
    return s.iterations > 0 ? s.convergence_factor : 1.0;
  } catch (const SolverDiverged&) {
    return 1.0;
  }
}

/// Iterations per decade of residual reduction at convergence factor f (0 for f = 0).
double per_decade(double f) { return f > 0 ? (f < 1 ? -1.0 / std::log10(f) : 1e300) : 0.0; }

}  // namespace

void fill_trial_rhs(Field<double>& b) {
  const auto v = b.view();
  parallel_for(b.cells(), KELVIN_LAMBDA(int i, int j, int k) { v(i, j, k) = hashed_unit(i, j, k); });
}

LineAxisTrial choose_line_axis(const Stencil7& A, MultigridOptions options, int iterations,
                               double margin) {
  LineAxisTrial t;
  const int n[3] = {A.ap.nx(), A.ap.ny(), A.ap.nz()};
  const int strongest = strongest_axis(A);
  Field<double> b(n[0], n[1], n[2]);
  fill_trial_rhs(b);
  PcgWorkspace ws;
  double best = 1e301;
  for (int d = 0; d < 3; ++d) {
    if (n[d] < 2 && d != strongest) continue;
    options.line_axis = d;
    auto mg = std::make_unique<Multigrid>(A, options);
    t.factor[d] = trial_factor(A, *mg, b, iterations, ws);
    // the strongest axis wins near-ties: another must need at most `margin` of its iterations
    const double cost = per_decade(t.factor[d]) * (d == strongest ? margin : 1.0);
    if (cost < best) {
      best = cost;
      t.axis = d;
      t.multigrid = std::move(mg);
    }
  }
  return t;
}

}  // namespace kelvin
