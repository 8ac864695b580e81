#pragma once
/// The GPUs of a rack on their coolant loop, each on the case's 3-D plate (RackThermal's loop
/// side, rack_thermal.hpp). The plates are a GpuFleet: the plate's flow is solved once at the
/// design feed, and all plates are stacked into one batched operator (plate_batch.hpp). Every
/// interval, after the loop steps, each plate takes its own feed: the flow field scaled to its
/// branch's flow (the field's shape kept) and its coolant entering at the upstream node's
/// temperature. The heat a plate gives its coolant is the enthalpy its coolant carries out
/// minus in, from its 3-D temperatures.
#include <vector>

#include "solver/coupling/gpu_fleet.hpp"
#include "solver/coupling/rack_steady.hpp"
#include "solver/coupling/rack_thermal.hpp"

namespace kelvin {

/// GPU i's compute tray (i / gpus_per_tray): the groups of a rack's GpuFleet, so that over MPI
/// ranks each rank owns whole trays.
std::vector<int> tray_groups(const Case& c);

/// How the 3-D plates' start was found (settle_rack_3d).
struct Rack3dStart {
  RackSteady steady;          ///< the operating points the transient starts from
  int passes = 0;
  int outer_iterations = 0;   ///< the worst steady solve's TVD corrections
  double power_change_W = 0;  ///< of the last pass
  bool converged = false;
};

/// The start of a transient rack on 3-D plates: every plate of `fleet` (a transient case's)
/// settled at its GPU's steady power and feed, then the GPUs' operating points solved again on
/// the loop with each plate's own R_j = (T_j - T_in) / P from those temperatures (the batched
/// plates scale the design flow field, so their R_j differ slightly from plates solved at their
/// own flows), until no power changes by more than 1e-6 of the model's limit (10 passes at
/// most). Without this a GPU held at its slowdown would start a few mK above it and step its
/// clock down at once.
Rack3dStart settle_rack_3d(const Case& c, const GpuModel& m, const std::vector<PlateBranch>& laws,
                           double dp_setpoint_Pa, double activity, const RackSteady& first,
                           GpuFleet& fleet);

class Rack3dThermal : public RackThermal {
 public:
  /// fleet: the rack's GPUs at their start (settle_rack_3d), GPU i on loop.setup().plates[i].
  Rack3dThermal(LoopTransient& loop, GpuFleet& fleet);
  double junction_K(int i) const override { return m_fleet.junction_K(i); }
  double hbm_K(int i) const override { return m_fleet.hbm_K(i); }
  double coolant_heat_W(int i) const override { return m_fleet.coolant_heat_W(i); }
  /// Heat stored in the plates' cells since the start, from their temperatures, J: the books'
  /// stored_J() less this is the heat the plates lost through their other faces (to the board)
  /// and what holding q over each interval cost.
  double field_stored_J() const { return m_fleet.stored_J() - m_start_J; }

 private:
  void plate_power(int i, double power_W, double hbm_fraction) override {
    m_fleet.set_power(i, power_W, hbm_fraction);
  }
  void loop_stepped() override;
  AdvanceStats advance_plate(int i, double t_s, double) override { return m_fleet.advance(i, t_s); }
  GpuFleet& m_fleet;
  double m_start_J = 0;
};

}  // namespace kelvin
