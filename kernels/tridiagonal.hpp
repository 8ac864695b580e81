#pragma once
/// Tridiagonal systems along the lines of a box: the multigrid line smoother's kernel.
///
/// Every line along `axis` that starts in the box `starts` (extent 1 along axis) holds n rows
///   a_m x_{m-1} + b_m x_m + c_m x_{m+1} = d_m,   m = 0 .. n-1,
/// given by row(i, j, k, p) -> TriRow<T> at the line's cells, p = x.index(i, j, k) (a_0 and
/// c_{n-1} reach past the line's ends and are ignored). The solution goes to the field view x,
/// which the rows may read only at other lines' cells (the solve keeps intermediate values in
/// the line's own cells). The factors (CPU) share x's layout. Rows that index their fields by
/// p rather than (i, j, k) let g++ see that the solve's stores to x never meet the rows' reads
/// of other lines' x, and vectorise the sweep across the lines.
///
/// tridiagonal_lines(starts, axis, n, color, row, x, f): the lines whose two perpendicular
///   indices sum to the parity `color` (0 or 1), or every line with color -1 (whose rows then
///   must not read x at all).
/// tridiagonal_zebra(starts, axis, n, first, row, x, f): the lines of colour `first`, then
///   those of the other colour, whose rows may read the first colour's new x (zebra line
///   relaxation). Same result as two tridiagonal_lines calls.
/// tridiagonal_factorise(starts, axis, n, row, f): the CPU's factors of every line (the rows'
///   a, b and c); they stay valid while those do. Nothing on CUDA.
///
/// CPU: the Thomas algorithm with stored factors w (three multiplies per row and sweep), d'
/// kept in x as it is formed. Lines along y or z: a row of lines (every i of the colour at one
/// index of the other axis) advances one cell at a time, so the sweep streams through memory
/// plane by plane; along z, a block of adjacent rows advances together, so that each step
/// reads a contiguous run of every field rather than one row a plane apart from the last; along
/// x, kLineGroup lines advance together. Zebra: the two colours advance block by block, the
/// second one row behind, so each block is read once for both (from cache the second time).
/// CUDA: parallel cyclic reduction (Hockney & Golub) in shared memory: a block holds up to
/// 8 lines (neighbours of the same colour, so loads along y or z lines touch few sectors),
/// its threads split the rows, and ceil(log2 n) steps, each with every row at once, decouple
/// all rows; n threads busy per line instead of one thread walking n sequential steps.
#include <algorithm>
#include <type_traits>
#include <utility>

#include "kernels/field.hpp"
#include "kernels/parallel_for.hpp"

#if !(defined(KELVIN_USE_CUDA) && defined(__CUDACC__)) && defined(_OPENMP)
#include <omp.h>
#endif

