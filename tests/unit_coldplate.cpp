// Cold plate generator: channel arithmetic, mesh resolution, fluid volume, ports, connectivity
// and validation, checked on grids built from the layout.
#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "meshes/coldplate.hpp"
#include "meshes/grid.hpp"

using namespace kelvin;

namespace {

constexpr int kMetal = 0, kCoolant = 1;
const std::function<bool(int)> is_coolant = [](int m) { return m == kCoolant; };

/// The h100-package case's footprint: the plate sits on TIM2, whose top is at 4.375 mm.
ColdPlateSpec h100_spec() {
  ColdPlateSpec s;
  s.footprint_min_m = {0, 0};
  s.footprint_max_m = {55e-3, 55e-3};
  s.base_z_m = 4.375e-3;
  s.base_thickness_m = 3e-3;
  return s;
}

ColdPlateSpec pins_spec() {
  ColdPlateSpec s = h100_spec();
  s.fins = ColdPlateSpec::Fins::Pins;
  return s;
}

struct Built {
  ColdPlateLayout layout;
  Grid grid;
};

Built build(const ColdPlateSpec& spec) {
  Built b{make_cold_plate(spec), {}};
  const auto& plate = b.layout.boxes.front();
  b.grid = build_grid(plate.min_m, plate.max_m, {1e-3, 1e-3, 1e-3},
                      cold_plate_paint_boxes(b.layout, kMetal, kCoolant), -1);
  return b;
}

double coolant_volume(const Grid& g) {
  long double v = 0;  // ~5e5 terms: extended precision keeps the sum far below 1e-12 relative
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i)
        if (g.material(i, j, k) == kCoolant)
          v += static_cast<long double>(g.width(0, i)) * g.width(1, j) * g.width(2, k);
  return static_cast<double>(v);
}

/// Straight fins, from the spec alone: channels = floor((W - t) / p), W = footprint - 2 walls.
double straight_fluid_volume(const ColdPlateSpec& s, int ports) {
  const double width = s.fin_region_width_m > 0
                           ? s.fin_region_width_m
                           : s.footprint_max_m[1] - s.footprint_min_m[1] - 2 * s.wall_thickness_m;
  const int n = static_cast<int>(std::floor((width - s.fin_thickness_m) / s.fin_pitch_m));
  const double cavity_w = n * s.fin_pitch_m + s.fin_thickness_m;
  const double port_w = s.port_width_m > 0 ? s.port_width_m : cavity_w;
  return n * (s.fin_pitch_m - s.fin_thickness_m) * s.fin_length_m * s.fin_height_m +
         2 * s.plenum_length_m * cavity_w * s.fin_height_m +
         ports * s.port_length_m * port_w * s.cover_thickness_m;
}

double pins_fluid_volume(const ColdPlateSpec& s, int ports) {
  const double width = s.footprint_max_m[1] - s.footprint_min_m[1] - 2 * s.wall_thickness_m;
  const int rows = static_cast<int>(std::floor((width - s.pin_size_m) / s.pin_pitch_y_m)) + 1;
  const int cols =
      static_cast<int>(std::floor((s.fin_length_m - s.pin_size_m) / s.pin_pitch_x_m)) + 1;
  const double cavity_w = (rows - 1) * s.pin_pitch_y_m + s.pin_size_m;
  const double cavity_l = (cols - 1) * s.pin_pitch_x_m + s.pin_size_m + 2 * s.plenum_length_m;
  return (cavity_l * cavity_w - rows * cols * s.pin_size_m * s.pin_size_m) * s.fin_height_m +
         ports * s.port_length_m * cavity_w * s.cover_thickness_m;
}

/// Cell (i, j) of the top layer under the centre of a port.
std::array<int, 3> top_cell_under(const Grid& g, const ColdPlatePort& p) {
  return {g.locate(0, 0.5 * (p.min_m[0] + p.max_m[0])),
          g.locate(1, 0.5 * (p.min_m[1] + p.max_m[1])), g.n(2) - 1};
}

