// Plates of one grid stacked into one batched conduction operator (see plate_batch.hpp).
#include "solver/coupling/plate_batch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "solver/numerics/anderson.hpp"
#include "solver/numerics/operator.hpp"

namespace kelvin {

namespace {

using Dims = std::array<int, 3>;

/// Deferred-correction updates allowed in a steady solve of the batch.
constexpr int kSteadyMaxCorrections = 200;

std::size_t at(const int c[3], const Dims& n) {
  return c[0] + static_cast<std::size_t>(n[0]) * (c[1] + static_cast<std::size_t>(n[1]) * c[2]);
}

/// Plate arrays of dims p stacked along axis, `step` entries of each per slab: along the axis
/// the result has B step + (p[axis] - step) entries (face fields keep the last plate's final
/// face), entry c coming from plate b = min(c[axis] / step, B - 1) at c[axis] - b step.
template <class T>
std::vector<T> stack(const std::vector<const std::vector<T>*>& parts, const Dims& p, int axis,
                     int step) {
  const int B = static_cast<int>(parts.size());
  Dims N = p;
  N[axis] = B * step + (p[axis] - step);
  std::vector<T> out(static_cast<std::size_t>(N[0]) * N[1] * N[2]);
  int c[3];
  for (c[2] = 0; c[2] < N[2]; ++c[2])
    for (c[1] = 0; c[1] < N[1]; ++c[1])
      for (c[0] = 0; c[0] < N[0]; ++c[0]) {
        const int b = std::min(c[axis] / step, B - 1);
        int l[3] = {c[0], c[1], c[2]};
        l[axis] -= b * step;
        out[at(c, N)] = (*parts[b])[at(l, p)];
      }
  return out;
}

/// The tangential axes of the faces normal to d, as the face tables order them.
void tangential_axes(int d, int& t1, int& t2) {
  t1 = d == 0 ? 1 : 0;
  t2 = d == 2 ? 1 : 2;
}

/// Face tables of face f (normal to f / 2) stacked along axis: the end plates' own tables for
/// the faces normal to it, else the tables side by side.
template <class T>
std::vector<T> stack_face(const std::vector<const std::vector<T>*>& parts, const Dims& n, int f,
                          int axis) {
  const int d = f / 2;
  if (d == axis) return f % 2 == 0 ? *parts.front() : *parts.back();
  int t1, t2;
  tangential_axes(d, t1, t2);
  const int pos = axis == t1 ? 0 : 1;
  return stack(parts, Dims{n[t1], n[t2], 1}, pos, pos == 0 ? n[t1] : n[t2]);
}

bool all_zero(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return x == 0; });
}

bool no_condition(const FaceBoundary& f) {
  return std::all_of(f.rinv.begin(), f.rinv.end(), [](double r) { return r < 0; }) &&
         all_zero(f.flux_W_m2);
}

Dims dims(const ConductionProblem& p) { return {p.grid.n(0), p.grid.n(1), p.grid.n(2)}; }

}  // namespace

bool stackable_along(const PlateInput& plate, int axis) {
  if (axis < 0 || axis > 2) return false;
  const ConductionProblem& p = *plate.problem;
  for (int f = 2 * axis; f < 2 * axis + 2; ++f) {
    if (!no_condition(p.faces[f])) return false;
    if (plate.inflow_K && !all_zero((*plate.inflow_K)[f])) return false;
  }
  if (!plate.flow) return true;
  // No mass through the two faces: the first and last face layers of the flux along axis.
  const std::vector<double> m = plate.flow->mass_flux(axis).to_host();
  Dims n = dims(p);
  const int last = n[axis];
  n[axis] += 1;
  int c[3];
  for (c[2] = 0; c[2] < n[2]; ++c[2])
    for (c[1] = 0; c[1] < n[1]; ++c[1])
      for (c[0] = 0; c[0] < n[0]; ++c[0])
        if ((c[axis] == 0 || c[axis] == last) && m[at(c, n)] != 0) return false;
  return true;
}

