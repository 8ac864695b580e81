#pragma once
/// Settings of the linear solvers and the time integrator, in SI units: what the numerics
/// need from a case, without the case.

namespace kelvin {

/// Linear solver settings.
struct SolverSettings {
  double tolerance = 1e-10;  // relative residual ||b - A x|| / ||b||
  int max_iterations = 200;
  /// Multigrid levels in single precision inside the double Krylov solves (case key
  /// solver.multigrid_precision: single, the default, or double).
  bool single_precision_multigrid = true;
};

/// Transient settings. Absent (enabled = false) means a steady solve.
struct TransientSettings {
  enum class Scheme { BackwardEuler, BDF2 };
  bool enabled = false;
  double end_time_s = 0;
  double time_step_s = 0;  // initial (adaptive) or fixed step
  Scheme scheme = Scheme::BDF2;
  bool adaptive = false;
  double min_step_s = 0;               // adaptive bounds; 0 means time_step_s / 1000
  double max_step_s = 0;               // 0 means end_time_s / 10
  double tolerance_K = 0.1;            // adaptive: target local error per step
  double output_interval_s = 0;        // 0 means only the final time
  double checkpoint_interval_s = 300;  // wall-clock seconds between checkpoints
};

}  // namespace kelvin
