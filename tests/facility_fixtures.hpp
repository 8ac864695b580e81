#pragma once
// What the facility model tests share: saturated air at standard pressure from Kelvin's
// psychrometrics (ASHRAE Fundamentals 2017 ch. 1: Hyland-Wexler p_ws, W_s = 0.621945 p_ws /
// (p - p_ws), h = 1006 t + W (2501e3 + 1860 t) J/kg dry air) and the check that a model refuses
// bad input naming it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

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

}  // namespace kelvin::facility_test
