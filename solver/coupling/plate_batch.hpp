#pragma once
/// Many plates on one grid as one batched conduction operator. The plates (a GPU board, a rack)
/// share the grid and materials but not their powers, inlet temperatures, coolant properties
/// or flows. Stacked along an axis whose faces carry nothing (no boundary condition, no flow),
/// they become one problem with no heat crossing between slabs: every kernel launch, every
/// multigrid level and every Krylov iteration then serves all plates, which is what a GPU
/// needs to be busy with boards of small plates. Multigrid keeps every coarse cell inside one
/// plate (and a line along the batch axis decouples at the slab faces, whose couplings are
/// zero); the Krylov solve converges all plates together (its tolerance is relative to the
/// whole batch's right-hand side).
#include <array>
#include <memory>
#include <vector>

#include "solver/numerics/transient.hpp"
#include "solver/physics/conduction.hpp"
#include "solver/physics/flow.hpp"

namespace kelvin {

/// What one advance over a control interval did.
struct AdvanceStats {
  /// Worst per-step energy-balance relative error over the steps with heat in (a GPU that has
  /// shut down has none: its round-off terms over no heat would read about 1).
  double max_relative_error = 0;
  double max_imbalance_W = 0;        ///< worst |heat in - heat out| over every step, W
  long long linear_iterations = 0;   ///< none for a GPU that shares another's solve
  int short_steps = 0;               ///< steps whose linear solve stopped above its tolerance
  SolveStats worst_step;             ///< the one of those with the highest relative residual
};

/// One plate of a batch: its conduction problem, and with coolant its flow, the coolant as the
/// energy equation carries it and its inflow temperatures (inflow_temperatures()).
struct PlateInput {
  const ConductionProblem* problem = nullptr;
  const FlowSolver* flow = nullptr;  ///< nullptr: no coolant flow
  CoolantProperties coolant{};
  const std::array<std::vector<double>, 6>* inflow_K = nullptr;
  const Field<double>* T0 = nullptr;  ///< initial temperature on the plate's grid
};

/// Whether plates like `plate` can be stacked along `axis`: both faces normal to it are
/// adiabatic (no boundary condition, no imposed flux), no coolant enters there, and no mass
/// flows through them.
bool stackable_along(const PlateInput& plate, int axis);

/// The problems stacked along axis, slab b's material ids offset by b x (materials per plate)
/// (a plate's coolant material may differ with its inlet temperature). Faces normal to the axis
/// are the first plate's low face and the last plate's high face.
ConductionProblem stack_problems(const std::vector<const ConductionProblem*>& plates, int axis);

class PlateBatch {
 public:
  /// Plates stacked along axis (-1: a single plate, not stacked), each starting from its T0.
  PlateBatch(const std::vector<PlateInput>& plates, int axis, const TransientSettings& transient,
             const SolverSettings& linear);
  ~PlateBatch();
  PlateBatch(const PlateBatch&) = delete;
  PlateBatch& operator=(const PlateBatch&) = delete;

  int slabs() const { return m_slabs; }
  /// Slab s's heat: q = fixed + die_W u_die + hbm_W u_hbm (fields of one plate's grid).
  void set_power(int s, const Field<double>& fixed, const Field<double>& die, double die_W,
                 const Field<double>& hbm, double hbm_W);
  /// Advances every slab to t_s with the fixed time step; returns the stats of that advance
  /// (every slab's energy balance and linear iterations together). At t_s already: the last
  /// advance's stats.
  const AdvanceStats& advance_to(double t_s);
  double time() const { return m_integ->time(); }
  /// Slab s's coolant feed from the next advance on: its flow field scaled by flow_scale (the
  /// field's shape kept: every face's mass flux times the scale, still divergence-free) and its
  /// coolant entering at inlet_K wherever it entered before. The coolant's properties stay
  /// those of the plate's input.
  void set_feed(int s, double flow_scale, double inlet_K);
  /// Heat slab s gives its coolant now: the enthalpy the coolant carries out minus in, W.
  double coolant_heat_W(int s) const;
  /// The steady temperatures at the powers and feeds set, every slab (Anderson-mixed outer
  /// iterations on the advection's TVD correction until no cell changes by more than tol_K, at
  /// most 200); the integrator then restarts there, at time 0 with no history. Returns the
  /// outer iterations.
  int solve_steady(double tol_K = 1e-6);
  /// Heat stored in every slab's cells relative to 0 K, J.
  double stored_J() const;
  /// Max of the temperature over plate material m in slab s, K.
  double material_max(int s, int m) const;
  /// Slab s's temperature and volumetric source on the plate's grid.
  Field<double> temperature(int s) const;
  std::vector<double> source(int s) const;
  /// Slab s's integrator state on the plate's grid, and all slabs' states set at once.
  TransientIntegrator::State state(int s) const;
  void set_states(const std::vector<TransientIntegrator::State>& per_slab);

 private:
  /// Slab s of a batch-grid host vector, on the plate's grid.
  std::vector<double> slab_of(const std::vector<double>& all, int s) const;
  /// The slab a batch-grid index along the batch axis lies in.
  int slab_at(int along_axis) const;
  /// Puts the feeds set (set_feed) into the operator.
  void apply_feeds();

  int m_axis, m_slabs, m_materials;
  std::array<int, 3> m_plate_n;
  std::unique_ptr<ConductionSolver> m_solver;
  std::array<Field<double>, 3> m_mflux;  // stacked mass fluxes (with flow)
  bool m_flow = false;
  // The plates' own feeds, stacked (host), and each slab's as set: flow scale, inlet (NaN: its own).
  std::array<std::vector<double>, 3> m_mflux_base;
  std::array<std::vector<double>, 6> m_inflow_base;
  std::vector<CoolantProperties> m_coolants;
  std::vector<double> m_scale, m_inlet;
  bool m_feeds_changed = false;
  TransientSettings m_transient;
  SolverSettings m_linear;
  std::unique_ptr<TransientIntegrator> m_integ;
  AdvanceStats m_last;
};

}  // namespace kelvin
