// Stencil and vector kernels shared by every solver.
#include "solver/numerics/operator.hpp"

#include <array>
#include <cmath>
#include <type_traits>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"

namespace kelvin {

void apply(const Stencil7& A, const Field<double>& x, Field<double>& y) {
  const auto a = A.view();
  const auto xv = x.view();
  const auto yv = y.view();
  parallel_for(y.cells(), KELVIN_LAMBDA(int i, int j, int k) { yv(i, j, k) = stencil_apply(i, j, k, a, xv); });
}

double apply_dot(const Stencil7& A, const Field<double>& x, Field<double>& y) {
  return apply_dot(A, x, y, x);
}

double apply_dot(const Stencil7& A, const Field<double>& x, Field<double>& y, const Field<double>& u) {
  const auto a = A.view();
  const auto xv = x.view();
  const auto yv = y.view();
  const auto uv = u.cview();
  return reduce_sum(y.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = stencil_apply(i, j, k, a, xv);
    yv(i, j, k) = v;
    return v * uv(i, j, k);
  });
}

namespace {

/// r = b - A x at one cell: writes r and returns it (residual, residual_field).
template <class S, class V, class W>
struct ResidualAt {
  S a;
  V x, b;
  W r;
  KELVIN_HD double operator()(int i, int j, int k) const {
    const double v = b(i, j, k) - stencil_apply(i, j, k, a, x);
    r(i, j, k) = static_cast<std::remove_reference_t<decltype(r(i, j, k))>>(v);
    return v;
  }
};

template <class S, class V, class W>
ResidualAt<S, V, W> residual_at(S a, V x, V b, W r) {
  return {a, x, b, r};
}

}  // namespace

double residual(const Stencil7& A, const Field<double>& x, const Field<double>& b,
                Field<double>& r) {
  // r = b - A x, fused with ||r||^2
  const auto at = residual_at(A.view(), x.view(), b.view(), r.view());
  const double rr = reduce_sum(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = at(i, j, k);
    return v * v;
  });
  return std::sqrt(rr);
}

std::array<double, 2> residual_norms(const Stencil7& A, const Field<double>& x,
                                     const Field<double>& b, Field<double>& r) {
  const auto a = A.view();
  const auto xv = x.cview(), bv = b.cview();
  const auto rv = r.view();
  const Sum2 s = reduce_sum2(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    double v;
    const Sum2 t = residual_terms(i, j, k, a, bv, xv, v);
    rv(i, j, k) = v;
    return t;
  });
  return {s.a, s.b};
}

template <class T>
void residual_field(const BasicStencil7<T>& A, const Field<T>& x, const Field<T>& b, Field<T>& r) {
  parallel_for(r.cells(), residual_at(A.view(), x.view(), b.view(), r.view()));
}
template void residual_field(const BasicStencil7<double>&, const Field<double>&,
                             const Field<double>&, Field<double>&);
template void residual_field(const BasicStencil7<float>&, const Field<float>&,
                             const Field<float>&, Field<float>&);

double norm2(const Field<double>& x) { return std::sqrt(dot(x.view(), x.view())); }

double max_abs(const Field<double>& x) {
  const auto v = x.view();
  return reduce_max(x.cells(), KELVIN_LAMBDA(int i, int j, int k) { return fabs(v(i, j, k)); });
}

double max_abs_difference(const Field<double>& a, const Field<double>& b) {
  const auto av = a.view();
  const auto bv = b.view();
  return reduce_max(a.cells(), KELVIN_LAMBDA(int i, int j, int k) { return fabs(av(i, j, k) - bv(i, j, k)); });
}

void axpy(double alpha, const Field<double>& x, Field<double>& y) {
  const auto xv = x.view();
  const auto yv = y.view();
  parallel_for(y.cells(), KELVIN_LAMBDA(int i, int j, int k) { yv(i, j, k) += alpha * xv(i, j, k); });
}

void axpy_sum(const AxpyTerms& terms, Field<double>& y) {
  // Unused slots repeat term 0 with a zero factor: y + 0 x = y for finite x, so the kernel
  // has no branch per slot.
  AxpyTerms t = terms;
  for (int q = t.count; q < kMaxSums; ++q) t.x[q] = t.x[0], t.alpha[q] = 0.0;
  const auto yv = y.view();
  parallel_for(y.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    double v = yv(i, j, k);
    for (int q = 0; q < kMaxSums; ++q) v += t.alpha[q] * t.x[q](i, j, k);
    yv(i, j, k) = v;
  });
}

template <class T>
void BasicStencil7<T>::enable_advection() {
  if (advective()) return;
  for (int d = 0; d < 3; ++d) {
    up[d] = Field<T>(ap.nx(), ap.ny(), ap.nz());
    lo[d] = Field<T>(ap.nx(), ap.ny(), ap.nz());
  }
  reset_advection();
}

template <class T>
void BasicStencil7<T>::reset_advection() {
  const auto a0 = ax.cview(), a1 = ay.cview(), a2 = az.cview();
  const auto u0 = up[0].view(), u1 = up[1].view(), u2 = up[2].view();
  const auto l0 = lo[0].view(), l1 = lo[1].view(), l2 = lo[2].view();
  parallel_for(cells(), KELVIN_LAMBDA(int i, int j, int k) {
    u0(i, j, k) = l0(i, j, k) = a0(i, j, k);
    u1(i, j, k) = l1(i, j, k) = a1(i, j, k);
    u2(i, j, k) = l2(i, j, k) = a2(i, j, k);
  });
}

template struct BasicStencil7<double>;
template struct BasicStencil7<float>;

void copy(const Field<double>& src, Field<double>& dst) {
  const auto s = src.view();
  const auto d = dst.view();
  parallel_for(dst.cells(), KELVIN_LAMBDA(int i, int j, int k) { d(i, j, k) = s(i, j, k); });
}

void fill(Field<double>& x, double value) {
  const auto v = x.view();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) { v(i, j, k) = value; });
}

std::array<int, 3> first_nonfinite(const Field<double>& x) {
  // Smallest linear index of a non-finite value (i fastest), found by a min-reduction.
  const auto v = x.view();
  const double nx = x.nx(), ny = x.ny();
  const double first = reduce_min(x.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return is_finite(v(i, j, k)) ? 1e300 : i + nx * (j + ny * k);
  });
  if (first >= 1e299) return {-1, -1, -1};
  const long long n = static_cast<long long>(first);
  const long long nxl = x.nx(), nyl = x.ny();
  return {static_cast<int>(n % nxl), static_cast<int>((n / nxl) % nyl),
          static_cast<int>(n / (nxl * nyl))};
}

}  // namespace kelvin