/// Coolant cells reached from `seed` through coolant faces (6-connectivity).
std::vector<char> flood_coolant(const Grid& g, std::array<int, 3> seed) {
  std::vector<char> seen(static_cast<std::size_t>(g.cell_count()), 0);
  if (g.material(seed[0], seed[1], seed[2]) != kCoolant) return seen;
  std::deque<std::array<int, 3>> todo{seed};
  seen[g.index(seed[0], seed[1], seed[2])] = 1;
  const int step[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  while (!todo.empty()) {
    const auto c = todo.front();
    todo.pop_front();
    for (const auto& s : step) {
      const int i = c[0] + s[0], j = c[1] + s[1], k = c[2] + s[2];
      if (i < 0 || j < 0 || k < 0 || i >= g.n(0) || j >= g.n(1) || k >= g.n(2)) continue;
      const auto idx = g.index(i, j, k);
      if (seen[idx] || g.materials()[idx] != kCoolant) continue;
      seen[idx] = 1;
      todo.push_back({i, j, k});
    }
  }
  return seen;
}

long long count(const std::vector<char>& v) {
  long long n = 0;
  for (char c : v) n += c;
  return n;
}

const ColdPlatePort& inlet_of(const ColdPlateLayout& l) {
  for (const auto& p : l.ports)
    if (p.inlet) return p;
  throw std::logic_error("layout has no inlet");
}

}  // namespace

TEST(ColdPlate, ChannelCountAndWidthFollowFromFootprintPitchAndThickness) {
  const auto l = make_cold_plate(h100_spec());
  // 55 mm - 2 x 2 mm walls = 51 mm; floor((51 - 0.2) / 0.5) = 101 gaps of 0.5 - 0.2 = 0.3 mm.
  EXPECT_EQ(l.channels, 101);
  EXPECT_NEAR(l.channel_width_m, 0.3e-3, 1e-15);
  ASSERT_EQ(l.channel_y_m.size(), 101u);
  ASSERT_EQ(l.fin_y_m.size(), 102u);
  const double cavity_w = 101 * 0.5e-3 + 0.2e-3;
  // Centred on the footprint; the outermost fins are the cavity's edges.
  EXPECT_NEAR(l.fin_y_m.front()[0], 27.5e-3 - 0.5 * cavity_w, 1e-15);
  EXPECT_NEAR(l.fin_y_m.back()[1], 27.5e-3 + 0.5 * cavity_w, 1e-15);
  for (std::size_t j = 0; j < l.channel_y_m.size(); ++j) {
    EXPECT_NEAR(l.channel_y_m[j][1] - l.channel_y_m[j][0], 0.3e-3, 1e-15);
    EXPECT_NEAR(l.channel_y_m[j][0], l.fin_y_m[j][1], 1e-15);      // fin below the channel
    EXPECT_NEAR(l.channel_y_m[j][1], l.fin_y_m[j + 1][0], 1e-15);  // fin above it
  }
  EXPECT_NEAR(l.fin_x_m[0], 7.5e-3, 1e-15);
  EXPECT_NEAR(l.fin_x_m[1], 47.5e-3, 1e-15);
  EXPECT_NEAR(l.top_z_m, 4.375e-3 + 3e-3 + 3e-3 + 2e-3, 1e-15);
}

TEST(ColdPlate, ExplicitRegionWidthRoundsDownAndCentresTheArray) {
  auto s = h100_spec();
  s.fin_region_width_m = 10.37e-3;  // floor(10.17 / 0.5) = 20 channels, 10.2 mm of fins
  s.center_m = {27.5e-3, 30e-3};
  const auto l = make_cold_plate(s);
  EXPECT_EQ(l.channels, 20);
  EXPECT_NEAR(l.fin_y_m.front()[0], 30e-3 - 5.1e-3, 1e-15);
  EXPECT_NEAR(l.fin_y_m.back()[1], 30e-3 + 5.1e-3, 1e-15);
}

