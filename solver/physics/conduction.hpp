#pragma once
/// Heat conduction  rho cp dT/dt = div(k grad T) + q'''  by finite volumes on the rectilinear
/// grid: cell-centred T, face conductances from the series resistance of the two half cells
/// (harmonic mean of k) plus any contact resistance, boundary conditions folded into the
/// diagonal. Steady solves are one multigrid-preconditioned CG solve; transients use backward
/// Euler or variable-step BDF2.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/array.hpp"
#include "meshes/grid.hpp"
#include "solver/physics/coolant.hpp"
#include "solver/numerics/krylov.hpp"
#include "solver/numerics/transient.hpp"

namespace kelvin {

/// Boundary data on one domain face, one entry per face cell, the first tangential axis fastest
/// (tangential axes in x, y, z order).
struct FaceBoundary {
  std::vector<double> rinv;           // K m^2/W: 0 fixed temperature, 1/h convection, <0 none
  std::vector<double> temperature_K;  // wall or ambient temperature where rinv >= 0
  std::vector<double> flux_W_m2;      // imposed flux into the domain
};

/// Everything the conduction solver needs, prepared on the host (problem_setup.cpp).
struct ConductionProblem {
  Grid grid;
  std::vector<std::array<double, 3>> conductivity_W_mK;  // per material
  std::vector<double> rho_cp_J_m3K;                      // per material
  std::vector<double> contact_K_m2_W;                    // nm x nm table, 0 = perfect contact
  std::vector<double> source_W_m3;                       // per cell, i fastest
  std::array<FaceBoundary, 6> faces;
  /// A batch: batch_slabs identical grids stacked along batch_axis (stack_problems), each
  /// n / batch_slabs cells long along it. No heat crosses from one slab to the next.
  int batch_axis = -1;
  int batch_slabs = 1;
};

/// Heat flows of one solution, W.
struct EnergyBalance {
  double source_W = 0;          // volumetric sources
  double boundary_in_W = 0;     // boundary faces where heat enters
  double boundary_out_W = 0;    // boundary faces where heat leaves (positive number)
  double storage_W = 0;         // rate of change of stored energy (transients)
  double advected_W = 0;        // enthalpy rise of the coolant (outflow minus inflow)
  std::array<double, 6> face_net_in_W{0, 0, 0, 0, 0, 0};
  double heat_in() const { return source_W + boundary_in_W; }
  double heat_out() const { return boundary_out_W + storage_W + advected_W; }
  /// |in - out| / max(in, out); meaningful only when has_heat().
  double relative_error() const;
  /// in - out, W: the only measure of a balance when no heat goes in.
  double imbalance_W() const { return heat_in() - heat_out(); }
  /// Whether heat goes in (more than kNegligibleHeatW). A flow-only case has none: its terms
  /// are round-off, and their ratio (about 1) says nothing.
  bool has_heat() const;
};

/// Heat below which a balance counts as having none, W (a micro-watt: far below any sensor).
constexpr double kNegligibleHeatW = 1e-6;

/// Temperature statistics over the cells of one material, K (volume-weighted mean).
struct MaterialStats {
  double min_K = 0, max_K = 0, mean_K = 0, volume_m3 = 0;
};

/// Device-resident conduction operator for one problem.
class ConductionSolver final : public ImplicitSystem {
 public:
  ConductionSolver(const ConductionProblem& problem, MultigridOptions mg = {});
  ~ConductionSolver();

  int nx() const { return m_n[0]; }
  int ny() const { return m_n[1]; }
  int nz() const { return m_n[2]; }
  Field<double> make_field(double value = 0) const override;

