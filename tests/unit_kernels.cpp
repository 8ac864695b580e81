// Every kernel against a plain serial reference on an odd-sized grid (37 x 19 x 11).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "reference.hpp"
#include "test_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

constexpr int NX = 37, NY = 19, NZ = 11;

std::vector<double> random_values(std::size_t n, unsigned seed, double lo = -1, double hi = 1) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = u(gen);
  return v;
}

Field<double> field_from(const std::vector<double>& v) {
  Field<double> f(NX, NY, NZ);
  f.from_host(v);
  return f;
}

using reference::max_abs_diff;

/// A random-conductivity problem (64 materials with k in [0.02, 400], placed at random) on a
/// grid whose spacing grows 5 % a cell.
ConductionProblem random_problem(std::vector<double>& k_cell) {
  ConductionProblem p = make_problem(graded_faces(NX, 1.0, 1.05), graded_faces(NY, 0.5, 1.05),
                                     graded_faces(NZ, 0.2, 1.05));
  const int nm = 64;
  const auto k_mat = random_values(nm, 2, 0.02, 400.0);
  p.conductivity_W_mK.clear();
  p.rho_cp_J_m3K.clear();
  for (double k : k_mat) {
    p.conductivity_W_mK.push_back({k, k, k});
    p.rho_cp_J_m3K.push_back(1.0);
  }
  p.contact_K_m2_W.assign(nm * nm, 0.0);
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> pick(0, nm - 1);
  k_cell.resize(p.grid.materials().size());
  for (std::size_t c = 0; c < k_cell.size(); ++c) {
    p.grid.materials()[c] = pick(gen);
    k_cell[c] = k_mat[p.grid.materials()[c]];
  }
  set_face(p, 0, 0.0, 300.0);
  return p;
}

}  // namespace

// Kernel launches live in free functions: nvcc's extended lambdas cannot be defined inside
// gtest's TestBody, which is a private member.

/// f(i,j,k) += i + 100 j + 10000 k over box, through parallel_for or parallel_for_multiarch.
void add_index_pattern(Field<double>& f, const Box& box, bool multiarch = false) {
  const auto v = f.view();
  const auto g = KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL {
    v(i, j, k) += i + 100.0 * j + 10000.0 * k;
  };
  if (multiarch) parallel_for_multiarch(box, g);
  else parallel_for(box, g);
}

/// out = a b + c / a - sqrt(|b|) c + a (b - c) (c + 1): products and sums that an FMA would
/// fuse, a division and a root, through parallel_for or parallel_for_multiarch.
void mixed_arithmetic(bool multiarch, const Field<double>& a, const Field<double>& b,
                      const Field<double>& c, Field<double>& out) {
  const auto av = a.cview(), bv = b.cview(), cv = c.cview();
  const auto o = out.view();
  const auto f = KELVIN_LAMBDA(int i, int j, int k) KELVIN_INLINE_KERNEL {
    const double x = av(i, j, k), y = bv(i, j, k), z = cv(i, j, k);
    o(i, j, k) = x * y + z / x - std::sqrt(std::fabs(y)) * z + x * (y - z) * (z + 1);
  };
  if (multiarch) parallel_for_multiarch(out.cells(), f);
  else parallel_for(out.cells(), f);
}

/// {sum, max, min} of a field through the backend reductions.
std::array<double, 3> reduce_all(const Field<double>& f) {
  const auto v = f.cview();
  return {reduce_sum(f.cells(), KELVIN_LAMBDA(int i, int j, int k) { return v(i, j, k); }),
          reduce_max(f.cells(), KELVIN_LAMBDA(int i, int j, int k) { return v(i, j, k); }),
          reduce_min(f.cells(), KELVIN_LAMBDA(int i, int j, int k) { return v(i, j, k); })};
}

struct Pairs {
  FieldView<const double> a[kMaxSums], b[kMaxSums];
};

/// a[q] . b[q] for every q, in one reduce_sums pass.
Sums sums_of_products(const Pairs& p) {
  return reduce_sums(p.a[0].cells(), KELVIN_LAMBDA(int i, int j, int k) {
    Sums s;
    for (int q = 0; q < kMaxSums; ++q) s.s[q] = p.a[q](i, j, k) * p.b[q](i, j, k);
    return s;
  });
}

