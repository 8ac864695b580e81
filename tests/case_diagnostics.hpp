#pragma once
// Parsing and checking case text in tests, as load_case would see it.
#include <gtest/gtest.h>

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

/// Expects a diagnostic whose message contains `message`, reported at `line` of case.yaml.
inline void expect_reported_at(const std::vector<kelvin::Diagnostic>& diags, const std::string& message,
                               int line) {
  const kelvin::Diagnostic* d = find(diags, message);
  ASSERT_NE(d, nullptr) << "expected \"" << message << "\" among:\n" << dump(diags);
  EXPECT_EQ(d->line, line) << d->to_string();
  EXPECT_EQ(d->file, "case.yaml");
  EXPECT_EQ(d->to_string().rfind("case.yaml:" + std::to_string(line) + ":", 0), 0u) << d->to_string();
}

}  // namespace kelvin_test
