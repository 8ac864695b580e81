// Backward Euler / variable-step BDF2 time stepping with optional error-controlled steps.
#include "solver/numerics/transient.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"

namespace kelvin {

TransientIntegrator::TransientIntegrator(ImplicitSystem& solver,
                                         const TransientSettings& settings,
                                         const SolverSettings& linear, const Field<double>& T0)
    : m_solver(solver), m_set(settings), m_lin(linear) {
  m_now = solver.make_field();
  m_old = solver.make_field();
  m_older = solver.make_field();
  m_new = solver.make_field();
  copy(T0, m_now);
  copy(T0, m_old);
  m_dt = settings.time_step_s;
  if (m_set.min_step_s <= 0) m_set.min_step_s = m_set.time_step_s * 1e-3;
  if (m_set.max_step_s <= 0) m_set.max_step_s = std::max(m_set.end_time_s / 10, m_set.time_step_s);
}

TransientIntegrator::State TransientIntegrator::save_state() const {
  State s;
  s.scalars = {m_t,
               m_dt,
               m_dt_prev,
               m_dt_prev2,
               static_cast<double>(m_history),
               static_cast<double>(m_steps),
               static_cast<double>(m_rejected),
               static_cast<double>(m_iterations),
               m_last.time_s,
               m_last.dt_s,
               m_last.storage_W};
  s.now = m_now.to_host();
  s.old = m_old.to_host();
  s.older = m_older.to_host();
  return s;
}

void TransientIntegrator::restore_state(const State& s) {
  const std::size_t n = m_now.cell_count();
  if (s.scalars.size() != 11 || s.now.size() != n || s.old.size() != n || s.older.size() != n)
    throw std::invalid_argument("transient state does not match this problem (" +
                                std::to_string(s.now.size()) + " cells saved, " +
                                std::to_string(n) + " here)");
  m_t = s.scalars[0];
  m_dt = s.scalars[1];
  m_dt_prev = s.scalars[2];
  m_dt_prev2 = s.scalars[3];
  m_history = static_cast<int>(s.scalars[4]);
  m_steps = static_cast<int>(s.scalars[5]);
  m_rejected = static_cast<int>(s.scalars[6]);
  m_iterations = static_cast<long long>(s.scalars[7]);
  m_last.time_s = s.scalars[8];
  m_last.dt_s = s.scalars[9];
  m_last.storage_W = s.scalars[10];
  m_now.from_host(s.now);
  m_old.from_host(s.old);
  m_older.from_host(s.older);
}

std::array<double, 3> TransientIntegrator::coefficients(double dt) const {
  if (m_set.scheme == TransientSettings::Scheme::BackwardEuler || m_history < 1) return {1, -1, 0};
  // Variable-step BDF2, w = dt_n / dt_{n-1}:
  //   ((1+2w)/(1+w) T^{n+1} - (1+w) T^n + w^2/(1+w) T^{n-1}) / dt_n
  const double w = dt / m_dt_prev;
  return {(1 + 2 * w) / (1 + w), -(1 + w), w * w / (1 + w)};
}

void TransientIntegrator::predict(double dt, Field<double>& out, int& order) const {
  // Lagrange extrapolation through the stored states (times -h1-h2, -h1, 0) to +dt.
  const auto now = m_now.cview(), old = m_old.cview(), older = m_older.cview();
  const auto o = out.view();
  const bool bdf2 = m_set.scheme == TransientSettings::Scheme::BDF2;
  if (bdf2 && m_history >= 2) {
    order = 2;
    const double t0 = -(m_dt_prev + m_dt_prev2), t1 = -m_dt_prev, t2 = 0, t = dt;
    const double l0 = (t - t1) * (t - t2) / ((t0 - t1) * (t0 - t2));
    const double l1 = (t - t0) * (t - t2) / ((t1 - t0) * (t1 - t2));
    const double l2 = (t - t0) * (t - t1) / ((t2 - t0) * (t2 - t1));
    parallel_for(out.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      o(i, j, k) = l0 * older(i, j, k) + l1 * old(i, j, k) + l2 * now(i, j, k);
    });
  } else if (m_history >= 1) {
    order = 1;
    const double w = dt / m_dt_prev;
    parallel_for(out.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      o(i, j, k) = now(i, j, k) + w * (now(i, j, k) - old(i, j, k));
    });
  } else {
    order = 0;
    copy(m_now, out);
  }
}

