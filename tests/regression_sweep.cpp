// `kelvin sweep` through the executable, on composite-wall-ci (it solves in well under a
// second): a real local sweep, its resume (finished points skipped, a deleted summary rerun),
// a failing point recorded without stopping the sweep, the gathered table against each
// point's summary.json, bad sweep files and points refused with exit 2 before anything runs,
// and `kelvin run --resume` without a checkpoint.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "kelvin_process.hpp"
#include "solver/sweep/point_cases.hpp"
#include "solver/sweep/point_id.hpp"
#include "solver/sweep/sweep_file.hpp"

namespace {

using namespace kelvin_test;

const std::string kKey = "boundaries[0].temperature";

/// A grid sweep of composite-wall-ci over the hot face's temperature.
std::string write_sweep(const fs::path& dir, const std::string& values) {
  return write_case(dir,
                    "base: " + std::string(KELVIN_SOURCE_DIR) +
                        "/cases/composite-wall-ci/case.yaml\n"
                        "design: grid\n"
                        "parameters:\n"
                        "  - key: " +
                        kKey +
                        "\n"
                        "    values: [" +
                        values +
                        "]\n"
                        "outputs: [max_temperature_K]\n",
                    "sweep.yaml");
}

std::string id_of(const std::string& value) { return kelvin::point_id({{kKey, value}}); }

fs::path point_dir(const fs::path& out, const std::string& value) {
  return out / "points" / id_of(value);
}

Ended sweep(const std::vector<std::string>& args, const fs::path& dir) {
  return run_kelvin_args(args, dir / "sweep.log", 120);
}

/// Lines of sweep.csv as cells.
std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    rows.emplace_back();
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) rows.back().push_back(cell);
    if (!line.empty() && line.back() == ',') rows.back().push_back("");
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  EXPECT_NE(it, header.end()) << name;
  return static_cast<std::size_t>(it - header.begin());
}

TEST(Sweep, RunsResumesRecordsAFailureAndGathersThePointsNumbers) {
  const fs::path dir = scratch_dir("sweep-run");
  const fs::path out = dir / "out";
  const std::string file = write_sweep(dir, "90 degC, 100 degC");

  // Arrange-Act: two points, two at a time.
  Ended e = sweep({"sweep", file, "-o", out.string(), "--jobs", "2", "--threads", "1"}, dir);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  for (const char* v : {"90 degC", "100 degC"})
    ASSERT_TRUE(fs::exists(point_dir(out, v) / "out" / "summary.json")) << v << "\n" << e.log;
  EXPECT_TRUE(fs::exists(out / "sweep.json"));
  EXPECT_TRUE(fs::exists(out / "sweep.h5"));

  // Again: both skipped, nothing rerun.
  const auto stamp = fs::last_write_time(point_dir(out, "90 degC") / "out" / "summary.json");
  e = sweep({"sweep", file, "-o", out.string()}, dir);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("2 of 2 points already done")) << e.log;
  EXPECT_FALSE(e.says(") done in")) << e.log;
  EXPECT_EQ(fs::last_write_time(point_dir(out, "90 degC") / "out" / "summary.json"), stamp);

  // One summary deleted: only that point runs again.
  fs::remove(point_dir(out, "100 degC") / "out" / "summary.json");
  e = sweep({"sweep", "run", file, "-o", out.string()}, dir);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("1 of 2 points already done")) << e.log;
  EXPECT_TRUE(e.says("(" + id_of("100 degC") + ") done in")) << e.log;
  EXPECT_FALSE(e.says("(" + id_of("90 degC") + ") done in")) << e.log;
  EXPECT_EQ(fs::last_write_time(point_dir(out, "90 degC") / "out" / "summary.json"), stamp);

  // A third point whose output folder cannot be made (a file is in the way): it fails, the
  // sweep goes on to the end and exits 1 with the failure recorded.
  const std::string third = write_sweep(dir, "90 degC, 100 degC, 110 degC");
  fs::create_directories(point_dir(out, "110 degC"));
  std::ofstream(point_dir(out, "110 degC") / "out") << "in the way\n";
  e = sweep({"sweep", third, "-o", out.string()}, dir);
  EXPECT_EQ(e.exit_code(), 1) << e.log;
  EXPECT_TRUE(e.says("FAILED")) << e.log;
  const json st = read_json(point_dir(out, "110 degC") / "status.json");
  EXPECT_EQ(st.at("state"), "failed");
  EXPECT_NE(st.at("exit_code").get<int>(), 0);
  EXPECT_FALSE(st.at("log_tail").empty());

  e = sweep({"sweep", "status", out.string()}, dir);
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("3 points: 2 done, 1 failed, 0 pending, 0 running")) << e.log;

  // The gathered table: a row per point, parameters in SI, each point's own numbers.
  e = sweep({"sweep", "gather", out.string()}, dir);
  EXPECT_EQ(e.exit_code(), 0) << e.log;
  const auto csv = read_csv(out / "sweep.csv");
  ASSERT_EQ(csv.size(), 4u);
  const auto& h = csv[0];
  const std::size_t c_id = column(h, "id"), c_status = column(h, "status"), c_si = column(h, kKey),
                    c_text = column(h, kKey + ".text"), c_max = column(h, "max_temperature_K");
  for (std::size_t r = 1; r < csv.size(); ++r) {
    const auto& row = csv[r];
    ASSERT_EQ(row.size(), h.size()) << r;
    const fs::path point = out / "points" / row[c_id];
    EXPECT_EQ(row[c_id], id_of(row[c_text]));
    EXPECT_NEAR(std::stod(row[c_si]), std::stod(row[c_text]) + 273.15, 1e-9);
    if (row[c_text] == "110 degC") {
      EXPECT_EQ(row[c_status], "failed");
      EXPECT_EQ(row[c_max], "");
      continue;
    }
    EXPECT_EQ(row[c_status], "done");
    const json summary = read_json(point / "out" / "summary.json");
    EXPECT_DOUBLE_EQ(std::stod(row[c_max]), summary.at("max_temperature_K").get<double>());
    EXPECT_DOUBLE_EQ(std::stod(row[column(h, "energy_balance.boundary_in_W")]),
                     summary.at("energy_balance").at("boundary_in_W").get<double>());
  }
}

