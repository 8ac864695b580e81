// Semi-coarsening line multigrid. See multigrid.hpp for the method.
#include "solver/numerics/multigrid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <type_traits>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "kernels/tridiagonal.hpp"
#include "solver/numerics/multigrid_transfer.hpp"

namespace kelvin {

/// One level of the hierarchy, its fields in precision T.
template <class T>
struct Level {
  BasicStencil7<T> own;                 // coarse levels (and a float level 0) own their operator
  const BasicStencil7<T>* A = nullptr;  // own, or the caller's operator at a double level 0
  Field<T> x_own, b_own;                // own vectors (a double level 0 has none)
  Field<T>* x = nullptr;                // the level's iterate: x_own, or the caller's
  const Field<T>* b = nullptr;          // its right-hand side: b_own, or the caller's
  Field<T> r;
  LineFactors<T> lines;                 // the line solves' factors (CPU)
  int n[3] = {0, 0, 0};
  int s[3] = {0, 0, 0};         // cells per slab of a batch along each axis (n but along it)
  int f[3] = {1, 1, 1};         // cells per aggregate along each axis on the way to the next level
};

/// The levels of a Multigrid in precision T (double, or float with MultigridOptions::
/// single_precision). Level 0 of a float hierarchy holds a float copy of the caller's operator;
/// level 1 is aggregated from the caller's double operator in both.
template <class T>
class MultigridLevels {
 public:
  MultigridLevels(const Stencil7& A, const MultigridOptions& options) : m_A(A), m_opt(options) {
    build_levels();
    rebuild(true);
  }
  void build_levels();
  void rebuild(bool coarse_levels);
  /// rebuild(false) deferred to the next use of level 0; a cycle then copies the caller's rows
  /// to float in the pass that forms its residual (which reads them anyway).
  void defer_top_rebuild() { m_top_pending = true; }
  void refresh_top() {
    if (m_top_pending) rebuild(false);
  }
  void factorise(Level<T>& lev);
  void precondition(const Field<double>& r, Field<double>& z);
  double precondition_dot(const Field<double>& r, Field<double>& z);
  void direction(double beta, const Field<double>& z, Field<double>& p);
  void cycle(const Field<double>& b, Field<double>& x, ResidualNorms* norms);
  void vcycle(int l);
  void full_cycle();
  double full_multigrid(Field<double>& x, Field<double>& r, Field<double>& e);
  void smooth(int l, int sweeps, bool reverse);
  Transfer transfer(int l) const;

  const Stencil7& m_A;
  MultigridOptions m_opt;
  int m_axis = 2;
  std::vector<std::unique_ptr<Level<T>>> m_levels;
  bool m_top_pending = false;
};

namespace {

/// Off-line axes are coarsened where their coupling per cell is at least this fraction of the
/// strongest off-line axis' (semi-coarsening by strength).
constexpr double kStrongRatio = 0.25;

/// Index of the cell `m` steps along axis a from (i, j, k).
template <class T>
KELVIN_HD inline long long offset(const FieldView<const T>& v, int a) {
  return a == 0 ? 1 : (a == 1 ? v.sy : v.sz);
}


/// Coupling field along axis a.
template <class T>
KELVIN_HD inline const FieldView<const T>& coupling(const BasicStencilView<T>& A, int a) {
  return a == 0 ? A.ax : (a == 1 ? A.ay : A.az);
}

/// Whole coupling of row p to its +1 neighbour along axis a (symmetric plus advective part;
/// the symmetric coupling itself for an operator without advection, whose view aliases it).
template <class T>
KELVIN_HD inline T upper(const BasicStencilView<T>& A, int a, long long p) {
  return (a == 0 ? A.ux : (a == 1 ? A.uy : A.uz)).data[p];
}

/// Whole coupling of row p + st to cell p along axis a (st: the axis' index stride).
template <class T>
KELVIN_HD inline T lower(const BasicStencilView<T>& A, int a, long long p) {
  return (a == 0 ? A.lx : (a == 1 ? A.ly : A.lz)).data[p];
}

/// Box of line starting cells: the full grid with extent 1 along the line axis.
Box line_starts(const int n[3], int axis) {
  Box b = make_box(n[0], n[1], n[2]);
  b.hi[axis] = 1;
  return b;
}

/// Per axis, the total coupling of A (symmetric plus both advective extras) and the total
/// boundary conductance, summed over cells in one pass.
struct AxisSums {
  std::array<double, 3> coupling, boundary;
};

AxisSums axis_sums(const Stencil7& A) {
  const auto a = A.view();
  const FieldView<const double> bnd[3] = {A.bx.cview(), A.by.cview(), A.bz.cview()};
  const Sums s = reduce_sums(A.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const long long p = a.ap.index(i, j, k);
    Sums v{};
    for (int d = 0; d < 3; ++d) {
      v.s[d] = upper(a, d, p) + lower(a, d, p) - coupling(a, d).data[p];
      v.s[3 + d] = bnd[d].data[p];
    }
    return v;
  });
  return {{s.s[0], s.s[1], s.s[2]}, {s.s[3], s.s[4], s.s[5]}};
}

int strongest_axis(const AxisSums& sums) {
  const std::array<double, 3>& total = sums.coupling;
  const std::array<double, 3>& boundary = sums.boundary;
  // The line axis is the one carrying the most conductance: lines then solve the stiff
  // direction (thin layers, small cells) exactly. Between axes within 5 % of each other
  // (isotropic grids), the one with the most boundary conductance wins: coarsening never
  // merges cells along the line axis, so fixed-temperature faces normal to it keep their
  // exact coupling on every level. Where the boundary conductances tie too (within 5 %), y
  // keeps it, then z: lines across i advance together in vector registers on the CPU and stay
  // coalesced on a GPU (where lines along x stride a row per thread), and along y each step
  // reads the next row of the same plane. A 128^3 cube's V-cycle in single precision on the
  // 2-core Xeon VM: x 36.6 ms, y 25.4, z 42.3 (27.7 since rows along z go in blocks).
  int axis = 1;
  for (int d : {2, 0}) {
    const bool stronger = total[d] > 1.05 * total[axis];
    const bool tie = !stronger && total[d] * 1.05 >= total[axis];
    if (stronger || (tie && boundary[d] > 1.05 * boundary[axis])) axis = d;
  }
  return axis;
}

}  // namespace

