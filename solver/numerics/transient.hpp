#pragma once
/// Implicit time integration of an ImplicitSystem (the conduction problem): backward Euler or variable-step BDF2,
/// fixed steps or adaptive steps controlled by a local-error estimate (corrector minus an
/// extrapolating predictor, Milne's device).
#include <array>
#include <functional>
#include <vector>

#include "solver/numerics/krylov.hpp"
#include "solver/numerics/settings.hpp"

namespace kelvin {

/// A spatial discretisation that can take implicit multistep steps: what the integrator needs,
/// and all it knows, of the physics (conduction with advection implements it).
class ImplicitSystem {
 public:
  virtual ~ImplicitSystem() = default;
  /// A field on the system's cells, every value `value`.
  virtual Field<double> make_field(double value = 0) const = 0;
  /// Solves  (c0 T_new + c1 T_now + c2 T_old) M / dt = -A T_new + b  for T_new (which holds the
  /// guess on entry) to relative residual tol.
  virtual SolveStats solve_step(double dt, const std::array<double, 3>& c,
                                const Field<double>& T_now, const Field<double>& T_old,
                                Field<double>& T_new, double tol, int max_iterations,
                                const IterationCallback& cb = {}) = 0;
  /// Rate of change of the stored quantity in the step just taken, sum M (c0 T_new + c1 T_now +
  /// c2 T_old) / dt (W for heat).
  virtual double storage_rate(double dt, const std::array<double, 3>& c,
                              const Field<double>& T_new, const Field<double>& T_now,
                              const Field<double>& T_old) const = 0;
};

/// What happened in one accepted step.
struct StepInfo {
  double time_s = 0;          // time at the end of the step
  double dt_s = 0;
  SolveStats solve;
  double error_estimate_K = 0;  // local error estimate (adaptive runs), else 0
  double storage_W = 0;         // rate of change of stored energy in the step's discretisation
};

/// Steps T from its initial state; owns the solution history.
class TransientIntegrator {
 public:
  TransientIntegrator(ImplicitSystem& solver, const TransientSettings& settings,
                      const SolverSettings& linear, const Field<double>& T0);
  /// Advances to exactly t_target, calling on_step after every accepted step.
  void advance_to(double t_target, const std::function<void(const StepInfo&)>& on_step = {});

  const Field<double>& temperature() const { return m_now; }
  double time() const { return m_t; }
  int steps() const { return m_steps; }
  int rejected_steps() const { return m_rejected; }
  long long linear_iterations() const { return m_iterations; }
  const StepInfo& last_step() const { return m_last; }

  /// Everything the integrator needs to continue exactly where it was (checkpoints): its
  /// scalars (time, step sizes, history depth, counters, last step's storage) and host copies
  /// of the stored states.
  struct State {
    std::vector<double> scalars;
    std::vector<double> now, old, older;
  };
  State save_state() const;
  /// Restores a state saved from an integrator of the same problem and settings; throws
  /// std::invalid_argument when the sizes do not match.
  void restore_state(const State& s);

  /// BDF coefficients (c0, c1, c2) for a step of dt after the stored history.
  std::array<double, 3> coefficients(double dt) const;
  /// Extrapolates the stored states to t + dt (the predictor); order is 0, 1 or 2. Public only
  /// because nvcc's extended lambdas cannot be defined in private member functions.
  void predict(double dt, Field<double>& out, int& order) const;

 private:

  ImplicitSystem& m_solver;
  TransientSettings m_set;
  SolverSettings m_lin;
  Field<double> m_now, m_old, m_older, m_new;
  int m_history = 0;   // number of past states available besides m_now (0, 1 or 2)
  double m_t = 0, m_dt = 0, m_dt_prev = 0, m_dt_prev2 = 0;
  int m_steps = 0, m_rejected = 0;
  long long m_iterations = 0;
  StepInfo m_last;
};

}  // namespace kelvin