TEST(Sweep, APointWhoseBaseCaseChangedRunsAgain) {
  const fs::path dir = scratch_dir("sweep-base-edit");
  const std::string base =
      read_text(std::string(KELVIN_SOURCE_DIR) + "/cases/composite-wall-ci/case.yaml");
  write_case(dir, base);
  const std::string file = write_case(dir,
                                      "base: case.yaml\n"
                                      "parameters:\n"
                                      "  - key: " +
                                          kKey +
                                          "\n"
                                          "    values: [90 degC]\n",
                                      "sweep.yaml");
  const fs::path out = dir / "out";
  Ended e = sweep({"sweep", file, "-o", out.string()}, dir);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  const json first = read_json(point_dir(out, "90 degC") / "out" / "summary.json");

  // The same point of an edited base case: same id, but not the same case any more.
  const std::string edited =
      std::regex_replace(base, std::regex("conductivity: 400 W/m/K"), "conductivity: 40 W/m/K");
  ASSERT_NE(edited, base);
  write_case(dir, edited);
  e = sweep({"sweep", file, "-o", out.string()}, dir);
  ASSERT_EQ(e.exit_code(), 0) << e.log;
  EXPECT_TRUE(e.says("its case changed since it ran")) << e.log;
  EXPECT_TRUE(e.says("(" + id_of("90 degC") + ") done in")) << e.log;
  const json second = read_json(point_dir(out, "90 degC") / "out" / "summary.json");
  EXPECT_NE(first.at("energy_balance").at("boundary_in_W"),
            second.at("energy_balance").at("boundary_in_W"));
}

// Every shipped sweep file (cases/*/sweep-*.yaml) reads and all its points validate.
TEST(Sweep, ShippedSweepFilesValidate) {
  int files = 0;
  for (const auto& dir : fs::directory_iterator(std::string(KELVIN_SOURCE_DIR) + "/cases")) {
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string name = f.path().filename().string();
      if (name.rfind("sweep-", 0) != 0 || f.path().extension() != ".yaml") continue;
      ++files;
      const fs::path out = scratch_dir("sweep-shipped-" + std::to_string(files));
      try {
        const kelvin::SweepSpec spec = kelvin::read_sweep_file(f.path().string());
        EXPECT_GE(kelvin::prepare_points(spec, out.string()).size(), 2u) << f.path();
      } catch (const kelvin::SweepError& e) {
        ADD_FAILURE() << f.path() << ":\n" << e.what();
      }
    }
  }
  EXPECT_GE(files, 2);
}