std::array<double, 3> axis_couplings(const Stencil7& A) { return axis_sums(A).coupling; }

int strongest_axis(const Stencil7& A) { return strongest_axis(axis_sums(A)); }

/// Level 0's operator when the hierarchy's precision is A's (double): A itself. A float
/// hierarchy has none (nullptr): its level 0 holds a float copy.
inline const Stencil7* callers_operator(const Stencil7& A, double*) { return &A; }
inline const BasicStencil7<float>* callers_operator(const Stencil7&, float*) { return nullptr; }

template <class T>
void MultigridLevels<T>::build_levels() {
  const AxisSums sums = axis_sums(m_A);
  const std::array<double, 3>& total = sums.coupling;
  m_axis = m_opt.line_axis >= 0 && m_opt.line_axis < 3 ? m_opt.line_axis : strongest_axis(sums);
  m_levels.clear();
  int n[3] = {m_A.ap.nx(), m_A.ap.ny(), m_A.ap.nz()};
  int slabs[3] = {1, 1, 1};  // a batch's slabs along its axis
  if (m_opt.batch_axis >= 0) slabs[m_opt.batch_axis] = m_opt.batch_slabs;
  int cells[3];  // per slab
  for (int d = 0; d < 3; ++d) cells[d] = n[d] / slabs[d];
  // Coupling per cell along each axis, followed down the levels: aggregating f cells along
  // the other axes adds f couplings in parallel, coarsening along d scales them by gamma.
  double strength[3];
  for (int d = 0; d < 3; ++d) strength[d] = total[d] / (static_cast<double>(n[0]) * n[1] * n[2]);
  const BasicStencil7<T>* caller = callers_operator(m_A, static_cast<T*>(nullptr));
  for (int l = 0; l < m_opt.max_levels; ++l) {
    auto lev = std::make_unique<Level<T>>();
    for (int d = 0; d < 3; ++d) lev->n[d] = n[d], lev->s[d] = cells[d];
    if (l == 0 && caller) {
      lev->A = caller;
    } else {
      if (l == 0) {  // float copy of A: what the cycle reads (copy_top_operator), no boundary parts
        for (Field<T>* f : {&lev->own.ap, &lev->own.ax, &lev->own.ay, &lev->own.az})
          *f = Field<T>(n[0], n[1], n[2]);
      } else {
        lev->own = BasicStencil7<T>(n[0], n[1], n[2]);
      }
      if (m_A.advective()) lev->own.enable_advection();
      lev->A = &lev->own;
      lev->x_own = Field<T>(n[0], n[1], n[2]);
      lev->b_own = Field<T>(n[0], n[1], n[2]);
      lev->x = &lev->x_own;
      lev->b = &lev->b_own;
    }
    lev->r = Field<T>(n[0], n[1], n[2]);
    lev->lines = LineFactors<T>(n[0], n[1], n[2]);
    // Semi-coarsening by strength: an axis is coarsened only where its coupling is within
    // kStrongRatio of the strongest off-line axis still coarsenable; line relaxation smooths
    // the error only along strongly coupled axes, so merging cells along a weak axis would
    // hand the coarse level an error it cannot represent (thin channels: pressure couplings
    // across the channel are aspect ratio^2 stronger than along it).
    double strongest = 0;
    for (int d = 0; d < 3; ++d)
      if (d != m_axis && cells[d] > 1) strongest = std::max(strongest, strength[d]);
    bool coarsened = false;
    int f[3] = {1, 1, 1};
    for (int d = 0; d < 3; ++d)
      if (d != m_axis && cells[d] > 1 && strength[d] >= kStrongRatio * strongest) f[d] = 2;
    for (int d = 0; d < 3; ++d) {
      lev->f[d] = f[d];
      if (f[d] == 2) {
        cells[d] = (cells[d] + 1) / 2;
        n[d] = slabs[d] * cells[d];
        coarsened = true;
      }
    }
    m_levels.push_back(std::move(lev));
    if (!coarsened) break;
    const double g = m_opt.coarse_scaling;
    double next[3];
    for (int d = 0; d < 3; ++d)
      next[d] = strength[d] * (f[d] == 2 ? g : 1.0) * (f[(d + 1) % 3] * f[(d + 2) % 3]);
    for (int d = 0; d < 3; ++d) strength[d] = next[d];
  }
}

