#pragma once
/// The GPUs of a rack on their coolant loop: the GPU control loop (gpu_stepper.hpp) sees the
/// same GpuThermal as a board's 3-D plates. Each control interval, the first advance steps the
/// loop (pump rotors, hydraulics, transient heat, CDU controls) over the interval with every
/// plate's heat as set; every plate then advances on its new feed (flow, and inlet at the
/// upstream node's temperature). The plates are reduced (ReducedRackThermal, here) or 3-D
/// (Rack3dThermal, rack_thermal_3d.hpp).
///
/// Heat into the coolant: each plate passes its coolant the heat q it gives it at the
/// interval's start (P in the steady state; less while its metal heats, after a power step or
/// when its flow drops), held over the interval. The metal's stored heat is the integral of
/// P - q: the GPUs' energy splits exactly into the loop's coolant heat and that.
#include <vector>

#include "solver/coupling/gpu_thermal.hpp"
#include "solver/loop/loop_transient.hpp"
#include "solver/loop/reduced_plate.hpp"

namespace kelvin {

class RackThermal : public GpuThermal {
 public:
  /// GPUs 0 .. gpus-1 are loop.setup().plates[0 .. gpus-1].
  RackThermal(LoopTransient& loop, int gpus)
      : m_loop(loop), m_power(static_cast<std::size_t>(gpus), 0.0), m_heat(m_power) {}
  int size() const override { return static_cast<int>(m_power.size()); }
  void set_power(int i, double power_W, double hbm_fraction) override;
  AdvanceStats advance(int i, double t_s) override;

  /// GPU i's plate: inlet temperature now [K], flow [m^3/s], heat into its coolant [W].
  double inlet_K(int i) const;
  double flow_m3_s(int i) const;
  virtual double coolant_heat_W(int i) const = 0;
  /// Heat stored in the plates' metal since the start, J (integral of P - q).
  double stored_J() const { return m_stored_J; }

 protected:
  /// GPU i's power for the interval, to its plate.
  virtual void plate_power(int i, double power_W, double hbm_fraction) = 0;
  /// The loop has just stepped to the interval's end: the plates take their new feeds.
  virtual void loop_stepped() {}
  /// Advances GPU i's plate over the interval [t_s - dt, t_s].
  virtual AdvanceStats advance_plate(int i, double t_s, double dt) = 0;
  LoopTransient& m_loop;
  std::vector<double> m_power;
  std::vector<double> m_heat;  ///< each plate's q as set on the loop this interval

 private:
  double m_dt = 0, m_stored_J = 0;
};

/// Every GPU on the rack's reduced plate: q = (T_j - T_in) / R_j(Q), the junction's rise over
/// the plate's resistance at its flow; the Foster terms advance on the plate's new flow and
/// T_j is read above the plate's inlet.
class ReducedRackThermal : public RackThermal {
 public:
  /// start: each GPU's state.
  ReducedRackThermal(LoopTransient& loop, const ReducedPlate& plate,
                     const std::vector<PlateThermalState>& start);
  double junction_K(int i) const override;
  double hbm_K(int i) const override;
  double coolant_heat_W(int i) const override;
  const PlateThermalState& state(int i) const { return m_state[static_cast<std::size_t>(i)]; }

 private:
  void plate_power(int, double, double) override {}
  AdvanceStats advance_plate(int i, double t_s, double dt) override;
  const ReducedPlate& m_plate;
  std::vector<PlateThermalState> m_state;
};

}  // namespace kelvin
