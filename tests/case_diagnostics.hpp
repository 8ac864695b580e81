#pragma once
// Parsing and checking case text in tests, as load_case would see it.
#include <algorithm>
#include <string>
#include <vector>

#include "solver/case/case_parser.hpp"

namespace kelvin_test {

/// Diagnostics of parse_case followed by check_case, as load_case would see them.
inline std::vector<kelvin::Diagnostic> diagnose(const std::string& yaml, kelvin::Case* out = nullptr) {
  std::vector<kelvin::Diagnostic> diags;
  kelvin::Case c = kelvin::parse_case(yaml, "case.yaml", diags);
  kelvin::check_case(c, diags);
  if (out) *out = c;
  return diags;
}

inline std::string dump(const std::vector<kelvin::Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += "  " + d.to_string() + "\n";
  return s;
}

/// The first diagnostic whose message contains text, or nullptr.
inline const kelvin::Diagnostic* find(const std::vector<kelvin::Diagnostic>& diags,
                                      const std::string& text) {
  const auto it = std::find_if(diags.begin(), diags.end(), [&](const kelvin::Diagnostic& d) {
    return d.message.find(text) != std::string::npos;
  });
  return it == diags.end() ? nullptr : &*it;
}

}  // namespace kelvin_test
