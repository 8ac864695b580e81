#pragma once
/// The steady rack with every plate solved in 3-D (loop.plate_model: 3d): passes of
///   1. the loop and every GPU's operating point on each plate's current laws (rack_steady.hpp),
///   2. each GPU's 3-D plate at its plate's flow and inlet temperature from the loop (a GpuFleet
///      of the case's package and plate, one feed per distinct flow and inlet: plates that see
///      the same conditions share one solve), with its operating point's power in,
///   3. each plate's laws from its 3-D run: R_j = (T_j - T_in) / P, and the pressure-drop law
///      scaled so that it passes through the 3-D drop at that flow,
/// until no plate's flow changes by more than 1e-6 relative and no inlet by 1e-4 K between two
/// passes. The reduced plate starts it. With constant-property coolant the 3-D model is linear
/// in the power at a given flow, so T_j = T_in + R_j P is its exact answer at any power; with
/// temperature-dependent properties R_j is the one at the pass's power.
#include <vector>

#include "solver/base/progress_sink.hpp"
#include "solver/coupling/rack_steady.hpp"

namespace kelvin {

struct Rack3dSteady {
  RackSteady steady;
  std::vector<PlateBranch> laws;        ///< per GPU, through its 3-D drop
  std::vector<double> junction_K_W;     ///< per GPU, 3-D R_j at its flow
  std::vector<double> pressure_drop_Pa; ///< per GPU, of its 3-D run
  int passes = 0;
  int plate_solves = 0;                 ///< distinct 3-D plates solved, all passes
  double flow_change = 0;               ///< largest relative flow change of the last pass
  bool converged = false;
};

Rack3dSteady solve_rack_steady_3d(const Case& c, const GpuModel& m, const ReducedPlate& start,
                                  double dp_setpoint_Pa, double activity, ProgressSink& progress);

}  // namespace kelvin
