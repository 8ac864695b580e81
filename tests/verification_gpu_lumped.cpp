// Lumped check of the GPU coupling: a die on a copper block under a convective boundary, a GPU
// drawing a constant power (no leakage, nothing throttles). With conductivities so high that
// the Biot number is ~5e-4, the junction follows the first-order response
//   T(t) = T_inf + P / (h A) (1 - exp(-t / tau)),  tau = C / (h A),  C = sum rho c V.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "case_runner.hpp"

namespace fs = std::filesystem;

namespace {

constexpr double kH = 5000, kArea = 1e-4, kPower = 15, kTinf = 303.15;
// C = rho c V of the die (10 x 10 x 0.5 mm silicon) plus the block (10 x 10 x 10 mm copper).
constexpr double kC = 2329.0 * 712 * 5e-8 + 8933.0 * 385 * 1e-6;

std::string lumped_case() { return std::string(KELVIN_SOURCE_DIR) + "/tests/data/lumped_gpu.yaml"; }

}  // namespace

TEST(GpuLumped, JunctionFollowsTheFirstOrderResponse) {
  const fs::path out = kelvin_test::run_case_file(lumped_case(), "gpu-lumped");
  std::ifstream in(out / "timeseries.csv");
  std::string line;
  std::getline(in, line);
  std::map<double, double> tj;  // interval start -> junction temperature there
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string t, j, h, clock, p;
    std::getline(ls, t, ',');
    std::getline(ls, j, ',');
    std::getline(ls, h, ',');
    std::getline(ls, clock, ',');
    std::getline(ls, p, ',');
    EXPECT_NEAR(std::stod(p), kPower, 1e-12) << "constant power expected at t = " << t;
    tj[std::round(std::stod(t) * 10) / 10] = std::stod(j);
  }
  ASSERT_GE(tj.size(), 120u);
  // theta(2 s) - theta(0), etc.: for a first-order system (theta(2t) - theta(t)) /
  // (theta(t) - theta(0)) = exp(-t / tau), independent of the final rise.
  const double tau_exact = kC / (kH * kArea);
  for (double t : {2.0, 4.0, 5.0}) {
    const double r = (tj.at(2 * t) - tj.at(t)) / (tj.at(t) - tj.at(0.0));
    const double tau = -t / std::log(r);
    EXPECT_NEAR(tau, tau_exact, 0.01 * tau_exact) << "from samples at " << t << " s";
  }
  // And the response itself against the closed form, within 1 % of the final rise.
  const double rise = kPower / (kH * kArea);
  for (const auto& [t, T] : tj)
    EXPECT_NEAR(T, kTinf + rise * (1 - std::exp(-t / tau_exact)), 0.01 * rise) << "t = " << t;
  const auto s = kelvin_test::read_json(out / "summary.json");
  EXPECT_LT(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-8);
  EXPECT_NEAR(s["gpus"][0]["energy_J"].get<double>(), kPower * 12, 1e-9 * kPower * 12);
}
