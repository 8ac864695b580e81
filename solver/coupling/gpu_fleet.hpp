#pragma once
/// The thermal side of a GPU case: one 3-D model per GPU (the case's package and cold plate with
/// that GPU's coolant feed), laid out for many identical plates: the geometry, the power shapes
/// and each distinct coolant feed (its problem and flow field) are built once and shared. Power
/// enters as q = q_fixed + P_die u_die + P_hbm u_hbm, where the u are the die source's shape (its
/// power map) and the HBM cells' volume share, each carrying 1 W. T_j is the maximum over the
/// junction material, T_hbm over the HBM material. In transients, GPUs with identical inputs are
/// solved once (see set_power), and the GPUs solved are stacked into one batched operator
/// (PlateBatch) along the plates' line axis when its faces carry nothing; otherwise each is a
/// batch of its own.
///
/// Groups (a rack's trays) split a fleet into parts that share nothing: a GPU shares only a
/// GPU of its own group's solve, and each group's GPUs are batched apart. A fleet given groups
/// is spread over the MPI ranks (solver/parallel/ranks.hpp): each rank owns whole groups, solves only those and, after every
/// settle and advance, gets every other GPU's temperatures, coolant heat and stats from its
/// owner; so every rank sees the whole fleet, and no answer depends on the number of ranks.
#include <memory>
#include <string>
#include <vector>

#include "solver/case/case.hpp"
#include "solver/physics/cht.hpp"
#include "solver/physics/conduction.hpp"
#include "solver/physics/flow.hpp"
#include "solver/base/progress_sink.hpp"
#include "solver/coupling/gpu_thermal.hpp"
#include "solver/coupling/plate_batch.hpp"
#include "solver/numerics/transient.hpp"

namespace kelvin {

/// The case as one GPU sees it: the same geometry, that GPU's inlet temperature and flow rate
/// (on the cold plate, or on every inlet port), no gpus section.
Case gpu_variant(const Case& c, const GpuInstance& gpu);

class GpuFleet : public GpuThermal {
 public:
  /// Builds every GPU's model and solves each distinct coolant flow once (steady at the initial
  /// temperature; GPU transients keep that flow field: the energy equation carries the
  /// coolant's heat, the velocities stay those of the start).
  /// With batch false every GPU solved is a batch of its own (for comparisons). groups: GPU i's
  /// group (0 .. groups-1, non-decreasing), or empty: one group of every GPU.
  GpuFleet(const Case& c, ProgressSink& progress, bool batch = true, std::vector<int> groups = {});
  ~GpuFleet() override;

  int size() const override { return static_cast<int>(m_gpus.size()); }
  const Grid& grid() const { return m_grid; }
  bool has_hbm() const { return m_hbm_material >= 0; }
  long long cells_per_gpu() const { return m_grid.cell_count(); }

  /// Junction (max over the junction material) and HBM (max over the HBM material, NaN
  /// without one) temperatures of GPU i now, K.
  double junction_K(int i) const override;
  double hbm_K(int i) const override;
  /// Sets GPU i's heat: hbm_fraction of power_W into the HBM cells (none without them), the
  /// rest into the die. Every interval, call it for GPUs 0, 1, ... in order, then advance them
  /// in order: GPUs that start alike (same coolant feed) share their leader's solve for as long
  /// as their powers are bitwise equal; the first interval they differ, the follower takes a
  /// copy of the leader's state and goes on alone.
  void set_power(int i, double power_W, double hbm_fraction) override;
  /// GPU i's coolant feed from its next advance on (a rack's loop sets it every interval): its
  /// inlet temperature and flow rate, the flow field of its start scaled to that flow (the
  /// field's shape kept). A GPU sharing its leader's solve goes on alone, as in set_power,
  /// once its feed differs from the leader's. Call it after set_power, in the same order.
  void set_feed(int i, double inlet_K, double flow_m3_s);
  /// Heat GPU i's plate gives its coolant now (enthalpy out minus in), W; 0 without coolant.
  double coolant_heat_W(int i) const;
  /// Heat stored in the cells of every GPU solved relative to 0 K, J (a twin's not twice).
  double stored_J() const;
  /// Every GPU's steady temperatures at the powers and feeds set, from which the transient then
  /// starts at time 0 (the start of a rack on its loop). Returns the worst outer iterations.
  int settle();
  /// Advances GPU i's temperatures to t_s with the case's fixed time step. A GPU that shares
  /// its leader's solve returns the leader's stats without its iterations.
  AdvanceStats advance(int i, double t_s) override;
  /// advance(i, t_s), adding its linear iterations to *iterations (when given); returns the
  /// worst per-step energy-balance relative error over the steps with heat in.
  double advance(int i, double t_s, long long* iterations) {
    const AdvanceStats a = advance(i, t_s);
    if (iterations) *iterations += a.linear_iterations;
    return a.max_relative_error;
  }
  /// The thermal models solved now: GPUs that do not share another's solve.
  int thermal_solves() const;
  /// The operators they are solved in, over every rank: one a group when batched, else
  /// thermal_solves().
  int batches() const;
  /// Whether this rank solves GPU i (every GPU on one rank).
  bool owned(int i) const;
  /// The axis the plates are stacked along in a batch (-1: not stackable, or steady).
  int batch_axis() const { return m_stack_axis; }
  /// Steady temperatures of GPU i at its current power (solve_steady_cht with flow: then
  /// flow_result(i) says how the coupling went). Returns the last energy solve's stats.
  SolveStats solve_steady(int i, ProgressSink& progress);

