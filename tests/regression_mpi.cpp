// Cases over MPI ranks, for real: Open MPI's mpirun (--oversubscribe, as root with Open MPI's
// two permission variables, as CI runs) starts 2 and 4 ranks of the kelvin executable on a
// small rack of 3-D plates, and every number they write equals the one-rank run's. Each rank
// solves whole plates (the plate fit's runs, the steady rack's distinct plates, the transient's
// trays) and shares their numbers exactly, so the answers do not depend on the ranks at all:
// the test allows 1e-12 and measures 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <string>

#include <sys/wait.h>

#include "case_runner.hpp"
#include "solver/parallel/ranks.hpp"

namespace {

using namespace kelvin_test;

/// The NVL72 pump-trip -ci case cut to two trays of two GPUs on 3-D plates (the coarse plate
/// of verification_rack_3d_transient) on an 8 kW CDU, constant load, 1 s with every pump
/// tripping at 0.5 s.
std::string two_trays() {
  std::string y = read_text(case_path("gb200-nvl72-pump-trip-ci"));
  const auto sub = [&](const std::string& from, const std::string& to) {
    const std::string before = y;
    y = std::regex_replace(y, std::regex(from), to);
    EXPECT_NE(y, before) << "the case no longer has " << from;
  };
  sub("plate_model: reduced", "plate_model: 3d");
  sub("count: 72", "count: 4");
  sub("trays: 18", "trays: 2");
  sub("gpus_per_tray: 4", "gpus_per_tray: 2");
  sub("switch_trays: \\{count: 9,", "switch_trays: {count: 0,");
  sub("after_tray: 10\\}", "after_tray: 1}");
  sub("rated_heat: 150 kW", "rated_heat: 8 kW");
  sub("flows: \\[0.25, 0.5, 1, 1.5, 2\\], response_time: 20 s", "flows: [0.5, 1, 2], response_time: 5 s");
  sub("workload:\\n(  .*\\n)+", "workload:\n  type: constant\n  activity: 1.0\n");
  sub("trip_all_pumps, time: 5 s\\}", "trip_all_pumps, time: 0.5 s}");
  sub("thickness: 0.3 mm, pitch: 0.75 mm", "thickness: 0.6 mm, pitch: 1.5 mm");
  sub("max_cell_along_flow: 3 mm", "max_cell_along_flow: 6 mm");
  sub("end_time: 60 s", "end_time: 1 s");
  return y;
}

bool have_mpirun() { return std::system("command -v mpirun > /dev/null 2>&1") == 0; }

/// `kelvin run` of file over `ranks` MPI ranks (1: no launcher), one thread a rank, into the
/// folder tagged tag; returns it, the exit status in *status.
fs::path run_ranks(const std::string& file, int ranks, const std::string& tag, int* status,
                   const std::string& extra = "") {
  const fs::path out = fs::temp_directory_path() / ("kelvin-regression-mpi-" + tag);
  if (extra.find("keep") == std::string::npos) fs::remove_all(out);
  const std::string launcher =
      ranks == 1 ? ""
                 : "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout 300 mpirun "
                   "--oversubscribe -np " + std::to_string(ranks) + " ";
  const std::string cmd = "OMP_WAIT_POLICY=passive " + launcher + KELVIN_EXECUTABLE + " run --quiet --threads 1 " +
                          file + " -o " + out.string() + " > " + out.string() + ".log 2>&1";
  *status = std::system(cmd.c_str());
  return out;
}

/// Every number of a JSON document, by its path.
void numbers(const json& j, const std::string& path, std::map<std::string, double>& out) {
  if (j.is_object())
    for (const auto& [k, v] : j.items()) numbers(v, path + "/" + k, out);
  else if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i) numbers(j[i], path + "[" + std::to_string(i) + "]", out);
  else if (j.is_number())
    out[path] = j.get<double>();
}

double relative(double a, double b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
  return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

}  // namespace

