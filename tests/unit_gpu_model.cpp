#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#if __has_include(<boost/math/special_functions/lambert_w.hpp>)
#include <boost/math/special_functions/lambert_w.hpp>
#define KELVIN_HAVE_BOOST_LAMBERT_W 1
#endif

#include "solver/power/gpu_model.hpp"

using kelvin::find_gpu_model;
using kelvin::govern;
using kelvin::GovernorDecision;
using kelvin::GovernorState;
using kelvin::gpu_catalogue;
using kelvin::gpu_power;
using kelvin::GpuModel;
using kelvin::leakage_power;
using kelvin::OperatingPoint;
using kelvin::power_limited_clock;
using kelvin::relative_throughput;
using kelvin::steady_operating_point;
using kelvin::voltage_ratio;

namespace {

constexpr double kC = 273.15;  // 0 degC in K
constexpr unsigned kPowerCap = kelvin::kReasonPowerCap;
constexpr unsigned kSwThermal = kelvin::kReasonSwThermal;
constexpr unsigned kHw = kelvin::kReasonHwThermal | kelvin::kReasonHwSlowdown;

const GpuModel& h100() { return *find_gpu_model("H100-SXM5"); }

/// Principal branch W0 of Lambert's W, w e^w = x for x >= -1/e, by Halley's iteration. Starts
/// from the branch-point series near -1/e and from log1p(x) elsewhere.
double lambert_w0(double x) {
  const double e = std::exp(1.0);
  double w;
  if (x < -0.25) {
    const double p = std::sqrt(std::max(0.0, 2.0 * (e * x + 1.0)));
    w = -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p;
  } else {
    w = std::log1p(x);
  }
  for (int i = 0; i < 100; ++i) {
    const double ew = std::exp(w);
    const double f = w * ew - x;
    if (f == 0) break;
    const double dw = f / (ew * (w + 1.0) - (w + 2.0) * f / (2.0 * w + 2.0));
    w -= dw;
    if (std::abs(dw) <= 1e-16 * (1.0 + std::abs(w))) break;
  }
  return w;
}

/// The lumped loop C dT/dt = P - (T - T_c) / R around one GPU.
struct LumpedLoop {
  double coolant_K;
  double resistance_K_W;
  double capacity_J_K;
};

/// One control interval of the closed-loop simulation.
struct Interval {
  double junction_K = 0;  // at the decision
  double ceiling_before_MHz = 0;
  double ceiling_after_MHz = 0;
  double power_clock_MHz = 0;  // f_power at the decision
  GovernorDecision decision;
  double mean_power_W = 0;      // integrated over the interval / its length
  double leakage_change_W = 0;  // |P_leak(f, T_end) - P_leak(f, T_start)|
};

constexpr double kControlInterval_s = 0.1;
constexpr int kSubsteps = 100;  // 1 ms explicit Euler steps

/// Runs the governor every 100 ms on the lumped loop, T advanced by explicit Euler in 1 ms steps.
/// The HBM is taken at the coolant temperature (it never binds here).
std::vector<Interval> simulate(const GpuModel& m, double cap_W, const LumpedLoop& loop,
                               double activity, int intervals, double& T_K, GovernorState& state) {
  const double dt_s = kControlInterval_s / kSubsteps;
  std::vector<Interval> out;
  for (int k = 0; k < intervals; ++k) {
    Interval iv;
    iv.junction_K = T_K;
    iv.ceiling_before_MHz =
        state.thermal_ceiling_MHz == 0 ? m.max_clock_MHz : state.thermal_ceiling_MHz;
    iv.power_clock_MHz = power_limited_clock(m, cap_W, activity, T_K);
    iv.decision = govern(m, cap_W, T_K, loop.coolant_K, activity, state);
    iv.ceiling_after_MHz = state.thermal_ceiling_MHz;
    const double f = iv.decision.clock_MHz;
    const double T_start_K = T_K;
    double energy_J = 0;
    for (int s = 0; s < kSubsteps; ++s) {
      const double P = state.shut_down ? 0.0 : gpu_power(m, f, activity, T_K);
      energy_J += P * dt_s;
      T_K += dt_s / loop.capacity_J_K * (P - (T_K - loop.coolant_K) / loop.resistance_K_W);
    }
    iv.mean_power_W = energy_J / kControlInterval_s;
    if (!state.shut_down)
      iv.leakage_change_W = std::abs(leakage_power(m, f, T_K) - leakage_power(m, f, T_start_K));
    out.push_back(iv);
  }
  return out;
}

int first_index(const std::vector<Interval>& ivs, bool (*pred)(const Interval&, const GpuModel&),
                const GpuModel& m) {
  for (std::size_t i = 0; i < ivs.size(); ++i)
    if (pred(ivs[i], m)) return int(i);
  return -1;
}

/// Checks the SW thermal ceiling's hysteresis on every decision of a run without HW slowdown:
/// down while hot, up while below slowdown - hysteresis, held in between.
void expect_ceiling_hysteresis(const std::vector<Interval>& ivs, const GpuModel& m) {
  for (std::size_t i = 0; i < ivs.size(); ++i) {
    const Interval& iv = ivs[i];
    SCOPED_TRACE("interval " + std::to_string(i) + ", T_j " + std::to_string(iv.junction_K) + " K");
    if (iv.junction_K > m.slowdown_K) {
      EXPECT_DOUBLE_EQ(
          iv.ceiling_after_MHz,
          std::max(m.min_clock_MHz,
                   std::min(iv.ceiling_before_MHz, iv.power_clock_MHz) - m.thermal_clock_step_MHz));
    } else if (iv.junction_K < m.slowdown_K - m.hysteresis_K) {
      EXPECT_DOUBLE_EQ(iv.ceiling_after_MHz,
                       std::min(m.max_clock_MHz, iv.ceiling_before_MHz + m.thermal_clock_step_MHz));
    } else {
      EXPECT_EQ(iv.ceiling_after_MHz, iv.ceiling_before_MHz);
    }
  }
}

/// A copy of the H100 whose cap never binds (so the clock stays at max) and whose thermal
/// limits lie far above anything the leakage tests reach.
GpuModel uncapped_h100() {
  GpuModel m = h100();
  m.power_limit_W = 1e9;
  m.max_power_limit_W = 1e9;
  m.slowdown_K = 1000;
  m.hw_slowdown_K = 1001;
  m.shutdown_K = 1002;
  return m;
}

}  // namespace

