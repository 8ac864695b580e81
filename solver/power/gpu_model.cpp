#include "solver/power/gpu_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace kelvin {

namespace {

constexpr unsigned kShutdownReasons = kReasonHwThermal | kReasonHwSlowdown;

// ---- Catalogue ---------------------------------------------------------------------------------
//
// Sources: shared/data/REFERENCE.md, "GPUs".
//  - H100 SXM5 80 GB and H200 141 GB: `nvidia-smi -q` (drivers 565.57 and 550.90) show the power
//    limit default / min / max 700 / 200 / 700 W, max SM clock 1980 MHz, and the thermal limits
//    relative to T.Limit (the max operating temperature). The H800 (same H100 silicon, driver
//    525.105) gives the absolute values: max operating 87 degC, slowdown 89 degC, memory max
//    95 degC. We put slowdown at T.Limit + 2 K = 89 degC and shutdown at T.Limit + 8 K = 95 degC.
//    Assumption: the hardware slowdown (clock halved) sits between them at 92 degC (the H800's
//    reported "shutdown" figure); NVIDIA does not publish it for these parts.
//  - H100 PCIe: TDP 350 W, boost about 1755 MHz (NVIDIA product brief PB-11133-001; the clock is
//    uncertain). Thermal limits taken equal to the SXM5 part's (same die; an assumption).
//  - B200: 1000 W on HGX boards, 1200 W in GB200 superchips, about 1.98 GHz (secondary sources,
//    uncertain); we use 1965 MHz. Thermal limits are not published: the H100's are used, which
//    is an assumption.
//
// Power calibration, every entry: dynamic_power_W = power_limit_W - idle_power_W - leakage_W, so
// that full activity (a = 1) at max clock with the junction at leakage_reference_K (65 degC) draws
// exactly the power limit:
//   P(f_max, 1, T_ref) = P_idle + L v(f_max) exp(0) + D v(f_max)^2 = P_idle + L + D = cap.
// A hotter junction leaks more, so a fully busy GPU is power-capped slightly below max clock.
//
// Throughput (tokens/s per GPU at max clock) is a documented default, not a measurement; the
// other parts scale the H100-SXM5 figures by SM count x clock (compute-bound training and
// prefill) and by HBM bandwidth (memory-bound decode):
//  - H100 PCIe: 114 SMs vs 132 and HBM2e 2.0 TB/s vs HBM3 3.35 TB/s.
//  - H200: same SMs and clocks as the H100 SXM5, HBM3e 4.8 TB/s.
//  - B200 / GB200: roughly 2.2-2.6x the H100's dense throughput and 8 TB/s HBM3e (uncertain).

GpuModel h100_sxm5() {
  GpuModel m;  // the struct defaults are the H100 SXM5
  m.name = "H100-SXM5";
  return m;
}

GpuModel h100_pcie() {
  GpuModel m = h100_sxm5();
  m.name = "H100-PCIe";
  m.power_limit_W = 350;
  m.min_power_limit_W = 200;
  m.max_power_limit_W = 350;
  m.max_clock_MHz = 1755;
  m.idle_power_W = 50;
  m.leakage_W = 45;
  m.dynamic_power_W = m.power_limit_W - m.idle_power_W - m.leakage_W;  // 255 W
  m.training_tokens_per_s = 600;
  m.prefill_tokens_per_s = 19000;
  m.decode_tokens_per_s = 2000;
  return m;
}

GpuModel h200() {
  GpuModel m = h100_sxm5();
  m.name = "H200";
  m.hbm_power_fraction = 0.12;  // 6 HBM3e stacks instead of 5 HBM3
  m.decode_tokens_per_s = 4300;
  return m;
}

GpuModel b200() {
  GpuModel m = h100_sxm5();
  m.name = "B200";
  m.power_limit_W = 1000;
  m.min_power_limit_W = 200;
  m.max_power_limit_W = 1000;
  m.max_clock_MHz = 1965;
  m.idle_power_W = 100;
  m.leakage_W = 130;
  m.dynamic_power_W = m.power_limit_W - m.idle_power_W - m.leakage_W;  // 770 W
  m.hbm_power_fraction = 0.12;
  m.training_tokens_per_s = 2150;
  m.prefill_tokens_per_s = 67000;
  m.decode_tokens_per_s = 7000;
  return m;
}

GpuModel gb200() {
  GpuModel m = b200();
  m.name = "GB200";
  m.power_limit_W = 1200;
  m.max_power_limit_W = 1200;
  m.idle_power_W = 110;
  m.leakage_W = 150;
  m.dynamic_power_W = m.power_limit_W - m.idle_power_W - m.leakage_W;  // 940 W
  m.training_tokens_per_s = 2500;
  m.prefill_tokens_per_s = 80000;
  m.decode_tokens_per_s = 7500;
  return m;
}

// ---- Argument checks ---------------------------------------------------------------------------

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

/// Throws std::invalid_argument(what()) unless ok; the message is built only then (these checks
/// run on every power evaluation: a facility's rack table calls them millions of times).
template <class Message>
void require(bool ok, const Message& what) {
  if (!ok) throw std::invalid_argument(what());
}

void check_finite(double x, const char* function, const char* name) {
  require(std::isfinite(x),
          [&] { return std::string(function) + ": " + name + " must be finite, got " + num(x); });
}

void check_model(const GpuModel& m, const char* function) {
  require(std::isfinite(m.min_clock_MHz) && std::isfinite(m.max_clock_MHz) &&
              m.min_clock_MHz >= 0 && m.min_clock_MHz < m.max_clock_MHz,
          [&] {
            return std::string(function) + ": GPU model \"" + m.name + "\" needs 0 <= min_clock (" +
                   num(m.min_clock_MHz) + " MHz) < max_clock (" + num(m.max_clock_MHz) + " MHz)";
          });
}

void check_activity(double activity, const char* function) {
  require(std::isfinite(activity) && activity >= 0, [&] {
    return std::string(function) + ": activity must be finite and non-negative, got " +
           num(activity);
  });
}

// The cap the governor enforces must be one the GPU accepts (nvidia-smi -pl range).
void check_cap(const GpuModel& m, double cap_W, const char* function) {
  require(std::isfinite(cap_W) && cap_W >= m.min_power_limit_W && cap_W <= m.max_power_limit_W,
          [&] {
            return std::string(function) + ": power cap " + num(cap_W) + " W is outside the " +
                   m.name + "'s power limit range " + num(m.min_power_limit_W) + " .. " +
                   num(m.max_power_limit_W) + " W";
          });
}

// ---- Steady fixed point ------------------------------------------------------------------------

/// One Picard solve T_{n+1} = thermal(P(f(T_n), a, T_n)) at the clock policy
/// f(T) = min(ceiling, f_power(T)).
struct FixedPoint {
  double junction_K = 0;
  double clock_MHz = 0;
  double power_W = 0;
  bool converged = false;
  bool runaway = false;
  bool stopped_hot = false;  // still rising and already above stop_above_K: the limit is hotter
};

struct PicardSettings {
  double tolerance_K;
  int max_solves;
  double runaway_limit_K;
};

/// The clock the steady governor runs at with junction T under this ceiling, MHz.
double policy_clock(const GpuModel& m, double cap_W, double activity, double ceiling_MHz,
                    double junction_K) {
  return std::min(ceiling_MHz, power_limited_clock(m, cap_W, activity, junction_K));
}

/// Iterates from start_K. The map is monotone in T (hotter: more leakage, the clock only drops
/// as far as the cap keeps P from falling), so from below it rises to the lowest fixed point;
/// once rising past stop_above_K the fixed point is known to be hotter and the solve stops.
FixedPoint solve_fixed_point(const GpuModel& m, double cap_W, double activity, double ceiling_MHz,
                             double start_K, const std::function<double(double)>& thermal,
                             const PicardSettings& s, double stop_above_K, int& solves) {
  FixedPoint r;
  double T = start_K;
  bool always_rising = true;
  int n = 0;
  for (; n < s.max_solves; ++n) {
    const double P = gpu_power(m, policy_clock(m, cap_W, activity, ceiling_MHz, T), activity, T);
    const double T_next = thermal(P);
    ++solves;
    require(!std::isnan(T_next), [&] {
      return "steady_operating_point: the thermal model returned NaN for power " + num(P) + " W";
    });
    if (T_next > s.runaway_limit_K) {
      r.runaway = true;
      r.junction_K = T_next;
      break;
    }
    const double step_K = T_next - T;
    always_rising = always_rising && step_K > 0;
    T = T_next;
    if (std::abs(step_K) <= s.tolerance_K) {
      r.converged = true;
      break;
    }
    if (T > stop_above_K && step_K > 0) {
      r.stopped_hot = true;
      break;
    }
  }
  if (n == s.max_solves && always_rising) r.runaway = true;  // rose every solve, no convergence
  if (r.runaway) {
    // No fixed point: report the hottest iterate (the limit itself if thermal() overflowed).
    r.junction_K = std::max(T, r.junction_K);
    if (!std::isfinite(r.junction_K)) r.junction_K = s.runaway_limit_K;
  } else {
    r.junction_K = T;
  }
  r.clock_MHz = policy_clock(m, cap_W, activity, ceiling_MHz, r.junction_K);
  r.power_W = gpu_power(m, r.clock_MHz, activity, r.junction_K);
  return r;
}

/// NVML reason bits of a steady point with this ceiling: power cap when f_power < f_max binds,
/// SW thermal when the ceiling sits below f_power.
unsigned steady_reasons(const GpuModel& m, double cap_W, double activity, double ceiling_MHz,
                        double junction_K) {
  const double f_power = power_limited_clock(m, cap_W, activity, junction_K);
  unsigned reasons = kReasonNone;
  if (f_power < m.max_clock_MHz && f_power <= ceiling_MHz) reasons |= kReasonPowerCap;
  if (ceiling_MHz < f_power) reasons |= kReasonSwThermal;
  return reasons;
}

OperatingPoint to_operating_point(const FixedPoint& p, unsigned reasons, int solves) {
  OperatingPoint op;
  op.junction_K = p.junction_K;
  op.power_W = p.power_W;
  op.clock_MHz = p.clock_MHz;
  op.reasons = reasons;
  op.thermal_solves = solves;
  op.converged = p.converged;
  op.runaway = p.runaway;
  return op;
}

}  // namespace