namespace kelvin {

/// One row a x_{m-1} + b x_m + c x_{m+1} = d of a tridiagonal system.
template <class T>
struct TriRow {
  T a, b, c, d;
};

/// The Thomas factors of every line of a grid, w_m = 1 / (b_m - a_m c'_{m-1}) per cell with
/// c'_m = c_m w_m: the CPU's line solves reuse them while the rows' a, b and c stay the same.
/// c' is not stored: the back substitution forms it from the row's c, which a symmetric
/// operator's rows read from the same coupling as the forward sweep's a one step later, still
/// in cache, so a sweep streams one factor field instead of two. Parallel cyclic reduction
/// (CUDA) needs none; there it stays empty.
template <class T>
struct LineFactors {
  Field<T> w;
  LineFactors() = default;
#if defined(KELVIN_USE_CUDA)
  LineFactors(int, int, int) {}
#else
  LineFactors(int nx, int ny, int nz) : w(nx, ny, nz) {}
#endif
};

/// One step of parallel cyclic reduction: row m couples x_{m-s} and x_{m+s}; subtracting
/// k1 = a_m / b_{m-s} times row m-s and k2 = c_m / b_{m+s} times row m+s leaves a row coupling
/// x_{m-2s} and x_{m+2s}:
///   a' = -k1 a_{m-s},  b' = b_m - k1 c_{m-s} - k2 a_{m+s},  c' = -k2 c_{m+s},
///   d' = d_m - k1 d_{m-s} - k2 d_{m+s}.
/// Rows past a line's end are the identity row {0, 1, 0, 0}.
template <class T>
KELVIN_HD inline TriRow<T> pcr_step(const TriRow<T>& lo, const TriRow<T>& me, const TriRow<T>& hi) {
  const T k1 = me.a / lo.b, k2 = me.c / hi.b;
  return {-k1 * lo.a, me.b - k1 * lo.c - k2 * hi.a, -k2 * hi.c, me.d - k1 * lo.d - k2 * hi.d};
}

/// A line solved by parallel cyclic reduction, one step at a time over every row (the order
/// the CUDA kernel follows, there with a thread per row): after ceil(log2 n) steps each row
/// reads b_m x_m = d_m. rows is overwritten; tmp has room for n rows.
template <class T>
KELVIN_HD inline void pcr_solve(TriRow<T>* rows, TriRow<T>* tmp, int n, T* x) {
  const TriRow<T> none{0, 1, 0, 0};
  for (int s = 1; s < n; s *= 2) {
    for (int m = 0; m < n; ++m)
      tmp[m] = pcr_step(m >= s ? rows[m - s] : none, rows[m], m + s < n ? rows[m + s] : none);
    for (int m = 0; m < n; ++m) rows[m] = tmp[m];
  }
  for (int m = 0; m < n; ++m) x[m] = rows[m].d / rows[m].b;
}

/// The value type of a row functor's TriRow.
template <class R>
using row_value_t = decltype(std::declval<R&>()(0, 0, 0, 0LL).b);

#if defined(KELVIN_USE_CUDA) && defined(__CUDACC__)
/// Lines per block across y or z lines (same-colour neighbours two cells apart in x): 8 lines
/// read 64 contiguous bytes of a float field per row.
constexpr int kPcrLinesPerBlock = 8;
constexpr int kPcrThreads = 256;
constexpr std::size_t kDefaultSharedBytes = 48 * 1024;

/// The block's lines are (p1, p2) with p1 = lo1 + parity + step (blockIdx.x blockDim.x + tx)
/// and p2 = lo2 + blockIdx.y (p1, p2: the two axes across the line, x first when it is one);
/// threadIdx.y walks the rows. Two shared buffers of blockDim.x n rows, swapped each step.
/// Shared memory bounds a line: beyond 48 kB a block asks for more (up to 227 kB on sm_90, so
/// about 3 600 double or 7 200 float rows); past the device's limit the launch reports
/// CUDA's error.
template <class T, class R>
__global__ void pcr_lines_kernel(Box starts, int axis, int n, int color, R row, FieldView<T> x) {
  extern __shared__ double pcr_shared[];
  TriRow<T>* cur = reinterpret_cast<TriRow<T>*>(pcr_shared) + threadIdx.x * n;
  TriRow<T>* nxt = cur + blockDim.x * n;
  const int p1 = axis == 0 ? 1 : 0, p2 = axis == 2 ? 1 : 2;
  int c[3];
  c[p2] = starts.lo[p2] + static_cast<int>(blockIdx.y);
  const int step = color < 0 ? 1 : 2;
  const int parity = color < 0 ? 0 : ((color - starts.lo[p1] - c[p2]) & 1);
  c[p1] = starts.lo[p1] + parity + step * static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  const bool live = c[p1] < starts.hi[p1];
  for (int m = threadIdx.y; m < n; m += blockDim.y)
    if (live) {
      c[axis] = m;
      cur[m] = row(c[0], c[1], c[2], x.index(c[0], c[1], c[2]));
    }
  __syncthreads();
  const TriRow<T> none{0, 1, 0, 0};
  for (int s = 1; s < n; s *= 2) {
    for (int m = threadIdx.y; m < n; m += blockDim.y)
      if (live)
        nxt[m] = pcr_step(m >= s ? cur[m - s] : none, cur[m], m + s < n ? cur[m + s] : none);
    __syncthreads();
    TriRow<T>* t = cur;
    cur = nxt;
    nxt = t;
  }
  for (int m = threadIdx.y; m < n; m += blockDim.y)
    if (live) {
      c[axis] = m;
      x(c[0], c[1], c[2]) = cur[m].d / cur[m].b;
    }
}

/// Nothing to factorise for parallel cyclic reduction.
template <class R, class T>
void tridiagonal_factorise(const Box&, int, int, R, LineFactors<T>&) {}

template <class R, class T>
void tridiagonal_lines(const Box& starts, int axis, int n, int color, R row, FieldView<T> x,
                       const LineFactors<T>&) {
  static_assert(std::is_same<T, row_value_t<R>>::value, "rows and factors in one precision");
  if (starts.empty() || n <= 0) return;
  const int p1 = axis == 0 ? 1 : 0, p2 = axis == 2 ? 1 : 2;
  // Lines along x are contiguous: one per block, its rows coalesce. Across y or z lines, up
  // to kPcrLinesPerBlock per block while two buffers of them fit the default shared memory.
  int lines = 1;
  while (axis != 0 && lines < kPcrLinesPerBlock &&
         2 * sizeof(TriRow<T>) * n * (2 * lines) <= kDefaultSharedBytes)
    lines *= 2;
  const std::size_t bytes = 2 * sizeof(TriRow<T>) * n * lines;
  const auto kernel = pcr_lines_kernel<T, R>;
  if (bytes > kDefaultSharedBytes)
    KELVIN_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                           static_cast<int>(bytes)));
  const int across = color < 0 ? starts.size(p1) : (starts.size(p1) + 1) / 2;
  const dim3 block(lines, std::min(kPcrThreads / lines, n));
  const dim3 grid((across + lines - 1) / lines, starts.size(p2));
  kernel<<<grid, block, bytes>>>(starts, axis, n, color, row, x);
  KELVIN_CUDA_CHECK(cudaGetLastError());
}

