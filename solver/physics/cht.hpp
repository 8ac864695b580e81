#pragma once
/// Conjugate heat transfer: the coolant flow (flow.hpp) and the energy equation over solid and
/// coolant together (conduction.hpp with advection), coupled by outer iterations, and the
/// engineering figures of a cold plate (pressure drop, thermal resistances, flow
/// maldistribution across channels, mixed-mean outlet temperature).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "solver/case/case.hpp"
#include "solver/physics/conduction.hpp"
#include "solver/physics/flow.hpp"
#include "solver/io/progress.hpp"

namespace kelvin {

/// How a steady conjugate solve went.
struct ChtResult {
  int passes = 0;                // flow <-> energy coupling passes
  long long flow_iterations = 0; // SIMPLEC outer iterations, all passes
  long long energy_iterations = 0;
  FlowResiduals flow;            // residuals of the last flow iteration
  double continuity_after_projection = 0;
  double last_change_K = 0;      // max |dT| of the last pass
  bool converged = false;
  std::vector<std::string> warnings;  // e.g. coolant left its correlation's range
};

/// Steady conjugate solve. Each pass: flow to convergence with rho, mu at the current
/// temperatures, an exact projection (mass conserved to round-off), then the energy equation
/// with advection and the TVD correction at the current temperatures. Converged when a pass
/// changes no temperature by more than c.flow.temperature_tolerance_K.
ChtResult solve_steady_cht(const Case& c, FlowSolver& flow, ConductionSolver& energy,
                           Field<double>& T, Progress& progress);

/// The flow solver settings a case asks for (flow: relaxation, tolerance, max_iterations).
FlowSettings case_flow_settings(const Case& c);

/// Start of a transient with flow: the flow, steady at the temperatures T (rho, mu follow them
/// unless the coolant has constant properties), projected to round-off mass balance, and the
/// energy equation's advection built from it. Warnings and residuals go to cht.
void start_transient_flow(const Case& c, FlowSolver& flow, ConductionSolver& energy,
                          const Field<double>& T, ChtResult& cht, Progress& progress);

/// Connects the energy equation to the flow's mass fluxes and inlet temperatures.
void couple_energy_to_flow(const Case& c, const Grid& g, const FlowSolver& flow,
                           ConductionSolver& energy);

/// summary.json figures of a run with flow: pressure_drop_Pa, flow_rate_m3_s,
/// inlet/outlet_temperature_K (mixed-mean), thermal_resistance_K_per_W, channel_flow, and a
/// "flow" block (residuals, mass balance).
nlohmann::json flow_summary(const Case& c, const Grid& g, const FlowSolver& flow,
                            const std::vector<double>& T_host, const nlohmann::json& materials,
                            const nlohmann::json& probes, double power_W);

}  // namespace kelvin
