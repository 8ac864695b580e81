#pragma once
/// Reading sweep files (README "Parametric sweeps"): YAML to SweepSpec, every problem a
/// Diagnostic with the file, line, column and key.
#include <string>
#include <vector>

#include "solver/sweep/sweep_spec.hpp"

namespace kelvin {

/// Parses the text of a sweep file named file_name (used in diagnostics and to resolve `base`
/// relative to its folder). Appends one Diagnostic per problem (syntax, unknown keys with a
/// did-you-mean, wrong types, missing keys, bad ranges, a missing base case) and returns what
/// could be read. Never throws.
SweepSpec parse_sweep(const std::string& yaml_text, const std::string& file_name,
                      std::vector<Diagnostic>& diags);

/// Reads and parses the sweep file at path; throws SweepError with every diagnostic if any.
SweepSpec read_sweep_file(const std::string& path);

}  // namespace kelvin