/// Sets every cell of f, ghosts included, to value.
void fill_padded(Field<double>& f, double value) {
  const auto v = f.view();
  const Box padded{{-1, -1, -1}, {f.nx() + 1, f.ny() + 1, f.nz() + 1}};
  parallel_for(padded, KELVIN_LAMBDA(int i, int j, int k) { v(i, j, k) = value; });
}

/// Sum of |f| over the ghost cells of f alone.
double ghost_abs_sum(const Field<double>& f) {
  const auto v = f.cview();
  const int nx = f.nx(), ny = f.ny(), nz = f.nz();
  const Box padded{{-1, -1, -1}, {nx + 1, ny + 1, nz + 1}};
  return reduce_sum(padded, KELVIN_LAMBDA(int i, int j, int k) {
    const bool ghost = i < 0 || j < 0 || k < 0 || i == nx || j == ny || k == nz;
    return ghost ? fabs(v(i, j, k)) : 0.0;
  });
}

TEST(FieldTransfer, FromHostSetsTheInteriorAndZeroesTheGhosts) {
  // a small field (one thread) and one past the threshold where the planes are shared out
  for (const std::array<int, 3> n : {std::array<int, 3>{NX, NY, NZ}, {41, 29, 23}}) {
    const auto a = random_values(static_cast<std::size_t>(n[0]) * n[1] * n[2], 40);
    Field<double> f(n[0], n[1], n[2]);
    fill_padded(f, 7.0);  // ghosts written by a kernel, as a stencil's boundary values can be
    f.from_host(a);
    const auto back = f.to_host();
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(back[i], a[i]) << "cell " << i;
    EXPECT_EQ(ghost_abs_sum(f), 0.0);  // every ghost is zero again, exactly
  }
}

TEST(ParallelFor, VisitsEveryCellOnceInBoxOrder) {
  Field<double> f(NX, NY, NZ);
  add_index_pattern(f, f.cells());
  const auto h = f.to_host();
  for (int k = 0; k < NZ; ++k)
    for (int j = 0; j < NY; ++j)
      for (int i = 0; i < NX; ++i) ASSERT_EQ(h[i + NX * (j + NY * k)], i + 100.0 * j + 10000.0 * k);
}

TEST(ParallelFor, SubBoxLeavesTheRestUntouched) {
  Field<double> f(NX, NY, NZ);
  const Box sub{{3, 2, 1}, {30, 5, 10}};
  add_index_pattern(f, sub);
  const auto h = f.to_host();
  for (int k = 0; k < NZ; ++k)
    for (int j = 0; j < NY; ++j)
      for (int i = 0; i < NX; ++i) {
        const bool in = i >= 3 && i < 30 && j >= 2 && j < 5 && k >= 1 && k < 10;
        ASSERT_EQ(h[i + NX * (j + NY * k)], in ? i + 100.0 * j + 10000.0 * k : 0.0);
      }
}

TEST(ParallelFor, MultiarchVisitsEveryCellOfABoxOnce) {
  // Boxes above the threading threshold, from lo != 0: 64 planes (walked whole with up to 8
  // threads, wide_strip_rows) and 6 planes of 90 rows (cut into strips: 30 rows with 2
  // threads, 15 with 6 or more).
  for (const Box sub : {Box{{1, 2, 3}, {41, 32, 67}}, Box{{2, 1, 0}, {62, 91, 6}}}) {
    const int nx = sub.hi[0] + 1, ny = sub.hi[1] + 1, nz = sub.hi[2] + 1;
    Field<double> f(nx, ny, nz);
    add_index_pattern(f, sub, true);
    const auto h = f.to_host();
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          const bool in = i >= sub.lo[0] && i < sub.hi[0] && j >= sub.lo[1] && j < sub.hi[1] &&
                          k >= sub.lo[2] && k < sub.hi[2];
          ASSERT_EQ(h[i + nx * (j + ny * k)], in ? i + 100.0 * j + 10000.0 * k : 0.0);
        }
  }
}

