#include "solver/case/case_parser.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>

#include "solver/physics/coolant.hpp"
#include "solver/base/units.hpp"

namespace kelvin {

const char* face_name(Face f) {
  switch (f) {
    case Face::XMin: return "xmin";
    case Face::XMax: return "xmax";
    case Face::YMin: return "ymin";
    case Face::YMax: return "ymax";
    case Face::ZMin: return "zmin";
    case Face::ZMax: return "zmax";
  }
  return "unknown";
}

std::string Diagnostic::to_string() const {
  const std::string where = file.empty() ? std::string("<case>") : file;
  if (line <= 0) return where + ": " + message;
  return where + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

std::string join_diagnostics(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) {
    if (!s.empty()) s += '\n';
    s += d.to_string();
  }
  return s.empty() ? std::string("invalid case") : s;
}

}  // namespace

CaseLoadError::CaseLoadError(std::vector<Diagnostic> diags)
    : std::runtime_error(join_diagnostics(diags)), diagnostics(std::move(diags)) {}

namespace {

// ---- small helpers --------------------------------------------------------------------------

/// s in double quotes for a message: control characters escaped (they would garble a
/// terminal) and long text shortened (a pasted file would make the message unreadable).
std::string in_quotes(const std::string& s) {
  constexpr std::size_t max_len = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max_len; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += s[i];
    }
  }
  return out + (s.size() > max_len ? "...\"" : "\"");
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Shortest text that reads back as exactly v, for resolved_case_yaml().
std::string exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// Edit distance, for did-you-mean. Long words are never typos of short keys, and skipping
/// them keeps the cost bounded on hostile input.
std::size_t levenshtein(const std::string& a, const std::string& b) {
  if (a.size() > 64 || b.size() > 64) return std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The candidate closest to word within edit distance 2, else one sharing a prefix of at least
/// 3 characters with it; "" when nothing is close.
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& c : candidates) {
    const std::size_t d = levenshtein(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best.empty() && word.size() >= 3) {
    for (const auto& c : candidates) {
      if (c.size() >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0)) {
        best = c;
        break;
      }
    }
  }
  return best;
}

/// "; did you mean "x"?" for closest(word, candidates), "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest(word, candidates);
  return best.empty() ? std::string() : "; did you mean " + in_quotes(best) + "?";
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

/// What a node is, for "expected X, got Y" messages.
std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return in_quotes(n.Scalar());
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "something else";
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    unsigned min_cp = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min_cp = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min_cp = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min_cp = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

/// Names end up in messages, file names and HDF5/JSON keys: printable UTF-8 only.
bool printable_name(const std::string& s) {
  if (s.empty() || !valid_utf8(s)) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

SourceMark to_source_mark(const YAML::Mark& m, const std::string& file) {
  SourceMark s;
  s.file = file;
  if (m.line >= 0 && m.column >= 0) {
    s.line = m.line + 1;
    s.column = m.column + 1;
  }
  return s;
}

const std::vector<std::string> kFaceNames{"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"};
const std::vector<std::string> kBoundaryTypes{"temperature", "heat_flux", "convection",
                                              "adiabatic"};

// ---- the parser ----------------------------------------------------------------------------

/// Records where a YAML document starts and ignores its content.
class DocumentStart : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> start;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!start) start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

/// Where each YAML document in text starts, at most max_docs of them; throws
/// YAML::ParserException for syntax errors. yaml-cpp 0.7 (Debian 12) never consumes a stray
/// "," at the top level: YAML::LoadAll loops forever on "," (yaml-cpp issue #1040, fixed
/// upstream by PR #1319 after 0.8.0), and YAML::Load silently drops it. A document that
/// starts where the previous one did is that case, reported in *stuck.
std::vector<YAML::Mark> document_starts(const std::string& text, std::size_t max_docs,
                                        std::optional<YAML::Mark>* stuck) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::vector<YAML::Mark> starts;
  while (starts.size() < max_docs) {
    DocumentStart doc;
    if (!parser.HandleNextDocument(doc)) break;
    if (!doc.start) break;
    if (!starts.empty() && doc.start->pos == starts.back().pos) {
      *stuck = *doc.start;
      break;
    }
    starts.push_back(*doc.start);
  }
  return starts;
}

/// Where a mapping sits: desc names it in messages ("material \"copper\""; empty at the top
/// level), path prefixes its keys in Case::key_marks ("materials[0]"; empty at the top level).
struct Context {
  std::string desc;
  std::string path;

  std::string key_path(const std::string& key) const {
    return path.empty() ? key : path + "." + key;
  }
  /// "\"density\" in material \"copper\"" or just "\"name\"" at the top level.
  std::string key_desc(const std::string& key) const {
    return desc.empty() ? in_quotes(key) : in_quotes(key) + " in " + desc;
  }
  std::string mapping_desc() const { return desc.empty() ? std::string("the case") : desc; }
};

class Parser {
 public:
  Parser(const std::string& file, std::vector<Diagnostic>& diags, const ParseOptions& options)
      : m_file(file), m_diags(diags), m_options(options) {
    m_case.file = file;
  }

  Case run(const std::string& text);

 private:
  using Handler = std::function<void(const std::string& key, const YAML::Node& value)>;

  void error(const YAML::Mark& at, const std::string& message) {
    const SourceMark m = to_source_mark(at, m_file);
    m_diags.push_back({m_file, m.line, m.column, message});
  }
  /// An empty value ("density:" with nothing after it) has no useful mark of its own; the key
  /// being read does.
  void error(const YAML::Node& at, const std::string& message) {
    error(at.IsNull() && m_key_mark ? *m_key_mark : at.Mark(), message);
  }
  /// Records that the value at path (see Case::key_marks) was reported as invalid or missing,
  /// so check_case() does not report its default value a second time. "" is the whole case.
  void fail(const std::string& path) { m_case.key_marks["!" + path] = SourceMark{}; }
  SourceMark mark(const YAML::Node& n) const { return to_source_mark(n.Mark(), m_file); }

  /// Visits every key of a mapping: rejects non-scalar, duplicate and unknown keys (with a
  /// did-you-mean), records where each known key was written, and calls handle for it.
  /// Returns the known keys seen, plus "?key" for each key that an unknown key was probably a
  /// typo of (so require() does not report it missing too). Reports an error and returns
  /// nothing if map is not a mapping.
  std::set<std::string> walk(const YAML::Node& map, const Context& ctx,
                             const std::vector<std::string>& allowed, const Handler& handle);
  /// Reports each of keys missing from seen.
  void require(const std::set<std::string>& seen, const std::vector<std::string>& keys,
               const YAML::Node& map, const Context& ctx);
  bool expect_list(const YAML::Node& n, const std::string& what, const std::string& hint);

  std::optional<double> quantity(const YAML::Node& v, Dimension d, const std::string& key,
                                 const Context& ctx);
  /// n quantities: a YAML list, or one string of n numbers and one unit ("1 2 3 mm"). With
  /// broadcast, one quantity stands for all n.
  std::optional<std::vector<double>> quantities(const YAML::Node& v, std::size_t n, Dimension d,
                                                const std::string& key, const Context& ctx,
                                                bool broadcast);
  std::optional<std::array<double, 3>> vec3(const YAML::Node& v, Dimension d,
                                            const std::string& key, const Context& ctx,
                                            bool broadcast = false);
  std::optional<std::string> text(const YAML::Node& v, const std::string& key,
                                  const Context& ctx, bool allow_empty = false);
  std::optional<int> integer(const YAML::Node& v, const std::string& key, const Context& ctx);
  std::optional<bool> boolean(const YAML::Node& v, const std::string& key, const Context& ctx);
  /// The value of key "name" in a mapping, without reporting anything (for messages about
  /// keys that come before it).
  static std::string peek_name(const YAML::Node& map, const char* key = "name");

  void parse_top(const YAML::Node& root);
  void parse_mesh(const YAML::Node& n);
  void parse_domain(const YAML::Node& n);
  void parse_materials(const YAML::Node& n);
  void parse_boxes(const YAML::Node& n);
  void parse_sources(const YAML::Node& n);
  void parse_power_map(const YAML::Node& n, const Context& ctx, HeatSource& s);
  void read_power_map_file(const YAML::Node& at, const std::string& name, const Context& ctx,
                           HeatSource& s);
  void parse_boundaries(const YAML::Node& n);
  /// A face rectangle {min: [a, b], max: [a, b]} (boundary conditions and flow ports).
  void parse_region(const YAML::Node& n, const Context& owner_ctx, bool& has_region,
                    std::array<double, 2>& region_min, std::array<double, 2>& region_max);
  /// A face name ("xmin" .. "zmax") into face; reports anything else.
  void parse_face(const YAML::Node& v, const Context& ctx, Face& face);
  void parse_contacts(const YAML::Node& n);
  void parse_probes(const YAML::Node& n);
  void parse_solver(const YAML::Node& n);
  void parse_transient(const YAML::Node& n);
  void parse_coolant_section(const YAML::Node& n);
  void parse_coldplate(const YAML::Node& n);
  void parse_coldplate_fins(const YAML::Node& n, const Context& ctx, ColdPlateSpec& spec);
  void parse_flow(const YAML::Node& n);
  void parse_ports(const YAML::Node& n, FlowPort::Kind kind);
  void parse_gpu_models(const YAML::Node& n);
  void parse_gpus(const YAML::Node& n);
  void parse_gpu_instances(const YAML::Node& n, const Context& ctx, GpuCase& g);
  void parse_workload(const YAML::Node& n);
  /// Appends the coolant's material (see CoolantCase) once every section is read.
  void add_coolant_material();

  const std::string& m_file;
  std::vector<Diagnostic>& m_diags;
  ParseOptions m_options;
  Case m_case;
  std::optional<YAML::Mark> m_key_mark;  // the key whose value is being read, if any
};

std::set<std::string> Parser::walk(const YAML::Node& map, const Context& ctx,
                                   const std::vector<std::string>& allowed,
                                   const Handler& handle) {
  std::set<std::string> seen;
  if (!map.IsMap()) {
    error(map, "expected a mapping for " + ctx.mapping_desc() + ", got " + describe(map));
    fail(ctx.path);
    return seen;
  }
  std::map<std::string, int> first_line;
  for (const auto& kv : map) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) {
      error(key, "keys in " + ctx.mapping_desc() + " must be plain words, got " + describe(key));
      continue;
    }
    const std::string& k = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      const std::string best = closest(k, allowed);
      error(key, "unknown key " + in_quotes(k) + " in " + ctx.mapping_desc() +
                     (best.empty() ? " (allowed keys: " + join(allowed) + ")"
                                   : "; did you mean " + in_quotes(best) + "?"));
      if (!best.empty()) {
        // The typo stands for that key: do not also call it missing, or check its default.
        seen.insert("?" + best);
        fail(ctx.key_path(best));
      }
      continue;
    }
    if (seen.count(k)) {
      error(key, "duplicate key " + in_quotes(k) + " in " + ctx.mapping_desc() +
                     " (first given on line " + std::to_string(first_line[k]) + ")");
      continue;
    }
    seen.insert(k);
    first_line[k] = mark(key).line;
    m_case.key_marks[ctx.key_path(k)] = mark(key);
    const auto outer = m_key_mark;
    m_key_mark = key.Mark();
    handle(k, kv.second);
    m_key_mark = outer;
  }
  return seen;
}

void Parser::require(const std::set<std::string>& seen, const std::vector<std::string>& keys,
                     const YAML::Node& map, const Context& ctx) {
  if (!map.IsMap()) return;  // already reported by walk()
  for (const auto& k : keys) {
    if (seen.count(k) || seen.count("?" + k)) continue;
    error(map, ctx.mapping_desc() + " is missing required key " + in_quotes(k));
    fail(ctx.key_path(k));
  }
}

bool Parser::expect_list(const YAML::Node& n, const std::string& what, const std::string& hint) {
  if (n.IsSequence()) return true;
  error(n, in_quotes(what) + " must be a list" + hint + ", got " + describe(n));
  fail(what);
  return false;
}

std::optional<double> Parser::quantity(const YAML::Node& v, Dimension d, const std::string& key,
                                       const Context& ctx) {
  if (!v.IsScalar()) {
    const std::string how = d == Dimension::Dimensionless
                                ? std::string(" (a number)")
                                : std::string(" (a number in ") + si_unit(d) +
                                      " or a string like \"1 " + si_unit(d) + "\")";
    error(v, ctx.key_desc(key) + ": expected " + dimension_name(d) + how + ", got " +
                 describe(v));
    fail(ctx.key_path(key));
    return std::nullopt;
  }
  try {
    return to_si(v.Scalar(), d);
  } catch (const UnitError& e) {
    error(v, ctx.key_desc(key) + ": " + e.what());
  }
  fail(ctx.key_path(key));
  return std::nullopt;
}

std::optional<std::vector<double>> Parser::quantities(const YAML::Node& v, std::size_t n,
                                                      Dimension d, const std::string& key,
                                                      const Context& ctx, bool broadcast) {
  const std::string expected =
      "expected " + std::to_string(n) + " values of " + dimension_name(d) +
      (broadcast ? " (or one for all)" : "") + ": a list [" + (n == 3 ? "x, y, z" : "a, b") +
      "] of numbers in " + si_unit(d) + " or strings with units, or one string like \"" +
      (n == 3 ? "1 2 3 " : "1 2 ") + si_unit(d) + "\"";
  const auto bad = [&](const std::string& message) {
    error(v, ctx.key_desc(key) + ": " + message);
    fail(ctx.key_path(key));
    return std::nullopt;
  };
  if (v.IsSequence()) {
    if (v.size() != n) return bad(expected + ", got a list of " + std::to_string(v.size()));
    std::vector<double> out;
    bool ok = true;
    for (const auto& item : v) {
      const auto q = quantity(item, d, key, ctx);  // reports each bad element where it is
      ok = ok && q.has_value();
      out.push_back(q.value_or(0.0));
    }
    if (!ok) return std::nullopt;
    return out;
  }
  if (!v.IsScalar()) return bad(expected + ", got " + describe(v));
  // Split "1, 2, 3 mm" into leading numbers and one unit for them all.
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : v.Scalar()) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!cur.empty()) tokens.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  std::size_t count = 0;
  while (count < tokens.size() && parse_number(tokens[count])) ++count;
  if (count == n && n > 1) {
    std::string unit;
    for (std::size_t t = count; t < tokens.size(); ++t)
      unit += (unit.empty() ? "" : " ") + tokens[t];
    std::vector<double> out;
    for (std::size_t t = 0; t < n; ++t) {
      try {
        out.push_back(to_si(tokens[t] + " " + unit, d));
      } catch (const UnitError& e) {
        return bad(e.what());
      }
    }
    return out;
  }
  if (broadcast && count <= 1) {
    const auto q = quantity(v, d, key, ctx);
    if (!q) return std::nullopt;
    return std::vector<double>(n, *q);
  }
  return bad(expected + ", got " + describe(v));
}

std::optional<std::array<double, 3>> Parser::vec3(const YAML::Node& v, Dimension d,
                                                  const std::string& key, const Context& ctx,
                                                  bool broadcast) {
  const auto q = quantities(v, 3, d, key, ctx, broadcast);
  if (!q) return std::nullopt;
  return std::array<double, 3>{(*q)[0], (*q)[1], (*q)[2]};
}

