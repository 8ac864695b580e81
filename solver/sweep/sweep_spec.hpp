#pragma once
/// A parametric sweep as read from its YAML file (README "Parametric sweeps"): a base case, a
/// design and the parameters, each a case key path with a list, a range or a distribution.
/// Plain data: read_sweep_file() fills it, expand_design() turns it into points.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/case/case_parser.hpp"

namespace kelvin {

/// How the parameters' values combine into points.
enum class SweepDesign {
  Grid,            ///< every combination (the product of the list lengths)
  Zip,             ///< the i-th value of every parameter together (lists of equal length)
  LatinHypercube,  ///< `samples` points, each parameter's strata hit once each (seeded)
  OneAtATime,  ///< the base case, then each parameter through its values with the others at base
};

/// A continuous range of a parameter for Latin hypercube sampling: numbers in one written unit.
struct UniformRange {
  double from = 0;   ///< in `unit`
  double to = 0;     ///< in `unit`
  std::string unit;  ///< the unit as written ("degC", "L/min"), empty for plain numbers
};

/// One swept case key.
struct SweepParameter {
  std::string key;  ///< case key path: "coldplate.flow_rate", "gpus.instances[3].inlet_temperature"
  int line = 0;     ///< where the parameter's `key` is in the sweep file (1-based)
  int column = 0;
  /// The values as text, exactly as substituted into the case ("1.5 L/min"): from `values`,
  /// or `range` expanded (count values, endpoints included). Empty for a distribution.
  std::vector<std::string> values;
  /// `distribution: {uniform: [a, b]}` (Latin hypercube only).
  std::optional<UniformRange> uniform;
};

/// A whole sweep file.
struct SweepSpec {
  std::string file;       ///< the sweep file as given
  std::string base_case;  ///< the base case file, resolved against the sweep file's folder
  SweepDesign design = SweepDesign::Grid;
  int samples = 0;         ///< Latin hypercube points
  std::uint64_t seed = 0;  ///< Latin hypercube seed
  std::vector<SweepParameter> parameters;
  std::vector<std::string> outputs;  ///< summary.json keys (dotted) to plot; may be empty
};

/// The design's name as written in sweep files ("grid", "zip", "lhs", "oat").
const char* design_name(SweepDesign d);

/// Thrown when a sweep file or its points are bad: every diagnostic found ("FILE:LINE:COL:
/// message"). `kelvin sweep` prints them and exits 2.
struct SweepError : std::runtime_error {
  explicit SweepError(std::vector<Diagnostic> diags);
  std::vector<Diagnostic> diagnostics;
};

}  // namespace kelvin