template <class R, class T>
void tridiagonal_zebra(const Box& starts, int axis, int n, int first, R row, FieldView<T> x,
                       const LineFactors<T>& f) {
  tridiagonal_lines(starts, axis, n, first, row, x, f);
  tridiagonal_lines(starts, axis, n, 1 - first, row, x, f);
}
#else
/// Lines along x solved together by one thread: 2 cut a 128^3 V-cycle from 81 to 62 ms on the
/// 2-core EPYC VM; 4 was slower than 1 at 128^3 (about 40 concurrent memory streams, more than
/// the prefetchers follow).
constexpr int kLineGroup = 2;
static_assert(kLineGroup == 2, "LinesAlongX holds kLineGroup lines");
/// Bytes of each field a step across rows of lines along z reads (rows_per_block): a 128^3
/// V-cycle with lines along z in float (double) took 39.9 (74.8) ms one row at a time, 31.2
/// (62.6) with 4 kB, 27.7 (55.8) with 16 kB, 27.2 (53.5) with 32 kB on the 2-core Xeon VM.
constexpr int kRowBlockBytes = 16384;

/// The lines of rows o0 .. o0 + rows - 1 of lines along y or z: in row o, line l at
/// i = first(o) + STEP l (STEP 2 for one colour, 1 for every line), its cell m at (i, j, k) with
/// the line axis index m and the row axis index o. A step fixes j and k for each row, so the
/// inner loop over l is a walk in i with a stride known at compile time, which g++ vectorises
/// (a runtime stride left the forward sweep scalar: 7-13 % slower on the GPU board). Several
/// rows at once matter for lines along z: adjacent rows along y are adjacent in memory, so a
/// step reads one contiguous run of `rows` rows instead of a single row per plane.
template <int STEP>
struct RowsOfLines {
  int ilo, ihi, color, axis, row_axis, o0, rows;
  int m = 0;
  void at(int mm) { m = mm; }
};

/// Up to kLineGroup lines along x (solved together: a Thomas solve is one chain of dependent
/// multiply-adds, and the chains of several lines overlap in the core): line l at
/// (m, jl[l], kl[l]).
struct LinesAlongX {
  int jl[2], kl[2];
  int m = 0;
  void at(int mm) { m = mm; }
  int i(int) const { return m; }
  int jj(int l) const { return jl[l]; }
  int kk(int l) const { return kl[l]; }
};

/// Calls f(i, j, k) for the cell of each of the count lines at the step L is at.
template <class Lines, class F>
inline void across_lines(const Lines& L, int count, F&& f) {
  for (int l = 0; l < count; ++l) f(L.i(l), L.jj(l), L.kk(l));
}

/// Calls f(i, j, k) for the cell of each line of L's rows at the step L is at.
template <int STEP, class F>
inline void across_lines(const RowsOfLines<STEP>& L, int, F&& f) {
  for (int o = L.o0; o < L.o0 + L.rows; ++o) {
    int c[3] = {0, 0, 0};
    c[L.axis] = L.m;
    c[L.row_axis] = o;
    const int j = c[1], k = c[2];
    // zebra: i + o has the colour's parity (i and o are the two perpendicular indices)
    const int first = L.ilo + (STEP == 2 ? ((L.color - L.ilo - o) & 1) : 0);
    const int count = (L.ihi - first + STEP - 1) / STEP;
    for (int l = 0; l < count; ++l) f(first + STEP * l, j, k);
  }
}