std::optional<std::string> Parser::text(const YAML::Node& v, const std::string& key,
                                        const Context& ctx, bool allow_empty) {
  if (!v.IsScalar() || (!allow_empty && v.Scalar().empty())) {
    error(v, ctx.key_desc(key) + ": expected a " + (allow_empty ? "string" : "name") + ", got " +
                 describe(v));
    fail(ctx.key_path(key));
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<int> Parser::integer(const YAML::Node& v, const std::string& key,
                                   const Context& ctx) {
  const auto x = v.IsScalar() ? parse_number(v.Scalar()) : std::nullopt;
  if (!x || *x != std::floor(*x) || std::abs(*x) > std::numeric_limits<int>::max()) {
    error(v, ctx.key_desc(key) + ": expected a whole number, got " + describe(v));
    fail(ctx.key_path(key));
    return std::nullopt;
  }
  return static_cast<int>(*x);
}

std::optional<bool> Parser::boolean(const YAML::Node& v, const std::string& key,
                                    const Context& ctx) {
  bool b = false;
  if (v.IsScalar() && YAML::convert<bool>::decode(v, b)) return b;
  error(v, ctx.key_desc(key) + ": expected true or false, got " + describe(v));
  fail(ctx.key_path(key));
  return std::nullopt;
}

std::string Parser::peek_name(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return {};
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key && kv.second.IsScalar())
      return kv.second.Scalar();
  return {};
}

Case Parser::run(const std::string& text) {
  YAML::Node root;
  try {
    std::optional<YAML::Mark> stuck;
    const auto starts = document_starts(text, 8, &stuck);
    if (stuck) {
      const auto pos = static_cast<std::size_t>(std::max(stuck->pos, 0));
      const std::string what = pos < text.size() ? in_quotes(text.substr(pos, 1)) : "text";
      error(*stuck, "YAML syntax error: unexpected " + what);
      fail("");
      return m_case;
    }
    // Only the first document is read, by YAML::Load (see document_starts() for why not
    // LoadAll); the others are only counted, to report them.
    if (!starts.empty()) root = YAML::Load(text);
    if (starts.size() > 1) {
      error(starts[1], "the case file holds " + std::to_string(starts.size()) +
                           (starts.size() >= 8 ? " or more" : "") +
                           " YAML documents; expected one (remove the \"---\" separator)");
    }
  } catch (const YAML::DeepRecursion& e) {
    error(e.mark, "YAML syntax error: lists and mappings nested too deeply (" +
                      std::to_string(e.depth()) + " levels)");
    fail("");
    return m_case;
  } catch (const YAML::Exception& e) {
    error(e.mark, "YAML syntax error: " + e.msg);
    fail("");
    return m_case;
  }
  if (!root.IsDefined() || root.IsNull()) {
    m_diags.push_back({m_file, 1, 1,
                       "the case file is empty; expected a mapping with at least \"name\", "
                       "\"materials\" and \"boxes\""});
    fail("");
    return m_case;
  }
  if (!root.IsMap()) {
    error(root, "expected the case to be a mapping of keys like \"name\" and \"materials\", "
                "got " + describe(root));
    fail("");
    return m_case;
  }
  parse_top(root);
  return m_case;
}

void Parser::parse_top(const YAML::Node& root) {
  static const std::vector<std::string> allowed{
      "name",  "description", "initial_temperature", "mesh",  "domain",
      "materials", "boxes",   "sources",  "boundaries", "contact_resistances",
      "probes", "solver",     "transient", "coolant", "coldplate", "flow",
      "junction_material", "case_material", "gpu_models", "gpus", "workload"};
  std::map<std::string, YAML::Node> sections;
  const Context top{"", ""};
  const auto seen = walk(root, top, allowed, [&](const std::string& k, const YAML::Node& v) {
    sections.emplace(k, v);  // emplace: assigning to a YAML::Node would rebind the document
  });
  require(seen, {"name"}, root, top);

  // Sections are parsed in dependency order, not file order: sources refer to boxes by name.
  // Each one is guarded so a surprise in one section still lets the others report.
  const std::vector<std::pair<std::string, void (Parser::*)(const YAML::Node&)>> order{
      {"mesh", &Parser::parse_mesh},         {"materials", &Parser::parse_materials},
      {"boxes", &Parser::parse_boxes},       {"domain", &Parser::parse_domain},
      {"sources", &Parser::parse_sources},   {"boundaries", &Parser::parse_boundaries},
      {"contact_resistances", &Parser::parse_contacts}, {"probes", &Parser::parse_probes},
      {"solver", &Parser::parse_solver},     {"transient", &Parser::parse_transient},
      {"coolant", &Parser::parse_coolant_section}, {"coldplate", &Parser::parse_coldplate},
      {"flow", &Parser::parse_flow},         {"gpu_models", &Parser::parse_gpu_models},
      {"gpus", &Parser::parse_gpus},         {"workload", &Parser::parse_workload}};

  if (sections.count("name")) {
    if (auto s = text(sections["name"], "name", top)) m_case.name = *s;
  }
  if (sections.count("description")) {
    if (auto s = text(sections["description"], "description", top, true)) m_case.description = *s;
  }
  if (sections.count("initial_temperature")) {
    if (auto t = quantity(sections["initial_temperature"], Dimension::Temperature,
                          "initial_temperature", top))
      m_case.initial_temperature_K = *t;
  }
  for (const char* key : {"junction_material", "case_material"}) {
    if (!sections.count(key)) continue;
    if (auto s = text(sections[key], key, top))
      (std::string(key) == "junction_material" ? m_case.junction_material
                                               : m_case.case_material) = *s;
  }
  for (const auto& [key, fn] : order) {
    const auto it = sections.find(key);
    if (it == sections.end()) continue;
    try {
      (this->*fn)(it->second);
    } catch (const YAML::Exception& e) {
      m_key_mark.reset();
      error(e.mark.is_null() ? it->second.Mark() : e.mark,
            "cannot read " + in_quotes(key) + ": " + e.msg);
      fail(key);
    } catch (const std::exception& e) {
      m_key_mark.reset();
      error(it->second, "cannot read " + in_quotes(key) + ": " + e.what());
      fail(key);
    }
  }
  add_coolant_material();
}

void Parser::parse_mesh(const YAML::Node& n) {
  const Context ctx{"mesh", "mesh"};
  walk(n, ctx, {"max_cell_size"}, [&](const std::string& k, const YAML::Node& v) {
    if (auto x = vec3(v, Dimension::Length, k, ctx, true)) m_case.mesh.max_cell_size_m = *x;
  });
}

void Parser::parse_domain(const YAML::Node& n) {
  const Context ctx{"domain", "domain"};
  DomainSpec d;
  d.mark = mark(n);
  const auto seen =
      walk(n, ctx, {"min", "max", "background"}, [&](const std::string& k, const YAML::Node& v) {
        if (k == "min") {
          if (auto x = vec3(v, Dimension::Length, k, ctx)) d.min_m = *x;
        } else if (k == "max") {
          if (auto x = vec3(v, Dimension::Length, k, ctx)) d.max_m = *x;
        } else if (k == "background") {
          if (auto s = text(v, k, ctx)) d.background_material = *s;
        }
      });
  require(seen, {"min", "max"}, n, ctx);
  if (n.IsMap()) m_case.domain = d;
}

void Parser::parse_materials(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n, "\"materials\" must be a mapping from material names to their properties "
             "(copper: {conductivity: ..., density: ..., specific_heat: ...}), got " +
                 describe(n));
    fail("materials");
    return;
  }
  std::map<std::string, int> first_line;
  for (const auto& kv : n) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar() || key.Scalar().empty()) {
      error(key, "material names must be plain words, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (first_line.count(name)) {
      error(key, "duplicate material " + in_quotes(name) + " (first defined on line " +
                     std::to_string(first_line[name]) + ")");
      continue;
    }
    first_line[name] = mark(key).line;
    const Context ctx{"material " + in_quotes(name),
                      "materials[" + std::to_string(m_case.materials.size()) + "]"};
    Material m;
    m.name = name;
    m.mark = mark(key);
    m_case.key_marks[ctx.path] = m.mark;
    const YAML::Node& props = kv.second;
    const auto seen = walk(props, ctx, {"conductivity", "density", "specific_heat"},
                           [&](const std::string& k, const YAML::Node& v) {
                             if (k == "conductivity") {
                               if (auto x = vec3(v, Dimension::Conductivity, k, ctx, true))
                                 m.conductivity_W_mK = *x;
                             } else if (k == "density") {
                               if (auto x = quantity(v, Dimension::Density, k, ctx))
                                 m.density_kg_m3 = *x;
                             } else if (k == "specific_heat") {
                               if (auto x = quantity(v, Dimension::SpecificHeat, k, ctx))
                                 m.specific_heat_J_kgK = *x;
                             }
                           });
    require(seen, {"conductivity", "density", "specific_heat"}, props, ctx);
    m_case.materials.push_back(m);
  }
}

void Parser::parse_boxes(const YAML::Node& n) {
  if (!expect_list(n, "boxes", " of boxes (each starting with \"- name: ...\")")) return;
  for (const auto& item : n) {
    const std::size_t index = m_case.boxes.size();
    const std::string name = peek_name(item);
    const Context ctx{name.empty() ? "box #" + std::to_string(index + 1) : "box " + in_quotes(name),
                      "boxes[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    BoxSpec b;
    b.mark = mark(item);
    m_case.key_marks[ctx.path] = b.mark;
    const auto seen = walk(item, ctx, {"name", "material", "min", "max", "cell_size"},
                           [&](const std::string& k, const YAML::Node& v) {
                             if (k == "name") {
                               if (auto s = text(v, k, ctx)) b.name = *s;
                             } else if (k == "material") {
                               if (auto s = text(v, k, ctx)) b.material = *s;
                             } else if (k == "min") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx)) b.min_m = *x;
                             } else if (k == "max") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx)) b.max_m = *x;
                             } else if (k == "cell_size") {
                               if (auto x = vec3(v, Dimension::Length, k, ctx, true))
                                 b.cell_size_m = *x;
                             }
                           });
    require(seen, {"name", "material", "min", "max"}, item, ctx);
    m_case.boxes.push_back(b);
  }
}