namespace {

/// What one aggregate of fine cells contributes to its coarse cell: the storage part of the
/// diagonal and the boundary conductances summed over every cell, the couplings (symmetric and
/// whole) summed over the cells on the aggregate's high face along each axis.
struct AggregateSums {
  double storage = 0, b[3] = {0, 0, 0}, a[3] = {0, 0, 0}, u[3] = {0, 0, 0}, l[3] = {0, 0, 0};
};

/// Adds the couplings through the high face along D of the aggregate [lo, hi) to s: the
/// symmetric ones, and with ADV the advective extras of the whole couplings (up - a, lo - a).
template <int D, bool ADV, class V>
KELVIN_HD inline void add_face_couplings(const V& f, const int lo[3], const int hi[3],
                                         AggregateSums& s) {
  int first[3] = {lo[0], lo[1], lo[2]};
  first[D] = hi[D] - 1;
  const auto& a = coupling(f, D);
  const auto& up = D == 0 ? f.ux : (D == 1 ? f.uy : f.uz);
  const auto& dn = D == 0 ? f.lx : (D == 1 ? f.ly : f.lz);
  for (int k = first[2]; k < hi[2]; ++k)
    for (int j = first[1]; j < hi[1]; ++j)
      for (long long p = f.ap.index(first[0], j, k), e = p + (hi[0] - first[0]); p < e; ++p) {
        s.a[D] += a.data[p];
        if (ADV) {  // the extras in the fine level's precision
          s.u[D] += up.data[p] - a.data[p];
          s.l[D] += dn.data[p] - a.data[p];
        }
      }
}

/// The sums of fine operator f (view V, boundary parts fb) over aggregate [lo, hi): one pass
/// over its cells for the storage part of ap (ap - whole couplings - boundary conductances)
/// and the boundary sums, one over each high face for the couplings. Axes and the advective
/// case are fixed at compile time, so no branch depends on the cell.
template <bool ADV, class V, class B>
KELVIN_HD inline AggregateSums aggregate_sums(const V& f, const B& fb, const int lo[3],
                                              const int hi[3]) {
  AggregateSums s;
  const long long sy = f.ap.sy, sz = f.ap.sz;
  for (int k = lo[2]; k < hi[2]; ++k)
    for (int j = lo[1]; j < hi[1]; ++j)
      for (long long p = f.ap.index(lo[0], j, k), e = p + (hi[0] - lo[0]); p < e; ++p) {
        const double b0 = fb[0].data[p], b1 = fb[1].data[p], b2 = fb[2].data[p];
        s.storage += double(f.ap.data[p]) - f.ux.data[p] - f.lx.data[p - 1] - f.uy.data[p] -
                     f.ly.data[p - sy] - f.uz.data[p] - f.lz.data[p - sz] - b0 - b1 - b2;
        s.b[0] += b0;
        s.b[1] += b1;
        s.b[2] += b2;
      }
  add_face_couplings<0, ADV>(f, lo, hi, s);
  add_face_couplings<1, ADV>(f, lo, hi, s);
  add_face_couplings<2, ADV>(f, lo, hi, s);
  return s;
}

/// The coarse operator C of level l + 1 aggregated from the fine operator F of level l
/// (F: the caller's double operator at l = 0, else level l's own, in precision T), with the
/// advective parts when ADV, at the coarse cells `cells` whose aggregates `range` gives; the
/// diagonal still lacks the couplings (add_couplings_to_diagonal).
template <bool ADV, class F, class T, class Range>
void aggregate_cells(const BasicStencil7<F>& fine, const Range range, const Box& cells,
                     const int fine_f[3], double gamma, BasicStencil7<T>& coarse) {
  const auto f = fine.view();
  const FieldView<const F> fb[3] = {fine.bx.cview(), fine.by.cview(), fine.bz.cview()};
  // Storage adds exactly; couplings and boundary conductances through faces normal to a
  // coarsened axis span twice the distance, hence gamma.
  const double g[3] = {fine_f[0] == 2 ? gamma : 1.0, fine_f[1] == 2 ? gamma : 1.0,
                       fine_f[2] == 2 ? gamma : 1.0};
  const FieldView<T> ca[3] = {coarse.ax.view(), coarse.ay.view(), coarse.az.view()};
  const FieldView<T> cb[3] = {coarse.bx.view(), coarse.by.view(), coarse.bz.view()};
  const FieldView<T> cu[3] = {ADV ? coarse.up[0].view() : ca[0], ADV ? coarse.up[1].view() : ca[1],
                              ADV ? coarse.up[2].view() : ca[2]};
  const FieldView<T> cl[3] = {ADV ? coarse.lo[0].view() : ca[0], ADV ? coarse.lo[1].view() : ca[1],
                              ADV ? coarse.lo[2].view() : ca[2]};
  const auto cap = coarse.ap.view();
  parallel_for(cells, KELVIN_LAMBDA(int I, int J, int K) {
    int lo[3], hi[3];
    range(I, J, K, lo, hi);
    const AggregateSums s = aggregate_sums<ADV>(f, fb, lo, hi);
    double diag = s.storage;
    for (int d = 0; d < 3; ++d) {
      // advective parts are mass fluxes: they add across a coarse face unscaled
      if (ADV) {
        cu[d](I, J, K) = T(g[d] * s.a[d] + s.u[d]);
        cl[d](I, J, K) = T(g[d] * s.a[d] + s.l[d]);
      }
      ca[d](I, J, K) = T(g[d] * s.a[d]);
      cb[d](I, J, K) = T(g[d] * s.b[d]);
      diag += g[d] * s.b[d];
    }
    cap(I, J, K) = T(diag);
  });
}

/// The coarse diagonal completed once every cell's storage and boundary part is in place:
/// a_P += the whole couplings to its neighbours.
template <class T>
void add_couplings_to_diagonal(BasicStencil7<T>& coarse) {
  const auto cap = coarse.ap.view();
  const auto c = coarse.view();
  parallel_for(coarse.cells(), KELVIN_LAMBDA(int I, int J, int K) {
    cap(I, J, K) += c.ux(I, J, K) + c.lx(I - 1, J, K) + c.uy(I, J, K) + c.ly(I, J - 1, K) +
                    c.uz(I, J, K) + c.lz(I, J, K - 1);
  });
}

/// The coarse operator over the transfer's aggregates. Where the blocks align (block_aligned:
/// no batch slabs, or slabs the blocks fit), the coarse cells whose aggregates are whole blocks
/// (all but the last layer along an unbatched axis of odd fine extent) go through fixed blocks
/// (unrolled loops, the same sums in the same order), and the remaining layers, one slab per
/// odd axis, through aggregate_range.
template <bool ADV, class F, class T>
void aggregate_over(const BasicStencil7<F>& fine, const Transfer& tr, const int fine_f[3],
                    double gamma, BasicStencil7<T>& coarse) {
  const Box all = coarse.cells();
  if (!block_aligned(tr)) {
    aggregate_cells<ADV>(fine, TransferRange{tr}, all, fine_f, gamma, coarse);
  } else {
    Box whole = all;  // coarse cells of whole blocks (along a batched axis, all of them)
    for (int d = 0; d < 3; ++d) whole.hi[d] = tr.batched[d] ? all.hi[d] : tr.fs[d] / tr.f[d];
    if (!whole.empty())
      with_block_range(tr, [&](auto range) {
        aggregate_cells<ADV>(fine, range, whole, fine_f, gamma, coarse);
      });
    for (int d = 0; d < 3; ++d) {
      // the layer past the whole blocks along d, short of the layers taken along e < d
      Box rest = all;
      rest.lo[d] = whole.hi[d];
      for (int e = 0; e < d; ++e) rest.hi[e] = whole.hi[e];
      if (!rest.empty()) aggregate_cells<ADV>(fine, TransferRange{tr}, rest, fine_f, gamma, coarse);
    }
  }
  add_couplings_to_diagonal(coarse);
}

/// aggregate_operator with the advective case chosen by the coarse operator.
template <class F, class T>
void aggregate_operator(const BasicStencil7<F>& fine, const Transfer tr, const int fine_f[3],
                        double gamma, BasicStencil7<T>& coarse) {
  if (coarse.advective()) aggregate_over<true>(fine, tr, fine_f, gamma, coarse);
  else aggregate_over<false>(fine, tr, fine_f, gamma, coarse);
}

/// dst = src, converted to dst's precision.
template <class S, class D>
void convert(const Field<S>& src, Field<D>& dst) {
  const auto s = src.view();
  const auto d = dst.view();
  parallel_for(dst.cells(), KELVIN_LAMBDA(int i, int j, int k) { d(i, j, k) = D(s(i, j, k)); });
}

/// Writes row p of a float level 0 from the caller's operator: ap and the whole couplings (up
/// and lo when ADVECTIVE, else the symmetric ones they alias). The symmetric and boundary parts
/// of an advective top stay unused: level 1 is aggregated from the double A.
template <class T, bool ADVECTIVE>
struct TopRowCopy {
  FieldView<T> ap, up[3], lo[3];
  KELVIN_HD void operator()(const BasicStencilView<double>& a, long long p) const {
    ap.data[p] = T(a.ap.data[p]);
    for (int d = 0; d < 3; ++d) {
      up[d].data[p] = T(upper(a, d, p));
      if (ADVECTIVE) lo[d].data[p] = T(lower(a, d, p));
    }
  }
};

/// A pass that leaves the float level 0 as it is.
struct NoRowCopy {
  KELVIN_HD void operator()(const BasicStencilView<double>&, long long) const {}
};

template <class T>
TopRowCopy<T, false> symmetric_row_copy(BasicStencil7<T>& top) {
  return {top.ap.view(), {top.ax.view(), top.ay.view(), top.az.view()}, {}};
}

template <class T>
TopRowCopy<T, true> advective_row_copy(BasicStencil7<T>& top) {
  return {top.ap.view(),
          {top.up[0].view(), top.up[1].view(), top.up[2].view()},
          {top.lo[0].view(), top.lo[1].view(), top.lo[2].view()}};
}

template <class Copy>
void copy_rows(const Stencil7& A, const Copy& row) {
  const auto a = A.view();
  parallel_for(A.cells(), KELVIN_LAMBDA(int i, int j, int k) { row(a, a.ap.index(i, j, k)); });
}

/// The coefficients a float level 0 smooths with, in one pass over the seven (advective) or
/// four fields.
template <class T>
void copy_top_operator(const Stencil7& A, BasicStencil7<T>& top) {
  if (A.advective()) copy_rows(A, advective_row_copy(top));
  else copy_rows(A, symmetric_row_copy(top));
}

}  // namespace

