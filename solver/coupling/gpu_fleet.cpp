// One 3-D thermal model per GPU, sharing geometry, power shapes and flow fields.
#include "solver/coupling/gpu_fleet.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "solver/numerics/multigrid.hpp"
#include "solver/numerics/operator.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/parallel/ranks.hpp"

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

struct GpuFleet::Feed {
  Case variant;  ///< its first GPU's
  ConductionProblem problem;
  std::shared_ptr<FlowSolver> flow;
  ChtResult cht;
  std::array<std::vector<double>, 6> inflow;
  CoolantProperties coolant{};
  Field<double> T0;
  double inlet_K = 0, flow_m3_s = 0;  ///< the feed: its inlet temperature and flow rate
  /// This feed's plate as a batch takes it.
  PlateInput plate() const {
    return {&problem, flow.get(), coolant, flow ? &inflow : nullptr, &T0};
  }
};

struct GpuFleet::Gpu {
  Case variant;
  int feed = 0;
  std::unique_ptr<ConductionSolver> solver;  ///< steady runs (and a feed's flow start)
  mutable Field<double> T;  ///< steady: its solution; transient: the last temperature(i)
  ChtResult cht;
  /// The GPU whose thermal state this one shares while their inputs are identical (same feed,
  /// same power every interval), or -1: its own. Leaders come first in the fleet.
  int leader = -1;
  double power_W = std::nan(""), hbm_fraction = std::nan("");  ///< as last set
  double inlet_K = std::nan(""), flow_m3_s = std::nan("");     ///< set_feed's (NaN: the feed's)
  AdvanceStats last;  ///< its last advance
  int batch = -1, slab = -1;  ///< transient: where its state lives (leaders only)
};

GpuFleet::GpuFleet(const Case& c, ProgressSink& progress, bool batch, std::vector<int> groups)
    : m_case(c), m_batch(batch), m_group(std::move(groups)) {
  const int gpus = static_cast<int>(c.gpus->instances.size());
  m_spread = !m_group.empty() && Ranks::world().size() > 1;  // a fleet without groups is this rank's
  if (m_group.empty()) m_group.assign(static_cast<std::size_t>(gpus), 0);
  if (static_cast<int>(m_group.size()) != gpus || !std::is_sorted(m_group.begin(), m_group.end()) ||
      m_group.front() != 0)
    throw std::invalid_argument("GpuFleet: groups must be one non-decreasing index a GPU, from 0");
  m_groups = m_group.back() + 1;
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

  const bool transient = c.transient.enabled;
  std::map<std::pair<double, double>, int> feed_of;  // feed key -> index in m_feeds
  std::map<std::pair<int, int>, int> first_of_feed;  // (feed, group) -> its first GPU
  std::array<bool, 3> stackable{true, true, true};
  int preferred = -1;
  for (const auto& inst : c.gpus->instances) {
    auto g = std::make_unique<Gpu>();
    g->variant = gpu_variant(c, inst);
    const auto key = feed(g->variant);
    const bool first = !feed_of.count(key);
    if (first) {
      feed_of[key] = static_cast<int>(m_feeds.size());
      auto f = std::make_unique<Feed>();
      f->variant = g->variant;
      f->inlet_K = key.first;
      f->flow_m3_s = key.second;
      f->problem = make_conduction_problem(g->variant);
      f->problem.source_W_m3 = fixed;  // the GPU's power is set before every step
      m_feeds.push_back(std::move(f));
    }
    g->feed = feed_of[key];
    Feed& f = *m_feeds[g->feed];
    if (!transient || first) {  // transients keep one solver per feed, for its flow's start
      g->solver = std::make_unique<ConductionSolver>(f.problem, multigrid_options(c.solver));
      g->T = g->solver->make_field(c.initial_temperature_K);
      if (c.has_flow()) {
        if (first) {
          progress.log(fmt::format("kelvin: flow for {} ({:.4g} L/min at {:.2f} degC)", inst.name,
                                   key.second * 6e4, key.first - 273.15));
          f.flow = std::make_shared<FlowSolver>(make_flow_problem(g->variant, m_grid),
                                                case_flow_settings(c));
          couple_energy_to_flow(g->variant, m_grid, *f.flow, *g->solver);
          start_transient_flow(g->variant.coolant->constant_properties, *f.flow, *g->solver, g->T,
                               f.cht, progress);
          progress.finish();
          f.inflow = inflow_temperatures(g->variant, m_grid);
          f.coolant = energy_coolant(g->variant);
        } else {
          couple_energy_to_flow(g->variant, m_grid, *f.flow, *g->solver);
          g->solver->update_advection(g->T);
        }
      }
    }
    g->cht = f.cht;
    if (transient && first) {
      f.T0 = g->solver->make_field();
      copy(g->T, f.T0);
      // Plates stack along an axis whose faces carry nothing in every feed: the line axis if it
      // can (then lines, not aggregates, meet the slab faces), else the slowest one that can.
      if (m_feeds.size() == 1) preferred = strongest_axis(g->solver->steady_operator());
      for (int d = 0; d < 3; ++d) stackable[d] = stackable[d] && stackable_along(f.plate(), d);
      g->solver.reset();
    }
    // Same feed, same start, same group: the same thermal state until their powers differ.
    const auto lead = first_of_feed.emplace(std::make_pair(g->feed, m_group[size()]), size()).first;
    if (transient && lead->second != size()) g->leader = lead->second;
    m_gpus.push_back(std::move(g));
  }
  if (!transient) return;
  m_stack_axis = -1;
  if (m_batch && preferred >= 0 && stackable[preferred]) m_stack_axis = preferred;
  for (int d = 2; d >= 0 && m_batch && m_stack_axis < 0; --d)
    if (stackable[d]) m_stack_axis = d;
  build_batches({});
  if (m_spread) exchange();
}

