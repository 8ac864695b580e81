// A heat source's power map: rows of weights given inline (values:) or read from a CSV file
// (file:), the parser's only reading of files other than the case itself.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {

void Parser::parse_power_map(const YAML::Node& n, const Context& source_ctx, HeatSource& s) {
  const Context ctx{"the power map of " + source_ctx.desc, source_ctx.path + ".power_map"};
  std::optional<YAML::Node> values_node, file_node;
  const auto seen =
      walk(n, ctx, {"values", "file"}, [&](const std::string& k, const YAML::Node& v) {
        (k == "values" ? values_node : file_node).emplace(v);
      });
  if (!n.IsMap()) return;
  const int given = int(values_node.has_value()) + int(file_node.has_value());
  if (given == 0 && (seen.count("?values") || seen.count("?file"))) return;  // typo reported
  if (given != 1) {
    error(n, ctx.mapping_desc() +
                 " needs exactly one of \"values\" (rows of weights) or "
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
    error(values, ctx.key_desc("values") +
                      ": expected a list of rows like [[1, 2], [3, 4]], "
                      "got " +
                      describe(values));
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

void Parser::read_power_map_file(const YAML::Node& at, const std::string& name, const Context& ctx,
                                 HeatSource& s) {
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

}  // namespace kelvin::parse_detail