void Parser::parse_sources(const YAML::Node& n) {
  if (!expect_list(n, "sources", " of heat sources (each starting with \"- name: ...\")")) return;
  for (const auto& item : n) {
    const std::size_t index = m_case.sources.size();
    const std::string name = peek_name(item);
    const Context ctx{name.empty() ? "source #" + std::to_string(index + 1)
                                   : "source " + in_quotes(name),
                      "sources[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    HeatSource s;
    s.mark = mark(item);
    m_case.key_marks[ctx.path] = s.mark;
    std::optional<YAML::Node> box;
    const auto seen = walk(
        item, ctx, {"name", "box", "min", "max", "power", "power_density", "power_map"},
        [&](const std::string& k, const YAML::Node& v) {
          if (k == "name") {
            if (auto t = text(v, k, ctx)) s.name = *t;
          } else if (k == "box") {
            box.emplace(v);
          } else if (k == "min") {
            if (auto x = vec3(v, Dimension::Length, k, ctx)) s.min_m = *x;
          } else if (k == "max") {
            if (auto x = vec3(v, Dimension::Length, k, ctx)) s.max_m = *x;
          } else if (k == "power") {
            s.kind = HeatSource::Kind::TotalPower;
            if (auto x = quantity(v, Dimension::Power, k, ctx)) s.value = *x;
          } else if (k == "power_density") {
            s.kind = HeatSource::Kind::PowerDensity;
            if (auto x = quantity(v, Dimension::PowerDensity, k, ctx)) s.value = *x;
          } else if (k == "power_map") {
            parse_power_map(v, ctx, s);
          }
        });
    require(seen, {"name"}, item, ctx);

    const bool has_box = seen.count("box"), has_min = seen.count("min"),
               has_max = seen.count("max");
    if (has_box && (has_min || has_max)) {
      error(*box, ctx.desc + ": give either \"box\" or \"min\" and \"max\", not both");
      fail(ctx.key_path("box"));
    } else if (!has_box && !(has_min && has_max)) {
      error(item, ctx.desc + " needs \"box\" (the name of a box) or both \"min\" and \"max\"");
      fail(ctx.key_path("max"));
    }
    if (has_box) {
      const YAML::Node& box_node = *box;
      if (auto box_name = text(box_node, "box", ctx)) {
        const auto it = std::find_if(m_case.boxes.begin(), m_case.boxes.end(),
                                     [&](const BoxSpec& b) { return b.name == *box_name; });
        if (it != m_case.boxes.end()) {
          s.min_m = it->min_m;
          s.max_m = it->max_m;
          // A box whose extent was already reported gives the source no extent to check.
          const std::string box_path = "boxes[" + std::to_string(it - m_case.boxes.begin()) + "]";
          for (const char* suffix : {"", ".min", ".max"})
            if (m_case.key_marks.count("!" + box_path + suffix)) fail(ctx.key_path("box"));
        } else {
          std::vector<std::string> names;
          for (const auto& b : m_case.boxes) names.push_back(b.name);
          error(box_node, ctx.key_desc("box") + ": no box named " + in_quotes(*box_name) +
                              did_you_mean(*box_name, names));
          fail(ctx.key_path("box"));
        }
      }
    }
    const bool has_p = seen.count("power"), has_q = seen.count("power_density");
    if (has_p && has_q) {
      error(item, ctx.desc + ": give either \"power\" (W) or \"power_density\" (W/m^3), not both");
      fail(ctx.key_path("power"));
      fail(ctx.key_path("power_density"));
    } else if (!has_p && !has_q && !seen.count("?power") && !seen.count("?power_density")) {
      error(item, ctx.desc + " needs \"power\" (total, e.g. 700 W) or \"power_density\" "
                             "(e.g. 1e9 W/m^3)");
      fail(ctx.key_path("power"));
    }
    if (has_q && seen.count("power_map")) {
      // A power density is uniform by definition (see HeatSource); a map needs a total to share.
      error(item, ctx.desc + ": a power_map needs \"power\" (the total it distributes), not "
                             "\"power_density\"");
      fail(ctx.key_path("power_map"));
    }
    m_case.sources.push_back(s);
  }
}

void Parser::parse_power_map(const YAML::Node& n, const Context& source_ctx, HeatSource& s) {
  const Context ctx{"the power map of " + source_ctx.desc, source_ctx.path + ".power_map"};
  std::optional<YAML::Node> values_node, file_node;
  const auto seen = walk(n, ctx, {"values", "file"}, [&](const std::string& k,
                                                         const YAML::Node& v) {
    (k == "values" ? values_node : file_node).emplace(v);
  });
  if (!n.IsMap()) return;
  const int given = int(values_node.has_value()) + int(file_node.has_value());
  if (given == 0 && (seen.count("?values") || seen.count("?file"))) return;  // typo reported
  if (given != 1) {
    error(n, ctx.mapping_desc() + " needs exactly one of \"values\" (rows of weights) or "
                                  "\"file\" (a CSV file)");
    fail(ctx.path);
    return;
  }
  if (file_node) {
    if (auto name = text(*file_node, "file", ctx)) read_power_map_file(*file_node, *name, ctx, s);
    return;
  }
  const YAML::Node& values = *values_node;
  if (!values.IsSequence() || values.size() == 0) {
    error(values, ctx.key_desc("values") + ": expected a list of rows like [[1, 2], [3, 4]], "
                                           "got " + describe(values));
    return;
  }
  // Aliases can repeat a row many times from a few bytes of YAML; a cap keeps memory bounded.
  constexpr std::size_t max_values = 1u << 22;
  PowerMap map;
  bool ok = true;
  std::size_t row_index = 0;
  for (const auto& row : values) {
    ++row_index;
    if (!row.IsSequence() || row.size() == 0) {
      error(row, ctx.key_desc("values") + ": row " + std::to_string(row_index) +
                     " must be a non-empty list of numbers, got " + describe(row));
      ok = false;
      continue;
    }
    if (map.cols == 0) map.cols = static_cast<int>(std::min<std::size_t>(row.size(), max_values));
    if (row.size() != static_cast<std::size_t>(map.cols)) {
      error(row, ctx.key_desc("values") + ": row " + std::to_string(row_index) + " has " +
                     std::to_string(row.size()) + " values but row 1 has " +
                     std::to_string(map.cols) + "; every row needs the same number");
      ok = false;
      continue;
    }
    if (map.values.size() + row.size() > max_values) {
      error(row, ctx.key_desc("values") + ": more than " + std::to_string(max_values) +
                     " values; use a coarser map");
      return;
    }
    for (const auto& x : row) {
      const auto q = quantity(x, Dimension::Dimensionless, "values", ctx);
      ok = ok && q.has_value();
      map.values.push_back(q.value_or(0.0));
    }
    ++map.rows;
  }
  if (ok) s.power_map = map;
}

void Parser::read_power_map_file(const YAML::Node& at, const std::string& name,
                                 const Context& ctx, HeatSource& s) {
  const std::string what = ctx.key_desc("file") + ": ";
  if (!m_options.read_files) {
    error(at, what + "reading files is disabled here");
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(name);
  if (p.is_relative()) p = fs::path(m_file).parent_path() / p;
  // Only regular files: a FIFO or /dev/zero would hang or never end.
  if (!fs::is_regular_file(p, ec)) {
    error(at, what + "cannot read " + in_quotes(p.string()) + " (no such regular file)");
    return;
  }
  constexpr std::uintmax_t max_bytes = 64u << 20;
  const auto size = fs::file_size(p, ec);
  if (ec || size > max_bytes) {
    error(at, what + in_quotes(p.string()) + " is too large (over 64 MiB) or unreadable");
    return;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    error(at, what + "cannot open " + in_quotes(p.string()));
    return;
  }
  PowerMap map;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::vector<std::string> tokens;
    std::string cur;
    for (char c : line) {
      if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\r') {
        if (!cur.empty()) tokens.push_back(cur), cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) tokens.push_back(cur);
    if (tokens.empty() || tokens[0][0] == '#') continue;
    if (map.cols == 0) map.cols = static_cast<int>(tokens.size());
    if (tokens.size() != static_cast<std::size_t>(map.cols)) {
      error(at, what + in_quotes(p.string()) + " line " + std::to_string(line_no) + " has " +
                    std::to_string(tokens.size()) + " values but the first row has " +
                    std::to_string(map.cols));
      return;
    }
    for (const auto& t : tokens) {
      const auto x = parse_number(t);
      if (!x) {
        error(at, what + in_quotes(p.string()) + " line " + std::to_string(line_no) + ": " +
                      in_quotes(t) + " is not a number");
        return;
      }
      map.values.push_back(*x);
    }
    ++map.rows;
  }
  if (map.rows == 0) {
    error(at, what + in_quotes(p.string()) + " holds no values");
    return;
  }
  s.power_map = map;
}

void Parser::parse_boundaries(const YAML::Node& n) {
  if (!expect_list(n, "boundaries", " of boundary conditions (each starting with \"- face: ...\")"))
    return;
  int index = 0;
  for (const auto& item : n) {
    ++index;
    const std::string face = peek_name(item, "face");
    const Context ctx{"boundary #" + std::to_string(index) +
                          (face.empty() ? std::string() : " (" + face + ")"),
                      "boundaries[" + std::to_string(m_case.boundaries.size()) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    BoundaryCondition bc;
    bc.mark = mark(item);
    m_case.key_marks[ctx.path] = bc.mark;
    std::map<std::string, YAML::Node> values;
    const auto seen =
        walk(item, ctx, {"face", "type", "h", "temperature", "heat_flux", "region"},
             [&](const std::string& k, const YAML::Node& v) { values.emplace(k, v); });
    require(seen, {"face", "type"}, item, ctx);

    bool type_ok = false;
    if (values.count("face")) parse_face(values["face"], ctx, bc.face);
    if (values.count("type")) {
      if (auto t = text(values["type"], "type", ctx)) {
        type_ok = true;
        if (*t == "temperature") {
          bc.type = BoundaryCondition::Type::Temperature;
        } else if (*t == "heat_flux") {
          bc.type = BoundaryCondition::Type::HeatFlux;
        } else if (*t == "convection") {
          bc.type = BoundaryCondition::Type::Convection;
        } else if (*t == "adiabatic") {
          bc.type = BoundaryCondition::Type::Adiabatic;
        } else {
          type_ok = false;
          error(values["type"], ctx.key_desc("type") + ": unknown boundary type " + in_quotes(*t) +
                                    " (one of " + join(kBoundaryTypes) + ")" +
                                    did_you_mean(*t, kBoundaryTypes));
          fail(ctx.key_path("type"));
        }
      }
    }
    if (type_ok) {
      // Which value keys each type needs; any other value key is a mistake worth reporting
      // (a convection h on a temperature boundary would otherwise be silently ignored).
      std::vector<std::string> needed;
      switch (bc.type) {
        case BoundaryCondition::Type::Temperature: needed = {"temperature"}; break;
        case BoundaryCondition::Type::HeatFlux: needed = {"heat_flux"}; break;
        case BoundaryCondition::Type::Convection: needed = {"h", "temperature"}; break;
        case BoundaryCondition::Type::Adiabatic: break;
      }
      const std::string type_name = values["type"].Scalar();
      for (const char* k : {"h", "temperature", "heat_flux"}) {
        const bool wanted = std::find(needed.begin(), needed.end(), k) != needed.end();
        if (values.count(k) && !wanted)
          error(values[k], ctx.key_desc(k) + ": does not apply to " +
                               (type_name == "adiabatic" ? "an " : "a ") + type_name +
                               " boundary" +
                               (needed.empty() ? std::string()
                                               : " (it takes " + join(needed) + ")"));
        if (!values.count(k) && wanted && !seen.count(std::string("?") + k)) {
          error(item, ctx.desc + " of type " + type_name + " is missing required key " +
                          in_quotes(k));
          fail(ctx.key_path(k));
        }
      }
    }
    if (values.count("h")) {
      if (auto x = quantity(values["h"], Dimension::HeatTransferCoefficient, "h", ctx))
        bc.htc_W_m2K = *x;
    }
    if (values.count("temperature")) {
      if (auto x = quantity(values["temperature"], Dimension::Temperature, "temperature", ctx))
        bc.temperature_K = *x;
    }
    if (values.count("heat_flux")) {
      if (auto x = quantity(values["heat_flux"], Dimension::HeatFlux, "heat_flux", ctx))
        bc.heat_flux_W_m2 = *x;
    }
    if (values.count("region"))
      parse_region(values["region"], ctx, bc.has_region, bc.region_min_m, bc.region_max_m);
    m_case.boundaries.push_back(bc);
  }
}

void Parser::parse_region(const YAML::Node& n, const Context& owner_ctx, bool& has_region,
                          std::array<double, 2>& region_min, std::array<double, 2>& region_max) {
  const Context ctx{"the region of " + owner_ctx.desc, owner_ctx.path + ".region"};
  const auto seen = walk(n, ctx, {"min", "max"}, [&](const std::string& k, const YAML::Node& v) {
    const auto x = quantities(v, 2, Dimension::Length, k, ctx, false);
    if (!x) return;
    auto& dst = k == "min" ? region_min : region_max;
    dst = {(*x)[0], (*x)[1]};
  });
  require(seen, {"min", "max"}, n, ctx);
  has_region = n.IsMap();
}

void Parser::parse_face(const YAML::Node& v, const Context& ctx, Face& face) {
  const auto f = text(v, "face", ctx);
  if (!f) return;
  const auto it = std::find(kFaceNames.begin(), kFaceNames.end(), *f);
  if (it != kFaceNames.end()) {
    face = static_cast<Face>(it - kFaceNames.begin());
    return;
  }
  error(v, ctx.key_desc("face") + ": unknown face " + in_quotes(*f) + " (one of " +
               join(kFaceNames) + ")" + did_you_mean(*f, kFaceNames));
  fail(ctx.key_path("face"));
}

void Parser::parse_contacts(const YAML::Node& n) {
  if (!expect_list(n, "contact_resistances",
                   " of contacts (each like \"- between: [silicon, tim]\")"))
    return;
  for (const auto& item : n) {
    const Context ctx{"contact resistance #" + std::to_string(m_case.contacts.size() + 1),
                      "contact_resistances[" + std::to_string(m_case.contacts.size()) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    ContactResistance c;
    c.mark = mark(item);
    m_case.key_marks[ctx.path] = c.mark;
    const auto seen =
        walk(item, ctx, {"between", "resistance"}, [&](const std::string& k, const YAML::Node& v) {
          if (k == "resistance") {
            if (auto x = quantity(v, Dimension::ContactResistance, k, ctx))
              c.resistance_K_m2_W = *x;
            return;
          }
          if (!v.IsSequence() || v.size() != 2) {
            error(v, ctx.key_desc(k) + ": expected a list of two material names like "
                                       "[silicon, tim], got " + describe(v));
            fail(ctx.key_path(k));
            return;
          }
          const auto a = text(v[0], k, ctx), b = text(v[1], k, ctx);
          if (a) c.material_a = *a;
          if (b) c.material_b = *b;
        });
    require(seen, {"between", "resistance"}, item, ctx);
    m_case.contacts.push_back(c);
  }
}

void Parser::parse_probes(const YAML::Node& n) {
  if (!expect_list(n, "probes", " of probes (each like \"- {name: die_center, at: [...]}\")"))
    return;
  for (const auto& item : n) {
    const std::size_t index = m_case.probes.size();
    const std::string name = peek_name(item);
    const Context ctx{name.empty() ? "probe #" + std::to_string(index + 1)
                                   : "probe " + in_quotes(name),
                      "probes[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    Probe p;
    p.mark = mark(item);
    m_case.key_marks[ctx.path] = p.mark;
    const auto seen = walk(item, ctx, {"name", "at"}, [&](const std::string& k,
                                                          const YAML::Node& v) {
      if (k == "name") {
        if (auto s = text(v, k, ctx)) p.name = *s;
      } else if (auto x = vec3(v, Dimension::Length, k, ctx)) {
        p.position_m = *x;
      }
    });
    require(seen, {"name", "at"}, item, ctx);
    m_case.probes.push_back(p);
  }
}

void Parser::parse_solver(const YAML::Node& n) {
  const Context ctx{"solver", "solver"};
  walk(n, ctx, {"tolerance", "max_iterations"}, [&](const std::string& k, const YAML::Node& v) {
    if (k == "tolerance") {
      if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) m_case.solver.tolerance = *x;
    } else if (auto i = integer(v, k, ctx)) {
      m_case.solver.max_iterations = *i;
    }
  });
}

void Parser::parse_transient(const YAML::Node& n) {
  const Context ctx{"transient", "transient"};
  auto& t = m_case.transient;
  const auto seen = walk(
      n, ctx,
      {"end_time", "time_step", "scheme", "adaptive", "min_step", "max_step", "tolerance",
       "output_interval", "checkpoint_interval"},
      [&](const std::string& k, const YAML::Node& v) {
        double* time = k == "end_time"          ? &t.end_time_s
                       : k == "time_step"       ? &t.time_step_s
                       : k == "min_step"        ? &t.min_step_s
                       : k == "max_step"        ? &t.max_step_s
                       : k == "output_interval" ? &t.output_interval_s
                       : k == "checkpoint_interval" ? &t.checkpoint_interval_s
                                                : nullptr;
        if (time) {
          if (auto x = quantity(v, Dimension::Time, k, ctx)) *time = *x;
        } else if (k == "tolerance") {
          if (auto x = quantity(v, Dimension::TemperatureDifference, k, ctx)) t.tolerance_K = *x;
        } else if (k == "adaptive") {
          if (auto b = boolean(v, k, ctx)) t.adaptive = *b;
        } else if (k == "scheme") {
          const auto s = text(v, k, ctx);
          if (!s) return;
          if (*s == "bdf2") {
            t.scheme = TransientSettings::Scheme::BDF2;
          } else if (*s == "euler" || *s == "backward_euler") {
            t.scheme = TransientSettings::Scheme::BackwardEuler;
          } else {
            error(v, ctx.key_desc(k) + ": unknown scheme " + in_quotes(*s) + " (bdf2 or euler)" +
                         did_you_mean(*s, {"bdf2", "euler"}));
          }
        }
      });
  require(seen, {"end_time", "time_step"}, n, ctx);
  t.enabled = n.IsMap();
}

void Parser::parse_coolant_section(const YAML::Node& n) {
  const Context ctx{"coolant", "coolant"};
  CoolantCase c;
  const auto km = m_case.key_marks.find("coolant");
  if (km != m_case.key_marks.end()) c.mark = km->second;
  if (n.IsScalar()) {
    if (auto s = text(n, "coolant", Context{"", ""})) {
      c.fluid = *s;
      m_case.coolant = c;
    }
    return;
  }
  if (!n.IsMap()) {
    error(n, "\"coolant\" must be a fluid name like PG25 or a mapping like {fluid: PG25, "
             "material: coolant}, got " + describe(n));
    fail("coolant");
    return;
  }
  walk(n, ctx, {"fluid", "material", "constant_properties"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "fluid") {
           if (auto s = text(v, k, ctx)) c.fluid = *s;
         } else if (k == "material") {
           if (auto s = text(v, k, ctx)) c.material = *s;
         } else if (auto b = boolean(v, k, ctx)) {
           c.constant_properties = *b;
         }
       });
  m_case.coolant = c;
}

void Parser::parse_coldplate(const YAML::Node& n) {
  const Context ctx{"coldplate", "coldplate"};
  ColdPlateCase cp;
  const auto km = m_case.key_marks.find("coldplate");
  if (km != m_case.key_marks.end()) cp.mark = km->second;
  ColdPlateSpec& s = cp.spec;
  const auto length = [&](const YAML::Node& v, const std::string& k, const Context& c,
                          double& dst) {
    if (auto x = quantity(v, Dimension::Length, k, c)) dst = *x;
  };
  const auto pair = [&](const YAML::Node& v, const std::string& k, const Context& c,
                        std::array<double, 2>& dst) {
    if (auto x = quantities(v, 2, Dimension::Length, k, c, false)) dst = {(*x)[0], (*x)[1]};
  };
  const auto seen = walk(
      n, ctx,
      {"material", "footprint", "base", "base_thickness", "fins", "center", "wall_thickness",
       "plenum_length", "cover_thickness", "ports", "mesh", "flow_rate", "inlet_temperature",
       "outlet_pressure"},
      [&](const std::string& k, const YAML::Node& v) {
        if (k == "material") {
          if (auto t = text(v, k, ctx)) cp.material = *t;
        } else if (k == "footprint") {
          const Context fctx{"the footprint of the coldplate", "coldplate.footprint"};
          const auto fseen =
              walk(v, fctx, {"min", "max"}, [&](const std::string& k2, const YAML::Node& v2) {
                pair(v2, k2, fctx, k2 == "min" ? s.footprint_min_m : s.footprint_max_m);
              });
          require(fseen, {"min", "max"}, v, fctx);
        } else if (k == "base") {
          length(v, k, ctx, s.base_z_m);
        } else if (k == "base_thickness") {
          length(v, k, ctx, s.base_thickness_m);
        } else if (k == "fins") {
          parse_coldplate_fins(v, ctx, s);
        } else if (k == "center") {
          pair(v, k, ctx, s.center_m);
        } else if (k == "wall_thickness") {
          length(v, k, ctx, s.wall_thickness_m);
        } else if (k == "plenum_length") {
          length(v, k, ctx, s.plenum_length_m);
        } else if (k == "cover_thickness") {
          length(v, k, ctx, s.cover_thickness_m);
        } else if (k == "ports") {
          const Context pctx{"the ports of the coldplate", "coldplate.ports"};
          walk(v, pctx, {"layout", "length", "width"},
               [&](const std::string& k2, const YAML::Node& v2) {
                 if (k2 == "length") {
                   length(v2, k2, pctx, s.port_length_m);
                 } else if (k2 == "width") {
                   length(v2, k2, pctx, s.port_width_m);
                 } else if (auto t = text(v2, k2, pctx)) {
                   if (*t == "end_to_end") {
                     s.flow = ColdPlateSpec::Flow::EndToEnd;
                   } else if (*t == "center_inlet") {
                     s.flow = ColdPlateSpec::Flow::CenterInlet;
                   } else {
                     error(v2, pctx.key_desc(k2) + ": unknown port layout " + in_quotes(*t) +
                                   " (end_to_end or center_inlet)" +
                                   did_you_mean(*t, {"end_to_end", "center_inlet"}));
                     fail(pctx.key_path(k2));
                   }
                 }
               });
        } else if (k == "mesh") {
          const Context mctx{"the mesh of the coldplate", "coldplate.mesh"};
          walk(v, mctx,
               {"cells_across_channel", "cells_across_fin", "cells_over_fin_height",
                "max_cell_along_flow"},
               [&](const std::string& k2, const YAML::Node& v2) {
                 if (k2 == "max_cell_along_flow") {
                   length(v2, k2, mctx, s.max_cell_along_flow_m);
                 } else if (auto i = integer(v2, k2, mctx)) {
                   (k2 == "cells_across_channel" ? s.cells_across_channel
                    : k2 == "cells_across_fin"   ? s.cells_across_fin
                                                 : s.cells_over_fin_height) = *i;
                 }
               });
        } else if (k == "flow_rate") {
          if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) cp.flow_rate_m3_s = *x;
        } else if (k == "inlet_temperature") {
          if (auto x = quantity(v, Dimension::Temperature, k, ctx)) cp.inlet_temperature_K = *x;
        } else if (k == "outlet_pressure") {
          if (auto x = quantity(v, Dimension::Pressure, k, ctx)) cp.outlet_pressure_Pa = *x;
        }
      });
  require(seen, {"footprint", "base", "fins", "flow_rate", "inlet_temperature"}, n, ctx);
  if (n.IsMap()) m_case.coldplate = cp;
}

void Parser::parse_coldplate_fins(const YAML::Node& n, const Context& cp_ctx,
                                  ColdPlateSpec& s) {
  const Context ctx{"the fins of the " + cp_ctx.desc, cp_ctx.path + ".fins"};
  std::map<std::string, YAML::Node> values;
  const auto seen =
      walk(n, ctx, {"type", "thickness", "pitch", "height", "length", "region_width", "size"},
           [&](const std::string& k, const YAML::Node& v) { values.emplace(k, v); });
  require(seen, {"type"}, n, ctx);
  const auto length = [&](const char* k, double& dst) {
    if (!values.count(k)) return;
    if (auto x = quantity(values[k], Dimension::Length, k, ctx)) dst = *x;
  };
  length("height", s.fin_height_m);
  length("length", s.fin_length_m);
  length("region_width", s.fin_region_width_m);

  bool type_ok = false;
  if (values.count("type")) {
    if (auto t = text(values["type"], "type", ctx)) {
      type_ok = true;
      if (*t == "straight") {
        s.fins = ColdPlateSpec::Fins::Straight;
      } else if (*t == "pins") {
        s.fins = ColdPlateSpec::Fins::Pins;
      } else {
        type_ok = false;
        error(values["type"], ctx.key_desc("type") + ": unknown fin type " + in_quotes(*t) +
                                  " (straight or pins)" + did_you_mean(*t, {"straight", "pins"}));
        fail(ctx.key_path("type"));
      }
    }
  }
  if (!type_ok) {
    // What thickness, size and pitch mean depends on the type; nothing more to read.
    for (const char* k : {"thickness", "size", "pitch"})
      if (values.count(k)) fail(ctx.key_path(k));
    return;
  }
  const bool pins = s.fins == ColdPlateSpec::Fins::Pins;
  const char* other = pins ? "thickness" : "size";
  if (values.count(other)) {
    error(values[other], ctx.key_desc(other) + ": does not apply to " +
                             (pins ? "pins (they take size and pitch)"
                                   : "straight fins (they take thickness and pitch)"));
    fail(ctx.key_path(other));
  }
  if (pins) {
    length("size", s.pin_size_m);
    if (values.count("pitch")) {
      // [along x, along y]; one value for both.
      if (auto x = quantities(values["pitch"], 2, Dimension::Length, "pitch", ctx, true)) {
        s.pin_pitch_x_m = (*x)[0];
        s.pin_pitch_y_m = (*x)[1];
      }
    }
  } else {
    length("thickness", s.fin_thickness_m);
    length("pitch", s.fin_pitch_m);
  }
}

void Parser::parse_flow(const YAML::Node& n) {
  const Context ctx{"flow", "flow"};
  FlowCaseSettings& f = m_case.flow;
  std::optional<YAML::Node> inlets, outlets;
  walk(n, ctx,
       {"inlets", "outlets", "relaxation", "tolerance", "max_iterations",
        "max_coupling_iterations", "temperature_tolerance"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "inlets") {
           inlets.emplace(v);
         } else if (k == "outlets") {
           outlets.emplace(v);
         } else if (k == "relaxation") {
           if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) f.velocity_relaxation = *x;
         } else if (k == "tolerance") {
           if (auto x = quantity(v, Dimension::Dimensionless, k, ctx)) f.tolerance = *x;
         } else if (k == "temperature_tolerance") {
           if (auto x = quantity(v, Dimension::TemperatureDifference, k, ctx))
             f.temperature_tolerance_K = *x;
         } else if (auto i = integer(v, k, ctx)) {
           (k == "max_iterations" ? f.max_iterations : f.max_coupling_iterations) = *i;
         }
       });
  // Inlets first, then outlets, whatever the file order: Case::ports keeps that order.
  if (inlets) parse_ports(*inlets, FlowPort::Kind::Inlet);
  if (outlets) parse_ports(*outlets, FlowPort::Kind::Outlet);
}

