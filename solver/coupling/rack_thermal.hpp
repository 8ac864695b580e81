#pragma once
/// The GPUs of a rack on their coolant loop, each on its reduced plate (reduced_plate.hpp): the
/// GPU control loop (gpu_stepper.hpp) sees the same GpuThermal as a board's 3-D plates. Each
/// control interval, the first advance steps the loop (pump rotors, hydraulics, transient heat,
/// CDU controls) over the interval with every plate's heat as set; every GPU's Foster terms then
/// advance on its plate's new flow, and T_j is read above its plate's inlet (the upstream
/// node's temperature).
///
/// Heat into the coolant: a plate passes q = (T_j - T_in) / R_j(Q) to its coolant (P in the
/// steady state; less while its metal heats, after a power step or when its flow drops), set
/// on the loop at each interval's start. The metal's stored heat is the integral of P - q.
#include <vector>

#include "solver/coupling/gpu_thermal.hpp"
#include "solver/loop/loop_transient.hpp"
#include "solver/loop/reduced_plate.hpp"

namespace kelvin {

class RackThermal : public GpuThermal {
 public:
  /// GPUs 0 .. gpus-1 are loop.setup().plates[0 .. gpus-1]; start: each GPU's state.
  RackThermal(LoopTransient& loop, const ReducedPlate& plate,
              const std::vector<PlateThermalState>& start);
  int size() const override { return static_cast<int>(m_state.size()); }
  double junction_K(int i) const override;
  double hbm_K(int i) const override;
  void set_power(int i, double power_W, double hbm_fraction) override;
  AdvanceStats advance(int i, double t_s) override;

  /// GPU i's plate: inlet temperature now [K], flow [m^3/s], heat into its coolant [W].
  double inlet_K(int i) const;
  double flow_m3_s(int i) const;
  double coolant_heat_W(int i) const;
  /// Heat stored in the plates' metal since the start, J (integral of P - q).
  double stored_J() const { return m_stored_J; }
  const PlateThermalState& state(int i) const { return m_state[static_cast<std::size_t>(i)]; }

 private:
  LoopTransient& m_loop;
  const ReducedPlate& m_plate;
  std::vector<PlateThermalState> m_state;
  std::vector<double> m_power;
  double m_dt = 0, m_stored_J = 0;
};

}  // namespace kelvin
