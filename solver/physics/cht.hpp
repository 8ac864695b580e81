#pragma once
/// Conjugate heat transfer: the coolant flow (flow.hpp) and the energy equation over solid and
/// coolant together (conduction.hpp with advection), coupled by outer iterations. The
/// engineering figures of a cold plate are reported by app/flow_report.
#include <string>
#include <vector>

#include "solver/base/progress_sink.hpp"
#include "solver/numerics/settings.hpp"
#include "solver/physics/conduction.hpp"
#include "solver/physics/flow.hpp"

namespace kelvin {

/// How a steady conjugate solve went.
struct ChtResult {
  int passes = 0;                // flow <-> energy coupling passes
  long long flow_iterations = 0; // SIMPLEC outer iterations, all passes
  long long energy_iterations = 0;
  FlowResiduals flow;            // residuals of the last flow iteration
  double continuity_after_projection = 0;
  double last_change_K = 0;      // max |dT| of the last pass
  SolveStats energy;             // the last energy solve (to the case's tolerance)
  /// Steady: the last pass met the flow tolerance, its energy solve converged and it changed no
  /// temperature by more than the tolerance. Transient start: the flow met its tolerance.
  bool converged = false;
  std::vector<std::string> warnings;  // e.g. coolant left its correlation's range
};

/// What the coupling iteration needs of a case.
struct ChtSettings {
  bool constant_properties = false;      // coolant rho, mu, cp, k fixed at the inlet temperature
  double flow_tolerance = 1e-6;          // SIMPLEC residuals the last pass must meet
  int max_coupling_iterations = 50;      // flow <-> energy passes
  double temperature_tolerance_K = 1e-2; // converged when a pass changes no T by more
  SolverSettings energy;                 // the energy equation's linear solves
};

/// Steady conjugate solve. Each pass: flow to convergence with rho, mu at the current
/// temperatures, an exact projection (mass conserved to round-off), then the energy equation
/// with advection and the TVD correction at the current temperatures. Converged when a pass
/// changes no temperature by more than s.temperature_tolerance_K. The flow solver's own
/// tolerance is restored to s.flow_tolerance on return.
ChtResult solve_steady_cht(const ChtSettings& s, FlowSolver& flow, ConductionSolver& energy,
                           Field<double>& T, ProgressSink& progress);

/// Start of a transient with flow: the flow, steady at the temperatures T (rho, mu follow them
/// unless the coolant has constant properties), projected to round-off mass balance, and the
/// energy equation's advection built from it. Warnings and residuals go to cht; cht.converged
/// says whether the flow met its tolerance (the caller reports it when not).
void start_transient_flow(bool constant_properties, FlowSolver& flow, ConductionSolver& energy,
                          const Field<double>& T, ChtResult& cht, ProgressSink& progress);

}  // namespace kelvin