void Parser::parse_ports(const YAML::Node& n, FlowPort::Kind kind) {
  const bool inlet = kind == FlowPort::Kind::Inlet;
  const std::string noun = inlet ? "inlet" : "outlet";
  const std::string list = "flow." + noun + "s";
  if (!expect_list(n, list,
                   inlet ? " of inlets (each like \"- {name: in, face: zmax, flow_rate: 1 L/min, "
                           "temperature: 40 degC}\")"
                         : " of outlets (each like \"- {name: out, face: zmax, pressure: 0 Pa}\")"))
    return;
  std::size_t index = 0;  // among the ports of this kind
  for (const auto& item : n) {
    const std::string name = peek_name(item);
    const Context ctx{name.empty() ? noun + " #" + std::to_string(index + 1)
                                   : noun + " " + in_quotes(name),
                      list + "[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      // A port is missing: check_case() must not also call the list empty. "[?]" is no real
      // port's path, so the ports that were read are still checked.
      fail(list + "[?]");
      continue;
    }
    FlowPort p;
    p.kind = kind;
    p.name = noun + "_" + std::to_string(index + 1);
    p.mark = mark(item);
    m_case.key_marks[ctx.path] = p.mark;
    const std::vector<std::string> keys =
        inlet ? std::vector<std::string>{"name", "face", "region", "flow_rate", "temperature"}
              : std::vector<std::string>{"name", "face", "region", "pressure"};
    const auto seen = walk(item, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
      if (k == "name") {
        if (auto t = text(v, k, ctx)) p.name = *t;
      } else if (k == "face") {
        parse_face(v, ctx, p.face);
      } else if (k == "region") {
        parse_region(v, ctx, p.has_region, p.region_min_m, p.region_max_m);
      } else if (k == "flow_rate") {
        if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) p.flow_rate_m3_s = *x;
      } else if (k == "temperature") {
        if (auto x = quantity(v, Dimension::Temperature, k, ctx)) p.temperature_K = *x;
      } else if (k == "pressure") {
        if (auto x = quantity(v, Dimension::Pressure, k, ctx)) p.pressure_Pa = *x;
      }
    });
    require(seen,
            inlet ? std::vector<std::string>{"face", "flow_rate", "temperature"}
                  : std::vector<std::string>{"face"},
            item, ctx);
    m_case.ports.push_back(p);
    ++index;
  }
}

// ---- GPUs and workloads -----------------------------------------------------------------------

/// A GpuModel field as written in case files: key, dimension, member, and the SI value of the
/// member's unit (clocks are kept in MHz: 1e6 Hz). Dividing by an exact power of ten keeps the
/// resolved case's round trip exact.
struct GpuField {
  const char* key;
  Dimension dim;
  double GpuModel::*member;
  double si_per_unit;
};

const std::vector<GpuField>& gpu_fields() {
  static const std::vector<GpuField> fields{
      {"power_limit", Dimension::Power, &GpuModel::power_limit_W, 1},
      {"min_power_limit", Dimension::Power, &GpuModel::min_power_limit_W, 1},
      {"max_power_limit", Dimension::Power, &GpuModel::max_power_limit_W, 1},
      {"min_clock", Dimension::Frequency, &GpuModel::min_clock_MHz, 1e6},
      {"max_clock", Dimension::Frequency, &GpuModel::max_clock_MHz, 1e6},
      {"voltage_knee", Dimension::Frequency, &GpuModel::voltage_knee_MHz, 1e6},
      {"voltage_floor", Dimension::Dimensionless, &GpuModel::voltage_floor, 1},
      {"idle_power", Dimension::Power, &GpuModel::idle_power_W, 1},
      {"leakage_power", Dimension::Power, &GpuModel::leakage_W, 1},
      {"leakage_reference_temperature", Dimension::Temperature, &GpuModel::leakage_reference_K, 1},
      {"leakage_growth", Dimension::InverseTemperature, &GpuModel::leakage_growth_per_K, 1},
      {"dynamic_power", Dimension::Power, &GpuModel::dynamic_power_W, 1},
      {"hbm_power_fraction", Dimension::Dimensionless, &GpuModel::hbm_power_fraction, 1},
      {"slowdown_temperature", Dimension::Temperature, &GpuModel::slowdown_K, 1},
      {"hw_slowdown_temperature", Dimension::Temperature, &GpuModel::hw_slowdown_K, 1},
      {"shutdown_temperature", Dimension::Temperature, &GpuModel::shutdown_K, 1},
      {"max_operating_temperature", Dimension::Temperature, &GpuModel::max_operating_K, 1},
      {"memory_max_temperature", Dimension::Temperature, &GpuModel::memory_max_K, 1},
      {"hysteresis", Dimension::TemperatureDifference, &GpuModel::hysteresis_K, 1},
      {"thermal_clock_step", Dimension::Frequency, &GpuModel::thermal_clock_step_MHz, 1e6},
      {"training_tokens_per_s", Dimension::Dimensionless, &GpuModel::training_tokens_per_s, 1},
      {"prefill_tokens_per_s", Dimension::Dimensionless, &GpuModel::prefill_tokens_per_s, 1},
      {"decode_tokens_per_s", Dimension::Dimensionless, &GpuModel::decode_tokens_per_s, 1},
  };
  return fields;
}

std::vector<std::string> catalogue_names() {
  std::vector<std::string> names;
  for (const auto& m : gpu_catalogue()) names.push_back(m.name);
  return names;
}

void Parser::parse_gpu_models(const YAML::Node& n) {
  if (!n.IsMap()) {
    error(n, "\"gpu_models\" must be a mapping from model names to overrides "
             "(H100-SXM5: {power_limit: 650 W}), got " + describe(n));
    fail("gpu_models");
    return;
  }
  std::vector<std::string> keys{"base"};
  for (const auto& f : gpu_fields()) keys.push_back(f.key);
  for (const auto& kv : n) {
    if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
      error(kv.first, "GPU model names must be plain words, got " + describe(kv.first));
      continue;
    }
    const std::string name = kv.first.Scalar();
    const Context ctx{"GPU model " + in_quotes(name),
                      "gpu_models[" + std::to_string(m_case.gpu_models.size()) + "]"};
    m_case.key_marks[ctx.path] = mark(kv.first);
    std::string base = find_gpu_model(name) ? name : "H100-SXM5";
    std::map<std::string, double> given;
    walk(kv.second, ctx, keys, [&](const std::string& k, const YAML::Node& v) {
      if (k == "base") {
        if (auto b = text(v, k, ctx)) {
          if (find_gpu_model(*b)) base = *b;
          else
            error(v, ctx.key_desc(k) + ": unknown GPU model " + in_quotes(*b) + " (known: " +
                         join(catalogue_names()) + ")" + did_you_mean(*b, catalogue_names()));
        }
        return;
      }
      for (const auto& f : gpu_fields())
        if (k == f.key)
          if (auto x = quantity(v, f.dim, k, ctx)) given[k] = *x / f.si_per_unit;
    });
    GpuModel m = *find_gpu_model(base);
    m.name = name;
    for (const auto& f : gpu_fields())
      if (given.count(f.key)) m.*f.member = given[f.key];
    // A changed power limit, idle or leakage keeps the calibration (full activity at the
    // leakage reference temperature sits at the limit at max clock) unless dynamic_power is given.
    if (!given.count("dynamic_power"))
      m.dynamic_power_W = m.power_limit_W - m.idle_power_W - m.leakage_W;
    m_case.gpu_models.push_back(m);
  }
}

void Parser::parse_gpus(const YAML::Node& n) {
  const Context ctx{"gpus", "gpus"};
  GpuCase g;
  g.mark = mark(n);
  int count = 0;
  double power_limit = 0;
  YAML::Node instances;
  bool has_instances = false;
  walk(n, ctx,
       {"model", "count", "instances", "die_source", "hbm_material", "power_limit",
        "control_interval"},
       [&](const std::string& k, const YAML::Node& v) {
         if (k == "model") {
           if (auto s = text(v, k, ctx)) g.model = *s;
         } else if (k == "count") {
           if (auto i = integer(v, k, ctx)) count = *i;
         } else if (k == "instances") {
           instances.reset(v);
           has_instances = true;
         } else if (k == "die_source") {
           if (auto s = text(v, k, ctx)) g.die_source = *s;
         } else if (k == "hbm_material") {
           if (auto s = text(v, k, ctx, true)) g.hbm_material = *s;
         } else if (k == "power_limit") {
           if (auto x = quantity(v, Dimension::Power, k, ctx)) power_limit = *x;
         } else if (auto x = quantity(v, Dimension::Time, k, ctx)) {
           g.control_interval_s = *x;
         }
       });
  if (count < 0 || count > 4096) {
    error(n, "\"count\" in gpus must be between 1 and 4096, got " + std::to_string(count));
    count = 0;
  }
  for (int i = 0; i < count; ++i) {
    GpuInstance gi;
    gi.name = "gpu" + std::to_string(i);
    gi.power_limit_W = power_limit;
    gi.mark = g.mark;
    g.instances.push_back(gi);
  }
  if (has_instances) parse_gpu_instances(instances, ctx, g);
  if (g.instances.empty()) {
    error(n, "gpus needs \"count\" or \"instances\" (at least one GPU)");
    fail("gpus");
  }
  for (auto& gi : g.instances)
    if (gi.power_limit_W == 0) gi.power_limit_W = power_limit;
  m_case.gpus = g;
}

