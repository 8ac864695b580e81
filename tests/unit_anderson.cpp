// AndersonMixer (solver/numerics/anderson.hpp) on a linear fixed-point map with slow modes.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/field.hpp"
#include "solver/numerics/anderson.hpp"

using namespace kelvin;

namespace {

/// G(x) = M x + c with M diagonal, eigenvalues 0.5 .. 0.99: plain iteration converges like
/// 0.99 per step to x* = c / (1 - M).
struct LinearMap {
  std::vector<double> m, c;
  LinearMap() {
    for (int i = 0; i < 8; ++i) {
      m.push_back(0.5 + 0.49 * i / 7.0);
      c.push_back(1.0 + i);
    }
  }
  void apply(Field<double>& x) const {
    std::vector<double> v = x.to_host();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = m[i] * v[i] + c[i];
    x.from_host(v);
  }
  double error(const Field<double>& x) const {
    const std::vector<double> v = x.to_host();
    double e = 0;
    for (std::size_t i = 0; i < v.size(); ++i) e = std::max(e, std::fabs(v[i] - c[i] / (1 - m[i])));
    return e;
  }
};

/// Iterations of x <- mix(G(x)) until the error is below 1e-10 (or limit).
int iterations_to_converge(AndersonMixer& mixer, int limit) {
  const LinearMap G;
  Field<double> x(8, 1, 1), g(8, 1, 1);
  for (int it = 1; it <= limit; ++it) {
    std::vector<double> v = x.to_host();
    g.from_host(v);
    G.apply(g);
    mixer.mix({&x}, {&g});
    x.from_host(g.to_host());
    if (G.error(x) < 1e-10) return it;
  }
  return limit + 1;
}

}  // namespace

TEST(Anderson, ConvergesWherePlainIterationCrawls) {
  AndersonMixer plain(0), mixed(4);
  const int n_plain = iterations_to_converge(plain, 5000);
  const int n_mixed = iterations_to_converge(mixed, 5000);
  // plain: 0.99^n < ~1e-12 needs ~2700 iterations
  EXPECT_GT(n_plain, 2000);
  EXPECT_LT(10 * n_mixed, n_plain);  // measured 109 against 2 7xx
  EXPECT_EQ(mixed.rejected(), 0);
}

TEST(Anderson, SafeguardRejectingEveryJumpGivesThePlainIteration) {
  // A safeguard ratio of 1e-9 rejects every extrapolation: the iterates are the plain ones.
  AndersonMixer guarded(4, 1e-9), plain(0);
  const int n_guarded = iterations_to_converge(guarded, 5000);
  EXPECT_EQ(n_guarded, iterations_to_converge(plain, 5000));
  EXPECT_GT(guarded.rejected(), 1000);
  EXPECT_EQ(guarded.history(), 0);
}

TEST(Anderson, ResetForgetsTheHistoryAndKeepsWorking) {
  AndersonMixer mixer(4);
  EXPECT_LT(iterations_to_converge(mixer, 5000), 200);
  EXPECT_GT(mixer.history(), 0);
  mixer.reset();
  EXPECT_EQ(mixer.history(), 0);
  EXPECT_LT(iterations_to_converge(mixer, 5000), 200);
}
