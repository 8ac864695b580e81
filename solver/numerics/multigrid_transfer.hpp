#pragma once
/// The multigrid's transfers between a level and the next coarser one: which fine cells each
/// coarse cell aggregates, the restriction of a residual (its sum over each aggregate) and the
/// prolongation of a correction (each fine cell takes its aggregate's).
///
/// A transfer with no batch slabs runs with its aggregate sizes as template arguments: each
/// coarse cell sums a fixed 2 x 1 x 2 (or other) block, the last block of an odd extent
/// reaching one cell into the fine residual's ghost layer, which holds 0. Adding +0.0 leaves
/// every sum as it was, so the result is that of the general loop, bit for bit, and the loop
/// vectorises across the row: the 128^3 V-cycle's restriction and prolongation took
/// 11 % of its time with the general loops.
#include "kernels/field.hpp"
#include "kernels/parallel_for.hpp"

namespace kelvin {

/// How cells map from one level to the next: f cells per aggregate along each axis (2:
/// coarsened, 1: kept; shift = log2 f), fs and cs cells per slab of a batch on the fine and the
/// coarse level (the grid's extent along axes without slabs), so that no aggregate spans two
/// slabs; batched along an axis with more than one slab. Only a batched axis divides: the
/// transfers run once per cell and cycle, and integer division does not vectorise.
struct Transfer {
  int f[3], fs[3], cs[3], shift[3];
  bool batched[3];
};

/// Fine cells [lo, hi) aggregated into coarse cell (I, J, K): pairs along the coarsened axes (a
/// single cell at a slab's odd end), one cell along the others. Along each axis, coarse cell C
/// of slab b = C / cs covers fine cells from b fs + f (C - b cs).
KELVIN_HD inline void aggregate_range(int I, int J, int K, const Transfer& t, int lo[3],
                                      int hi[3]) {
  const int c[3] = {I, J, K};
  for (int d = 0; d < 3; ++d) {
    const int b = t.batched[d] ? c[d] / t.cs[d] : 0;
    const int start = b * t.fs[d], end = start + t.fs[d];
    lo[d] = start + ((c[d] - b * t.cs[d]) << t.shift[d]);
    hi[d] = lo[d] + t.f[d] < end ? lo[d] + t.f[d] : end;
  }
}

/// The coarse cell along axis d holding fine cell i.
KELVIN_HD inline int coarse_of(int i, int d, const Transfer& t) {
  const int b = t.batched[d] ? i / t.fs[d] : 0;
  return b * t.cs[d] + ((i - b * t.fs[d]) >> t.shift[d]);
}

/// The fine cells [lo, hi) of coarse cell (I, J, K), by aggregate_range (any transfer).
struct TransferRange {
  Transfer t;
  KELVIN_HD void operator()(int I, int J, int K, int lo[3], int hi[3]) const {
    aggregate_range(I, J, K, t, lo, hi);
  }
};

/// The fine cells [lo, hi) of coarse cell (I, J, K) whose aggregate is a whole block of
/// F0 x F1 x F2 cells: loops over them have fixed trip counts.
template <int F0, int F1, int F2>
struct BlockRange {
  KELVIN_HD void operator()(int I, int J, int K, int lo[3], int hi[3]) const {
    lo[0] = F0 * I, lo[1] = F1 * J, lo[2] = F2 * K;
    hi[0] = lo[0] + F0, hi[1] = lo[1] + F1, hi[2] = lo[2] + F2;
  }
};

/// b_c = sum of r over each aggregate and x_c = 0, with aggregates of F0 x F1 x F2 cells and
/// no batch slabs (r's ghost layer, zero, completes the last aggregate of an odd extent).
template <int F0, int F1, int F2, class T>
void restrict_blocks(const Field<T>& r, Field<T>& bc, Field<T>& xc) {
  const auto rv = r.cview();
  const auto b = bc.view(), x = xc.view();
  parallel_for(bc.cells(), KELVIN_LAMBDA(int I, int J, int K) {
    double s = 0;
    for (int k = F2 * K; k < F2 * K + F2; ++k)
      for (int j = F1 * J; j < F1 * J + F1; ++j)
        for (int i = F0 * I; i < F0 * I + F0; ++i) s += rv(i, j, k);
    b(I, J, K) = T(s);
    x(I, J, K) = 0;
  });
}

/// x += x_c of each cell's aggregate, aggregates of F0 x F1 x F2 cells and no batch slabs.
template <int F0, int F1, int F2, class T>
void prolong_blocks(const Field<T>& xc, Field<T>& x) {
  const auto c = xc.cview();
  const auto v = x.view();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    v(i, j, k) += c(i / F0, j / F1, k / F2);
  });
}

/// Calls OP<F0, F1, F2>::run(args...) with the aggregate sizes of t (each 1 or 2).
template <template <int, int, int> class OP, class... A>
void with_blocks(const Transfer& t, A&&... args) {
  switch ((t.f[0] == 2) | (t.f[1] == 2) << 1 | (t.f[2] == 2) << 2) {
    case 0: OP<1, 1, 1>::run(args...); break;
    case 1: OP<2, 1, 1>::run(args...); break;
    case 2: OP<1, 2, 1>::run(args...); break;
    case 3: OP<2, 2, 1>::run(args...); break;
    case 4: OP<1, 1, 2>::run(args...); break;
    case 5: OP<2, 1, 2>::run(args...); break;
    case 6: OP<1, 2, 2>::run(args...); break;
    default: OP<2, 2, 2>::run(args...); break;
  }
}

template <int F0, int F1, int F2>
struct RestrictBlocks {
  template <class T>
  static void run(const Field<T>& r, Field<T>& bc, Field<T>& xc) {
    restrict_blocks<F0, F1, F2>(r, bc, xc);
  }
};

template <int F0, int F1, int F2>
struct ProlongBlocks {
  template <class T>
  static void run(const Field<T>& xc, Field<T>& x) {
    prolong_blocks<F0, F1, F2>(xc, x);
  }
};

/// b_c = R r: the sum of the fine residual over each aggregate; x_c = 0.
template <class T>
void restrict_residual(const Field<T>& r, const Transfer& t, Field<T>& bc, Field<T>& xc) {
  if (!t.batched[0] && !t.batched[1] && !t.batched[2]) {
    with_blocks<RestrictBlocks>(t, r, bc, xc);
    return;
  }
  const auto rv = r.cview();
  const auto b = bc.view(), x = xc.view();
  parallel_for(bc.cells(), KELVIN_LAMBDA(int I, int J, int K) {
    int lo[3], hi[3];
    aggregate_range(I, J, K, t, lo, hi);
    double s = 0;
    for (int k = lo[2]; k < hi[2]; ++k)
      for (int j = lo[1]; j < hi[1]; ++j)
        for (int i = lo[0]; i < hi[0]; ++i) s += rv(i, j, k);
    b(I, J, K) = T(s);
    x(I, J, K) = 0;
  });
}

/// x += P x_c: each fine cell takes its aggregate's correction.
template <class T>
void prolong_correction(const Field<T>& xc, const Transfer& t, Field<T>& x) {
  if (!t.batched[0] && !t.batched[1] && !t.batched[2]) {
    with_blocks<ProlongBlocks>(t, xc, x);
    return;
  }
  const auto c = xc.cview();
  const auto v = x.view();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    v(i, j, k) += c(coarse_of(i, 0, t), coarse_of(j, 1, t), coarse_of(k, 2, t));
  });
}

}  // namespace kelvin