// ---- Catalogue and power model -----------------------------------------------------------------

TEST(GpuCatalogue, HoldsTheFiveModelsCalibratedToTheirPowerLimits) {
  const std::vector<std::string> names = {"H100-SXM5", "H100-PCIe", "H200", "B200", "GB200"};
  ASSERT_EQ(gpu_catalogue().size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const GpuModel& m = gpu_catalogue()[i];
    SCOPED_TRACE(m.name);
    EXPECT_EQ(m.name, names[i]);
    EXPECT_EQ(m.dynamic_power_W, m.power_limit_W - m.idle_power_W - m.leakage_W);
    // Full activity at max clock with a 65 degC junction sits exactly at the cap.
    EXPECT_NEAR(gpu_power(m, m.max_clock_MHz, 1.0, 65 + kC), m.power_limit_W, 1e-9);
    EXPECT_EQ(power_limited_clock(m, m.power_limit_W, 1.0, 65 + kC), m.max_clock_MHz);
    EXPECT_LE(m.min_power_limit_W, m.power_limit_W);
    EXPECT_LE(m.power_limit_W, m.max_power_limit_W);
    EXPECT_LT(m.slowdown_K, m.hw_slowdown_K);
    EXPECT_LT(m.hw_slowdown_K, m.shutdown_K);
  }
  const GpuModel& h = h100();
  EXPECT_EQ(h.power_limit_W, 700);
  EXPECT_EQ(h.max_clock_MHz, 1980);
  EXPECT_NEAR(h.slowdown_K, 89 + kC, 1e-12);
  EXPECT_NEAR(h.shutdown_K, 95 + kC, 1e-12);
  EXPECT_EQ(find_gpu_model("H100-PCIe")->power_limit_W, 350);
  EXPECT_EQ(find_gpu_model("B200")->power_limit_W, 1000);
  EXPECT_EQ(find_gpu_model("GB200")->power_limit_W, 1200);
}

