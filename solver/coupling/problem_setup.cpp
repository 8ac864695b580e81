// Case -> ConductionProblem: meshing, material tables, source and boundary arrays.
#include "solver/coupling/problem_setup.hpp"

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

/// The cells [lo, hi) along axis d whose centres lie in [min, max] (centres increase along an
/// axis, so they are one run).
void centre_range(const Grid& g, int d, double min, double max, int& lo, int& hi) {
  lo = 0;
  while (lo < g.n(d) && !inside(g.center(d, lo), min, max)) ++lo;
  hi = lo;
  while (hi < g.n(d) && inside(g.center(d, hi), min, max)) ++hi;
}

void add_source(const HeatSource& s, const Grid& g, std::vector<double>& q) {
  // Cells whose centre lies in the source box (mesh lines are snapped to box faces): a box of
  // cells, visited twice (the weights' sums, then the values) rather than listed.
  int lo[3], hi[3];
  for (int d = 0; d < 3; ++d) centre_range(g, d, s.min_m[d], s.max_m[d], lo[d], hi[d]);
  const auto each_cell = [&](auto&& f) {
    for (int k = lo[2]; k < hi[2]; ++k)
      for (int j = lo[1]; j < hi[1]; ++j)
        for (int i = lo[0]; i < hi[0]; ++i) f(i, j, k);
  };
  double wv = 0, volume = 0;
  each_cell([&](int i, int j, int k) {
    const double v = g.width(0, i) * g.width(1, j) * g.width(2, k);
    wv += map_weight(s, g.center(0, i), g.center(1, j)) * v;
    volume += v;
  });
  if (!(volume > 0))
    throw SetupError("source \"" + s.name + "\" contains no cell centre; refine the mesh");
  if (!(wv > 0))
    throw SetupError("source \"" + s.name + "\": power map is zero over every cell");
  // TotalPower: q_c = P w_c / sum(w V), so sum(q V) = P exactly.
  // PowerDensity: q_c = q''' w_c / mean(w), mean weighted by volume.
  const double scale = s.kind == HeatSource::Kind::TotalPower ? s.value / wv : s.value * volume / wv;
  each_cell([&](int i, int j, int k) {
    q[g.index(i, j, k)] += scale * map_weight(s, g.center(0, i), g.center(1, j));
  });
}

