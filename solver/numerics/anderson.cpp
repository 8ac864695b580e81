// Anderson acceleration on device fields. See anderson.hpp for the method.
#include "solver/numerics/anderson.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "solver/numerics/operator.hpp"

namespace kelvin {

AndersonMixer::State AndersonMixer::make_state(const std::vector<Field<double>*>& like) const {
  State s;
  s.reserve(like.size());
  for (const auto* f : like) s.emplace_back(f->nx(), f->ny(), f->nz());
  return s;
}

AndersonMixer::State AndersonMixer::take_column(const std::vector<Field<double>*>& like) {
  if (m_spare.empty()) return make_state(like);
  State s = std::move(m_spare.back());
  m_spare.pop_back();
  return s;
}

void AndersonMixer::drop_oldest() {
  m_spare.push_back(std::move(m_dF.front()));
  m_spare.push_back(std::move(m_dG.front()));
  m_dF.pop_front();
  m_dG.pop_front();
  m_gram.pop_front();
  for (auto& row : m_gram) row.erase(row.begin());
}

void AndersonMixer::reset() {
  m_have_prev = false;
  while (!m_dF.empty()) drop_oldest();
  m_w2.clear();
}

bool AndersonMixer::solve_gamma(std::vector<double>& gamma) const {
  // Cholesky of the Gram matrix G = L L^T, then L y = rhs, L^T gamma = y.
  const std::size_t m = m_gram.size();
  std::vector<double> L(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      double s = m_gram[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= L[i * m + k] * L[j * m + k];
      if (i == j) {
        if (!(s > 1e-12 * m_gram[i][i])) return false;
        L[i * m + i] = std::sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  std::vector<double> y(m);
  for (std::size_t i = 0; i < m; ++i) {
    double s = m_rhs[i];
    for (std::size_t k = 0; k < i; ++k) s -= L[i * m + k] * y[k];
    y[i] = s / L[i * m + i];
  }
  gamma.assign(m, 0.0);
  for (std::size_t i = m; i-- > 0;) {
    double s = y[i];
    for (std::size_t k = i + 1; k < m; ++k) s -= L[k * m + i] * gamma[k];
    gamma[i] = s / L[i * m + i];
  }
  return true;
}

namespace {

/// One pass over a field of the state: f = g - x; with a history also the new columns
/// dF = f - f_prev, dG = g - g_prev; then f_prev = f and g_prev = g (f and g_prev updated in
/// place: they hold the previous step's values on entry).
void differences(const Field<double>& x, const Field<double>& g, Field<double>& f,
                 Field<double>& g_prev, Field<double>* dF, Field<double>* dG) {
  const auto xv = x.cview(), gv = g.cview();
  const auto fv = f.view(), gp = g_prev.view();
  if (!dF) {
    parallel_for(g.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const double gc = gv(i, j, k);
      fv(i, j, k) = gc - xv(i, j, k);
      gp(i, j, k) = gc;
    });
    return;
  }
  const auto df = dF->view(), dg = dG->view();
  parallel_for(g.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    const double gc = gv(i, j, k), fc = gc - xv(i, j, k);
    df(i, j, k) = fc - fv(i, j, k);
    dg(i, j, k) = gc - gp(i, j, k);
    fv(i, j, k) = fc;
    gp(i, j, k) = gc;
  });
}

}  // namespace

void AndersonMixer::inner_products(std::vector<double>& row) {
  // <dF_new, dF_i>_W and <dF_i, f>_W for every column i (W: the weight per field). One dot()
  // per product, not all 2 m in one reduce_sums pass: the Gram system is near-singular, and
  // that pass's different summation order alone (relative differences of 1e-12 in products
  // that cancel) turned the hgx-h100-training-45C-ci start-up flow of gpu7 from converging
  // into a stall at 3 000 iterations.
  const std::size_t m = m_dF.size();
  row.assign(m, 0.0);
  m_rhs.assign(m, 0.0);
  const State& latest = m_dF.back();
  for (std::size_t c = 0; c < m_f.size(); ++c)
    for (std::size_t i = 0; i < m; ++i) {
      row[i] += m_w2[c] * dot(latest[c].cview(), m_dF[i][c].cview());
      m_rhs[i] += m_w2[c] * dot(m_dF[i][c].cview(), m_f[c].cview());
    }
}

void AndersonMixer::mix(const std::vector<const Field<double>*>& x,
                        const std::vector<Field<double>*>& g) {
  if (m_depth <= 0) return;
  if (!m_have_prev) {
    if (m_f.empty()) {
      m_f = make_state(g);
      m_g_prev = make_state(g);
    }
    m_w2.assign(g.size(), 1.0);
    for (std::size_t c = 0; c < g.size(); ++c) {
      const double n = norm2(*g[c]) / std::sqrt(static_cast<double>(g[c]->cell_count()));
      m_w2[c] = n > 0 ? 1.0 / (n * n) : 1.0;
    }
  }
  if (!m_have_prev) {
    for (std::size_t c = 0; c < g.size(); ++c)
      differences(*x[c], *g[c], m_f[c], m_g_prev[c], nullptr, nullptr);
    m_have_prev = true;
    return;
  }
  // new columns dF = f - f_prev, dG = g - g_prev (recycling the oldest column's storage)
  if (static_cast<int>(m_dF.size()) == m_depth) drop_oldest();
  State dF = take_column(g), dG = take_column(g);
  for (std::size_t c = 0; c < g.size(); ++c)
    differences(*x[c], *g[c], m_f[c], m_g_prev[c], &dF[c], &dG[c]);
  m_dF.push_back(std::move(dF));
  m_dG.push_back(std::move(dG));
  std::vector<double> row;
  inner_products(row);
  m_gram.push_back(std::move(row));
  std::vector<double> gamma;
  while (!solve_gamma(gamma)) {  // singular: forget the oldest column
    drop_oldest();
    m_rhs.erase(m_rhs.begin());
    if (m_dF.empty()) return;
  }
  // g -= sum_i gamma_i dG_i, kMaxSums columns per pass
  for (std::size_t c = 0; c < g.size(); ++c)
    for (std::size_t i = 0; i < gamma.size();) {
      AxpyTerms t;
      for (; i < gamma.size() && t.count < kMaxSums; ++i)
        t.x[t.count] = m_dG[i][c].cview(), t.alpha[t.count++] = -gamma[i];
      axpy_sum(t, *g[c]);
    }
  if (m_max_jump > 0 && reject_jump(g))
    while (!m_dF.empty()) drop_oldest();  // restart the history from the plain update
}

bool AndersonMixer::reject_jump(const std::vector<Field<double>*>& g) {
  // per field: max |g_mixed - G(x_k)| against max |f_k| (G(x_k) is still in m_g_prev)
  bool reject = false;
  for (std::size_t c = 0; c < g.size() && !reject; ++c) {
    reject = !(max_abs_difference(*g[c], m_g_prev[c]) <= m_max_jump * max_abs(m_f[c]));
  }
  if (!reject) return false;
  for (std::size_t c = 0; c < g.size(); ++c) copy(m_g_prev[c], *g[c]);
  ++m_rejected;
  return true;
}

}  // namespace kelvin
