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
///
/// zebra_sweep(starts, axis, n, first, fwd, bwd): line_sweep of colour `first`, then of the
/// other colour, with the same result. CPU: the two colours advance together row by row (a
/// row: the lines at one index of the perpendicular axis the threads split), the second
/// colour one row behind the first, so each row is streamed from memory once for both.
#include "kernels/parallel_for.hpp"

#if !(defined(KELVIN_USE_CUDA) && defined(__CUDACC__)) && defined(_OPENMP)
#include <omp.h>
#endif

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

template <class F, class G>
void zebra_sweep(const Box& starts, int axis, int n, int first, F fwd, G bwd) {
  line_sweep(starts, axis, n, first, fwd, bwd);
  line_sweep(starts, axis, n, 1 - first, fwd, bwd);
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

/// Lines along x solved together by one thread (zebra_row): 2 cut a 128^3 V-cycle from 81 to
/// 62 ms on the 2-core EPYC VM; 4 was slower than 1 at 128^3 (about 40 concurrent memory
/// streams, more than the prefetchers follow).
constexpr int kLineGroup = 2;

/// The lines of one colour in row o of `starts` (o indexes `row_axis`, the perpendicular axis
/// the CPU splits between threads), solved by fwd then bwd along `axis`. Lines along x go
/// kLineGroup at a time; along y or z, a row's lines (every i of the colour) advance together
/// one cell at a time.
template <class F, class G>
inline void zebra_row(const Box& starts, int axis, int row_axis, int n, int color, int o, F& fwd, G& bwd) {
  if (axis == 0) {
    // The row's lines are indexed by q, the other of y and z; colour (q + o) & 1. A Thomas
    // solve is one chain of dependent multiply-adds, so kLineGroup lines advance together and
    // their chains overlap in the core.
    const int q_axis = 3 - row_axis;
    const int qhi = starts.hi[q_axis];
    const int q0 = starts.lo[q_axis] + ((color - starts.lo[q_axis] - o) & 1);
    for (int q = q0; q < qhi; q += 2 * kLineGroup) {
      int j[kLineGroup], k[kLineGroup], c[3];
      c[row_axis] = o;
      int lines = 0;
      for (int g = q; g < qhi && lines < kLineGroup; g += 2, ++lines) {
        c[q_axis] = g;
        j[lines] = c[1], k[lines] = c[2];
      }
      for (int m = 0; m < n; ++m)
        for (int l = 0; l < lines; ++l) fwd(m, j[l], k[l]);
      for (int m = n - 2; m >= 0; --m)
        for (int l = 0; l < lines; ++l) bwd(m, j[l], k[l]);
    }
    return;
  }
  // zebra: i + o has the colour's parity (i and o are the two perpendicular indices)
  const int ilo = starts.lo[0], ihi = starts.hi[0];
  const int first = ilo + ((color - ilo - o) & 1);
  int c[3];
  c[row_axis] = o;
  for (int m = 0; m < n; ++m) {
    c[axis] = m;
    const int j = c[1], k = c[2];
    for (int i = first; i < ihi; i += 2) fwd(i, j, k);
  }
  for (int m = n - 2; m >= 0; --m) {
    c[axis] = m;
    const int j = c[1], k = c[2];
    for (int i = first; i < ihi; i += 2) bwd(i, j, k);
  }
}

template <class F, class G>
void zebra_sweep(const Box& starts, int axis, int n, int first, F fwd, G bwd) {
  if (starts.empty() || n <= 0) return;
  const int second = 1 - first;
  // Lines along x: rows along the longer of y and z; along y or z: the axis that is not x.
  const int row_axis = axis == 0 ? (starts.size(1) > starts.size(2) ? 1 : 2) : 3 - axis;
  const int olo = starts.lo[row_axis], rows = starts.hi[row_axis] - olo;
  // A line of the second colour in row o needs the first colour's rows o - 1, o, o + 1
  // finished; a line of the first colour reads the second's rows o - 1, o, o + 1 before they
  // change. Each thread owns rows [a, b): it solves the first colour on its end rows, waits
  // for the others to do the same, then solves first(o + 1) before second(o) for o in [a, b).
#pragma omp parallel if (starts.volume() * n >= kParallelMinCells)
  {
#ifdef _OPENMP
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
#else
    const int t = 0, T = 1;
#endif
    const int a = olo + static_cast<int>(static_cast<long long>(rows) * t / T);
    const int b = olo + static_cast<int>(static_cast<long long>(rows) * (t + 1) / T);
    if (a < b) zebra_row(starts, axis, row_axis, n, first, a, fwd, bwd);
    if (b - 1 > a) zebra_row(starts, axis, row_axis, n, first, b - 1, fwd, bwd);
#pragma omp barrier
    for (int o = a; o < b; ++o) {
      if (o + 1 < b - 1) zebra_row(starts, axis, row_axis, n, first, o + 1, fwd, bwd);
      zebra_row(starts, axis, row_axis, n, second, o, fwd, bwd);
    }
  }
}
#endif

}  // namespace kelvin