/// Row m of the line along AXIS through cell p, with right-hand side d:
///   -lower_{m-1} x_{m-1} + ap_m x_m - upper_m x_{m+1} = d
/// (AXIS a template parameter so the off-line stencil is resolved at compile time).
template <int AXIS, class T>
KELVIN_HD inline TriRow<T> line_row(const BasicStencilView<T>& A, long long p, T d) {
  return {-lower(A, AXIS, p - offset(A.ap, AXIS)), A.ap.data[p], -upper(A, AXIS, p), d};
}

/// The Thomas factors of every line of level lev along AXIS (CPU; nothing on CUDA): they
/// need the rows' a, b and c only.
template <int AXIS, class T>
void factorise_lines(Level<T>& lev) {
  const auto A = lev.A->view();
  tridiagonal_factorise(
      line_starts(lev.n, AXIS), AXIS, lev.n[AXIS],
      KELVIN_LAMBDA(int, int, int, long long p) { return line_row<AXIS>(A, p, T(0)); },
      lev.lines);
}

/// One zebra sweep along AXIS: the lines of colour `first`, then those of the other colour,
/// each solved exactly with the other colour's current values on the right-hand side:
///   d = b + sum of the off-line neighbours' couplings times their x.
template <int AXIS, class T>
void zebra_line_sweep(Level<T>& lev, int first) {
  const auto A = lev.A->view();
  const auto b = lev.b->cview();
  const auto x = lev.x->view();
  tridiagonal_zebra(
      line_starts(lev.n, AXIS), AXIS, lev.n[AXIS], first,
      KELVIN_LAMBDA(int, int, int, long long p) {
        const long long sy = A.ap.sy, sz = A.ap.sz;
        T d = b.data[p];
        if (AXIS != 0) d += upper(A, 0, p) * x.data[p + 1] + lower(A, 0, p - 1) * x.data[p - 1];
        if (AXIS != 1) d += upper(A, 1, p) * x.data[p + sy] + lower(A, 1, p - sy) * x.data[p - sy];
        if (AXIS != 2) d += upper(A, 2, p) * x.data[p + sz] + lower(A, 2, p - sz) * x.data[p - sz];
        return line_row<AXIS>(A, p, d);
      },
      x, lev.lines);
}

