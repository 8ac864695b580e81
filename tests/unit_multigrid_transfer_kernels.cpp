// The multigrid's transfers (solver/numerics/multigrid_transfer.hpp): restriction and
// prolongation on grids of odd and even extents, every combination of coarsened axes, against
// sums taken cell by cell here, bit for bit; and the block loops against the general one.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "solver/numerics/multigrid_transfer.hpp"

using namespace kelvin;

namespace {

/// The transfer of an unbatched grid of n cells with aggregates of f cells along each axis
/// (the coarse grid has ceil(n / f) cells), as MultigridLevels::transfer makes it.
Transfer unbatched(const int n[3], const int f[3], int c[3]) {
  Transfer t{};
  for (int d = 0; d < 3; ++d) {
    c[d] = (n[d] + f[d] - 1) / f[d];
    t.f[d] = f[d], t.fs[d] = n[d], t.cs[d] = c[d], t.shift[d] = f[d] == 2 ? 1 : 0;
    t.batched[d] = false;
  }
  return t;
}

std::vector<float> random_values(long long count, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (auto& x : v) x = u(gen);
  return v;
}

/// A grid and the aggregate sizes of one transfer from it (code: which axes are coarsened).
struct TransferCase {
  int n[3], f[3], c[3], code;
  Transfer t;
};

/// 7 x 5 x 6, 8 x 6 x 4 and 9 x 1 x 3 grids, each with all eight combinations of coarsened axes.
std::vector<TransferCase> transfer_cases() {
  const int grids[3][3] = {{7, 5, 6}, {8, 6, 4}, {9, 1, 3}};
  std::vector<TransferCase> cases;
  for (const auto& n : grids)
    for (int code = 0; code < 8; ++code) {
      TransferCase tc{{n[0], n[1], n[2]}, {code & 1 ? 2 : 1, code & 2 ? 2 : 1, code & 4 ? 2 : 1},
                      {}, code, {}};
      tc.t = unbatched(tc.n, tc.f, tc.c);
      cases.push_back(tc);
    }
  return cases;
}

}  // namespace

TEST(MultigridTransfer, RestrictionSumsEachAggregateBitForBit) {
  for (const TransferCase& tc : transfer_cases()) {
    const int *n = tc.n, *f = tc.f, *c = tc.c, code = tc.code;
    const Transfer& t = tc.t;
    Field<float> r(n[0], n[1], n[2]), bc(c[0], c[1], c[2]), xc(c[0], c[1], c[2]);
    const std::vector<float> hr = random_values(r.cell_count(), 7u + code);
    r.from_host(hr);
    xc.from_host(std::vector<float>(static_cast<std::size_t>(xc.cell_count()), 5.0f));
    restrict_residual(r, t, bc, xc);
    const std::vector<float> got = bc.to_host(), zero = xc.to_host();
    const auto at = [&](int i, int j, int k) {
      return hr[i + static_cast<std::size_t>(n[0]) * (j + static_cast<std::size_t>(n[1]) * k)];
    };
    std::size_t m = 0;
    for (int K = 0; K < c[2]; ++K)
      for (int J = 0; J < c[1]; ++J)
        for (int I = 0; I < c[0]; ++I, ++m) {
          double s = 0;  // k, j, i order, as the multigrid sums
          for (int k = f[2] * K; k < std::min(f[2] * K + f[2], n[2]); ++k)
            for (int j = f[1] * J; j < std::min(f[1] * J + f[1], n[1]); ++j)
              for (int i = f[0] * I; i < std::min(f[0] * I + f[0], n[0]); ++i)
                s += at(i, j, k);
          ASSERT_EQ(got[m], float(s)) << "grid " << n[0] << "x" << n[1] << "x" << n[2]
                                      << ", f " << f[0] << f[1] << f[2] << ", cell " << I
                                      << " " << J << " " << K;
          ASSERT_EQ(zero[m], 0.0f);
        }
  }
}