GpuFleet::~GpuFleet() = default;

void GpuFleet::build_batches(const std::vector<TransientIntegrator::State>& states,
                             const std::vector<int>& only) {
  // Unstacked, a GPU that keeps its state keeps its batch as it is (bit for bit); so do the
  // groups not rebuilt.
  std::vector<std::unique_ptr<PlateBatch>> old = std::move(m_batches);
  m_batches.clear();
  for (int grp = 0; grp < m_groups; ++grp) {
    std::vector<int> solved;
    for (int i = 0; i < size(); ++i)
      if (m_group[i] == grp && m_gpus[i]->leader < 0 && owned(i)) solved.push_back(i);
    if (!only.empty() && std::find(only.begin(), only.end(), grp) == only.end()) {
      std::map<int, int> moved;  // old batch -> new
      for (int i : solved) {
        Gpu& g = *m_gpus[i];
        if (!moved.count(g.batch)) {
          moved[g.batch] = static_cast<int>(m_batches.size());
          m_batches.push_back(std::move(old[g.batch]));
        }
        g.batch = moved[g.batch];
      }
      continue;
    }
    std::vector<std::vector<int>> groups;  // GPUs per batch
    if (m_stack_axis >= 0 && solved.size() > 1) groups.push_back(solved);
    else
      for (int i : solved) groups.push_back({i});
    for (const auto& group : groups) build_batch(group, states, old);
  }
}

void GpuFleet::build_batch(const std::vector<int>& group, const std::vector<TransientIntegrator::State>& states,
                           std::vector<std::unique_ptr<PlateBatch>>& old) {
  Gpu& only = *m_gpus[group.front()];
  if (states.empty() && group.size() == 1 && only.batch >= 0 && old[only.batch] &&
      old[only.batch]->slabs() == 1) {
    m_batches.push_back(std::move(old[only.batch]));
    only.batch = static_cast<int>(m_batches.size()) - 1;
    return;
  }
  std::vector<PlateInput> inputs;
  for (int i : group) inputs.push_back(m_feeds[m_gpus[i]->feed]->plate());
  m_batches.push_back(std::make_unique<PlateBatch>(inputs, group.size() > 1 ? m_stack_axis : -1,
                                                   m_case.transient, m_case.solver));
  std::vector<TransientIntegrator::State> slab_states;
  for (std::size_t s = 0; s < group.size(); ++s) {
    Gpu& g = *m_gpus[group[s]];
    g.batch = static_cast<int>(m_batches.size()) - 1;
    g.slab = static_cast<int>(s);
    if (!states.empty()) slab_states.push_back(states[group[s]]);
    if (!std::isnan(g.power_W)) set_heat(g);
    set_batch_feed(g);
  }
  if (!states.empty()) m_batches.back()->set_states(slab_states);
}

