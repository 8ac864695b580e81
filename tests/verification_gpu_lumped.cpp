// Lumped check of the GPU coupling: a die on a copper block under a convective boundary, a GPU
// drawing a constant power (no leakage, nothing throttles). With conductivities so high that
// the Biot number is ~5e-4, the junction follows the first-order response
//   T(t) = T_inf + P / (h A) (1 - exp(-t / tau)),  tau = C / (h A),  C = sum rho c V.
#include <gtest/gtest.h>

#include <sys/wait.h>

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
    ::testing::Test::RecordProperty("tau_relative_error_" + std::to_string(static_cast<int>(t)) + "s",
                                    std::to_string((tau - tau_exact) / tau_exact));
  }
  // And the response itself against the closed form, within 1 % of the final rise.
  const double rise = kPower / (kH * kArea);
  for (const auto& [t, T] : tj)
    EXPECT_NEAR(T, kTinf + rise * (1 - std::exp(-t / tau_exact)), 0.01 * rise) << "t = " << t;
  const auto s = kelvin_test::read_json(out / "summary.json");
  EXPECT_LT(s["transient"]["max_step_energy_relative_error"].get<double>(), 1e-8);
  EXPECT_NEAR(s["gpus"][0]["energy_J"].get<double>(), kPower * 12, 1e-9 * kPower * 12);
}

namespace {

/// The lumped case made steady, with leakage L at 65 degC growing 0.0229 per K.
fs::path steady_lumped(const std::string& tag, double leakage_W) {
  std::string text = kelvin_test::read_text(lumped_case());
  text.replace(text.find("leakage_power: 0 W"), 18,
               "leakage_power: " + std::to_string(leakage_W) + " W");
  text.erase(text.find("transient:"));
  const fs::path dir = fs::temp_directory_path() / ("kelvin-gpu-steady-" + tag);
  fs::create_directories(dir);
  std::ofstream(dir / "case.yaml") << text;
  return dir / "case.yaml";
}

}  // namespace

// Steady operating point through the 3-D solver: T = T_inf + P(T) R with
// P = 15 W + L exp(beta (T - 338.15 K)) at max clock and R = 1 / (h A) plus conduction from the
// die's bottom cell centre to the cooled face (10.25 mm at k = 1e5 W/m/K: 0.5 % of R), against
// a bisection done here; with a leakage that outgrows the cooling there is no fixed point and
// kelvin reports runaway (exit 3).
TEST(GpuLumped, SteadyLeakageFixedPointAndRunaway) {
  const double L = 5, beta = 0.0229, R = 1 / (kH * kArea) + 10.25e-3 / (1e5 * kArea);
  const auto residual = [&](double T) {
    return kTinf + (kPower + L * std::exp(beta * (T - 338.15))) * R - T;
  };
  double lo = kTinf, hi = kTinf + 200;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (residual(mid) > 0 ? lo : hi) = mid;
  }
  const fs::path out = kelvin_test::run_case_file(steady_lumped("fixed", L).string(), "gpu-steady");
  const auto s = kelvin_test::read_json(out / "summary.json");
  const auto& g = s["gpus"][0];
  EXPECT_TRUE(g["converged"].get<bool>());
  EXPECT_FALSE(g["runaway"].get<bool>());
  EXPECT_NEAR(g["junction_temperature_K"].get<double>(), lo, 1e-3);
  EXPECT_NEAR(g["power_W"].get<double>(), kPower + L * std::exp(beta * (lo - 338.15)), 1e-3);

  int rc = 0;
  const fs::path bad = kelvin_test::run_case_file(steady_lumped("runaway", 20).string(),
                                                  "gpu-steady-runaway", "", &rc);
  EXPECT_EQ(WEXITSTATUS(rc), 3);
  const auto r = kelvin_test::read_json(bad / "summary.json");
  EXPECT_TRUE(r["gpus"][0]["runaway"].get<bool>());
  EXPECT_FALSE(r["gpus"][0]["converged"].get<bool>());
}