TEST(ParallelFor, MultiarchGivesTheBaselinesValuesBitForBit) {
  // With AVX2 (most x86 CPUs since 2013) this compares the AVX2 clone with the baseline loop;
  // it fails if that clone fuses multiply-adds (host code must keep -ffp-contract=off).
  const auto a = field_from(random_values(NX * NY * NZ, 3, 0.5, 2.0));
  const auto b = field_from(random_values(NX * NY * NZ, 4));
  const auto c = field_from(random_values(NX * NY * NZ, 5));
  Field<double> base(NX, NY, NZ), wide(NX, NY, NZ);
  mixed_arithmetic(false, a, b, c, base);
  mixed_arithmetic(true, a, b, c, wide);
  const auto hb = base.to_host(), hw = wide.to_host();
  for (std::size_t n = 0; n < hb.size(); ++n)
    ASSERT_EQ(std::memcmp(&hb[n], &hw[n], sizeof(double)), 0) << "cell " << n;
}

TEST(Reduce, SumMaxMinDotMatchSerial) {
  const auto a = random_values(NX * NY * NZ, 1), b = random_values(NX * NY * NZ, 7);
  const auto fa = field_from(a), fb = field_from(b);
  double s = 0, mx = -1e300, mn = 1e300, d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    s += a[i];
    mx = std::max(mx, a[i]);
    mn = std::min(mn, a[i]);
    d += a[i] * b[i];
  }
  const auto got = reduce_all(fa);
  EXPECT_NEAR(got[0], s, 1e-11);
  EXPECT_EQ(got[1], mx);
  EXPECT_EQ(got[2], mn);
  EXPECT_NEAR(dot(fa.cview(), fb.cview()), d, 1e-11);
}

TEST(Stencil, AssemblyAndApplyMatchSerialReference) {
  std::vector<double> k_cell;
  const ConductionProblem p = random_problem(k_cell);
  ConductionSolver s(p);
  const auto want = reference::conduction(p.grid, k_cell, /*fixed_xmin=*/true);
  const auto& A = s.steady_operator();
  EXPECT_LT(max_abs_diff(A.ap.to_host(), want.ap), 1e-10);
  EXPECT_LT(max_abs_diff(A.ax.to_host(), want.ax), 1e-12);
  EXPECT_LT(max_abs_diff(A.ay.to_host(), want.ay), 1e-12);
  EXPECT_LT(max_abs_diff(A.az.to_host(), want.az), 1e-12);

  const auto x = random_values(NX * NY * NZ, 3);
  Field<double> fx = field_from(x), fy(NX, NY, NZ);
  apply(A, fx, fy);
  const auto got = fy.to_host(), ref = reference::apply(want, x);
  EXPECT_LT(max_abs_diff(got, ref), 1e-9);
  double xy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) xy += x[i] * ref[i];
  EXPECT_NEAR(apply_dot(A, fx, fy), xy, 1e-9 * std::fabs(xy));
  EXPECT_LT(max_abs_diff(fy.to_host(), ref), 1e-9);

  // r = b - A x and its norm
  const auto b = random_values(NX * NY * NZ, 4);
  Field<double> fb = field_from(b), fr(NX, NY, NZ);
  const double rn = residual(A, fx, fb, fr);
  double rr = 0;
  const auto r = fr.to_host();
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_NEAR(r[i], b[i] - ref[i], 1e-9);
    rr += r[i] * r[i];
  }
  EXPECT_NEAR(rn, std::sqrt(rr), 1e-9);
}

TEST(Reduce, SumsOfProductsMatchSerial) {
  // kMaxSums products of five fields in one pass (a field enters several). 40 x 30 x 20 cells:
  // above kParallelMinCells, so the threads' partial sums are combined too.
  std::vector<std::vector<double>> v;
  std::vector<Field<double>> f;
  for (unsigned s = 0; s < 5; ++s) {
    v.push_back(random_values(40 * 30 * 20, 20 + s));
    f.emplace_back(40, 30, 20);
    f.back().from_host(v.back());
  }
  Pairs p;
  for (int q = 0; q < kMaxSums; ++q) p.a[q] = f[q % 5].cview(), p.b[q] = f[(3 * q + 1) % 5].cview();
  const Sums got = sums_of_products(p);
  for (int q = 0; q < kMaxSums; ++q) {
    double want = 0;
    for (std::size_t i = 0; i < v[0].size(); ++i) want += v[q % 5][i] * v[(3 * q + 1) % 5][i];
    EXPECT_NEAR(got.s[q], want, 1e-10) << "product " << q;
  }
}

