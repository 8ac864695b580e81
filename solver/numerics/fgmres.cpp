// Flexible GMRES over blocks of fields. See fgmres.hpp.
#include "solver/numerics/fgmres.hpp"

#include <cmath>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "solver/numerics/operator.hpp"

namespace kelvin {

namespace {

double block_dot(const FieldBlock& a, const FieldBlock& b, const std::vector<double>& weight) {
  double s = 0;
  for (std::size_t f = 0; f < a.size(); ++f) s += weight[f] * dot(a[f].cview(), b[f].cview());
  return s;
}

void block_axpy(double alpha, const FieldBlock& x, FieldBlock& y) {
  for (std::size_t f = 0; f < x.size(); ++f) axpy(alpha, x[f], y[f]);
}

void block_scale(FieldBlock& x, double s) {
  for (auto& f : x) {
    const auto v = f.view();
    parallel_for(f.cells(), KELVIN_LAMBDA(int i, int j, int k) { v(i, j, k) *= s; });
  }
}

/// Applies the rotations of columns 0..j-1 to column j of H, then makes and applies column
/// j's own, carrying the residual vector g along.
void givens_column(std::vector<std::vector<double>>& H, std::vector<double>& cs,
                   std::vector<double>& sn, std::vector<double>& g, int j) {
  for (int i = 0; i < j; ++i) {
    const double t = cs[i] * H[i][j] + sn[i] * H[i + 1][j];
    H[i + 1][j] = -sn[i] * H[i][j] + cs[i] * H[i + 1][j];
    H[i][j] = t;
  }
  const double r = std::hypot(H[j][j], H[j + 1][j]);
  cs[j] = r > 0 ? H[j][j] / r : 1.0;
  sn[j] = r > 0 ? H[j + 1][j] / r : 0.0;
  H[j][j] = r;
  H[j + 1][j] = 0;
  g[j + 1] = -sn[j] * g[j];
  g[j] = cs[j] * g[j];
}

}  // namespace

FieldBlock make_block_like(const FieldBlock& like) {
  FieldBlock b;
  for (const auto& f : like) b.emplace_back(f.nx(), f.ny(), f.nz());
  return b;
}

FgmresResult fgmres_solve(const BlockOperator& A, const BlockOperator& M, const FieldBlock& b,
                          FieldBlock& x, const std::vector<double>& weight, double tol,
                          int max_iterations, FgmresWorkspace& ws) {
  const int m = max_iterations;
  // basis storage grows with the iterations a solve takes, not with max_iterations
  auto ensure = [&](std::vector<FieldBlock>& blocks, int count) {
    while (static_cast<int>(blocks.size()) < count) blocks.push_back(make_block_like(b));
  };
  ensure(ws.V, 1);
  for (std::size_t f = 0; f < b.size(); ++f) {
    copy(b[f], ws.V[0][f]);
    fill(x[f], 0.0);
  }
  FgmresResult res;
  const double beta = std::sqrt(block_dot(b, b, weight));
  if (!(beta > 0)) return res;
  block_scale(ws.V[0], 1 / beta);
  std::vector<std::vector<double>> H(m + 1, std::vector<double>(m, 0.0));
  std::vector<double> cs(m), sn(m), g(m + 1, 0.0);
  g[0] = beta;
  int j = 0;
  while (j < m) {
    ensure(ws.V, j + 2);
    ensure(ws.Z, j + 1);
    M(ws.V[j], ws.Z[j]);
    A(ws.Z[j], ws.V[j + 1]);
    for (int i = 0; i <= j; ++i) {  // modified Gram-Schmidt
      H[i][j] = block_dot(ws.V[j + 1], ws.V[i], weight);
      block_axpy(-H[i][j], ws.V[i], ws.V[j + 1]);
    }
    const double h = std::sqrt(block_dot(ws.V[j + 1], ws.V[j + 1], weight));
    H[j + 1][j] = h;
    if (h > 0) block_scale(ws.V[j + 1], 1 / h);
    givens_column(H, cs, sn, g, j);
    ++j;
    if (std::fabs(g[j]) <= tol * beta || h == 0) break;  // converged, or the exact solution
  }
  // back substitution H y = g over the j columns, then x = Z y
  std::vector<double> y(j);
  for (int i = j - 1; i >= 0; --i) {
    double s = g[i];
    for (int k = i + 1; k < j; ++k) s -= H[i][k] * y[k];
    y[i] = s / H[i][i];
  }
  for (int i = 0; i < j; ++i) block_axpy(y[i], ws.Z[i], x);
  res.iterations = j;
  res.relative_residual = std::fabs(g[j]) / beta;
  return res;
}

}  // namespace kelvin
