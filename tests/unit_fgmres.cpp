// Flexible GMRES over blocks of fields (solver/numerics/fgmres.hpp): a nonsymmetric block
// system of two fields of different sizes, solved to tolerance with multigrid and with a
// preconditioner that changes between iterations; the reported residual is the true one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "solver/numerics/fgmres.hpp"
#include "solver/numerics/multigrid.hpp"
#include "solver/numerics/operator.hpp"

using namespace kelvin;

namespace {

/// Upwind convection-diffusion on an n0 x n1 x n2 grid: unit diffusive couplings, a flow of
/// strength c along +x (the downstream row takes 1 + c from upstream), Dirichlet walls of
/// conductance 2 on every domain face.
Stencil7 convection_diffusion(int n0, int n1, int n2, double c) {
  Stencil7 A(n0, n1, n2);
  const std::size_t n = static_cast<std::size_t>(n0) * n1 * n2;
  std::vector<double> one(n, 1.0), ap(n), bx(n, 0.0), by(n, 0.0), bz(n, 0.0);
  std::vector<double> ax(n), ay(n), az(n), up(n), lo(n);
  const int N[3] = {n0, n1, n2};
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j)
      for (int i = 0; i < n0; ++i) {
        const std::size_t p =
            i + static_cast<std::size_t>(n0) * (j + static_cast<std::size_t>(n1) * k);
        const int cc[3] = {i, j, k};
        double diag = 0;
        std::vector<double>* b[3] = {&bx, &by, &bz};
        for (int d = 0; d < 3; ++d) {
          const bool lo_in = cc[d] > 0, hi_in = cc[d] + 1 < N[d];
          diag += (lo_in ? 1.0 : 2.0) + (hi_in ? 1.0 : 2.0);
          (*b[d])[p] = (lo_in ? 0.0 : 2.0) + (hi_in ? 0.0 : 2.0);
        }
        diag += i > 0 ? c : 0.0;  // inflow from upstream
        ap[p] = diag;
        ax[p] = i + 1 < n0 ? 1.0 : 0.0;
        ay[p] = j + 1 < n1 ? 1.0 : 0.0;
        az[p] = k + 1 < n2 ? 1.0 : 0.0;
        up[p] = ax[p];
        lo[p] = i + 1 < n0 ? 1.0 + c : 0.0;
      }
  A.ap.from_host(ap);
  A.ax.from_host(ax), A.ay.from_host(ay), A.az.from_host(az);
  A.bx.from_host(bx), A.by.from_host(by), A.bz.from_host(bz);
  A.enable_advection();
  A.up[0].from_host(up);
  A.lo[0].from_host(lo);
  return A;
}

/// Two fields of different sizes, each with its own operator: A = diag(A1, A2).
struct System {
  Stencil7 A1 = convection_diffusion(12, 10, 8, 4.0);
  Stencil7 A2 = convection_diffusion(7, 9, 5, 0.5);
  Multigrid mg1{A1}, mg2{A2};
  FieldBlock block(double fill_value = 0) const {
    FieldBlock b;
    b.emplace_back(12, 10, 8);
    b.emplace_back(7, 9, 5);
    for (auto& f : b) fill(f, fill_value);
    return b;
  }
  void apply_to(const FieldBlock& x, FieldBlock& y) const {
    apply(A1, x[0], y[0]);
    apply(A2, x[1], y[1]);
  }
  /// z = M^-1 v by a V-cycle per field.
  void multigrid(const FieldBlock& v, FieldBlock& z) {
    mg1.precondition(v[0], z[0]);
    mg2.precondition(v[1], z[1]);
  }
  BlockOperator op() const {
    return [this](const FieldBlock& z, FieldBlock& out) { apply_to(z, out); };
  }
};

/// Random values in [-1, 1] shaped like s.block().
FieldBlock random_block(const System& s, unsigned seed) {
  FieldBlock x = s.block();
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> U(-1.0, 1.0);
  for (auto& f : x) {
    std::vector<double> v(static_cast<std::size_t>(f.nx()) * f.ny() * f.nz());
    for (double& e : v) e = U(gen);
    f.from_host(v);
  }
  return x;
}

