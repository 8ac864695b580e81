// GPUs with identical inputs share one thermal solve (coupling/gpu_fleet): while their powers
// are equal a follower is its leader's twin; the interval they differ it takes a copy of the
// leader's state and goes on alone. Both must give what separate solves give.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
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

  kelvin::GpuFleet shared(board, quiet, false);  // separate operators: bitwise comparable
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

namespace {

/// Junction temperatures of every GPU of the HGX -ci board after `intervals` intervals in which
/// each GPU draws its own power (so every twin leaves its leader at the first interval).
std::vector<double> board_junctions(kelvin::GpuFleet& fleet, int intervals, double dt) {
  drive(fleet, intervals, dt, [](int i, int k) { return 300.0 + 25.0 * i + 10.0 * (k % 4); });
  std::vector<double> tj;
  for (int i = 0; i < fleet.size(); ++i) tj.push_back(fleet.junction_K(i));
  return tj;
}

}  // namespace

// The HGX board's plates (two coolant feeds, eight GPUs, each its own power) stacked into one
// batched operator give what eight separate operators give, to the linear solver's tolerance;
// a batch restored from a checkpoint goes on as the one saved (to round-off).
TEST(GpuSharing, BatchedPlatesMatchSeparateSolvesAndResume) {
  kelvin::NullProgress quiet;
  const kelvin::Case board =
      kelvin::load_case(std::string(KELVIN_SOURCE_DIR) + "/cases/hgx-h100-training-45C-ci/case.yaml");
  const double dt = board.gpus->control_interval_s;
  kelvin::GpuFleet batched(board, quiet, true), separate(board, quiet, false);
  EXPECT_EQ(batched.thermal_solves(), 2);  // gpu0-6 share a feed, gpu7 is 5 K hotter
  EXPECT_EQ(batched.batches(), 1);
  ASSERT_GE(batched.batch_axis(), 0);
  EXPECT_EQ(separate.batches(), 2);
  const auto a = board_junctions(batched, 6, dt), b = board_junctions(separate, 6, dt);
  EXPECT_EQ(batched.thermal_solves(), 8);  // every twin has left its leader
  EXPECT_EQ(batched.batches(), 1);
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", worst);
  RecordProperty("worst_junction_difference_K", text);
  EXPECT_LT(worst, 1e-5);
  EXPECT_GT(a[7] - a[0], 1.0);  // the powers and feeds really differ

  // Save every GPU's state, restore it into a fresh fleet, and go on in both.
  kelvin::GpuFleet resumed(board, quiet, true);
  for (int i = 0; i < batched.size(); ++i) resumed.restore_state(i, batched.save_state(i));
  EXPECT_EQ(resumed.thermal_solves(), 8);
  EXPECT_EQ(resumed.time(3), batched.time(3));
  for (int k = 6; k < 9; ++k) {
    for (int i = 0; i < 8; ++i) {
      batched.set_power(i, 350.0 + 5.0 * i, 0.0);
      resumed.set_power(i, 350.0 + 5.0 * i, 0.0);
    }
    for (int i = 0; i < 8; ++i) {
      batched.advance(i, (k + 1) * dt);
      resumed.advance(i, (k + 1) * dt);
    }
  }
  // The restored batch rebuilds its right-hand side at once where the saved one added power
  // changes interval by interval: the last bits may differ.
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(resumed.junction_K(i), batched.junction_K(i), 1e-9) << i;
}