  /// Solves the steady problem; T holds the initial guess and receives the answer. With
  /// reduction > 0 the solve is inexact: it stops once the residual fell by that factor from
  /// its initial value (or reached tol ||b||), for the inner solves of an outer fixed-point
  /// iteration whose answer changes anyway. Throws Interrupted (solver/base/interrupt.hpp) after the iteration during
  /// which a stop was requested.
  SolveStats solve_steady(Field<double>& T, double tol, int max_iterations,
                          const IterationCallback& cb = {}, double reduction = 0);
  /// One implicit step  (c0 T_new + c1 T_now + c2 T_old) rho cp / dt = div(k grad T_new) + q.
  /// Backward Euler: c = (1, -1, 0). BDF2 with step ratio w = dt/dt_prev:
  /// c = ((1+2w)/(1+w), -(1+w), w^2/(1+w)). T_new holds the guess on entry.
  SolveStats solve_step(double dt, const std::array<double, 3>& c, const Field<double>& T_now,
                        const Field<double>& T_old, Field<double>& T_new, double tol,
                        int max_iterations, const IterationCallback& cb = {}) override;
  /// Rate of change of stored energy, W, in the discretisation of the step just taken:
  /// sum over cells of rho cp V (c0 T_new + c1 T_now + c2 T_old) / dt.
  double storage_rate(double dt, const std::array<double, 3>& c, const Field<double>& T_new,
                      const Field<double>& T_now, const Field<double>& T_old) const override;
  /// Replaces the volumetric source for the steps and solves that follow by
  /// q = base + c1 u1 + c2 u2 (W/m^3 cell fields; GPU power: fixed sources plus the die's and
  /// the HBM's 1 W shapes times their powers). Only the right-hand side changes: where q changes,
  /// b = q V + its boundary part, as a fresh assembly would set it whatever the sources before
  /// (so a resumed run repeats an uninterrupted one bit for bit), plus any advective part.
  void set_source(const Field<double>& base, const Field<double>& u1, double c1,
                  const Field<double>& u2, double c2);
  /// set_source for slab `slab` of a batch alone, from fields of one slab's size.
  void set_slab_source(int slab, const Field<double>& base, const Field<double>& u1, double c1,
                       const Field<double>& u2, double c2);
  /// Heat flows of the solution T; storage_W is storage_rate() for transients, else 0.
  EnergyBalance energy_balance(const Field<double>& T, double storage_W = 0) const;
  /// Total stored energy relative to 0 K, sum of rho cp V T, J.
  double stored_energy(const Field<double>& T) const;
  /// Min, max and volume-weighted mean of T over the cells of material m.
  MaterialStats material_stats(const Field<double>& T, int m) const;
  /// Max of T over the cells of material m (one reduction; -1e300 if m has no cells); of
  /// slab `slab` alone when given.
  double material_max(const Field<double>& T, int m, int slab = -1) const;
  /// Cells of slab `slab` of a batch (the whole grid without one).
  Box slab_box(int slab) const;
  int batch_axis() const { return m_batch_axis; }
  int batch_slabs() const { return m_slabs; }
  /// The value of one cell, copied to the host.
  static double cell_value(const Field<double>& T, int i, int j, int k);

  /// Coolant advection: mass fluxes through the faces normal to each axis (kg/s, dims n + e_d,
  /// owned by the caller, alive while advection is on), the coolant (enthalpy h = int cp dT),
  /// and per domain face (face cells, first tangential axis fastest) the temperature of the
  /// coolant entering there (read only where the mass flux enters).
  void set_advection(const std::array<const Field<double>*, 3>& mass_flux,
                     const CoolantProperties& coolant,
                     const std::array<std::vector<double>, 6>& inflow_temperature_K);
  /// set_advection with one coolant per slab of a batch (their inlet properties may differ).
  void set_advection(const std::array<const Field<double>*, 3>& mass_flux,
                     const std::vector<CoolantProperties>& coolants,
                     const std::array<std::vector<double>, 6>& inflow_temperature_K);
  /// Declares that the mass fluxes vanish on every face not touching a cell of `flow_cells`
  /// (the flow window): update_advection then visits only those cells and their neighbours.
  void limit_advection(const Box& flow_cells);
  bool advective() const { return m_adv; }
  /// Rebuilds the operator around the current temperature T: diffusion, implicit upwind
  /// advection  sum_f m_f cp_f (T_P - T_upwind)  on the downstream cell, and the TVD (van Leer)
  /// correction to second order in the right-hand side (deferred correction, converged by the
  /// caller's outer iterations). cp_f is the secant heat capacity (h(T_D) - h(T_U)) / (T_D - T_U),
  /// so the coolant's enthalpy rise sums exactly.
  /// flow_unchanged: the mass fluxes are those of the last call (a frozen flow); with a constant
  /// cp the couplings are then unchanged and only the right-hand side is rebuilt.
  void update_advection(const Field<double>& T, bool flow_unchanged = false);
  /// Net enthalpy carried out of the domain by the coolant, W: sum over outflow boundary faces of
  /// m (h(T_P) - h(T_0)) minus inflow faces' m (h(T_in) - h(T_0)); of slab `slab` of a batch
  /// alone when given.
  double advected_heat(const Field<double>& T, int slab = -1) const;
  /// The steady right-hand side (sources, boundary terms, advective inflow and correction).
  const Field<double>& steady_rhs() const { return m_b; }
  const Stencil7& steady_operator() const { return m_steady; }
  const Field<double>& source_field() const { return m_q; }
  const Multigrid* multigrid() const { return m_mg.get(); }

