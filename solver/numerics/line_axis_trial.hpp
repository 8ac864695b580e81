#pragma once
/// Choosing the multigrid line axis by trial. strongest_axis() is right for conduction, where
/// the stiff direction is the one carrying the most coupling, but not for a pressure
/// correction in channels walled off from each other by fins: with lines along the strongest
/// axis (the thinnest cells) the hierarchy coarsens across the fins, its aggregates merge
/// neighbouring channels, and an error that differs from channel to channel is left to the
/// smoother. Lines across the fins keep every channel apart on every level (the line axis is
/// never coarsened); lines along the channels solve that error exactly. Which works best
/// depends on the geometry (straight channels fed end to end, a plate's plenums fed from top
/// ports), so it is measured: a few preconditioned CG iterations with each candidate axis on
/// the operator itself.
#include <array>
#include <memory>

#include "solver/numerics/multigrid.hpp"

namespace kelvin {

/// What a trial measured.
struct LineAxisTrial {
  int axis = -1;  ///< the chosen axis
  /// PCG convergence factor per iteration with lines along each axis; -1 where not tried (one
  /// cell along the axis).
  std::array<double, 3> factor{-1, -1, -1};
  std::unique_ptr<Multigrid> multigrid;  ///< the hierarchy along the chosen axis, built on A
};

/// b = a fixed pseudo-random value in [-0.5, 0.5] per cell, a function of (i, j, k) alone: a
/// right-hand side holding every error mode, so a trial measures the asymptotic rate (the
/// first system of a SIMPLEC solve does not: on the B200 -ci plate it ranked the worst axis
/// first).
void fill_trial_rhs(Field<double>& b);

/// Runs `iterations` PCG iterations on A x = b (b from fill_trial_rhs) from x = 0 with a
/// hierarchy along each axis holding more than one cell, options' other settings unchanged,
/// and keeps the axis with the smallest convergence factor. strongest_axis(A) keeps the choice
/// unless another axis needs at most `margin` times its iterations per decade, so that two
/// near-equal axes do not flip on round-off. A is not changed.
LineAxisTrial choose_line_axis(const Stencil7& A, MultigridOptions options, int iterations = 6,
                               double margin = 0.8);

}  // namespace kelvin