void Parser::parse_gpu_instances(const YAML::Node& n, const Context& gctx, GpuCase& g) {
  if (!expect_list(n, "instances", " of GPUs (each like \"- {name: gpu7, inlet_temperature: "
                                   "50 degC}\")"))
    return;
  const bool counted = !g.instances.empty();
  for (const auto& item : n) {
    const std::string name = peek_name(item);
    const std::size_t index = g.instances.size();
    const Context ctx{name.empty() ? "GPU instance" : "GPU " + in_quotes(name),
                      gctx.path + ".instances[" + std::to_string(index) + "]"};
    if (!item.IsMap()) {
      error(item, "expected a mapping for " + ctx.desc + ", got " + describe(item));
      continue;
    }
    GpuInstance gi;
    gi.mark = mark(item);
    walk(item, ctx, {"name", "power_limit", "inlet_temperature", "flow_rate"},
         [&](const std::string& k, const YAML::Node& v) {
           if (k == "name") {
             if (auto s = text(v, k, ctx)) gi.name = *s;
           } else if (k == "power_limit") {
             if (auto x = quantity(v, Dimension::Power, k, ctx)) gi.power_limit_W = *x;
           } else if (k == "inlet_temperature") {
             if (auto x = quantity(v, Dimension::Temperature, k, ctx)) gi.inlet_temperature_K = *x;
           } else if (auto x = quantity(v, Dimension::VolumeFlowRate, k, ctx)) {
             gi.flow_rate_m3_s = *x;
           }
         });
    if (gi.name.empty()) gi.name = "gpu" + std::to_string(index);
    auto same = std::find_if(g.instances.begin(), g.instances.end(),
                             [&](const GpuInstance& o) { return o.name == gi.name; });
    if (same != g.instances.end() && counted) {
      *same = gi;  // an override of one of the counted GPUs
      m_case.key_marks["gpus.instances[" + std::to_string(same - g.instances.begin()) + "]"] = gi.mark;
    } else if (same != g.instances.end()) {
      error(item, "duplicate GPU name " + in_quotes(gi.name));
    } else if (counted) {
      error(item, ctx.desc + " is not one of gpu0 .. gpu" + std::to_string(g.instances.size() - 1) +
                      " (with \"count\", instances override GPUs by name)");
    } else {
      m_case.key_marks["gpus.instances[" + std::to_string(index) + "]"] = gi.mark;
      g.instances.push_back(gi);
    }
  }
}

void Parser::parse_workload(const YAML::Node& n) {
  const Context ctx{"workload", "workload"};
  WorkloadCase& w = m_case.workload;
  w.mark = mark(n);
  struct Key {
    const char* key;
    Dimension dim;
    double WorkloadCase::*member;
  };
  static const std::vector<Key> numbers{
      {"activity", Dimension::Dimensionless, &WorkloadCase::activity},
      {"memory_bound_fraction", Dimension::Dimensionless, &WorkloadCase::memory_bound_fraction},
      {"tokens_per_s", Dimension::Dimensionless, &WorkloadCase::tokens_per_s},
      {"iteration_time", Dimension::Time, &WorkloadCase::iteration_time_s},
      {"compute_fraction", Dimension::Dimensionless, &WorkloadCase::compute_fraction},
      {"compute_activity", Dimension::Dimensionless, &WorkloadCase::compute_activity},
      {"communication_activity", Dimension::Dimensionless, &WorkloadCase::communication_activity},
      {"checkpoint_duration", Dimension::Time, &WorkloadCase::checkpoint_duration_s},
      {"prefill_fraction", Dimension::Dimensionless, &WorkloadCase::prefill_fraction},
      {"cycle_time", Dimension::Time, &WorkloadCase::cycle_time_s},
      {"prefill_activity", Dimension::Dimensionless, &WorkloadCase::prefill_activity},
      {"decode_activity", Dimension::Dimensionless, &WorkloadCase::decode_activity},
      {"prefill_tokens_per_s", Dimension::Dimensionless, &WorkloadCase::prefill_tokens_per_s},
      {"decode_tokens_per_s", Dimension::Dimensionless, &WorkloadCase::decode_tokens_per_s},
  };
  std::vector<std::string> allowed{"type", "checkpoint_every", "file"};
  for (const auto& k : numbers) allowed.push_back(k.key);
  const std::vector<std::string> types{"constant", "training", "inference", "trace"};
  walk(n, ctx, allowed, [&](const std::string& k, const YAML::Node& v) {
    if (k == "type") {
      const auto s = text(v, k, ctx);
      if (!s) return;
      if (std::find(types.begin(), types.end(), *s) == types.end())
        error(v, ctx.key_desc(k) + ": unknown workload " + in_quotes(*s) + " (" + join(types) +
                     ")" + did_you_mean(*s, types));
      else w.type = *s;
    } else if (k == "checkpoint_every") {
      if (auto i = integer(v, k, ctx)) w.checkpoint_every = *i;
    } else if (k == "file") {
      if (auto s = text(v, k, ctx)) {
        std::filesystem::path p(*s);
        if (p.is_relative()) p = std::filesystem::path(m_file).parent_path() / p;
        w.trace_file = p.string();
      }
    } else {
      for (const auto& nk : numbers)
        if (k == nk.key)
          if (auto x = quantity(v, nk.dim, k, ctx)) w.*nk.member = *x;
    }
  });
}

void Parser::add_coolant_material() {
  if (!m_case.coolant) return;
  const CoolantCase& cc = *m_case.coolant;
  const int existing = m_case.material_index(cc.material);
  if (existing >= 0) {
    const Material& m = m_case.materials[static_cast<std::size_t>(existing)];
    m_diags.push_back(
        {m_file, m.mark.line, m.mark.column,
         "material " + in_quotes(cc.material) + " is the coolant's material, whose properties "
         "come from the coolant (" + in_quotes(cc.fluid) + "): remove it from \"materials\", or "
         "give the coolant's cells another name with coolant: {fluid: ..., material: NAME}"});
    fail("materials[" + std::to_string(existing) + "]");
    return;
  }
  Material m;
  m.name = cc.material;
  m.mark = cc.mark;
  const std::string path = "materials[" + std::to_string(m_case.materials.size()) + "]";
  m_case.key_marks[path] = cc.mark;
  // The energy equation's coolant properties are taken at the inlet temperature.
  double T = m_case.initial_temperature_K;
  const auto inlet = std::find_if(m_case.ports.begin(), m_case.ports.end(), [](const FlowPort& p) {
    return p.kind == FlowPort::Kind::Inlet;
  });
  if (inlet != m_case.ports.end()) T = inlet->temperature_K;
  else if (m_case.coldplate) T = m_case.coldplate->inlet_temperature_K;
  try {
    const CoolantProperties props = make_coolant(parse_coolant(cc.fluid));
    // An out-of-range temperature is check_case()'s to report; clamped, the material stays
    // physical meanwhile.
    const double t = std::isfinite(T) ? std::clamp(T, props.t_min_K, props.t_max_K) : props.t_min_K;
    const double k = props.conductivity(t);
    m.conductivity_W_mK = {k, k, k};
    m.density_kg_m3 = props.density(t);
    m.specific_heat_J_kgK = props.specific_heat(t);
  } catch (const CoolantError&) {
    fail(path);  // check_case() reports the coolant itself
  }
  m_case.materials.push_back(m);
}

// ---- checks ---------------------------------------------------------------------------------

/// Reports problems at the place a key was written: the key's own mark when the parser
/// recorded one, else the mark of the thing it belongs to, else just the file.
class Checker {
 public:
  Checker(const Case& c, std::vector<Diagnostic>& diags) : m_case(c), m_diags(diags) {}

  /// Whether the parser already reported the value at path, or something containing it
  /// ("sources[0]" contains "sources[0].power"; "" contains everything).
  bool failed(std::string path) const {
    for (;;) {
      if (m_case.key_marks.count("!" + path)) return true;
      if (path.empty()) return false;
      const auto cut = path.find_last_of(".[");
      path = cut == std::string::npos ? std::string() : path.substr(0, cut);
    }
  }

  /// Whether the parser reported anything at path or inside it ("coldplate.fins.pitch" is
  /// inside "coldplate"), or anything containing it.
  bool failed_under(const std::string& path) const {
    if (failed(path)) return true;
    const std::string bang = "!" + path;
    for (auto it = m_case.key_marks.lower_bound(bang);
         it != m_case.key_marks.end() && it->first.rfind(bang, 0) == 0; ++it) {
      const char next = it->first.size() > bang.size() ? it->first[bang.size()] : '.';
      if (next == '.' || next == '[') return true;
    }
    return false;
  }

  void report(const std::string& path, const SourceMark& fallback, const std::string& message) {
    if (failed(path)) return;  // its default value says nothing about the user's input
    const auto it = m_case.key_marks.find(path);
    const SourceMark* m = it != m_case.key_marks.end() ? &it->second : &fallback;
    if (m->line <= 0) {
      // A parent path ("boxes[0]" for "boxes[0].min") is better than nothing.
      std::string p = path;
      while (m->line <= 0) {
        const auto cut = p.find_last_of('.');
        if (cut == std::string::npos) break;
        p = p.substr(0, cut);
        const auto up = m_case.key_marks.find(p);
        if (up != m_case.key_marks.end()) m = &up->second;
      }
    }
    const std::string& file = m->file.empty() ? m_case.file : m->file;
    // A missing top-level key has no line of its own: point at the start of the document.
    if (m->line <= 0) m_diags.push_back({file, 1, 1, message});
    else m_diags.push_back({file, m->line, m->column, message});
  }
  void report(const std::string& path, const std::string& message) {
    report(path, SourceMark{}, message);
  }

  void run();

 private:
  struct Extent {
    std::array<double, 3> lo{}, hi{};
  };

  void check_materials();
  void check_boxes();
  void check_domain();
  void check_sources();
  void check_boundaries();
  void check_contacts();
  void check_probes();
  void check_settings();
  void check_coolant();
  void check_coldplate();
  void check_flow();
  void check_gpu_models();
  void check_gpus();
  void check_workload();
  /// A region on face (BoundaryCondition and FlowPort regions): min < max along both
  /// tangential axes, inside the face. path is the owner's ("boundaries[0]").
  void check_region(const std::string& path, const SourceMark& mark, const std::string& who,
                    Face face, const std::array<double, 2>& lo, const std::array<double, 2>& hi);
  /// The longest prefix of path (cut at '.' or '[') that key_marks knows, else path.
  std::string nearest_marked(const std::string& path) const;
  void check_material_ref(const std::string& name, const std::string& path,
                          const SourceMark& fallback, const std::string& who);

  bool inside(const std::array<double, 3>& lo, const std::array<double, 3>& hi) const {
    for (int d = 0; d < 3; ++d) {
      const double tol = 1e-9 * (m_domain.hi[d] - m_domain.lo[d]);
      if (!(lo[d] >= m_domain.lo[d] - tol && hi[d] <= m_domain.hi[d] + tol)) return false;
    }
    return true;
  }

  const Case& m_case;
  std::vector<Diagnostic>& m_diags;
  std::vector<std::string> m_material_names;
  bool m_has_domain = false;  // whether m_domain is a valid, non-empty box
  Extent m_domain;
  std::optional<CoolantProperties> m_coolant;  // when the coolant is valid
  std::optional<ColdPlateLayout> m_plate;      // when the coldplate is valid
  std::optional<Extent> m_plate_extent;        // m_plate's outer box
};

bool finite3(const std::array<double, 3>& a) {
  return std::isfinite(a[0]) && std::isfinite(a[1]) && std::isfinite(a[2]);
}

bool ordered3(const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  return finite3(lo) && finite3(hi) && lo[0] < hi[0] && lo[1] < hi[1] && lo[2] < hi[2];
}

std::string vec_text(const std::array<double, 3>& a, const char* unit) {
  return "[" + num(a[0]) + ", " + num(a[1]) + ", " + num(a[2]) + "] " + unit;
}

/// The first axis along which lo < hi fails, as "x", "y" or "z".
std::string bad_axis(const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  for (int d = 0; d < 3; ++d)
    if (!(lo[d] < hi[d])) return std::string(1, "xyz"[d]);
  return "?";
}

void Checker::run() {
  check_materials();
  check_coolant();
  check_coldplate();  // before check_domain: the plate is part of the natural domain
  check_domain();
  check_boxes();
  check_sources();
  check_boundaries();
  check_contacts();
  check_probes();
  check_settings();
  check_flow();
  check_gpus();
}

void Checker::check_gpu_models() {
  for (std::size_t i = 0; i < m_case.gpu_models.size(); ++i) {
    const GpuModel& m = m_case.gpu_models[i];
    const std::string path = "gpu_models[" + std::to_string(i) + "]";
    const std::string who = "GPU model " + in_quotes(m.name);
    for (const auto& f : gpu_fields()) {
      const double v = m.*f.member;
      const bool may_be_zero = f.dim == Dimension::Dimensionless || f.dim == Dimension::InverseTemperature ||
                               std::string(f.key) == "leakage_power" || std::string(f.key) == "idle_power";
      if (!(std::isfinite(v) && (v > 0 || (may_be_zero && v >= 0))))
        report(path + "." + f.key, who + ": " + f.key + " must be " +
                                       (may_be_zero ? "non-negative" : "positive") +
                                       " and finite, got " + num(v));
    }
    if (!(m.min_clock_MHz < m.max_clock_MHz))
      report(path + ".min_clock", who + ": min_clock must be below max_clock");
    if (!(m.voltage_floor > 0 && m.voltage_floor <= 1))
      report(path + ".voltage_floor", who + ": voltage_floor must lie in (0, 1], got " +
                                          num(m.voltage_floor));
    if (!(m.hbm_power_fraction < 1))
      report(path + ".hbm_power_fraction", who + ": hbm_power_fraction must be below 1");
    if (!(m.slowdown_K < m.hw_slowdown_K && m.hw_slowdown_K < m.shutdown_K))
      report(path + ".slowdown_temperature",
             who + ": expected slowdown < hw_slowdown < shutdown temperature, got " +
                 num(m.slowdown_K) + " K, " + num(m.hw_slowdown_K) + " K, " +
                 num(m.shutdown_K) + " K");
    if (!(m.min_power_limit_W <= m.power_limit_W && m.power_limit_W <= m.max_power_limit_W))
      report(path + ".power_limit", who + ": power_limit " + num(m.power_limit_W) +
                                        " W is outside min_power_limit .. max_power_limit (" +
                                        num(m.min_power_limit_W) + " .. " +
                                        num(m.max_power_limit_W) + " W)");
    if (!(m.dynamic_power_W > 0))
      report(path, who + ": idle_power + leakage_power leave no dynamic power under the power "
                         "limit (dynamic_power " + num(m.dynamic_power_W) + " W)");
  }
}

void Checker::check_gpus() {
  check_gpu_models();
  if (!m_case.gpus) return;
  const GpuCase& g = *m_case.gpus;
  const GpuModel* model = m_case.gpu_model();
  if (!model)
    report("gpus.model", "gpus: unknown GPU model " + in_quotes(g.model) + " (known: " +
                             join(catalogue_names()) + ", or define it under gpu_models)" +
                             did_you_mean(g.model, catalogue_names()));
  for (std::size_t i = 0; i < g.instances.size(); ++i) {
    const GpuInstance& gi = g.instances[i];
    const std::string path = "gpus.instances[" + std::to_string(i) + "]";
    const std::string who = "GPU " + in_quotes(gi.name);
    if (model && gi.power_limit_W != 0 &&
        !(gi.power_limit_W >= model->min_power_limit_W &&
          gi.power_limit_W <= model->max_power_limit_W))
      report(m_case.key_marks.count(path) ? path : "gpus.power_limit",
             who + ": power limit " + num(gi.power_limit_W) + " W is outside the " + model->name +
                 "'s range " + num(model->min_power_limit_W) + " .. " +
                 num(model->max_power_limit_W) + " W");
    if ((gi.inlet_temperature_K != 0 || gi.flow_rate_m3_s != 0) && !m_case.has_flow())
      report(path, who + ": inlet_temperature and flow_rate need a coolant flow (coolant and "
                         "coldplate or flow inlets)");
    if (gi.inlet_temperature_K < 0 || gi.flow_rate_m3_s < 0 || !std::isfinite(gi.flow_rate_m3_s))
      report(path, who + ": inlet_temperature and flow_rate must be positive");
  }
  if (!(g.control_interval_s > 0 && std::isfinite(g.control_interval_s)))
    report("gpus.control_interval", "gpus: control_interval must be positive, got " +
                                        num(g.control_interval_s) + " s");
  const bool named = !g.die_source.empty();
  const bool found = std::any_of(m_case.sources.begin(), m_case.sources.end(),
                                 [&](const HeatSource& s) { return s.name == g.die_source; });
  if (named && !found) {
    std::vector<std::string> names;
    for (const auto& s : m_case.sources) names.push_back(s.name);
    report("gpus.die_source", "gpus: die_source " + in_quotes(g.die_source) +
                                  " is not one of the sources" + did_you_mean(g.die_source, names));
  } else if (!named && m_case.sources.size() != 1) {
    report("gpus", "gpus: name the heat source that carries the die power (die_source); the "
                   "case has " + std::to_string(m_case.sources.size()) + " sources");
  }
  if (m_case.key_marks.count("gpus.hbm_material") && !g.hbm_material.empty())
    check_material_ref(g.hbm_material, "gpus.hbm_material", SourceMark{}, "gpus: hbm_material");
  const TransientSettings& t = m_case.transient;
  if (t.enabled && t.adaptive)
    report("transient.adaptive", "transient: adaptive steps are not available with gpus (the "
                                 "governor acts every control_interval); use a fixed time_step");
  if (t.enabled && t.time_step_s > 0 && g.control_interval_s > 0) {
    const double ratio = g.control_interval_s / t.time_step_s;
    if (!(ratio >= 1 - 1e-9 && std::abs(ratio - std::round(ratio)) < 1e-9 * ratio))
      report("transient.time_step", "transient: with gpus, time_step (" + num(t.time_step_s) +
                                        " s) must divide the control_interval (" +
                                        num(g.control_interval_s) + " s) a whole number of times");
  }
  check_workload();
}