TEST(MultigridTransfer, ProlongationAddsEachCellsAggregate) {
  for (const TransferCase& tc : transfer_cases()) {
    const int *n = tc.n, *f = tc.f, *c = tc.c, code = tc.code;
    const Transfer& t = tc.t;
    Field<float> x(n[0], n[1], n[2]), xc(c[0], c[1], c[2]);
    const std::vector<float> hx = random_values(x.cell_count(), 3u + code);
    const std::vector<float> hc = random_values(xc.cell_count(), 11u + code);
    x.from_host(hx);
    xc.from_host(hc);
    prolong_correction(xc, t, x);
    const std::vector<float> got = x.to_host();
    std::size_t m = 0;
    for (int k = 0; k < n[2]; ++k)
      for (int j = 0; j < n[1]; ++j)
        for (int i = 0; i < n[0]; ++i, ++m) {
          const std::size_t a =
              i / f[0] + c[0] * (j / f[1] + static_cast<std::size_t>(c[1]) * (k / f[2]));
          ASSERT_EQ(got[m], hx[m] + hc[a])
              << "f " << f[0] << f[1] << f[2] << ", cell " << i << " " << j << " " << k;
        }
  }
}

namespace {

/// Restriction and prolongation through t (the loops restrict_residual and prolong_correction
/// pick for it) against the general loop's (TransferRange) on random fields of an n-cell grid
/// and its c-cell coarse grid: the same fields, bit for bit.
void expect_general_loop_fields(const int n[3], const int c[3], const Transfer& t,
                                unsigned seed) {
  Field<float> r(n[0], n[1], n[2]), b1(c[0], c[1], c[2]), b2(c[0], c[1], c[2]);
  Field<float> x1(c[0], c[1], c[2]), x2(c[0], c[1], c[2]);
  r.from_host(random_values(r.cell_count(), seed));
  restrict_residual(r, t, b1, x1);
  restrict_over(r, TransferRange{t}, b2, x2);
  EXPECT_EQ(b1.to_host(), b2.to_host());
  Field<float> y1(n[0], n[1], n[2]), y2(n[0], n[1], n[2]);
  const std::vector<float> hy = random_values(y1.cell_count(), seed + 1);
  y1.from_host(hy);
  y2.from_host(hy);
  prolong_correction(b1, t, y1);
  prolong_over(b1, TransferRange{t}, y2);
  EXPECT_EQ(y1.to_host(), y2.to_host());
}

}  // namespace

TEST(MultigridTransfer, BlockLoopsMatchTheGeneralLoopOfABatch) {
  // An unbatched grid of odd extents takes the block loops (the last block reading the zero
  // ghost layer); a batch of one slab per axis, 9 cells per slab in pairs, is not aligned and
  // takes the general loops. Both give the general loop's fields.
  const int n[3] = {9, 6, 7}, f[3] = {2, 1, 2};
  int c[3];
  const Transfer fast = unbatched(n, f, c);
  Transfer general = fast;
  for (bool& b : general.batched) b = true;
  ASSERT_TRUE(block_aligned(fast));
  ASSERT_FALSE(block_aligned(general));
  expect_general_loop_fields(n, c, fast, 21u);
  expect_general_loop_fields(n, c, general, 23u);
}

TEST(MultigridTransfer, BatchesOfEvenSlabsTakeTheBlockLoopsWithTheSameSums) {
  // Slabs the blocks align with: 3 slabs of 4 cells along x in pairs, 2 slabs of 3 cells
  // along z kept, y (5 cells, unbatched) in pairs: the block loops, with the general loop's
  // fields bit for bit.
  const int n[3] = {12, 5, 6}, c[3] = {6, 3, 6};
  Transfer t{};
  const int f[3] = {2, 2, 1}, fs[3] = {4, 5, 3}, cs[3] = {2, 3, 3};
  for (int d = 0; d < 3; ++d) {
    t.f[d] = f[d], t.fs[d] = fs[d], t.cs[d] = cs[d], t.shift[d] = f[d] == 2 ? 1 : 0;
    t.batched[d] = d != 1;
  }
  ASSERT_TRUE(block_aligned(t));
  expect_general_loop_fields(n, c, t, 31u);
  t.fs[0] = 3;  // odd slabs in pairs: an aggregate of one cell at each slab's end
  EXPECT_FALSE(block_aligned(t));
}
