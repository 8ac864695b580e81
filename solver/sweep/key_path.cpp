#include "solver/sweep/key_path.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace kelvin {

namespace {

/// Reads "[N]" suffixes from s at i into step; i ends on the character after the last "]".
void read_indices(const std::string& path, std::size_t& i, KeyStep& step) {
  while (i < path.size() && path[i] == '[') {
    const std::size_t close = path.find(']', i);
    if (close == std::string::npos)
      throw KeyPathError("key path \"" + path + "\": \"[\" without \"]\"");
    const std::string digits = path.substr(i + 1, close - i - 1);
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      throw KeyPathError("key path \"" + path + "\": list index \"" + digits +
                         "\" is not a whole number >= 0");
    step.indices.push_back(std::stoi(digits));
    i = close + 1;
  }
}

/// The part of path up to and including step k, for messages.
std::string prefix(const std::vector<KeyStep>& steps, std::size_t k, std::size_t n_indices) {
  std::string s;
  for (std::size_t j = 0; j <= k; ++j) {
    if (j) s += ".";
    s += steps[j].name;
    const std::size_t upto = j < k ? steps[j].indices.size() : n_indices;
    for (std::size_t m = 0; m < upto; ++m) s += "[" + std::to_string(steps[j].indices[m]) + "]";
  }
  return s;
}

/// node[index] of a list, or KeyPathError naming where.
YAML::Node list_item(const YAML::Node& node, int index, const std::string& where) {
  if (!node.IsSequence())
    throw KeyPathError("\"" + where + "\" is not a list, so it has no item [" +
                       std::to_string(index) + "]");
  if (static_cast<std::size_t>(index) >= node.size())
    throw KeyPathError("\"" + where + "[" + std::to_string(index) +
                       "]\": index out of range (the list has " + std::to_string(node.size()) +
                       " items)");
  return node[static_cast<std::size_t>(index)];
}

}  // namespace

std::vector<KeyStep> parse_key_path(const std::string& path) {
  std::vector<KeyStep> steps;
  std::size_t i = 0;
  while (true) {
    KeyStep step;
    const std::size_t start = i;
    while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ']') ++i;
    step.name = path.substr(start, i - start);
    if (step.name.empty())
      throw KeyPathError("key path \"" + path + "\": empty key name at character " +
                         std::to_string(start + 1));
    read_indices(path, i, step);
    steps.push_back(std::move(step));
    if (i == path.size()) return steps;
    if (path[i] != '.')
      throw KeyPathError("key path \"" + path + "\": unexpected \"" + std::string(1, path[i]) +
                         "\" at character " + std::to_string(i + 1));
    ++i;
  }
}

void set_key_path(YAML::Node root, const std::string& path, const std::string& value_text) {
  const auto steps = parse_key_path(path);
  // Node::reset rebinds; `node = other` would assign other's value into the node instead.
  YAML::Node node;
  node.reset(root);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const KeyStep& step = steps[k];
    const bool last = k + 1 == steps.size();
    if (!node.IsMap() && !node.IsNull())
      throw KeyPathError("\"" + (k ? prefix(steps, k - 1, steps[k - 1].indices.size()) : path) +
                         "\" is not a mapping, so it has no key \"" + step.name + "\"");
    if (last && step.indices.empty()) {
      node[step.name] = value_text;
      return;
    }
    YAML::Node child = node[step.name];
    if (!child.IsDefined() || child.IsNull()) {
      if (!step.indices.empty())
        throw KeyPathError("\"" + prefix(steps, k, 0) +
                           "\" is not in the base case, so it has no item [" +
                           std::to_string(step.indices.front()) + "]");
      node[step.name] = YAML::Node(YAML::NodeType::Map);
    }
    node.reset(node[step.name]);
    for (std::size_t m = 0; m < step.indices.size(); ++m) {
      YAML::Node item = list_item(node, step.indices[m], prefix(steps, k, m));
      if (last && m + 1 == step.indices.size()) {
        if (!item.IsScalar())
          throw KeyPathError("\"" + path + "\" is a " + (item.IsMap() ? "mapping" : "list") +
                             ", not a single value");
        item = value_text;  // assigns into the list item
        return;
      }
      node.reset(item);
    }
  }
}

std::optional<std::string> get_key_path(const YAML::Node& root, const std::string& path) {
  std::vector<KeyStep> steps;
  try {
    steps = parse_key_path(path);
  } catch (const KeyPathError&) {
    return std::nullopt;
  }
  YAML::Node cur(root);  // shares root; only const lookups below, so nothing is created
  for (const KeyStep& step : steps) {
    if (!cur.IsMap()) return std::nullopt;
    const YAML::Node child = std::as_const(cur)[step.name];
    if (!child.IsDefined()) return std::nullopt;
    cur.reset(child);
    for (int idx : step.indices) {
      if (!cur.IsSequence() || static_cast<std::size_t>(idx) >= cur.size()) return std::nullopt;
      cur.reset(std::as_const(cur)[static_cast<std::size_t>(idx)]);
    }
  }
  if (!cur.IsScalar()) return std::nullopt;
  return cur.Scalar();
}

}  // namespace kelvin
