#pragma once
/// The reduced plate of a loop case (reduced_plate.hpp), fitted from the case's own 3-D plate:
/// steady conjugate runs at loop.reduced_model.flows x the cold plate's flow rate (inlet at the
/// CDU's supply setpoint, the GPU model's power limit in), and for transient cases a step
/// response (power limit switched on at t = 0 over a plate at the inlet temperature, the case's
/// time step, loop.response_time long) for the Foster terms. Two held-out runs check it: at 0.75
/// and 1.25 x the flow rate (between the fitted flows) with the inlet 5 K warmer; their errors are
/// what the fit misses between its points and across inlet temperatures (the 3-D runs take the
/// coolant's properties at each inlet, the reduced law does not).
#include <vector>

#include "solver/base/progress_sink.hpp"
#include "solver/case/case.hpp"
#include "solver/loop/reduced_plate.hpp"

namespace kelvin {

struct PlateFit {
  ReducedPlate plate;
  std::vector<PlateRun> runs, held_out;
  FitErrors held_out_error;
  std::vector<double> response_time_s, response_junction;  ///< normalised step response
  double power_W = 0;       ///< the runs' power
  double design_flow_m3_s = 0;
  long long cells = 0;      ///< of one plate's 3-D model
  int thermal_solves = 0;   ///< 3-D steady solves run
};

/// Fits c's plate (c has loop, gpus and a cold plate). Transient cases also fit the step
/// response; steady ones keep a single term of tau 1 s (not used). steady: a fit of the same
/// plate's steady runs (a facility run's), kept: only the step response is run.
PlateFit fit_case_plate(const Case& c, ProgressSink& progress, const PlateFit* steady = nullptr);

}  // namespace kelvin