template <class T>
void MultigridLevels<T>::rebuild(bool coarse_levels) {
  const std::size_t levels = coarse_levels ? m_levels.size() : 1;
  for (std::size_t l = 0; l < levels; ++l) {
    Level<T>& lev = *m_levels[l];
    if (l == 0 && !std::is_same<T, double>::value) copy_top_operator(m_A, lev.own);
    if (l == 1) aggregate_operator(m_A, transfer(0), m_levels[0]->f, m_opt.coarse_scaling, lev.own);
    if (l > 1)
      aggregate_operator(m_levels[l - 1]->own, transfer(l - 1), m_levels[l - 1]->f,
                         m_opt.coarse_scaling, lev.own);
    factorise(lev);
  }
  m_top_pending = false;
}

template <class T>
void MultigridLevels<T>::factorise(Level<T>& lev) {
  if (m_axis == 0) factorise_lines<0>(lev);
  else if (m_axis == 1) factorise_lines<1>(lev);
  else factorise_lines<2>(lev);
}

template <class T>
void MultigridLevels<T>::smooth(int l, int sweeps, bool reverse) {
  Level<T>& lev = *m_levels[l];
  const int first = reverse ? 1 : 0;
  for (int s = 0; s < sweeps; ++s) {
    if (m_axis == 0) zebra_line_sweep<0>(lev, first);
    else if (m_axis == 1) zebra_line_sweep<1>(lev, first);
    else zebra_line_sweep<2>(lev, first);
  }
}

