// Parametric cold plate: validated parameters -> ordered role boxes, ports and a mesh report.
#include "meshes/coldplate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace kelvin {

namespace {

/// Slack for geometric fits, in metres: sums of lengths round, exact fits must still pass.
constexpr double kFitTol = 1e-9;
/// Pin count guard: pins are one box each, and build_grid's cost grows with the box count.
constexpr long long kMaxPins = 1000000;

std::string mm(double m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g mm", m * 1e3);
  return buf;
}

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

void require_positive(double v, const char* name) {
  if (!(v > 0) || !std::isfinite(v))
    fail(std::string(name) + " must be a positive finite length (got " + mm(v) + ")");
}

void require_cells(int v, const char* name) {
  if (v < 1) fail(std::string(name) + " must be at least 1 (got " + std::to_string(v) + ")");
}

/// Number of gaps in an array of solids `size` wide at `pitch` whose outer solids span at most
/// `room`: floor((room - size) / pitch), or 0 if not even one gap fits.
int gap_count(double room, double size, double pitch, const char* pitch_name) {
  const double gaps = (room - size) / pitch;
  if (!(gaps < kMaxCellsPerAxis))
    fail(std::string(pitch_name) + " (" + mm(pitch) + ") would make more than " +
         std::to_string(kMaxCellsPerAxis) + " gaps in " + mm(room));
  return gaps < 0 ? 0 : static_cast<int>(std::floor(gaps + 1e-9));
}

ColdPlateBox box(std::string name, ColdPlateRole role, std::array<double, 3> lo,
                 std::array<double, 3> hi, std::array<double, 3> cell) {
  return ColdPlateBox{std::move(name), role, lo, hi, cell};
}

}  // namespace