TEST(GpuPower, H100At70CIsPowerCappedJustBelowMaxClock) {
  const GpuModel& m = h100();
  const double f = power_limited_clock(m, m.power_limit_W, 1.0, 70 + kC);
  EXPECT_GT(f, 0.97 * m.max_clock_MHz);
  EXPECT_LT(f, m.max_clock_MHz);
  EXPECT_LE(gpu_power(m, f, 1.0, 70 + kC), m.power_limit_W);
  EXPECT_NEAR(gpu_power(m, f, 1.0, 70 + kC), m.power_limit_W, 1e-6);
}

TEST(GpuPower, PowerLimitedClockStopsAtTheClockRange) {
  const GpuModel& m = h100();
  EXPECT_EQ(power_limited_clock(m, 700, 0.2, 65 + kC), m.max_clock_MHz);
  EXPECT_EQ(power_limited_clock(m, 200, 1.0, 120 + kC), m.min_clock_MHz);
}

TEST(GpuPower, RisesMonotonicallyWithClockActivityAndTemperature) {
  for (const GpuModel& m : gpu_catalogue()) {
    SCOPED_TRACE(m.name);
    for (double T_C = 20; T_C <= 100; T_C += 7) {
      for (double a : {0.0, 0.3, 0.7, 1.0, 1.2}) {
        double previous_W = -1;
        for (double f = m.min_clock_MHz; f <= m.max_clock_MHz; f += 37) {
          const double P = gpu_power(m, f, a, T_C + kC);
          EXPECT_GE(P, previous_W) << "f " << f << " MHz, a " << a;
          previous_W = P;
          EXPECT_GT(gpu_power(m, f, a + 0.1, T_C + kC), P);
          EXPECT_GT(gpu_power(m, f, a, T_C + 1 + kC), P);
        }
        EXPECT_GT(gpu_power(m, m.max_clock_MHz, a, T_C + kC),
                  gpu_power(m, m.min_clock_MHz, a, T_C + kC));
      }
    }
  }
}

TEST(GpuPower, VoltageCurveIsFlatBelowTheKneeAndLinearToOne) {
  const GpuModel& m = h100();
  EXPECT_EQ(voltage_ratio(m, 0), m.voltage_floor);
  EXPECT_EQ(voltage_ratio(m, m.min_clock_MHz), m.voltage_floor);
  EXPECT_EQ(voltage_ratio(m, m.voltage_knee_MHz), m.voltage_floor);
  EXPECT_EQ(voltage_ratio(m, m.max_clock_MHz), 1.0);
  EXPECT_EQ(voltage_ratio(m, 5000), 1.0);
  const double mid = 0.5 * (m.voltage_knee_MHz + m.max_clock_MHz);
  EXPECT_NEAR(voltage_ratio(m, mid), 0.5 * (m.voltage_floor + 1.0), 1e-15);
  EXPECT_THROW(voltage_ratio(m, std::nan("")), std::invalid_argument);
}

TEST(GpuPower, RelativeThroughputFollowsTheRooflineSplit) {
  EXPECT_NEAR(relative_throughput(990, 1980, 0.0), 0.5, 1e-15);
  EXPECT_NEAR(relative_throughput(345, 1980, 1.0), 1.0, 1e-15);
  EXPECT_EQ(relative_throughput(0, 1980, 0.3), 0.0);
  EXPECT_EQ(relative_throughput(-5, 1980, 0.3), 0.0);
  EXPECT_NEAR(relative_throughput(1980, 1980, 0.3), 1.0, 1e-15);
  // m = 0.5 at half clock: time 0.5 * 2 + 0.5 = 1.5 -> g = 2/3.
  EXPECT_NEAR(relative_throughput(990, 1980, 0.5), 2.0 / 3.0, 1e-15);
  for (double m : {0.0, 0.2, 0.5, 0.95}) {
    double previous = 0;
    for (double f = 100; f <= 1980; f += 47) {
      const double g = relative_throughput(f, 1980, m);
      EXPECT_GT(g, previous) << "m " << m << ", f " << f;
      EXPECT_LE(g, 1.0);
      previous = g;
    }
  }
  EXPECT_THROW(relative_throughput(1000, 1980, 1.5), std::invalid_argument);
}

