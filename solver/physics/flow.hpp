#pragma once
/// Incompressible laminar Navier-Stokes in the coolant cells of the rectilinear grid, by
/// finite volumes on a staggered (MAC) grid: pressure at cell centres, each velocity component
/// on the faces normal to it, so pressure and velocity couple without checkerboard modes.
///
///   rho (du/dt + div(u u)) = -grad p + div(mu grad u),   div(rho u) = 0
///
/// Solid cells are blocked: every face touching one carries zero velocity, and wall shear acts
/// over the half cell between a face's centre and the wall. Momentum uses upwind convection and
/// central diffusion; pressure-velocity coupling is SIMPLEC (Van Doormaal & Raithby 1984) with
/// the pressure-correction equation solved by the core's multigrid-preconditioned CG. Inlets
/// prescribe a uniform normal velocity over their fluid faces; outlets fix the pressure at the
/// face and let the face velocity follow a half-cell momentum balance. Density and viscosity
/// follow the local temperature through the coolant correlations.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/array.hpp"
#include "meshes/grid.hpp"
#include "solver/physics/coolant.hpp"
#include "solver/physics/flow_window.hpp"
#include "solver/numerics/fgmres.hpp"
#include "solver/numerics/krylov.hpp"

namespace kelvin {

class AndersonMixer;
struct FlowView;

/// What happens at one face cell of the domain boundary.
enum class FlowBoundaryKind : std::int32_t { Wall = 0, Inlet = 1, Outlet = 2 };

/// Everything the flow solver needs, prepared on the host (problem_setup.cpp).
struct FlowProblem {
  Grid grid;
  std::vector<std::uint8_t> fluid;  // per cell (i fastest): 1 coolant, 0 solid
  CoolantProperties coolant;
  /// Per domain face (xmin, xmax, ... zmax), per face cell (first tangential axis fastest):
  /// the kind, and for inlets the normal velocity into the domain, m/s.
  std::array<std::vector<std::int32_t>, 6> kind;
  std::array<std::vector<double>, 6> inflow_velocity_m_s;
  double outlet_pressure_Pa = 0;
  double reference_temperature_K = 293.15;  // properties before any temperature is known
  /// Whole domain faces that are symmetry planes (no normal flow, no shear) instead of walls.
  std::array<bool, 6> slip{false, false, false, false, false, false};
};

/// The outer iteration of the steady (or per-time-step) flow solve.
///  Simplec: momentum, then a pressure correction that restores continuity (Van Doormaal &
///    Raithby 1984).
///  Coupled: velocity and pressure solved together (flow_coupled.cpp). Each outer iteration is
///    a Picard step: with the momentum rows F (convection by the current fluxes, relaxed like
///    SIMPLEC's), G the pressure force and D the mass outflow, it solves
///      [F G; D 0] [du; dp] = [r_u; r_p]
///    to 0.1 relative by FGMRES (numerics/fgmres.hpp), preconditioned upper block-triangularly:
///      dp = S^-1 r_p,  du = F^-1 (r_u - G dp),
///    F^-1 by a V-cycle of the whole momentum hierarchy and the Schur complement S = -D F^-1 G
///    by the least-squares commutator (Elman et al. 2006) with Q = diag(F):
///      S^-1 ~ P^-1 (-D Q^-1 F Q^-1 G) P^-1,   P = -D Q^-1 G,
///    P being the pressure-correction operator with d = A / a_P. Its outer iterations do not
///    grow with the cells across a channel (SIMPLEC's pressure-velocity splitting does).
enum class FlowAlgorithm : std::int32_t { Simplec = 0, Coupled = 1 };

/// Outer-iteration controls.
struct FlowSettings {
  double velocity_relaxation = 0.7;
  double pressure_relaxation = 1.0;  // SIMPLEC needs none
  double pressure_tolerance = 1e-2;  // relative residual of each pressure-correction solve
  /// Line axis of the pressure-correction multigrid: -1 chooses it by trial at the first
  /// pressure solve (line_axis_trial.hpp). A 128^3 array of finned channels: lines along the
  /// strongest axis (z, the thin cells) needed 9 PCG iterations per SIMPLEC iteration, lines
  /// across the channels (y) 4; the B200 -ci plate's PCG went from 3.3 to 2.5 per iteration.
  int pressure_line_axis = -1;
  int momentum_cycles = 1;  // V-cycles per momentum component (SIMPLEC runs at least one)
  /// The pressure correction's multigrid levels in single precision (its PCG stays double).
  bool single_precision_multigrid = true;
  /// Momentum solve: one level, i.e. a line smoother (two zebra line sweeps, then two in
  /// reverse order) with no coarse level. The outer SIMPLEC iteration, not the momentum solve,
  /// limits convergence: all 8 levels, two levels and one give the same outer iterations
  /// (h100-coldplate: 60 iterations the same to 3 digits with 8 and 2 levels; 130 and 132
  /// iterations with 2 and 1; its -ci variant 133 and 134; the aspect-ratio-32 plate channel
  /// 32 cells across 293 and 290), while one level needs no aggregation, transfers or coarse
  /// sweeps: about a fifth of the 128^3 benchmark iteration. One sweep pair instead of two
  /// took the -ci plate 172 iterations.
  MultigridOptions momentum_multigrid = [] {
    MultigridOptions o;
    o.max_levels = 1;
    o.coarsest_sweeps = 2;
    return o;
  }();
  /// Anderson acceleration of the outer iteration (numerics/anderson.hpp): history length, 0
  /// for plain SIMPLEC. The SIMPLEC step is a fixed-point map of (u, v, w, p); mixing the last
  /// 4 steps cut a straight 60 k-cell channel of aspect-ratio-31 cells from 224 to 86
  /// iterations and the -ci cold plate from 192 to 132, to the same answers. Read once, at
  /// the solver's first outer-iteration solve (the mixer's storage is sized for it).
  int anderson_depth = 4;
  /// The outer iteration: SIMPLEC (segregated) or Coupled (block-preconditioned, below).
  FlowAlgorithm algorithm = FlowAlgorithm::Simplec;
  double tolerance = 1e-6;           // continuity and momentum residuals for convergence
  int max_iterations = 2000;
  /// Solve on the bounding box of the coolant cells (flow_window.hpp) instead of the whole
  /// grid. The same discrete equations either way; off only to check that.
  bool crop_to_coolant = true;
};

/// Residuals of one outer iteration.
struct FlowResiduals {
  double continuity = 0;  // sum |mass imbalance| / inflow mass rate
  double momentum = 0;    // ||b - A u|| / ||a_P u|| over all three components
  int pressure_iterations = 0;  // PCG iterations (SIMPLEC); FGMRES iterations (coupled)
  int iterations = 0;     // outer iterations so far (set by iterate_to_tolerance)
  /// Whether both residuals are below tolerance.
  bool below(double tolerance) const { return continuity < tolerance && momentum < tolerance; }
};

/// Thrown when the outer iteration diverges (NaN, or residuals growing past recovery). what()
/// gives the iteration and residuals; the application adds what to change (the case's keys).
struct FlowDiverged : std::runtime_error {
  FlowDiverged(const std::string& what, int it, double cont, double mom, double relax)
      : std::runtime_error(what), iteration(it), continuity(cont), momentum(mom), relaxation(relax) {}
  int iteration = 0;
  double continuity = 0, momentum = 0;
  double relaxation = 0;  ///< the velocity under-relaxation it ran with
};

/// The bounding box of p's coolant cells (the whole grid when there are none).
FlowWindow fluid_window(const FlowProblem& p);

/// p restricted to w: the window's grid and coolant flags; boundary kinds and inflow velocities
/// of the domain faces the window reaches; walls (no slip) on window faces inside the domain.
FlowProblem crop(const FlowProblem& p, const FlowWindow& w);

/// Device-resident staggered-grid flow solver for one problem. It works on the problem's
/// flow window (flow_window.hpp): velocity(), pressure(), density(), viscosity() and fluid()
/// are window fields; mass_flux() and the *_host() arrays cover the whole grid.
class FlowSolver {
 public:
  explicit FlowSolver(const FlowProblem& problem, FlowSettings settings = {});
  ~FlowSolver();

