#pragma once
/// line_sweep(starts, axis, n, color, fwd, bwd): for every line along `axis` that starts in
/// the box `starts` (extent 1 along axis), calls fwd(i, j, k) for the cells of the line in
/// increasing order, then bwd(i, j, k) for the first n - 1 cells in decreasing order (the two
/// passes of a tridiagonal solve, with the last cell's bwd skipped). With color 0 or 1 only the
/// lines whose two perpendicular indices sum to that parity are visited (zebra ordering); with
/// color -1, every line.
/// CUDA: one thread per line; neighbouring threads hold neighbouring lines, so every step along
/// the line is a coalesced access. CPU: for lines not along x, whole rows of lines advance
/// together one cell at a time (loop over the line axis outside the contiguous i loop), so the
/// sweep streams through memory plane by plane instead of striding a plane per access.
#include "kernels/parallel_for.hpp"

namespace kelvin {

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
template <class F, class G>
__global__ void line_sweep_kernel(Box starts, int axis, int n, int color, F fwd, G bwd) {
  int c[3] = {starts.lo[0] + static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x),
              starts.lo[1] + static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y),
              starts.lo[2] + static_cast<int>(blockIdx.z * blockDim.z + threadIdx.z)};
  if (c[0] >= starts.hi[0] || c[1] >= starts.hi[1] || c[2] >= starts.hi[2]) return;
  const int p1 = axis == 0 ? 1 : 0, p2 = axis == 2 ? 1 : 2;
  if (color >= 0 && ((c[p1] + c[p2]) & 1) != color) return;
  for (int m = 0; m < n; ++m) {
    c[axis] = m;
    fwd(c[0], c[1], c[2]);
  }
  for (int m = n - 2; m >= 0; --m) {
    c[axis] = m;
    bwd(c[0], c[1], c[2]);
  }
}

template <class F, class G>
void line_sweep(const Box& starts, int axis, int n, int color, F fwd, G bwd) {
  if (starts.empty() || n <= 0) return;
  const dim3 block(axis == 0 ? 1 : 32, axis == 0 ? 32 : (axis == 1 ? 1 : 8), axis == 2 ? 1 : 4);
  const dim3 grid((starts.size(0) + block.x - 1) / block.x, (starts.size(1) + block.y - 1) / block.y,
                  (starts.size(2) + block.z - 1) / block.z);
  line_sweep_kernel<<<grid, block>>>(starts, axis, n, color, fwd, bwd);
  KELVIN_CUDA_CHECK(cudaGetLastError());
}
#else
template <class F, class G>
void line_sweep(const Box& starts, int axis, int n, int color, F fwd, G bwd) {
  if (starts.empty() || n <= 0) return;
  const int ilo = starts.lo[0], ihi = starts.hi[0];
  if (axis == 0) {
    // Lines along the contiguous axis: each thread walks whole lines.
#pragma omp parallel for collapse(2) schedule(static) if (starts.volume() * n >= kParallelMinCells)
    for (int k = starts.lo[2]; k < starts.hi[2]; ++k)
      for (int j = starts.lo[1]; j < starts.hi[1]; ++j) {
        if (color >= 0 && ((j + k) & 1) != color) continue;
        for (int m = 0; m < n; ++m) fwd(m, j, k);
        for (int m = n - 2; m >= 0; --m) bwd(m, j, k);
      }
    return;
  }
  // Lines along y or z: parallel over the other non-contiguous axis; each thread advances a
  // whole row of lines (every i of the colour) one cell at a time.
  const int other = axis == 1 ? 2 : 1;
  const int olo = starts.lo[other], ohi = starts.hi[other];
#pragma omp parallel for schedule(static) if (starts.volume() * n >= kParallelMinCells)
  for (int o = olo; o < ohi; ++o) {
    // zebra: i + o has the colour's parity (i and o are the two perpendicular indices)
    const int step = color >= 0 ? 2 : 1;
    const int first = color >= 0 ? ilo + ((color - ilo - o) & 1) : ilo;
    int c[3];
    c[other] = o;
    for (int m = 0; m < n; ++m) {
      c[axis] = m;
      const int j = c[1], k = c[2];
      for (int i = first; i < ihi; i += step) fwd(i, j, k);
    }
    for (int m = n - 2; m >= 0; --m) {
      c[axis] = m;
      const int j = c[1], k = c[2];
      for (int i = first; i < ihi; i += step) bwd(i, j, k);
    }
  }
}
#endif

}  // namespace kelvin