  double time(int i) const;
  const Field<double>& temperature(int i) const;
  /// GPU i's volumetric heat, W/m^3 per cell of grid().
  std::vector<double> source(int i) const;
  const FlowSolver* flow(int i) const;
  const Case& variant(int i) const;
  /// How GPU i's flow was solved: at the start (shared by the GPUs of one coolant feed), or by
  /// the last steady conjugate solve.
  const ChtResult& flow_result(int i) const;

  /// GPU i's transient state. Restore every GPU's in order: the last one's applies them all.
  TransientIntegrator::State save_state(int i) const;
  void restore_state(int i, const TransientIntegrator::State& s);

 private:
  struct Feed;
  struct Gpu;
  /// The GPU whose state GPU i has now: its leader while it shares the leader's solve.
  const Gpu& owner(int i) const;
  /// GPU i leaves its leader (at its next advance): a copy of the leader's state becomes its own.
  void detach(int i);
  /// The detaches asked since the last advance, all at once (one new batch a group, not one
  /// per GPU).
  void apply_detaches();
  /// GPU i's own advance to t_s (an owned GPU's; a follower takes its leader's stats).
  AdvanceStats advance_owned(int i, double t_s);
  /// Over several ranks: every GPU's junction, HBM and coolant heat and last stats, and every
  /// group's stored heat, from their owners to every rank.
  void exchange();
  /// The batches of group g's GPUs (on the rank that owns it).
  std::vector<int> group_batches(int g) const;
  /// Whether follower g still has its leader's inputs (power and feed).
  bool twin_of_leader(const Gpu& g) const;
  /// GPU g's feed into its batch slab.
  void set_batch_feed(const Gpu& g);
  /// Batches for the GPUs solved now, from their states (none: their feeds' starts), with the
  /// powers set so far.
  /// Only the groups in `only` when given.
  void build_batches(const std::vector<TransientIntegrator::State>& states,
                     const std::vector<int>& only = {});
  /// One batch of the GPUs in `group` (their states from `states` when given), or the GPU's
  /// batch of one moved over from `old` when it keeps it.
  void build_batch(const std::vector<int>& group, const std::vector<TransientIntegrator::State>& states,
                   std::vector<std::unique_ptr<PlateBatch>>& old);
  void set_heat(Gpu& g);
  const Case& m_case;
  bool m_batch = true;
  int m_stack_axis = -1;
  Grid m_grid;
  int m_junction_material = -1, m_hbm_material = -1;
  Field<double> m_fixed, m_die, m_hbm;  // W/m^3 shapes shared by every GPU
  std::vector<std::unique_ptr<Feed>> m_feeds;
  std::vector<std::unique_ptr<Gpu>> m_gpus;
  std::vector<std::unique_ptr<PlateBatch>> m_batches;
  std::vector<TransientIntegrator::State> m_restored;  // per GPU, until the last is restored
  std::vector<int> m_detaching;  // GPUs leaving their leaders at the next advance
  std::vector<int> m_group;      // per GPU
  int m_groups = 1;
  bool m_spread = false;  // over several ranks: others' numbers come from exchange()
  // what exchange() brought: per GPU junction, HBM, coolant heat, last stats; per group stored heat
  std::vector<double> m_tj, m_th, m_q, m_stored;
  std::vector<AdvanceStats> m_stats;
  int m_all_batches = 0;
  double m_exchanged_s = -1;  // the time of the advance exchanged last
};

}  // namespace kelvin