/// Thomas factorisation of `count` lines of n rows together along `axis`, each step across
/// the lines (st: the fields' index stride along the lines):
///   w_m = 1 / (b_m - a_m c_{m-1} w_{m-1})   (w_{-1} = 0),
/// w in double, so a float system factorises as the double one rounded once per step.
template <class T, class Lines, class R>
inline void thomas_factorise(int n, int count, Lines& L, R& row, int axis, long long st,
                             FieldView<T> w) {
  const int di = axis == 0, dj = axis == 1, dk = axis == 2;
  for (int m = 0; m < n; ++m) {
    L.at(m);
    across_lines(L, count, [&](int i, int j, int k) {
      const long long p = w.index(i, j, k);
      const TriRow<T> r = row(i, j, k, p);
      const double cprev =
          m > 0 ? double(row(i - di, j - dj, k - dk, p - st).c) * w.data[p - st] : 0.0;
      w.data[p] = T(1.0 / (r.b - r.a * cprev));
    });
  }
}

/// Thomas solve of `count` lines of n rows together with their factors, d' formed in x and
/// overwritten by the answer (st: x's index stride along the lines; d'_{-1} = 0):
///   d'_m = (d_m - a_m d'_{m-1}) w_m;  x_{n-1} = d'_{n-1},  x_m = d'_m - c_m w_m x_{m+1}.
/// The back substitution calls row only for c: the compiler drops the rest of it.
template <class T, class Lines, class R>
inline void thomas_solve(int n, int count, Lines& L, R& row, FieldView<T> x, long long st,
                         FieldView<const T> w) {
  for (int m = 0; m < n; ++m) {
    L.at(m);
    across_lines(L, count, [&](int i, int j, int k) {
      const long long p = x.index(i, j, k);
      const TriRow<T> r = row(i, j, k, p);
      x.data[p] = (r.d - r.a * (m > 0 ? x.data[p - st] : T(0))) * w.data[p];
    });
  }
  for (int m = n - 2; m >= 0; --m) {
    L.at(m);
    across_lines(L, count, [&](int i, int j, int k) {
      const long long p = x.index(i, j, k);
      x.data[p] -= row(i, j, k, p).c * w.data[p] * x.data[p + st];
    });
  }
}

/// Lines along x: rows along the longer of y and z; along y or z: the axis that is not x.
inline int line_row_axis(const Box& starts, int axis) {
  return axis == 0 ? (starts.size(1) > starts.size(2) ? 1 : 2) : 3 - axis;
}

/// Rows of lines along z solved together (RowsOfLines): kRowBlockBytes of each field per step.
/// One row elsewhere: rows of lines along y are planes, and lines along x go in kLineGroup.
template <class T>
inline int rows_per_block(const Box& starts, int axis) {
  const int row_bytes = starts.size(0) * static_cast<int>(sizeof(T));
  return axis == 2 ? std::max(1, kRowBlockBytes / std::max(1, row_bytes)) : 1;
}

/// This thread's share [a, b) of the rows [lo, hi) (all of them outside a parallel region).
inline void thread_rows(int lo, int hi, int& a, int& b) {
#ifdef _OPENMP
  const long long t = omp_get_thread_num(), threads = omp_get_num_threads();
#else
  const long long t = 0, threads = 1;
#endif
  a = lo + static_cast<int>((hi - lo) * t / threads);
  b = lo + static_cast<int>((hi - lo) * (t + 1) / threads);
}

/// Calls job(count, lines) for the lines of colour `color` (-1: all) in rows o .. o + rows - 1
/// of `starts` (o indexes row_axis), a batch at a time (RowsOfLines or LinesAlongX).
template <class Job>
inline void row_lines(const Box& starts, int axis, int row_axis, int color, int o, int rows,
                      Job& job) {
  const int step = color >= 0 ? 2 : 1;
  if (axis == 0) {
    // The row's lines are indexed by q, the other of y and z.
    const int q_axis = 3 - row_axis;
    const int qhi = starts.hi[q_axis];
    for (int oo = o; oo < o + rows; ++oo) {
      const int q0 =
          starts.lo[q_axis] + (color >= 0 ? ((color - starts.lo[q_axis] - oo) & 1) : 0);
      for (int q = q0; q < qhi; q += step * kLineGroup) {
        LinesAlongX L;
        const int count = std::min(kLineGroup, (qhi - q + step - 1) / step);
        for (int l = 0; l < count; ++l) {
          int c[3] = {0, 0, 0};
          c[row_axis] = oo;
          c[q_axis] = q + step * l;
          L.jl[l] = c[1], L.kl[l] = c[2];
        }
        job(count, L);
      }
    }
    return;
  }
  const int ilo = starts.lo[0], ihi = starts.hi[0];
  if (color >= 0) {
    RowsOfLines<2> L{ilo, ihi, color, axis, row_axis, o, rows};
    job(0, L);
  } else {
    RowsOfLines<1> L{ilo, ihi, color, axis, row_axis, o, rows};
    job(0, L);
  }
}

