#pragma once
/// Reductions over a box: reduce_sum / reduce_max / reduce_min of f(i, j, k), reduce_sum2 of a
/// pair of sums, reduce_sums of up to kMaxSums sums, and dot(a, b).
/// CUDA: Thrust transform_reduce over a counting iterator (its temporary storage from CUB's
/// caching allocator: THRUST_CACHING_DEVICE_MALLOC, set in CMakeLists.txt). CPU: OpenMP
/// reductions over the same loop nest as parallel_for. Both return the value on the host
/// (synchronising).
#if defined(KELVIN_USE_CUDA) && !defined(__CUDACC__)
#error "kernel code must be compiled by nvcc in the CUDA build (LANGUAGE CUDA in CMake)"
#endif
#include <limits>

#include "kernels/box.hpp"
#include "kernels/field.hpp"
#include "kernels/parallel_for.hpp"
#include "kernels/sums.hpp"

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
#include <thrust/execution_policy.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>
#endif

namespace kelvin {

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
/// Cell n of the box (i fastest) as (i, j, k), then f there. 32-bit indices: a 64-bit division
/// is a long emulated sequence on the GPU, and no grid that fits a device has 2^32 cells.
template <class F, class R = double>
struct BoxDecode {
  Box box;
  F f;
  __host__ __device__ R operator()(unsigned n) const {
    const unsigned nx = static_cast<unsigned>(box.size(0));
    const unsigned ny = static_cast<unsigned>(box.size(1));
    const unsigned row = n / nx, plane = row / ny;  // two divisions, no remainders
    const int i = box.lo[0] + static_cast<int>(n - row * nx);
    const int j = box.lo[1] + static_cast<int>(row - plane * ny);
    const int k = box.lo[2] + static_cast<int>(plane);
    return f(i, j, k);
  }
};

template <class R, class F, class Op>
R reduce_box(const Box& box, F f, R init, Op op) {
  if (box.empty()) return init;
  KELVIN_VERIFY(box.volume() < (1LL << 32), "reduce: a box of 2^32 cells or more on the GPU");
  const unsigned cells = static_cast<unsigned>(box.volume());
  return thrust::transform_reduce(thrust::device, thrust::counting_iterator<unsigned>(0),
                                  thrust::counting_iterator<unsigned>(cells),
                                  BoxDecode<F, R>{box, f}, init, op);
}
template <class F>
double reduce_sum(const Box& box, F f) {
  return reduce_box(box, f, 0.0, thrust::plus<double>());
}
struct Sum2Plus {
  __host__ __device__ Sum2 operator()(const Sum2& x, const Sum2& y) const { return {x.a + y.a, x.b + y.b}; }
};
template <class F>
Sum2 reduce_sum2(const Box& box, F f) {
  return reduce_box(box, f, Sum2{}, Sum2Plus());
}
struct SumsPlus {
  __host__ __device__ Sums operator()(const Sums& x, const Sums& y) const {
    Sums r;
    for (int q = 0; q < kMaxSums; ++q) r.s[q] = x.s[q] + y.s[q];
    return r;
  }
};
template <class F>
Sums reduce_sums(const Box& box, F f) {
  return reduce_box(box, f, Sums{}, SumsPlus());
}
template <class F>
double reduce_max(const Box& box, F f) {
  return reduce_box(box, f, -std::numeric_limits<double>::infinity(), thrust::maximum<double>());
}
#else
template <class F>
double reduce_sum(const Box& box, F f) {
  double s = 0.0;
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    const F g = f;  // each thread's own copy, as in parallel_for: its views stay in registers
#pragma omp for collapse(2) schedule(static) reduction(+ : s)
    for (int k = klo; k < khi; ++k)
      for (int j = jlo; j < jhi; ++j)
#pragma omp simd reduction(+ : s)
        for (int i = ilo; i < ihi; ++i) s += g(i, j, k);
  }
  return s;
}
template <class F>
Sum2 reduce_sum2(const Box& box, F f) {
  double sa = 0.0, sb = 0.0;
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    const F g = f;
#pragma omp for collapse(2) schedule(static) reduction(+ : sa, sb)
    for (int k = klo; k < khi; ++k)
      for (int j = jlo; j < jhi; ++j)
#pragma omp simd reduction(+ : sa, sb)
        for (int i = ilo; i < ihi; ++i) {
          const Sum2 v = g(i, j, k);
          sa += v.a;
          sb += v.b;
        }
  }
  return {sa, sb};
}
template <class F>
Sums reduce_sums(const Box& box, F f) {
  double s[kMaxSums] = {};
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    const F g = f;
#pragma omp for collapse(2) schedule(static) reduction(+ : s[:kMaxSums])
    for (int k = klo; k < khi; ++k)
      for (int j = jlo; j < jhi; ++j)
#pragma omp simd reduction(+ : s[:kMaxSums])
        for (int i = ilo; i < ihi; ++i) {
          const Sums v = g(i, j, k);
          for (int q = 0; q < kMaxSums; ++q) s[q] += v.s[q];
        }
  }
  Sums r;
  for (int q = 0; q < kMaxSums; ++q) r.s[q] = s[q];
  return r;
}
template <class F>
double reduce_max(const Box& box, F f) {
  double m = -std::numeric_limits<double>::infinity();
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    const F g = f;
#pragma omp for collapse(2) schedule(static) reduction(max : m)
    for (int k = klo; k < khi; ++k)
      for (int j = jlo; j < jhi; ++j)
        for (int i = ilo; i < ihi; ++i) {
          const double v = g(i, j, k);
          m = v > m ? v : m;
        }
  }
  return m;
}
#endif

/// -f, for reduce_min.
template <class F>
struct Negated {
  F f;
  KELVIN_HD double operator()(int i, int j, int k) const { return -f(i, j, k); }
};

/// min f = -max(-f): negation is exact, so this is the minimum bit for bit (+inf on an empty box).
template <class F>
double reduce_min(const Box& box, F f) {
  return -reduce_max(box, Negated<F>{f});
}

/// sum over cells of a * b. Defined once in reduce.cpp: a device lambda inside an inline
/// function would instantiate the same Thrust kernel in every translation unit, and with CUDA
/// 13 a call from one of them jumped to a null host pointer.
double dot(FieldView<const double> a, FieldView<const double> b);

}  // namespace kelvin
