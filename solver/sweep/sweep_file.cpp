#include "solver/sweep/sweep_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "solver/base/units.hpp"
#include "solver/sweep/key_path.hpp"
#include "solver/sweep/quantity_text.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// "; did you mean "x"?" for the closest of candidates within two edits, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  int best_d = 3;
  for (const auto& c : candidates) {
    const int d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = &c;
  }
  return best ? "; did you mean \"" + *best + "\"?" : "";
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

/// Collects diagnostics against one file.
class Reader {
 public:
  Reader(std::string file, std::vector<Diagnostic>& diags)
      : m_file(std::move(file)), m_diags(diags) {}

  void error(const YAML::Mark& at, const std::string& message) {
    m_diags.push_back({m_file, at.line + 1, at.column + 1, message});
  }
  void error(const YAML::Node& at, const std::string& message) { error(at.Mark(), message); }

  /// Reports keys of map not in allowed (with a did-you-mean); false when map is no mapping.
  bool check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                  const std::string& where) {
    if (!map.IsMap()) {
      error(map, where + ": expected a mapping");
      return false;
    }
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        error(kv.first, "unknown key \"" + k + "\"" + (where.empty() ? "" : " in " + where) +
                            did_you_mean(k, allowed) + " (allowed: " + join(allowed) + ")");
    }
    return true;
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar() || n.Scalar().empty()) {
      error(n, "\"" + key + "\": expected a single value");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<long long> integer(const YAML::Node& n, const std::string& key, long long lo) {
    const auto s = scalar(n, key);
    if (!s) return std::nullopt;
    const auto v = parse_number(*s);
    if (!v || *v != static_cast<double>(static_cast<long long>(*v)) || *v < lo || *v > 1e9) {
      error(n, "\"" + key + "\": expected a whole number >= " + std::to_string(lo) + ", got \"" +
                   *s + "\"");
      return std::nullopt;
    }
    return static_cast<long long>(*v);
  }

  std::optional<WrittenQuantity> quantity(const YAML::Node& n, const std::string& key) {
    const auto s = scalar(n, key);
    if (!s) return std::nullopt;
    const auto q = split_quantity(*s);
    if (!q)
      error(n, "\"" + key + "\": expected a number with an optional unit (\"30 degC\"), got \"" +
                   *s + "\"");
    return q;
  }

  std::string m_file;
  std::vector<Diagnostic>& m_diags;
};

/// `values: [...]` into p.values.
void read_values(Reader& r, const YAML::Node& v, SweepParameter& p) {
  if (!v.IsSequence() || v.size() == 0) {
    r.error(v, "\"values\" of \"" + p.key + "\": expected a non-empty list");
    return;
  }
  for (const auto& item : v)
    if (auto s = r.scalar(item, "values")) p.values.push_back(normalize_value_text(*s));
}

/// Two ends in one unit, or an error at where.
std::optional<UniformRange> read_ends(Reader& r, const YAML::Node& a, const YAML::Node& b,
                                      const YAML::Node& where, const std::string& what) {
  const auto qa = r.quantity(a, what), qb = r.quantity(b, what);
  if (!qa || !qb) return std::nullopt;
  if (qa->unit != qb->unit) {
    r.error(where, "\"" + what + "\": both ends must be written in the same unit, got \"" +
                       qa->unit + "\" and \"" + qb->unit + "\"");
    return std::nullopt;
  }
  return UniformRange{qa->number, qb->number, qa->unit};
}

/// `range: {from, to, count}` expanded into p.values (linear, endpoints included).
void read_range(Reader& r, const YAML::Node& v, SweepParameter& p) {
  if (!r.check_keys(v, {"from", "to", "count"}, "range of \"" + p.key + "\"")) return;
  for (const char* k : {"from", "to", "count"})
    if (!v[k]) {
      r.error(v, "range of \"" + p.key + "\": missing \"" + k + "\"");
      return;
    }
  const auto ends = read_ends(r, v["from"], v["to"], v, "range");
  const auto count = r.integer(v["count"], "count", 1);
  if (!ends || !count) return;
  for (long long i = 0; i < *count; ++i) {
    const double t = *count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(*count - 1);
    p.values.push_back(format_quantity(ends->from + t * (ends->to - ends->from), ends->unit));
  }
}

/// `distribution: {uniform: [a, b]}` into p.uniform.
void read_distribution(Reader& r, const YAML::Node& v, SweepParameter& p) {
  if (!r.check_keys(v, {"uniform"}, "distribution of \"" + p.key + "\"")) return;
  const YAML::Node u = v["uniform"];
  if (!u || !u.IsSequence() || u.size() != 2) {
    r.error(u ? u : v, "distribution of \"" + p.key + "\": expected uniform: [FROM, TO]");
    return;
  }
  p.uniform = read_ends(r, u[0], u[1], u, "uniform");
}

