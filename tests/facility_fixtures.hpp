#pragma once
// What the facility model tests share: saturated air at standard pressure from Kelvin's
// psychrometrics (ASHRAE Fundamentals 2017 ch. 1: Hyland-Wexler p_ws, W_s = 0.621945 p_ws /
// (p - p_ws), h = 1006 t + W (2501e3 + 1860 t) J/kg dry air) and the check that a model refuses
// bad input naming it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "solver/facility/heat_sink.hpp"
#include "solver/facility/psychrometrics.hpp"

namespace kelvin::facility_test {

constexpr double kC = 273.15, kP = 101325.0;

/// Humidity ratio and enthalpy [J/kg dry air] of saturated air at T [K], 101325 Pa.
inline double w_s(double T) { return saturation_humidity_ratio(T, kP); }
inline double h_s(double T) { return moist_air_enthalpy_J_kg(T, w_s(T)); }

/// Expects f() to throw std::invalid_argument whose message contains `field`.
template <class F>
void expect_refused(F f, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one naming " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

/// 40 copper fins 60 mm tall, 0.5 mm thick, 2 mm apart, 100 mm long: the size of an HGX H100
/// 4U server's GPU sink (about 100 x 98 mm frontal; an assumption, not a datasheet).
inline PlateFinHeatSink example_sink() {
  PlateFinHeatSink s;
  s.fin_count = 40;
  s.fin_height_m = 0.06;
  s.fin_thickness_m = 0.0005;
  s.fin_spacing_m = 0.002;
  s.length_m = 0.10;
  s.fin_conductivity_W_mK = 390;
  s.junction_to_case_K_W = 0.02;
  s.interface_K_W = 0.01;
  return s;
}

}  // namespace kelvin::facility_test