const GpuFleet::Gpu& GpuFleet::owner(int i) const {
  const Gpu& g = *m_gpus[i];
  return g.leader >= 0 ? *m_gpus[g.leader] : g;
}

int GpuFleet::thermal_solves() const {
  int n = 0;
  for (const auto& g : m_gpus) n += g->leader < 0;
  return n;
}

bool GpuFleet::owned(int i) const {
  return !m_spread || Ranks::world().owns(m_group[static_cast<std::size_t>(i)], m_groups);
}

int GpuFleet::batches() const { return m_spread ? m_all_batches : static_cast<int>(m_batches.size()); }

double GpuFleet::junction_K(int i) const {
  if (!owned(i)) return m_tj[static_cast<std::size_t>(i)];
  const Gpu& o = owner(i);
  if (o.batch >= 0) return m_batches[o.batch]->material_max(o.slab, m_junction_material);
  return o.solver->material_max(o.T, m_junction_material);
}

double GpuFleet::hbm_K(int i) const {
  if (m_hbm_material < 0) return std::nan("");
  if (!owned(i)) return m_th[static_cast<std::size_t>(i)];
  const Gpu& o = owner(i);
  if (o.batch >= 0) return m_batches[o.batch]->material_max(o.slab, m_hbm_material);
  return o.solver->material_max(o.T, m_hbm_material);
}

void GpuFleet::set_heat(Gpu& g) {
  const double to_hbm = m_hbm_material >= 0 ? g.hbm_fraction * g.power_W : 0.0;
  if (g.batch >= 0) m_batches[g.batch]->set_power(g.slab, m_fixed, m_die, g.power_W - to_hbm, m_hbm, to_hbm);
  else g.solver->set_source(m_fixed, m_die, g.power_W - to_hbm, m_hbm, to_hbm);
}

bool GpuFleet::twin_of_leader(const Gpu& g) const {
  const Gpu& l = *m_gpus[g.leader];
  const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  return g.power_W == l.power_W && g.hbm_fraction == l.hbm_fraction && same(g.inlet_K, l.inlet_K) &&
         same(g.flow_m3_s, l.flow_m3_s);
}

void GpuFleet::set_power(int i, double power_W, double hbm_fraction) {
  Gpu& g = *m_gpus[i];
  g.power_W = power_W, g.hbm_fraction = hbm_fraction;
  if (!owned(i)) return;  // its owner's to solve
  if (g.leader < 0) set_heat(g);
  else if (!twin_of_leader(g)) detach(i);  // else still the leader's twin: its solve serves both
}

void GpuFleet::set_feed(int i, double inlet_K, double flow_m3_s) {
  Gpu& g = *m_gpus[i];
  g.inlet_K = inlet_K, g.flow_m3_s = flow_m3_s;
  if (!owned(i)) return;
  if (g.leader < 0) set_batch_feed(g);
  else if (!twin_of_leader(g)) detach(i);
}

void GpuFleet::set_batch_feed(const Gpu& g) {
  if (std::isnan(g.flow_m3_s) || g.batch < 0) return;
  const Feed& f = *m_feeds[g.feed];
  m_batches[g.batch]->set_feed(g.slab, g.flow_m3_s / f.flow_m3_s, g.inlet_K);
}

void GpuFleet::detach(int i) {
  if (std::find(m_detaching.begin(), m_detaching.end(), i) == m_detaching.end())
    m_detaching.push_back(i);
}