void Checker::check_workload() {
  const WorkloadCase& w = m_case.workload;
  const auto fraction = [&](double v, const char* key) {
    if (!(v > 0 && v <= 1))
      report(std::string("workload.") + key, std::string("workload: ") + key +
                                                 " must lie in (0, 1], got " + num(v));
  };
  const auto activity = [&](double v, const char* key) {
    if (!(v >= 0 && v <= 2))
      report(std::string("workload.") + key, std::string("workload: ") + key +
                                                 " must lie in [0, 2], got " + num(v));
  };
  const auto positive = [&](double v, const char* key) {
    if (!(v > 0 && std::isfinite(v)))
      report(std::string("workload.") + key, std::string("workload: ") + key +
                                                 " must be positive, got " + num(v));
  };
  const auto non_negative = [&](double v, const char* key) {
    if (!(v >= 0 && std::isfinite(v)))
      report(std::string("workload.") + key, std::string("workload: ") + key +
                                                 " must not be negative, got " + num(v));
  };
  activity(w.activity, "activity");
  activity(w.compute_activity, "compute_activity");
  activity(w.communication_activity, "communication_activity");
  activity(w.prefill_activity, "prefill_activity");
  activity(w.decode_activity, "decode_activity");
  if (!(w.memory_bound_fraction >= 0 && w.memory_bound_fraction <= 1))
    report("workload.memory_bound_fraction", "workload: memory_bound_fraction must lie in [0, 1]");
  fraction(w.compute_fraction, "compute_fraction");
  fraction(w.prefill_fraction, "prefill_fraction");
  positive(w.iteration_time_s, "iteration_time");
  positive(w.cycle_time_s, "cycle_time");
  positive(w.checkpoint_duration_s, "checkpoint_duration");
  non_negative(w.tokens_per_s, "tokens_per_s");
  non_negative(w.prefill_tokens_per_s, "prefill_tokens_per_s");
  non_negative(w.decode_tokens_per_s, "decode_tokens_per_s");
  if (w.checkpoint_every < 0)
    report("workload.checkpoint_every", "workload: checkpoint_every must not be negative");
  if (w.type == "trace") {
    std::error_code ec;
    if (w.trace_file.empty())
      report("workload.type", "workload: a trace needs \"file\" (a CSV of time_s, gpu, activity, phase)");
    else if (!std::filesystem::is_regular_file(w.trace_file, ec))
      report("workload.file", "workload: trace file " + in_quotes(w.trace_file) + " not found");
  }
}

std::string Checker::nearest_marked(const std::string& path) const {
  std::string p = path;
  while (!p.empty()) {
    if (m_case.key_marks.count(p)) return p;
    const auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p = p.substr(0, cut);
  }
  return path;
}

void Checker::check_material_ref(const std::string& name, const std::string& path,
                                 const SourceMark& fallback, const std::string& who) {
  if (std::find(m_material_names.begin(), m_material_names.end(), name) != m_material_names.end())
    return;
  report(path, fallback,
         who + ": unknown material " + in_quotes(name) + did_you_mean(name, m_material_names) +
             (m_material_names.empty() ? " (no materials are defined)"
                                       : " (defined: " + join(m_material_names) + ")"));
}

void Checker::check_materials() {
  if (m_case.materials.empty())
    report("materials", "the case defines no materials; add at least one under \"materials\"");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.materials.size(); ++i) {
    const Material& m = m_case.materials[i];
    const std::string path = "materials[" + std::to_string(i) + "]";
    const std::string who = "material " + in_quotes(m.name);
    m_material_names.push_back(m.name);
    if (!printable_name(m.name))
      report(path, m.mark, who + ": names must be non-empty printable UTF-8 text");
    if (!seen.insert(m.name).second)
      report(path, m.mark, "duplicate material " + in_quotes(m.name));
    for (double k : m.conductivity_W_mK) {
      if (!(k > 0 && std::isfinite(k))) {
        report(path + ".conductivity", m.mark,
               who + ": conductivity must be positive and finite, got " +
                   vec_text(m.conductivity_W_mK, "W/m/K"));
        break;
      }
    }
    if (!(m.density_kg_m3 > 0 && std::isfinite(m.density_kg_m3)))
      report(path + ".density", m.mark,
             who + ": density must be positive and finite, got " + num(m.density_kg_m3) +
                 " kg/m^3");
    if (!(m.specific_heat_J_kgK > 0 && std::isfinite(m.specific_heat_J_kgK)))
      report(path + ".specific_heat", m.mark,
             who + ": specific_heat must be positive and finite, got " +
                 num(m.specific_heat_J_kgK) + " J/kg/K");
  }
}

void Checker::check_domain() {
  if (m_case.domain) {
    const DomainSpec& d = *m_case.domain;
    if (failed("domain.min") || failed("domain.max")) {
      // Unknown extent: skip every check that needs the domain.
    } else if (!ordered3(d.min_m, d.max_m)) {
      report("domain.max", d.mark,
             "domain: min must be less than max along every axis (not along " +
                 bad_axis(d.min_m, d.max_m) + "): min " + vec_text(d.min_m, "m") + ", max " +
                 vec_text(d.max_m, "m"));
    } else {
      m_has_domain = true;
      m_domain = {d.min_m, d.max_m};
    }
    if (!d.background_material.empty())
      check_material_ref(d.background_material, "domain.background", d.mark, "domain background");
    return;
  }
  // No explicit domain: the bounding box of every well-formed box and of the cold plate.
  bool any = false;
  const auto extend = [&](const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
    if (!ordered3(lo, hi)) return;
    for (int a = 0; a < 3; ++a) {
      m_domain.lo[a] = any ? std::min(m_domain.lo[a], lo[a]) : lo[a];
      m_domain.hi[a] = any ? std::max(m_domain.hi[a], hi[a]) : hi[a];
    }
    any = true;
  };
  for (const auto& b : m_case.boxes) extend(b.min_m, b.max_m);
  if (m_plate_extent) extend(m_plate_extent->lo, m_plate_extent->hi);
  m_has_domain = any;
}

void Checker::check_boxes() {
  if (m_case.boxes.empty() && !m_case.coldplate)
    report("boxes", "the case defines no boxes; add at least one under \"boxes\"");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.boxes.size(); ++i) {
    const BoxSpec& b = m_case.boxes[i];
    const std::string path = "boxes[" + std::to_string(i) + "]";
    const std::string who = "box " + in_quotes(b.name);
    if (!printable_name(b.name))
      report(path + ".name", b.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(b.name).second)
      report(path + ".name", b.mark, "duplicate box name " + in_quotes(b.name));
    check_material_ref(b.material, path + ".material", b.mark, who);
    if (failed(path + ".min") || failed(path + ".max")) {
      // Already reported by the parser.
    } else if (!ordered3(b.min_m, b.max_m)) {
      report(path + ".max", b.mark,
             who + ": min must be less than max along every axis (not along " +
                 bad_axis(b.min_m, b.max_m) + "): min " + vec_text(b.min_m, "m") + ", max " +
                 vec_text(b.max_m, "m"));
    } else if (m_case.domain && m_has_domain && !inside(b.min_m, b.max_m)) {
      report(path + ".max", b.mark,
             who + " [" + vec_text(b.min_m, "m") + " .. " + vec_text(b.max_m, "m") +
                 "] reaches outside the domain [" + vec_text(m_domain.lo, "m") + " .. " +
                 vec_text(m_domain.hi, "m") + "]");
    }
    for (double h : b.cell_size_m) {
      if (!(h >= 0 && std::isfinite(h))) {
        report(path + ".cell_size", b.mark,
               who + ": cell_size must be positive and finite, got " +
                   vec_text(b.cell_size_m, "m"));
        break;
      }
    }
  }
}

void Checker::check_sources() {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.sources.size(); ++i) {
    const HeatSource& s = m_case.sources[i];
    const std::string path = "sources[" + std::to_string(i) + "]";
    const std::string who = "source " + in_quotes(s.name);
    if (!printable_name(s.name))
      report(path + ".name", s.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(s.name).second)
      report(path + ".name", s.mark, "duplicate source name " + in_quotes(s.name));
    const bool total = s.kind == HeatSource::Kind::TotalPower;
    const std::string value_key = total ? "power" : "power_density";
    if (!(s.value >= 0 && std::isfinite(s.value)))
      report(path + "." + value_key, s.mark,
             who + ": " + value_key + " must be zero or positive and finite, got " +
                 num(s.value) + (total ? " W" : " W/m^3"));
    const std::string where_path = m_case.key_marks.count(path + ".box") ? path + ".box"
                                                                          : path + ".max";
    if (failed(path + ".min") || failed(path + ".max") || failed(path + ".box")) {
      // Already reported by the parser.
    } else if (!ordered3(s.min_m, s.max_m)) {
      report(where_path, s.mark,
             who + ": min must be less than max along every axis (not along " +
                 bad_axis(s.min_m, s.max_m) + "): min " + vec_text(s.min_m, "m") + ", max " +
                 vec_text(s.max_m, "m"));
    } else if (m_has_domain) {
      if (!inside(s.min_m, s.max_m))
        report(where_path, s.mark,
               who + " [" + vec_text(s.min_m, "m") + " .. " + vec_text(s.max_m, "m") +
                   "] reaches outside the domain [" + vec_text(m_domain.lo, "m") + " .. " +
                   vec_text(m_domain.hi, "m") + "]");
      bool overlaps = false;
      const auto overlap = [&](const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
        if (!ordered3(lo, hi)) return;
        bool all = true;
        for (int d = 0; d < 3; ++d)
          all = all && std::min(s.max_m[d], hi[d]) > std::max(s.min_m[d], lo[d]);
        overlaps = overlaps || all;
      };
      for (const auto& b : m_case.boxes) overlap(b.min_m, b.max_m);
      if (m_plate_extent) overlap(m_plate_extent->lo, m_plate_extent->hi);
      // With a background material every point of the domain is inside some material.
      const bool background = m_case.domain && !m_case.domain->background_material.empty();
      if (!overlaps && !background)
        report(where_path, s.mark,
               who + " does not overlap any box, so its heat would go into no material");
    }
    if (s.power_map) {
      const PowerMap& pm = *s.power_map;
      const std::string pm_path = path + ".power_map";
      if (pm.rows < 1 || pm.cols < 1 ||
          static_cast<double>(pm.rows) * pm.cols != static_cast<double>(pm.values.size())) {
        report(pm_path, s.mark,
               who + ": power map has " + std::to_string(pm.values.size()) + " values for " +
                   std::to_string(pm.rows) + " rows x " + std::to_string(pm.cols) + " columns");
      } else {
        bool bad = false, any_positive = false;
        for (double v : pm.values) {
          bad = bad || !(v >= 0 && std::isfinite(v));
          any_positive = any_positive || v > 0;
        }
        if (bad)
          report(pm_path, s.mark, who + ": power map values must be zero or positive and finite");
        else if (!any_positive)
          report(pm_path, s.mark, who + ": power map values are all zero; the weights need at "
                                        "least one positive value");
      }
    }
  }
}

void Checker::check_boundaries() {
  bool has_fixed = false;
  for (std::size_t i = 0; i < m_case.boundaries.size(); ++i) {
    const BoundaryCondition& bc = m_case.boundaries[i];
    const std::string path = "boundaries[" + std::to_string(i) + "]";
    const int face_index = static_cast<int>(bc.face);
    const bool face_ok = face_index >= 0 && face_index < 6;
    const std::string who = "boundary #" + std::to_string(i + 1) +
                            (failed(path + ".face") ? std::string()
                                                    : std::string(" (") + face_name(bc.face) + ")");
    if (!face_ok) report(path + ".face", bc.mark, who + ": invalid face");
    using Type = BoundaryCondition::Type;
    if (bc.type == Type::Temperature || bc.type == Type::Convection) {
      has_fixed = true;
      if (!(bc.temperature_K > 0 && std::isfinite(bc.temperature_K)))
        report(path + ".temperature", bc.mark,
               who + ": temperature must be above absolute zero, got " + num(bc.temperature_K) +
                   " K");
    }
    if (bc.type == Type::Convection && !(bc.htc_W_m2K > 0 && std::isfinite(bc.htc_W_m2K)))
      report(path + ".h", bc.mark,
             who + ": h must be positive and finite, got " + num(bc.htc_W_m2K) + " W/m^2/K");
    if (bc.type == Type::HeatFlux && !std::isfinite(bc.heat_flux_W_m2))
      report(path + ".heat_flux", bc.mark, who + ": heat_flux must be finite");
    if (bc.has_region) check_region(path, bc.mark, who, bc.face, bc.region_min_m, bc.region_max_m);
  }
  // A boundary whose type could not be read might have been the fixed one.
  bool type_unknown = failed("transient");
  for (const auto& kv : m_case.key_marks)
    type_unknown = type_unknown || kv.first.rfind("!boundaries", 0) == 0;
  // With flow, the inlet temperature fixes the level: the coolant carries the heat out. (A
  // flow without its coolant is reported as that.)
  const bool flow = m_case.coldplate.has_value() || !m_case.ports.empty();
  if (!m_case.transient.enabled && !has_fixed && !type_unknown && !flow)
    report("boundaries",
           "a steady case needs at least one boundary of type temperature or convection: with "
           "only adiabatic and heat_flux faces the steady temperature is not unique (add one, or "
           "a \"transient\" section)");
}

void Checker::check_region(const std::string& path, const SourceMark& mark,
                           const std::string& who, Face face, const std::array<double, 2>& lo_,
                           const std::array<double, 2>& hi_) {
  const int face_index = static_cast<int>(face);
  if (face_index < 0 || face_index >= 6 || failed(path + ".region.min") ||
      failed(path + ".region.max") || failed(path + ".face"))
    return;
  const int normal = face_index / 2;
  int tangential[2], t = 0;
  for (int d = 0; d < 3; ++d)
    if (d != normal) tangential[t++] = d;
  for (int j = 0; j < 2; ++j) {
    const double lo = lo_[j], hi = hi_[j];
    const char axis = "xyz"[tangential[j]];
    if (!(lo < hi && std::isfinite(lo) && std::isfinite(hi))) {
      report(path + ".region", mark,
             who + ": region min must be less than max along " + axis + ", got " + num(lo) +
                 " .. " + num(hi) + " m");
      return;
    }
    const double dlo = m_domain.lo[tangential[j]], dhi = m_domain.hi[tangential[j]];
    const double tol = 1e-9 * (dhi - dlo);
    if (m_has_domain && (lo < dlo - tol || hi > dhi + tol)) {
      report(path + ".region", mark,
             who + ": region " + num(lo) + " .. " + num(hi) + " m along " + axis +
                 " reaches outside the face (" + num(dlo) + " .. " + num(dhi) + " m)");
      return;
    }
  }
}