/// A thread's solver of the lines of one row: its own copy of the row functor (whose views
/// then live in registers).
template <class R>
struct ThomasRows {
  using T = row_value_t<R>;
  R row;
  FieldView<T> x;
  FieldView<const T> w;
  const Box& starts;
  int axis, row_axis, n;
  /// The lines of colour `color` in rows o .. o + rows - 1.
  void operator()(int color, int o, int rows = 1) {
    if (rows <= 0) return;
    const long long st = axis == 0 ? 1 : (axis == 1 ? x.sy : x.sz);
    auto job = [&](int count, auto& L) { thomas_solve<T>(n, count, L, row, x, st, w); };
    row_lines(starts, axis, row_axis, color, o, rows, job);
  }
};

template <class R, class T>
void tridiagonal_factorise(const Box& starts, int axis, int n, R row, LineFactors<T>& f) {
  if (starts.empty() || n <= 0) return;
  const int row_axis = line_row_axis(starts, axis);
  const FieldView<T> w = f.w.view();
#pragma omp parallel if (starts.volume() * n >= kParallelMinCells)
  {
    R r = row;
    const long long st = axis == 0 ? 1 : (axis == 1 ? w.sy : w.sz);
    auto job = [&](int count, auto& L) { thomas_factorise<T>(n, count, L, r, axis, st, w); };
    const int g = rows_per_block<T>(starts, axis);
    int a, b;
    thread_rows(starts.lo[row_axis], starts.hi[row_axis], a, b);
    for (int o = a; o < b; o += g)
      row_lines(starts, axis, row_axis, -1, o, std::min(g, b - o), job);
  }
}

template <class R, class T>
void tridiagonal_lines(const Box& starts, int axis, int n, int color, R row, FieldView<T> x,
                       const LineFactors<T>& f) {
  if (starts.empty() || n <= 0) return;
  const int row_axis = line_row_axis(starts, axis);
#pragma omp parallel if (starts.volume() * n >= kParallelMinCells)
  {
    ThomasRows<R> rows{row, x, f.w.cview(), starts, axis, row_axis, n};
    const int g = rows_per_block<T>(starts, axis);
    int a, b;
    thread_rows(starts.lo[row_axis], starts.hi[row_axis], a, b);
    for (int o = a; o < b; o += g) rows(color, o, std::min(g, b - o));
  }
}

template <class R, class T>
void tridiagonal_zebra(const Box& starts, int axis, int n, int first, R row, FieldView<T> x,
                       const LineFactors<T>& f) {
  if (starts.empty() || n <= 0) return;
  const int second = 1 - first;
  const int row_axis = line_row_axis(starts, axis);
  // A line of the second colour in row o needs the first colour's rows o - 1, o, o + 1
  // finished; a line of the first colour reads the second's rows o - 1, o, o + 1 before they
  // change. Each thread owns rows [a, b): it solves the first colour on its end rows, waits
  // for the others to do the same, then solves first(o + 1) before second(o) for o in [a, b).
#pragma omp parallel if (starts.volume() * n >= kParallelMinCells)
  {
    ThomasRows<R> solve{row, x, f.w.cview(), starts, axis, row_axis, n};
    int a, b;
    thread_rows(starts.lo[row_axis], starts.hi[row_axis], a, b);
    if (a < b) solve(first, a);
    if (b - 1 > a) solve(first, b - 1);
#pragma omp barrier
    // blocks of g rows: the first colour of rows o + 1 .. e (short of b - 1), then the second
    // colour of rows o .. e - 1
    const int g = rows_per_block<T>(starts, axis);
    for (int o = a; o < b; o += g) {
      const int e = std::min(o + g, b);
      solve(first, o + 1, std::min(e + 1, b - 1) - (o + 1));
      solve(second, o, e - o);
    }
  }
}
#endif

}  // namespace kelvin