TEST(VectorKernels, AxpySumIsTheAxpysInOrder) {
  const auto y0 = random_values(NX * NY * NZ, 30);
  std::vector<Field<double>> x;
  for (unsigned s = 0; s < 3; ++s) x.push_back(field_from(random_values(NX * NY * NZ, 31 + s)));
  Field<double> fused = field_from(y0), separate = field_from(y0);
  AxpyTerms t;
  t.count = 3;
  for (int q = 0; q < 3; ++q) {
    t.x[q] = x[q].cview();
    t.alpha[q] = -0.3 * (q + 1);
    axpy(t.alpha[q], x[q], separate);
  }
  axpy_sum(t, fused);
  const auto a = fused.to_host(), b = separate.to_host();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "cell " << i;
}

TEST(VectorKernels, AxpyCopyFillMatchSerial) {
  const auto a = random_values(NX * NY * NZ, 5), b = random_values(NX * NY * NZ, 6);
  Field<double> fa = field_from(a), fb = field_from(b), fc(NX, NY, NZ);
  axpy(0.25, fa, fb);
  copy(fb, fc);
  const auto got = fc.to_host();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_DOUBLE_EQ(got[i], b[i] + 0.25 * a[i]);
  fill(fc, 2.5);
  EXPECT_NEAR(norm2(fc), 2.5 * std::sqrt(double(NX * NY * NZ)), 1e-9);
}

TEST(VectorKernels, FirstNonFiniteFindsLowestIndex) {
  auto v = random_values(NX * NY * NZ, 8);
  v[5 + NX * (7 + NY * 9)] = std::nan("");
  v[30 + NX * (2 + NY * 10)] = INFINITY;
  const auto c = first_nonfinite(field_from(v));
  EXPECT_EQ(c, (std::array<int, 3>{5, 7, 9}));
  EXPECT_EQ(first_nonfinite(field_from(random_values(NX * NY * NZ, 9))), (std::array<int, 3>{-1, -1, -1}));
}

TEST(Multigrid, SingleLineIsSolvedExactlyInOneCycle) {
  // A 1 x 1 x 37 column: the line smoother is a direct tridiagonal (Thomas) solve. In double
  // one cycle solves it to round-off; in single precision one cycle leaves float round-off,
  // and the cycles' double residual removes it in a few more (defect correction).
  ConductionProblem p = make_problem(graded_faces(1, 1.0), graded_faces(1, 1.0), graded_faces(37, 1.0, 1.1));
  set_face(p, 4, 0.0, 300.0);
  for (auto& q : p.source_W_m3) q = 10.0;
  ConductionSolver s(p);
  const auto b = random_values(37, 10);
  for (const bool single : {false, true}) {
    MultigridOptions o;
    o.single_precision = single;
    Multigrid mg(s.steady_operator(), o);
    EXPECT_EQ(mg.line_axis(), 2);
    EXPECT_EQ(mg.single_precision(), single);
    Field<double> fb(1, 1, 37), fx(1, 1, 37), fr(1, 1, 37);
    fb.from_host(b);
    mg.cycle(fb, fx);
    const double once = residual(s.steady_operator(), fx, fb, fr) / norm2(fb);
    if (!single) {
      EXPECT_LT(once, 1e-12);
      continue;
    }
    EXPECT_LT(once, 1e-5);
    EXPECT_GT(once, 1e-12);  // float round-off is there after one cycle
    for (int c = 0; c < 3; ++c) mg.cycle(fb, fx);
    EXPECT_LT(residual(s.steady_operator(), fx, fb, fr), 1e-12 * norm2(fb));
  }
}

/// random_problem's steady operator A and a random right-hand side b (seeded).
struct RandomSystem {
  std::vector<double> k_cell;
  ConductionProblem problem = random_problem(k_cell);
  ConductionSolver solver{problem};
  const Stencil7& A = solver.steady_operator();
  Field<double> b;
  explicit RandomSystem(unsigned seed) : b(field_from(random_values(NX * NY * NZ, seed))) {}
};