TEST(Mpi, RackOfThreeDPlatesGivesTheOneRankAnswersOnTwoAndFourRanks) {
  if (!kelvin::built_with_mpi() || !have_mpirun())
    GTEST_SKIP() << "built without MPI, or no mpirun (scripts/install-deps installs Open MPI)";
  const fs::path file = fs::temp_directory_path() / "kelvin-mpi-rack.yaml";
  std::ofstream(file) << two_trays();
  int rc = 0;
  const fs::path one = run_ranks(file.string(), 1, "1", &rc);
  ASSERT_EQ(rc, 0) << read_text(one.string() + ".log");
  std::map<std::string, double> a;
  numbers(read_json(one / "summary.json"), "", a);
  const auto series = read_series(one / "timeseries.csv");
  ASSERT_EQ(series.at("time_s").size(), 10u);
  for (int ranks : {2, 4}) {
    const fs::path many = run_ranks(file.string(), ranks, std::to_string(ranks), &rc);
    ASSERT_EQ(rc, 0) << read_text(many.string() + ".log");
    const json s = read_json(many / "summary.json");
    EXPECT_EQ(s["ranks"].get<int>(), ranks);
    EXPECT_EQ(s["plates_3d"]["batches"].get<int>(), 2);  // one a tray, wherever it was solved
    EXPECT_EQ(files_in(many), files_in(one));  // the root wrote them, once
    std::map<std::string, double> b;
    numbers(s, "", b);
    ASSERT_EQ(a.size(), b.size());
    double worst = 0;
    std::string where;
    for (const auto& [key, x] : a) {
      if (key.find("wall") != std::string::npos || key.rfind("/run/", 0) == 0 || key == "/ranks") continue;
      const double d = relative(x, b.at(key));
      if (d > worst) worst = d, where = key;
    }
    EXPECT_LE(worst, 1e-12) << ranks << " ranks: " << where;
    const auto other = read_series(many / "timeseries.csv");
    double worst_series = 0;
    for (const auto& [col, v] : series)
      for (std::size_t k = 0; k < v.size(); ++k) worst_series = std::max(worst_series, relative(v[k], other.at(col).at(k)));
    EXPECT_LE(worst_series, 1e-12) << ranks << " ranks";
    std::cout << ranks << " ranks: " << a.size() << " summary numbers, worst relative difference "
              << worst << "; timeseries " << worst_series << "\n";
  }
}

TEST(Mpi, AnErrorOnTheRootStopsEveryRankWithItsStatus) {
  if (!kelvin::built_with_mpi() || !have_mpirun()) GTEST_SKIP() << "built without MPI, or no mpirun";
  // an output folder holding an earlier run's files: the root refuses it (exit 2) while the
  // other rank has started its plates; it must not wait for the root forever
  const std::string file = case_path("gb200-nvl72-rack-ci");
  const fs::path out = fs::temp_directory_path() / "kelvin-regression-mpi-stale";
  fs::remove_all(out);
  fs::create_directories(out);
  std::ofstream(out / "summary.json") << "{}\n";
  int rc = 0;
  run_ranks(file, 2, "stale", &rc, "keep");
  EXPECT_EQ(WEXITSTATUS(rc), 2) << read_text(out.string() + ".log");
  EXPECT_NE(read_text(out.string() + ".log").find("--overwrite"), std::string::npos)
      << read_text(out.string() + ".log");
}

TEST(Mpi, ACaseWithoutPlatesToShareRunsOnTheRootAlone) {
  if (!kelvin::built_with_mpi() || !have_mpirun()) GTEST_SKIP() << "built without MPI, or no mpirun";
  int rc = 0;
  const fs::path out = run_ranks(case_path("composite-wall-ci"), 2, "wall", &rc);
  ASSERT_EQ(rc, 0) << read_text(out.string() + ".log");
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_NE(read_text(out.string() + ".log").find("rank 0 runs it alone"), std::string::npos);
}