TEST(ColdPlate, ExactFitLeavesExactlyTheWallsAndDoesNotThrow) {
  auto s = h100_spec();
  s.footprint_max_m[1] = 9.2e-3;  // 2 + (10 x 0.5 + 0.2) + 2 mm: ten channels, walls exact
  const auto l = make_cold_plate(s);
  EXPECT_EQ(l.channels, 10);
  EXPECT_NEAR(l.fin_y_m.front()[0], 2e-3, 1e-12);
  EXPECT_NEAR(l.fin_y_m.back()[1], 7.2e-3, 1e-12);
}

TEST(ColdPlate, BoxesComeInPaintOrderWithCellRequests) {
  const auto s = h100_spec();
  const auto l = make_cold_plate(s);
  // plate, 2 plenums, 101 channels, 102 fins, inlet + outlet ports
  ASSERT_EQ(l.boxes.size(), 1u + 2 + 101 + 102 + 2);
  const auto& plate = l.boxes.front();
  EXPECT_EQ(plate.role, ColdPlateRole::Metal);
  EXPECT_EQ(plate.min_m, (std::array<double, 3>{0, 0, 4.375e-3}));
  EXPECT_EQ(plate.max_m[0], 55e-3);
  EXPECT_EQ(plate.max_m[2], l.top_z_m);
  const auto& channel = l.boxes[3];
  EXPECT_EQ(channel.name, "channel_0");
  EXPECT_EQ(channel.role, ColdPlateRole::Coolant);
  EXPECT_NEAR(channel.cell_size_m[0], 0.5e-3, 1e-18);
  EXPECT_NEAR(channel.cell_size_m[1], 0.1e-3, 1e-18);
  EXPECT_NEAR(channel.cell_size_m[2], 3e-3 / 8, 1e-18);
  const auto& fin = l.boxes[3 + 101];
  EXPECT_EQ(fin.name, "fin_0");
  EXPECT_EQ(fin.role, ColdPlateRole::Metal);
  EXPECT_NEAR(fin.cell_size_m[1], 0.2e-3, 1e-18);
  EXPECT_EQ(l.boxes.back().role, ColdPlateRole::Coolant);  // ports cut through the cover last
  const auto paint = cold_plate_paint_boxes(l, 7, 9);
  EXPECT_EQ(paint.front().material, 7);
  EXPECT_EQ(paint[3].material, 9);
}

TEST(ColdPlate, EveryChannelAndFinGetsTheRequestedCells) {
  for (const auto& [across_channel, across_fin] : {std::pair{3, 1}, std::pair{5, 2}}) {
    SCOPED_TRACE(std::to_string(across_channel) + " / " + std::to_string(across_fin));
    auto s = h100_spec();
    s.cells_across_channel = across_channel;
    s.cells_across_fin = across_fin;
    const auto b = build(s);
    const auto r = report_cold_plate(b.layout, b.grid, is_coolant);
    EXPECT_EQ(r.channels, 101);
    EXPECT_NEAR(r.channel_width_m, 0.3e-3, 1e-15);
    EXPECT_GE(r.min_cells_across_channel, across_channel);
    EXPECT_GE(r.min_cells_across_fin, across_fin);
    EXPECT_EQ(r.fluid_cells + r.solid_cells, b.grid.cell_count());
    for (const auto m : b.grid.materials()) ASSERT_NE(m, -1) << "a cell no box covers";
    const auto line = format_report(r);
    EXPECT_NE(line.find("101 channels of 0.30 mm"), std::string::npos) << line;
  }
}