/// b = A want for a random want.
FieldBlock rhs_of(const System& s, const FieldBlock& want) {
  FieldBlock b = s.block();
  s.apply_to(want, b);
  return b;
}

/// ||b - A x||_W / ||b||_W recomputed.
double true_residual(const System& s, const FieldBlock& b, const FieldBlock& x,
                     const std::vector<double>& w) {
  FieldBlock Ax = s.block();
  s.apply_to(x, Ax);
  double rr = 0, bb = 0;
  for (int f = 0; f < 2; ++f) {
    axpy(-1.0, b[f], Ax[f]);
    const double n = norm2(Ax[f]), nb = norm2(b[f]);
    rr += w[f] * n * n;
    bb += w[f] * nb * nb;
  }
  return std::sqrt(rr / bb);
}

}  // namespace

TEST(Fgmres, SolvesANonsymmetricBlockSystemOfTwoSizesToTolerance) {
  System s;
  const FieldBlock want = random_block(s, 7), b = rhs_of(s, want);
  FieldBlock x = s.block();
  const std::vector<double> w = {1.0, 100.0};
  FgmresWorkspace ws;
  const FgmresResult r = fgmres_solve(
      s.op(), [&](const FieldBlock& v, FieldBlock& z) { s.multigrid(v, z); }, b, x, w, 1e-10,
      60, ws);
  std::printf("  %d iterations to %.2e\n", r.iterations, r.relative_residual);
  EXPECT_LE(r.relative_residual, 1e-10);
  EXPECT_LT(r.iterations, 20);  // multigrid makes it a few iterations (measured 5)
  EXPECT_NEAR(true_residual(s, b, x, w), r.relative_residual, 1e-12);
  for (int f = 0; f < 2; ++f) EXPECT_LT(max_abs_difference(x[f], want[f]), 1e-8) << f;
}

TEST(Fgmres, ConvergesWithAPreconditionerThatChangesEveryIteration) {
  // Alternating multigrid and plain scaling is no fixed linear operator: GMRES proper would
  // need it fixed, the flexible variant keeps the directions it produced.
  System s;
  const FieldBlock b = rhs_of(s, random_block(s, 11));
  FieldBlock x = s.block();
  int calls = 0;
  FgmresWorkspace ws;
  const FgmresResult r = fgmres_solve(
      s.op(),
      [&](const FieldBlock& v, FieldBlock& z) {
        if (++calls % 2) {
          s.multigrid(v, z);
        } else {
          for (int f = 0; f < 2; ++f) {
            fill(z[f], 0.0);
            axpy(0.1, v[f], z[f]);
          }
        }
      },
      b, x, {1.0, 1.0}, 1e-9, 80, ws);
  EXPECT_LE(r.relative_residual, 1e-9);
  EXPECT_NEAR(true_residual(s, b, x, {1.0, 1.0}), r.relative_residual, 1e-10);
}

TEST(Fgmres, StoppedEarlyReturnsTheMinimalResidualIterate) {
  // Three unpreconditioned iterations: not converged, but x is the minimiser over the Krylov
  // space, so its true residual is the reported one and below the start's (1).
  System s;
  FieldBlock b = random_block(s, 5), x = s.block();
  FgmresWorkspace ws;
  const FgmresResult r = fgmres_solve(
      s.op(),
      [&](const FieldBlock& v, FieldBlock& z) {
        for (int f = 0; f < 2; ++f) copy(v[f], z[f]);
      },
      b, x, {1.0, 1.0}, 1e-12, 3, ws);
  EXPECT_EQ(r.iterations, 3);
  EXPECT_LT(r.relative_residual, 1.0);
  EXPECT_GT(r.relative_residual, 1e-6);
  EXPECT_NEAR(true_residual(s, b, x, {1.0, 1.0}), r.relative_residual, 1e-12);
}
