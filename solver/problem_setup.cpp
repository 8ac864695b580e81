// Case -> ConductionProblem: meshing, material tables, source and boundary arrays.
#include "solver/problem_setup.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace kelvin {

namespace {

bool inside(double x, double lo, double hi) { return x >= lo && x <= hi; }

/// Relative power-map weight at (x, y) over the source's xy extent (1 without a map).
double map_weight(const HeatSource& s, double x, double y) {
  if (!s.power_map) return 1.0;
  const PowerMap& pm = *s.power_map;
  const double fx = (x - s.min_m[0]) / (s.max_m[0] - s.min_m[0]);
  const double fy = (y - s.min_m[1]) / (s.max_m[1] - s.min_m[1]);
  const int col = std::clamp(static_cast<int>(std::floor(fx * pm.cols)), 0, pm.cols - 1);
  const int row = std::clamp(static_cast<int>(std::floor(fy * pm.rows)), 0, pm.rows - 1);
  return pm.values[static_cast<std::size_t>(row) * pm.cols + col];
}

void add_source(const HeatSource& s, const Grid& g, std::vector<double>& q) {
  // Cells whose centre lies in the source box (mesh lines are snapped to box faces).
  std::vector<long long> cells;
  std::vector<double> weight;
  double wv = 0, volume = 0;
  for (int k = 0; k < g.n(2); ++k)
    for (int j = 0; j < g.n(1); ++j)
      for (int i = 0; i < g.n(0); ++i) {
        const double x = g.center(0, i), y = g.center(1, j), z = g.center(2, k);
        if (!inside(x, s.min_m[0], s.max_m[0]) || !inside(y, s.min_m[1], s.max_m[1]) ||
            !inside(z, s.min_m[2], s.max_m[2]))
          continue;
        const double v = g.width(0, i) * g.width(1, j) * g.width(2, k);
        const double w = map_weight(s, x, y);
        cells.push_back(g.index(i, j, k));
        weight.push_back(w);
        wv += w * v;
        volume += v;
      }
  if (cells.empty())
    throw SetupError("source \"" + s.name + "\" contains no cell centre; refine the mesh");
  if (!(wv > 0))
    throw SetupError("source \"" + s.name + "\": power map is zero over every cell");
  // TotalPower: q_c = P w_c / sum(w V), so sum(q V) = P exactly.
  // PowerDensity: q_c = q''' w_c / mean(w), mean weighted by volume.
  const double scale = s.kind == HeatSource::Kind::TotalPower ? s.value / wv : s.value * volume / wv;
  for (std::size_t n = 0; n < cells.size(); ++n) q[cells[n]] += scale * weight[n];
}

void apply_boundary(const BoundaryCondition& bc, const Grid& g, FaceBoundary& fb) {
  const int d = static_cast<int>(bc.face) / 2;
  const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  for (int b = 0; b < g.n(t2); ++b)
    for (int a = 0; a < g.n(t1); ++a) {
      if (bc.has_region) {
        const double u = g.center(t1, a), v = g.center(t2, b);
        if (!inside(u, bc.region_min_m[0], bc.region_max_m[0]) ||
            !inside(v, bc.region_min_m[1], bc.region_max_m[1]))
          continue;
      }
      const std::size_t n = static_cast<std::size_t>(a) + static_cast<std::size_t>(g.n(t1)) * b;
      switch (bc.type) {
        case BoundaryCondition::Type::Adiabatic:
          fb.rinv[n] = -1, fb.temperature_K[n] = 0, fb.flux_W_m2[n] = 0;
          break;
        case BoundaryCondition::Type::Temperature:
          fb.rinv[n] = 0, fb.temperature_K[n] = bc.temperature_K, fb.flux_W_m2[n] = 0;
          break;
        case BoundaryCondition::Type::HeatFlux:
          fb.rinv[n] = -1, fb.temperature_K[n] = 0, fb.flux_W_m2[n] = bc.heat_flux_W_m2;
          break;
        case BoundaryCondition::Type::Convection:
          fb.rinv[n] = 1.0 / bc.htc_W_m2K, fb.temperature_K[n] = bc.temperature_K;
          fb.flux_W_m2[n] = 0;
          break;
      }
    }
}

}  // namespace