TEST(ColdPlate, EveryGapBetweenPinsGetsTheRequestedCellsAlongXAndY) {
  auto s = pins_spec();
  s.cells_across_channel = 4;  // 0.5 mm gaps in a 1 mm grid: only refinement gives 4
  s.cells_across_fin = 2;      // 0.5 mm pins: only refinement gives 2
  const auto b = build(s);
  const auto r = report_cold_plate(b.layout, b.grid, is_coolant);
  EXPECT_EQ(r.channels, 50);
  EXPECT_GE(r.min_cells_across_channel, 4);
  EXPECT_GE(r.min_cells_across_fin, 2);
  // The report's x gaps, counted here directly on one line of cells through every pin column.
  const auto& g = b.grid;
  const int j = g.locate(1, 0.5 * (b.layout.fin_y_m[10][0] + b.layout.fin_y_m[10][1]));
  const int k = g.locate(2, 0.5 * (b.layout.fin_z_m[0] + b.layout.fin_z_m[1]));
  for (std::size_t c = 0; c + 1 < b.layout.pin_x_m.size(); ++c) {
    int cells = 0;
    for (int i = 0; i < g.n(0); ++i)
      cells += g.center(0, i) > b.layout.pin_x_m[c][1] &&
               g.center(0, i) < b.layout.pin_x_m[c + 1][0] && g.material(i, j, k) == kCoolant;
    EXPECT_GE(cells, 4) << "gap after pin column " << c;
  }
}

TEST(ColdPlate, ReportSeesAnUnderResolvedChannel) {
  // The same boxes without their cell requests: 0.3 mm channels in a 1 mm grid get 1 cell.
  const auto l = make_cold_plate(h100_spec());
  auto paint = cold_plate_paint_boxes(l, kMetal, kCoolant);
  for (auto& p : paint) p.cell_size_m = {0, 0, 0};
  const auto& plate = l.boxes.front();
  const Grid g = build_grid(plate.min_m, plate.max_m, {1e-3, 1e-3, 1e-3}, paint, -1);
  const auto r = report_cold_plate(l, g, is_coolant);
  EXPECT_EQ(r.min_cells_across_channel, 1);
  // Every channel painted metal: no coolant across it.
  Grid solid = g;
  for (auto& m : solid.materials()) m = kMetal;
  EXPECT_EQ(report_cold_plate(l, solid, is_coolant).min_cells_across_channel, 0);
}

TEST(ColdPlate, FluidVolumeIsCavityPlusPorts) {
  auto s = h100_spec();
  EXPECT_NEAR(coolant_volume(build(s).grid) / straight_fluid_volume(s, 2), 1.0, 1e-12);
  s.flow = ColdPlateSpec::Flow::CenterInlet;
  s.port_width_m = 20e-3;
  EXPECT_NEAR(coolant_volume(build(s).grid) / straight_fluid_volume(s, 3), 1.0, 1e-12);
  auto p = pins_spec();
  EXPECT_NEAR(coolant_volume(build(p).grid) / pins_fluid_volume(p, 2), 1.0, 1e-12);
}

