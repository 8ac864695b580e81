#pragma once
/// Implicit time integration of the conduction problem: backward Euler or variable-step BDF2,
/// fixed steps or adaptive steps controlled by a local-error estimate (corrector minus an
/// extrapolating predictor, Milne's device).
#include <functional>
#include <vector>

#include "solver/case/case.hpp"
#include "solver/physics/conduction.hpp"

namespace kelvin {

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
  TransientIntegrator(ConductionSolver& solver, const TransientSettings& settings,
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

  ConductionSolver& m_solver;
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
