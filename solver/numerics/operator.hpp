#pragma once
/// 7-point finite-volume operator stored as coefficient fields:
///   (A x)_P = ap_P x_P - sum_nb a_nb x_nb,
/// with a[d](i,j,k) the (symmetric, diffusive) coupling between cell (i,j,k) and its +1
/// neighbour along axis d. Advection adds a non-symmetric part: up[d](i,j,k) holds the whole
/// coupling of row (i,j,k) to its +1 neighbour (symmetric plus advective), lo[d](i,j,k) the whole
/// coupling of the +1 neighbour's row to (i,j,k) (upwind advection puts the face's
/// heat-capacity flux on the downstream row). Kernels read only ap, up and lo (7 fields, not
/// 10); the symmetric part stays for multigrid's coarsening, which scales the two parts
/// differently. A symmetric operator's view aliases up and lo to a.
/// Couplings across the domain boundary are zero (boundary terms are folded into ap), and the
/// ghost layer of every field is zero, so the stencil needs no branches.
#include <array>

#include "kernels/field.hpp"
#include "kernels/sums.hpp"

namespace kelvin {

/// Read-only view of a stencil passed to kernels (T: the coefficients' precision; multigrid
/// keeps single-precision copies, see MultigridOptions::single_precision).
template <class T>
struct BasicStencilView {
  FieldView<const T> ap, ax, ay, az;
  FieldView<const T> ux, uy, uz, lx, ly, lz;  // whole couplings (ax.. unless adv)
  bool adv = false;
};
using StencilView = BasicStencilView<double>;

/// Owner of the coefficient fields of a symmetric 7-point operator.
/// bx, by, bz hold the part of ap that couples a cell to fixed values across the domain
/// boundary normal to x, y, z (boundary conductances); the rest of ap beyond the couplings is
/// storage-like (rho cp V / dt). Multigrid coarsens the two kinds differently.
template <class T>
struct BasicStencil7 {
  Field<T> ap, ax, ay, az, bx, by, bz;
  std::array<Field<T>, 3> up, lo;  // whole couplings (empty unless advective())
  BasicStencil7() = default;
  BasicStencil7(int nx, int ny, int nz)
      : ap(nx, ny, nz), ax(nx, ny, nz), ay(nx, ny, nz), az(nx, ny, nz), bx(nx, ny, nz),
        by(nx, ny, nz), bz(nx, ny, nz) {}
  bool advective() const { return up[0].nx() > 0; }
  /// Allocates up and lo unless they exist, as copies of the symmetric couplings (no
  /// advection yet).
  void enable_advection();
  /// up[d] = lo[d] = a[d]: the whole couplings with the advective part removed, the start of
  /// an advective assembly that adds its part.
  void reset_advection();
  BasicStencilView<T> view() const {
    if (!advective())
      return {ap.view(), ax.view(), ay.view(), az.view(), ax.view(), ay.view(),
              az.view(), ax.view(), ay.view(), az.view(), false};
    return {ap.view(),    ax.view(),    ay.view(),    az.view(),    up[0].view(),
            up[1].view(), up[2].view(), lo[0].view(), lo[1].view(), lo[2].view(), true};
  }
  Box cells() const { return ap.cells(); }
};
using Stencil7 = BasicStencil7<double>;
extern template struct BasicStencil7<double>;
extern template struct BasicStencil7<float>;

/// True unless v is NaN or infinite (inf - inf and NaN - NaN are NaN).
KELVIN_HD inline bool is_finite(double v) { return v - v == 0.0; }

/// (A x) at one cell, from the whole couplings (aliases of the symmetric ones unless adv),
/// in double precision whatever the precision of A and x.
template <class T, class X>
KELVIN_HD inline double stencil_apply(int i, int j, int k, const BasicStencilView<T>& A,
                                      const FieldView<X>& x) {
  return A.ap(i, j, k) * x(i, j, k) - A.ux(i, j, k) * x(i + 1, j, k) -
         A.lx(i - 1, j, k) * x(i - 1, j, k) - A.uy(i, j, k) * x(i, j + 1, k) -
         A.ly(i, j - 1, k) * x(i, j - 1, k) - A.uz(i, j, k) * x(i, j, k + 1) -
         A.lz(i, j, k - 1) * x(i, j, k - 1);
}

/// b - A x at row (i, j, k) in r, and the terms {r^2, (a_P x)^2} of the residual's norms.
template <class S, class B, class X>
KELVIN_HD inline Sum2 residual_terms(int i, int j, int k, const S& A, const B& b, const X& x,
                                     double& r) {
  r = b(i, j, k) - stencil_apply(i, j, k, A, x);
  const double v = A.ap(i, j, k) * x(i, j, k);
  return Sum2{r * r, v * v};
}

/// y = A x over every cell.
void apply(const Stencil7& A, const Field<double>& x, Field<double>& y);
/// y = A x, fused with the returned x . y (one pass instead of two in CG).
double apply_dot(const Stencil7& A, const Field<double>& x, Field<double>& y);
/// y = A x, fused with the returned y . u (BiCGStab's r0 . v).
double apply_dot(const Stencil7& A, const Field<double>& x, Field<double>& y, const Field<double>& u);
/// r = b - A x; returns ||r||_2.
double residual(const Stencil7& A, const Field<double>& x, const Field<double>& b,
                Field<double>& r);
/// r = b - A x; returns {||r||^2, ||a_P x||^2} in the same pass (a momentum residual's norm
/// and the scale it is divided by).
std::array<double, 2> residual_norms(const Stencil7& A, const Field<double>& x,
                                     const Field<double>& b, Field<double>& r);
/// r = b - A x without the norm (multigrid's restriction): a plain streaming loop, no reduction.
/// Instantiated for double and float.
template <class T>
void residual_field(const BasicStencil7<T>& A, const Field<T>& x, const Field<T>& b, Field<T>& r);
/// ||x||_2.
double norm2(const Field<double>& x);
/// max |x| over every cell.
double max_abs(const Field<double>& x);
/// max |a - b| over every cell.
double max_abs_difference(const Field<double>& a, const Field<double>& b);
/// y = y + alpha x.
void axpy(double alpha, const Field<double>& x, Field<double>& y);
/// Terms alpha[q] x[q], q < count (at most kMaxSums), for axpy_sum.
struct AxpyTerms {
  FieldView<const double> x[kMaxSums];
  double alpha[kMaxSums];
  int count = 0;
};
/// y = (((y + alpha_0 x_0) + alpha_1 x_1) + ...) in one pass: the same arithmetic, term by
/// term, as count axpys.
void axpy_sum(const AxpyTerms& terms, Field<double>& y);
/// dst = src.
void copy(const Field<double>& src, Field<double>& dst);
/// x = value in every interior cell.
void fill(Field<double>& x, double value);
/// First cell (i fastest) where x is NaN or infinite, as {i, j, k}; {-1, -1, -1} if none.
std::array<int, 3> first_nonfinite(const Field<double>& x);

}  // namespace kelvin