  /// Window cells along d.
  int n(int d) const { return m_n[d]; }
  /// Where the solver's cells lie in the problem's grid.
  const FlowWindow& window() const { return m_window; }
  const FlowSettings& settings() const { return m_set; }
  FlowSettings& settings() { return m_set; }

  /// Density and viscosity from the cell temperatures T (K, whole grid). Cells outside the
  /// correlation's range get the properties at its end, and property_warning() says where the
  /// range was left.
  void update_properties(const Field<double>& T);
  /// Empty, or the message of the last update_properties() that met an out-of-range cell.
  const std::string& property_warning() const { return m_property_warning; }
  /// Empty, or what the last stall of the outer iteration did (StallMonitor): an iteration
  /// that makes no progress for 200 iterations first continues without Anderson mixing (for
  /// that solve only); a further stall (a limit cycle) continues with 0.7 times the velocity
  /// relaxation (not below 0.2), which settings() then holds for later solves.
  const std::string& stall_note() const { return m_stall_note; }
  /// One SIMPLEC outer iteration (steady, or one iteration of a time step when dt > 0 with
  /// the previous step's velocities in old_velocity()).
  FlowResiduals iterate(double dt = 0);
  /// One coupled outer iteration (FlowAlgorithm::Coupled, flow_coupled.cpp), steady or of a
  /// time step like iterate().
  FlowResiduals iterate_coupled(double dt = 0);
  /// Outer iterations until both residuals are below the tolerance or max_iterations pass.
  /// Returns the last residuals (the caller compares them with the tolerance: a solve that
  /// ran out of iterations returns normally); on_iteration (optional) sees every one. Throws
  /// Interrupted (solver/base/interrupt.hpp) after the iteration during which a stop was
  /// requested.
  FlowResiduals solve_steady(const std::function<void(int, const FlowResiduals&)>& on_iteration = {});
  /// Solves the pressure correction to `tol` and corrects the face velocities, so the mass
  /// flux is divergence-free to that tolerance (the final step before the energy equation).
  void project(double tol);
  /// Copies the velocities into old_velocity() (start of a time step).
  void begin_step();
  /// One backward-Euler time step of length dt from the current velocities:
  ///   rho V (u - u_old) / dt + convection - diffusion = -grad p,  div(rho u) = 0,
  /// begin_step() then outer iterations until the residuals meet the tolerance (or
  /// max_iterations pass; divergence throws as in solve_steady). Returns the last residuals;
  /// *iterations (optional) gets their count.
  FlowResiduals solve_step(double dt, int* iterations = nullptr);
  /// The loop both share: iterate(dt) until the residuals meet the tolerance or
  /// max_iterations pass; throws FlowDiverged when they grow 1e6-fold past their best.
  FlowResiduals iterate_to_tolerance(double dt,
                                     const std::function<void(int, const FlowResiduals&)>& on_iteration);

