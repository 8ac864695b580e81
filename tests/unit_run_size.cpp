// Run size before allocation: the cell count from the axes equals the mesh built later, for
// every shipped case; the memory estimate grows as its model says; the largest cell size that
// fits really fits.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "solver/case/case_parser.hpp"
#include "solver/coupling/problem_setup.hpp"
#include "solver/coupling/run_size.hpp"

namespace fs = std::filesystem;

TEST(RunSize, CellsFromTheAxesEqualTheBuiltMeshForEveryShippedCase) {
  int cases = 0;
  for (const auto& dir : fs::directory_iterator(std::string(KELVIN_SOURCE_DIR) + "/cases")) {
    const kelvin::Case c = kelvin::load_case((dir.path() / "case.yaml").string());
    if (c.meshless()) {  // an air-cooled hall: nothing meshed, the run's base alone
      EXPECT_EQ(kelvin::estimate_run_size(c).cells, 0) << dir.path();
      continue;
    }
    const kelvin::RunSize size = kelvin::estimate_run_size(c);
    const kelvin::Grid g = kelvin::build_case_grid(c);
    EXPECT_EQ(size.cells, g.cell_count()) << dir.path();
    for (int d = 0; d < 3; ++d) EXPECT_EQ(size.n[d], g.n(d)) << dir.path();
    ++cases;
  }
  EXPECT_GE(cases, 16);
}

TEST(RunSize, EstimateFollowsTheModelForGpusFlowsAndTransients) {
  const std::string root = std::string(KELVIN_SOURCE_DIR) + "/cases/";
  const kelvin::Case board = kelvin::load_case(root + "hgx-h100-training-45C-ci/case.yaml");
  const kelvin::RunSize s = kelvin::estimate_run_size(board);
  ASSERT_TRUE(board.gpus.has_value());
  EXPECT_EQ(s.thermal_models, static_cast<int>(board.gpus->instances.size()));
  EXPECT_GE(s.flow_fields, 2);  // gpu7 is fed 5 K hotter than the others
  EXPECT_TRUE(s.transient);
  // the flow's window: the fin, plenum and port layers, not the package below
  EXPECT_GT(s.flow_window_cells, 0);
  EXPECT_LT(s.flow_window_cells, s.cells / 2);
  const double per_cell = 8 * (kelvin::kConductionBytesPerCell + kelvin::kTransientBytesPerCell) +
                          s.flow_fields * kelvin::kFlowGridBytesPerCell;
  EXPECT_DOUBLE_EQ(s.bytes, kelvin::kRunBaseBytes + s.cells * per_cell +
                                s.flow_fields * (kelvin::kFlowBaseBytes +
                                                 double(s.flow_window_cells) * kelvin::kFlowBytesPerCell));
  // the coupled flow algorithm adds its FGMRES basis per window cell of each flow
  kelvin::Case coupled = board;
  coupled.flow.coupled = true;
  const kelvin::RunSize sc = kelvin::estimate_run_size(coupled);
  EXPECT_DOUBLE_EQ(sc.bytes - s.bytes, sc.flow_fields * double(sc.flow_window_cells) *
                                           kelvin::kCoupledFlowBytesPerCell);
}

TEST(RunSize, SuggestedCoarseningFitsAndTheRefusalSaysSo) {
  const kelvin::Case c =
      kelvin::load_case(std::string(KELVIN_SOURCE_DIR) + "/cases/h100-package/case.yaml");
  const double need = kelvin::estimate_run_size(c).bytes;
  // room for a tenth of the cells' memory
  const std::size_t avail =
      static_cast<std::size_t>(kelvin::kRunBaseBytes + (need - kelvin::kRunBaseBytes) / 10);
  try {
    kelvin::check_run_fits(c, avail);
    FAIL() << "a run ten times larger than memory was accepted";
  } catch (const kelvin::SetupError& e) {
    const std::string msg = e.what();
    const auto at = msg.find("coarsen every cell size ");
    ASSERT_NE(at, std::string::npos) << msg;
    const double factor = std::stod(msg.substr(at + 24));
    EXPECT_GT(factor, 2.0) << msg;  // cells fall like factor^-3; a tenth needs about 10^(1/3)
    EXPECT_LE(kelvin::estimate_run_size(c, factor).bytes, static_cast<double>(avail)) << msg;
  }
  EXPECT_NO_THROW(kelvin::check_run_fits(c, static_cast<std::size_t>(need * 1.01)));
}
