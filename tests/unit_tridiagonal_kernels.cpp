// The line solves (kernels/tridiagonal.hpp): parallel cyclic reduction against a serial Thomas
// solve, and every line of a grid, one colour, or both in zebra order, on the build's backend
// (Thomas on the CPU, parallel cyclic reduction on CUDA).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "kernels/tridiagonal.hpp"

using namespace kelvin;

namespace {

/// Random diagonally dominant rows (|b| > |a| + |c|, as a multigrid line's are), right-hand
/// sides in [-1, 1].
std::vector<TriRow<double>> random_rows(int n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1, 1), v(0.1, 1);
  std::vector<TriRow<double>> rows(n);
  for (auto& r : rows) {
    r.a = -v(gen), r.c = -v(gen);
    r.b = (std::abs(r.a) + std::abs(r.c)) * (1 + v(gen));
    r.d = u(gen);
  }
  return rows;
}

/// Serial Thomas solve (a_0 and c_{n-1} ignored).
std::vector<double> thomas(std::vector<TriRow<double>> r) {
  const int n = static_cast<int>(r.size());
  for (int m = 1; m < n; ++m) {
    const double f = r[m].a / r[m - 1].b;
    r[m].b -= f * r[m - 1].c;
    r[m].d -= f * r[m - 1].d;
  }
  std::vector<double> x(n);
  x[n - 1] = r[n - 1].d / r[n - 1].b;
  for (int m = n - 2; m >= 0; --m) x[m] = (r[m].d - r[m].c * x[m + 1]) / r[m].b;
  return x;
}

/// Largest |row residual| of x over the line, relative to max |d|.
double line_residual(const std::vector<TriRow<double>>& r, const std::vector<double>& x) {
  const int n = static_cast<int>(r.size());
  double worst = 0, scale = 0;
  for (int m = 0; m < n; ++m) {
    const double lo = m > 0 ? r[m].a * x[m - 1] : 0, hi = m + 1 < n ? r[m].c * x[m + 1] : 0;
    worst = std::max(worst, std::abs(lo + r[m].b * x[m] + hi - r[m].d));
    scale = std::max(scale, std::abs(r[m].d));
  }
  return worst / scale;
}

}  // namespace

TEST(Tridiagonal, CyclicReductionMatchesThomasOnAnyLength) {
  for (int n : {1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 127, 128, 129, 300}) {
    auto rows = random_rows(n, 11 + n);
    rows.front().a = 5, rows.back().c = -7;  // past the ends: must be ignored
    const std::vector<double> want = thomas(rows);
    std::vector<TriRow<double>> work = rows, tmp(n);
    std::vector<double> x(n);
    pcr_solve(work.data(), tmp.data(), n, x.data());
    double err = 0, scale = 0;
    for (int m = 0; m < n; ++m) {
      err = std::max(err, std::abs(x[m] - want[m]));
      scale = std::max(scale, std::abs(want[m]));
    }
    EXPECT_LT(err, 1e-13 * scale) << "n = " << n;
    EXPECT_LT(line_residual(rows, x), 1e-14) << "n = " << n;
  }
}

TEST(Tridiagonal, CyclicReductionInSinglePrecisionIsSinglePrecisionAccurate) {
  const int n = 128;
  const auto rows = random_rows(n, 5);
  std::vector<TriRow<float>> work(n), tmp(n);
  for (int m = 0; m < n; ++m)
    work[m] = {float(rows[m].a), float(rows[m].b), float(rows[m].c), float(rows[m].d)};
  std::vector<float> x(n);
  pcr_solve(work.data(), tmp.data(), n, x.data());
  const std::vector<double> xd(x.begin(), x.end());
  EXPECT_LT(line_residual(rows, xd), 1e-5);
  EXPECT_GT(line_residual(rows, xd), 1e-10);  // it really ran in float
}