void GpuFleet::apply_detaches() {
  if (m_detaching.empty()) return;
  // Every GPU solved keeps its state; a detaching GPU takes its leader's. Unstacked, only the
  // detaching GPUs need new batches; stacked, one new batch serves each of their groups.
  std::vector<TransientIntegrator::State> states(size());
  std::vector<int> touched;  // groups with a GPU detaching
  for (int i : m_detaching)
    if (std::find(touched.begin(), touched.end(), m_group[i]) == touched.end()) touched.push_back(m_group[i]);
  if (m_stack_axis >= 0)
    for (int k = 0; k < size(); ++k)
      if (m_gpus[k]->leader < 0 && owned(k) &&
          std::find(touched.begin(), touched.end(), m_group[k]) != touched.end())
        states[k] = save_state(k);
  for (int i : m_detaching) states[i] = save_state(i);
  for (int i : m_detaching) m_gpus[i]->leader = -1;
  if (m_stack_axis >= 0) {
    build_batches(states, touched);
  } else {
    for (int i : m_detaching) {
      Gpu& g = *m_gpus[i];
      m_batches.push_back(std::make_unique<PlateBatch>(std::vector<PlateInput>{m_feeds[g.feed]->plate()},
                                                       -1, m_case.transient, m_case.solver));
      g.batch = static_cast<int>(m_batches.size()) - 1;
      g.slab = 0;
      m_batches.back()->set_states({states[i]});
      set_heat(g);
      set_batch_feed(g);
    }
  }
  m_detaching.clear();
}

double GpuFleet::coolant_heat_W(int i) const {
  if (!owned(i)) return m_q[static_cast<std::size_t>(i)];
  const Gpu& o = owner(i);
  if (o.batch >= 0) return m_batches[o.batch]->coolant_heat_W(o.slab);
  return o.solver && o.solver->advective() ? o.solver->advected_heat(o.T) : 0.0;
}

double GpuFleet::stored_J() const {
  double sum = 0;
  if (!m_spread)
    for (const auto& b : m_batches) sum += b->stored_J();
  else
    for (double s : m_stored) sum += s;  // group by group, in order, on every rank
  return sum;
}

std::vector<int> GpuFleet::group_batches(int grp) const {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i) {
    const Gpu& g = *m_gpus[i];
    if (m_group[i] == grp && g.leader < 0 && owned(i) && std::find(out.begin(), out.end(), g.batch) == out.end())
      out.push_back(g.batch);
  }
  return out;
}

int GpuFleet::settle() {
  apply_detaches();
  int worst = 0;
  for (const auto& b : m_batches) worst = std::max(worst, b->solve_steady());
  if (!m_spread) return worst;
  exchange();
  m_exchanged_s = -1;  // the integrators restart at time 0
  return static_cast<int>(Ranks::world().max(worst));
}

AdvanceStats GpuFleet::advance(int i, double t_s) {
  if (!m_spread) {
    apply_detaches();
    return advance_owned(i, t_s);
  }
  // Over several ranks, the interval's first advance advances every GPU this rank owns, in
  // order, and then every rank has every GPU's numbers.
  if (t_s > m_exchanged_s) {
    apply_detaches();
    for (int k = 0; k < size(); ++k)
      if (owned(k)) m_stats[k] = advance_owned(k, t_s);
    exchange();
    m_exchanged_s = t_s;
  }
  return m_stats[static_cast<std::size_t>(i)];
}

void GpuFleet::exchange() {
  // per GPU: T_j, T_hbm, q, and its stats; then per group: stored heat, batches
  constexpr std::size_t kGpu = 9;
  const std::size_t n = m_gpus.size(), groups = static_cast<std::size_t>(m_groups);
  std::vector<double> v(kGpu * n + 2 * groups, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const int k = static_cast<int>(i);
    if (!owned(k)) continue;
    const AdvanceStats& a = m_stats.empty() ? AdvanceStats{} : m_stats[i];
    const double row[kGpu] = {junction_K(k), has_hbm() ? hbm_K(k) : 0.0, coolant_heat_W(k),
                              a.max_relative_error, a.max_imbalance_W,
                              static_cast<double>(a.linear_iterations), static_cast<double>(a.short_steps),
                              static_cast<double>(a.worst_step.iterations), a.worst_step.relative_residual};
    std::copy(row, row + kGpu, v.begin() + static_cast<long>(kGpu * i));
  }
  for (std::size_t g = 0; g < groups; ++g) {
    const int grp = static_cast<int>(g);
    if (!Ranks::world().owns(grp, m_groups)) continue;
    const std::vector<int> batches = group_batches(grp);
    for (int b : batches) v[kGpu * n + g] += m_batches[b]->stored_J();
    v[kGpu * n + groups + g] = static_cast<double>(batches.size());
  }
  Ranks::world().share(v);
  m_tj.assign(n, 0), m_th.assign(n, std::nan("")), m_q.assign(n, 0), m_stats.assign(n, AdvanceStats{});
  for (std::size_t i = 0; i < n; ++i) {
    const double* r = &v[kGpu * i];
    m_tj[i] = r[0], m_q[i] = r[2];
    if (has_hbm()) m_th[i] = r[1];
    AdvanceStats& a = m_stats[i];
    a.max_relative_error = r[3], a.max_imbalance_W = r[4];
    a.linear_iterations = static_cast<long long>(r[5]), a.short_steps = static_cast<int>(r[6]);
    a.worst_step.iterations = static_cast<int>(r[7]), a.worst_step.relative_residual = r[8];
  }
  m_stored.assign(v.begin() + static_cast<long>(kGpu * n), v.begin() + static_cast<long>(kGpu * n + groups));
  m_all_batches = 0;
  for (std::size_t g = 0; g < groups; ++g) m_all_batches += static_cast<int>(v[kGpu * n + groups + g]);
}