SweepParameter read_parameter(Reader& r, const YAML::Node& n, SweepDesign design) {
  SweepParameter p;
  p.line = n.Mark().line + 1, p.column = n.Mark().column + 1;
  if (!r.check_keys(n, {"key", "values", "range", "distribution"}, "a parameter")) return p;
  if (!n["key"]) {
    r.error(n, "parameter: missing \"key\" (a case key path such as coldplate.flow_rate)");
    return p;
  }
  p.line = n["key"].Mark().line + 1, p.column = n["key"].Mark().column + 1;
  if (auto k = r.scalar(n["key"], "key")) p.key = *k;
  try {
    parse_key_path(p.key);
  } catch (const KeyPathError& e) {
    r.error(n["key"], e.what());
  }
  const int given = !!n["values"] + !!n["range"] + !!n["distribution"];
  if (given != 1) {
    r.error(n["key"],
            "parameter \"" + p.key + "\": give exactly one of values, range, distribution");
    return p;
  }
  if (n["values"]) read_values(r, n["values"], p);
  if (n["range"]) read_range(r, n["range"], p);
  if (n["distribution"]) {
    if (design != SweepDesign::LatinHypercube)
      r.error(n["distribution"], "parameter \"" + p.key + "\": a distribution needs design: lhs");
    read_distribution(r, n["distribution"], p);
  }
  return p;
}

std::optional<SweepDesign> design_of(const std::string& s) {
  if (s == "grid") return SweepDesign::Grid;
  if (s == "zip") return SweepDesign::Zip;
  if (s == "lhs") return SweepDesign::LatinHypercube;
  if (s == "oat") return SweepDesign::OneAtATime;
  return std::nullopt;
}

void read_header(Reader& r, const YAML::Node& root, SweepSpec& s) {
  if (const YAML::Node d = root["design"]) {
    if (auto t = r.scalar(d, "design")) {
      if (auto des = design_of(*t))
        s.design = *des;
      else
        r.error(d, "unknown design \"" + *t + "\" (grid, zip, lhs, oat)" +
                       did_you_mean(*t, {"grid", "zip", "lhs", "oat"}));
    }
  }
  const bool lhs = s.design == SweepDesign::LatinHypercube;
  for (const char* k : {"samples", "seed"})
    if (root[k] && !lhs) r.error(root[k], std::string("\"") + k + "\" is for design: lhs only");
  if (lhs && !root["samples"])
    r.error(root, "design lhs: missing \"samples\" (the number of points)");
  if (lhs && root["samples"])
    if (auto n = r.integer(root["samples"], "samples", 1)) s.samples = static_cast<int>(*n);
  if (lhs && root["seed"])
    if (auto n = r.integer(root["seed"], "seed", 0)) s.seed = static_cast<std::uint64_t>(*n);
  if (!root["base"]) {
    r.error(root, "missing \"base\" (the base case file, relative to this sweep file)");
  } else if (auto b = r.scalar(root["base"], "base")) {
    fs::path p(*b);
    if (p.is_relative()) p = fs::path(s.file).parent_path() / p;
    s.base_case = p.lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
      r.error(root["base"], "base case \"" + s.base_case + "\" is not a readable file");
  }
}

void read_outputs(Reader& r, const YAML::Node& o, SweepSpec& s) {
  if (!o.IsSequence()) {
    r.error(o, "\"outputs\": expected a list of summary.json keys");
    return;
  }
  for (const auto& item : o)
    if (auto t = r.scalar(item, "outputs")) s.outputs.push_back(*t);
}

}  // namespace

const char* design_name(SweepDesign d) {
  switch (d) {
    case SweepDesign::Grid:
      return "grid";
    case SweepDesign::Zip:
      return "zip";
    case SweepDesign::LatinHypercube:
      return "lhs";
    case SweepDesign::OneAtATime:
      return "oat";
  }
  return "?";
}

SweepError::SweepError(std::vector<Diagnostic> diags)
    : std::runtime_error([&] {
        std::string s;
        for (const auto& d : diags) s += (s.empty() ? "" : "\n") + d.to_string();
        return s;
      }()),
      diagnostics(std::move(diags)) {}

SweepSpec parse_sweep(const std::string& yaml_text, const std::string& file_name,
                      std::vector<Diagnostic>& diags) {
  SweepSpec s;
  s.file = file_name;
  Reader r(file_name, diags);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    r.error(e.mark, "YAML syntax error: " + e.msg);
    return s;
  }
  if (!r.check_keys(root, {"base", "design", "samples", "seed", "parameters", "outputs"}, ""))
    return s;
  read_header(r, root, s);
  const YAML::Node params = root["parameters"];
  if (!params || !params.IsSequence() || params.size() == 0) {
    r.error(params ? params : root,
            "\"parameters\": expected a non-empty list of {key, values|range|distribution}");
  } else {
    std::set<std::string> seen;
    for (const auto& n : params) {
      s.parameters.push_back(read_parameter(r, n, s.design));
      const auto& p = s.parameters.back();
      if (!p.key.empty() && !seen.insert(p.key).second)
        r.error(n["key"], "parameter \"" + p.key + "\" is swept twice");
    }
  }
  if (root["outputs"]) read_outputs(r, root["outputs"], s);
  return s;
}

SweepSpec read_sweep_file(const std::string& path) {
  std::vector<Diagnostic> diags;
  std::ifstream in(path);
  if (!in) throw SweepError({{path, 0, 0, "cannot read the sweep file"}});
  std::stringstream ss;
  ss << in.rdbuf();
  SweepSpec s = parse_sweep(ss.str(), path, diags);
  if (!diags.empty()) throw SweepError(std::move(diags));
  return s;
}

}  // namespace kelvin