TEST(GpuCatalogue, FindsModelsCaseInsensitively) {
  ASSERT_NE(find_gpu_model("h100-sxm5"), nullptr);
  EXPECT_EQ(find_gpu_model("h100-sxm5")->name, "H100-SXM5");
  EXPECT_EQ(find_gpu_model("H100-pcie")->name, "H100-PCIe");
  EXPECT_EQ(find_gpu_model("gb200")->name, "GB200");
  EXPECT_EQ(find_gpu_model("h200"), find_gpu_model("H200"));
  EXPECT_EQ(find_gpu_model("H100"), nullptr);
  EXPECT_EQ(find_gpu_model("H100-SXM5 "), nullptr);
  EXPECT_EQ(find_gpu_model(""), nullptr);
  EXPECT_EQ(find_gpu_model("A100"), nullptr);
}

// ---- Governor ----------------------------------------------------------------------------------

TEST(Governor, ClosedLoopHoldsTheCapThrottlesAtSlowdownAndRecoversWithHysteresis) {
  const GpuModel& m = h100();
  const double cap_W = m.power_limit_W;
  // Uncapped steady point: 60 degC + 0.05 K/W * 700 W = 95 degC, above slowdown (89 degC).
  const LumpedLoop loop{60 + kC, 0.05, 150};
  GovernorState state;
  double T_K = loop.coolant_K;
  const std::vector<Interval> busy = simulate(m, cap_W, loop, 1.0, 600, T_K, state);
  const std::vector<Interval> cooling = simulate(m, cap_W, loop, 0.1, 300, T_K, state);

  // (a) The cap holds at every decision; over an interval the power drifts only by the change of
  // leakage as the junction warms at a fixed clock.
  for (const auto* run : {&busy, &cooling}) {
    for (std::size_t i = 0; i < run->size(); ++i) {
      const Interval& iv = (*run)[i];
      EXPECT_LE(iv.decision.power_W, cap_W + 1e-9) << "interval " << i;
      EXPECT_LE(iv.mean_power_W - cap_W, iv.leakage_change_W + 1e-9) << "interval " << i;
      EXPECT_FALSE(iv.decision.reasons & kHw);
    }
  }

  // (b) SW thermal slowdown first shows in the first decision after T_j first exceeds slowdown.
  const int first_hot = first_index(
      busy, [](const Interval& iv, const GpuModel& g) { return iv.junction_K > g.slowdown_K; }, m);
  const int first_thermal = first_index(
      busy,
      [](const Interval& iv, const GpuModel&) { return bool(iv.decision.reasons & kSwThermal); },
      m);
  ASSERT_GT(first_hot, 0);
  EXPECT_EQ(first_thermal, first_hot);
  for (int i = 0; i < first_hot; ++i) EXPECT_EQ(busy[i].ceiling_after_MHz, m.max_clock_MHz);
  // The power cap binds while warming up (above 65 degC) and the loop settles near slowdown.
  EXPECT_TRUE(busy[first_hot - 1].decision.reasons & kPowerCap);
  EXPECT_NEAR(busy.back().junction_K, m.slowdown_K, 1.0);
  EXPECT_LT(busy.back().ceiling_after_MHz, m.max_clock_MHz);
  expect_ceiling_hysteresis(busy, m);

  // (c) After the load drops, the ceiling holds through the hysteresis band and starts stepping
  // up in the first decision below slowdown - hysteresis.
  expect_ceiling_hysteresis(cooling, m);
  const int first_up = first_index(
      cooling,
      [](const Interval& iv, const GpuModel&) {
        return iv.ceiling_after_MHz > iv.ceiling_before_MHz;
      },
      m);
  const int first_cool = first_index(
      cooling,
      [](const Interval& iv, const GpuModel& g) {
        return iv.junction_K < g.slowdown_K - g.hysteresis_K;
      },
      m);
  ASSERT_GT(first_cool, 0);
  EXPECT_EQ(first_up, first_cool);
  int held_in_band = 0;
  for (int i = 0; i < first_cool; ++i) {
    const Interval& iv = cooling[i];
    if (iv.junction_K <= m.slowdown_K) {
      EXPECT_EQ(iv.ceiling_after_MHz, iv.ceiling_before_MHz);
      EXPECT_LT(iv.ceiling_after_MHz, m.max_clock_MHz);
      ++held_in_band;
    }
  }
  EXPECT_GE(held_in_band, 2);
  EXPECT_EQ(cooling.back().ceiling_after_MHz, m.max_clock_MHz);
}