TEST(Multigrid, CycleReportsTheNormsOfTheResidualItCorrects) {
  // cycle(b, x, &norms): ||b - A x||^2 and ||a_P x||^2 of the x it started from, as a
  // separate residual pass and a host sum give them, for float and double levels.
  const RandomSystem sys(12);
  const Stencil7& A = sys.A;
  const Field<double>& b = sys.b;
  for (const bool single : {false, true}) {
    MultigridOptions o;
    o.single_precision = single;
    Multigrid mg(A, o);
    Field<double> x = field_from(random_values(NX * NY * NZ, 13)), r(NX, NY, NZ);
    const double rnorm = residual(A, x, b, r);
    const auto ap = A.ap.to_host(), xh = x.to_host();
    double diag = 0;
    for (std::size_t c = 0; c < xh.size(); ++c) diag += ap[c] * xh[c] * ap[c] * xh[c];
    ResidualNorms n;
    mg.cycle(b, x, &n);
    EXPECT_NEAR(n.residual, rnorm * rnorm, 1e-12 * rnorm * rnorm) << single;
    EXPECT_NEAR(n.diagonal, diag, 1e-12 * diag) << single;
    EXPECT_LT(residual(A, x, b, r), rnorm) << single;  // and it did correct x
  }
}

TEST(Operator, ResidualNormsAreTheResidualsAndTheDiagonalsSums) {
  // residual_norms(A, x, b, r): r as residual() forms it, and {||r||^2, ||a_P x||^2} (the
  // coupled flow's momentum residual and its scale) against host sums.
  const RandomSystem sys(18);
  const Stencil7& A = sys.A;
  const Field<double>& b = sys.b;
  const Field<double> x = field_from(random_values(NX * NY * NZ, 19));
  Field<double> r1(NX, NY, NZ), r2(NX, NY, NZ);
  const double rnorm = residual(A, x, b, r1);
  const auto n = residual_norms(A, x, b, r2);
  EXPECT_EQ(r1.to_host(), r2.to_host());
  const auto ap = A.ap.to_host(), xh = x.to_host(), rh = r2.to_host();
  double rr = 0, dd = 0;
  for (std::size_t c = 0; c < xh.size(); ++c) {
    rr += rh[c] * rh[c];
    dd += ap[c] * xh[c] * ap[c] * xh[c];
  }
  EXPECT_NEAR(n[0], rr, 1e-12 * rr);
  EXPECT_NEAR(n[0], rnorm * rnorm, 1e-12 * rr);
  EXPECT_NEAR(n[1], dd, 1e-12 * dd);
}

/// Multiplies every value of f by a (on the host).
void scale(Field<double>& f, double a) {
  auto h = f.to_host();
  for (double& v : h) v *= a;
  f.from_host(h);
}

TEST(Multigrid, DeferredSingleLevelRebuildCyclesAsAnImmediateOne) {
  // rebuild_if_changed() on a one-level float hierarchy (SIMPLEC's momentum) leaves the copy of
  // the changed rows to the next cycle's residual pass, or to the next preconditioning: the
  // same answers, bit for bit, as rebuild(false) at once, for a symmetric and an advective
  // operator. A cycle on the old float rows gives other answers.
  const RandomSystem sys(16);
  const Stencil7& S = sys.A;
  const Field<double>& b = sys.b;
  for (const bool advective : {false, true}) {
    Stencil7 A(NX, NY, NZ);
    for (auto [src, dst] : {std::pair{&S.ap, &A.ap}, {&S.ax, &A.ax}, {&S.ay, &A.ay},
                            {&S.az, &A.az}, {&S.bx, &A.bx}, {&S.by, &A.by}, {&S.bz, &A.bz}})
      copy(*src, *dst);
    if (advective) A.enable_advection();
    MultigridOptions o;
    o.max_levels = 1;
    o.coarsest_sweeps = 2;
    Multigrid deferred(A, o), immediate(A, o);
    scale(A.ap, 1.5);
    if (advective) scale(A.up[0], 1.25), scale(A.lo[0], 0.75);
    Field<double> stale = field_from(random_values(NX * NY * NZ, 17));
    deferred.cycle(b, stale);  // before any rebuild: the rows of the unscaled A
    EXPECT_FALSE(deferred.rebuild_if_changed()) << advective;
    immediate.rebuild(false);
    Field<double> x1 = field_from(random_values(NX * NY * NZ, 17));
    Field<double> x2 = field_from(random_values(NX * NY * NZ, 17));
    ResidualNorms n1, n2;
    deferred.cycle(b, x1, &n1);
    immediate.cycle(b, x2, &n2);
    EXPECT_EQ(x1.to_host(), x2.to_host()) << advective;
    EXPECT_EQ(n1.residual, n2.residual) << advective;
    EXPECT_NE(x1.to_host(), stale.to_host()) << advective;
    scale(A.ap, 0.8);
    deferred.rebuild_if_changed();
    immediate.rebuild(false);
    Field<double> z1(NX, NY, NZ), z2(NX, NY, NZ);
    deferred.precondition(b, z1);
    immediate.precondition(b, z2);
    EXPECT_EQ(z1.to_host(), z2.to_host()) << advective;
  }
}

