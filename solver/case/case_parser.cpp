// Diagnostics and load_case(), which reads a case file and runs parse_case() and check_case()
// on it. The other entry points of case_parser.hpp sit with what they run, so that this file
// includes none of the private headers (they include case_parser.hpp): parse_case() in
// parse_support.cpp, check_case() in check_thermal.cpp, resolved_case_yaml() in
// resolved_case.cpp.
#include "solver/case/case_parser.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>
#include <tuple>

namespace kelvin {

std::string Diagnostic::to_string() const {
  const std::string where = file.empty() ? std::string("<case>") : file;
  if (line <= 0) return where + ": " + message;
  return where + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

std::string join_diagnostics(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) {
    if (!s.empty()) s += '\n';
    s += d.to_string();
  }
  return s.empty() ? std::string("invalid case") : s;
}

}  // namespace

CaseLoadError::CaseLoadError(std::vector<Diagnostic> diags)
    : std::runtime_error(join_diagnostics(diags)), diagnostics(std::move(diags)) {}

Case load_case(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw CaseLoadError({{path, 0, 0, "cannot read the case file: no such regular file"}});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CaseLoadError({{path, 0, 0, "cannot read the case file"}});
  // Not `text << in.rdbuf()`: it fails on an empty file, which parse_case() reports as empty.
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw CaseLoadError({{path, 0, 0, "cannot read the case file"}});

  std::vector<Diagnostic> diags;
  Case c = parse_case(text, path, diags);
  std::vector<Diagnostic> checks;
  std::vector<std::string> warnings;
  check_case(c, checks, &warnings);
  // A value the parser rejected is left at its default, which the checks would then report a
  // second time on the same line ("missing density", then "density must be positive").
  std::set<int> parse_lines;
  for (const auto& d : diags) parse_lines.insert(d.line);
  for (auto& d : checks)
    if (!parse_lines.count(d.line)) diags.push_back(std::move(d));
  if (!diags.empty()) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    throw CaseLoadError(std::move(diags));
  }
  c.warnings = std::move(warnings);
  return c;
}

}  // namespace kelvin
