#pragma once
/// Physical quantities written by people ("45 degC", "0.3 mm", "1.5 L/min") converted to SI.
/// The unit part is parsed and converted by udunits2, so every unit it knows works
/// (prefixes, "°C", "µm", "W/(m K)", ...); this module adds the number, the expected dimension
/// and clear error messages.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kelvin {

/// What a quantity measures. Each has one SI unit that to_si() converts to (see si_unit()).
enum class Dimension {
  Length,                   ///< m
  Temperature,              ///< K, absolute: "45 degC" is 318.15 K
  TemperatureDifference,    ///< K, a difference: "1 degC" is 1 K
  Power,                    ///< W
  PowerDensity,             ///< W/m^3
  HeatFlux,                 ///< W/m^2
  HeatTransferCoefficient,  ///< W/m^2/K
  Conductivity,             ///< W/m/K
  Density,                  ///< kg/m^3
  SpecificHeat,             ///< J/kg/K
  ContactResistance,        ///< K m^2/W
  Time,                     ///< s
  Dimensionless,            ///< 1 ("50 %" is 0.5)
  VolumeFlowRate,           ///< m^3/s
  Pressure,                 ///< Pa
  Frequency,                ///< Hz ("1980 MHz")
  InverseTemperature,       ///< K-1 (a temperature coefficient such as leakage growth)
  DynamicViscosity,         ///< Pa s ("0.9 mPa*s", "0.9 centipoise")
  ThermalResistance,        ///< K/W (a lumped resistance: junction to case, a sink's interface)
};

/// A quantity that cannot be read or converted; what() is a complete sentence for the user.
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Converts "<number>" (already SI) or "<number> <unit>" to the SI unit of d.
/// Temperatures with an offset (degC, °C, degF) are converted as absolute temperatures for
/// Dimension::Temperature and as differences for every other dimension.
/// Throws UnitError for text that is not a finite number, an unknown unit, or a unit of another
/// dimension. Thread-safe.
double to_si(const std::string& text, Dimension d);

/// The SI unit of d as udunits2 writes it ("W/m^2/K"); "1" for Dimensionless.
const char* si_unit(Dimension d);

/// What d measures, with an article, for messages: "a temperature", "a heat flux".
const char* dimension_name(Dimension d);

/// Units a user would write for d, for messages: "K or degC".
const char* example_units(Dimension d);

/// The value of text when all of it (after trimming spaces) is one finite decimal number such
/// as "-1.5e3"; nullopt otherwise. Rejects inf, nan, hex and trailing characters, and does not
/// depend on the C locale.
std::optional<double> parse_number(std::string_view text);

}  // namespace kelvin