ConductionProblem stack_problems(const std::vector<const ConductionProblem*>& plates, int axis) {
  const ConductionProblem& first = *plates.front();
  const int B = static_cast<int>(plates.size());
  const int M = static_cast<int>(first.conductivity_W_mK.size());
  const Dims n = dims(first);
  ConductionProblem out;
  std::array<std::vector<double>, 3> faces = {first.grid.faces(0), first.grid.faces(1),
                                              first.grid.faces(2)};
  const std::vector<double>& f = first.grid.faces(axis);
  const double length = f.back() - f.front();
  for (int b = 1; b < B; ++b)
    for (std::size_t i = 1; i < f.size(); ++i) faces[axis].push_back(f[i] + b * length);
  out.grid = Grid(faces[0], faces[1], faces[2]);

  std::vector<std::vector<std::int32_t>> materials(B);
  std::vector<const std::vector<std::int32_t>*> material_parts;
  std::vector<const std::vector<double>*> sources;
  for (int b = 0; b < B; ++b) {
    const ConductionProblem& p = *plates[b];
    if (dims(p) != n || static_cast<int>(p.conductivity_W_mK.size()) != M)
      throw std::invalid_argument("stack_problems: plates on different grids or materials");
    materials[b] = p.grid.materials();
    for (auto& m : materials[b]) m += b * M;
    material_parts.push_back(&materials[b]);
    sources.push_back(&p.source_W_m3);
    out.conductivity_W_mK.insert(out.conductivity_W_mK.end(), p.conductivity_W_mK.begin(),
                                 p.conductivity_W_mK.end());
    out.rho_cp_J_m3K.insert(out.rho_cp_J_m3K.end(), p.rho_cp_J_m3K.begin(), p.rho_cp_J_m3K.end());
  }
  out.grid.materials() = stack(material_parts, n, axis, n[axis]);
  out.source_W_m3 = stack(sources, n, axis, n[axis]);
  // Contact resistances: block diagonal (no two slabs touch).
  const int BM = B * M;
  out.contact_K_m2_W.assign(static_cast<std::size_t>(BM) * BM, 0.0);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < M; ++j)
        out.contact_K_m2_W[static_cast<std::size_t>(b * M + i) * BM + b * M + j] =
            plates[b]->contact_K_m2_W[static_cast<std::size_t>(i) * M + j];
  for (int fc = 0; fc < 6; ++fc) {
    std::vector<const std::vector<double>*> rinv, temp, flux;
    for (const auto* p : plates) {
      rinv.push_back(&p->faces[fc].rinv);
      temp.push_back(&p->faces[fc].temperature_K);
      flux.push_back(&p->faces[fc].flux_W_m2);
    }
    out.faces[fc].rinv = stack_face(rinv, n, fc, axis);
    out.faces[fc].temperature_K = stack_face(temp, n, fc, axis);
    out.faces[fc].flux_W_m2 = stack_face(flux, n, fc, axis);
  }
  out.batch_axis = axis;
  out.batch_slabs = B;
  return out;
}

PlateBatch::PlateBatch(const std::vector<PlateInput>& plates, int axis,
                       const TransientSettings& transient, const SolverSettings& linear)
    : m_axis(axis),
      m_slabs(static_cast<int>(plates.size())),
      m_materials(static_cast<int>(plates.front().problem->conductivity_W_mK.size())),
      m_plate_n(dims(*plates.front().problem)) {
  if (axis < 0 && m_slabs != 1) throw std::invalid_argument("PlateBatch: plates need an axis");
  std::vector<const ConductionProblem*> problems;
  std::vector<std::vector<double>> T0(m_slabs);
  std::vector<const std::vector<double>*> T0_parts;
  for (int s = 0; s < m_slabs; ++s) {
    problems.push_back(plates[s].problem);
    T0[s] = plates[s].T0->to_host();
    T0_parts.push_back(&T0[s]);
  }
  const int ax = std::max(axis, 0);
  const MultigridOptions mg = multigrid_options(linear);
  if (axis < 0) m_solver = std::make_unique<ConductionSolver>(*plates.front().problem, mg);
  else m_solver = std::make_unique<ConductionSolver>(stack_problems(problems, axis), mg);
  Field<double> T = m_solver->make_field();
  T.from_host(stack(T0_parts, m_plate_n, ax, m_plate_n[ax]));
  m_flow = plates.front().flow != nullptr;
  if (m_flow) {
    std::vector<CoolantProperties> coolants;
    for (const auto& p : plates) coolants.push_back(p.coolant);
    for (int d = 0; d < 3; ++d) {
      std::vector<std::vector<double>> m(m_slabs);
      std::vector<const std::vector<double>*> parts;
      for (int s = 0; s < m_slabs; ++s) {
        m[s] = plates[s].flow->mass_flux(d).to_host();
        parts.push_back(&m[s]);
      }
      Dims p = m_plate_n;
      p[d] += 1;
      Dims N = p;
      N[ax] = m_slabs * m_plate_n[ax] + (p[ax] - m_plate_n[ax]);
      m_mflux[d] = Field<double>(N[0], N[1], N[2]);
      m_mflux_base[d] = stack(parts, p, ax, m_plate_n[ax]);
      m_mflux[d].from_host(m_mflux_base[d]);
    }
    for (int f = 0; f < 6; ++f) {
      std::vector<const std::vector<double>*> parts;
      for (const auto& p : plates) parts.push_back(&(*p.inflow_K)[f]);
      m_inflow_base[f] = stack_face(parts, m_plate_n, f, ax);
    }
    m_coolants = coolants;
    m_solver->set_advection({&m_mflux[0], &m_mflux[1], &m_mflux[2]}, coolants, m_inflow_base);
    // Mass fluxes vanish outside the plates' flow windows (each in its slab's place).
    Box flow_cells = plates[0].flow->window().box();
    for (int s = 1; s < m_slabs; ++s) {
      Box w = plates[s].flow->window().box();
      w.lo[ax] += s * m_plate_n[ax];
      w.hi[ax] += s * m_plate_n[ax];
      for (int d = 0; d < 3; ++d) {
        flow_cells.lo[d] = std::min(flow_cells.lo[d], w.lo[d]);
        flow_cells.hi[d] = std::max(flow_cells.hi[d], w.hi[d]);
      }
    }
    m_solver->limit_advection(flow_cells);
    m_solver->update_advection(T);
  }
  m_scale.assign(static_cast<std::size_t>(m_slabs), 1.0);
  m_inlet.assign(static_cast<std::size_t>(m_slabs), std::nan(""));
  m_transient = transient;
  m_transient.adaptive = false;
  m_linear = linear;
  m_integ = std::make_unique<TransientIntegrator>(*m_solver, m_transient, m_linear, T);
}