TEST(ColdPlate, EndToEndPortsLieOnTheTopFaceOverThePlenums) {
  const auto s = h100_spec();
  const auto b = build(s);
  const auto& l = b.layout;
  ASSERT_EQ(l.ports.size(), 2u);
  const auto& in = l.ports[0];
  const auto& out = l.ports[1];
  EXPECT_TRUE(in.inlet);
  EXPECT_FALSE(out.inlet);
  const double tol = 1e-15;
  // Upstream plenum [fin start - 5 mm, fin start], downstream [fin end, fin end + 5 mm].
  EXPECT_GE(in.min_m[0], l.fin_x_m[0] - s.plenum_length_m - tol);
  EXPECT_LE(in.max_m[0], l.fin_x_m[0] + tol);
  EXPECT_GE(out.min_m[0], l.fin_x_m[1] - tol);
  EXPECT_LE(out.max_m[0], l.fin_x_m[1] + s.plenum_length_m + tol);
  for (const auto& p : l.ports) {
    EXPECT_NEAR(p.max_m[0] - p.min_m[0], s.port_length_m, tol);
    EXPECT_GE(p.min_m[1], l.fin_y_m.front()[0] - tol);
    EXPECT_LE(p.max_m[1], l.fin_y_m.back()[1] + tol);
  }
  // On the grid: the top layer is coolant exactly inside the ports, the cover metal elsewhere.
  const Grid& g = b.grid;
  const int k = g.n(2) - 1;
  EXPECT_NEAR(g.faces(2).back(), l.top_z_m, 1e-15);
  for (int j = 0; j < g.n(1); ++j)
    for (int i = 0; i < g.n(0); ++i) {
      bool in_port = false;
      for (const auto& p : l.ports)
        in_port |= g.center(0, i) > p.min_m[0] && g.center(0, i) < p.max_m[0] &&
                   g.center(1, j) > p.min_m[1] && g.center(1, j) < p.max_m[1];
      ASSERT_EQ(g.material(i, j, k), in_port ? kCoolant : kMetal) << i << " " << j;
    }
}

TEST(ColdPlate, CenterInletSlotSitsOverTheFinsAndOutletsOverBothPlenums) {
  auto s = h100_spec();
  s.flow = ColdPlateSpec::Flow::CenterInlet;
  const auto b = build(s);
  const auto& l = b.layout;
  ASSERT_EQ(l.ports.size(), 3u);
  const auto& in = inlet_of(l);
  EXPECT_NEAR(0.5 * (in.min_m[0] + in.max_m[0]), 0.5 * (l.fin_x_m[0] + l.fin_x_m[1]), 1e-15);
  int outlets_xmin = 0, outlets_xmax = 0;
  for (const auto& p : l.ports) {
    if (p.inlet) continue;
    outlets_xmin += p.max_m[0] <= l.fin_x_m[0] + 1e-15 &&
                    p.min_m[0] >= l.fin_x_m[0] - s.plenum_length_m - 1e-15;
    outlets_xmax += p.min_m[0] >= l.fin_x_m[1] - 1e-15 &&
                    p.max_m[0] <= l.fin_x_m[1] + s.plenum_length_m + 1e-15;
  }
  EXPECT_EQ(outlets_xmin, 1);
  EXPECT_EQ(outlets_xmax, 1);
  // The fins stay under the cover: below the slot, fins are metal, channels coolant.
  const Grid& g = b.grid;
  const int i = g.locate(0, 0.5 * (in.min_m[0] + in.max_m[0]));
  const int k_fin = g.locate(2, l.fin_z_m[1]) - 1;
  const int k_slot = g.locate(2, l.fin_z_m[1]);
  const auto& fin = l.fin_y_m[50];
  const auto& channel = l.channel_y_m[50];
  EXPECT_EQ(g.material(i, g.locate(1, 0.5 * (fin[0] + fin[1])), k_fin), kMetal);
  EXPECT_EQ(g.material(i, g.locate(1, 0.5 * (channel[0] + channel[1])), k_fin), kCoolant);
  EXPECT_EQ(g.material(i, g.locate(1, 0.5 * (fin[0] + fin[1])), k_slot), kCoolant);
}

struct FlowCase {
  const char* name;
  ColdPlateSpec spec;
};

void PrintTo(const FlowCase& c, std::ostream* os) { *os << c.name; }

class ColdPlateConnectivity : public ::testing::TestWithParam<FlowCase> {};

TEST_P(ColdPlateConnectivity, InletReachesEveryCoolantCellAndEveryOutlet) {
  const auto b = build(GetParam().spec);
  const auto& g = b.grid;
  const auto reached = flood_coolant(g, top_cell_under(g, inlet_of(b.layout)));
  const auto r = report_cold_plate(b.layout, g, is_coolant);
  EXPECT_GT(r.fluid_cells, 0);
  EXPECT_EQ(count(reached), r.fluid_cells);
  for (const auto& p : b.layout.ports) {
    const auto c = top_cell_under(g, p);
    EXPECT_TRUE(reached[g.index(c[0], c[1], c[2])]) << p.name;
  }
  EXPECT_GE(r.min_cells_across_channel, GetParam().spec.cells_across_channel);
  EXPECT_GE(r.min_cells_across_fin, GetParam().spec.cells_across_fin);
}

