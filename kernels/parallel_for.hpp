#pragma once
/// parallel_for(box, f): calls f(i, j, k) once for every cell of box.
/// CUDA: one thread per cell, i along threadIdx.x (coalesced); asynchronous.
/// CPU: an OpenMP loop nest over (k, j) with the contiguous i loop innermost, so g++
/// vectorises it.
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
template <class F>
void parallel_for(const Box& box, F f) {
  if (box.empty()) return;
  const int klo = box.lo[2], khi = box.hi[2], jlo = box.lo[1], jhi = box.hi[1];
  const int ilo = box.lo[0], ihi = box.hi[0];
#pragma omp parallel for collapse(2) schedule(static)
  for (int k = klo; k < khi; ++k)
    for (int j = jlo; j < jhi; ++j)
#pragma omp simd
      for (int i = ilo; i < ihi; ++i) f(i, j, k);
}
#endif

}  // namespace kelvin