TEST(Governor, HotCoolantTriggersHwSlowdownThenPermanentShutdown) {
  const GpuModel& m = h100();
  const LumpedLoop loop{90 + kC, 0.05, 150};  // coolant already above slowdown
  GovernorState state;
  double T_K = loop.coolant_K;
  const std::vector<Interval> run = simulate(m, m.power_limit_W, loop, 1.0, 600, T_K, state);

  const int first_hw = first_index(
      run, [](const Interval& iv, const GpuModel&) { return bool(iv.decision.reasons & kHw); }, m);
  const int first_stop = first_index(
      run, [](const Interval& iv, const GpuModel&) { return iv.decision.clock_MHz == 0; }, m);
  ASSERT_GE(first_hw, 0);
  ASSERT_GT(first_stop, first_hw);
  EXPECT_GE(run[first_hw].junction_K, m.hw_slowdown_K);
  EXPECT_LT(run[first_hw - 1].junction_K, m.hw_slowdown_K);
  EXPECT_GE(run[first_stop].junction_K, m.shutdown_K);
  EXPECT_LT(run[first_stop - 1].junction_K, m.shutdown_K);

  // HW slowdown halves the governor's clock and flags 0x40 | 0x8.
  for (int i = first_hw; i < first_stop; ++i) {
    const Interval& iv = run[i];
    EXPECT_EQ(iv.decision.reasons & kHw, kHw);
    EXPECT_NEAR(iv.decision.clock_MHz, 0.5 * std::min(iv.power_clock_MHz, iv.ceiling_after_MHz),
                1e-9);
    EXPECT_GT(iv.decision.clock_MHz, 0);
  }

  // Shutdown stops the GPU for good, even once the junction has cooled below shutdown.
  bool cooled = false;
  for (std::size_t i = first_stop; i < run.size(); ++i) {
    EXPECT_EQ(run[i].decision.clock_MHz, 0);
    EXPECT_EQ(run[i].decision.power_W, 0);
    EXPECT_EQ(run[i].decision.reasons, kHw);
    cooled = cooled || run[i].junction_K < m.shutdown_K - 2;
  }
  EXPECT_TRUE(cooled);
  EXPECT_TRUE(state.shut_down);
  const GovernorDecision later = govern(m, m.power_limit_W, 30 + kC, 30 + kC, 1.0, state);
  EXPECT_EQ(later.clock_MHz, 0);
  EXPECT_EQ(later.power_W, 0);
}

TEST(Governor, HwSlowdownReleasesOnlyBelowItsHysteresis) {
  const GpuModel& m = h100();
  GovernorState state;
  const double hbm_K = 60 + kC;
  const GovernorDecision on = govern(m, 700, m.hw_slowdown_K, hbm_K, 1.0, state);
  EXPECT_TRUE(state.hw_slowdown);
  EXPECT_EQ(on.reasons & kHw, kHw);
  const GovernorDecision band =
      govern(m, 700, m.hw_slowdown_K - m.hysteresis_K + 0.1, hbm_K, 1.0, state);
  EXPECT_TRUE(state.hw_slowdown);
  EXPECT_EQ(band.reasons & kHw, kHw);
  const GovernorDecision off =
      govern(m, 700, m.hw_slowdown_K - m.hysteresis_K - 0.1, hbm_K, 1.0, state);
  EXPECT_FALSE(state.hw_slowdown);
  EXPECT_EQ(off.reasons & kHw, 0u);
  EXPECT_GT(off.clock_MHz, 1.5 * band.clock_MHz);
}

TEST(Governor, HotHbmAloneStepsTheCeilingDown) {
  const GpuModel& m = h100();
  GovernorState state;
  const GovernorDecision d = govern(m, 700, 50 + kC, m.memory_max_K + 1, 1.0, state);
  EXPECT_EQ(state.thermal_ceiling_MHz, m.max_clock_MHz - m.thermal_clock_step_MHz);
  EXPECT_EQ(d.clock_MHz, state.thermal_ceiling_MHz);
  EXPECT_TRUE(d.reasons & kSwThermal);
  // In the HBM's hysteresis band the ceiling holds even though the junction is cool.
  govern(m, 700, 50 + kC, m.memory_max_K - 1, 1.0, state);
  EXPECT_EQ(state.thermal_ceiling_MHz, m.max_clock_MHz - m.thermal_clock_step_MHz);
  govern(m, 700, 50 + kC, m.memory_max_K - m.hysteresis_K - 1, 1.0, state);
  EXPECT_EQ(state.thermal_ceiling_MHz, m.max_clock_MHz);
}

