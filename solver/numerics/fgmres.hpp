#pragma once
/// Flexible GMRES (Saad 1993) for a linear system whose unknowns are several fields of
/// different sizes (the staggered velocity components and the pressure of a coupled flow
/// step). Right-preconditioned; the preconditioner may change from iteration to iteration
/// (inner multigrid-PCG solves), so the preconditioned directions z_j are kept:
///
///   v_0 = b / ||b||,  z_j = M_j^-1 v_j,  w = A z_j orthogonalised against v_0..v_j (modified
///   Gram-Schmidt) into h_{.,j} and v_{j+1};  x = sum_j y_j z_j,  y = argmin || beta e_1 - H y ||
///
/// with the least-squares problem updated by Givens rotations, so ||b - A x|| is known at every
/// step without forming x. The inner product weights each field (the caller's scales, so that
/// momentum and continuity rows of different units count alike). No restart: the caller takes
/// the iterate after at most max_iterations (an inexact inner solve of an outer iteration).
#include <functional>
#include <vector>

#include "kernels/field.hpp"

namespace kelvin {

/// The unknowns: fields of any sizes, in a fixed order.
using FieldBlock = std::vector<Field<double>>;
/// out = A x (or out = M^-1 x for a preconditioner) for blocks shaped like the right-hand side.
using BlockOperator = std::function<void(const FieldBlock& x, FieldBlock& out)>;

/// Krylov basis and preconditioned directions, allocated as iterations need them and kept
/// between solves (2 k + 1 blocks after a solve of k iterations).
struct FgmresWorkspace {
  std::vector<FieldBlock> V, Z;
};

struct FgmresResult {
  int iterations = 0;
  double relative_residual = 0;  ///< ||b - A x||_W / ||b||_W
};

/// A block shaped like `like` (same fields and sizes), zero.
FieldBlock make_block_like(const FieldBlock& like);

/// Solves A x = b from x = 0 until ||b - A x||_W <= tol ||b||_W or max_iterations, with
/// <a, b>_W = sum_f weight[f] (a_f . b_f).
FgmresResult fgmres_solve(const BlockOperator& A, const BlockOperator& M, const FieldBlock& b,
                          FieldBlock& x, const std::vector<double>& weight, double tol,
                          int max_iterations, FgmresWorkspace& ws);

}  // namespace kelvin