namespace {

// Odd sizes (rows split unevenly between threads), large enough for the parallel path.
constexpr int NX = 41, NY = 29, NZ = 23;

/// A grid of random diagonally dominant line systems along `axis` whose right-hand sides read
/// the four off-line neighbours' current x (as a zebra sweep's do): d = d0 + side sum x_nb.
struct LineProblem {
  int axis;
  double side;
  int n3[3];
  Field<double> a, b, c, d, x;
  LineProblem(int ax, double sd, unsigned seed, int nx = NX, int ny = NY, int nz = NZ)
      : axis(ax), side(sd), n3{nx, ny, nz}, a(nx, ny, nz), b(nx, ny, nz), c(nx, ny, nz),
        d(nx, ny, nz), x(nx, ny, nz) {
    const std::size_t cells = static_cast<std::size_t>(nx) * ny * nz;
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> u(-1, 1), v(0.1, 1);
    std::vector<double> ha(cells), hb(cells), hc(cells), hd(cells), hx(cells);
    for (std::size_t p = 0; p < cells; ++p) {
      ha[p] = -v(gen), hc[p] = -v(gen);
      hb[p] = (std::abs(ha[p]) + std::abs(hc[p])) * (1 + v(gen));
      hd[p] = u(gen), hx[p] = u(gen);
    }
    a.from_host(ha), b.from_host(hb), c.from_host(hc), d.from_host(hd), x.from_host(hx);
  }
  Box starts() const {
    Box s = make_box(n3[0], n3[1], n3[2]);
    s.hi[axis] = 1;
    return s;
  }
  int n() const { return n3[axis]; }
};

/// The row functor of a LineProblem: off-line neighbours (zero past the grid) on the right.
struct LineRows {
  FieldView<const double> a, b, c, d, x;
  int axis;
  double side;
  int n3[3];
  KELVIN_HD TriRow<double> operator()(int i, int j, int k, long long) const {
    double sum = 0;
    for (int e = 0; e < 3; ++e) {
      if (e == axis) continue;
      const int di = e == 0, dj = e == 1, dk = e == 2;
      if (i + di < n3[0] && j + dj < n3[1] && k + dk < n3[2]) sum += x(i + di, j + dj, k + dk);
      if (i - di >= 0 && j - dj >= 0 && k - dk >= 0) sum += x(i - di, j - dj, k - dk);
    }
    return {a(i, j, k), b(i, j, k), c(i, j, k), d(i, j, k) + side * sum};
  }
};

LineRows rows_of(const LineProblem& P) {
  return {P.a.cview(), P.b.cview(), P.c.cview(), P.d.cview(), P.x.cview(), P.axis, P.side,
          {P.n3[0], P.n3[1], P.n3[2]}};
}

/// One colour's lines (color 0 or 1, or every line with -1), or with zebra both colours
/// starting with `color`.
void solve_lines(LineProblem& P, int color, bool zebra = false) {
  LineFactors<double> f(P.n3[0], P.n3[1], P.n3[2]);
  const LineRows row = rows_of(P);
  tridiagonal_factorise(P.starts(), P.axis, P.n(), row, f);
  if (zebra) tridiagonal_zebra(P.starts(), P.axis, P.n(), color, row, P.x.view(), f);
  else tridiagonal_lines(P.starts(), P.axis, P.n(), color, row, P.x.view(), f);
}

}  // namespace
TEST(TridiagonalLines, SolveEveryLineOfTheColourAndNoOther) {
  // The last grid's lines along z go in blocks of adjacent rows (kRowBlockBytes).
  const int grids[4][4] = {{0, NX, NY, NZ}, {1, NX, NY, NZ}, {2, NX, NY, NZ}, {2, 40, 211, 7}};
  for (const auto& g : grids)
    for (int color = -1; color <= 1; ++color) {
      // Every line at once: the rows may not read other lines' x, which change meanwhile.
      const int axis = g[0];
      LineProblem P(axis, color < 0 ? 0.0 : 0.1, 3 + axis, g[1], g[2], g[3]);
      const auto before = P.x.to_host();
      solve_lines(P, color);
      const auto after = P.x.to_host(), ha = P.a.to_host(), hb = P.b.to_host(), hc = P.c.to_host(),
                 hd = P.d.to_host();
      const int* n = P.n3;
      const long long st[3] = {1, n[0], static_cast<long long>(n[0]) * n[1]};
      const int p1 = axis == 0 ? 1 : 0, p2 = axis == 2 ? 1 : 2;
      for (int k = 0; k < n[2]; ++k)
        for (int j = 0; j < n[1]; ++j)
          for (int i = 0; i < n[0]; ++i) {
            const int cc[3] = {i, j, k};
            const long long p = i + st[1] * j + st[2] * k;
            if (color >= 0 && ((cc[p1] + cc[p2]) & 1) != color) {
              ASSERT_EQ(after[p], before[p]) << "a line of the other colour changed";
              continue;
            }
            // Row residual with the off-line neighbours as they were (the other colour's).
            double side = 0;
            for (int e = 0; e < 3; ++e) {
              if (e == axis) continue;
              if (cc[e] + 1 < n[e]) side += before[p + st[e]];
              if (cc[e] > 0) side += before[p - st[e]];
            }
            const int m = cc[axis];
            const double lo = m > 0 ? ha[p] * after[p - st[axis]] : 0;
            const double hi = m + 1 < n[axis] ? hc[p] * after[p + st[axis]] : 0;
            ASSERT_NEAR(lo + hb[p] * after[p] + hi, hd[p] + P.side * side, 1e-12)
                << "axis " << axis << " colour " << color << " cell " << i << " " << j << " " << k;
          }
    }
}

TEST(TridiagonalZebra, EqualsTheTwoColoursInTurnOnAnyThreadCount) {
#if defined(_OPENMP) && !defined(KELVIN_USE_CUDA)
  const int threads_before = omp_get_max_threads();
#endif
  // The last grid: 211 rows of lines along z, 320 bytes each, go in blocks of 51 adjacent rows
  // (kRowBlockBytes), whole and partial ones in each thread's share.
  const int grids[4][4] = {{0, NX, NY, NZ}, {1, NX, NY, NZ}, {2, NX, NY, NZ}, {2, 40, 211, 7}};
  for (int threads : {1, 2, 3, 5})
    for (const auto& g : grids)
      for (int first = 0; first < 2; ++first) {
#if defined(_OPENMP) && !defined(KELVIN_USE_CUDA)
        omp_set_num_threads(threads);
#endif
        const int axis = g[0];
        LineProblem fused(axis, 0.1, 9, g[1], g[2], g[3]), turn(axis, 0.1, 9, g[1], g[2], g[3]);
        solve_lines(fused, first, true);
        solve_lines(turn, first);
        solve_lines(turn, 1 - first);
        const auto a = fused.x.to_host(), b = turn.x.to_host();
        for (std::size_t c = 0; c < a.size(); ++c)
          ASSERT_EQ(a[c], b[c]) << "threads " << threads << " axis " << axis << " first " << first
                                << " cell " << c;
      }
#if defined(_OPENMP) && !defined(KELVIN_USE_CUDA)
  omp_set_num_threads(threads_before);
#endif
}
