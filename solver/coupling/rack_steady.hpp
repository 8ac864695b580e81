#pragma once
/// The steady state of a rack on its loop: every GPU at its steady operating point (power model,
/// power cap and thermal slowdown; steady_operating_point) on its reduced plate, T_j = T_in +
/// R_j(Q) P, with its plate's flow Q and inlet T_in from the loop at the CDU's setpoints, and
/// the loop carrying every GPU's power. Picard iteration: loop (at the powers) -> operating points
/// (at the loop's flows and inlets) -> powers, until no power changes by more than 1e-6 W.
#include <vector>

#include "solver/coupling/rack_network.hpp"
#include "solver/loop/reduced_plate.hpp"
#include "solver/power/gpu_model.hpp"

namespace kelvin {

struct RackSteady {
  std::vector<OperatingPoint> gpu;  ///< per GPU
  std::vector<double> power_W;      ///< per GPU, the loop's heat
  int iterations = 0;
  double power_change_W = 0;        ///< of the last iteration
  bool converged = false;
};

/// Solves the steady rack of c at workload activity `activity`, each GPU at its cap (the
/// instance's or the model's). dp_setpoint_Pa as for build_rack_network.
RackSteady solve_rack_steady(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                             double dp_setpoint_Pa, double activity);

/// GPU i's power cap in c, W.
double gpu_cap_W(const Case& c, const GpuModel& m, int i);

}  // namespace kelvin
