#pragma once
/// Geometric multigrid for symmetric 7-point operators with strong anisotropy and coefficient
/// jumps: zebra line Gauss-Seidel along one axis (the strongest-coupled one) and semi-coarsening
/// by 2 in the other two axes where they are strongly coupled (the combination of Dendy's and
/// Schaffer's robust structured multigrid; an axis whose coupling per cell is below 1/4 of the
/// strongest off-line axis' is kept until coarsening the others has evened them out). Coarse operators aggregate 2x2 cell blocks: couplings across a coarse face are
/// the sum of the fine couplings through it (scaled by `coarse_scaling` in the coarsened axes,
/// which corrects the factor-2 over-estimate of piecewise-constant aggregation), and the
/// diagonal keeps each aggregate's boundary/storage terms. Conductances in parallel add, so
/// jumps of 1e4 in k are carried to every level without averaging across them. The levels are
/// stored in float by default (MultigridOptions::single_precision) around a double operator
/// and double Krylov solves.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "solver/numerics/operator.hpp"
#include "solver/numerics/settings.hpp"

namespace kelvin {

/// Tuning of the multigrid cycle.
struct MultigridOptions {
  int pre_sweeps = 2;          // red+black line sweeps before restriction
  int post_sweeps = 2;         // black+red line sweeps after prolongation (symmetric cycle)
  double coarse_scaling = 0.5; // factor on aggregated couplings along coarsened axes
  int line_axis = -1;          // -1: choose the axis with the largest total coupling
  int max_levels = 40;
  int coarsest_sweeps = 4;     // when the coarsest level is not a single line
  /// A batch of batch_slabs independent grids stacked along batch_axis (-1: none): coarse
  /// cells never span two slabs.
  int batch_axis = -1;
  int batch_slabs = 1;
  /// Levels stored in single precision: the finest level's coefficients are copied to float at
  /// every rebuild, the cycle reads and writes floats (half the bytes of every sweep, residual
  /// and transfer) and computes in double. The preconditioner then approximates A^-1 to about
  /// 1e-7 relative, which the double-precision Krylov solve around it absorbs; cycle() corrects
  /// the caller's double iterate by a V-cycle on its double residual, so stand-alone cycles
  /// still converge to double accuracy.
  bool single_precision = true;
};

/// The default options with the levels' precision a case's solver settings ask for.
inline MultigridOptions multigrid_options(const SolverSettings& s) {
  MultigridOptions o;
  o.single_precision = s.single_precision_multigrid;
  return o;
}

template <class T>
class MultigridLevels;

/// The squared norms {||b - A x||^2, ||a_P x||^2}, summed over every row.
struct ResidualNorms {
  double residual = 0, diagonal = 0;
};

/// Total coupling of A along each axis (symmetric plus advective parts, summed over cells).
std::array<double, 3> axis_couplings(const Stencil7& A);
/// The axis Multigrid solves by lines when line_axis is -1: the one carrying the most coupling
/// (within 5 %, the one with the most boundary conductance).
int strongest_axis(const Stencil7& A);

/// A multigrid hierarchy built on an operator the caller owns (it must outlive this object).
class Multigrid {
 public:
  Multigrid(const Stencil7& A, MultigridOptions options = {});
  ~Multigrid();
  Multigrid(const Multigrid&) = delete;
  Multigrid& operator=(const Multigrid&) = delete;

  /// Recomputes coarse operators and line factorisations after A's coefficients changed. With
  /// coarse_levels false only the finest level's line factorisations follow A: the coarse
  /// levels stay those of an earlier A, a coarser approximation for an operator that changes
  /// little between calls (the cycle still smooths the current A exactly on the finest level).
  void rebuild(bool coarse_levels = true);
  /// rebuild(), the coarse levels only when some diagonal coefficient of A moved by more than
  /// `tolerance` (relative) since they were last built; returns whether they were (never for a
  /// single level, which is rebuilt without measuring the change: a float one by the next
  /// cycle, in the pass that forms its residual, or by the next precondition). For
  /// operators rebuilt every outer iteration (SIMPLEC's momentum and pressure correction), which
  /// barely change near convergence: on the H100 plate 7 % less wall time, same answers to 9
  /// digits, and the near-transitional turn duct still converges (it diverged when the coarse
  /// levels were refreshed only every 4 iterations).
  bool rebuild_if_changed(double tolerance = 0.05);
  /// z = M^-1 r: one symmetric V-cycle from a zero initial guess (an SPD preconditioner).
  void precondition(const Field<double>& r, Field<double>& z);
  /// CG's z = M^-1 r and r . z, without a double z where the levels are float: z stays in
  /// level 0's float iterate (double levels write it to `z`), and direction(beta, z, p) then
  /// forms p = z + beta p from it (beta 0: p = z). The products and terms are those of
  /// precondition(r, z), dot(r, z) and p = z + beta p, but the float-to-double reduction may
  /// add its vector lanes in another order (answers move by round-off); 24 bytes per cell
  /// less (no double z written and read back).
  double precondition_dot(const Field<double>& r, Field<double>& z);
  void direction(double beta, const Field<double>& z, Field<double>& p);
  /// Given r = b - A x: x += e and r -= A e, with e from one full multigrid cycle on A e = r
  /// (r restricted to every level, the coarsest smoothed, then each finer level started from
  /// the coarser one's e, prolonged, and given one V-cycle); returns the new ||r||^2. It costs
  /// about 4/3 of a V-cycle and a residual pass, and removes the smooth error a V-cycle from
  /// zero leaves: a start for solves whose x is far from the answer. e is a work vector of
  /// A's size: double levels form the correction there, float ones keep it in level 0.
  double full_multigrid(Field<double>& x, Field<double>& r, Field<double>& e);
  /// One V-cycle on A x = b, improving x in place; with `norms`, those of the x it started
  /// from (on float levels summed in the pass that forms the cycle's residual: no pass of
  /// their own).
  void cycle(const Field<double>& b, Field<double>& x, ResidualNorms* norms = nullptr);

  int levels() const;
  /// The operator of level l (0: the caller's); double-precision hierarchies only.
  const Stencil7& level_operator(int l) const;
  int line_axis() const;
  bool single_precision() const { return m_single != nullptr; }
  /// Cells per aggregate along each axis from level l to level l + 1 (2: coarsened, 1: kept).
  std::array<int, 3> coarsening(int l) const;
  /// Cell counts per level, e.g. "128x128x128 -> 64x64x128 -> ...".
  std::string describe() const;

 private:
  const Stencil7& m_A;
  std::unique_ptr<MultigridLevels<double>> m_double;
  std::unique_ptr<MultigridLevels<float>> m_single;
  Field<double> m_built_ap;  // A's diagonal when the coarse levels were built (rebuild_if_changed)
};

}  // namespace kelvin