AdvanceStats GpuFleet::advance_owned(int i, double t_s) {
  Gpu& g = *m_gpus[i];
  if (g.leader >= 0) {  // the leader has just advanced: its solve is this GPU's
    AdvanceStats shared = m_gpus[g.leader]->last;
    shared.linear_iterations = 0;
    return shared;
  }
  PlateBatch& b = *m_batches[g.batch];
  const bool already = t_s - b.time() <= 1e-12 * std::max(1.0, std::fabs(t_s));
  g.last = b.advance_to(t_s);
  if (already) g.last.linear_iterations = 0;  // another GPU of the batch advanced it
  return g.last;
}

SolveStats GpuFleet::solve_steady(int i, ProgressSink& progress) {
  Gpu& g = *m_gpus[i];  // steady fleets share nothing: leaders are set for transients only
  if (flow(i)) {
    g.cht = solve_steady_cht(case_cht_settings(g.variant), *m_feeds[g.feed]->flow, *g.solver, g.T,
                             progress);
    return g.cht.energy;
  }
  return g.solver->solve_steady(g.T, m_case.solver.tolerance, m_case.solver.max_iterations);
}

double GpuFleet::time(int i) const {
  const Gpu& o = owner(i);
  return o.batch >= 0 ? m_batches[o.batch]->time() : 0.0;
}

const Field<double>& GpuFleet::temperature(int i) const {
  if (!owned(i)) throw std::logic_error("GpuFleet: GPU " + std::to_string(i) + " is another rank's");
  const Gpu& o = owner(i);
  if (o.batch < 0) return o.T;
  const Gpu& g = *m_gpus[i];
  g.T = m_batches[o.batch]->temperature(o.slab);
  return g.T;
}

std::vector<double> GpuFleet::source(int i) const {
  const Gpu& o = owner(i);
  if (o.batch >= 0) return m_batches[o.batch]->source(o.slab);
  return o.solver->source_field().to_host();
}

const FlowSolver* GpuFleet::flow(int i) const { return m_feeds[m_gpus[i]->feed]->flow.get(); }
const Case& GpuFleet::variant(int i) const { return m_gpus[i]->variant; }
const ChtResult& GpuFleet::flow_result(int i) const { return owner(i).cht; }

TransientIntegrator::State GpuFleet::save_state(int i) const {
  if (!owned(i)) throw std::logic_error("GpuFleet: GPU " + std::to_string(i) + " is another rank's");
  const Gpu& o = owner(i);
  return m_batches[o.batch]->state(o.slab);
}

namespace {
bool same_state(const TransientIntegrator::State& a, const TransientIntegrator::State& b) {
  return a.scalars == b.scalars && a.now == b.now && a.old == b.old && a.older == b.older;
}
}  // namespace

void GpuFleet::restore_state(int i, const TransientIntegrator::State& s) {
  if (m_restored.size() != m_gpus.size()) m_restored.assign(m_gpus.size(), {});
  Gpu& g = *m_gpus[i];
  // A twin stays a twin when its checkpointed state is its (already restored) leader's.
  if (!(g.leader >= 0 && same_state(s, m_restored[g.leader]))) g.leader = -1;
  m_restored[i] = s;
  if (i + 1 < size()) return;
  build_batches(m_restored);
  m_restored.clear();
}

}  // namespace kelvin