TEST(Multigrid, PcgFromZeroIgnoresTheGivenXAndMatchesAZeroedStart) {
  // InitialGuess::Zero overwrites x (here random) and starts from r = b: the same iterates,
  // bit for bit, as a solve given x = 0.
  const RandomSystem sys(14);
  const Stencil7& A = sys.A;
  const Field<double>& b = sys.b;
  Multigrid mg(A);
  Field<double> x0(NX, NY, NZ), x1 = field_from(random_values(NX * NY * NZ, 15));
  const SolveStats a = pcg_solve(A, mg, b, x0, 1e-6, 100);
  const SolveStats z = pcg_solve(A, mg, b, x1, 1e-6, 100, {}, nullptr, InitialGuess::Zero);
  EXPECT_TRUE(z.converged);
  EXPECT_EQ(z.iterations, a.iterations);
  EXPECT_EQ(z.initial_residual, a.initial_residual);
  EXPECT_EQ(z.final_residual, a.final_residual);
  EXPECT_EQ(x1.to_host(), x0.to_host());
}

/// A uniform cube of n^3 cells, k = 10, 1e6 W/m^3, every face at 300 K (the peers' cube).
ConductionProblem heated_cube(int n) {
  ConductionProblem p =
      make_problem(graded_faces(n, 0.1), graded_faces(n, 0.1), graded_faces(n, 0.1), 10.0);
  for (int f = 0; f < 6; ++f) set_face(p, f, 0.0, 300.0);
  for (auto& q : p.source_W_m3) q = 1e6;
  return p;
}

TEST(Multigrid, FullMultigridCorrectsXAndReturnsTheNewResidualNorm) {
  // full_multigrid(x, r) with r = b - A x: x += e, r -= A e (r stays b - A x to round-off) and
  // ||r||^2 returned; from x = 300 K on the heated cube it removes far more of the residual
  // than a V-cycle does, for float and double levels.
  const ConductionProblem p = heated_cube(24);
  ConductionSolver s(p);
  const Stencil7& A = s.steady_operator();
  const Field<double>& b = s.steady_rhs();
  for (const bool single : {false, true}) {
    MultigridOptions o;
    o.single_precision = single;
    Multigrid mg(A, o);
    Field<double> x = s.make_field(300.0), r(24, 24, 24), check(24, 24, 24), e(24, 24, 24);
    const double r0 = residual(A, x, b, r);
    Field<double> xv = s.make_field(300.0);
    mg.cycle(b, xv);
    const double after_v = residual(A, xv, b, check);
    const double rr = mg.full_multigrid(x, r, e);
    const double after_fmg = residual(A, x, b, check);
    EXPECT_NEAR(std::sqrt(rr), after_fmg, 1e-9 * r0) << single;
    EXPECT_LT(max_abs_difference(r, check), 1e-10 * r0) << single;
    EXPECT_LT(after_fmg, 0.2 * after_v) << single;
    EXPECT_LT(after_fmg, 0.03 * r0) << single;
    RecordProperty(single ? "v_reduction_float" : "v_reduction_double", sci(after_v / r0));
    RecordProperty(single ? "fmg_reduction_float" : "fmg_reduction_double", sci(after_fmg / r0));
  }
}

