// VTK output: .vtr files read back by VTK's own reader, .pvd collections parsed as XML.
#include <gtest/gtest.h>
#include <unistd.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkNew.h>
#include <vtkRectilinearGrid.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLDataParser.h>
#include <vtkXMLRectilinearGridReader.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "meshes/grid.hpp"
#include "solver/io/vtk.hpp"

namespace fs = std::filesystem;
using kelvin::CellField;
using kelvin::Grid;

namespace {

class IoVtk : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = fs::temp_directory_path() /
            ("kelvin_unit_io_vtk_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::vector<std::string> files_in_dir() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(m_dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path m_dir;
};

/// 5 x 3 x 2 cells with uneven spacing on every axis and a negative z origin.
Grid make_uneven_grid() {
  Grid grid({0.0, 0.1, 0.15, 0.35, 0.4, 1.0}, {0.0, 0.002, 0.0025, 0.01}, {-1e-3, 0.0, 2e-5});
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 5; ++i) grid.materials()[grid.index(i, j, k)] = (i + 2 * j + 3 * k) % 4;
  return grid;
}

/// Values with full 53-bit mantissas, so any loss of precision on the way shows up.
std::vector<double> temperature_values(const Grid& grid) {
  std::vector<double> t(static_cast<std::size_t>(grid.cell_count()));
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = 300.0 + static_cast<double>(c) / 3.0;
  return t;
}

std::vector<double> velocity_values(const Grid& grid) {
  std::vector<double> u(static_cast<std::size_t>(grid.cell_count()) * 3);
  for (std::size_t v = 0; v < u.size(); ++v) u[v] = (v % 3 == 1 ? -1.0 : 1.0) * 0.1 * v / 7.0;
  return u;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_F(IoVtk, RectilinearGridRoundTripsCoordinatesAndEveryValue) {
  const Grid grid = make_uneven_grid();
  const std::vector<CellField> fields{{"temperature_K", temperature_values(grid), 1},
                                      {"velocity_m_s", velocity_values(grid), 3}};
  const std::string path = (m_dir / "result.vtr").string();

  kelvin::write_vtr(path, grid, std::vector<kelvin::CellFieldRef>(fields.begin(), fields.end()));

  vtkNew<vtkXMLRectilinearGridReader> reader;
  reader->SetFileName(path.c_str());
  reader->Update();
  vtkRectilinearGrid* out = reader->GetOutput();
  int dims[3];
  out->GetDimensions(dims);
  EXPECT_EQ(dims[0], 6);
  EXPECT_EQ(dims[1], 4);
  EXPECT_EQ(dims[2], 3);
  vtkDataArray* coords[3] = {out->GetXCoordinates(), out->GetYCoordinates(),
                             out->GetZCoordinates()};
  for (int d = 0; d < 3; ++d) {
    ASSERT_EQ(coords[d]->GetNumberOfTuples(), static_cast<vtkIdType>(grid.faces(d).size()));
    for (vtkIdType i = 0; i < coords[d]->GetNumberOfTuples(); ++i) {
      EXPECT_EQ(coords[d]->GetTuple1(i), grid.faces(d)[i]) << "axis " << d << " face " << i;
    }
  }

  ASSERT_EQ(out->GetNumberOfCells(), 30);
  vtkCellData* cells = out->GetCellData();
  EXPECT_EQ(cells->GetNumberOfArrays(), 3);
  for (const CellField& field : fields) {
    vtkDataArray* array = cells->GetArray(field.name.c_str());
    ASSERT_NE(array, nullptr) << field.name;
    EXPECT_EQ(array->GetDataType(), VTK_DOUBLE);
    ASSERT_EQ(array->GetNumberOfComponents(), field.components);
    ASSERT_EQ(array->GetNumberOfTuples(), 30);
    for (vtkIdType c = 0; c < 30; ++c)
      for (int m = 0; m < field.components; ++m)
        EXPECT_EQ(array->GetComponent(c, m), field.values[c * field.components + m])
            << field.name << " cell " << c << " component " << m;
  }
  vtkDataArray* material = cells->GetArray("material_id");
  ASSERT_NE(material, nullptr);
  EXPECT_EQ(material->GetDataType(), VTK_INT);
  EXPECT_EQ(material->GetDataTypeSize(), 4);
  for (vtkIdType c = 0; c < 30; ++c) EXPECT_EQ(material->GetTuple1(c), grid.materials()[c]);

  // The temporary file was renamed, not left next to the result.
  EXPECT_EQ(files_in_dir(), std::vector<std::string>{"result.vtr"});
}

TEST_F(IoVtk, MaterialIdCanBeLeftOut) {
  const Grid grid = make_uneven_grid();
  const std::string path = (m_dir / "plain.vtr").string();

  kelvin::write_vtr(path, grid, {{"temperature_K", temperature_values(grid), 1}}, false);

  vtkNew<vtkXMLRectilinearGridReader> reader;
  reader->SetFileName(path.c_str());
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetCellData()->GetNumberOfArrays(), 1);
  EXPECT_EQ(reader->GetOutput()->GetCellData()->GetArray("material_id"), nullptr);
}

