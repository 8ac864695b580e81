#include "solver/facility/psychrometrics.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace kelvin {

namespace {

constexpr double kZeroCelsius_K = 273.15;

// Hyland & Wexler's coefficients as printed in ASHRAE Fundamentals 2017, ch. 1, eqs. 5 and 6.
constexpr double kIce[7] = {-5.6745359e3, 6.3925247,      -9.6778430e-3, 6.2215701e-7,
                            2.0747825e-9, -9.4840240e-13, 4.1635019};
constexpr double kWater[6] = {-5.8002206e3, 1.3914993,     -4.8640239e-2,
                              4.1764768e-5, -1.4452093e-8, 6.5459673};

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

[[noreturn]] void refuse(const char* what, double value, const char* expected) {
  throw std::invalid_argument(std::string("psychrometrics: ") + what + " " + number(value) +
                              " (expected " + expected + ")");
}

void check_temperature(const char* what, double T) {
  // 1e-9 K of slack: -100 + 273.15 is 173.14999999999998 in doubles.
  if (!(T >= kPsychrometricsMin_K - 1e-9 && T <= kPsychrometricsMax_K + 1e-9))
    refuse(what, T, "173.15..473.15 K, -100..200 degC: the range of ASHRAE's eqs. 5 and 6");
}

void check_pressure(double p) {
  if (!(p > 0 && std::isfinite(p))) refuse("pressure [Pa]", p, "> 0");
}

void check_humidity_ratio(double W) {
  if (!(W >= 0 && std::isfinite(W))) refuse("humidity ratio", W, ">= 0");
}

// ln p_ws and its derivative d(ln p_ws)/dT on the ice (eq. 5) or water (eq. 6) branch.
double ln_pws(double T, bool ice) {
  if (ice) {
    const double* c = kIce;
    return c[0] / T + c[1] + T * (c[2] + T * (c[3] + T * (c[4] + T * c[5]))) + c[6] * std::log(T);
  }
  const double* c = kWater;
  return c[0] / T + c[1] + T * (c[2] + T * (c[3] + T * c[4])) + c[5] * std::log(T);
}

double dln_pws_dT(double T, bool ice) {
  if (ice) {
    const double* c = kIce;
    return -c[0] / (T * T) + c[2] + T * (2 * c[3] + T * (3 * c[4] + T * 4 * c[5])) + c[6] / T;
  }
  const double* c = kWater;
  return -c[0] / (T * T) + c[2] + T * (2 * c[3] + T * 3 * c[4]) + c[5] / T;
}

// T on one branch where ln p_ws = target, by Newton from a start inside the branch. ln p_ws is
// increasing and nearly linear in 1/T, so Newton converges in 3-5 steps to round-off.
double invert_branch(double target, bool ice, double T) {
  for (int i = 0; i < 50; ++i) {
    const double step = (ln_pws(T, ice) - target) / dln_pws_dT(T, ice);
    T -= step;
    if (std::fabs(step) < 1e-12 * T) break;
  }
  return T;
}

// W from the psychrometric equation at dry bulb t and wet bulb t* [degC], pressure p [Pa], the
// bulb iced (eq. 35, W_s* over ice) or wet (eq. 33, W_s* over water).
double psychrometric_equation(double t, double t_wb, double p, bool ice) {
  const double Ws =
      humidity_ratio_from_vapour_pressure(std::exp(ln_pws(t_wb + kZeroCelsius_K, ice)), p);
  if (ice) return ((2830 - 0.24 * t_wb) * Ws - 1.006 * (t - t_wb)) / (2830 + 1.86 * t - 2.1 * t_wb);
  return ((2501 - 2.326 * t_wb) * Ws - 1.006 * (t - t_wb)) / (2501 + 1.86 * t - 4.186 * t_wb);
}

}  // namespace

double saturation_vapour_pressure_Pa(double T) {
  check_temperature("temperature [K]", T);
  return std::exp(ln_pws(T, T < kZeroCelsius_K));
}

