#pragma once
/// Sweep points: the values of every parameter, and the stable id that names a point's folder.
#include <string>
#include <utility>
#include <vector>

namespace kelvin {

/// (case key path, value text) for every parameter of a point, in the sweep file's order.
using Assignment = std::vector<std::pair<std::string, std::string>>;

/// One point of a sweep.
struct SweepPoint {
  int index = 0;   ///< 0-based position in the design
  std::string id;  ///< point_id(values)
  Assignment values;
};

/// The first 12 hex digits of the SHA-256 of the (key, normalized value text) pairs sorted by
/// key: the same point gets the same id whatever the design or the parameters' order.
std::string point_id(const Assignment& values);

}  // namespace kelvin
