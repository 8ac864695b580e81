#include "solver/sweep/sweep_folder.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "solver/io/atomic_file.hpp"
#include "solver/sweep/point_cases.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

/// status.json of a point, or null when missing or unreadable.
json read_status(const std::string& out, const std::string& id) {
  std::ifstream in(fs::path(point_folder(out, id)) / "status.json");
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return nullptr;
  }
}

bool process_alive(const json& st) {
  if (!st.contains("pid") || st.value("host", "") != host_name()) return false;
  const pid_t pid = st["pid"].get<pid_t>();
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

}  // namespace

void write_sweep_json(const std::string& out, const SweepSpec& s,
                      const std::vector<SweepPoint>& points) {
  json params = json::array();
  for (const auto& p : s.parameters) {
    json j{{"key", p.key}, {"values", p.values}};
    if (p.uniform)
      j["uniform"] = {{"from", p.uniform->from}, {"to", p.uniform->to}, {"unit", p.uniform->unit}};
    params.push_back(j);
  }
  json pts = json::array();
  for (const auto& p : points) {
    json values = json::object();
    for (const auto& [k, v] : p.values) values[k] = v;
    pts.push_back({{"index", p.index}, {"id", p.id}, {"values", values}});
  }
  json j{{"sweep_file", fs::absolute(s.file).lexically_normal().string()},
         {"base_case", fs::absolute(s.base_case).lexically_normal().string()},
         {"design", design_name(s.design)},
         {"parameters", params},
         {"outputs", s.outputs},
         {"points", pts}};
  if (s.design == SweepDesign::LatinHypercube) j["samples"] = s.samples, j["seed"] = s.seed;
  fs::create_directories(out);
  write_file_atomic((fs::path(out) / "sweep.json").string(), j.dump(2) + "\n");
}

SweepRecord read_sweep_json(const std::string& out) {
  const std::string path = (fs::path(out) / "sweep.json").string();
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": no sweep here (sweep.json is missing)");
  try {
    const json j = json::parse(in);
    SweepRecord r;
    r.sweep_file = j.at("sweep_file");
    r.base_case = j.at("base_case");
    r.design = j.at("design");
    for (const auto& p : j.at("parameters")) r.parameters.push_back(p.at("key"));
    r.outputs = j.at("outputs").get<std::vector<std::string>>();
    for (const auto& p : j.at("points")) {
      SweepPoint pt;
      pt.index = p.at("index");
      pt.id = p.at("id");
      for (const auto& key : r.parameters)
        pt.values.emplace_back(key, p.at("values").at(key).get<std::string>());
      r.points.push_back(std::move(pt));
    }
    return r;
  } catch (const json::exception& e) {
    throw std::runtime_error(path + " is damaged: " + e.what());
  }
}

const char* state_name(PointState s) {
  switch (s) {
    case PointState::Pending:
      return "pending";
    case PointState::Running:
      return "running";
    case PointState::Done:
      return "done";
    case PointState::Failed:
      return "failed";
  }
  return "?";
}

PointState point_state(const std::string& out, const std::string& id) {
  const json st = read_status(out, id);
  const std::string recorded = st.is_object() ? st.value("state", "") : "";
  if (recorded == "running" && process_alive(st)) return PointState::Running;
  if (recorded == "failed") return PointState::Failed;
  std::error_code ec;
  if (fs::is_regular_file(fs::path(point_folder(out, id)) / "out" / "summary.json", ec))
    return PointState::Done;
  return PointState::Pending;
}

void write_point_status(const std::string& out, const PointStatus& st) {
  json j{{"id", st.id}, {"state", state_name(st.state)}};
  if (st.state == PointState::Running) {
    j["pid"] = static_cast<long long>(::getpid());
    j["host"] = host_name();
  } else {
    j["exit_code"] = st.exit_code;
    j["seconds"] = st.seconds;
  }
  if (!st.log_tail.empty()) j["log_tail"] = st.log_tail;
  write_file_atomic((fs::path(point_folder(out, st.id)) / "status.json").string(),
                    j.dump(2) + "\n");
}

SweepCounts count_states(const std::string& out, const std::vector<SweepPoint>& points) {
  SweepCounts c;
  for (const auto& p : points) {
    switch (point_state(out, p.id)) {
      case PointState::Pending:
        ++c.pending;
        break;
      case PointState::Running:
        ++c.running;
        break;
      case PointState::Done:
        ++c.done;
        break;
      case PointState::Failed:
        ++c.failed;
        break;
    }
  }
  return c;
}

}  // namespace kelvin