PlateBatch::~PlateBatch() = default;

void PlateBatch::set_power(int s, const Field<double>& fixed, const Field<double>& die,
                           double die_W, const Field<double>& hbm, double hbm_W) {
  if (m_axis < 0) m_solver->set_source(fixed, die, die_W, hbm, hbm_W);
  else m_solver->set_slab_source(s, fixed, die, die_W, hbm, hbm_W);
}

int PlateBatch::slab_at(int along_axis) const {
  return std::min(along_axis / m_plate_n[std::max(m_axis, 0)], m_slabs - 1);
}

void PlateBatch::set_feed(int s, double flow_scale, double inlet_K) {
  if (!m_flow) throw std::logic_error("PlateBatch::set_feed: the plates carry no coolant");
  if (m_scale.at(static_cast<std::size_t>(s)) == flow_scale && m_inlet[s] == inlet_K) return;
  m_scale[s] = flow_scale;
  m_inlet[s] = inlet_K;
  m_feeds_changed = true;
}

void PlateBatch::apply_feeds() {
  const int ax = std::max(m_axis, 0);
  Dims N = m_plate_n;
  N[ax] *= m_slabs;
  // mass flux m_f = scale(slab of f) m_f,base: every slab's field keeps its shape
  for (int d = 0; d < 3; ++d) {
    Dims F = N;
    F[d] += 1;
    std::vector<double> m = m_mflux_base[d];
    int c[3];
    for (c[2] = 0; c[2] < F[2]; ++c[2])
      for (c[1] = 0; c[1] < F[1]; ++c[1])
        for (c[0] = 0; c[0] < F[0]; ++c[0]) m[at(c, F)] *= m_scale[slab_at(c[ax])];
    m_mflux[d].from_host(m);
  }
  // inflow: where coolant entered, it enters at the slab's inlet temperature
  std::array<std::vector<double>, 6> inflow = m_inflow_base;
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2;
    int t1, t2;
    tangential_axes(d, t1, t2);
    for (std::size_t e = 0; e < inflow[f].size(); ++e) {
      const int along = ax == t1 ? static_cast<int>(e % N[t1]) : static_cast<int>(e / N[t1]);
      const int s = d == ax ? (f % 2 == 0 ? 0 : m_slabs - 1) : slab_at(along);
      if (inflow[f][e] > 0 && !std::isnan(m_inlet[s])) inflow[f][e] = m_inlet[s];
    }
  }
  m_solver->set_advection({&m_mflux[0], &m_mflux[1], &m_mflux[2]}, m_coolants, inflow);
  m_solver->update_advection(m_integ->temperature());
  m_feeds_changed = false;
}

double PlateBatch::coolant_heat_W(int s) const {
  if (!m_flow) return 0.0;
  return m_solver->advected_heat(m_integ->temperature(), m_axis < 0 ? -1 : s);
}

double PlateBatch::stored_J() const { return m_solver->stored_energy(m_integ->temperature()); }