TEST(Governor, RejectsBadInputs) {
  const GpuModel& m = h100();
  GovernorState state;
  EXPECT_THROW(govern(m, 700, std::nan(""), 300, 1.0, state), std::invalid_argument);
  EXPECT_THROW(govern(m, 700, 300, 300, -1.0, state), std::invalid_argument);
  EXPECT_THROW(govern(m, 900, 300, 300, 1.0, state), std::invalid_argument);  // above max limit
}

// ---- Steady operating point --------------------------------------------------------------------

TEST(LambertW, HalleyIterationSolvesTheDefiningEquation) {
  for (double x : {-0.3678, -0.35, -0.2, -0.05, 0.0, 0.5, 3.0}) {
    const double w = lambert_w0(x);
    EXPECT_NEAR(w * std::exp(w), x, 1e-15) << x;
    EXPECT_GE(w, -1.0);
#ifdef KELVIN_HAVE_BOOST_LAMBERT_W
    EXPECT_NEAR(w, boost::math::lambert_w0(x), 1e-12) << x;
#endif
  }
}

TEST(SteadyOperatingPoint, LeakageFixedPointMatchesLambertW) {
  // T = T_c + R P(T), P(T) = P0 + L exp(beta (T - T_ref)) at max clock (v = 1). With
  // u = T - T_c - R P0 and K = R L exp(beta (T_c + R P0 - T_ref)): u = K exp(beta u), so
  // u = -W0(-beta K) / beta, the lowest (stable) fixed point, which exists for beta K <= 1/e.
  struct Case {
    double coolant_C, resistance_K_W, activity, beta_K;
  };
  for (const Case& c : {Case{40, 0.05, 1.0, 0.117}, Case{25, 0.08, 0.5, 0.05},
                        Case{30, 0.03, 0.8, 0.25}, Case{45, 0.10, 0.3, 0.35}}) {
    GpuModel m = uncapped_h100();
    const double beta = m.leakage_growth_per_K;
    const double T_c = c.coolant_C + kC;
    const double P0 = m.idle_power_W + m.dynamic_power_W * c.activity;
    m.leakage_W =
        c.beta_K / (beta * c.resistance_K_W *
                    std::exp(beta * (T_c + c.resistance_K_W * P0 - m.leakage_reference_K)));
    const double want_K = T_c + c.resistance_K_W * P0 - lambert_w0(-c.beta_K) / beta;
    int calls = 0;
    const OperatingPoint op = steady_operating_point(
        m, m.power_limit_W, c.activity, T_c,
        [&](double P) {
          ++calls;
          return T_c + c.resistance_K_W * P;
        },
        1e-12, 5000);
    SCOPED_TRACE("beta K = " + std::to_string(c.beta_K));
    EXPECT_TRUE(op.converged);
    EXPECT_FALSE(op.runaway);
    EXPECT_FALSE(op.shut_down);
    EXPECT_NEAR(op.junction_K, want_K, 1e-8);
    EXPECT_EQ(op.clock_MHz, m.max_clock_MHz);
    EXPECT_EQ(op.reasons, 0u);
    EXPECT_NEAR(op.power_W, gpu_power(m, m.max_clock_MHz, c.activity, want_K), 1e-6);
    EXPECT_EQ(op.thermal_solves, calls);
  }
}

TEST(SteadyOperatingPoint, NoLeakageFixedPointIsRunaway) {
  for (double beta_K : {0.38, 0.5, 2.0}) {
    GpuModel m = uncapped_h100();
    const double beta = m.leakage_growth_per_K;
    const double T_c = 40 + kC, R = 0.05;
    const double P0 = m.idle_power_W + m.dynamic_power_W;
    m.leakage_W = beta_K / (beta * R * std::exp(beta * (T_c + R * P0 - m.leakage_reference_K)));
    const OperatingPoint op =
        steady_operating_point(m, m.power_limit_W, 1.0, T_c, [&](double P) { return T_c + R * P; });
    SCOPED_TRACE("beta K = " + std::to_string(beta_K));
    EXPECT_TRUE(op.runaway);
    EXPECT_FALSE(op.converged);
    EXPECT_GT(op.thermal_solves, 0);
  }
}

