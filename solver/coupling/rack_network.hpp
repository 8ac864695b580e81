#pragma once
/// The coolant loop of a case's loop: section as a network: the CDU (solver/loop/cdu.hpp), a
/// supply and a return pipe to the rack, vertical supply and return manifolds with one node per
/// tray position (tray_pitch apart; the return leaves at the bottom for direct return, at the
/// top for reverse return), and at every position a branch: quick disconnect, hose, the tray's
/// plates (in parallel between the tray's inlet and outlet nodes, or in series), hose, quick
/// disconnect. Switch trays are one fixed-heat Kv branch each. Compute trays fill the positions
/// from the bottom, the switch trays after compute tray switch_after_tray.
#include <array>
#include <string>
#include <vector>

#include "solver/case/case.hpp"
#include "solver/loop/loop_transient.hpp"

namespace kelvin {

/// A rack's loop and where its parts are.
struct RackNetwork {
  explicit RackNetwork(LoopTransientSetup s) : setup(std::move(s)) {}
  /// The loop: setup.plates lists every GPU's plate link in GPU order, then the switch trays.
  LoopTransientSetup setup;
  int gpus = 0;
  std::vector<int> position_of_tray;   ///< rack position (0 = bottom) of each compute tray
  std::vector<int> tray_of_position;   ///< compute tray at each position; -1: a switch tray
  std::vector<int> qd_supply, qd_return;  ///< per compute tray: its quick disconnects' links
  int supply_pipe = -1, return_pipe = -1;
  /// Node coordinates [m] for pictures (rack front at x = 0, trays along +x, manifolds at the
  /// back, CDU beside the rack).
  std::vector<std::array<double, 3>> node_xyz;
};

/// Builds the loop of c (which has loop and gpus), every GPU's plate following plate_law, each
/// at the heat given (per GPU, W). dp_setpoint_Pa: the CDU's differential-pressure setpoint.
/// The secondary coolant is the case's coolant, facility water is water. Throws NetworkError
/// for a network that cannot be built.
RackNetwork build_rack_network(const Case& c, const PlateBranch& plate_law,
                               const std::vector<double>& gpu_heat_W, double dp_setpoint_Pa);
/// The same with each GPU's plate on its own law (one per GPU), and the facility water entering
/// the CDU at facility_inlet_K (0: the CDU's rated facility supply; the rating, and so the
/// exchanger's UA and rated flows, stay those of the case's design).
RackNetwork build_rack_network(const Case& c, const std::vector<PlateBranch>& plate_laws,
                               const std::vector<double>& gpu_heat_W, double dp_setpoint_Pa,
                               double facility_inlet_K = 0);

/// The CDU design of c's loop section.
CduDesign loop_cdu_design(const LoopCase& l);

/// The differential pressure [Pa] at which the CDU's duty pumps deliver `mean_gpu_flow_m3_s` on
/// average to the GPU plates of net (secant on the duty pumps' speed; hydraulics only).
double dp_for_mean_plate_flow(RackNetwork& net, double mean_gpu_flow_m3_s);

}  // namespace kelvin
