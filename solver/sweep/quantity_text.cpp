#include "solver/sweep/quantity_text.hpp"

#include <fmt/format.h>

#include "solver/base/units.hpp"

namespace kelvin {

std::optional<WrittenQuantity> split_quantity(const std::string& raw) {
  const std::string text = normalize_value_text(raw);
  const std::size_t space = text.find(' ');
  const auto number = parse_number(text.substr(0, space));
  if (!number) return std::nullopt;
  return WrittenQuantity{*number, space == std::string::npos ? "" : text.substr(space + 1)};
}

std::string format_quantity(double number, const std::string& unit, int digits) {
  if (number == 0) number = 0;  // no "-0"
  const std::string n = fmt::format("{:.{}g}", number, digits);
  return unit.empty() ? n : n + " " + unit;
}

std::optional<SiValue> to_si_any(const std::string& text) {
  const auto q = split_quantity(text);
  if (!q) return std::nullopt;
  if (q->unit.empty()) return SiValue{q->number, ""};
  // Every dimension whose unit a case may carry, absolute temperature first.
  static constexpr Dimension kOrder[] = {Dimension::Temperature,
                                         Dimension::Length,
                                         Dimension::Power,
                                         Dimension::VolumeFlowRate,
                                         Dimension::Pressure,
                                         Dimension::Time,
                                         Dimension::Frequency,
                                         Dimension::HeatFlux,
                                         Dimension::PowerDensity,
                                         Dimension::HeatTransferCoefficient,
                                         Dimension::Conductivity,
                                         Dimension::Density,
                                         Dimension::SpecificHeat,
                                         Dimension::ContactResistance,
                                         Dimension::DynamicViscosity,
                                         Dimension::InverseTemperature,
                                         Dimension::Dimensionless};
  for (const Dimension d : kOrder) {
    try {
      return SiValue{to_si(text, d), si_unit(d)};
    } catch (const UnitError&) {
    }
  }
  return std::nullopt;
}

std::string normalize_value_text(const std::string& text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace kelvin