template <class T>
void MultigridLevels<T>::vcycle(int l) {
  Level<T>& lev = *m_levels[l];
  const bool coarsest = l + 1 == static_cast<int>(m_levels.size());
  if (coarsest) {
    const bool single_line = lev.n[0] * lev.n[1] * lev.n[2] == lev.n[m_axis];
    smooth(l, single_line ? 1 : m_opt.coarsest_sweeps, false);
    if (!single_line) smooth(l, m_opt.coarsest_sweeps, true);
    return;
  }
  smooth(l, m_opt.pre_sweeps, false);
  residual_field(*lev.A, *lev.x, *lev.b, lev.r);
  Level<T>& co = *m_levels[l + 1];
  const Transfer tr = transfer(l);
  restrict_residual(lev.r, tr, co.b_own, co.x_own);  // b_c = R r, x_c = 0
  vcycle(l + 1);
  prolong_correction(co.x_own, tr, *lev.x);  // x += P x_c
  smooth(l, m_opt.post_sweeps, true);
}

template <class T>
void MultigridLevels<T>::full_cycle() {
  // Full multigrid on A_0 x_0 = b_0 from x_0 = 0: b_{l+1} = R b_l down the hierarchy
  // (x_{l+1} = 0), the coarsest level smoothed, then up: x_l = P x_{l+1} and one V-cycle on
  // A_l x_l = b_l at each level. Each level thus starts from the coarser level's answer, whose
  // error is mostly of the wavelengths that level's smoother removes.
  const int L = static_cast<int>(m_levels.size());
  for (int l = 0; l + 1 < L; ++l)
    restrict_residual(*m_levels[l]->b, transfer(l), m_levels[l + 1]->b_own,
                      m_levels[l + 1]->x_own);
  vcycle(L - 1);
  for (int l = L - 2; l >= 0; --l) {
    prolong_correction(m_levels[l + 1]->x_own, transfer(l), *m_levels[l]->x);
    vcycle(l);
  }
}

/// x += e and r -= A e, in any precision of e; returns ||r||^2.
template <class E>
double correct_by(const Stencil7& Ad, const Field<E>& e, Field<double>& x, Field<double>& r) {
  const auto A = Ad.view();
  const auto ev = e.cview();
  const auto xv = x.view(), rv = r.view();
  return reduce_sum(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double v = rv(i, j, k) - stencil_apply(i, j, k, A, ev);
    rv(i, j, k) = v;
    xv(i, j, k) += double(ev(i, j, k));
    return v * v;
  });
}

template <>
double MultigridLevels<double>::full_multigrid(Field<double>& x, Field<double>& r,
                                               Field<double>& e) {
  fill(e, 0.0);
  Level<double>& top = *m_levels[0];
  top.b = &r;
  top.x = &e;
  full_cycle();
  top.b = nullptr;
  top.x = nullptr;
  return correct_by(m_A, e, x, r);
}

