#pragma once
/// The multigrid's transfers between a level and the next coarser one: which fine cells each
/// coarse cell aggregates, the restriction of a residual (its sum over each aggregate) and the
/// prolongation of a correction (each fine cell takes its aggregate's).
///
/// A transfer with no batch slabs (or with slabs the blocks align with: block_aligned) runs
/// with its aggregate sizes as template arguments: each
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

/// Where a transfer's cells go, by aggregate_range and coarse_of (any transfer).
struct TransferRange {
  Transfer t;
  /// The fine cells [lo, hi) of coarse cell (I, J, K).
  KELVIN_HD void operator()(int I, int J, int K, int lo[3], int hi[3]) const {
    aggregate_range(I, J, K, t, lo, hi);
  }
  /// The coarse cell C holding fine cell (i, j, k).
  KELVIN_HD void coarse(int i, int j, int k, int C[3]) const {
    C[0] = coarse_of(i, 0, t), C[1] = coarse_of(j, 1, t), C[2] = coarse_of(k, 2, t);
  }
};

/// The same for aggregates that are whole blocks of F0 x F1 x F2 cells (no batch slabs): loops
/// over them have fixed trip counts. The last block along an axis of odd extent reaches one
/// cell into the ghost layer: the restriction sums it (the residual's ghosts hold 0); the
/// aggregation of operators, whose ghosts are not all zero, leaves that layer to TransferRange.
template <int F0, int F1, int F2>
struct BlockRange {
  KELVIN_HD void operator()(int I, int J, int K, int lo[3], int hi[3]) const {
    lo[0] = F0 * I, lo[1] = F1 * J, lo[2] = F2 * K;
    hi[0] = lo[0] + F0, hi[1] = lo[1] + F1, hi[2] = lo[2] + F2;
  }
  KELVIN_HD void coarse(int i, int j, int k, int C[3]) const {
    C[0] = i / F0, C[1] = j / F1, C[2] = k / F2;
  }
};

/// Calls op(range) with the BlockRange of t's aggregate sizes (each 1 or 2).
template <class Op>
void with_block_range(const Transfer& t, Op&& op) {
  switch ((t.f[0] == 2) | (t.f[1] == 2) << 1 | (t.f[2] == 2) << 2) {
    case 0: op(BlockRange<1, 1, 1>{}); break;
    case 1: op(BlockRange<2, 1, 1>{}); break;
    case 2: op(BlockRange<1, 2, 1>{}); break;
    case 3: op(BlockRange<2, 2, 1>{}); break;
    case 4: op(BlockRange<1, 1, 2>{}); break;
    case 5: op(BlockRange<2, 1, 2>{}); break;
    case 6: op(BlockRange<1, 2, 2>{}); break;
    default: op(BlockRange<2, 2, 2>{}); break;
  }
}

/// Whether t's aggregates are BlockRange's (but for the last layer along an unbatched axis of
/// odd extent): always without batch slabs, and with them when every batched axis is either
/// kept (f = 1) or holds an even number of cells per slab. No aggregate then straddles two
/// slabs, and coarse cell C along such an axis covers fine cells 2C and 2C + 1 (C alone when
/// kept), as aggregate_range says: a board of identical plates batched along an axis of even
/// extent gets the unrolled loops too.
inline bool block_aligned(const Transfer& t) {
  for (int d = 0; d < 3; ++d)
    if (t.batched[d] && t.f[d] == 2 && t.fs[d] % 2 != 0) return false;
  return true;
}

/// b_c = sum of r over each aggregate of `range` (k, j, i order), x_c = 0.
template <class T, class Range>
void restrict_over(const Field<T>& r, const Range range, Field<T>& bc, Field<T>& xc) {
  const auto rv = r.cview();
  const auto b = bc.view(), x = xc.view();
  parallel_for(bc.cells(), KELVIN_LAMBDA(int I, int J, int K) {
    int lo[3], hi[3];
    range(I, J, K, lo, hi);
    double s = 0;
    for (int k = lo[2]; k < hi[2]; ++k)
      for (int j = lo[1]; j < hi[1]; ++j)
        for (int i = lo[0]; i < hi[0]; ++i) s += rv(i, j, k);
    b(I, J, K) = T(s);
    x(I, J, K) = 0;
  });
}

/// x += x_c of each fine cell's aggregate under `range`.
template <class T, class Range>
void prolong_over(const Field<T>& xc, const Range range, Field<T>& x) {
  const auto c = xc.cview();
  const auto v = x.view();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    int C[3];
    range.coarse(i, j, k, C);
    v(i, j, k) += c(C[0], C[1], C[2]);
  });
}

/// b_c = R r: the sum of the fine residual over each aggregate; x_c = 0.
template <class T>
void restrict_residual(const Field<T>& r, const Transfer& t, Field<T>& bc, Field<T>& xc) {
  if (block_aligned(t)) with_block_range(t, [&](auto range) { restrict_over(r, range, bc, xc); });
  else restrict_over(r, TransferRange{t}, bc, xc);
}

/// x += P x_c: each fine cell takes its aggregate's correction.
template <class T>
void prolong_correction(const Field<T>& xc, const Transfer& t, Field<T>& x) {
  if (block_aligned(t)) with_block_range(t, [&](auto range) { prolong_over(xc, range, x); });
  else prolong_over(xc, TransferRange{t}, x);
}

}  // namespace kelvin
