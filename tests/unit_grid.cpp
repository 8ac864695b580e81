// Grid construction: snapping, refinement, painting order, statistics.
#include <gtest/gtest.h>

#include <cmath>

#include "meshes/grid.hpp"

using namespace kelvin;

TEST(AxisLines, SnapsToEveryBreakpointAndRespectsMaxCell) {
  const auto l = axis_lines(0.0, 10e-3, {2.5e-3, 2.525e-3}, 1e-3, {});
  EXPECT_DOUBLE_EQ(l.front(), 0.0);
  EXPECT_DOUBLE_EQ(l.back(), 10e-3);
  bool has_a = false, has_b = false;
  for (std::size_t i = 0; i < l.size(); ++i) {
    has_a |= std::fabs(l[i] - 2.5e-3) < 1e-15;
    has_b |= std::fabs(l[i] - 2.525e-3) < 1e-15;
    if (i) {
      EXPECT_LE(l[i] - l[i - 1], 1e-3 * (1 + 1e-12));
    }
  }
  EXPECT_TRUE(has_a && has_b);
  // 0..2.5 mm: 3 cells, the 25 um layer: 1 cell, 2.525..10 mm: 8 cells
  EXPECT_EQ(l.size(), 13u);
}

TEST(AxisLines, RefinementAppliesInsideItsInterval) {
  const auto l = axis_lines(0.0, 4.0, {1.0, 2.0}, 1.0, {{{1.0, 2.0, 0.1}}});
  int inside = 0;
  for (std::size_t i = 1; i < l.size(); ++i)
    if (l[i - 1] >= 1.0 - 1e-12 && l[i] <= 2.0 + 1e-12) ++inside;
  EXPECT_EQ(inside, 10);
  EXPECT_EQ(l.size(), 1u + 1 + 10 + 2);
}

TEST(AxisLines, MergesNearlyCoincidentBreakpoints) {
  const auto l = axis_lines(0.0, 1.0, {0.5, 0.5 + 1e-13, 0.5 - 1e-13}, 1.0, {});
  EXPECT_EQ(l.size(), 3u);
}

TEST(BuildGrid, LaterBoxesOverrideEarlierOnes) {
  std::vector<PaintBox> boxes = {
      {{0, 0, 0}, {1, 1, 1}, 0, {0, 0, 0}},
      {{0.25, 0.25, 0.5}, {0.75, 0.75, 1}, 1, {0, 0, 0.1}},
  };
  const Grid g = build_grid({0, 0, 0}, {1, 1, 1}, {0.25, 0.25, 0.25}, boxes, -1);
  EXPECT_EQ(g.n(0), 4);
  EXPECT_EQ(g.n(2), 2 + 5);
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i) {
        const bool in = g.center(0, i) > 0.25 && g.center(0, i) < 0.75 && g.center(1, j) > 0.25 &&
                        g.center(1, j) < 0.75 && g.center(2, k) > 0.5;
        EXPECT_EQ(g.material(i, j, k), in ? 1 : 0);
      }
}

TEST(BuildGrid, UncoveredCellsGetBackground) {
  const Grid g = build_grid({0, 0, 0}, {2, 1, 1}, {1, 1, 1}, {{{0, 0, 0}, {1, 1, 1}, 3, {0, 0, 0}}}, -1);
  EXPECT_EQ(g.material(0, 0, 0), 3);
  EXPECT_EQ(g.material(1, 0, 0), -1);
}

TEST(GridStats, WorstAspectRatioAndCounts) {
  const Grid g({0, 1e-3, 2e-3}, {0, 1e-3}, {0, 25e-6, 1e-3});
  const auto s = g.stats();
  EXPECT_EQ(s.cells, 4);
  EXPECT_NEAR(s.worst_aspect_ratio, 1e-3 / 25e-6, 1e-9);
  EXPECT_EQ(g.locate(0, 1.5e-3), 1);
  EXPECT_EQ(g.locate(0, -1.0), 0);
  EXPECT_EQ(g.locate(0, 5.0), 1);
}

TEST(AxisLines, RefusesAbsurdCellCountsBeforeAllocating) {
  EXPECT_THROW(axis_lines(0.0, 0.01, {}, 1e-9, {}), std::invalid_argument);
  EXPECT_THROW(axis_lines(0.0, 1.0, {}, 1.0, {{{0.0, 1.0, 1e-12}}}), std::invalid_argument);
}