template <>
void MultigridLevels<double>::cycle(const Field<double>& b, Field<double>& x,
                                    ResidualNorms* norms) {
  if (norms) {  // a pass of its own: the double cycle smooths on b and x without a residual
    const auto A = m_A.view();
    const auto bv = b.cview(), xv = x.cview();
    const Sum2 s = reduce_sum2(b.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      double r;
      return residual_terms(i, j, k, A, bv, xv, r);
    });
    *norms = {s.a, s.b};
  }
  // Level 0 works on the caller's vectors directly.
  Level<double>& top = *m_levels[0];
  top.b = &b;
  top.x = &x;
  vcycle(0);
  top.b = nullptr;
  top.x = nullptr;
}

template <>
void MultigridLevels<double>::precondition(const Field<double>& r, Field<double>& z) {
  fill(z, 0.0);
  cycle(r, z, nullptr);
}

/// A float level 0 set for a V-cycle from zero on r: b0 = r rounded to float, x0 = 0.
void load_residual(const Field<double>& r, Level<float>& top) {
  const auto rv = r.view();
  const auto b0 = top.b_own.view(), x0 = top.x_own.view();
  parallel_for(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    b0(i, j, k) = float(rv(i, j, k));
    x0(i, j, k) = 0.0f;
  });
}

template <>
void MultigridLevels<float>::precondition(const Field<double>& r, Field<double>& z) {
  // z = M^-1 r: the V-cycle from zero in float on r rounded to float
  refresh_top();
  Level<float>& top = *m_levels[0];
  load_residual(r, top);
  vcycle(0);
  convert(top.x_own, z);
}

template <>
double MultigridLevels<float>::full_multigrid(Field<double>& x, Field<double>& r,
                                              Field<double>&) {
  // e in level 0's float iterate, from b_0 = float(r)
  refresh_top();
  Level<float>& top = *m_levels[0];
  load_residual(r, top);
  full_cycle();
  return correct_by(m_A, top.x_own, x, r);
}

template <>
double MultigridLevels<double>::precondition_dot(const Field<double>& r, Field<double>& z) {
  precondition(r, z);
  return dot(r.cview(), z.cview());
}

template <>
double MultigridLevels<float>::precondition_dot(const Field<double>& r, Field<double>&) {
  // r . z with z = double(x0): the products and the sum of dot(r, z)
  refresh_top();
  Level<float>& top = *m_levels[0];
  load_residual(r, top);
  vcycle(0);
  const auto rv = r.cview();
  const auto x0 = top.x_own.cview();
  return reduce_sum(r.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return rv(i, j, k) * double(x0(i, j, k));
  });
}

/// p = z + beta p (beta 0: p = z), z in any precision.
template <class Z>
void form_direction(double beta, const Field<Z>& z, Field<double>& p) {
  const auto zv = z.cview();
  const auto pv = p.view();
  if (beta == 0.0)
    parallel_for(p.cells(),
                 KELVIN_LAMBDA(int i, int j, int k) { pv(i, j, k) = double(zv(i, j, k)); });
  else
    parallel_for(p.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      pv(i, j, k) = double(zv(i, j, k)) + beta * pv(i, j, k);
    });
}

template <>
void MultigridLevels<double>::direction(double beta, const Field<double>& z, Field<double>& p) {
  form_direction(beta, z, p);
}

template <>
void MultigridLevels<float>::direction(double beta, const Field<double>&, Field<double>& p) {
  form_direction(beta, m_levels[0]->x_own, p);
}

/// The residual pass of a float cycle: b0 = float(b - A x), x0 = 0, and row p of the float
/// level 0 copied by `copy` (NoRowCopy: left as it is); returns the residual's norms' terms.
template <class Copy>
Sum2 float_residual_pass(const Stencil7& Ad, const Field<double>& b, const Field<double>& x,
                         Level<float>& top, const Copy& copy) {
  const auto A = Ad.view();
  const auto bv = b.view();
  const auto xv = x.view();
  const auto b0 = top.b_own.view(), x0 = top.x_own.view();
  return reduce_sum2(b.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    double r;
    const Sum2 t = residual_terms(i, j, k, A, bv, xv, r);
    b0(i, j, k) = float(r);
    x0(i, j, k) = 0.0f;
    copy(A, A.ap.index(i, j, k));
    return t;
  });
}

template <>
void MultigridLevels<float>::cycle(const Field<double>& b, Field<double>& x,
                                   ResidualNorms* norms) {
  // x += M^-1 (b - A x): the same V-cycle as from x (every step is linear in x and b), with
  // the residual in double so that repeated cycles converge to double accuracy; its norms
  // summed in the same pass, and a deferred copy of level 0 made there too (56 bytes per
  // cell less than a pass of its own for an advective operator), then its line factors.
  Level<float>& top = *m_levels[0];
  Sum2 s;
  if (!m_top_pending) s = float_residual_pass(m_A, b, x, top, NoRowCopy{});
  else if (m_A.advective()) s = float_residual_pass(m_A, b, x, top, advective_row_copy(top.own));
  else s = float_residual_pass(m_A, b, x, top, symmetric_row_copy(top.own));
  if (m_top_pending) factorise(top);
  m_top_pending = false;
  if (norms) *norms = {s.a, s.b};
  vcycle(0);
  const auto xv = x.view();
  const auto xc = top.x_own.cview();
  parallel_for(x.cells(), KELVIN_LAMBDA(int i, int j, int k) { xv(i, j, k) += xc(i, j, k); });
}