TEST(Sweep, BadSweepFileExits2WithFileLineAndColumn) {
  const fs::path dir = scratch_dir("sweep-bad");
  const std::string file = write_case(dir,
                                      "base: " + std::string(KELVIN_SOURCE_DIR) +
                                          "/cases/composite-wall-ci/case.yaml\n"
                                          "design: gird\n"
                                          "parameters:\n"
                                          "  - key: boundaries[0].temperature\n"
                                          "    valeus: [90 degC]\n",
                                      "sweep.yaml");
  const Ended e = sweep({"sweep", file, "-o", (dir / "out").string()}, dir);
  EXPECT_EQ(e.exit_code(), 2) << e.log;
  EXPECT_TRUE(e.says(file + ":2:9: unknown design \"gird\"")) << e.log;
  EXPECT_TRUE(e.says(file + ":5:5: unknown key \"valeus\"")) << e.log;
  EXPECT_TRUE(e.says("did you mean \"values\"")) << e.log;
  EXPECT_FALSE(fs::exists(dir / "out" / "points"));
}

TEST(Sweep, EveryPointIsValidatedBeforeAnyRuns) {
  const fs::path dir = scratch_dir("sweep-invalid");
  const fs::path out = dir / "out";
  // The second point's conductivity is negative: the first must not run either.
  const std::string file =
      write_case(dir,
                 "base: " + std::string(KELVIN_SOURCE_DIR) +
                     "/cases/composite-wall-ci/case.yaml\n"
                     "design: zip\n"
                     "parameters:\n"
                     "  - {key: materials.polymer.conductivity, values: [0.5 W/m/K, -1 W/m/K]}\n"
                     "  - key: boundaries[1].temperature\n"
                     "    values: [20 degC, 25 degC]\n",
                 "sweep.yaml");
  Ended e = sweep({"sweep", file, "-o", out.string()}, dir);
  EXPECT_EQ(e.exit_code(), 2) << e.log;
  EXPECT_TRUE(e.says("conductivity must be positive")) << e.log;
  EXPECT_TRUE(e.says("point 1 (id ")) << e.log;
  for (const auto& p : fs::directory_iterator(out / "points"))
    EXPECT_FALSE(fs::exists(p.path() / "out")) << p.path();

  // A list index past the end of the base case's list: the sweep file's line.
  const std::string bad_index = write_case(dir,
                                           "base: " + std::string(KELVIN_SOURCE_DIR) +
                                               "/cases/composite-wall-ci/case.yaml\n"
                                               "parameters:\n"
                                               "  - key: boundaries[7].temperature\n"
                                               "    values: [20 degC]\n",
                                           "index.yaml");
  e = sweep({"sweep", bad_index, "-o", out.string()}, dir);
  EXPECT_EQ(e.exit_code(), 2) << e.log;
  EXPECT_TRUE(e.says(bad_index + ":3:10:")) << e.log;
  EXPECT_TRUE(e.says("index out of range")) << e.log;
}

TEST(Sweep, ResumeWithoutACheckpointStartsFromTheBeginning) {
  const fs::path dir = scratch_dir("sweep-resume");
  const std::string out = (dir / "out").string();
  const std::string c = std::string(KELVIN_SOURCE_DIR) + "/cases/composite-wall-ci/case.yaml";
  for (int attempt = 0; attempt < 2; ++attempt) {  // a fresh folder, then one with a finished run
    const Ended e =
        run_kelvin_args({"run", c, "-o", out, "--quiet", "--resume"}, dir / "run.log", 120);
    EXPECT_EQ(e.exit_code(), 0) << e.log;
    EXPECT_TRUE(e.says("no checkpoint in " + out + " yet; starting from the beginning")) << e.log;
    EXPECT_TRUE(fs::exists(dir / "out" / "summary.json"));
  }
}

}  // namespace
