// The range checks the section checkers share (checker.hpp): one message form for every key.
#include <cmath>
#include <string>

#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

std::string owner_key(const std::string& path) {
  const auto dot = path.rfind('.');
  return path.substr(0, dot) + ": " + path.substr(dot + 1);
}

std::string kelvin_text(double T) { return num(T) + " K (" + num(T - 273.15) + " degC)"; }

void Checker::require_positive(const std::string& path, double v, const char* unit) {
  if (!(v > 0 && std::isfinite(v)))
    report(path, owner_key(path) + " must be positive, got " + num(v) + " " + unit);
}

void Checker::require_non_negative(const std::string& path, double v, const char* unit) {
  if (!(v >= 0 && std::isfinite(v)))
    report(path, owner_key(path) + " must not be negative, got " + num(v) + " " + unit);
}

void Checker::require_fraction(const std::string& path, double v, bool zero_allowed, bool one_allowed) {
  if (!((zero_allowed ? v >= 0 : v > 0) && (one_allowed ? v <= 1 : v < 1)))
    report(path, owner_key(path) + " must lie in " + (zero_allowed ? "[0, " : "(0, ") +
                     (one_allowed ? "1]" : "1)") + ", got " + num(v));
}

void Checker::require_at_least(const std::string& path, int v, int lo) {
  if (v < lo)
    report(path, owner_key(path) + " must be at least " + std::to_string(lo) + ", got " +
                     std::to_string(v));
}

}  // namespace kelvin::parse_detail
