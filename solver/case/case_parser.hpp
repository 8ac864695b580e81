#pragma once
/// Case files (YAML, see "Case format" in README.md) to kelvin::Case, and the checks that make a case
/// physically meaningful. Bad input never throws out of parse_case()/check_case(): every
/// problem becomes a Diagnostic that names the file, line, column and key.
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/case/case.hpp"

namespace kelvin {

/// One problem found in a case file. line and column are 1-based; 0 when the problem has no
/// single place in the file (an unreadable file, a case built in code).
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  /// "FILE:LINE:COL: message" (or "FILE: message" without a position), as compilers print.
  std::string to_string() const;
};

/// Thrown by load_case(): every diagnostic found, in file order. what() holds them all, one
/// per line.
struct CaseLoadError : std::runtime_error {
  explicit CaseLoadError(std::vector<Diagnostic> diags);
  std::vector<Diagnostic> diagnostics;
};

/// Options for parse_case().
struct ParseOptions {
  /// Read files the case names (power_map: {file: ...}). The fuzzer turns this off so that
  /// arbitrary input cannot make it read /dev/stdin or other files on the machine.
  bool read_files = true;
};

/// Parses YAML text into a Case in SI units. Appends one Diagnostic per problem to diags
/// (syntax errors, unknown keys with a did-you-mean, wrong types, wrong units, missing keys)
/// and returns whatever could be built. Never throws. file_name is used in diagnostics, in
/// Case::file and to resolve relative paths inside the case. Physical sanity is check_case()'s
/// job.
Case parse_case(const std::string& yaml_text, const std::string& file_name,
                std::vector<Diagnostic>& diags, const ParseOptions& options = {});

/// Appends one Diagnostic per physically meaningless setting of c (non-positive conductivity,
/// inverted boxes, a source outside every box, a steady case without a fixed temperature, ...),
/// pointing at the key through c.key_marks. Never throws.
void check_case(const Case& c, std::vector<Diagnostic>& diags);

/// Reads, parses and checks the case file at path. Throws CaseLoadError carrying every
/// diagnostic if there is any.
Case load_case(const std::string& path);

/// The fully resolved case as YAML in SI units (defaults filled in, source boxes and power map
/// files expanded), such that parse_case() of it gives the same Case back. Used to store the
/// exact input alongside results.
std::string resolved_case_yaml(const Case& c);

}  // namespace kelvin
