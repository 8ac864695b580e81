#pragma once
/// Krylov solvers preconditioned by multigrid, with NaN and divergence detection: conjugate
/// gradients for symmetric operators, BiCGStab for advective (non-symmetric) ones.
#include <array>
#include <functional>
#include <stdexcept>
#include <string>

#include "solver/numerics/multigrid.hpp"

namespace kelvin {

/// Thrown when the linear solver produces NaN/Inf or its residual grows without bound.
struct SolverDiverged : std::runtime_error {
  int iteration = 0;
  double residual = 0;
  std::array<int, 3> cell{-1, -1, -1};  // first non-finite cell, if any
  SolverDiverged(const std::string& what, int it, double res, std::array<int, 3> c)
      : std::runtime_error(what), iteration(it), residual(res), cell(c) {}
};

/// Outcome of one linear solve.
struct SolveStats {
  int iterations = 0;
  double initial_residual = 0;  // ||b - A x0||
  double final_residual = 0;    // ||b - A x|| (recomputed, not the recurrence)
  double relative_residual = 0; // final / ||b||
  /// relative_residual <= tol, or roundoff_limited.
  bool converged = false;
  /// The solve stopped improving at the floor round-off sets for ||b - A x|| (at most about
  /// 8 eps (||b|| + 2 ||a_P x||)), above a tolerance too tight for the system: the best answer
  /// double precision gives, so it counts as converged.
  bool roundoff_limited = false;
  /// ||r|| where the iterations began: the initial residual, or the residual a full
  /// multigrid start left (InitialGuess::FullMultigrid; the start is not an iteration).
  double iteration_start_residual = 0;
  double convergence_factor = 0;  // (final / iteration_start)^(1 / iterations)
};

/// Work vectors of pcg_solve, kept between solves so time steps do not allocate: the residual
/// r, the direction p and one vector zq for the preconditioned residual z = M^-1 r and q = A p
/// in turn (z is spent on p = z + beta p before q is formed, q on r -= alpha q before the next
/// z), so three vectors where the textbook has four.
struct PcgWorkspace {
  Field<double> r, p, zq;
  /// Allocates the vectors unless they already have this size.
  void resize(int nx, int ny, int nz) {
    if (r.nx() == nx && r.ny() == ny && r.nz() == nz) return;
    r = Field<double>(nx, ny, nz);
    p = Field<double>(nx, ny, nz);
    zq = Field<double>(nx, ny, nz);
  }
};

/// Called after each iteration with (iteration, relative residual).
using IterationCallback = std::function<void(int, double)>;

/// Whether residual = ||b - A x|| lies at the floor round-off sets for it, about
/// 8 eps (||b|| + 2 ||a_P x||) (bnorm = ||b||): where a solve that stopped improving has done
/// all double precision allows. Public only because nvcc's extended lambdas need an enclosing
/// function with external linkage.
bool at_roundoff_floor(const Stencil7& A, const Field<double>& x, double bnorm, double residual);
/// x = 0 and r = b in one pass; returns ||b||. Public for the same reason.
double start_from_zero(const Field<double>& b, Field<double>& x, Field<double>& r);

/// Where an iterative solve starts: from the x it is given, or from x = 0 (x is then zeroed
/// and r = b formed in one pass with ||b||, instead of a fill, a norm and a residual pass), or
/// from the x it is given corrected by one full multigrid cycle on its residual
/// (Multigrid::full_multigrid; pcg_solve only). The last is for a steady solve from a uniform
/// start: the 100^3 conduction cube at 1e-8 takes 4 PCG iterations after it instead of 6, the
/// 128^3 package 4 instead of 7. It does not pay where x is already close (time steps), and
/// SIMPLEC's loose pressure corrections gave the H100 plate 145 outer iterations instead of 132.
enum class InitialGuess { GivenX, Zero, FullMultigrid };

/// Solves A x = b to ||b - A x|| <= tol ||b|| with CG preconditioned by one V-cycle of mg.
/// x holds the initial guess (or is set to 0, `guess` Zero) and receives the solution. ws
/// (optional) supplies the work vectors; without it they are allocated for this call.
SolveStats pcg_solve(const Stencil7& A, Multigrid& mg, const Field<double>& b, Field<double>& x,
                     double tol, int max_iterations, const IterationCallback& on_iteration = {},
                     PcgWorkspace* ws = nullptr, InitialGuess guess = InitialGuess::GivenX);

/// Work vectors of bicgstab_solve.
struct BicgstabWorkspace {
  Field<double> r, r0, p, v, s, t, ph, sh;
  void resize(int nx, int ny, int nz) {
    if (r.nx() == nx && r.ny() == ny && r.nz() == nz) return;
    for (Field<double>* f : {&r, &r0, &p, &v, &s, &t, &ph, &sh}) *f = Field<double>(nx, ny, nz);
  }
};

/// Solves A x = b (A need not be symmetric) to ||b - A x|| <= tol ||b|| with BiCGStab, right-
/// preconditioned by one V-cycle of mg per preconditioner application.
SolveStats bicgstab_solve(const Stencil7& A, Multigrid& mg, const Field<double>& b,
                          Field<double>& x, double tol, int max_iterations,
                          const IterationCallback& on_iteration = {},
                          BicgstabWorkspace* ws = nullptr);

}  // namespace kelvin
