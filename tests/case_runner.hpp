#pragma once
// Runs cases through the kelvin executable, as a user would, for the regression tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kelvin_test {

namespace fs = std::filesystem;
using json = nlohmann::json;

inline std::string case_path(const std::string& name) {
  return std::string(KELVIN_SOURCE_DIR) + "/cases/" + name + "/case.yaml";
}

/// Runs `kelvin run` on a case file into a fresh directory of its own (ctest runs tests in
/// parallel processes, so each test names its directory with `tag`); extra goes on the command
/// line (with --resume the directory is kept, else emptied first). Returns the directory; the
/// exit status is in *status when given, else must be 0.
inline fs::path run_case_file(const std::string& file, const std::string& tag,
                              const std::string& extra = "", int* status = nullptr) {
  const fs::path out = fs::temp_directory_path() / ("kelvin-regression-" + tag);
  if (extra.find("--resume") == std::string::npos) fs::remove_all(out);
  // ctest runs two tests at once on two cores: OpenMP threads that spin at barriers would then
  // wait out whole time slices, so they sleep instead.
  const std::string cmd = "OMP_WAIT_POLICY=passive " + std::string(KELVIN_EXECUTABLE) +
                          " run --quiet " + file + " -o " +
                          out.string() + " " + extra + " > " + (out.string() + ".log") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (status) *status = rc;
  else EXPECT_EQ(rc, 0) << cmd;
  return out;
}

/// run_case_file for a shipped case by name.
inline fs::path run_case(const std::string& name, const std::string& tag = "") {
  return run_case_file(case_path(name), name + tag);
}

/// The whole text of a file.
inline std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

/// A CSV with a header line (timeseries.csv, hourly.csv) as columns by header name.
inline std::map<std::string, std::vector<double>> read_series(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) names.push_back(cell);
  std::map<std::string, std::vector<double>> cols;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::size_t c = 0;
    for (std::string cell; std::getline(ls, cell, ','); ++c) cols[names.at(c)].push_back(std::stod(cell));
  }
  return cols;
}

}  // namespace kelvin_test
