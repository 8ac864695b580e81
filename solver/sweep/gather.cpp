#include "solver/sweep/gather.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "solver/io/atomic_file.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/sweep/point_cases.hpp"
#include "solver/sweep/quantity_text.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

void flatten_into(const json& j, const std::string& name,
                  std::vector<std::pair<std::string, double>>& out) {
  if (j.is_number()) {
    out.emplace_back(name, j.get<double>());
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten_into(v, name.empty() ? k : name + "." + k, out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      flatten_into(j[i], name + "[" + std::to_string(i) + "]", out);
  }
}

/// The point's summary.json, or null when it has none (or it is unreadable).
json read_summary(const std::string& out, const std::string& id) {
  std::ifstream in(fs::path(point_folder(out, id)) / "out" / "summary.json");
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return nullptr;
  }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::string csv_text(const SweepTable& t) {
  std::string s = "id,index,status";
  for (const auto& p : t.parameters) s += "," + csv_field(p) + "," + csv_field(p + ".text");
  for (const auto& o : t.outputs) s += "," + csv_field(o);
  s += "\n";
  for (const auto& r : t.rows) {
    s += r.id + "," + std::to_string(r.index) + "," + r.status;
    for (std::size_t j = 0; j < r.text.size(); ++j)
      s += "," + csv_number(r.si[j]) + "," + csv_field(r.text[j]);
    for (double v : r.values) s += "," + csv_number(v);
    s += "\n";
  }
  return s;
}

/// An HDF5 member name: no "/" (a group separator).
std::string h5_name(std::string s) {
  for (char& c : s)
    if (c == '/') c = '_';
  return s;
}

std::string joined(const std::vector<SweepTable::Row>& rows,
                   const std::function<std::string(const SweepTable::Row&)>& f) {
  std::string s;
  for (const auto& r : rows) s += (s.empty() ? "" : "\n") + f(r);
  return s;
}

void write_h5(const std::string& out, const SweepTable& t) {
  H5Writer h5((fs::path(out) / "sweep.h5").string());
  std::vector<std::string> names{"index"}, units{""};
  std::vector<std::vector<double>> cols(1);
  for (const auto& r : t.rows) cols[0].push_back(r.index);
  for (std::size_t j = 0; j < t.parameters.size(); ++j) {
    names.push_back(h5_name(t.parameters[j])), units.push_back(t.si_units[j]);
    cols.emplace_back();
    for (const auto& r : t.rows) cols.back().push_back(r.si[j]);
  }
  for (std::size_t k = 0; k < t.outputs.size(); ++k) {
    names.push_back(h5_name(t.outputs[k])), units.push_back("");
    cols.emplace_back();
    for (const auto& r : t.rows) cols.back().push_back(r.values[k]);
  }
  h5.write_table("points", names, cols, units);
  // Text columns: one line per point, in row order.
  h5.write_string("text/id", joined(t.rows, [](const auto& r) { return r.id; }));
  h5.write_string("text/status", joined(t.rows, [](const auto& r) { return r.status; }));
  for (std::size_t j = 0; j < t.parameters.size(); ++j)
    h5.write_string("text/" + h5_name(t.parameters[j]),
                    joined(t.rows, [j](const auto& r) { return r.text[j]; }));
  std::ifstream in(fs::path(out) / "sweep.json");
  std::stringstream ss;
  ss << in.rdbuf();
  h5.write_string("sweep_json", ss.str());
  h5.close();
}

}  // namespace

std::vector<std::pair<std::string, double>> flatten_numbers(const json& j) {
  std::vector<std::pair<std::string, double>> out;
  flatten_into(j, "", out);
  return out;
}

SweepTable gather_table(const std::string& out) {
  const SweepRecord rec = read_sweep_json(out);
  SweepTable t;
  t.parameters = rec.parameters;
  t.si_units.assign(t.parameters.size(), "");
  std::map<std::string, std::size_t> column;
  std::vector<std::vector<std::pair<std::string, double>>> leaves;
  for (const auto& p : rec.points) {
    SweepTable::Row r;
    r.id = p.id, r.index = p.index, r.status = state_name(point_state(out, p.id));
    for (std::size_t j = 0; j < p.values.size(); ++j) {
      r.text.push_back(p.values[j].second);
      const auto si = to_si_any(p.values[j].second);
      r.si.push_back(si ? si->value : NAN);
      if (si && t.si_units[j].empty()) t.si_units[j] = si->unit;
    }
    // Only a finished point's numbers count: a failed one may have left a partial summary.
    leaves.push_back(r.status == "done" ? flatten_numbers(read_summary(out, p.id))
                                        : decltype(leaves)::value_type{});
    for (const auto& [name, v] : leaves.back())
      if (column.emplace(name, t.outputs.size()).second) t.outputs.push_back(name);
    t.rows.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    t.rows[i].values.assign(t.outputs.size(), NAN);
    for (const auto& [name, v] : leaves[i]) t.rows[i].values[column.at(name)] = v;
  }
  return t;
}

SweepTable gather_sweep(const std::string& out) {
  SweepTable t = gather_table(out);
  write_file_atomic((fs::path(out) / "sweep.csv").string(), csv_text(t));
  write_h5(out, t);
  return t;
}

}  // namespace kelvin