// ---- Catalogue ---------------------------------------------------------------------------------

const std::vector<GpuModel>& gpu_catalogue() {
  static const std::vector<GpuModel> catalogue = {h100_sxm5(), h100_pcie(), h200(), b200(),
                                                  gb200()};
  return catalogue;
}

const GpuModel* find_gpu_model(const std::string& name) {
  const auto same = [](const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
             return std::tolower(x) == std::tolower(y);
           });
  };
  for (const GpuModel& m : gpu_catalogue())
    if (same(m.name, name)) return &m;
  return nullptr;
}

// ---- Power model -------------------------------------------------------------------------------

double voltage_ratio(const GpuModel& m, double clock_MHz) {
  check_finite(clock_MHz, "voltage_ratio", "clock_MHz");
  // v = v_floor for f <= f_knee, v_floor + (1 - v_floor) (f - f_knee) / (f_max - f_knee) above,
  // with f clamped to [0, f_max] (the V-f table ends at max clock).
  const double f = std::clamp(clock_MHz, 0.0, m.max_clock_MHz);
  if (f >= m.max_clock_MHz) return 1.0;
  if (f <= m.voltage_knee_MHz) return m.voltage_floor;
  return m.voltage_floor + (1.0 - m.voltage_floor) * (f - m.voltage_knee_MHz) /
                               (m.max_clock_MHz - m.voltage_knee_MHz);
}