TEST(Multigrid, PcgFromAFullMultigridStartNeedsFewerIterationsForTheSameAnswer) {
  // InitialGuess::FullMultigrid: CG from the corrected x reaches the tolerance in fewer
  // iterations, to the same temperatures; a tolerance the correction meets alone takes none,
  // with the true residual reported.
  const ConductionProblem p = heated_cube(32);
  ConductionSolver s(p);
  const Stencil7& A = s.steady_operator();
  const Field<double>& b = s.steady_rhs();
  Multigrid mg(A);
  Field<double> x0 = s.make_field(300.0), x1 = s.make_field(300.0), r(32, 32, 32);
  const SolveStats plain = pcg_solve(A, mg, b, x0, 1e-10, 100);
  const SolveStats fmg =
      pcg_solve(A, mg, b, x1, 1e-10, 100, {}, nullptr, InitialGuess::FullMultigrid);
  EXPECT_TRUE(plain.converged);
  EXPECT_TRUE(fmg.converged);
  EXPECT_LT(fmg.iterations, plain.iterations);
  EXPECT_EQ(fmg.initial_residual, plain.initial_residual);
  // the convergence factor is CG's per iteration, from where the iterations began
  EXPECT_EQ(plain.iteration_start_residual, plain.initial_residual);
  EXPECT_LT(fmg.iteration_start_residual, 0.03 * fmg.initial_residual);
  EXPECT_NEAR(fmg.convergence_factor,
              std::pow(fmg.final_residual / fmg.iteration_start_residual, 1.0 / fmg.iterations),
              1e-12);
  EXPECT_LT(residual(A, x1, b, r), 1e-10 * norm2(b));
  EXPECT_LT(max_abs_difference(x0, x1), 1e-9 * max_abs(x0));
  Field<double> x2 = s.make_field(300.0);
  const SolveStats loose =
      pcg_solve(A, mg, b, x2, 1e-2, 100, {}, nullptr, InitialGuess::FullMultigrid);
  EXPECT_TRUE(loose.converged);
  EXPECT_EQ(loose.iterations, 0);
  EXPECT_EQ(loose.final_residual, residual(A, x2, b, r));
  RecordProperty("iterations_plain", plain.iterations);
  RecordProperty("iterations_fmg", fmg.iterations);
}

TEST(Multigrid, GalerkinVCycleConvergesOnRandomJumps) {
  // With gamma = 1 the coarse operators are exact Galerkin products, so the symmetric V-cycle
  // is an energy-norm contraction even for per-cell random k over four decades.
  std::vector<double> k_cell;
  const ConductionProblem p = random_problem(k_cell);
  ConductionSolver s(p);
  MultigridOptions o;
  o.coarse_scaling = 1.0;
  Multigrid mg(s.steady_operator(), o);
  EXPECT_GE(mg.levels(), 3);
  Field<double> b = field_from(random_values(NX * NY * NZ, 11)), x(NX, NY, NZ), r(NX, NY, NZ);
  const double r0 = norm2(b);
  for (int c = 0; c < 20; ++c) mg.cycle(b, x);
  EXPECT_LT(residual(s.steady_operator(), x, b, r), 0.1 * r0);
}

TEST(Multigrid, PreconditionedCgSolvesRandomJumpsOnOddGrid) {
  // The default (scaled) hierarchy need not contract as a stationary iteration on such rough
  // coefficients, but the symmetric V-cycle stays SPD, so CG converges.
  std::vector<double> k_cell;
  const ConductionProblem p = random_problem(k_cell);
  ConductionSolver s(p);
  Multigrid mg(s.steady_operator());
  Field<double> b = field_from(random_values(NX * NY * NZ, 11)), x(NX, NY, NZ), r(NX, NY, NZ);
  const auto st = pcg_solve(s.steady_operator(), mg, b, x, 1e-10, 100);
  EXPECT_TRUE(st.converged);
  EXPECT_LT(residual(s.steady_operator(), x, b, r), 1e-9 * norm2(b));
}

TEST(Multigrid, SinglePrecisionLevelsReachTheDoubleAnswer) {
  // Float levels inside double CG: the same solution to 1e-10 relative residual (k over four
  // decades per cell), in at most one more iteration than with double levels.
  std::vector<double> k_cell;
  const ConductionProblem p = random_problem(k_cell);
  ConductionSolver s(p);
  const Field<double> b = field_from(random_values(NX * NY * NZ, 11));
  Field<double> x[2] = {Field<double>(NX, NY, NZ), Field<double>(NX, NY, NZ)}, r(NX, NY, NZ);
  int its[2];
  for (int single = 0; single < 2; ++single) {
    MultigridOptions o;
    o.single_precision = single == 1;
    Multigrid mg(s.steady_operator(), o);
    const auto st = pcg_solve(s.steady_operator(), mg, b, x[single], 1e-10, 100);
    EXPECT_TRUE(st.converged);
    EXPECT_LT(residual(s.steady_operator(), x[single], b, r), 1e-9 * norm2(b));
    its[single] = st.iterations;
  }
  EXPECT_LE(its[1], its[0] + 1);
  EXPECT_LT(max_abs_difference(x[0], x[1]), 1e-8 * max_abs(x[0]));
}

