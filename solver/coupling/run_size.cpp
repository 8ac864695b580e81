// Run size and memory estimate before allocation. See run_size.hpp.
#include "solver/coupling/run_size.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "solver/base/format_bytes.hpp"
#include "solver/coupling/problem_setup.hpp"

namespace kelvin {

namespace {

/// Distinct (inlet temperature, flow rate) feeds among the GPUs: each gets its own flow.
int distinct_feeds(const GpuCase& g) {
  std::set<std::pair<double, double>> feeds;
  for (const auto& inst : g.instances)
    feeds.insert({inst.inlet_temperature_K, inst.flow_rate_m3_s});
  return static_cast<int>(feeds.size());
}

/// Cells of the axes whose centres lie in the bounding box of the boxes painted with the
/// coolant (every cell when the domain's background is the coolant).
long long coolant_window_cells(const Case& c, const GridAxes& axes) {
  const int coolant = c.material_index(c.coolant->material);
  std::array<double, 3> lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  const bool background = c.domain && c.domain->background_material == c.coolant->material;
  for (const PaintBox& b : case_paint_boxes(c))
    if (background || b.material == coolant)
      for (int d = 0; d < 3; ++d) {
        lo[d] = std::min(lo[d], background ? -1e300 : b.min_m[d]);
        hi[d] = std::max(hi[d], background ? 1e300 : b.max_m[d]);
      }
  long long cells = 1;
  for (int d = 0; d < 3; ++d) {
    long long n = 0;
    for (std::size_t i = 0; i + 1 < axes[d].size(); ++i) {
      const double x = 0.5 * (axes[d][i] + axes[d][i + 1]);
      n += x >= lo[d] && x <= hi[d];
    }
    cells *= n;
  }
  return cells;
}

}  // namespace

RunSize estimate_run_size(const Case& c, double coarsening) {
  RunSize r;
  if (c.meshless()) {  // no cells: the run's base alone
    r.bytes = kRunBaseBytes;
    return r;
  }
  const GridAxes axes = case_grid_axes(c, coarsening);
  for (int d = 0; d < 3; ++d) r.n[d] = static_cast<long long>(axes[d].size()) - 1;
  r.cells = r.n[0] * r.n[1] * r.n[2];
  r.transient = c.transient.enabled;
  r.thermal_models = c.gpus ? static_cast<int>(c.gpus->instances.size()) : 1;
  r.flow_fields = !c.has_flow() ? 0 : c.gpus ? distinct_feeds(*c.gpus) : 1;
  r.flow_window_cells = r.flow_fields > 0 ? coolant_window_cells(c, axes) : 0;
  // bytes = base + cells models (conduction + transient) + flows (window flow + cells fluxes)
  const double per_model = kConductionBytesPerCell + (r.transient ? kTransientBytesPerCell : 0);
  const double per_window = kFlowBytesPerCell + (c.flow.coupled ? kCoupledFlowBytesPerCell : 0);
  r.bytes = kRunBaseBytes + static_cast<double>(r.cells) * r.thermal_models * per_model +
            r.flow_fields * (kFlowBaseBytes +
                             static_cast<double>(r.flow_window_cells) * per_window +
                             static_cast<double>(r.cells) * kFlowGridBytesPerCell);
  return r;
}

std::string describe(const RunSize& s) {
  std::string models = s.thermal_models > 1 ? fmt::format(" x {} GPUs", s.thermal_models) : "";
  return fmt::format("{} cells ({} x {} x {}){}, about {}", s.cells, s.n[0], s.n[1], s.n[2], models,
                     format_bytes(static_cast<std::uint64_t>(s.bytes)));
}

void check_run_fits(const Case& c, std::size_t available_bytes) {
  const RunSize need = estimate_run_size(c);
  const double avail = static_cast<double>(available_bytes);
  if (need.bytes <= avail) return;
  // Cells grow like coarsening^-3: start there, then bisect on the real axes (snapping to box
  // faces makes the count a step function of the factor).
  double lo = 1, hi = std::cbrt(need.bytes / avail) * 2;
  while (estimate_run_size(c, hi).bytes > avail && hi < 1e6) hi *= 2;
  if (estimate_run_size(c, hi).bytes > avail)  // one cell per box still does not fit
    throw SetupError(
        fmt::format("the run needs {}, more than the {} of memory available, and "
                    "no coarser mesh fits",
                    describe(need), format_bytes(available_bytes)));
  for (int it = 0; it < 40 && hi / lo > 1.001; ++it) {
    const double mid = std::sqrt(lo * hi);
    (estimate_run_size(c, mid).bytes > avail ? lo : hi) = mid;
  }
  // Printed to 3 digits: round up to a factor that, as printed, fits (the count is a step
  // function of the factor, not monotone, so check).
  const double decade = std::pow(10.0, std::floor(std::log10(hi)) - 2);
  hi = std::ceil(hi / decade) * decade;
  while (estimate_run_size(c, hi).bytes > avail) hi += decade;
  const auto& h = c.mesh.max_cell_size_m;
  throw SetupError(fmt::format(
      "the run needs {}, more than the {} of memory available; coarsen every cell size "
      "{:.3g}x: the largest mesh.max_cell_size that fits is [{:.3g}, {:.3g}, {:.3g}] mm, with "
      "each box's cell_size scaled alike",
      describe(need), format_bytes(available_bytes), hi, h[0] * hi * 1e3, h[1] * hi * 1e3,
      h[2] * hi * 1e3));
}

}  // namespace kelvin