  /// Face velocity component d (normal to axis d), dims n + e_d, m/s.
  const Field<double>& velocity(int d) const { return m_u[d]; }
  /// Mass flux through the faces normal to d of the whole grid, kg/s (rho_face u A), dims
  /// grid n + e_d; zero outside the window. As of the last solve, projection or property
  /// update (a bare iterate() does not copy it out of the window).
  const Field<double>& mass_flux(int d) const { return m_window.whole() ? m_m[d] : m_m_full[d]; }
  const Field<double>& pressure() const { return m_p; }
  const Field<double>& density() const { return m_rho; }
  const Field<double>& viscosity() const { return m_mu; }
  const Field<std::int32_t>& fluid() const { return m_fluid; }
  /// Line axis of the pressure-correction multigrid (-1 before the first pressure solve).
  int pressure_line_axis() const { return m_pres_mg ? m_pres_mg->line_axis() : -1; }
  /// Whether the pressure correction's multigrid levels are float (false before its first solve).
  bool pressure_multigrid_single() const { return m_pres_mg && m_pres_mg->single_precision(); }
  /// The trial's PCG convergence factor per line axis (-1: not tried; all -1 when the axis was
  /// fixed by the settings).
  const std::array<double, 3>& pressure_axis_trial() const { return m_pres_trial; }

  /// Total inflow through inlets, kg/s and m^3/s.
  double inflow_mass_rate() const { return m_inflow_kg_s; }
  double inflow_volume_rate() const { return m_inflow_m3_s; }
  /// Area-weighted mean pressure over inlet faces (the outlet is at outlet_pressure), Pa.
  double inlet_pressure() const;
  /// The outlets' fixed pressure (the problem's outlet_pressure_Pa), Pa.
  double outlet_pressure() const { return m_outlet_p; }
  /// Sum over cells of |net mass outflow| / inflow mass rate.
  double continuity_residual() const;
  /// Cell-centred velocity (average of the two faces per component) on the host, 3 per cell
  /// of the whole grid (zero outside the window).
  std::vector<double> cell_velocity_host() const;
  /// Pressure of every cell of the whole grid, Pa (solid cells hold the outlet pressure).
  std::vector<double> pressure_host() const;
  /// 1 for coolant cells, 0 for solid, over the whole grid.
  std::vector<double> fluid_host() const;

