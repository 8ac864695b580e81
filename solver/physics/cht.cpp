// Conjugate heat transfer: the coupling iteration between flow and energy. See cht.hpp.
#include "solver/physics/cht.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "solver/numerics/anderson.hpp"
#include "solver/numerics/operator.hpp"

namespace kelvin {

namespace {

/// Keeps a flow's stall note (FlowSolver::stall_note) among the warnings, once, and logs it.
void keep_stall_note(const FlowSolver& flow, ChtResult& r, ProgressSink& progress) {
  const std::string& note = flow.stall_note();
  if (note.empty() || std::find(r.warnings.begin(), r.warnings.end(), note) != r.warnings.end())
    return;
  progress.log("kelvin: warning: " + note);
  r.warnings.push_back(note);
}

}  // namespace

void start_transient_flow(bool constant_properties, FlowSolver& flow, ConductionSolver& energy,
                          const Field<double>& T, ChtResult& cht, ProgressSink& progress) {
  if (!constant_properties) flow.update_properties(T);
  if (!flow.property_warning().empty()) cht.warnings.push_back(flow.property_warning());
  cht.flow = flow.solve_steady([&](int it, const FlowResiduals& fr) {
    progress.update(fmt::format("flow: iteration {:4d}  continuity {:.2e}  momentum {:.2e}", it,
                                fr.continuity, fr.momentum));
  });
  cht.flow_iterations += cht.flow.iterations;
  keep_stall_note(flow, cht, progress);
  cht.converged = cht.flow.below(flow.settings().tolerance);
  if (!cht.converged) {
    progress.log(fmt::format("kelvin: flow did not reach tolerance {:.1e} in {} iterations "
                             "(continuity {:.2e}, momentum {:.2e})",
                             flow.settings().tolerance, cht.flow.iterations, cht.flow.continuity,
                             cht.flow.momentum));
  }
  flow.project(1e-13);
  cht.continuity_after_projection = flow.continuity_residual();
  energy.update_advection(T);
}

namespace {

/// Deferred-correction updates of the energy equation per coupling pass.
constexpr int kInnerCorrections = 12;
/// Residual reduction of each inner (deferred-correction) energy solve; the pass that answers
/// solves to the case's tolerance at its end. Inexact inner solves cost 1-4 BiCGStab iterations
/// instead of ~16 and change nothing the outer iteration does not change again; on
/// h100-coldplate a 5-fold reduction took 70 iterations in all where 20-fold took 97 (the die
/// maximum the same to 3e-8 K).
constexpr double kInexactReduction = 0.2;
/// Flow tolerance of the first coupling pass when properties vary; tenfold tighter each pass
/// down to the case's tolerance (which the last pass must meet).
constexpr double kFirstPassFlowTolerance = 1e-3;

/// Anderson acceleration of the deferred correction, a fixed-point iteration x <- G(x)
/// (numerics/anderson.hpp): depth 4, and a mixed temperature that moves some cell more than
/// 10 times the plain update's largest change is rejected for the plain update. Without it the
/// correction converges like 0.97 per update on cold plates (recirculating plenums).
constexpr int kMixingDepth = 4;
constexpr double kMixingMaxJump = 10;

}  // namespace

ChtResult solve_steady_cht(const ChtSettings& c, FlowSolver& flow, ConductionSolver& energy,
                           Field<double>& T, ProgressSink& progress) {
  ChtResult r;
  const bool variable = !c.constant_properties;
  // The coupling loop stays on the device: the iterate before each correction, the mixer's
  // history and the change between updates are device fields and reductions.
  Field<double> before(T.nx(), T.ny(), T.nz());
  copy(T, before);
  AndersonMixer mixer(kMixingDepth, kMixingMaxJump);
  for (int pass = 1; pass <= c.max_coupling_iterations; ++pass) {
    r.passes = pass;
    if (variable) {
      flow.update_properties(T);
      if (!flow.property_warning().empty()) {
        progress.log("kelvin: warning: " + flow.property_warning());
        r.warnings.push_back(flow.property_warning());
      }
    }
    // Early passes solve the flow loosely: the properties it uses still change with T.
    const double loose = kFirstPassFlowTolerance * std::pow(0.1, pass - 1);
    flow.settings().tolerance = variable ? std::max(c.flow_tolerance, loose) : c.flow_tolerance;
    int its = 0;
    r.flow = flow.solve_steady([&](int it, const FlowResiduals& fr) {
      its = it;
      progress.update(fmt::format("pass {} flow: iteration {:4d}  continuity {:.2e}  momentum {:.2e}",
                                  pass, it, fr.continuity, fr.momentum));
    });
    r.flow_iterations += its;
    keep_stall_note(flow, r, progress);
    const double pass_tol = flow.settings().tolerance;
    if (r.flow.continuity >= pass_tol || r.flow.momentum >= pass_tol)
      progress.log(fmt::format("kelvin: flow did not reach tolerance {:.1e} in {} iterations "
                               "(continuity {:.2e}, momentum {:.2e})",
                               pass_tol, its, r.flow.continuity, r.flow.momentum));
    flow.project(1e-13);
    r.continuity_after_projection = flow.continuity_residual();
    // Energy: the TVD correction is a fixed-point (deferred-correction) iteration; several of
    // them per pass, since the flow changes little between passes once properties settle.
    SolveStats st;
    int energy_its = 0;
    if (variable) mixer.reset();  // the flow changed: the history no longer applies
    const auto energy_solve = [&](double reduction) {
      st = energy.solve_steady(T, c.energy.tolerance, c.energy.max_iterations, [&](int it, double rel) {
        progress.update(fmt::format("pass {} energy: iteration {:4d}  residual {:.3e}", pass, it, rel));
      }, reduction);
      energy_its += st.iterations;
    };
    const bool flow_ok = r.flow.continuity < c.flow_tolerance && r.flow.momentum < c.flow_tolerance;
    // A pass can end the run once the flow no longer depends on the temperatures it started
    // from: from the second pass on, or from the first with constant properties (the flow
    // cannot change between passes).
    const bool may_end = pass > 1 || !variable;
    // constant properties: nothing but the correction changes between passes, so keep going
    const int inner_max = variable ? kInnerCorrections : 4 * kInnerCorrections;
    bool answer = false;  // this pass ends with the run's answer
    for (int inner = 0; inner < inner_max; ++inner) {
      energy.update_advection(T);
      energy_solve(kInexactReduction);
      r.last_change_K = max_abs_difference(before, T);
      const bool settled = r.last_change_K < c.temperature_tolerance_K;
      if (settled || inner + 1 == inner_max) {
        // The same system solved to the case's tolerance, only where it may be the run's
        // answer: the pass that converges or the last one allowed. Other passes end on the
        // inexact solve; their temperatures only set the next pass's properties (h100-coldplate:
        // 40 of 139 BiCGStab iterations saved, the answer unchanged).
        answer = (may_end && flow_ok && settled) || pass == c.max_coupling_iterations;
        if (answer) energy_solve(0.0);
        copy(T, before);  // T is a solve's answer, not an extrapolation
        break;
      }
      mixer.mix({&before}, {&T});  // T: G(before) on entry, the next iterate on return
      copy(T, before);
    }
    r.energy_iterations += energy_its;
    r.energy = st;
    progress.log(fmt::format("kelvin: pass {}: {} flow iterations, {} energy iterations, max temperature change {:.3g} K",
                             pass, its, energy_its, r.last_change_K));
    if (answer && may_end && flow_ok && st.converged && r.last_change_K < c.temperature_tolerance_K) {
      r.converged = true;
      break;
    }
  }
  flow.settings().tolerance = c.flow_tolerance;
  return r;
}

}  // namespace kelvin
