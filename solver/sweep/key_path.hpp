#pragma once
/// Case key paths ("coldplate.flow_rate", "gpus.instances[3].inlet_temperature") and setting
/// one in a parsed case file: how a sweep point becomes a case.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kelvin {

/// One step of a key path: a mapping key, then optionally list indices ("instances[3]").
struct KeyStep {
  std::string name;
  std::vector<int> indices;  ///< 0-based, in order: "a[1][2]" is {1, 2}
};

/// A key path that cannot be parsed or set; what() is a sentence for the user.
struct KeyPathError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The steps of path. Throws KeyPathError for an empty step ("a..b"), a bad index ("a[x]",
/// "a[-1]", "a[3"), or characters after an index other than "." or "[".
std::vector<KeyStep> parse_key_path(const std::string& path);

/// Sets the scalar at path in root to value_text (root is modified in place). Missing mapping
/// keys on the way are created as mappings (so the last key, too, may be new); a step that
/// meets a scalar, a list where a mapping is needed (or the reverse), or an index out of range
/// throws KeyPathError naming the part of the path that failed.
void set_key_path(YAML::Node root, const std::string& path, const std::string& value_text);

/// The scalar text at path in root, or nullopt when any step is missing or it is no scalar.
std::optional<std::string> get_key_path(const YAML::Node& root, const std::string& path);

}  // namespace kelvin
