#pragma once
/// What the GPU control loop (gpu_stepper.hpp) needs of the GPUs' thermal model: each GPU's
/// junction and HBM temperatures now, its heat for the next interval, and the advance to the
/// interval's end. Implemented by the 3-D plates of a board (GpuFleet) and by the reduced
/// plates of a rack on its coolant loop (RackThermal: reduced or 3-D plates).
#include "solver/coupling/plate_batch.hpp"

namespace kelvin {

class GpuThermal {
 public:
  virtual ~GpuThermal() = default;
  virtual int size() const = 0;
  /// Junction and HBM (NaN without one) temperatures of GPU i now, K.
  virtual double junction_K(int i) const = 0;
  virtual double hbm_K(int i) const = 0;
  /// GPU i's heat over the next interval: hbm_fraction of power_W into the HBM. Called for
  /// every GPU in order before any advance of the interval.
  virtual void set_power(int i, double power_W, double hbm_fraction) = 0;
  /// Advances GPU i to t_s; called for every GPU in order.
  virtual AdvanceStats advance(int i, double t_s) = 0;
};

}  // namespace kelvin