void Checker::check_coolant() {
  const bool has_ports = !m_case.ports.empty();
  if (!m_case.coolant) {
    if (failed("coolant")) return;  // the parser reported it
    const char* hint = ": add a \"coolant\" section naming the fluid (e.g. \"coolant: PG25\")";
    if (has_ports)
      report(m_case.ports[0].kind == FlowPort::Kind::Inlet ? "flow.inlets" : "flow.outlets",
             m_case.ports[0].mark, std::string("flow inlets and outlets carry coolant") + hint);
    if (m_case.coldplate)
      report("coldplate", m_case.coldplate->mark,
             std::string("a coldplate carries coolant") + hint);
    return;
  }
  const CoolantCase& cc = *m_case.coolant;
  const std::string fluid_path = m_case.key_marks.count("coolant.fluid") ? "coolant.fluid"
                                                                         : "coolant";
  try {
    m_coolant = make_coolant(parse_coolant(cc.fluid));
  } catch (const CoolantError& e) {
    const std::string what = e.what();
    report(fluid_path, cc.mark, what.rfind("coolant", 0) == 0 ? what : "coolant: " + what);
  }
  if (!has_ports && !m_case.coldplate && !failed_under("flow") && !failed_under("coldplate"))
    report("coolant", cc.mark,
           "coolant " + in_quotes(cc.fluid) + " is given but nothing flows: add a \"coldplate\" "
           "section or inlets and outlets under \"flow\", or remove \"coolant\"");
  // load_case() adds the coolant's material; a case built in code must do the same.
  if (m_case.material_index(cc.material) < 0)
    report(m_case.key_marks.count("coolant.material") ? "coolant.material" : "coolant", cc.mark,
           "coolant: its material " + in_quotes(cc.material) +
               " is not among the case's materials (load_case() adds it)");
  if (!m_coolant) return;
  const auto in_range = [&](double T, const std::string& path, const SourceMark& fallback,
                            const std::string& what) {
    if (failed(path)) return;
    try {
      check_coolant_temperature(*m_coolant, T, what);
    } catch (const CoolantError& e) {
      report(path, fallback, e.what());
    }
  };
  if (m_case.coldplate)
    in_range(m_case.coldplate->inlet_temperature_K, "coldplate.inlet_temperature",
             m_case.coldplate->mark, "coldplate: inlet_temperature");
  std::size_t inlets = 0;
  for (const auto& p : m_case.ports) {
    if (p.kind != FlowPort::Kind::Inlet) continue;
    in_range(p.temperature_K,
             "flow.inlets[" + std::to_string(inlets++) + "].temperature", p.mark,
             "inlet " + in_quotes(p.name) + ": temperature");
  }
  in_range(m_case.initial_temperature_K, "initial_temperature", SourceMark{},
           m_case.key_marks.count("initial_temperature")
               ? "initial_temperature"
               : "the default initial_temperature (set one in the case)");
}

void Checker::check_coldplate() {
  if (!m_case.coldplate) return;
  const ColdPlateCase& cp = *m_case.coldplate;
  check_material_ref(cp.material, "coldplate.material", cp.mark, "coldplate");
  if (m_case.coolant && cp.material == m_case.coolant->material)
    report("coldplate.material", cp.mark,
           "coldplate: material " + in_quotes(cp.material) +
               " is the coolant's; the plate needs a solid (e.g. copper)");
  if (!(cp.flow_rate_m3_s > 0 && std::isfinite(cp.flow_rate_m3_s)))
    report("coldplate.flow_rate", cp.mark,
           "coldplate: flow_rate must be positive and finite, got " + num(cp.flow_rate_m3_s) +
               " m^3/s");
  if (!std::isfinite(cp.outlet_pressure_Pa))
    report("coldplate.outlet_pressure", cp.mark, "coldplate: outlet_pressure must be finite");

  // A value the parser rejected is left at its default: building with it says nothing useful.
  if (failed_under("coldplate")) return;
  try {
    m_plate = make_cold_plate(cp.spec);
  } catch (const std::invalid_argument& e) {
    // make_cold_plate names the ColdPlateSpec field first; point at the key that sets it.
    const std::string what = e.what();
    const std::string field = what.substr(0, what.find_first_of(" ("));
    static const std::map<std::string, std::string> keys{
        {"footprint_min", "footprint.min"},
        {"footprint_max", "footprint.max"},
        {"base_z", "base"},
        {"base_thickness", "base_thickness"},
        {"fin_thickness", "fins.thickness"},
        {"fin_pitch", "fins.pitch"},
        {"fin_height", "fins.height"},
        {"fin_length", "fins.length"},
        {"fin_region_width", "fins.region_width"},
        {"pin_size", "fins.size"},
        {"pin_pitch_x", "fins.pitch"},
        {"pin_pitch_y", "fins.pitch"},
        {"center", "center"},
        {"wall_thickness", "wall_thickness"},
        {"plenum_length", "plenum_length"},
        {"port_length", "ports.length"},
        {"port_width", "ports.width"},
        {"cover_thickness", "cover_thickness"},
        {"cells_across_channel", "mesh.cells_across_channel"},
        {"cells_across_fin", "mesh.cells_across_fin"},
        {"cells_over_fin_height", "mesh.cells_over_fin_height"},
        {"max_cell_along_flow", "mesh.max_cell_along_flow"}};
    const auto key = keys.find(field);
    report(key == keys.end() ? "coldplate" : nearest_marked("coldplate." + key->second), cp.mark,
           "coldplate: " + what);
    return;
  }
  const ColdPlateBox& outer = m_plate->boxes.front();
  m_plate_extent = Extent{outer.min_m, outer.max_m};
}

void Checker::check_flow() {
  std::set<std::string> names;
  std::size_t inlets = 0, outlets = 0;
  for (const auto& p : m_case.ports) {
    const bool inlet = p.kind == FlowPort::Kind::Inlet;
    const std::string path = std::string(inlet ? "flow.inlets[" : "flow.outlets[") +
                             std::to_string(inlet ? inlets++ : outlets++) + "]";
    const std::string who = (inlet ? "inlet " : "outlet ") + in_quotes(p.name);
    if (!printable_name(p.name))
      report(path + ".name", p.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!names.insert(p.name).second)
      report(path + ".name", p.mark, "duplicate inlet or outlet name " + in_quotes(p.name));
    const int face_index = static_cast<int>(p.face);
    if (face_index < 0 || face_index >= 6) report(path + ".face", p.mark, who + ": invalid face");
    if (inlet && !(p.flow_rate_m3_s > 0 && std::isfinite(p.flow_rate_m3_s)))
      report(path + ".flow_rate", p.mark,
             who + ": flow_rate must be positive and finite, got " + num(p.flow_rate_m3_s) +
                 " m^3/s");
    if (!inlet && !std::isfinite(p.pressure_Pa))
      report(path + ".pressure", p.mark, who + ": pressure must be finite");
    if (p.has_region) check_region(path, p.mark, who, p.face, p.region_min_m, p.region_max_m);
  }
  // A cold plate brings its own inlet and outlets.
  if (inlets > 0 && outlets == 0 && !m_case.coldplate && !failed_under("flow.outlets"))
    report("flow.inlets", m_case.ports.front().mark,
           "flow: the coolant needs a way out; add at least one outlet under \"outlets\"");
  if (outlets > 0 && inlets == 0 && !m_case.coldplate && !failed_under("flow.inlets"))
    report("flow.outlets", m_case.ports.front().mark,
           "flow: outlets without an inlet carry no flow; add at least one under \"inlets\"");

  const FlowCaseSettings& f = m_case.flow;
  const double w = f.velocity_relaxation;
  if (!(w > 0 && w <= 1))
    report("flow.relaxation", "flow: relaxation must lie in (0, 1], got " + num(w));
  if (!(f.tolerance > 0 && std::isfinite(f.tolerance)))
    report("flow.tolerance",
           "flow: tolerance must be positive and finite, got " + num(f.tolerance));
  if (f.max_iterations < 1)
    report("flow.max_iterations",
           "flow: max_iterations must be at least 1, got " + std::to_string(f.max_iterations));
  if (f.max_coupling_iterations < 1)
    report("flow.max_coupling_iterations",
           "flow: max_coupling_iterations must be at least 1, got " +
               std::to_string(f.max_coupling_iterations));
  if (!(f.temperature_tolerance_K > 0 && std::isfinite(f.temperature_tolerance_K)))
    report("flow.temperature_tolerance",
           "flow: temperature_tolerance must be positive and finite, got " +
               num(f.temperature_tolerance_K) + " K");

  // The plate's ports open on its cover, which must be the domain's top face.
  if (m_plate && m_has_domain) {
    const ColdPlateCase& cp = *m_case.coldplate;
    if (m_case.domain && !inside(m_plate_extent->lo, m_plate_extent->hi))
      report("coldplate", cp.mark,
             "coldplate [" + vec_text(m_plate_extent->lo, "m") + " .. " +
                 vec_text(m_plate_extent->hi, "m") + "] reaches outside the domain [" +
                 vec_text(m_domain.lo, "m") + " .. " + vec_text(m_domain.hi, "m") + "]");
    else if (std::abs(m_plate->top_z_m - m_domain.hi[2]) > 1e-9 * (m_domain.hi[2] - m_domain.lo[2]))
      report("coldplate", cp.mark,
             "coldplate: its ports open on the top of its cover at z = " + num(m_plate->top_z_m) +
                 " m, which must be the domain's top (zmax) face, but the domain reaches z = " +
                 num(m_domain.hi[2]) + " m");
  }
}

void Checker::check_contacts() {
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < m_case.contacts.size(); ++i) {
    const ContactResistance& c = m_case.contacts[i];
    const std::string path = "contact_resistances[" + std::to_string(i) + "]";
    const std::string who = "contact resistance #" + std::to_string(i + 1);
    check_material_ref(c.material_a, path + ".between", c.mark, who);
    check_material_ref(c.material_b, path + ".between", c.mark, who);
    if (c.material_a == c.material_b)
      report(path + ".between", c.mark,
             who + ": a contact resistance needs two different materials, got " +
                 in_quotes(c.material_a) + " twice");
    const auto key = std::minmax(c.material_a, c.material_b);
    if (!seen.insert({key.first, key.second}).second)
      report(path + ".between", c.mark,
             who + ": a contact resistance between " + in_quotes(key.first) + " and " +
                 in_quotes(key.second) + " is already given");
    if (!(c.resistance_K_m2_W >= 0 && std::isfinite(c.resistance_K_m2_W)))
      report(path + ".resistance", c.mark,
             who + ": resistance must be zero or positive and finite, got " +
                 num(c.resistance_K_m2_W) + " K*m^2/W");
  }
}

void Checker::check_probes() {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m_case.probes.size(); ++i) {
    const Probe& p = m_case.probes[i];
    const std::string path = "probes[" + std::to_string(i) + "]";
    const std::string who = "probe " + in_quotes(p.name);
    if (!printable_name(p.name))
      report(path + ".name", p.mark, who + ": names must be non-empty printable UTF-8 text");
    else if (!seen.insert(p.name).second)
      report(path + ".name", p.mark, "duplicate probe name " + in_quotes(p.name));
    if (!finite3(p.position_m))
      report(path + ".at", p.mark, who + ": position must be finite");
    else if (m_has_domain && !inside(p.position_m, p.position_m))
      report(path + ".at", p.mark,
             who + " at " + vec_text(p.position_m, "m") + " lies outside the domain [" +
                 vec_text(m_domain.lo, "m") + " .. " + vec_text(m_domain.hi, "m") + "]");
  }
}

void Checker::check_settings() {
  if (!m_case.junction_material.empty())
    check_material_ref(m_case.junction_material, "junction_material", SourceMark{},
                       "junction_material");
  if (!m_case.case_material.empty())
    check_material_ref(m_case.case_material, "case_material", SourceMark{}, "case_material");
  if (!m_case.name.empty() && !printable_name(m_case.name))
    report("name", "the case name must be printable UTF-8 text");
  if (!valid_utf8(m_case.description))
    report("description", "the description must be UTF-8 text");
  const double t0 = m_case.initial_temperature_K;
  if (!(t0 > 0 && std::isfinite(t0)))
    report("initial_temperature",
           "initial_temperature must be above absolute zero, got " + num(t0) + " K");
  for (double h : m_case.mesh.max_cell_size_m) {
    if (!(h > 0 && std::isfinite(h))) {
      report("mesh.max_cell_size", "mesh: max_cell_size must be positive and finite, got " +
                                       vec_text(m_case.mesh.max_cell_size_m, "m"));
      break;
    }
  }
  const double tol = m_case.solver.tolerance;
  if (!(tol > 0 && tol < 1))
    report("solver.tolerance",
           "solver: tolerance is a relative residual and must lie in (0, 1), got " + num(tol));
  if (m_case.solver.max_iterations < 1)
    report("solver.max_iterations", "solver: max_iterations must be at least 1, got " +
                                        std::to_string(m_case.solver.max_iterations));

  const TransientSettings& t = m_case.transient;
  if (!t.enabled) return;
  const auto positive = [&](double v, const char* key) {
    if (!(v > 0 && std::isfinite(v)))
      report(std::string("transient.") + key,
             std::string("transient: ") + key + " must be positive and finite, got " + num(v) +
                 " s");
  };
  positive(t.end_time_s, "end_time");
  positive(t.time_step_s, "time_step");
  const auto non_negative = [&](double v, const char* key, const char* unit, const char* zero) {
    if (!(v >= 0 && std::isfinite(v)))
      report(std::string("transient.") + key,
             std::string("transient: ") + key + " must be zero (" + zero +
                 ") or positive and finite, got " + num(v) + " " + unit);
  };
  non_negative(t.min_step_s, "min_step", "s", "time_step / 1000");
  non_negative(t.max_step_s, "max_step", "s", "end_time / 10");
  non_negative(t.output_interval_s, "output_interval", "s", "final time only");
  positive(t.checkpoint_interval_s, "checkpoint_interval");
  if (t.adaptive && !(t.tolerance_K > 0 && std::isfinite(t.tolerance_K)))
    report("transient.tolerance", "transient: tolerance must be positive and finite, got " +
                                      num(t.tolerance_K) + " K");
  // Compare the bounds the solver will actually use (0 means a default).
  const double min_step = t.min_step_s > 0 ? t.min_step_s : t.time_step_s / 1000;
  const double max_step = t.max_step_s > 0 ? t.max_step_s : t.end_time_s / 10;
  const bool steps_known = !failed("transient.min_step") && !failed("transient.max_step") &&
                           !failed("transient.time_step") && !failed("transient.end_time");
  if (t.adaptive && steps_known && std::isfinite(min_step) && std::isfinite(max_step) &&
      min_step > max_step)
    report(m_case.key_marks.count("transient.min_step") ? "transient.min_step"
                                                        : "transient.max_step",
           "transient: min_step (" + num(min_step) + " s) must not exceed max_step (" +
               num(max_step) + " s)");
}

// ---- resolved YAML --------------------------------------------------------------------------

void emit_vec(YAML::Emitter& out, const double* v, int n) {
  out << YAML::Flow << YAML::BeginSeq;
  for (int i = 0; i < n; ++i) out << exact(v[i]);
  out << YAML::EndSeq;
}
void emit_vec(YAML::Emitter& out, const std::array<double, 3>& v) { emit_vec(out, v.data(), 3); }
void emit_str(YAML::Emitter& out, const std::string& key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
}
void emit_num(YAML::Emitter& out, const std::string& key, double value) {
  out << YAML::Key << key << YAML::Value << exact(value);
}

}  // namespace

