#include "solver/base/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

using kelvin::Dimension;
using kelvin::to_si;
using kelvin::UnitError;

namespace {

/// The message of the UnitError that to_si(text, d) throws, or "" if it does not throw.
std::string error_of(const std::string& text, Dimension d) {
  try {
    to_si(text, d);
  } catch (const UnitError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Units, BareNumbersAreSi) {
  EXPECT_DOUBLE_EQ(to_si("700", Dimension::Power), 700.0);
  EXPECT_DOUBLE_EQ(to_si("  -1.5e-3 ", Dimension::Length), -1.5e-3);
  EXPECT_DOUBLE_EQ(to_si("+2.", Dimension::Time), 2.0);
  EXPECT_DOUBLE_EQ(to_si(".5", Dimension::Dimensionless), 0.5);
  // A bare temperature is kelvin, not degrees Celsius.
  EXPECT_DOUBLE_EQ(to_si("300", Dimension::Temperature), 300.0);
}

TEST(Units, Lengths) {
  EXPECT_DOUBLE_EQ(to_si("0.3 mm", Dimension::Length), 0.3e-3);
  EXPECT_DOUBLE_EQ(to_si("25 um", Dimension::Length), 25e-6);
  EXPECT_DOUBLE_EQ(to_si("25 \xC2\xB5m", Dimension::Length), 25e-6);  // micro sign
  EXPECT_DOUBLE_EQ(to_si("25 \xCE\xBCm", Dimension::Length), 25e-6);  // Greek mu
  EXPECT_DOUBLE_EQ(to_si("2.5 cm", Dimension::Length), 0.025);
  EXPECT_DOUBLE_EQ(to_si("0.3mm", Dimension::Length), 0.3e-3);  // no space is fine
  EXPECT_NEAR(to_si("1 in", Dimension::Length), 0.0254, 1e-15);
}

TEST(Units, TemperaturesAreAbsolute) {
  EXPECT_DOUBLE_EQ(to_si("318.15 K", Dimension::Temperature), 318.15);
  EXPECT_NEAR(to_si("45 degC", Dimension::Temperature), 318.15, 1e-12);
  EXPECT_NEAR(to_si("45 \xC2\xB0""C", Dimension::Temperature), 318.15, 1e-12);  // °C
  EXPECT_NEAR(to_si("-40 degC", Dimension::Temperature), 233.15, 1e-12);
  EXPECT_NEAR(to_si("98.6 degF", Dimension::Temperature), 310.15, 1e-9);
  EXPECT_NEAR(to_si("-40 degF", Dimension::Temperature), 233.15, 1e-9);
}

TEST(Units, TemperatureDifferencesDropTheOffset) {
  EXPECT_DOUBLE_EQ(to_si("0.1 K", Dimension::TemperatureDifference), 0.1);
  EXPECT_NEAR(to_si("5 degC", Dimension::TemperatureDifference), 5.0, 1e-12);
  EXPECT_NEAR(to_si("9 degF", Dimension::TemperatureDifference), 5.0, 1e-12);
}

TEST(Units, ThermalQuantities) {
  EXPECT_DOUBLE_EQ(to_si("700 W", Dimension::Power), 700.0);
  EXPECT_DOUBLE_EQ(to_si("1.2 kW", Dimension::Power), 1200.0);
  EXPECT_DOUBLE_EQ(to_si("2 W/m/K", Dimension::Conductivity), 2.0);
  EXPECT_DOUBLE_EQ(to_si("2 W/(m K)", Dimension::Conductivity), 2.0);
  EXPECT_DOUBLE_EQ(to_si("20000 W/m^2/K", Dimension::HeatTransferCoefficient), 20000.0);
  EXPECT_DOUBLE_EQ(to_si("1e4 W/m^2", Dimension::HeatFlux), 1e4);
  EXPECT_NEAR(to_si("100 W/cm^2", Dimension::HeatFlux), 1e6, 1e-6);
  EXPECT_DOUBLE_EQ(to_si("1e9 W/m^3", Dimension::PowerDensity), 1e9);
  EXPECT_DOUBLE_EQ(to_si("8933 kg/m^3", Dimension::Density), 8933.0);
  EXPECT_NEAR(to_si("8.933 g/cm^3", Dimension::Density), 8933.0, 1e-9);
  EXPECT_DOUBLE_EQ(to_si("385 J/kg/K", Dimension::SpecificHeat), 385.0);
  EXPECT_DOUBLE_EQ(to_si("1e-6 K*m^2/W", Dimension::ContactResistance), 1e-6);
  EXPECT_NEAR(to_si("10 K*mm^2/W", Dimension::ContactResistance), 1e-5, 1e-20);
}

TEST(Units, FlowTimeAndPressure) {
  EXPECT_NEAR(to_si("1.5 L/min", Dimension::VolumeFlowRate), 2.5e-5, 1e-18);
  EXPECT_DOUBLE_EQ(to_si("100 ms", Dimension::Time), 0.1);
  EXPECT_DOUBLE_EQ(to_si("2 min", Dimension::Time), 120.0);
  EXPECT_DOUBLE_EQ(to_si("1 h", Dimension::Time), 3600.0);
  EXPECT_DOUBLE_EQ(to_si("1.5 bar", Dimension::Pressure), 1.5e5);
  EXPECT_DOUBLE_EQ(to_si("20 kPa", Dimension::Pressure), 2e4);
  EXPECT_DOUBLE_EQ(to_si("1980 MHz", Dimension::Frequency), 1.98e9);
  EXPECT_DOUBLE_EQ(to_si("0.02 K-1", Dimension::InverseTemperature), 0.02);
  EXPECT_DOUBLE_EQ(to_si("0.02 K/W", Dimension::ThermalResistance), 0.02);
  EXPECT_THROW(to_si("0.02 K*m^2/W", Dimension::ThermalResistance), kelvin::UnitError);
  EXPECT_DOUBLE_EQ(to_si("50 %", Dimension::Dimensionless), 0.5);
}

TEST(Units, WrongDimensionNamesWhatWasExpected) {
  EXPECT_EQ(error_of("3 kg", Dimension::Temperature),
            "cannot convert \"3 kg\" to a temperature (expected a unit like K or degC)");
  EXPECT_NE(error_of("700 K", Dimension::Power).find("to a power"), std::string::npos);
  EXPECT_NE(error_of("2 W/m^2/K", Dimension::Conductivity).find("thermal conductivity"),
            std::string::npos);
  EXPECT_NE(error_of("1 m", Dimension::Dimensionless).find("dimensionless"), std::string::npos);
}

TEST(Units, UnknownUnits) {
  EXPECT_NE(error_of("3 mmm", Dimension::Length).find("unknown unit \"mmm\""), std::string::npos);
  EXPECT_NE(error_of("3 furlongs_per_fortnightx", Dimension::Length).find("unknown unit"),
            std::string::npos);
  // An embedded NUL must not cut the unit short into something valid.
  EXPECT_NE(error_of(std::string("3 m\0x", 5), Dimension::Length).find("unknown unit"),
            std::string::npos);
}

TEST(Units, RejectsNonNumbers) {
  for (const char* bad : {"", "   ", "abc", "mm", "nan", "NaN K", "inf", ".inf", "-inf W",
                          "0x10", "1e999", "1e999 W", "1,5 mm"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(to_si(bad, Dimension::Power), UnitError);
  }
  EXPECT_NE(error_of("nan", Dimension::Power).find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of("abc", Dimension::Power).find("expected a number"), std::string::npos);
}

TEST(Units, RejectsASecondNumberInsteadOfMultiplying) {
  // udunits2 alone would read "2 3 mm" as 6 mm.
  EXPECT_NE(error_of("2 3 mm", Dimension::Length).find("one number followed by a unit"),
            std::string::npos);
}

TEST(Units, RejectsOverflowAfterConversion) {
  EXPECT_THROW(to_si("1e308 km", Dimension::Length), UnitError);
}

TEST(Units, ParseNumberIsStrict) {
  EXPECT_EQ(kelvin::parse_number("1.5e3"), 1500.0);
  EXPECT_EQ(kelvin::parse_number(" -2 "), -2.0);
  EXPECT_FALSE(kelvin::parse_number("1.5 mm"));
  EXPECT_FALSE(kelvin::parse_number("inf"));
  EXPECT_FALSE(kelvin::parse_number("1e400"));
  EXPECT_FALSE(kelvin::parse_number(""));
  EXPECT_FALSE(kelvin::parse_number("1e"));
}

TEST(Units, SiUnitNames) {
  EXPECT_STREQ(kelvin::si_unit(Dimension::HeatTransferCoefficient), "W/m^2/K");
  EXPECT_STREQ(kelvin::si_unit(Dimension::ContactResistance), "K*m^2/W");
  EXPECT_STREQ(kelvin::dimension_name(Dimension::HeatFlux), "a heat flux");
  // Every SI unit string must itself convert with a factor of exactly one ("1", the unit of
  // Dimensionless, would read as a second number).
  for (int d = 0; d <= static_cast<int>(Dimension::ThermalResistance); ++d) {
    const auto dim = static_cast<Dimension>(d);
    if (dim == Dimension::Dimensionless) continue;
    EXPECT_DOUBLE_EQ(to_si(std::string("2 ") + kelvin::si_unit(dim), dim), 2.0)
        << kelvin::si_unit(dim);
  }
}

TEST(Units, ConcurrentCallsAgree) {
  // udunits2's parser has global state; to_si serialises calls into it.
  std::vector<std::thread> threads;
  std::vector<double> results(8, 0.0);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) results[t] += to_si("1 mm", Dimension::Length);
    });
  for (auto& th : threads) th.join();
  for (double r : results) EXPECT_NEAR(r, 0.2, 1e-12);
}