double humidity_ratio_from_vapour_pressure(double p_w, double p) {
  check_pressure(p);
  if (!(p_w >= 0 && std::isfinite(p_w))) refuse("vapour pressure [Pa]", p_w, ">= 0");
  if (p_w >= p) refuse("vapour pressure [Pa]", p_w, "below the total pressure");
  return kWaterToAirMolarMassRatio * p_w / (p - p_w);
}

double vapour_pressure_from_humidity_ratio_Pa(double W, double p) {
  check_pressure(p);
  check_humidity_ratio(W);
  return p * W / (kWaterToAirMolarMassRatio + W);
}

double saturation_humidity_ratio(double T, double p) {
  return humidity_ratio_from_vapour_pressure(saturation_vapour_pressure_Pa(T), p);
}

double humidity_ratio_from_relative_humidity(double T, double rh, double p) {
  if (!(rh >= 0 && rh <= 1)) refuse("relative humidity", rh, "0..1");
  check_pressure(p);
  return humidity_ratio_from_vapour_pressure(rh * saturation_vapour_pressure_Pa(T), p);
}

double relative_humidity_from_humidity_ratio(double T, double W, double p) {
  const double p_ws = saturation_vapour_pressure_Pa(T);
  const double p_w = vapour_pressure_from_humidity_ratio_Pa(W, p);
  // Saturation itself must pass after a round trip through W, hence the 1e-12.
  if (p_w > p_ws * (1 + 1e-12)) refuse("humidity ratio", W, "at most the saturation value");
  return std::fmin(p_w / p_ws, 1.0);
}

double dew_point_from_vapour_pressure_K(double p_w) {
  if (!(p_w > 0 && std::isfinite(p_w))) refuse("vapour pressure [Pa]", p_w, "> 0");
  const double lo = std::exp(ln_pws(kPsychrometricsMin_K, true));
  const double hi = std::exp(ln_pws(kPsychrometricsMax_K, false));
  if (p_w < lo * (1 - 1e-12) || p_w > hi * (1 + 1e-12))
    refuse("vapour pressure [Pa]", p_w,
           "between p_ws(-100 degC) = 0.0014 Pa and p_ws(200 degC) = 1.55 MPa (dew point in "
           "the formulas' range)");
  const double target = std::log(p_w);
  // Water branch from 273.15 K on (p_ws 611.2 Pa there), ice below (611.15 Pa at 273.15 K): a
  // vapour pressure between the two has its dew point at 273.15 K.
  if (target >= ln_pws(kZeroCelsius_K, false))
    return std::fmax(invert_branch(target, false, 300.0), kZeroCelsius_K);
  if (target >= ln_pws(kZeroCelsius_K, true)) return kZeroCelsius_K;
  return std::fmin(invert_branch(target, true, 250.0), kZeroCelsius_K);
}

double dew_point_K(double W, double p) {
  return dew_point_from_vapour_pressure_K(vapour_pressure_from_humidity_ratio_Pa(W, p));
}

double humidity_ratio_from_wet_bulb(double T, double T_wb, double p) {
  check_temperature("dry bulb [K]", T);
  check_temperature("wet bulb [K]", T_wb);
  if (T_wb > T) refuse("wet bulb [K]", T_wb, "at most the dry bulb");
  const double W =
      psychrometric_equation(T - kZeroCelsius_K, T_wb - kZeroCelsius_K, p, T_wb < kZeroCelsius_K);
  if (W < 0) refuse("wet bulb [K]", T_wb, "at least the wet bulb of dry air at this dry bulb");
  return W;
}