void apply_boundary(const BoundaryCondition& bc, const Grid& g, FaceBoundary& fb) {
  const int d = static_cast<int>(bc.face) / 2;
  const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  for (int b = 0; b < g.n(t2); ++b)
    for (int a = 0; a < g.n(t1); ++a) {
      if (!in_region(g, t1, t2, a, b, bc.has_region, bc.region_min_m, bc.region_max_m)) continue;
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

ColdPlateLayout case_cold_plate(const Case& c) {
  if (!c.coldplate) throw SetupError("case has no cold plate");
  try {
    return make_cold_plate(c.coldplate->spec);
  } catch (const std::invalid_argument& e) {
    throw SetupError(std::string("coldplate: ") + e.what());
  }
}

void case_domain(const Case& c, std::array<double, 3>& lo, std::array<double, 3>& hi) {
  bool first = true;
  auto grow = [&](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    for (int d = 0; d < 3; ++d) {
      lo[d] = first ? a[d] : std::min(lo[d], a[d]);
      hi[d] = first ? b[d] : std::max(hi[d], b[d]);
    }
    first = false;
  };
  if (c.domain) {
    grow(c.domain->min_m, c.domain->max_m);
  } else {
    for (const auto& b : c.boxes) grow(b.min_m, b.max_m);
  }
  // A cold plate extends the domain (its plate box is the first of its layout).
  if (c.coldplate) {
    const ColdPlateLayout l = case_cold_plate(c);
    grow(l.boxes.front().min_m, l.boxes.front().max_m);
  }
  if (first) throw SetupError("case has no boxes");
}

std::vector<PaintBox> case_paint_boxes(const Case& c) {
  std::vector<PaintBox> paint;
  for (const auto& b : c.boxes) {
    const int m = c.material_index(b.material);
    if (m < 0) throw SetupError("box \"" + b.name + "\": unknown material \"" + b.material + "\"");
    paint.push_back(PaintBox{b.min_m, b.max_m, m, b.cell_size_m});
  }
  if (c.coldplate) {
    const int metal = c.material_index(c.coldplate->material);
    const int coolant = c.coolant ? c.material_index(c.coolant->material) : -1;
    if (metal < 0 || coolant < 0)
      throw SetupError("coldplate: its material and the coolant's must be defined materials");
    for (const PaintBox& b : cold_plate_paint_boxes(case_cold_plate(c), metal, coolant)) paint.push_back(b);
  }
  return paint;
}

GridAxes case_grid_axes(const Case& c, double coarsening) {
  std::array<double, 3> lo, hi;
  case_domain(c, lo, hi);
  std::vector<PaintBox> paint = case_paint_boxes(c);
  std::array<double, 3> max_cell = c.mesh.max_cell_size_m;
  for (double& h : max_cell) h *= coarsening;
  for (PaintBox& b : paint)
    for (double& h : b.cell_size_m) h *= coarsening;
  try {
    return grid_axes(lo, hi, max_cell, paint);
  } catch (const std::invalid_argument& e) {
    throw SetupError(e.what());
  }
}

Grid build_case_grid(const Case& c) {
  const GridAxes axes = case_grid_axes(c);
  const long long cells = axes_cell_count(axes);
  if (cells > kMaxCells)
    throw SetupError("mesh has " + std::to_string(cells) + " cells (" +
                     std::to_string(axes[0].size() - 1) + " x " + std::to_string(axes[1].size() - 1) +
                     " x " + std::to_string(axes[2].size() - 1) + "), more than the limit of " +
                     std::to_string(kMaxCells) + "; increase mesh.max_cell_size or cell_size");
  int background = -1;
  if (c.domain && !c.domain->background_material.empty())
    background = c.material_index(c.domain->background_material);
  Grid g = paint_grid(axes, case_paint_boxes(c), background);
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

std::vector<double> heat_source_field(const HeatSource& s, const Grid& g) {
  std::vector<double> q(static_cast<std::size_t>(g.cell_count()), 0.0);
  add_source(s, g, q);
  return q;
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

std::vector<FlowPort> case_ports(const Case& c) {
  std::vector<FlowPort> ports = c.ports;
  if (!c.coldplate) return ports;
  const ColdPlateLayout l = case_cold_plate(c);
  int inlets = 0;
  for (const auto& p : l.ports) inlets += p.inlet;
  for (const auto& p : l.ports) {
    FlowPort f;
    f.name = "coldplate_" + p.name;
    f.kind = p.inlet ? FlowPort::Kind::Inlet : FlowPort::Kind::Outlet;
    f.face = Face::ZMax;
    f.has_region = true;
    f.region_min_m = p.min_m;
    f.region_max_m = p.max_m;
    f.flow_rate_m3_s = p.inlet ? c.coldplate->flow_rate_m3_s / inlets : 0.0;
    f.temperature_K = c.coldplate->inlet_temperature_K;
    f.pressure_Pa = c.coldplate->outlet_pressure_Pa;
    f.mark = c.coldplate->mark;
    ports.push_back(f);
  }
  return ports;
}

CoolantProperties case_coolant(const Case& c) {
  if (!c.coolant) throw SetupError("flow needs a coolant section");
  try {
    CoolantProperties props = coolant_properties(*c.coolant);
    return props;
  } catch (const CoolantError& e) {
    throw SetupError(std::string("coolant: ") + e.what());
  }
}

namespace {

}  // namespace

/// Whether face cell (a, b) (tangential axes t1, t2) lies in an optional region of its face.
bool in_region(const Grid& g, int t1, int t2, int a, int b, bool has_region,
               const std::array<double, 2>& lo, const std::array<double, 2>& hi) {
  return !has_region || (inside(g.center(t1, a), lo[0], hi[0]) && inside(g.center(t2, b), lo[1], hi[1]));
}

FlowProblem make_flow_problem(const Case& c, const Grid& g) {
  FlowProblem p;
  p.grid = g;
  p.coolant = case_coolant(c);
  const int coolant = c.material_index(c.coolant->material);
  p.fluid.resize(static_cast<std::size_t>(g.cell_count()));
  for (std::size_t n = 0; n < p.fluid.size(); ++n) p.fluid[n] = g.materials()[n] == coolant;
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const std::size_t n = static_cast<std::size_t>(g.n(t1)) * g.n(t2);
    p.kind[f].assign(n, static_cast<std::int32_t>(FlowBoundaryKind::Wall));
    p.inflow_velocity_m_s[f].assign(n, 0.0);
  }
  const auto ports = case_ports(c);
  double T_in = 0, Q = 0;
  bool outlet = false;
  for (const auto& port : ports) {
    const int f = static_cast<int>(port.face), d = f / 2;
    const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    double area = 0;
    for_port_cells(port, g, coolant, [&](std::size_t, int a, int b) { area += g.width(t1, a) * g.width(t2, b); });
    if (!(area > 0))
      throw SetupError("flow port \"" + port.name + "\" on " + face_name(port.face) +
                       " touches no coolant cell; move its region over the coolant");
    const bool in = port.kind == FlowPort::Kind::Inlet;
    const double U = in ? port.flow_rate_m3_s / area : 0.0;
    for_port_cells(port, g, coolant, [&](std::size_t i, int, int) {
      p.kind[f][i] = static_cast<std::int32_t>(in ? FlowBoundaryKind::Inlet : FlowBoundaryKind::Outlet);
      p.inflow_velocity_m_s[f][i] = U;
    });
    if (in) {
      T_in += port.temperature_K * port.flow_rate_m3_s;
      Q += port.flow_rate_m3_s;
    } else {
      p.outlet_pressure_Pa = port.pressure_Pa;
      outlet = true;
    }
  }
  if (!outlet) throw SetupError("flow needs at least one outlet");
  p.reference_temperature_K = Q > 0 ? T_in / Q : c.initial_temperature_K;
  return p;
}

std::array<std::vector<double>, 6> inflow_temperatures(const Case& c, const Grid& g) {
  std::array<std::vector<double>, 6> t;
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    t[f].assign(static_cast<std::size_t>(g.n(t1)) * g.n(t2), 0.0);
  }
  const int coolant = c.material_index(c.coolant->material);
  for (const auto& port : case_ports(c))
    if (port.kind == FlowPort::Kind::Inlet)
      for_port_cells(port, g, coolant, [&](std::size_t i, int, int) { t[static_cast<int>(port.face)][i] = port.temperature_K; });
  return t;
}

FlowSettings case_flow_settings(const Case& c) {
  FlowSettings fs;
  fs.velocity_relaxation = c.flow.velocity_relaxation;
  fs.tolerance = c.flow.tolerance;
  fs.max_iterations = c.flow.max_iterations;
  fs.single_precision_multigrid = c.solver.single_precision_multigrid;
  fs.momentum_multigrid.single_precision = c.solver.single_precision_multigrid;
  fs.algorithm = c.flow.coupled ? FlowAlgorithm::Coupled : FlowAlgorithm::Simplec;
  return fs;
}

ChtSettings case_cht_settings(const Case& c) {
  ChtSettings s;
  s.constant_properties = c.coolant && c.coolant->constant_properties;
  s.flow_tolerance = c.flow.tolerance;
  s.max_coupling_iterations = c.flow.max_coupling_iterations;
  s.temperature_tolerance_K = c.flow.temperature_tolerance_K;
  s.energy = c.solver;
  return s;
}

CoolantProperties energy_coolant(const Case& c) {
  CoolantProperties props = case_coolant(c);
  if (c.coolant->constant_properties) {
    // Every property at the inlet temperature: the enthalpy the coolant carries uses the same
    // cp as the coolant material's heat capacity, so storage and advection agree exactly.
    const int m = c.material_index(c.coolant->material);
    if (m >= 0) {
      props.cp_coeffs[0] = c.materials[m].specific_heat_J_kgK;
      for (int i = 1; i < kCoolantTerms; ++i) props.cp_coeffs[i] = 0;
    }
  }
  return props;
}

void couple_energy_to_flow(const Case& c, const Grid& g, const FlowSolver& flow,
                           ConductionSolver& energy) {
  const CoolantProperties props = energy_coolant(c);
  energy.set_advection({&flow.mass_flux(0), &flow.mass_flux(1), &flow.mass_flux(2)}, props,
                       inflow_temperatures(c, g));
  // Faces outside the flow window carry no mass flux.
  energy.limit_advection(flow.window().box());
}

}  // namespace kelvin