  // Steps of the iteration. Public only because nvcc's extended lambdas cannot be defined in
  // private member functions or constructors.
  void initialise();
  void assemble_momentum(int d, double dt);
  /// Recomputes what the momentum rows take from the geometry, the face states and the
  /// viscosity alone: link bits, conductances, walls, and the matrix entries they fix.
  void update_conductances();
  void assemble_pressure();
  void correct(double alpha_p);
  /// d = A / a_P of the momentum rows on unknown faces (the coupled iteration's Q^-1 G).
  void set_inverse_diagonal();
  /// x = S^-1 r by the least-squares commutator (FlowAlgorithm).
  void apply_lsc(const Field<double>& r, Field<double>& x);
  /// The coupled step's operator [F G; D 0] and its preconditioner, on blocks (u, v, w, p).
  void apply_coupled(const FieldBlock& z, FieldBlock& out);
  void precondition_coupled(const FieldBlock& r, FieldBlock& z);
  void update_mass_flux();

 private:
  int m_n[3];
  FlowSettings m_set;
  CoolantProperties m_coolant;
  double m_outlet_p;
  double m_ref_T;
  std::array<bool, 6> m_slip;
  FlowWindow m_window;
  std::array<Field<double>, 3> m_m_full;  // mass fluxes on the whole grid (cropped solves)
  Field<double> m_T_window;               // temperatures of the window cells
  double m_inflow_kg_s = 0, m_inflow_m3_s = 0;
  std::array<Array<double>, 3> m_w;           // cell widths per axis
  std::array<Array<double>, 3> m_hlo, m_hhi;  // per face index: half cell below / above
  Field<std::int32_t> m_fluid;                 // per cell
  std::array<Field<std::int32_t>, 3> m_state;  // per face: kFixed, kActive, kInlet, kOutlet
  std::array<Field<double>, 3> m_u, m_u_old, m_d, m_m;
  Field<double> m_p, m_pc, m_rho, m_mu, m_pb;
  std::array<Stencil7, 3> m_mom;
  std::array<Field<double>, 3> m_mb;
  /// Per component, what the momentum rows keep between property updates
  /// (update_conductances, flow_links.hpp): link bits per face, the constant part of a_P, the
  /// diffusion of the links to unknown rows, and the d-link's conductance at its lower face.
  std::array<Field<std::int32_t>, 3> m_links;
  std::array<Field<double>, 3> m_kdiag, m_kfree, m_cond;
  Field<std::int32_t> m_pres_cells;  // pressure-correction bits per cell (flow_links.hpp)
  std::array<std::unique_ptr<Multigrid>, 3> m_mom_mg;
  Stencil7 m_pres;
  std::unique_ptr<Multigrid> m_pres_mg;
  std::array<double, 3> m_pres_trial{-1, -1, -1};  // PCG factor per line axis (-1: not tried)
  /// The coupled iteration's work fields, allocated at its first use: two face scratches per
  /// component, two pressure scratches, the step's right-hand side and solution (u, v, w, p),
  /// and the FGMRES basis.
  struct CoupledWork {
    std::array<Field<double>, 3> v, fv;
    Field<double> y, z;
    FieldBlock rhs, x;
    FgmresWorkspace krylov;
  };
  std::unique_ptr<CoupledWork> m_coupled;
  CoupledWork& coupled_work();
  std::unique_ptr<AndersonMixer> m_mixer;  // outer-iteration acceleration, storage kept
  std::vector<Field<double>> m_before;     // (u, v, w, p) before the SIMPLEC step
  PcgWorkspace m_pcg;
  std::string m_property_warning;
  std::string m_stall_note;
  std::vector<std::int32_t> m_state_host[3];
  std::vector<double> m_u_init[3];

  /// Copies the window's mass fluxes into the whole-grid ones mass_flux() returns.
  void publish_fluxes();
  /// What a flow kernel reads, captured by value.
  FlowView flow_view() const;
  /// The pressure-correction multigrid for the current m_pres: built on first use (the line
  /// axis by trial unless the settings fix it), afterwards rebuilt, all levels when
  /// `all_levels`, else only where the diagonal moved (Multigrid::rebuild_if_changed).
  Multigrid& pressure_multigrid(bool all_levels);
  /// Sizes every field for the (cropped) problem p and sets the face states.
  void build(const FlowProblem& p);
};

}  // namespace kelvin
