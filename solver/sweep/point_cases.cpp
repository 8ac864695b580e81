#include "solver/sweep/point_cases.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "solver/case/case_parser.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/sweep/design.hpp"
#include "solver/sweep/key_path.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Makes every relative `weather:` and `file:` path under node absolute against folder: the
/// point case lives in another folder than the base case but must read the same files.
void absolutize_paths(YAML::Node node, const fs::path& folder) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) absolutize_paths(node[i], folder);
    return;
  }
  if (!node.IsMap()) return;
  for (auto kv : node) {
    const std::string key = kv.first.Scalar();
    YAML::Node value = kv.second;
    if ((key == "weather" || key == "file") && value.IsScalar() && !value.Scalar().empty() &&
        fs::path(value.Scalar()).is_relative()) {
      value = fs::absolute(folder / value.Scalar()).lexically_normal().string();
    } else {
      absolutize_paths(value, folder);
    }
  }
}

std::string describe_point(const SweepPoint& p) {
  std::string s;
  for (const auto& [k, v] : p.values) s += (s.empty() ? "" : ", ") + k + " = " + v;
  return s;
}

/// text without its first line (the header comment, which names the sweep file and index).
std::string body(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? "" : text.substr(nl + 1);
}

/// Writes a point's case file unless it already holds text. When the case itself changed (the
/// base case was edited since the point ran), the point's results, checkpoint and status are
/// removed, so that it runs again instead of keeping an answer to another case.
void write_point_case(const fs::path& folder, const std::string& text, int index) {
  const fs::path file = folder / "case.yaml";
  std::error_code ec;
  const bool existed = fs::is_regular_file(file, ec);
  const std::string old = existed ? read_all(file.string()) : "";
  if (existed && old == text) return;
  fs::create_directories(folder);
  write_file_atomic(file.string(), text);
  if (!existed || body(old) == body(text)) return;
  bool had_results = false;
  for (const fs::path& f :
       {folder / "out" / "summary.json", folder / "out" / "checkpoint.h5", folder / "status.json"})
    had_results = fs::remove(f, ec) || had_results;
  if (had_results)
    fmt::print(stderr,
               "sweep: point {} ({}): its case changed since it ran (base case edited?); "
               "it runs again\n",
               index, folder.filename().string());
}

}  // namespace

std::string point_folder(const std::string& sweep_out, const std::string& id) {
  return (fs::path(sweep_out) / "points" / id).string();
}

std::string point_case_text(const std::string& base_yaml_text, const std::string& base_folder,
                            const SweepPoint& point, const std::string& sweep_file) {
  YAML::Node root = YAML::Load(base_yaml_text);
  absolutize_paths(root, base_folder);
  for (const auto& [key, value] : point.values) {
    try {
      set_key_path(root, key, value);
    } catch (const KeyPathError& e) {
      throw KeyPathError("\"" + key + "\": " + e.what());  // which parameter failed
    }
  }
  YAML::Emitter em;
  em << root;
  return "# Sweep point " + std::to_string(point.index) + " (id " + point.id + ") of " +
         sweep_file + ": " + describe_point(point) + "\n" + em.c_str() + "\n";
}

std::vector<SweepPoint> prepare_points(const SweepSpec& s, const std::string& sweep_out) {
  load_case(s.base_case);  // the base case's own errors first, once, with its own lines
  const std::string base_text = read_all(s.base_case);
  const YAML::Node base = YAML::Load(base_text);
  std::vector<std::optional<std::string>> base_values;
  for (const auto& p : s.parameters) base_values.push_back(get_key_path(base, p.key));
  std::vector<SweepPoint> points = expand_design(s, base_values);

  const fs::path base_folder = fs::absolute(fs::path(s.base_case)).parent_path();
  std::vector<Diagnostic> bad;
  std::vector<std::pair<const SweepPoint*, std::string>> files;
  for (const auto& p : points) {
    std::string text;
    try {
      text = point_case_text(base_text, base_folder.string(), p, s.file);
    } catch (const KeyPathError& e) {
      const SweepParameter* param = nullptr;
      for (const auto& q : s.parameters)
        if (std::string(e.what()).rfind("\"" + q.key + "\": ", 0) == 0) param = &q;
      bad.push_back(
          {s.file, param ? param->line : 0, param ? param->column : 0,
           "point " + std::to_string(p.index) + " (" + describe_point(p) + "): " + e.what()});
      continue;
    }
    const fs::path folder = point_folder(sweep_out, p.id);
    write_point_case(folder, text, p.index);
    files.emplace_back(&p, (folder / "case.yaml").string());
  }
  for (const auto& [p, file] : files) {
    try {
      load_case(file);
    } catch (const CaseLoadError& e) {
      bad.push_back({s.file, 0, 0,
                     "point " + std::to_string(p->index) + " (id " + p->id + ": " +
                         describe_point(*p) + ") is not a valid case:"});
      bad.insert(bad.end(), e.diagnostics.begin(), e.diagnostics.end());
    }
  }
  if (!bad.empty()) throw SweepError(bad);
  return points;
}

}  // namespace kelvin