void case_domain(const Case& c, std::array<double, 3>& lo, std::array<double, 3>& hi) {
  if (c.domain) {
    lo = c.domain->min_m;
    hi = c.domain->max_m;
    return;
  }
  if (c.boxes.empty()) throw SetupError("case has no boxes");
  lo = c.boxes.front().min_m;
  hi = c.boxes.front().max_m;
  for (const auto& b : c.boxes)
    for (int d = 0; d < 3; ++d) {
      lo[d] = std::min(lo[d], b.min_m[d]);
      hi[d] = std::max(hi[d], b.max_m[d]);
    }
}

Grid build_case_grid(const Case& c) {
  std::array<double, 3> lo, hi;
  case_domain(c, lo, hi);
  std::vector<PaintBox> paint;
  for (const auto& b : c.boxes) {
    const int m = c.material_index(b.material);
    if (m < 0) throw SetupError("box \"" + b.name + "\": unknown material \"" + b.material + "\"");
    paint.push_back(PaintBox{b.min_m, b.max_m, m, b.cell_size_m});
  }
  int background = -1;
  if (c.domain && !c.domain->background_material.empty())
    background = c.material_index(c.domain->background_material);
  Grid g;
  try {
    g = build_grid(lo, hi, c.mesh.max_cell_size_m, paint, background);
  } catch (const std::invalid_argument& e) {
    throw SetupError(e.what());
  }
  if (g.cell_count() > kMaxCells)
    throw SetupError("mesh has " + std::to_string(g.cell_count()) + " cells (" +
                     std::to_string(g.n(0)) + " x " + std::to_string(g.n(1)) + " x " +
                     std::to_string(g.n(2)) + "), more than the limit of " +
                     std::to_string(kMaxCells) + "; increase mesh.max_cell_size or cell_size");
  const auto& mat = g.materials();
  const auto it = std::find(mat.begin(), mat.end(), -1);
  if (it != mat.end()) {
    const long long n = it - mat.begin();
    const int i = static_cast<int>(n % g.n(0)), j = static_cast<int>((n / g.n(0)) % g.n(1));
    const int k = static_cast<int>(n / (static_cast<long long>(g.n(0)) * g.n(1)));
    throw SetupError("cells are covered by no box, first at (" + std::to_string(g.center(0, i)) +
                     ", " + std::to_string(g.center(1, j)) + ", " + std::to_string(g.center(2, k)) +
                     ") m; add a box there or give domain.background");
  }
  return g;
}

ConductionProblem make_conduction_problem(const Case& c) {
  ConductionProblem p;
  p.grid = build_case_grid(c);
  const std::size_t nm = c.materials.size();
  for (const auto& m : c.materials) {
    p.conductivity_W_mK.push_back(m.conductivity_W_mK);
    p.rho_cp_J_m3K.push_back(m.density_kg_m3 * m.specific_heat_J_kgK);
  }
  p.contact_K_m2_W.assign(nm * nm, 0.0);
  for (const auto& cr : c.contacts) {
    const int a = c.material_index(cr.material_a), b = c.material_index(cr.material_b);
    if (a < 0 || b < 0) throw SetupError("contact resistance names an unknown material");
    if (a == b) continue;
    p.contact_K_m2_W[a * nm + b] = p.contact_K_m2_W[b * nm + a] = cr.resistance_K_m2_W;
  }
  p.source_W_m3.assign(static_cast<std::size_t>(p.grid.cell_count()), 0.0);
  for (const auto& s : c.sources) add_source(s, p.grid, p.source_W_m3);
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2;
    const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const std::size_t n = static_cast<std::size_t>(p.grid.n(t1)) * p.grid.n(t2);
    p.faces[f].rinv.assign(n, -1.0);
    p.faces[f].temperature_K.assign(n, 0.0);
    p.faces[f].flux_W_m2.assign(n, 0.0);
  }
  for (const auto& bc : c.boundaries)
    apply_boundary(bc, p.grid, p.faces[static_cast<int>(bc.face)]);
  return p;
}

}  // namespace kelvin
