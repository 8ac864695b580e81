// One 3-D thermal model per GPU, sharing geometry, power shapes and flow fields.
#include "solver/coupling/gpu_fleet.hpp"

#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "solver/numerics/operator.hpp"
#include "solver/coupling/problem_setup.hpp"

namespace kelvin {

Case gpu_variant(const Case& c, const GpuInstance& gpu) {
  Case v = c;
  v.gpus.reset();
  if (v.coldplate) {
    if (gpu.inlet_temperature_K > 0) v.coldplate->inlet_temperature_K = gpu.inlet_temperature_K;
    if (gpu.flow_rate_m3_s > 0) v.coldplate->flow_rate_m3_s = gpu.flow_rate_m3_s;
  }
  for (auto& p : v.ports) {
    if (p.kind != FlowPort::Kind::Inlet) continue;
    if (gpu.inlet_temperature_K > 0) p.temperature_K = gpu.inlet_temperature_K;
    if (gpu.flow_rate_m3_s > 0) p.flow_rate_m3_s = gpu.flow_rate_m3_s;
  }
  return v;
}

namespace {

const HeatSource& die_source(const Case& c) {
  const std::string& name = c.gpus->die_source;
  for (const auto& s : c.sources)
    if (name.empty() || s.name == name) return s;
  throw SetupError("gpus: die_source \"" + name + "\" is not one of the sources");
}

Field<double> to_field(const Grid& g, const std::vector<double>& host) {
  Field<double> f(g.n(0), g.n(1), g.n(2));
  f.from_host(host);
  return f;
}

/// Inlet temperature and flow rate of a variant: the key under which GPUs share a flow field.
std::pair<double, double> feed(const Case& v) {
  double t = 0, q = 0;
  for (const auto& p : case_ports(v))
    if (p.kind == FlowPort::Kind::Inlet) t = p.temperature_K, q += p.flow_rate_m3_s;
  return {t, q};
}

}  // namespace

struct GpuFleet::Gpu {
  Case variant;
  std::unique_ptr<ConductionSolver> solver;
  std::shared_ptr<FlowSolver> flow;
  ChtResult cht;
  Field<double> T;
  /// The GPU whose thermal state this one shares while their inputs are identical (same feed,
  /// same power every interval), or -1: its own. Leaders come first in the fleet.
  int leader = -1;
  double power_W = std::nan(""), hbm_fraction = std::nan("");  ///< as last set
  AdvanceStats last;  ///< its last advance
  std::unique_ptr<TransientIntegrator> integ;
};

GpuFleet::GpuFleet(const Case& c, ProgressSink& progress) : m_case(c) {
  const ConductionProblem base = make_conduction_problem(gpu_variant(c, c.gpus->instances[0]));
  m_grid = base.grid;
  const std::string jm = !c.junction_material.empty() ? c.junction_material : "silicon";
  m_junction_material = c.material_index(jm);
  if (m_junction_material < 0) throw SetupError("gpus: junction material \"" + jm + "\" not found");
  m_hbm_material = c.gpus->hbm_material.empty() ? -1 : c.material_index(c.gpus->hbm_material);

  // q_fixed: every source but the die's; u_die: the die's shape carrying 1 W; u_hbm: 1 W spread
  // over the HBM cells by volume.
  const HeatSource& die = die_source(c);
  const std::size_t n = static_cast<std::size_t>(m_grid.cell_count());
  std::vector<double> fixed(n, 0.0), hbm(n, 0.0);
  for (const auto& s : c.sources) {
    if (&s == &die) continue;
    const auto q = heat_source_field(s, m_grid);
    for (std::size_t k = 0; k < n; ++k) fixed[k] += q[k];
  }
  HeatSource one = die;
  one.kind = HeatSource::Kind::TotalPower;
  one.value = 1.0;
  if (m_hbm_material >= 0) {
    double volume = 0;
    const auto& mat = m_grid.materials();
    for (int k = 0; k < m_grid.n(2); ++k)
      for (int j = 0; j < m_grid.n(1); ++j)
        for (int i = 0; i < m_grid.n(0); ++i)
          if (mat[m_grid.index(i, j, k)] == m_hbm_material)
            volume += m_grid.width(0, i) * m_grid.width(1, j) * m_grid.width(2, k);
    if (volume > 0) {
      for (std::size_t k = 0; k < n; ++k) hbm[k] = mat[k] == m_hbm_material ? 1.0 / volume : 0.0;
    } else {
      m_hbm_material = -1;
    }
  }
  m_fixed = to_field(m_grid, fixed);
  m_die = to_field(m_grid, heat_source_field(one, m_grid));
  m_hbm = to_field(m_grid, hbm);

  std::map<std::pair<double, double>, std::pair<std::shared_ptr<FlowSolver>, ChtResult>> flows;
  std::map<std::pair<double, double>, int> first_fed;  // the first GPU of each feed
  for (const auto& inst : c.gpus->instances) {
    auto g = std::make_unique<Gpu>();
    g->variant = gpu_variant(c, inst);
    ConductionProblem p = make_conduction_problem(g->variant);
    p.source_W_m3 = fixed;  // the GPU's power is set before every step
    g->solver = std::make_unique<ConductionSolver>(p);
    g->T = g->solver->make_field(c.initial_temperature_K);
    if (c.has_flow()) {
      auto& shared = flows[feed(g->variant)];
      if (!shared.first) {
        progress.log(fmt::format("kelvin: flow for {} ({:.4g} L/min at {:.2f} degC)", inst.name,
                                 feed(g->variant).second * 6e4, feed(g->variant).first - 273.15));
        shared.first = std::make_shared<FlowSolver>(make_flow_problem(g->variant, m_grid),
                                                    case_flow_settings(c));
        couple_energy_to_flow(g->variant, m_grid, *shared.first, *g->solver);
        start_transient_flow(g->variant.coolant->constant_properties, *shared.first, *g->solver, g->T, shared.second, progress);
        progress.finish();
      } else {
        couple_energy_to_flow(g->variant, m_grid, *shared.first, *g->solver);
        g->solver->update_advection(g->T);
      }
      g->flow = shared.first;
      g->cht = shared.second;
    }
    if (c.transient.enabled) {
      TransientSettings ts = c.transient;
      ts.adaptive = false;
      g->integ = std::make_unique<TransientIntegrator>(*g->solver, ts, c.solver, g->T);
      // Same feed, same start: the same thermal state until their powers differ.
      const auto first = first_fed.emplace(feed(g->variant), size()).first->second;
      if (first != size()) g->leader = first;
    }
    m_gpus.push_back(std::move(g));
  }
}

GpuFleet::~GpuFleet() = default;

const GpuFleet::Gpu& GpuFleet::owner(int i) const {
  const Gpu& g = *m_gpus[i];
  return g.leader >= 0 ? *m_gpus[g.leader] : g;
}

int GpuFleet::thermal_solves() const {
  int n = 0;
  for (const auto& g : m_gpus) n += g->leader < 0;
  return n;
}

double GpuFleet::junction_K(int i) const {
  return owner(i).solver->material_max(temperature(i), m_junction_material);
}

double GpuFleet::hbm_K(int i) const {
  if (m_hbm_material < 0) return std::nan("");
  return owner(i).solver->material_max(temperature(i), m_hbm_material);
}

void GpuFleet::set_power(int i, double power_W, double hbm_fraction) {
  Gpu& g = *m_gpus[i];
  if (g.leader >= 0) {
    const Gpu& l = *m_gpus[g.leader];
    if (power_W == l.power_W && hbm_fraction == l.hbm_fraction) {
      g.power_W = power_W, g.hbm_fraction = hbm_fraction;
      return;  // still the leader's twin: its solve serves both
    }
    detach(i);
  }
  g.power_W = power_W, g.hbm_fraction = hbm_fraction;
  const double to_hbm = m_hbm_material >= 0 ? hbm_fraction * power_W : 0.0;
  g.solver->set_source(m_fixed, m_die, power_W - to_hbm, m_hbm, to_hbm);
}

void GpuFleet::detach(int i) {
  Gpu& g = *m_gpus[i];
  const Gpu& l = *m_gpus[g.leader];
  g.leader = -1;
  g.integ->restore_state(l.integ->save_state());
  if (g.flow) g.solver->update_advection(g.integ->temperature(), true);
}

AdvanceStats GpuFleet::advance(int i, double t_s) {
  Gpu& g = *m_gpus[i];
  if (g.leader >= 0) {  // the leader has just advanced: its solve is this GPU's
    AdvanceStats shared = m_gpus[g.leader]->last;
    shared.linear_iterations = 0;
    return shared;
  }
  AdvanceStats a;
  const long long before = g.integ->linear_iterations();
  g.integ->advance_to(t_s, [&](const StepInfo& s) {
    const auto eb = g.solver->energy_balance(g.integ->temperature(), s.storage_W);
    if (eb.has_heat()) a.max_relative_error = std::max(a.max_relative_error, eb.relative_error());
    a.max_imbalance_W = std::max(a.max_imbalance_W, std::fabs(eb.imbalance_W()));
    if (!s.solve.converged) {
      ++a.short_steps;
      if (a.short_steps == 1 || s.solve.relative_residual > a.worst_step.relative_residual)
        a.worst_step = s.solve;
    }
    // The TVD correction of the advection follows the new temperatures.
    if (g.flow) g.solver->update_advection(g.integ->temperature(), true);
  });
  a.linear_iterations = g.integ->linear_iterations() - before;
  g.last = a;
  return a;
}

SolveStats GpuFleet::solve_steady(int i, ProgressSink& progress) {
  Gpu& g = *m_gpus[i];  // steady fleets share nothing: leaders are set for transients only
  if (g.flow) {
    g.cht = solve_steady_cht(case_cht_settings(g.variant), *g.flow, *g.solver, g.T, progress);
    return g.cht.energy;
  }
  return g.solver->solve_steady(g.T, m_case.solver.tolerance, m_case.solver.max_iterations);
}

double GpuFleet::time(int i) const { return owner(i).integ ? owner(i).integ->time() : 0.0; }

const Field<double>& GpuFleet::temperature(int i) const {
  return owner(i).integ ? owner(i).integ->temperature() : owner(i).T;
}

const ConductionSolver& GpuFleet::solver(int i) const { return *owner(i).solver; }
const FlowSolver* GpuFleet::flow(int i) const { return owner(i).flow.get(); }
const Case& GpuFleet::variant(int i) const { return m_gpus[i]->variant; }
const ChtResult& GpuFleet::flow_result(int i) const { return owner(i).cht; }

TransientIntegrator::State GpuFleet::save_state(int i) const {
  return owner(i).integ->save_state();
}

namespace {
bool same_state(const TransientIntegrator::State& a, const TransientIntegrator::State& b) {
  return a.scalars == b.scalars && a.now == b.now && a.old == b.old && a.older == b.older;
}
}  // namespace

void GpuFleet::restore_state(int i, const TransientIntegrator::State& s) {
  Gpu& g = *m_gpus[i];
  // A twin stays a twin when its checkpointed state is its (already restored) leader's.
  if (g.leader >= 0 && same_state(s, m_gpus[g.leader]->integ->save_state())) return;
  g.leader = -1;
  g.integ->restore_state(s);
  if (g.flow) g.solver->update_advection(g.integ->temperature(), true);
}

}  // namespace kelvin