Case parse_case(const std::string& yaml_text, const std::string& file_name,
                std::vector<Diagnostic>& diags, const ParseOptions& options) {
  const std::size_t first = diags.size();
  Case c;
  try {
    Parser parser(file_name, diags, options);
    c = parser.run(yaml_text);
  } catch (const std::exception& e) {
    diags.push_back({file_name, 0, 0, std::string("cannot read the case: ") + e.what()});
  } catch (...) {
    diags.push_back({file_name, 0, 0, "cannot read the case: unexpected error"});
  }
  // Sections are parsed in dependency order; users read messages in file order.
  std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(first), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  c.file = file_name;
  return c;
}

void check_case(const Case& c, std::vector<Diagnostic>& diags) {
  const std::size_t first = diags.size();
  try {
    Checker(c, diags).run();
  } catch (const std::exception& e) {
    diags.push_back({c.file, 0, 0, std::string("cannot check the case: ") + e.what()});
  }
  std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(first), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
}

Case load_case(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw CaseLoadError({{path, 0, 0, "cannot read the case file: no such regular file"}});
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!(in && text << in.rdbuf()))
    throw CaseLoadError({{path, 0, 0, "cannot read the case file"}});

  std::vector<Diagnostic> diags;
  Case c = parse_case(text.str(), path, diags);
  std::vector<Diagnostic> checks;
  check_case(c, checks);
  // A value the parser rejected is left at its default, which the checks would then report a
  // second time on the same line ("missing density", then "density must be positive").
  std::set<int> parse_lines;
  for (const auto& d : diags) parse_lines.insert(d.line);
  for (auto& d : checks)
    if (!parse_lines.count(d.line)) diags.push_back(std::move(d));
  if (!diags.empty()) {
    std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    throw CaseLoadError(std::move(diags));
  }
  return c;
}

std::string resolved_case_yaml(const Case& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_str(out, "name", c.name);
  if (!c.description.empty()) emit_str(out, "description", c.description);
  emit_num(out, "initial_temperature", c.initial_temperature_K);

  out << YAML::Key << "mesh" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "max_cell_size" << YAML::Value;
  emit_vec(out, c.mesh.max_cell_size_m);
  out << YAML::EndMap;

  if (c.domain) {
    out << YAML::Key << "domain" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "min" << YAML::Value;
    emit_vec(out, c.domain->min_m);
    out << YAML::Key << "max" << YAML::Value;
    emit_vec(out, c.domain->max_m);
    if (!c.domain->background_material.empty())
      emit_str(out, "background", c.domain->background_material);
    out << YAML::EndMap;
  }

  out << YAML::Key << "materials" << YAML::Value << YAML::BeginMap;
  for (const auto& m : c.materials) {
    // The coolant's material is derived from the coolant when the case is read again.
    if (c.coolant && m.name == c.coolant->material) continue;
    out << YAML::Key << YAML::DoubleQuoted << m.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "conductivity" << YAML::Value;
    emit_vec(out, m.conductivity_W_mK);
    emit_num(out, "density", m.density_kg_m3);
    emit_num(out, "specific_heat", m.specific_heat_J_kgK);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  out << YAML::Key << "boxes" << YAML::Value << YAML::BeginSeq;
  for (const auto& b : c.boxes) {
    out << YAML::BeginMap;
    emit_str(out, "name", b.name);
    emit_str(out, "material", b.material);
    out << YAML::Key << "min" << YAML::Value;
    emit_vec(out, b.min_m);
    out << YAML::Key << "max" << YAML::Value;
    emit_vec(out, b.max_m);
    if (b.cell_size_m != std::array<double, 3>{0, 0, 0}) {
      out << YAML::Key << "cell_size" << YAML::Value;
      emit_vec(out, b.cell_size_m);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  if (!c.sources.empty()) {
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
    for (const auto& s : c.sources) {
      out << YAML::BeginMap;
      emit_str(out, "name", s.name);
      out << YAML::Key << "min" << YAML::Value;
      emit_vec(out, s.min_m);
      out << YAML::Key << "max" << YAML::Value;
      emit_vec(out, s.max_m);
      emit_num(out, s.kind == HeatSource::Kind::TotalPower ? "power" : "power_density", s.value);
      if (s.power_map) {
        const PowerMap& pm = *s.power_map;
        out << YAML::Key << "power_map" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "values" << YAML::Value << YAML::BeginSeq;
        const std::size_t cols = pm.cols > 0 ? static_cast<std::size_t>(pm.cols) : 1;
        for (std::size_t r = 0; r * cols < pm.values.size(); ++r)
          emit_vec(out, pm.values.data() + r * cols,
                   static_cast<int>(std::min(cols, pm.values.size() - r * cols)));
        out << YAML::EndSeq << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!c.boundaries.empty()) {
    out << YAML::Key << "boundaries" << YAML::Value << YAML::BeginSeq;
    for (const auto& bc : c.boundaries) {
      out << YAML::BeginMap;
      emit_str(out, "face", face_name(bc.face));
      using Type = BoundaryCondition::Type;
      switch (bc.type) {
        case Type::Temperature:
          emit_str(out, "type", "temperature");
          emit_num(out, "temperature", bc.temperature_K);
          break;
        case Type::HeatFlux:
          emit_str(out, "type", "heat_flux");
          emit_num(out, "heat_flux", bc.heat_flux_W_m2);
          break;
        case Type::Convection:
          emit_str(out, "type", "convection");
          emit_num(out, "h", bc.htc_W_m2K);
          emit_num(out, "temperature", bc.temperature_K);
          break;
        case Type::Adiabatic: emit_str(out, "type", "adiabatic"); break;
      }
      if (bc.has_region) {
        out << YAML::Key << "region" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "min" << YAML::Value;
        emit_vec(out, bc.region_min_m.data(), 2);
        out << YAML::Key << "max" << YAML::Value;
        emit_vec(out, bc.region_max_m.data(), 2);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!c.contacts.empty()) {
    out << YAML::Key << "contact_resistances" << YAML::Value << YAML::BeginSeq;
    for (const auto& ct : c.contacts) {
      out << YAML::BeginMap << YAML::Key << "between" << YAML::Value << YAML::Flow
          << YAML::BeginSeq << YAML::DoubleQuoted << ct.material_a << YAML::DoubleQuoted
          << ct.material_b << YAML::EndSeq;
      emit_num(out, "resistance", ct.resistance_K_m2_W);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  if (!c.probes.empty()) {
    out << YAML::Key << "probes" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : c.probes) {
      out << YAML::BeginMap;
      emit_str(out, "name", p.name);
      out << YAML::Key << "at" << YAML::Value;
      emit_vec(out, p.position_m);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }

  out << YAML::Key << "solver" << YAML::Value << YAML::BeginMap;
  emit_num(out, "tolerance", c.solver.tolerance);
  out << YAML::Key << "max_iterations" << YAML::Value << c.solver.max_iterations;
  out << YAML::EndMap;

  if (c.transient.enabled) {
    const TransientSettings& t = c.transient;
    out << YAML::Key << "transient" << YAML::Value << YAML::BeginMap;
    emit_num(out, "end_time", t.end_time_s);
    emit_num(out, "time_step", t.time_step_s);
    emit_str(out, "scheme", t.scheme == TransientSettings::Scheme::BDF2 ? "bdf2" : "euler");
    out << YAML::Key << "adaptive" << YAML::Value << t.adaptive;
    emit_num(out, "min_step", t.min_step_s);
    emit_num(out, "max_step", t.max_step_s);
    emit_num(out, "tolerance", t.tolerance_K);
    emit_num(out, "output_interval", t.output_interval_s);
    emit_num(out, "checkpoint_interval", t.checkpoint_interval_s);
    out << YAML::EndMap;
  }

  if (c.coolant) {
    out << YAML::Key << "coolant" << YAML::Value << YAML::BeginMap;
    emit_str(out, "fluid", c.coolant->fluid);
    emit_str(out, "material", c.coolant->material);
    out << YAML::Key << "constant_properties" << YAML::Value << c.coolant->constant_properties;
    out << YAML::EndMap;
  }

  if (c.coldplate) {
    const ColdPlateCase& cp = *c.coldplate;
    const ColdPlateSpec& s = cp.spec;
    const bool pins = s.fins == ColdPlateSpec::Fins::Pins;
    out << YAML::Key << "coldplate" << YAML::Value << YAML::BeginMap;
    emit_str(out, "material", cp.material);
    out << YAML::Key << "footprint" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "min" << YAML::Value;
    emit_vec(out, s.footprint_min_m.data(), 2);
    out << YAML::Key << "max" << YAML::Value;
    emit_vec(out, s.footprint_max_m.data(), 2);
    out << YAML::EndMap;
    emit_num(out, "base", s.base_z_m);
    emit_num(out, "base_thickness", s.base_thickness_m);
    out << YAML::Key << "fins" << YAML::Value << YAML::Flow << YAML::BeginMap;
    emit_str(out, "type", pins ? "pins" : "straight");
    if (pins) {
      emit_num(out, "size", s.pin_size_m);
      const double pitch[2] = {s.pin_pitch_x_m, s.pin_pitch_y_m};
      out << YAML::Key << "pitch" << YAML::Value;
      emit_vec(out, pitch, 2);
    } else {
      emit_num(out, "thickness", s.fin_thickness_m);
      emit_num(out, "pitch", s.fin_pitch_m);
    }
    emit_num(out, "height", s.fin_height_m);
    emit_num(out, "length", s.fin_length_m);
    emit_num(out, "region_width", s.fin_region_width_m);
    out << YAML::EndMap;
    // NaN (the footprint's centre) cannot be written; leaving the key out means the same.
    if (!std::isnan(s.center_m[0]) || !std::isnan(s.center_m[1])) {
      out << YAML::Key << "center" << YAML::Value;
      emit_vec(out, s.center_m.data(), 2);
    }
    emit_num(out, "wall_thickness", s.wall_thickness_m);
    emit_num(out, "plenum_length", s.plenum_length_m);
    emit_num(out, "cover_thickness", s.cover_thickness_m);
    out << YAML::Key << "ports" << YAML::Value << YAML::Flow << YAML::BeginMap;
    emit_str(out, "layout",
             s.flow == ColdPlateSpec::Flow::CenterInlet ? "center_inlet" : "end_to_end");
    emit_num(out, "length", s.port_length_m);
    emit_num(out, "width", s.port_width_m);
    out << YAML::EndMap;
    out << YAML::Key << "mesh" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "cells_across_channel" << YAML::Value << s.cells_across_channel;
    out << YAML::Key << "cells_across_fin" << YAML::Value << s.cells_across_fin;
    out << YAML::Key << "cells_over_fin_height" << YAML::Value << s.cells_over_fin_height;
    emit_num(out, "max_cell_along_flow", s.max_cell_along_flow_m);
    out << YAML::EndMap;
    emit_num(out, "flow_rate", cp.flow_rate_m3_s);
    emit_num(out, "inlet_temperature", cp.inlet_temperature_K);
    emit_num(out, "outlet_pressure", cp.outlet_pressure_Pa);
    out << YAML::EndMap;
  }

  const FlowCaseSettings& f = c.flow;
  const FlowCaseSettings defaults;
  const bool default_settings = f.velocity_relaxation == defaults.velocity_relaxation &&
                                f.tolerance == defaults.tolerance &&
                                f.max_iterations == defaults.max_iterations &&
                                f.max_coupling_iterations == defaults.max_coupling_iterations &&
                                f.temperature_tolerance_K == defaults.temperature_tolerance_K;
  if (c.coolant || !c.ports.empty() || !default_settings) {
    out << YAML::Key << "flow" << YAML::Value << YAML::BeginMap;
    for (const auto kind : {FlowPort::Kind::Inlet, FlowPort::Kind::Outlet}) {
      const bool inlet = kind == FlowPort::Kind::Inlet;
      if (std::none_of(c.ports.begin(), c.ports.end(),
                       [&](const FlowPort& p) { return p.kind == kind; }))
        continue;
      out << YAML::Key << (inlet ? "inlets" : "outlets") << YAML::Value << YAML::BeginSeq;
      for (const auto& p : c.ports) {
        if (p.kind != kind) continue;
        out << YAML::BeginMap;
        emit_str(out, "name", p.name);
        emit_str(out, "face", face_name(p.face));
        if (p.has_region) {
          out << YAML::Key << "region" << YAML::Value << YAML::Flow << YAML::BeginMap;
          out << YAML::Key << "min" << YAML::Value;
          emit_vec(out, p.region_min_m.data(), 2);
          out << YAML::Key << "max" << YAML::Value;
          emit_vec(out, p.region_max_m.data(), 2);
          out << YAML::EndMap;
        }
        if (inlet) {
          emit_num(out, "flow_rate", p.flow_rate_m3_s);
          emit_num(out, "temperature", p.temperature_K);
        } else {
          emit_num(out, "pressure", p.pressure_Pa);
        }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    emit_num(out, "relaxation", f.velocity_relaxation);
    emit_num(out, "tolerance", f.tolerance);
    out << YAML::Key << "max_iterations" << YAML::Value << f.max_iterations;
    out << YAML::Key << "max_coupling_iterations" << YAML::Value << f.max_coupling_iterations;
    emit_num(out, "temperature_tolerance", f.temperature_tolerance_K);
    out << YAML::EndMap;
  }

  if (const GpuModel* m = c.gpu_model()) {
    out << YAML::Key << "gpu_models" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << m->name << YAML::Value << YAML::BeginMap;
    for (const auto& f : gpu_fields()) emit_num(out, f.key, m->*f.member * f.si_per_unit);
    out << YAML::EndMap << YAML::EndMap;
  }
  if (c.gpus) {
    const GpuCase& g = *c.gpus;
    out << YAML::Key << "gpus" << YAML::Value << YAML::BeginMap;
    emit_str(out, "model", g.model);
    if (!g.die_source.empty()) emit_str(out, "die_source", g.die_source);
    // The default "hbm" names no material in cases without HBM stacks: "" says the same.
    emit_str(out, "hbm_material", c.material_index(g.hbm_material) >= 0 ? g.hbm_material : "");
    emit_num(out, "control_interval", g.control_interval_s);
    out << YAML::Key << "instances" << YAML::Value << YAML::BeginSeq;
    for (const auto& gi : g.instances) {
      out << YAML::Flow << YAML::BeginMap;
      emit_str(out, "name", gi.name);
      if (gi.power_limit_W != 0) emit_num(out, "power_limit", gi.power_limit_W);
      if (gi.inlet_temperature_K != 0) emit_num(out, "inlet_temperature", gi.inlet_temperature_K);
      if (gi.flow_rate_m3_s != 0) emit_num(out, "flow_rate", gi.flow_rate_m3_s);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    const WorkloadCase& w = c.workload;
    out << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
    emit_str(out, "type", w.type);
    for (const auto& [key, v] : std::vector<std::pair<const char*, double>>{
             {"activity", w.activity}, {"memory_bound_fraction", w.memory_bound_fraction},
             {"tokens_per_s", w.tokens_per_s}, {"iteration_time", w.iteration_time_s},
             {"compute_fraction", w.compute_fraction}, {"compute_activity", w.compute_activity},
             {"communication_activity", w.communication_activity},
             {"checkpoint_duration", w.checkpoint_duration_s},
             {"prefill_fraction", w.prefill_fraction}, {"cycle_time", w.cycle_time_s},
             {"prefill_activity", w.prefill_activity}, {"decode_activity", w.decode_activity},
             {"prefill_tokens_per_s", w.prefill_tokens_per_s},
             {"decode_tokens_per_s", w.decode_tokens_per_s}})
      emit_num(out, key, v);
    out << YAML::Key << "checkpoint_every" << YAML::Value << w.checkpoint_every;
    if (!w.trace_file.empty()) emit_str(out, "file", std::filesystem::absolute(w.trace_file).string());
    out << YAML::EndMap;
  }

  if (!c.junction_material.empty()) emit_str(out, "junction_material", c.junction_material);
  if (!c.case_material.empty()) emit_str(out, "case_material", c.case_material);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace kelvin
