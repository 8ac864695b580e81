#pragma once
/// GPU power and clock model: the catalogue of GPU models, the power model
///   P(f, a, T) = P_idle + P_leak(f, T) + P_dyn(f, a)
///   P_leak = L v(f) exp(beta (T - T_ref)),   P_dyn = D a v(f)^2 f / f_max
/// along a piecewise-linear voltage-frequency curve v(f) (normalised to 1 at f_max), the DVFS
/// governor (power cap, software thermal slowdown with hysteresis, hardware slowdown, shutdown)
/// with NVML-style clock-event reason bits, relative throughput g(f) of a roofline split, and the
/// steady operating point of the leakage-temperature feedback. Host-only scalar code, one GPU per
/// call; callers hold many GPUs as arrays of these structs (see gpu_run.cpp).
#include <functional>
#include <string>
#include <vector>

namespace kelvin {

/// NVML clock-event reasons (nvmlClocksEventReason*), as recorded per control interval.
enum ClockReason : unsigned {
  kReasonNone = 0,
  kReasonPowerCap = 0x4,      // SW power cap
  kReasonHwSlowdown = 0x8,    // HW slowdown (clocks cut by 2x or more)
  kReasonSwThermal = 0x20,    // SW thermal slowdown
  kReasonHwThermal = 0x40,    // HW thermal slowdown
};

/// One GPU model. Temperatures in K, powers in W, clocks in MHz. Every field may be overridden
/// in a case (gpu_models:), and a case may define a new model from scratch.
struct GpuModel {
  std::string name;
  // Power limit (the cap the governor enforces) and its allowed range.
  double power_limit_W = 700;
  double min_power_limit_W = 200;
  double max_power_limit_W = 700;
  // SM clock range and voltage-frequency curve: v = voltage_floor below voltage_knee_MHz,
  // rising linearly to 1 at max_clock_MHz.
  double min_clock_MHz = 345;
  double max_clock_MHz = 1980;
  double voltage_knee_MHz = 1000;
  double voltage_floor = 0.7;
  // Power model coefficients (see the header comment).
  double idle_power_W = 70;
  double leakage_W = 90;                 // L: leakage at leakage_reference_K and max clock
  double leakage_reference_K = 338.15;   // T_ref
  double leakage_growth_per_K = 0.0229;  // beta: ln(2.5) / 40 K (Liao, Li & He 2003)
  double dynamic_power_W = 540;          // D: activity 1 at max clock
  double hbm_power_fraction = 0.1;       // share of the GPU's power deposited in the HBM stacks
  // Thermal limits: software slowdown, hardware slowdown (clock halved), shutdown, and the
  // HBM's maximum (above it the software slowdown also acts). hysteresis_K: clocks recover
  // only once T_j is below slowdown - hysteresis (and below hw_slowdown - hysteresis for HW).
  double slowdown_K = 362.15;       // 89 degC
  double hw_slowdown_K = 365.15;    // 92 degC
  double shutdown_K = 368.15;       // 95 degC
  double max_operating_K = 360.15;  // 87 degC (T.Limit)
  double memory_max_K = 368.15;     // 95 degC
  double hysteresis_K = 3;
  double thermal_clock_step_MHz = 30;  // SW thermal slowdown: clock ceiling step per interval
  // Nominal throughput per GPU at max clock, tokens/s, by workload (documented defaults).
  double training_tokens_per_s = 950;
  double prefill_tokens_per_s = 30000;
  double decode_tokens_per_s = 3000;
};

/// The built-in catalogue: H100-SXM5, H100-PCIe, H200, B200, GB200 (sources in gpu_model.cpp
/// and the README).
const std::vector<GpuModel>& gpu_catalogue();
/// The catalogue entry with this name (case-insensitive), or nullptr.
const GpuModel* find_gpu_model(const std::string& name);

/// Normalised voltage v(f) of the V-f curve, voltage_floor .. 1.
double voltage_ratio(const GpuModel& m, double clock_MHz);
/// Leakage power at clock f and junction temperature T, W.
double leakage_power(const GpuModel& m, double clock_MHz, double junction_K);
/// Dynamic power at clock f and activity a (0..1, may exceed 1 for power viruses), W.
double dynamic_power(const GpuModel& m, double clock_MHz, double activity);
/// Total power P(f, a, T), W.
double gpu_power(const GpuModel& m, double clock_MHz, double activity, double junction_K);
/// Highest clock in [min_clock, max_clock] with gpu_power <= cap (min_clock if none), MHz.
/// P rises monotonically with f, so this is a bisection to 1e-9 MHz.
double power_limited_clock(const GpuModel& m, double cap_W, double activity, double junction_K);

/// Relative throughput at clock f: g = 1 / ((1 - m) f_max / f + m), where m is the fraction of
/// the time at max clock spent memory-bound (which the SM clock does not speed up).
double relative_throughput(double clock_MHz, double max_clock_MHz, double memory_bound_fraction);

/// Governor state carried from one control interval to the next, per GPU.
struct GovernorState {
  double thermal_ceiling_MHz = 0;  // SW thermal clock ceiling; 0 means not yet initialised
  bool hw_slowdown = false;
  bool shut_down = false;          // permanent: the GPU stopped and its job failed
};

/// One control-interval decision.
struct GovernorDecision {
  double clock_MHz = 0;
  double power_W = 0;     // at the start of the interval: gpu_power(clock, activity, T_j)
  unsigned reasons = 0;   // ClockReason bits
};

/// The governor: at the start of each control interval, given T_j, T_hbm and the activity,
/// picks the clock: shutdown if T_j >= shutdown (clock 0, power 0, forever); otherwise
///   f = min(f_power, f_thermal), halved (not below 0) while HW slowdown is on,
/// where f_power = power_limited_clock(cap) and f_thermal is the SW thermal ceiling, which steps
/// down by thermal_clock_step_MHz per interval while T_j > slowdown (or T_hbm > memory_max),
/// steps up while T_j < slowdown - hysteresis (and T_hbm < memory_max - hysteresis), and holds
/// in between. HW slowdown switches on at T_j >= hw_slowdown and off below hw_slowdown -
/// hysteresis. Reason bits: power cap when f_power is the binding limit below f_max, SW thermal
/// when f_thermal binds, HW thermal + HW slowdown while HW slowdown is on.
GovernorDecision govern(const GpuModel& m, double cap_W, double junction_K, double hbm_K,
                        double activity, GovernorState& state);

/// Steady operating point of a GPU whose junction temperature answers its power through a
/// thermal model: T_j = thermal(P). Solves T = thermal(P(f(T), a, T)) with f the governor's
/// steady clock (power-capped, and lowered by bisection on the clock ceiling until T_j <=
/// slowdown when the uncapped point is hotter), by monotone Picard iteration from the coolant
/// temperature up (which converges to the lowest, stable fixed point when one exists).
struct OperatingPoint {
  double junction_K = 0;
  double power_W = 0;
  double clock_MHz = 0;
  unsigned reasons = 0;
  int thermal_solves = 0;
  bool converged = false;
  bool runaway = false;    // no fixed point: T_j passed runaway_limit_K while still rising
  bool shut_down = false;  // the fixed point (even at min clock) is at or above shutdown
};
OperatingPoint steady_operating_point(const GpuModel& m, double cap_W, double activity,
                                      double start_K,
                                      const std::function<double(double power_W)>& thermal,
                                      double tolerance_K = 1e-6, int max_solves = 200,
                                      double runaway_limit_K = 573.15);

}  // namespace kelvin
