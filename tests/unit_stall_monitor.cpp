// StallMonitor (solver/numerics/stall_monitor.hpp): what a stalled outer iteration asks for.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "solver/numerics/stall_monitor.hpp"

using namespace kelvin;

namespace {

using Action = StallMonitor::Action;

struct Event {
  int it;
  Action action;
};

/// Feeds residual(it) for it = 1..n to a monitor (window 200, progress 0.9), stopping the
/// mixing and counting lowered relaxations as a caller does; returns the actions taken.
template <class F>
std::vector<Event> run(int n, bool mixing, int lowerings_allowed, F residual) {
  StallMonitor m(200, 0.9);
  std::vector<Event> events;
  int lowered = 0;
  for (int it = 1; it <= n; ++it) {
    const Action a = m.observe(it, residual(it), mixing, lowered < lowerings_allowed);
    if (a == Action::StopMixing) mixing = false;
    if (a == Action::LowerRelaxation) ++lowered;
    if (a != Action::None) events.push_back({it, a});
  }
  return events;
}

}  // namespace

TEST(StallMonitor, ConvergingIterationIsLeftAlone) {
  // 0.9994 per iteration is 0.887 per window: progress (0.9995, 0.905 per window, is not)
  EXPECT_TRUE(run(3000, true, 5, [](int it) { return std::pow(0.9994, it); }).empty());
  EXPECT_FALSE(run(3000, true, 5, [](int it) { return std::pow(0.9995, it); }).empty());
}

TEST(StallMonitor, StagnatingMixingStopsFirstThenRelaxationIsLowered) {
  // a plateau: the first window has nothing to compare with; the second stalls and stops the
  // mixing; the window after an action starts afresh, so the next stall is two windows later
  const auto e = run(1400, true, 2, [](int it) { return 1e-2 * (1 + 0.1 * std::sin(it)); });
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].it, 400);
  EXPECT_EQ(e[0].action, Action::StopMixing);
  EXPECT_EQ(e[1].it, 800);
  EXPECT_EQ(e[1].action, Action::LowerRelaxation);
  EXPECT_EQ(e[2].it, 1200);
  EXPECT_EQ(e[2].action, Action::LowerRelaxation);  // then no lowering left: nothing at 1400+
}

TEST(StallMonitor, WithoutMixingAStallLowersTheRelaxation) {
  const auto e = run(600, false, 5, [](int) { return 0.1; });
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].it, 400);
  EXPECT_EQ(e[0].action, Action::LowerRelaxation);
}

TEST(StallMonitor, ProgressIsTheBestOfEachWindow) {
  // 5 % better per window is a stall (above 0.9); 20 % is progress, even with a spike in
  // every window
  auto per_window = [](double f) {
    return [f](int it) { return std::pow(f, (it - 1) / 200) * (it % 50 == 0 ? 10.0 : 1.0); };
  };
  EXPECT_EQ(run(400, true, 5, per_window(0.95)).size(), 1u);
  EXPECT_TRUE(run(2000, true, 5, per_window(0.8)).empty());
}
