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

/// Limits on what a case may ask for (README "Case format" documents each). Past them a case is
/// refused with its size, rather than running for days, writing millions of files or taking
/// the machine's memory.
constexpr long long kMaxYamlValues = 250'000;  ///< scalars, lists and mappings in one case file
constexpr long long kMaxProbes = 10'000;       ///< probes (each a column of every time series)
constexpr double kMaxTimeSteps = 1e7;          ///< end_time / time_step of a transient
constexpr double kMaxOutputTimes = 10'000;     ///< end_time / output_interval of a transient
/// Highest temperature of a solid (boundary temperatures, initial_temperature): beyond every
/// material an electronics-cooling case models (copper melts at 1358 K).
constexpr double kMaxSolidTemperature_K = 2000;
/// What the test suite covers (README "Verification"): warnings past these, not errors.
constexpr double kVerifiedAspectRatio = 120;             ///< worst cell aspect ratio (-ci cases)
constexpr double kVerifiedConductivityContrast = 1.5e4;  ///< k ratio of touching materials
/// Atmospheric pressure: outlet pressures are gauge, boiling points need absolute ones.
constexpr double kAtmosphere_Pa = 101325;

/// Appends one Diagnostic per physically meaningless setting of c (non-positive conductivity,
/// inverted boxes, a source outside every box, a steady case without a fixed temperature, ...),
/// pointing at the key through c.key_marks. With warnings, appends one
/// "FILE:LINE:COL: warning: ..." per setting that is legal but beyond what the solver's
/// verification or a correlation covers (see Case::warnings); they are only looked for when c
/// has no errors. Never throws.
void check_case(const Case& c, std::vector<Diagnostic>& diags,
                std::vector<std::string>* warnings = nullptr);

/// Reads, parses and checks the case file at path. Throws CaseLoadError carrying every
/// diagnostic if there is any; fills Case::warnings otherwise.
Case load_case(const std::string& path);

/// The fully resolved case as YAML in SI units (defaults filled in, source boxes and power map
/// files expanded), such that parse_case() of it gives the same Case back. Used to store the
/// exact input alongside results.
std::string resolved_case_yaml(const Case& c);

}  // namespace kelvin
