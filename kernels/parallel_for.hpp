#pragma once
/// parallel_for(box, f): calls f(i, j, k) once for every cell of box.
/// CUDA: one thread per cell, i along threadIdx.x (coalesced); asynchronous.
/// CPU: an OpenMP loop nest over (row block, k, j) with the contiguous i loop innermost, so
/// g++ vectorises it and stencils stream through L2-sized strips.
#if defined(KELVIN_USE_CUDA) && !defined(__CUDACC__)
#error "kernel code must be compiled by nvcc in the CUDA build (LANGUAGE CUDA in CMake)"
#endif
#include "kernels/box.hpp"

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
#include "kernels/cuda_check.hpp"
#else
#include <omp.h>
#endif

namespace kelvin {

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
template <class F>
__global__ void parallel_for_kernel(Box box, F f) {
  const int i = box.lo[0] + static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = box.lo[1] + static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
  const int k = box.lo[2] + static_cast<int>(blockIdx.z * blockDim.z + threadIdx.z);
  if (i < box.hi[0] && j < box.hi[1] && k < box.hi[2]) f(i, j, k);
}

template <class F>
void parallel_for(const Box& box, F f) {
  if (box.empty()) return;
  const dim3 block(32, 4, 2);
  const dim3 grid((box.size(0) + block.x - 1) / block.x, (box.size(1) + block.y - 1) / block.y,
                  (box.size(2) + block.z - 1) / block.z);
  parallel_for_kernel<<<grid, block>>>(box, f);
  KELVIN_CUDA_CHECK(cudaGetLastError());
}
/// One kernel for every device.
template <class F>
void parallel_for_multiarch(const Box& box, F f) {
  parallel_for(box, f);
}
#else
/// Rows of j walked together per block: a 7-point stencil then keeps its k-1, k, k+1 planes
/// of a 16-row strip in L2 (16 x nx x 8 B x 5 arrays = 180 kB at nx = 256) instead of whole
/// planes, which spill to L3 beyond about 128^2.
constexpr int kRowBlock = 16;

/// AVX2 and baseline clones of a function, picked once by the CPU (GCC's target_clones, an
/// ifunc); Kelvin itself is built for x86-64-v2. AVX2 without FMA: the clone does the same
/// operations on every element, four at a time, so every value is the baseline's, bit for bit
/// (with FMA, as in arch=x86-64-v3, g++ would fuse multiply-adds: the test
/// ParallelFor.MultiarchGivesTheBaselinesValuesBitForBit fails; and a clone for another -march
/// inlines no kernel that is not always_inline).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define KELVIN_MULTIARCH __attribute__((target_clones("avx2", "default")))
#else
#define KELVIN_MULTIARCH
#endif

/// Rows [j0, j1) of plane k, i innermost and vectorised.
template <class F>
__attribute__((always_inline)) inline void row_strip(const F& g, int ilo, int ihi, int j0, int j1,
                                                     int k) {
  for (int j = j0; j < j1; ++j)
#pragma omp simd
    for (int i = ilo; i < ihi; ++i) g(i, j, k);
}

/// row_strip in both clones; the kernel comes by value, so its views stay in registers, and
/// must be KELVIN_INLINE_KERNEL (backend.hpp) to be inlined into both.
template <class F>
KELVIN_MULTIARCH void row_strip_multiarch(F g, int ilo, int ihi, int j0, int j1, int k) {
  row_strip(g, ilo, ihi, j0, j1, k);
}

/// Rows per strip of a wide streaming kernel (parallel_for_multiarch: the flow assembly, 15 to
/// 22 arrays read or written per cell, little reuse beyond the plane below): the fewest strips
/// per plane (whole planes where the planes are many) that still give every thread 8 (strip,
/// plane) items, and never more strips than kRowBlock rows would make. Long strips let each
/// array stream through memory in long runs: 16-row strips restart every stream each 17 kB at
/// 128^2, and the momentum assembly at 128^3 took 18.2-18.9 ms against 16.7-17.1 ms with
/// whole planes.
inline int wide_strip_rows(const Box& box) {
  const int rows = box.size(1), planes = box.size(2), items = 8 * omp_get_max_threads();
  const int most = (rows + kRowBlock - 1) / kRowBlock;
  const int wanted = (items + planes - 1) / planes;
  const int strips = wanted < most ? wanted : most;
  return (rows + strips - 1) / strips;
}

/// The loop nest of parallel_for; MULTIARCH: each strip in row_strip_multiarch, strips of
/// wide_strip_rows.
template <bool MULTIARCH, class F>
void parallel_for_rows(const Box& box, const F& f) {
  if (box.empty()) return;
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
  const int rows = MULTIARCH ? wide_strip_rows(box) : kRowBlock;
  const int nblocks = (jhi - jlo + rows - 1) / rows;
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    // Each thread's own copy of the kernel: its captured views then live in registers, where
    // the shared copy's members had to be reloaded after every store (a double store may
    // alias a double member), which kept the compiler from vectorising the i loop.
    const F g = f;
#pragma omp for collapse(2) schedule(static)
    for (int b = 0; b < nblocks; ++b)
      for (int k = klo; k < khi; ++k) {
        const int j0 = jlo + b * rows;
        const int j1 = j0 + rows < jhi ? j0 + rows : jhi;
        if (MULTIARCH) row_strip_multiarch(g, ilo, ihi, j0, j1, k);
        else row_strip(g, ilo, ihi, j0, j1, k);
      }
  }
}

template <class F>
void parallel_for(const Box& box, F f) {
  parallel_for_rows<false>(box, f);
}

/// parallel_for with the loop compiled for AVX2 as well, for the streaming kernels whose
/// arithmetic keeps them below the memory bandwidth with SSE (the flow assembly).
template <class F>
void parallel_for_multiarch(const Box& box, F f) {
  parallel_for_rows<true>(box, f);
}
#endif

}  // namespace kelvin
