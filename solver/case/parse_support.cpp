// Shared machinery of the case parser: message helpers (quoting, did-you-mean, UTF-8 checks),
// the generic readers of Parser (mappings, lists, quantities with units, names, numbers) and
// Parser::run(), which reads the YAML document and hands it to parse_top(); and parse_case(),
// which runs it.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "solver/case/parser.hpp"

namespace kelvin {

const char* face_name(Face f) {
  switch (f) {
    case Face::XMin:
      return "xmin";
    case Face::XMax:
      return "xmax";
    case Face::YMin:
      return "ymin";
    case Face::YMax:
      return "ymax";
    case Face::ZMin:
      return "zmin";
    case Face::ZMax:
      return "zmax";
  }
  return "unknown";
}

namespace parse_detail {
namespace {

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

/// A problem with the case text as a whole, found before it is loaded: thrown by CaseScan.
struct CaseTextError {
  YAML::Mark mark;
  std::string message;
};

/// Index just past the closing quote of the quoted scalar opening at text[open], or npos when it
/// is never closed. yaml-cpp 0.7 ends an unclosed quoted scalar at the end of the file without
/// an error, swallowing every later key into it.
std::size_t closing_quote(const std::string& text, std::size_t open) {
  const char q = text[open];
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;  // an escape: the next character is never the closing quote
    } else if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
        continue;
      }
      return i + 1;
    }
  }
  return std::string::npos;
}

/// Scans a YAML stream's events without building nodes: records where each document starts,
/// counts values (throwing CaseTextError past kMaxYamlValues, naming the top-level key they
/// are under) and throws CaseTextError for a quoted scalar that is never closed.
class CaseScan : public YAML::EventHandler {
 public:
  explicit CaseScan(const std::string& text) : m_text(text) {}
  std::optional<YAML::Mark> start;  ///< where the document read last started

  void reset() {
    start.reset();
    m_depth = 0;
    m_root_map = false;
  }
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!start) start = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { value(m, nullptr); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { value(m, nullptr); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string& s) override {
    value(m, &s);
    const auto pos = static_cast<std::size_t>(std::max(m.pos, 0));
    if (pos < m_text.size() && (m_text[pos] == '"' || m_text[pos] == '\'') &&
        closing_quote(m_text, pos) == std::string::npos)
      throw CaseTextError{m, std::string("YAML syntax error: the quoted text that starts here (") +
                                 m_text[pos] +
                                 ") is never closed; everything after it up to the "
                                 "end of the file was read as text"};
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    value(m, nullptr);
    ++m_depth;
  }
  void OnSequenceEnd() override { --m_depth; }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    value(m, nullptr);
    if (m_depth == 0) m_root_map = true, m_expect_key = true;
    ++m_depth;
  }
  void OnMapEnd() override { --m_depth; }

 private:
  /// Every node: counted; in the top-level mapping, keys are remembered for messages.
  void value(const YAML::Mark& m, const std::string* scalar) {
    if (m_depth == 1 && m_root_map) {
      if (m_expect_key) {
        m_key = scalar ? *scalar : std::string();
        m_key_mark = m;
      }
      m_expect_key = !m_expect_key;
    }
    if (++m_values <= kMaxYamlValues) return;
    const bool keyed = m_depth >= 1 && m_root_map && !m_key.empty();
    throw CaseTextError{
        keyed ? m_key_mark : m,
        "the case file holds more than the limit of " + std::to_string(kMaxYamlValues) +
            " YAML values (scalars, lists and mappings" +
            (keyed ? "; value " + std::to_string(m_values) + " is under " + in_quotes(m_key)
                   : std::string()) +
            "): keep probes below " + std::to_string(kMaxProbes) +
            " and put large power maps in a file (power_map: {file: ...})"};
  }

  const std::string& m_text;
  long long m_values = 0;
  int m_depth = 0;
  bool m_root_map = false;
  bool m_expect_key = false;
  std::string m_key;  // the top-level key being read
  YAML::Mark m_key_mark;
};

/// Where each YAML document in text starts, at most max_docs of them; throws
/// YAML::ParserException for syntax errors and CaseTextError for what CaseScan finds.
/// yaml-cpp 0.7 (Debian 12) never consumes a stray "," at the top level: YAML::LoadAll loops
/// forever on "," (yaml-cpp issue #1040, fixed upstream by PR #1319 after 0.8.0), and
/// YAML::Load silently drops it. A document that starts where the previous one did is that
/// case, reported in *stuck.
std::vector<YAML::Mark> document_starts(const std::string& text, std::size_t max_docs,
                                        std::optional<YAML::Mark>* stuck) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::vector<YAML::Mark> starts;
  CaseScan scan(text);
  while (starts.size() < max_docs) {
    scan.reset();
    if (!parser.HandleNextDocument(scan)) break;
    if (!scan.start) break;
    if (!starts.empty() && scan.start->pos == starts.back().pos) {
      *stuck = *scan.start;
      break;
    }
    starts.push_back(*scan.start);
  }
  return starts;
}

const std::vector<std::string> kFaceNames{"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"};

}  // namespace

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
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return in_quotes(n.Scalar());
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Undefined:
      return "nothing";
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

std::set<std::string> Parser::walk(const YAML::Node& map, const Context& ctx,
                                   const std::vector<std::string>& allowed, const Handler& handle) {
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
    error(v, ctx.key_desc(key) + ": expected " + dimension_name(d) + how + ", got " + describe(v));
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
  // Split "1, 2, 3 mm" into leading numbers and one unit for them all.
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : v.IsScalar() ? v.Scalar() : std::string()) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!cur.empty()) tokens.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  std::size_t count = 0;
  while (count < tokens.size() && parse_number(tokens[count])) ++count;
  const bool any = n == 0;  // as many as there are, at least two
  if (any) n = v.IsSequence() ? std::max<std::size_t>(v.size(), 2) : std::max<std::size_t>(count, 2);
  const std::string expected =
      "expected " + (any ? std::string("two or more") : std::to_string(n)) + " values of " +
      dimension_name(d) + (broadcast ? " (or one for all)" : "") + ": a list [" +
      (n == 3 ? "x, y, z" : (any ? "a, b, ..." : "a, b")) + "] of numbers in " + si_unit(d) +
      " or strings with units, or one string like \"" + (n == 3 ? "1 2 3 " : "1 2 ") +
      si_unit(d) + "\"";
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
  } catch (const CaseTextError& e) {
    error(e.mark, e.message);
    fail("");
    return m_case;
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
    error(root,
          "expected the case to be a mapping of keys like \"name\" and \"materials\", "
          "got " +
              describe(root));
    fail("");
    return m_case;
  }
  parse_top(root);
  return m_case;
}

void sort_by_position(std::vector<Diagnostic>& diags, std::size_t first) {
  std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(first), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
}

}  // namespace parse_detail

Case parse_case(const std::string& yaml_text, const std::string& file_name,
                std::vector<Diagnostic>& diags, const ParseOptions& options) {
  const std::size_t first = diags.size();
  Case c;
  try {
    parse_detail::Parser parser(file_name, diags, options);
    c = parser.run(yaml_text);
  } catch (const std::exception& e) {
    diags.push_back({file_name, 0, 0, std::string("cannot read the case: ") + e.what()});
  } catch (...) {
    diags.push_back({file_name, 0, 0, "cannot read the case: unexpected error"});
  }
  // Sections are parsed in dependency order; users read messages in file order.
  parse_detail::sort_by_position(diags, first);
  c.file = file_name;
  return c;
}

}  // namespace kelvin