TEST(Multigrid, CoarseOperatorsMatchSerialAggregation) {
  std::vector<double> k_cell;
  ConductionProblem p = random_problem(k_cell);
  set_face(p, 3, 1e-3, 310.0);  // convective ymax: boundary terms on a coarsened axis
  ConductionSolver s(p);
  for (double gamma : {1.0, 0.5}) {
    MultigridOptions o;
    o.coarse_scaling = gamma;
    o.single_precision = false;  // compared to double round-off
    Multigrid mg(s.steady_operator(), o);
    ASSERT_GE(mg.levels(), 3);
    const auto host = [](const Stencil7& A, std::vector<double> b[3]) {
      b[0] = A.bx.to_host();
      b[1] = A.by.to_host();
      b[2] = A.bz.to_host();
      return reference::Stencil{{A.ap.nx(), A.ap.ny(), A.ap.nz()}, A.ap.to_host(), A.ax.to_host(),
                                A.ay.to_host(), A.az.to_host()};
    };
    std::vector<double> b[3], bn[3], bc[3];
    auto fine = host(mg.level_operator(0), b);
    for (int l = 1; l < mg.levels(); ++l) {
      const auto want = reference::aggregate(fine, b, mg.coarsening(l - 1), gamma, bc);
      const auto got = host(mg.level_operator(l), bn);
      ASSERT_EQ(got.n[0], want.n[0]);
      ASSERT_EQ(got.n[1], want.n[1]);
      ASSERT_EQ(got.n[2], want.n[2]);
      const double scale = *std::max_element(want.ap.begin(), want.ap.end());
      EXPECT_LT(max_abs_diff(got.ap, want.ap), 1e-12 * scale) << "level " << l;
      EXPECT_LT(max_abs_diff(got.ax, want.ax), 1e-12 * scale) << "level " << l;
      EXPECT_LT(max_abs_diff(got.ay, want.ay), 1e-12 * scale) << "level " << l;
      EXPECT_LT(max_abs_diff(got.az, want.az), 1e-12 * scale) << "level " << l;
      for (int d = 0; d < 3; ++d) EXPECT_LT(max_abs_diff(bn[d], bc[d]), 1e-12 * scale);
      fine = got;
      for (int d = 0; d < 3; ++d) b[d] = bn[d];
    }
  }
}

TEST(Conduction, StorageAndMaterialStatsMatchSerial) {
  ConductionProblem p = make_problem(graded_faces(NX, 1.0, 1.05), graded_faces(NY, 0.5), graded_faces(NZ, 0.2), 1.0, 2.0);
  const int m2 = add_material(p, {2, 2, 2}, 3.0);
  for (std::size_t c = 0; c < p.grid.materials().size(); c += 3) p.grid.materials()[c] = m2;
  ConductionSolver s(p);
  const auto a = random_values(NX * NY * NZ, 12, 300, 400), b = random_values(NX * NY * NZ, 13, 300, 400);
  const auto fa = field_from(a), fb = field_from(b);
  double storage = 0, mx = -1e300, mn = 1e300, tv = 0, vol = 0;
  const auto& g = p.grid;
  for (int k = 0; k < NZ; ++k)
    for (int j = 0; j < NY; ++j)
      for (int i = 0; i < NX; ++i) {
        const std::size_t c = g.index(i, j, k);
        const double v = g.width(0, i) * g.width(1, j) * g.width(2, k);
        storage += p.rho_cp_J_m3K[g.materials()[c]] * v * (a[c] - b[c]) / 0.5;
        if (g.materials()[c] == m2) {
          mx = std::max(mx, a[c]);
          mn = std::min(mn, a[c]);
          tv += a[c] * v;
          vol += v;
        }
      }
  EXPECT_NEAR(s.storage_rate(0.5, {1, -1, 0}, fa, fb, fb), storage, 1e-9 * std::fabs(storage));
  const auto st = s.material_stats(fa, m2);
  EXPECT_EQ(st.max_K, mx);
  EXPECT_EQ(st.min_K, mn);
  EXPECT_NEAR(st.mean_K, tv / vol, 1e-10);
  EXPECT_EQ(ConductionSolver::cell_value(fa, 4, 5, 6), a[g.index(4, 5, 6)]);
}