ColdPlateLayout make_cold_plate(const ColdPlateSpec& s) {
  using Role = ColdPlateRole;
  const bool pins = s.fins == ColdPlateSpec::Fins::Pins;
  const bool center_inlet = s.flow == ColdPlateSpec::Flow::CenterInlet;

  // ---- parameters on their own -----------------------------------------------------------
  for (int d = 0; d < 2; ++d)
    if (!std::isfinite(s.footprint_min_m[d]) || !std::isfinite(s.footprint_max_m[d]) ||
        !(s.footprint_max_m[d] > s.footprint_min_m[d]))
      fail(std::string("footprint_max must exceed footprint_min along ") + "xy"[d] + " (got " +
           mm(s.footprint_min_m[d]) + " .. " + mm(s.footprint_max_m[d]) + ")");
  if (!std::isfinite(s.base_z_m)) fail("base_z must be finite");
  require_positive(s.base_thickness_m, "base_thickness");
  require_positive(s.fin_height_m, "fin_height");
  require_positive(s.fin_length_m, "fin_length");
  require_positive(s.wall_thickness_m, "wall_thickness");
  require_positive(s.plenum_length_m, "plenum_length");
  require_positive(s.port_length_m, "port_length");
  require_positive(s.cover_thickness_m, "cover_thickness");
  require_positive(s.max_cell_along_flow_m, "max_cell_along_flow");
  if (!(s.fin_region_width_m >= 0) || !std::isfinite(s.fin_region_width_m))
    fail("fin_region_width must be a positive length, or 0 for as wide as fits (got " +
         mm(s.fin_region_width_m) + ")");
  if (!(s.port_width_m >= 0) || !std::isfinite(s.port_width_m))
    fail("port_width must be a positive length, or 0 for the cavity width (got " +
         mm(s.port_width_m) + ")");
  require_cells(s.cells_across_channel, "cells_across_channel");
  require_cells(s.cells_across_fin, "cells_across_fin");
  require_cells(s.cells_over_fin_height, "cells_over_fin_height");
  if (pins) {
    require_positive(s.pin_size_m, "pin_size");
    require_positive(s.pin_pitch_x_m, "pin_pitch_x");
    require_positive(s.pin_pitch_y_m, "pin_pitch_y");
    if (!(s.pin_pitch_x_m > s.pin_size_m))
      fail("pin_pitch_x (" + mm(s.pin_pitch_x_m) + ") must exceed pin_size (" + mm(s.pin_size_m) +
           ")");
    if (!(s.pin_pitch_y_m > s.pin_size_m))
      fail("pin_pitch_y (" + mm(s.pin_pitch_y_m) + ") must exceed pin_size (" + mm(s.pin_size_m) +
           ")");
  } else {
    require_positive(s.fin_thickness_m, "fin_thickness");
    require_positive(s.fin_pitch_m, "fin_pitch");
    if (!(s.fin_pitch_m > s.fin_thickness_m))
      fail("fin_pitch (" + mm(s.fin_pitch_m) + ") must exceed fin_thickness (" +
           mm(s.fin_thickness_m) + ")");
  }

  const auto& f0 = s.footprint_min_m;
  const auto& f1 = s.footprint_max_m;
  const double wall = s.wall_thickness_m, plenum = s.plenum_length_m;
  std::array<double, 2> c{};
  for (int d = 0; d < 2; ++d) {
    c[d] = std::isnan(s.center_m[d]) ? 0.5 * (f0[d] + f1[d]) : s.center_m[d];
    if (!std::isfinite(c[d])) fail(std::string("center must be finite along ") + "xy"[d]);
  }

  // ---- y: fins or pin rows, centred on c[1], outermost ones on the cavity edges -------------
  const double solid_y = pins ? s.pin_size_m : s.fin_thickness_m;
  const double pitch_y = pins ? s.pin_pitch_y_m : s.fin_pitch_m;
  const char* pitch_y_name = pins ? "pin_pitch_y" : "fin_pitch";
  double room_y = s.fin_region_width_m;
  if (room_y == 0) {
    room_y = 2 * std::min(c[1] - (f0[1] + wall), (f1[1] - wall) - c[1]);
    if (!(room_y > 0)) {
      if (f1[1] - f0[1] <= 2 * wall)
        fail("wall_thickness (" + mm(wall) + ") on both sides leaves no room along y in a " +
             mm(f1[1] - f0[1]) + " footprint");
      fail("center y (" + mm(c[1]) + ") leaves no room for fins at least wall_thickness (" +
           mm(wall) + ") inside the plate's y edges");
    }
  }
  const int channels = gap_count(room_y, solid_y, pitch_y, pitch_y_name);
  if (channels < 1)
    fail("fin_region_width (" + mm(room_y) +
         (s.fin_region_width_m == 0 ? ", the footprint less its side walls" : "") +
         ") holds no channel: it needs at least " +
         (pins ? "pin_size + pin_pitch_y" : "fin_thickness + fin_pitch") + " = " +
         mm(solid_y + pitch_y));
  const double cavity_w = channels * pitch_y + solid_y;
  const double y0 = c[1] - 0.5 * cavity_w, y1 = c[1] + 0.5 * cavity_w;
  if (cavity_w + 2 * wall > f1[1] - f0[1] + kFitTol)
    fail("fin_region_width (" + mm(room_y) + ", fins " + mm(cavity_w) +
         ") plus two wall_thickness (" + mm(wall) + ") exceeds the footprint's y extent (" +
         mm(f1[1] - f0[1]) + ")");
  if (y0 < f0[1] + wall - kFitTol || y1 > f1[1] - wall + kFitTol)
    fail("center y (" + mm(c[1]) + ") puts the cavity (" + mm(y0) + " .. " + mm(y1) +
         ") closer than wall_thickness (" + mm(wall) + ") to a plate edge");

  // ---- x: fin region (pins: the largest pin array that fits), plenums, end walls ------------
  int columns = 0;
  double fin_len = s.fin_length_m;
  if (pins) {
    if (s.pin_size_m > s.fin_length_m + kFitTol)
      fail("pin_size (" + mm(s.pin_size_m) + ") does not fit in fin_length (" + mm(s.fin_length_m) +
           ")");
    columns = gap_count(s.fin_length_m, s.pin_size_m, s.pin_pitch_x_m, "pin_pitch_x") + 1;
    if (static_cast<long long>(columns) * (channels + 1) > kMaxPins)
      fail("pin_pitch_x and pin_pitch_y would make " +
           std::to_string(static_cast<long long>(columns) * (channels + 1)) + " pins, more than " +
           std::to_string(kMaxPins));
    fin_len = (columns - 1) * s.pin_pitch_x_m + s.pin_size_m;
  }
  const double x0 = c[0] - 0.5 * fin_len, x1 = c[0] + 0.5 * fin_len;
  if (fin_len + 2 * plenum + 2 * wall > f1[0] - f0[0] + kFitTol)
    fail("fin_length (" + mm(fin_len) + ") plus two plenum_length (" + mm(plenum) +
         ") and two wall_thickness (" + mm(wall) + ") = " + mm(fin_len + 2 * plenum + 2 * wall) +
         " exceeds the footprint's x extent (" + mm(f1[0] - f0[0]) + ")");
  if (x0 - plenum < f0[0] + wall - kFitTol || x1 + plenum > f1[0] - wall + kFitTol)
    fail("center x (" + mm(c[0]) + ") puts the cavity (" + mm(x0 - plenum) + " .. " +
         mm(x1 + plenum) + ") closer than wall_thickness (" + mm(wall) + ") to a plate edge");

  // ---- ports ------------------------------------------------------------------------------
  if (s.port_length_m > plenum + kFitTol)
    fail("port_length (" + mm(s.port_length_m) + ") must not exceed plenum_length (" + mm(plenum) +
         ")");
  if (center_inlet && s.port_length_m > fin_len + kFitTol)
    fail("port_length (" + mm(s.port_length_m) + ") must not exceed the fin region's length (" +
         mm(fin_len) + "): the CenterInlet slot sits over the fins");
  const double port_w = s.port_width_m == 0 ? cavity_w : s.port_width_m;
  if (port_w > cavity_w + kFitTol)
    fail("port_width (" + mm(port_w) + ") exceeds the cavity width (" + mm(cavity_w) + ")");

  // ---- boxes ------------------------------------------------------------------------------
  ColdPlateLayout out;
  const double zb = s.base_z_m + s.base_thickness_m;
  const double zf = zb + s.fin_height_m;
  out.top_z_m = zf + s.cover_thickness_m;
  out.fin_z_m = {zb, zf};
  out.fin_x_m = {x0, x1};
  out.channels = channels;
  out.channel_width_m = pitch_y - solid_y;

  const double hx = s.max_cell_along_flow_m;
  const double hz = s.fin_height_m / s.cells_over_fin_height;
  const double hy_gap = out.channel_width_m / s.cells_across_channel;
  const double hy_solid = solid_y / s.cells_across_fin;
  auto& b = out.boxes;
  b.push_back(box("plate", Role::Metal, {f0[0], f0[1], s.base_z_m}, {f1[0], f1[1], out.top_z_m},
                  {0, 0, 0}));
  b.push_back(box("plenum_xmin", Role::Coolant, {x0 - plenum, y0, zb}, {x0, y1, zf}, {hx, 0, hz}));
  b.push_back(box("plenum_xmax", Role::Coolant, {x1, y0, zb}, {x1 + plenum, y1, zf}, {hx, 0, hz}));
  for (int j = 0; j < channels; ++j)
    out.channel_y_m.push_back({y0 + j * pitch_y + solid_y, y0 + (j + 1) * pitch_y});
  for (int j = 0; j <= channels; ++j)
    out.fin_y_m.push_back({y0 + j * pitch_y, y0 + j * pitch_y + solid_y});
  out.fin_y_m.back()[1] = y1;  // the last solid ends exactly on the cavity edge

  if (!pins) {
    for (int j = 0; j < channels; ++j) {
      const auto& y = out.channel_y_m[j];
      b.push_back(box("channel_" + std::to_string(j), Role::Coolant, {x0, y[0], zb}, {x1, y[1], zf},
                      {hx, hy_gap, hz}));
    }
    for (int j = 0; j <= channels; ++j) {
      const auto& y = out.fin_y_m[j];
      b.push_back(box("fin_" + std::to_string(j), Role::Metal, {x0, y[0], zb}, {x1, y[1], zf},
                      {hx, hy_solid, hz}));
    }
  } else {
    const double px = s.pin_pitch_x_m, size = s.pin_size_m;
    for (int i = 0; i < columns; ++i) out.pin_x_m.push_back({x0 + i * px, x0 + i * px + size});
    out.pin_x_m.back()[1] = x1;
    const double hx_gap = std::min(hx, (px - size) / s.cells_across_channel);
    const double hx_pin = std::min(hx, size / s.cells_across_fin);
    // Gap rows and gap columns together cover the fin region's fluid; pins are painted last.
    for (int j = 0; j < channels; ++j) {
      const auto& y = out.channel_y_m[j];
      b.push_back(box("gap_row_" + std::to_string(j), Role::Coolant, {x0, y[0], zb}, {x1, y[1], zf},
                      {hx, hy_gap, hz}));
    }
    for (int i = 0; i + 1 < columns; ++i)
      b.push_back(box("gap_col_" + std::to_string(i), Role::Coolant, {out.pin_x_m[i][1], y0, zb},
                      {out.pin_x_m[i + 1][0], y1, zf}, {hx_gap, 0, hz}));
    for (int i = 0; i < columns; ++i)
      for (int j = 0; j <= channels; ++j)
        b.push_back(box("pin_" + std::to_string(i) + "_" + std::to_string(j), Role::Metal,
                        {out.pin_x_m[i][0], out.fin_y_m[j][0], zb},
                        {out.pin_x_m[i][1], out.fin_y_m[j][1], zf}, {hx_pin, hy_solid, hz}));
  }

  const double py0 = c[1] - 0.5 * port_w, py1 = c[1] + 0.5 * port_w;
  auto add_port = [&](bool inlet, const std::string& name, double x_center) {
    const double a = x_center - 0.5 * s.port_length_m, e = x_center + 0.5 * s.port_length_m;
    out.ports.push_back(ColdPlatePort{inlet, name, {a, py0}, {e, py1}});
    b.push_back(
        box("port_" + name, Role::Coolant, {a, py0, zf}, {e, py1, out.top_z_m}, {hx, 0, 0}));
  };
  if (center_inlet) {
    add_port(true, "inlet", c[0]);
    add_port(false, "outlet_xmin", x0 - 0.5 * plenum);
    add_port(false, "outlet_xmax", x1 + 0.5 * plenum);
  } else {
    add_port(true, "inlet", x0 - 0.5 * plenum);
    add_port(false, "outlet", x1 + 0.5 * plenum);
  }
  return out;
}

