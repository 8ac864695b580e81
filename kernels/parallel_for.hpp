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
#else
/// Rows of j walked together per block: a 7-point stencil then keeps its k-1, k, k+1 planes
/// of a 16-row strip in L2 (16 x nx x 8 B x 5 arrays = 180 kB at nx = 256) instead of whole
/// planes, which spill to L3 beyond about 128^2.
constexpr int kRowBlock = 16;

/// Below this many cells a loop runs on one thread: waking the team costs more than it saves
/// (the coarse multigrid levels).
constexpr long long kParallelMinCells = 16384;

template <class F>
void parallel_for(const Box& box, F f) {
  if (box.empty()) return;
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
  const int nblocks = (jhi - jlo + kRowBlock - 1) / kRowBlock;
#pragma omp parallel if (box.volume() >= kParallelMinCells)
  {
    // Each thread's own copy of the kernel: its captured views then live in registers, where
    // the shared copy's members had to be reloaded after every store (a double store may
    // alias a double member), which kept the compiler from vectorising the i loop.
    const F g = f;
#pragma omp for collapse(2) schedule(static)
    for (int b = 0; b < nblocks; ++b)
      for (int k = klo; k < khi; ++k) {
        const int j1 = jlo + (b + 1) * kRowBlock < jhi ? jlo + (b + 1) * kRowBlock : jhi;
        for (int j = jlo + b * kRowBlock; j < j1; ++j)
#pragma omp simd
          for (int i = ilo; i < ihi; ++i) g(i, j, k);
      }
  }
}
#endif

}  // namespace kelvin
