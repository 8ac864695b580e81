// solver.multigrid_precision through whole runs: single-precision multigrid levels (the
// default) give the double-precision levels' answer to the solvers' tolerances, on a steady
// conjugate run (conduction, energy with advection, SIMPLEC's momentum and pressure) and a
// conduction stack, and the resolved case records a non-default choice.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "case_runner.hpp"
#include "small_cases.hpp"
#include "solver/case/case_parser.hpp"
#include "solver/io/hdf5.hpp"

using kelvin_test::json;
namespace fs = std::filesystem;

namespace {

/// Runs a case text in its own folder; returns the folder.
fs::path run(const std::string& text, const std::string& tag) {
  const fs::path file = fs::temp_directory_path() / ("kelvin-precision-" + tag + ".yaml");
  std::ofstream(file) << text;
  return kelvin_test::run_case_file(file.string(), "precision-" + tag);
}

double rel(const json& a, const json& b) { return std::fabs(a.get<double>() / b.get<double>() - 1); }

/// The case stored in a run's results.h5, parsed back.
kelvin::Case stored_case(const fs::path& dir) {
  std::vector<kelvin::Diagnostic> diags;
  const kelvin::Case c = kelvin::parse_case(
      kelvin::h5_read_string((dir / "results.h5").string(), "case/resolved_yaml"), "results.h5", diags);
  EXPECT_TRUE(diags.empty());
  return c;
}

}  // namespace

// The turn duct: a conjugate run whose every linear solve is preconditioned by multigrid.
TEST(MultigridPrecision, ConjugateRunGivesTheDoubleLevelsAnswer) {
  // The coupling passes stop when one changes no temperature by more than temperature_tolerance
  // (0.01 K by default), which bounds how far two runs' answers may differ: tightened to 1e-4 K
  // (this duct's passes stall near 5e-5 K, so 1e-5 K does not always converge). Measured: max T
  // 3.0e-5 K apart, R_j 1.3e-6, dp 4.6e-10 (3.0e-5 K and 1.3e-6 at the default tolerance).
  const std::string tight = "tolerance: 1e-10\n  max_iterations: 2000\n  temperature_tolerance: 1e-4 K";
  const fs::path single_dir = run(kelvin_test::turn_duct_case("0.5 L/min", tight), "duct-single");
  const fs::path double_dir =
      run(kelvin_test::turn_duct_case("0.5 L/min", tight,
                                      "solver: {tolerance: 1e-10, multigrid_precision: double}\n"),
          "duct-double");
  const json s = kelvin_test::read_json(single_dir / "summary.json");
  const json d = kelvin_test::read_json(double_dir / "summary.json");
  ASSERT_TRUE(s["converged"].get<bool>());
  ASSERT_TRUE(d["converged"].get<bool>());
  EXPECT_LT(std::fabs(s["max_temperature_K"].get<double>() - d["max_temperature_K"].get<double>()), 1e-4);
  EXPECT_LT(rel(s["pressure_drop_Pa"], d["pressure_drop_Pa"]), 1e-6);
  EXPECT_LT(rel(s["thermal_resistance_K_per_W"]["junction_to_inlet"],
                d["thermal_resistance_K_per_W"]["junction_to_inlet"]),
            1e-5);
  // Each run says which levels it used, energy and pressure correction alike.
  EXPECT_EQ(s["multigrid"]["precision"], "single");
  EXPECT_EQ(d["multigrid"]["precision"], "double");
  EXPECT_EQ(s["flow"]["pressure_multigrid_precision"], "single");
  EXPECT_EQ(d["flow"]["pressure_multigrid_precision"], "double");
  // The stored (resolved) case reproduces each run's choice.
  EXPECT_FALSE(stored_case(double_dir).solver.single_precision_multigrid);
  EXPECT_TRUE(stored_case(single_dir).solver.single_precision_multigrid);
}

// Steady conduction through a copper / TIM / silicon stack (k over two decades).
TEST(MultigridPrecision, ConductionStackGivesTheDoubleLevelsAnswer) {
  const json s = kelvin_test::read_json(run(kelvin_test::stack_case("tolerance: 1e-12"), "stack-single") /
                                        "summary.json");
  const json d = kelvin_test::read_json(
      run(kelvin_test::stack_case("tolerance: 1e-12, multigrid_precision: double"), "stack-double") /
      "summary.json");
  EXPECT_LT(std::fabs(s["max_temperature_K"].get<double>() - d["max_temperature_K"].get<double>()), 1e-8);
  EXPECT_EQ(s["multigrid"]["precision"], "single");
  EXPECT_EQ(d["multigrid"]["precision"], "double");
  // The double levels' full multigrid start (InitialGuess::FullMultigrid) solves this
  // one-dimensional stack to the tolerance by itself; the float levels' start stops at float
  // round-off (about 1e-7 relative), and CG then contracts by far more than 10 per iteration
  // down to 1e-12: the float preconditioner does not stall at its own precision.
  EXPECT_LE(d["iterations"].get<int>(), 1);
  EXPECT_LT(s["multigrid"]["convergence_factor"].get<double>(), 0.1);
}