double leakage_power(const GpuModel& m, double clock_MHz, double junction_K) {
  check_finite(junction_K, "leakage_power", "junction_K");
  // P_leak = L v(f) exp(beta (T - T_ref))
  return m.leakage_W * voltage_ratio(m, clock_MHz) *
         std::exp(m.leakage_growth_per_K * (junction_K - m.leakage_reference_K));
}

double dynamic_power(const GpuModel& m, double clock_MHz, double activity) {
  check_activity(activity, "dynamic_power");
  // P_dyn = D a v(f)^2 f / f_max
  const double v = voltage_ratio(m, clock_MHz);
  return m.dynamic_power_W * activity * v * v * std::max(clock_MHz, 0.0) / m.max_clock_MHz;
}

double gpu_power(const GpuModel& m, double clock_MHz, double activity, double junction_K) {
  return m.idle_power_W + leakage_power(m, clock_MHz, junction_K) +
         dynamic_power(m, clock_MHz, activity);
}

double power_limited_clock(const GpuModel& m, double cap_W, double activity, double junction_K) {
  check_model(m, "power_limited_clock");
  check_finite(cap_W, "power_limited_clock", "cap_W");
  if (gpu_power(m, m.max_clock_MHz, activity, junction_K) <= cap_W) return m.max_clock_MHz;
  if (gpu_power(m, m.min_clock_MHz, activity, junction_K) > cap_W) return m.min_clock_MHz;
  // Invariant: P(lo) <= cap < P(hi); P rises with f, so the answer lies in [lo, hi).
  double lo = m.min_clock_MHz;
  double hi = m.max_clock_MHz;
  while (hi - lo > 1e-9) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;  // no double between them
    (gpu_power(m, mid, activity, junction_K) <= cap_W ? lo : hi) = mid;
  }
  return lo;
}

