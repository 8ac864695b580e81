// GPUs with identical inputs share one thermal solve (coupling/gpu_fleet): while their powers
// are equal a follower is its leader's twin; the interval they differ it takes a copy of the
// leader's state and goes on alone. Both must give what separate solves give.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "solver/base/progress_sink.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/coupling/gpu_fleet.hpp"

namespace {

/// tests/data/lumped_gpu.yaml (a die on a copper block) with `count` identical GPUs.
kelvin::Case lumped_board(int count) {
  kelvin::Case c = kelvin::load_case(std::string(KELVIN_SOURCE_DIR) + "/tests/data/lumped_gpu.yaml");
  auto& gpus = c.gpus->instances;
  gpus.resize(1);
  for (int i = 1; i < count; ++i) {
    gpus.push_back(gpus.front());
    gpus.back().name = "gpu" + std::to_string(i);
  }
  return c;
}

/// Drives GPU i of fleet through `intervals` control intervals of power(k).
template <class Power>
void drive(kelvin::GpuFleet& fleet, int intervals, double dt, Power power) {
  for (int k = 0; k < intervals; ++k) {
    for (int i = 0; i < fleet.size(); ++i) fleet.set_power(i, power(i, k), 0.0);
    for (int i = 0; i < fleet.size(); ++i) fleet.advance(i, (k + 1) * dt, nullptr);
  }
}

}  // namespace

TEST(GpuSharing, TwinsShareOneSolveAndSplitExactlyWhenTheirPowersDiffer) {
  kelvin::NullProgress quiet;
  const kelvin::Case board = lumped_board(3), single = lumped_board(1);
  const double dt = board.gpus->control_interval_s;
  // gpu0 and gpu1 stay twins; gpu2 follows them for 10 intervals, then draws less.
  const auto power = [](int i, int k) { return i == 2 && k >= 10 ? 9.0 : 15.0 + 0.5 * k; };

  kelvin::GpuFleet shared(board, quiet);
  EXPECT_EQ(shared.thermal_solves(), 1);  // one feed, one start: one solve
  long long iterations = 0;
  for (int k = 0; k < 20; ++k) {
    for (int i = 0; i < 3; ++i) shared.set_power(i, power(i, k), 0.0);
    for (int i = 0; i < 3; ++i) shared.advance(i, (k + 1) * dt, &iterations);
    EXPECT_EQ(shared.thermal_solves(), k < 10 ? 1 : 2) << "interval " << k;
  }
  // The same histories, each on a fleet of its own.
  kelvin::GpuFleet alone0(single, quiet), alone2(single, quiet);
  drive(alone0, 20, dt, [&](int, int k) { return power(0, k); });
  drive(alone2, 20, dt, [&](int, int k) { return power(2, k); });

  const double want0 = alone0.junction_K(0), want2 = alone2.junction_K(0);
  EXPECT_EQ(shared.junction_K(0), want0);
  EXPECT_EQ(shared.junction_K(1), want0);
  // The split copies the state bitwise; only the source's incremental update (one jump instead
  // of ten steps) may differ in the last bits.
  EXPECT_NEAR(shared.junction_K(2), want2, 1e-12 * want2);
  EXPECT_GT(want0 - want2, 1.0);  // the split mattered
  const auto a = shared.temperature(2).to_host(), b = alone2.temperature(0).to_host();
  double worst = 0;
  for (std::size_t n = 0; n < a.size(); ++n) worst = std::max(worst, std::fabs(a[n] - b[n]) / b[n]);
  EXPECT_LT(worst, 1e-12);
  RecordProperty("split_gpu_worst_relative_difference", std::to_string(worst));
}
