#pragma once
/// The steady state of a rack on its loop: every GPU at its steady operating point (power model,
/// power cap and thermal slowdown; steady_operating_point) on its reduced plate, T_j = T_in +
/// R_j(Q) P, with its plate's flow Q and inlet T_in from the loop at the CDU's setpoints, and
/// the loop carrying every GPU's power. Picard iteration: loop (at the powers) -> operating points
/// (at the loop's flows and inlets) -> powers, until no power changes by more than 1e-6 of the
/// model's power limit (200 iterations at most).
#include <functional>
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
  std::vector<double> flow_m3_s, inlet_K;  ///< per GPU plate, at the answer
  /// The loop at the answer: its steady start (pumps, CDU duty, facility flow and return).
  LoopSample loop;
  double facility_flow_kg_s = 0;
  double supply_excess_K = 0, dp_shortfall_Pa = 0;  ///< the CDU's saturations (0: none)
  double dp_excess_Pa = 0;  ///< pumps at their bottom command, dp above its setpoint (0: none)
};

/// Solves the steady rack of c at workload activity `activity`, each GPU at its cap (the
/// instance's or the model's). dp_setpoint_Pa as for build_rack_network.
RackSteady solve_rack_steady(const Case& c, const GpuModel& m, const ReducedPlate& plate,
                             double dp_setpoint_Pa, double activity, double facility_inlet_K = 0);

/// GPU i's junction-to-inlet resistance [K/W] at its plate's flow q [m^3/s].
using JunctionResistance = std::function<double(int i, double q_m3_s)>;

/// The same with each GPU's plate law and junction resistance given; also returns each GPU's
/// plate flow and inlet temperature.
RackSteady solve_rack_steady(const Case& c, const GpuModel& m,
                             const std::vector<PlateBranch>& laws, const JunctionResistance& r_j,
                             double dp_setpoint_Pa, double activity, double facility_inlet_K = 0);

/// The CDU's differential-pressure setpoint: the case's, or (absent) the one at which the duty
/// pumps give the GPU plates (on plate_law, at their caps) design_flow on average.
double rack_dp_setpoint(const Case& c, const GpuModel& m, const PlateBranch& plate_law,
                        double design_flow_m3_s);

/// GPU i's power cap in c, W.
double gpu_cap_W(const Case& c, const GpuModel& m, int i);

}  // namespace kelvin