WetBulbRoots wet_bulb_roots_K(double T, double W, double p) {
  check_temperature("dry bulb [K]", T);
  check_pressure(p);
  const double rh = relative_humidity_from_humidity_ratio(T, W, p);  // refuses supersaturation
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  const bool below_freezing = T < kZeroCelsius_K;
  if (rh >= 1) return {below_freezing ? T : kNone, below_freezing ? kNone : T};
  // f(t*) = W(t, t*) - W rises with t* on each branch; at t* = T it is W_s(T) - W > 0. The wet
  // bulb lies above the dew point, so each bracket starts there (-100 degC for dry air).
  const double t = T - kZeroCelsius_K;
  auto f = [&](double T_wb, bool ice) {
    return psychrometric_equation(t, T_wb - kZeroCelsius_K, p, ice) - W;
  };
  auto bisect = [&](double lo, double hi, bool ice) {
    while (hi - lo > 1e-9) {
      const double mid = 0.5 * (lo + hi);
      (f(mid, ice) > 0 ? hi : lo) = mid;
    }
    return 0.5 * (lo + hi);
  };
  const double p_w = vapour_pressure_from_humidity_ratio_Pa(W, p);
  const double lo =
      p_w > std::exp(ln_pws(kPsychrometricsMin_K, true))
          ? std::fmax(dew_point_from_vapour_pressure_K(p_w) - 1e-6, kPsychrometricsMin_K)
          : kPsychrometricsMin_K;
  const double ice_hi = std::fmin(T, kZeroCelsius_K);
  WetBulbRoots roots{kNone, kNone};
  // Below freezing f(T) = W_s(T) - W >= 0 up to round-off: the ice root always exists there.
  if (below_freezing || f(ice_hi, true) >= 0) {
    if (f(lo, true) > 0) refuse("dry bulb [K]", T, "a state whose wet bulb is above -100 degC");
    roots.ice_K = bisect(lo, ice_hi, true);
  }
  if (!below_freezing && f(kZeroCelsius_K, false) <= 0)
    roots.water_K = bisect(kZeroCelsius_K, T, false);
  return roots;
}

double wet_bulb_K(double T, double W, double p) {
  const WetBulbRoots r = wet_bulb_roots_K(T, W, p);
  return std::isnan(r.ice_K) ? r.water_K : r.ice_K;
}

double moist_air_enthalpy_J_kg(double T, double W) {
  check_temperature("temperature [K]", T);
  check_humidity_ratio(W);
  const double t = T - kZeroCelsius_K;
  return 1006.0 * t + W * (2501e3 + 1860.0 * t);
}

double moist_air_specific_volume_m3_kg(double T, double W, double p) {
  check_temperature("temperature [K]", T);
  check_humidity_ratio(W);
  check_pressure(p);
  return 287.042 * T * (1 + 1.607858 * W) / p;
}

double moist_air_density_kg_m3(double T, double W, double p) {
  return (1 + W) / moist_air_specific_volume_m3_kg(T, W, p);
}

MoistAir moist_air_from_humidity_ratio(double T, double W, double p) {
  MoistAir a;
  a.dry_bulb_K = T;
  a.pressure_Pa = p;
  a.humidity_ratio = W;
  a.relative_humidity = relative_humidity_from_humidity_ratio(T, W, p);
  a.vapour_pressure_Pa = vapour_pressure_from_humidity_ratio_Pa(W, p);
  // Dry air has no dew point: -inf rather than a made-up temperature.
  a.dew_point_K = W > 0 ? dew_point_from_vapour_pressure_K(a.vapour_pressure_Pa)
                        : -std::numeric_limits<double>::infinity();
  a.wet_bulb_K = wet_bulb_K(T, W, p);
  a.enthalpy_J_kg = moist_air_enthalpy_J_kg(T, W);
  a.specific_volume_m3_kg = moist_air_specific_volume_m3_kg(T, W, p);
  a.density_kg_m3 = (1 + W) / a.specific_volume_m3_kg;
  return a;
}

MoistAir moist_air_from_relative_humidity(double T, double rh, double p) {
  return moist_air_from_humidity_ratio(T, humidity_ratio_from_relative_humidity(T, rh, p), p);
}

MoistAir moist_air_from_wet_bulb(double T, double T_wb, double p) {
  return moist_air_from_humidity_ratio(T, humidity_ratio_from_wet_bulb(T, T_wb, p), p);
}

MoistAir moist_air_from_dew_point(double T, double T_d, double p) {
  check_temperature("dry bulb [K]", T);
  check_temperature("dew point [K]", T_d);
  if (T_d > T) refuse("dew point [K]", T_d, "at most the dry bulb");
  return moist_air_from_humidity_ratio(
      T, humidity_ratio_from_vapour_pressure(saturation_vapour_pressure_Pa(T_d), p), p);
}

}  // namespace kelvin
