#include "solver/io/timeseries_csv.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace kelvin {
namespace {

void append_field(std::string& out, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_number(std::string& out, double value) {
  // fmt would write NaN as "nan" or "-nan" depending on the sign bit; readers need one spelling.
  if (std::isnan(value)) {
    out += "nan";
  } else if (std::isinf(value)) {
    out += value > 0 ? "inf" : "-inf";
  } else {
    // fmt's default for double is the shortest string that parses back to the same value.
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

}  // namespace

std::string format_csv(const std::vector<std::string>& header,
                       const std::vector<std::vector<double>>& rows) {
  if (header.empty()) throw std::runtime_error("CSV needs at least one column");
  std::string out;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (c > 0) out += ',';
    append_field(out, header[c]);
  }
  out += '\n';
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != header.size()) {
      throw std::runtime_error(
          fmt::format("CSV row {} has {} values for {} columns", r, rows[r].size(), header.size()));
    }
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (c > 0) out += ',';
      append_number(out, rows[r][c]);
    }
    out += '\n';
  }
  return out;
}

}  // namespace kelvin