double relative_throughput(double clock_MHz, double max_clock_MHz, double memory_bound_fraction) {
  check_finite(clock_MHz, "relative_throughput", "clock_MHz");
  require(std::isfinite(max_clock_MHz) && max_clock_MHz > 0, [&] {
    return "relative_throughput: max_clock_MHz must be positive, got " + num(max_clock_MHz);
  });
  require(memory_bound_fraction >= 0 && memory_bound_fraction <= 1, [&] {
    return "relative_throughput: memory_bound_fraction must lie in [0, 1], got " +
           num(memory_bound_fraction);
  });
  if (clock_MHz <= 0) return 0;
  // Time per unit of work relative to max clock: (1 - m) f_max / f (compute) + m (memory).
  return 1.0 / ((1.0 - memory_bound_fraction) * max_clock_MHz / clock_MHz + memory_bound_fraction);
}

// ---- Governor ----------------------------------------------------------------------------------

GovernorDecision govern(const GpuModel& m, double cap_W, double junction_K, double hbm_K,
                        double activity, GovernorState& state) {
  check_model(m, "govern");
  check_cap(m, cap_W, "govern");
  check_finite(junction_K, "govern", "junction_K");
  check_finite(hbm_K, "govern", "hbm_K");
  check_activity(activity, "govern");

  // Shutdown is permanent: the GPU falls off the bus and its job fails.
  if (state.shut_down || junction_K >= m.shutdown_K) {
    state.shut_down = true;
    return {0.0, 0.0, kShutdownReasons};
  }
  if (state.thermal_ceiling_MHz == 0) state.thermal_ceiling_MHz = m.max_clock_MHz;

  const double f_power = power_limited_clock(m, cap_W, activity, junction_K);

  // SW thermal slowdown with hysteresis. A step down starts from the clock the GPU runs at now
  // (a ceiling above f_power would not slow it), so each hot interval really cuts 30 MHz.
  const double hyst = m.hysteresis_K;
  double& ceiling = state.thermal_ceiling_MHz;
  const bool hot = junction_K > m.slowdown_K || hbm_K > m.memory_max_K;
  const bool cool = junction_K < m.slowdown_K - hyst && hbm_K < m.memory_max_K - hyst;
  if (hot)
    ceiling = std::max(m.min_clock_MHz, std::min(ceiling, f_power) - m.thermal_clock_step_MHz);
  else if (cool)
    ceiling = std::min(m.max_clock_MHz, ceiling + m.thermal_clock_step_MHz);

  // HW slowdown: on at hw_slowdown, off only below hw_slowdown - hysteresis.
  if (junction_K >= m.hw_slowdown_K)
    state.hw_slowdown = true;
  else if (junction_K < m.hw_slowdown_K - hyst)
    state.hw_slowdown = false;

  GovernorDecision d;
  d.clock_MHz = std::min(f_power, ceiling);  // f = min(f_power, f_thermal)
  if (f_power < m.max_clock_MHz && f_power <= ceiling) d.reasons |= kReasonPowerCap;
  if (ceiling < f_power) d.reasons |= kReasonSwThermal;
  if (state.hw_slowdown) {
    d.clock_MHz = std::max(0.0, 0.5 * d.clock_MHz);
    d.reasons |= kShutdownReasons;  // HW thermal + HW slowdown
  }
  d.power_W = gpu_power(m, d.clock_MHz, activity, junction_K);
  return d;
}