ColdPlateSpec with_flow(ColdPlateSpec s, ColdPlateSpec::Flow f) {
  s.flow = f;
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, ColdPlateConnectivity,
    ::testing::Values(
        FlowCase{"StraightEndToEnd", h100_spec()},
        FlowCase{"StraightCenterInlet", with_flow(h100_spec(), ColdPlateSpec::Flow::CenterInlet)},
        FlowCase{"PinsEndToEnd", pins_spec()},
        FlowCase{"PinsCenterInlet", with_flow(pins_spec(), ColdPlateSpec::Flow::CenterInlet)}),
    [](const ::testing::TestParamInfo<FlowCase>& info) { return std::string(info.param.name); });

TEST(ColdPlate, FloodFillSeesACutOffOutlet) {
  // Without the downstream plenum the outlet port opens onto metal: a separate pocket.
  const auto b0 = make_cold_plate(h100_spec());
  auto paint = cold_plate_paint_boxes(b0, kMetal, kCoolant);
  ASSERT_EQ(b0.boxes[2].name, "plenum_xmax");
  paint.erase(paint.begin() + 2);
  const auto& plate = b0.boxes.front();
  const Grid g = build_grid(plate.min_m, plate.max_m, {1e-3, 1e-3, 1e-3}, paint, -1);
  const auto reached = flood_coolant(g, top_cell_under(g, inlet_of(b0)));
  EXPECT_LT(count(reached), report_cold_plate(b0, g, is_coolant).fluid_cells);
}

TEST(ColdPlate, PinArrayIsTheLargestThatFitsAndCentred) {
  auto s = pins_spec();
  s.fin_length_m = 40.3e-3;  // floor((40.3 - 0.5) / 1) + 1 = 40 columns spanning 39.5 mm
  const auto l = make_cold_plate(s);
  EXPECT_EQ(l.channels, 50);  // floor((51 - 0.5) / 1) gaps between 51 pin rows
  EXPECT_NEAR(l.channel_width_m, 0.5e-3, 1e-15);
  ASSERT_EQ(l.pin_x_m.size(), 40u);
  ASSERT_EQ(l.fin_y_m.size(), 51u);
  EXPECT_NEAR(l.fin_x_m[0], 27.5e-3 - 19.75e-3, 1e-15);
  EXPECT_NEAR(l.fin_x_m[1], 27.5e-3 + 19.75e-3, 1e-15);
  int pins = 0;
  for (const auto& b : l.boxes)
    pins += b.name.rfind("pin_", 0) == 0 && b.role == ColdPlateRole::Metal;
  EXPECT_EQ(pins, 40 * 51);
}

