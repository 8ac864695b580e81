#pragma once
/// Quantities as sweep files write them ("45 degC", "1.5 L/min", "0.8"): split into number and
/// unit, written back, and converted to SI for the gathered table.
#include <optional>
#include <string>

namespace kelvin {

/// "<number> <unit>" split: number in the written unit, unit as written ("" for a plain number).
struct WrittenQuantity {
  double number = 0;
  std::string unit;
};

/// The number and unit of text ("30 degC" -> {30, "degC"}), or nullopt when text does not start
/// with a finite number followed by nothing or by whitespace and a unit.
std::optional<WrittenQuantity> split_quantity(const std::string& text);

/// number (`digits` significant digits) and unit as a case value: "35 degC", "0.5".
std::string format_quantity(double number, const std::string& unit, int digits = 6);

/// text in SI and the SI unit: a plain number as it is (unit ""), a quantity converted by
/// kelvin::to_si to the first dimension that accepts its unit (absolute temperatures before
/// differences: "45 degC" is 318.15 K). nullopt for text that is not a quantity.
struct SiValue {
  double value = 0;
  std::string unit;
};
std::optional<SiValue> to_si_any(const std::string& text);

/// text with leading and trailing spaces removed and inner runs of spaces made one, so that
/// "1.5  L/min" and "1.5 L/min" are the same point.
std::string normalize_value_text(const std::string& text);

}  // namespace kelvin