void TransientIntegrator::advance_to(double t_target,
                                     const std::function<void(const StepInfo&)>& on_step) {
  const double eps = 1e-12 * std::max(1.0, std::fabs(t_target));
  while (t_target - m_t > eps) {
    double dt = std::min(m_dt, t_target - m_t);
    // Stretch to the target rather than leave a sliver step behind.
    if (t_target - (m_t + dt) < 0.25 * dt) dt = t_target - m_t;
    // A step that reaches the target within round-off keeps the step size bit for bit: the
    // solver's operator (c0 / dt) and its multigrid hierarchy then stay as they are.
    if (std::fabs(dt - m_dt) <= eps) dt = m_dt;
    int order = 0;
    predict(dt, m_new, order);
    const auto c = coefficients(dt);
    StepInfo info;
    info.solve = m_solver.solve_step(dt, c, m_now, m_old, m_new, m_lin.tolerance,
                                     m_lin.max_iterations);
    m_iterations += info.solve.iterations;
    double factor = 1.0;
    if (m_set.adaptive && order > 0) {
      // Local error of the corrector ~ C |T_corr - T_pred|: C = 2/7 for BDF2 with a quadratic
      // predictor, 1/2 for backward Euler with a linear one (error constants 2/9 and 1/2).
      const double C = order == 2 ? 2.0 / 7.0 : 0.5;
      const auto a = m_new.cview();
      const double w = dt / m_dt_prev;
      const auto now = m_now.cview(), old = m_old.cview(), older = m_older.cview();
      double diff;
      if (order == 2) {
        const double t0 = -(m_dt_prev + m_dt_prev2), t1 = -m_dt_prev, t = dt;
        const double l0 = (t - t1) * t / ((t0 - t1) * t0);
        const double l1 = (t - t0) * t / ((t1 - t0) * t1);
        const double l2 = (t - t0) * (t - t1) / (t0 * t1);
        diff = reduce_max(m_new.cells(), KELVIN_LAMBDA(int i, int j, int k) {
          return fabs(a(i, j, k) - (l0 * older(i, j, k) + l1 * old(i, j, k) + l2 * now(i, j, k)));
        });
      } else {
        diff = reduce_max(m_new.cells(), KELVIN_LAMBDA(int i, int j, int k) {
          return fabs(a(i, j, k) - (now(i, j, k) + w * (now(i, j, k) - old(i, j, k))));
        });
      }
      info.error_estimate_K = C * diff;
      const double p = order == 2 ? 3.0 : 2.0;
      factor = info.error_estimate_K > 0
                   ? 0.9 * std::pow(m_set.tolerance_K / info.error_estimate_K, 1.0 / p)
                   : 2.0;
      if (info.error_estimate_K > 4 * m_set.tolerance_K && dt > m_set.min_step_s * 1.0001) {
        ++m_rejected;
        m_dt = std::max(m_set.min_step_s, dt * std::max(0.2, factor));
        continue;
      }
    }
    info.storage_W = m_solver.storage_rate(dt, c, m_new, m_now, m_old);
    // Rotate history: older <- old <- now <- new.
    m_older.swap(m_old);
    m_old.swap(m_now);
    m_now.swap(m_new);
    m_history = std::min(m_history + 1, 2);
    m_dt_prev2 = m_dt_prev;
    m_dt_prev = dt;
    m_t = (t_target - (m_t + dt) <= eps) ? t_target : m_t + dt;
    ++m_steps;
    if (m_set.adaptive) m_dt = std::clamp(dt * std::clamp(factor, 0.5, 2.0), m_set.min_step_s, m_set.max_step_s);
    info.time_s = m_t;
    info.dt_s = dt;
    m_last = info;
    if (on_step) on_step(info);
  }
}

}  // namespace kelvin