TEST(ColdPlate, ValidationNamesTheParameter) {
  using Edit = std::function<void(ColdPlateSpec&)>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::string, Edit>> cases = {
      {"footprint_max", [](ColdPlateSpec& s) { s.footprint_max_m[0] = 0; }},
      {"base_thickness", [](ColdPlateSpec& s) { s.base_thickness_m = 0; }},
      {"fin_thickness", [](ColdPlateSpec& s) { s.fin_thickness_m = -0.1e-3; }},
      {"fin_pitch", [](ColdPlateSpec& s) { s.fin_pitch_m = 0.2e-3; }},
      {"fin_pitch", [](ColdPlateSpec& s) { s.fin_pitch_m = 1e-9, s.fin_thickness_m = 0.5e-9; }},
      {"fin_height", [](ColdPlateSpec& s) { s.fin_height_m = 0; }},
      {"fin_length", [nan](ColdPlateSpec& s) { s.fin_length_m = nan; }},
      {"fin_length", [](ColdPlateSpec& s) { s.fin_length_m = 42e-3; }},  // 42 + 10 + 4 > 55
      {"fin_region_width", [](ColdPlateSpec& s) { s.fin_region_width_m = -1e-3; }},
      {"fin_region_width", [](ColdPlateSpec& s) { s.fin_region_width_m = 0.6e-3; }},  // < t + p
      {"fin_region_width", [](ColdPlateSpec& s) { s.fin_region_width_m = 52e-3; }},
      {"wall_thickness", [](ColdPlateSpec& s) { s.wall_thickness_m = 0; }},
      {"wall_thickness", [](ColdPlateSpec& s) { s.wall_thickness_m = 28e-3; }},
      {"center", [](ColdPlateSpec& s) { s.center_m[0] = 25e-3; }},
      {"center", [](ColdPlateSpec& s) { s.fin_region_width_m = 40e-3, s.center_m[1] = 20e-3; }},
      {"center", [](ColdPlateSpec& s) { s.center_m[1] = 60e-3; }},
      {"plenum_length", [](ColdPlateSpec& s) { s.plenum_length_m = 0; }},
      {"port_length", [](ColdPlateSpec& s) { s.port_length_m = 0; }},
      {"port_length", [](ColdPlateSpec& s) { s.port_length_m = 5.5e-3; }},
      {"port_length",
       [](ColdPlateSpec& s) {
         s.flow = ColdPlateSpec::Flow::CenterInlet, s.fin_length_m = 3e-3;  // slot 4 mm > fins
       }},
      {"port_width", [](ColdPlateSpec& s) { s.port_width_m = 51e-3; }},
      {"port_width", [](ColdPlateSpec& s) { s.port_width_m = -1; }},
      {"cover_thickness", [](ColdPlateSpec& s) { s.cover_thickness_m = 0; }},
      {"max_cell_along_flow", [](ColdPlateSpec& s) { s.max_cell_along_flow_m = 0; }},
      {"cells_across_channel", [](ColdPlateSpec& s) { s.cells_across_channel = 0; }},
      {"cells_across_fin", [](ColdPlateSpec& s) { s.cells_across_fin = 0; }},
      {"cells_over_fin_height", [](ColdPlateSpec& s) { s.cells_over_fin_height = 0; }},
      {"pin_size", [](ColdPlateSpec& s) { s.fins = ColdPlateSpec::Fins::Pins, s.pin_size_m = 0; }},
      {"pin_size",
       [](ColdPlateSpec& s) { s.fins = ColdPlateSpec::Fins::Pins, s.fin_length_m = 0.4e-3; }},
      {"pin_pitch_x",
       [](ColdPlateSpec& s) { s.fins = ColdPlateSpec::Fins::Pins, s.pin_pitch_x_m = 0.5e-3; }},
      {"pin_pitch_y",
       [](ColdPlateSpec& s) { s.fins = ColdPlateSpec::Fins::Pins, s.pin_pitch_y_m = 0.4e-3; }},
      {"fin_region_width",
       [](ColdPlateSpec& s) { s.fins = ColdPlateSpec::Fins::Pins, s.fin_region_width_m = 1.2e-3; }},
  };
  EXPECT_NO_THROW(make_cold_plate(h100_spec()));
  for (const auto& [name, edit] : cases) {
    auto s = h100_spec();
    edit(s);
    try {
      make_cold_plate(s);
      ADD_FAILURE() << "no error; expected one naming " << name;
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(name + " ", 0), 0u)
          << "expected to start with '" << name << "': " << what;
    }
  }
  auto s = h100_spec();
  s.fin_pitch_m = 0.2e-3;
  try {
    make_cold_plate(s);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fin_thickness (0.2 mm)"), std::string::npos) << e.what();
  }
}