TEST(SteadyOperatingPoint, PowerCappedPointSitsAtTheCap) {
  const GpuModel& m = h100();
  const double T_c = 35 + kC, R = 0.05;  // 35 degC + 0.05 K/W * 700 W = 70 degC
  int calls = 0;
  const OperatingPoint op = steady_operating_point(m, 700, 1.0, T_c, [&](double P) {
    ++calls;
    return T_c + R * P;
  });
  EXPECT_TRUE(op.converged);
  EXPECT_NEAR(op.power_W, 700, 1e-6);
  EXPECT_NEAR(op.junction_K, 70 + kC, 1e-5);
  EXPECT_LT(op.clock_MHz, m.max_clock_MHz);
  EXPECT_TRUE(op.reasons & kPowerCap);
  EXPECT_FALSE(op.reasons & kSwThermal);
  EXPECT_EQ(op.thermal_solves, calls);
}

TEST(SteadyOperatingPoint, ThermalLimitedPointSitsAtSlowdown) {
  // R scaled by the cap: at the cap the junction would sit rise_at_cap_K above the coolant.
  // (30 degC, 140 K) also runs the H100's capped loop into leakage runaway (leakage outgrows the
  // cap even at min clock above about 165 degC), which the slowdown catches on the way up.
  struct Case {
    double coolant_C, rise_at_cap_K, activity;
  };
  for (const Case& c : {Case{60, 35, 1.0}, Case{30, 140, 1.0}, Case{50, 55, 0.6}}) {
    for (const GpuModel& m : gpu_catalogue()) {
      SCOPED_TRACE(m.name + " at " + std::to_string(c.coolant_C) + " degC, rise " +
                   std::to_string(c.rise_at_cap_K));
      const double T_c = c.coolant_C + kC;
      const double R = c.rise_at_cap_K / m.power_limit_W;
      int calls = 0;
      const OperatingPoint op =
          steady_operating_point(m, m.power_limit_W, c.activity, T_c, [&](double P) {
            ++calls;
            return T_c + R * P;
          });
      ASSERT_TRUE(op.converged);
      EXPECT_FALSE(op.runaway);
      EXPECT_FALSE(op.shut_down);
      EXPECT_LE(op.junction_K, m.slowdown_K);
      EXPECT_GE(op.junction_K, m.slowdown_K - 1e-3);
      EXPECT_TRUE(op.reasons & kSwThermal);
      EXPECT_LT(op.clock_MHz, power_limited_clock(m, m.power_limit_W, c.activity, op.junction_K));
      EXPECT_NEAR(op.junction_K, T_c + R * op.power_W, 1e-5);
      EXPECT_EQ(op.thermal_solves, calls);
    }
  }
}

TEST(SteadyOperatingPoint, HotAtMinClockBelowShutdownRunsThereThrottled) {
  const GpuModel& m = h100();
  const double T_c = 70 + kC, R = 0.1;  // min clock: about 200 W, T_j about 90 degC
  const OperatingPoint op =
      steady_operating_point(m, 700, 0.6, T_c, [&](double P) { return T_c + R * P; });
  EXPECT_TRUE(op.converged);
  EXPECT_FALSE(op.shut_down);
  EXPECT_EQ(op.clock_MHz, m.min_clock_MHz);
  EXPECT_GT(op.junction_K, m.slowdown_K);
  EXPECT_LT(op.junction_K, m.shutdown_K);
  EXPECT_TRUE(op.reasons & kSwThermal);
}

TEST(SteadyOperatingPoint, TooHotEvenAtMinClockShutsDown) {
  const GpuModel& m = h100();
  const double T_c = 90 + kC, R = 0.5;  // even idle power alone lifts T_j past 95 degC
  const OperatingPoint op =
      steady_operating_point(m, 700, 1.0, T_c, [&](double P) { return T_c + R * P; });
  EXPECT_TRUE(op.shut_down);
  EXPECT_TRUE(op.reasons & kSwThermal);
}

TEST(SteadyOperatingPoint, RejectsNaNFromTheThermalModel) {
  const GpuModel& m = h100();
  EXPECT_THROW(steady_operating_point(m, 700, 1.0, 300, [](double) { return std::nan(""); }),
               std::invalid_argument);
  EXPECT_THROW(steady_operating_point(m, 700, std::nan(""), 300, [](double) { return 300.0; }),
               std::invalid_argument);
}