int PlateBatch::solve_steady(double tol_K) {
  if (m_feeds_changed) apply_feeds();
  Field<double> T = m_solver->make_field(), before = m_solver->make_field();
  copy(m_integ->temperature(), T);
  copy(T, before);
  // The TVD correction as a fixed point T <- G(T) (solve with the correction at T), inexact
  // solves (residual down 5-fold) accelerated by Anderson mixing as the steady conjugate solve
  // does (cht.cpp); once settled, one solve to the case's tolerance.
  AndersonMixer mixer(4, 10);
  int it = 1;
  for (; it <= kSteadyMaxCorrections; ++it) {
    if (m_flow) m_solver->update_advection(T, true);
    m_solver->solve_steady(T, m_linear.tolerance, m_linear.max_iterations, {}, 0.2);
    if (max_abs_difference(before, T) <= tol_K) break;
    mixer.mix({&before}, {&T});
    copy(T, before);
  }
  m_solver->solve_steady(T, m_linear.tolerance, m_linear.max_iterations);
  m_integ = std::make_unique<TransientIntegrator>(*m_solver, m_transient, m_linear, T);
  if (m_flow) m_solver->update_advection(T, true);
  m_last = AdvanceStats{};
  return std::min(it, kSteadyMaxCorrections);
}

const AdvanceStats& PlateBatch::advance_to(double t_s) {
  if (t_s - time() <= 1e-12 * std::max(1.0, std::fabs(t_s))) return m_last;
  if (m_feeds_changed) apply_feeds();
  AdvanceStats a;
  const long long before = m_integ->linear_iterations();
  m_integ->advance_to(t_s, [&](const StepInfo& s) {
    const auto eb = m_solver->energy_balance(m_integ->temperature(), s.storage_W);
    if (eb.has_heat()) a.max_relative_error = std::max(a.max_relative_error, eb.relative_error());
    a.max_imbalance_W = std::max(a.max_imbalance_W, std::fabs(eb.imbalance_W()));
    if (!s.solve.converged) {
      ++a.short_steps;
      if (a.short_steps == 1 || s.solve.relative_residual > a.worst_step.relative_residual)
        a.worst_step = s.solve;
    }
    // The TVD correction of the advection follows the new temperatures.
    if (m_flow) m_solver->update_advection(m_integ->temperature(), true);
  });
  a.linear_iterations = m_integ->linear_iterations() - before;
  m_last = a;
  return m_last;
}

double PlateBatch::material_max(int s, int m) const {
  if (m_axis < 0) return m_solver->material_max(m_integ->temperature(), m);
  return m_solver->material_max(m_integ->temperature(), s * m_materials + m, s);
}

std::vector<double> PlateBatch::slab_of(const std::vector<double>& all, int s) const {
  if (m_axis < 0) return all;
  const Dims& n = m_plate_n;
  Dims N = n;
  N[m_axis] *= m_slabs;
  std::vector<double> out(static_cast<std::size_t>(n[0]) * n[1] * n[2]);
  int c[3];
  for (c[2] = 0; c[2] < n[2]; ++c[2])
    for (c[1] = 0; c[1] < n[1]; ++c[1])
      for (c[0] = 0; c[0] < n[0]; ++c[0]) {
        int g[3] = {c[0], c[1], c[2]};
        g[m_axis] += s * n[m_axis];
        out[at(c, n)] = all[at(g, N)];
      }
  return out;
}

Field<double> PlateBatch::temperature(int s) const {
  Field<double> T(m_plate_n[0], m_plate_n[1], m_plate_n[2]);
  T.from_host(slab_of(m_integ->temperature().to_host(), s));
  return T;
}

std::vector<double> PlateBatch::source(int s) const {
  return slab_of(m_solver->source_field().to_host(), s);
}

TransientIntegrator::State PlateBatch::state(int s) const {
  TransientIntegrator::State all = m_integ->save_state();
  all.now = slab_of(all.now, s);
  all.old = slab_of(all.old, s);
  all.older = slab_of(all.older, s);
  return all;
}

void PlateBatch::set_states(const std::vector<TransientIntegrator::State>& per_slab) {
  if (static_cast<int>(per_slab.size()) != m_slabs)
    throw std::invalid_argument("PlateBatch::set_states: one state per slab");
  TransientIntegrator::State all;
  all.scalars = per_slab.front().scalars;
  std::vector<const std::vector<double>*> now, old, older;
  for (const auto& s : per_slab) {
    // The slabs step together: one time, one step history.
    if (s.scalars.size() < 5 || !std::equal(s.scalars.begin(), s.scalars.begin() + 5,
                                            all.scalars.begin()))
      throw std::invalid_argument("PlateBatch::set_states: the plates are at different times");
    now.push_back(&s.now);
    old.push_back(&s.old);
    older.push_back(&s.older);
  }
  const int ax = std::max(m_axis, 0);
  all.now = stack(now, m_plate_n, ax, m_plate_n[ax]);
  all.old = stack(old, m_plate_n, ax, m_plate_n[ax]);
  all.older = stack(older, m_plate_n, ax, m_plate_n[ax]);
  m_integ->restore_state(all);
  if (m_flow) m_solver->update_advection(m_integ->temperature(), true);
}

}  // namespace kelvin