TEST_F(IoVtk, WrongFieldSizeThrowsAndKeepsTheOldFile) {
  const Grid grid = make_uneven_grid();
  const std::string path = (m_dir / "keep.vtr").string();
  kelvin::write_vtr(path, grid, {{"temperature_K", temperature_values(grid), 1}});
  const std::string before = read_text(path);

  try {
    kelvin::write_vtr(path, grid, {{"velocity_m_s", temperature_values(grid), 3}});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("velocity_m_s"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text(path), before);
  EXPECT_EQ(files_in_dir(), std::vector<std::string>{"keep.vtr"});
}

TEST_F(IoVtk, DuplicateFieldNamesThrow) {
  const Grid grid = make_uneven_grid();
  const auto t = temperature_values(grid);
  EXPECT_THROW(kelvin::write_vtr((m_dir / "a.vtr").string(), grid, {{"T", t, 1}, {"T", t, 1}}),
               std::runtime_error);
  EXPECT_THROW(kelvin::write_vtr((m_dir / "b.vtr").string(), grid, {{"material_id", t, 1}}),
               std::runtime_error);
}

TEST_F(IoVtk, UnwritableDirectoryThrowsNamingThePathWithoutPrinting) {
  const Grid grid = make_uneven_grid();
  const std::string path = (m_dir / "missing" / "result.vtr").string();

  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  std::string message;
  try {
    kelvin::write_vtr(path, grid, {{"temperature_K", temperature_values(grid), 1}});
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  const std::string printed =
      ::testing::internal::GetCapturedStderr() + ::testing::internal::GetCapturedStdout();

  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(printed, "");
}

TEST_F(IoVtk, PvdIsWellFormedAndListsEveryFile) {
  const std::vector<std::pair<double, std::string>> steps{
      {0.0, "step_0000.vtr"}, {0.1, "fields/step_0001.vtr"}, {2.5e-3, "a&b <1>.vtr"}};
  const std::string path = (m_dir / "result.pvd").string();

  kelvin::write_pvd(path, steps);

  vtkNew<vtkXMLDataParser> parser;
  parser->SetFileName(path.c_str());
  ASSERT_EQ(parser->Parse(), 1);
  vtkXMLDataElement* root = parser->GetRootElement();
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(root->GetName(), "VTKFile");
  EXPECT_STREQ(root->GetAttribute("type"), "Collection");
  vtkXMLDataElement* collection = root->FindNestedElementWithName("Collection");
  ASSERT_NE(collection, nullptr);
  ASSERT_EQ(collection->GetNumberOfNestedElements(), 3);
  for (int s = 0; s < 3; ++s) {
    vtkXMLDataElement* dataset = collection->GetNestedElement(s);
    EXPECT_STREQ(dataset->GetName(), "DataSet");
    EXPECT_EQ(std::stod(dataset->GetAttribute("timestep")), steps[s].first);
    EXPECT_EQ(std::string(dataset->GetAttribute("file")), steps[s].second);
  }
  EXPECT_EQ(files_in_dir(), std::vector<std::string>{"result.pvd"});
}

TEST_F(IoVtk, PvdRejectsNonFiniteTimes) {
  EXPECT_THROW(kelvin::write_pvd((m_dir / "bad.pvd").string(),
                                 {{std::numeric_limits<double>::quiet_NaN(), "a.vtr"}}),
               std::runtime_error);
  EXPECT_FALSE(fs::exists(m_dir / "bad.pvd"));
}
