#pragma once
/// The points of a sweep as case files: the base case with each point's values set at their key
/// paths, written to OUT/points/<id>/case.yaml and validated by Kelvin's own case loader.
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"
#include "solver/sweep/sweep_spec.hpp"

namespace kelvin {

/// OUT/points/<id>: a point's folder (its case.yaml, out/, status.json, run.log).
std::string point_folder(const std::string& sweep_out, const std::string& id);

/// Expands s into points, writes each point's case file under sweep_out and validates every one
/// before returning. The base case must load first; file paths in it (`weather`, `file`) are
/// made absolute against its folder, so the point cases read the same files. A point case is
/// rewritten only when its text changes (a resumed sweep leaves finished points untouched).
/// Throws SweepError with every problem of every point (the sweep file's line for key paths
/// that cannot be set, the point case's own diagnostics for values that do not validate).
std::vector<SweepPoint> prepare_points(const SweepSpec& s, const std::string& sweep_out);

/// The case YAML text of one point: base (already loaded) with values set. Throws KeyPathError.
std::string point_case_text(const std::string& base_yaml_text, const std::string& base_folder,
                            const SweepPoint& point, const std::string& sweep_file);

}  // namespace kelvin
