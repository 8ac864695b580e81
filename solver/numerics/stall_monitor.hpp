#pragma once
/// Stall detection for an outer iteration (the flow solver's SIMPLEC or coupled iterations):
/// the best residual of each window of `window` iterations against the previous window's. A
/// window whose best is above `progress` times the previous one's made no progress. What the
/// caller does about it, in this order:
///   1. with Anderson mixing on: stop mixing for the rest of the solve. Mixing can stagnate
///      where the plain iteration converges: the start-up flow of gpu7 on the
///      hgx-h100-training-45C-ci board (plain SIMPLEC: 246 iterations) took 360 with mixing,
///      and 3 000 without converging when only the summation order of the mixer's inner
///      products changed (relative differences of 1e-12); stopping the mixing at the first
///      stall converged it in 738.
///   2. otherwise: lower the relaxation (a limit cycle of a too bold relaxation), down to the
///      caller's minimum.
/// Each action starts a new fixed-point map, so the window after it is not compared with the
/// one before.
namespace kelvin {

class StallMonitor {
 public:
  enum class Action { None, StopMixing, LowerRelaxation };

  StallMonitor(int window, double progress) : m_window(window), m_progress(progress) {}

  /// Residual of iteration `it` (1, 2, ...); at the end of a window, the action a stall asks
  /// for given whether mixing is on and whether the relaxation can still be lowered.
  Action observe(int it, double residual, bool mixing, bool can_lower) {
    m_best = residual < m_best ? residual : m_best;
    if (it % m_window != 0) return Action::None;
    const bool stalled = m_best > m_progress * m_previous;
    Action a = Action::None;
    if (stalled && mixing) a = Action::StopMixing;
    else if (stalled && can_lower) a = Action::LowerRelaxation;
    m_previous = a == Action::None ? m_best : kNone;
    m_best = kNone;
    return a;
  }

 private:
  static constexpr double kNone = 1e300;
  int m_window;
  double m_progress;
  double m_best = kNone, m_previous = kNone;
};

}  // namespace kelvin