  /// Builds the steady operator and right-hand side. Public only because nvcc's extended
  /// lambdas cannot be defined in private member functions.
  void assemble();
  /// Total volumetric heat, W (not in the constructor: nvcc's extended lambdas cannot be
  /// defined in constructors), over `box` when given.
  double sum_sources(const Box* box = nullptr) const;
  /// q = base + c1 u1 + c2 u2 over box, the fields read at cell - offset along the batch axis.
  void apply_source(const Box& box, int offset, const Field<double>& base, const Field<double>& u1,
                    double c1, const Field<double>& u2, double c2);

 private:
  int m_n[3];
  int m_batch_axis = -1, m_slabs = 1, m_slab_n = 0;  // m_slab_n: cells per slab along the axis
  MultigridOptions m_mg_options;
  std::array<Array<double>, 3> m_width;      // cell widths per axis
  std::array<Array<double>, 6> m_rinv, m_tb, m_qb;
  Array<double> m_k;        // 3 per material
  std::array<Array<double>, 3> m_half;  // w_d / 2k_d per (index along axis d, material)
  Array<double> m_contact;  // nm * nm
  int m_nmat = 0;
  Field<std::int32_t> m_mat;
  Field<double> m_q;        // W/m^3
  double m_source_W = 0;    // total volumetric source, fixed for the problem
  std::vector<double> m_rho_cp;  // J/m^3/K per material
  mutable Field<double> m_mass;  // rho cp V, J/K: made by heat_capacities() when first needed
  Stencil7 m_steady;        // steady operator
  Field<double> m_b;        // steady right-hand side, q''' V + the boundary terms
                            // G_b T_b + q'' A (recomputed from the face tables where the
                            // sources change, assembled_rhs: no per-cell copy)
  Stencil7 m_work;          // steady + storage, for transient steps (allocated by the first)
  Field<double> m_rhs;
  std::unique_ptr<Multigrid> m_mg;
  PcgWorkspace m_pcg;
  bool m_mg_on_work = false;
  double m_last_dt = -1, m_last_c0 = 0;
  bool m_adv = false, m_adv_changed = false;
  bool m_adv_dirty = false;  // couplings changed since the multigrid was last (re)built
  bool m_adv_built = false;  // update_advection() has built the couplings for the current flow
  Field<double> m_b_base;    // m_b before the advective terms (set by the last full update)
  std::array<const Field<double>*, 3> m_mflux{nullptr, nullptr, nullptr};
  Box m_adv_box{{0, 0, 0}, {-1, -1, -1}};  // cells update_advection visits (empty: every cell)
  std::vector<CoolantProperties> m_coolants;  // one per slab
  Array<CoolantProperties> m_cool;
  std::array<Array<double>, 6> m_tin;
  BicgstabWorkspace m_bicg;

 public:
  /// rho c_p V per cell, J/K (made on first use: steady runs never need it).
  const Field<double>& heat_capacities() const;
  /// Linear solve with the solver that suits the operator (CG, or BiCGStab when advective);
  /// `guess` is CG's start (BiCGStab always starts from x).
  SolveStats linear_solve(Stencil7& A, const Field<double>& b, Field<double>& x, double tol,
                          int max_iterations, const IterationCallback& cb,
                          InitialGuess guess = InitialGuess::GivenX);
};

}  // namespace kelvin