// ---- Steady operating point --------------------------------------------------------------------

OperatingPoint steady_operating_point(const GpuModel& m, double cap_W, double activity,
                                      double start_K,
                                      const std::function<double(double power_W)>& thermal,
                                      double tolerance_K, int max_solves, double runaway_limit_K) {
  const char* fn = "steady_operating_point";
  check_model(m, fn);
  check_cap(m, cap_W, fn);
  check_activity(activity, fn);
  check_finite(start_K, fn, "start_K");
  require(bool(thermal), [&] { return std::string(fn) + ": no thermal model given"; });
  require(tolerance_K > 0 && max_solves > 0 && !std::isnan(runaway_limit_K),
          [&] { return std::string(fn) + ": tolerance_K and max_solves must be positive"; });
  const PicardSettings s{tolerance_K, max_solves, runaway_limit_K};
  const double inf = std::numeric_limits<double>::infinity();
  int solves = 0;

  // 1. The power-capped point: f(T) = f_power(T). Once it rises past slowdown it is known to be
  // too hot, and the SW thermal slowdown decides; so does a runaway of the capped loop, which the
  // governor would catch at slowdown on its way up (leakage can outgrow the cap even at min clock
  // at temperatures the power cap alone would allow).
  const FixedPoint capped = solve_fixed_point(m, cap_W, activity, m.max_clock_MHz, start_K, thermal,
                                              s, m.slowdown_K, solves);
  const bool too_hot = (capped.converged && capped.junction_K > m.slowdown_K) ||
                       capped.stopped_hot || (capped.runaway && m.slowdown_K < runaway_limit_K);
  if (!too_hot)
    return to_operating_point(
        capped, steady_reasons(m, cap_W, activity, m.max_clock_MHz, capped.junction_K), solves);

  // 2. Too hot: the SW thermal ceiling settles where T_j = slowdown. Lowest ceiling first.
  const FixedPoint lowest =
      solve_fixed_point(m, cap_W, activity, m.min_clock_MHz, start_K, thermal, s, inf, solves);
  if (!lowest.converged || lowest.junction_K > m.slowdown_K) {
    OperatingPoint op = to_operating_point(
        lowest,
        steady_reasons(m, cap_W, activity, m.min_clock_MHz, lowest.junction_K) | kReasonSwThermal,
        solves);
    op.shut_down = lowest.runaway || (lowest.converged && lowest.junction_K >= m.shutdown_K);
    return op;
  }

  // 3. Bisection on the ceiling c for the highest c whose fixed point stays at or below slowdown.
  // Any c >= f_power(slowdown) runs the capped policy at every T <= slowdown, which has no fixed
  // point there, so c lies in [min_clock, f_power(slowdown)]. Each solve starts from the last
  // feasible fixed point, which lies below the fixed point of any higher ceiling, so it still rises
  // to the lowest one.
  double lo = m.min_clock_MHz;
  double hi = power_limited_clock(m, cap_W, activity, m.slowdown_K);
  FixedPoint best = lowest;
  while (hi - lo > 1e-3 && m.slowdown_K - best.junction_K > 1e-6) {
    const double mid = 0.5 * (lo + hi);
    const FixedPoint p = solve_fixed_point(m, cap_W, activity, mid, best.junction_K, thermal, s,
                                           m.slowdown_K, solves);
    if (p.converged && p.junction_K <= m.slowdown_K) {
      lo = mid;
      best = p;
    } else {
      hi = mid;
    }
  }
  return to_operating_point(
      best, steady_reasons(m, cap_W, activity, lo, best.junction_K) | kReasonSwThermal, solves);
}

}  // namespace kelvin