std::vector<PaintBox> cold_plate_paint_boxes(const ColdPlateLayout& layout, int metal_material,
                                             int coolant_material) {
  std::vector<PaintBox> out;
  out.reserve(layout.boxes.size());
  for (const auto& b : layout.boxes)
    out.push_back(PaintBox{b.min_m, b.max_m,
                           b.role == ColdPlateRole::Metal ? metal_material : coolant_material,
                           b.cell_size_m});
  return out;
}

namespace {

/// Cells along axis d whose centres lie inside span, on the grid line through cell `at` (the
/// other two indices), that are (want_coolant) or are not coolant.
int cells_across(const Grid& g, int d, const std::array<double, 2>& span, std::array<int, 3> at,
                 bool want_coolant, const std::function<bool(int)>& is_coolant) {
  int count = 0;
  for (int i = g.locate(d, span[0]); i <= g.locate(d, span[1]); ++i) {
    const double x = g.center(d, i);
    if (x <= span[0] || x >= span[1]) continue;
    at[d] = i;
    if (is_coolant(g.material(at[0], at[1], at[2])) == want_coolant) ++count;
  }
  return count;
}

}  // namespace

ColdPlateReport report_cold_plate(const ColdPlateLayout& layout, const Grid& grid,
                                  const std::function<bool(int)>& is_coolant) {
  ColdPlateReport r;
  r.channels = layout.channels;
  r.channel_width_m = layout.channel_width_m;
  for (const auto m : grid.materials()) (is_coolant(m) ? r.fluid_cells : r.solid_cells) += 1;

  // Probe the middle of the fin region at mid fin height; for pins, through the middle pin
  // column and row, where gaps are bounded by metal on both sides.
  const bool pins = !layout.pin_x_m.empty();
  const int k = grid.locate(2, 0.5 * (layout.fin_z_m[0] + layout.fin_z_m[1]));
  const auto mid = [](const std::array<double, 2>& s) { return 0.5 * (s[0] + s[1]); };
  const int i =
      grid.locate(0, pins ? mid(layout.pin_x_m[layout.pin_x_m.size() / 2]) : mid(layout.fin_x_m));
  const int j =
      layout.fin_y_m.empty() ? 0 : grid.locate(1, mid(layout.fin_y_m[layout.fin_y_m.size() / 2]));

  int gap = -1, solid = -1;
  const auto take_min = [](int& m, int v) { m = m < 0 ? v : std::min(m, v); };
  for (const auto& y : layout.channel_y_m)
    take_min(gap, cells_across(grid, 1, y, {i, 0, k}, true, is_coolant));
  for (const auto& y : layout.fin_y_m)
    take_min(solid, cells_across(grid, 1, y, {i, 0, k}, false, is_coolant));
  for (std::size_t c = 0; c < layout.pin_x_m.size(); ++c) {
    take_min(solid, cells_across(grid, 0, layout.pin_x_m[c], {0, j, k}, false, is_coolant));
    if (c + 1 < layout.pin_x_m.size())
      take_min(gap, cells_across(grid, 0, {layout.pin_x_m[c][1], layout.pin_x_m[c + 1][0]},
                                 {0, j, k}, true, is_coolant));
  }
  r.min_cells_across_channel = std::max(gap, 0);
  r.min_cells_across_fin = std::max(solid, 0);
  return r;
}

std::string format_report(const ColdPlateReport& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "cold plate: %d channels of %.2f mm, >= %d cells across each, >= %d across each "
                "fin; %lld coolant + %lld solid cells",
                r.channels, r.channel_width_m * 1e3, r.min_cells_across_channel,
                r.min_cells_across_fin, r.fluid_cells, r.solid_cells);
  return buf;
}

}  // namespace kelvin