template <class T>
Transfer MultigridLevels<T>::transfer(int l) const {
  const Level<T>& fine = *m_levels[l];
  const Level<T>& coarse = *m_levels[l + 1];
  Transfer t{};
  for (int d = 0; d < 3; ++d) {
    t.f[d] = fine.f[d], t.fs[d] = fine.s[d], t.cs[d] = coarse.s[d];
    t.shift[d] = fine.f[d] == 2 ? 1 : 0;
    t.batched[d] = fine.s[d] != fine.n[d];
  }
  return t;
}

template class MultigridLevels<double>;
template class MultigridLevels<float>;

Multigrid::Multigrid(const Stencil7& A, MultigridOptions options) : m_A(A) {
  if (options.single_precision) m_single = std::make_unique<MultigridLevels<float>>(A, options);
  else m_double = std::make_unique<MultigridLevels<double>>(A, options);
}

Multigrid::~Multigrid() = default;

void Multigrid::rebuild(bool coarse_levels) {
  if (m_single) m_single->rebuild(coarse_levels);
  else m_double->rebuild(coarse_levels);
}

void Multigrid::precondition(const Field<double>& r, Field<double>& z) {
  if (m_single) m_single->precondition(r, z);
  else m_double->precondition(r, z);
}

double Multigrid::precondition_dot(const Field<double>& r, Field<double>& z) {
  return m_single ? m_single->precondition_dot(r, z) : m_double->precondition_dot(r, z);
}

double Multigrid::full_multigrid(Field<double>& x, Field<double>& r, Field<double>& e) {
  return m_single ? m_single->full_multigrid(x, r, e) : m_double->full_multigrid(x, r, e);
}

void Multigrid::direction(double beta, const Field<double>& z, Field<double>& p) {
  if (m_single) m_single->direction(beta, z, p);
  else m_double->direction(beta, z, p);
}

void Multigrid::cycle(const Field<double>& b, Field<double>& x, ResidualNorms* norms) {
  if (m_single) m_single->cycle(b, x, norms);
  else m_double->cycle(b, x, norms);
}

bool Multigrid::rebuild_if_changed(double tolerance) {
  if (levels() == 1) {  // nothing coarse to keep: the finest level is rebuilt anyway
    if (m_single) m_single->defer_top_rebuild();  // by the next cycle's residual pass
    else m_double->rebuild(false);
    return false;
  }
  // max |ap - ap_built| / |ap_built| over the finest level
  const bool first = m_built_ap.cell_count() == 0;
  if (first) m_built_ap = Field<double>(m_A.ap.nx(), m_A.ap.ny(), m_A.ap.nz());
  const auto ap = m_A.ap.cview(), built = m_built_ap.cview();
  const double change = first ? 1.0 : reduce_max(m_A.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double b = built(i, j, k);
    return b != 0 ? fabs(ap(i, j, k) - b) / fabs(b) : (ap(i, j, k) != 0 ? 1.0 : 0.0);
  });
  const bool coarse = change > tolerance;
  rebuild(coarse);
  if (coarse) copy(m_A.ap, m_built_ap);
  return coarse;
}

const Stencil7& Multigrid::level_operator(int l) const {
  KELVIN_VERIFY(m_double != nullptr, "level_operator: a single-precision hierarchy has float levels");
  return *m_double->m_levels.at(l)->A;
}

int Multigrid::levels() const {
  return static_cast<int>(m_single ? m_single->m_levels.size() : m_double->m_levels.size());
}

int Multigrid::line_axis() const { return m_single ? m_single->m_axis : m_double->m_axis; }

std::array<int, 3> Multigrid::coarsening(int l) const {
  const int* f = m_single ? m_single->m_levels.at(l)->f : m_double->m_levels.at(l)->f;
  return {f[0], f[1], f[2]};
}

std::string Multigrid::describe() const {
  std::ostringstream s;
  for (int l = 0; l < levels(); ++l) {
    const int* n = m_single ? m_single->m_levels[l]->n : m_double->m_levels[l]->n;
    s << (l ? " -> " : "") << n[0] << "x" << n[1] << "x" << n[2];
  }
  return s.str();
}

}  // namespace kelvin
