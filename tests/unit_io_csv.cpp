// CSV formatting (exact round trip of every double) and the atomic file writes it goes through.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/io/atomic_file.hpp"
#include "solver/io/timeseries_csv.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = fs::temp_directory_path() /
            ("kelvin_unit_io_csv_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::size_t files_in_dir() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()));
  }

  fs::path m_dir;
};

}  // namespace

TEST(FormatCsv, HeaderThenOneLinePerRow) {
  const std::string csv =
      kelvin::format_csv({"time_s", "max_temperature_K"}, {{0.0, 318.15}, {0.5, 330.0}});
  EXPECT_EQ(csv, "time_s,max_temperature_K\n0,318.15\n0.5,330\n");
}

TEST(FormatCsv, EveryDoubleRoundTripsExactly) {
  const std::vector<double> values{0.1,
                                   1.0 / 3.0,
                                   -2.0 / 7.0,
                                   1e-300,
                                   5e-324,
                                   std::numeric_limits<double>::max(),
                                   123456789012345678.0,
                                   -0.0,
                                   318.15 + 1e-13};
  const std::string csv = kelvin::format_csv({"v"}, [&] {
    std::vector<std::vector<double>> rows;
    for (const double v : values) rows.push_back({v});
    return rows;
  }());

  const auto lines = split(csv, '\n');
  ASSERT_EQ(lines.size(), values.size() + 1);
  for (std::size_t r = 0; r < values.size(); ++r) {
    const double parsed = std::strtod(lines[r + 1].c_str(), nullptr);
    EXPECT_EQ(parsed, values[r]) << lines[r + 1];
    EXPECT_EQ(std::signbit(parsed), std::signbit(values[r])) << lines[r + 1];
  }
}

TEST(FormatCsv, NonFiniteValuesUseOneSpelling) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(kelvin::format_csv({"a", "b", "c", "d"}, {{nan, -nan, inf, -inf}}),
            "a,b,c,d\nnan,nan,inf,-inf\n");
}

TEST(FormatCsv, HeaderNamesWithSeparatorsAreQuoted) {
  EXPECT_EQ(kelvin::format_csv({"plain", "a,b", "say \"hi\""}, {}),
            "plain,\"a,b\",\"say \"\"hi\"\"\"\n");
}

TEST(FormatCsv, RowLengthMustMatchHeader) {
  EXPECT_THROW(kelvin::format_csv({"a", "b"}, {{1.0, 2.0}, {3.0}}), std::runtime_error);
  EXPECT_THROW(kelvin::format_csv({}, {}), std::runtime_error);
}

TEST_F(AtomicFile, WritesAndReplacesWithoutLeavingTemporaries) {
  const fs::path path = m_dir / "timeseries.csv";

  kelvin::write_file_atomic(path.string(), "first\n");
  EXPECT_EQ(read_text(path), "first\n");
  kelvin::write_file_atomic(path.string(), std::string("second\0binary", 13));
  EXPECT_EQ(read_text(path), std::string("second\0binary", 13));
  kelvin::write_file_atomic(path.string(), "");
  EXPECT_EQ(read_text(path), "");

  EXPECT_EQ(files_in_dir(), 1u);
}

TEST_F(AtomicFile, TemporaryPathIsNextToTheTargetAndNamesThePid) {
  const std::string path = (m_dir / "results.h5").string();
  const std::string tmp = kelvin::temporary_path_for(path);
  EXPECT_EQ(tmp, path + ".tmp-" + std::to_string(::getpid()));
}

TEST_F(AtomicFile, CommitRenamesAFinishedTemporary) {
  const std::string path = (m_dir / "out.vtr").string();
  const std::string tmp = kelvin::temporary_path_for(path);
  std::ofstream(tmp) << "done";

  kelvin::commit_temporary(tmp, path);

  EXPECT_EQ(read_text(path), "done");
  EXPECT_FALSE(fs::exists(tmp));
}

TEST_F(AtomicFile, MissingDirectoryThrowsNamingThePathAndTheReason) {
  const std::string path = (m_dir / "no_such_dir" / "summary.json").string();
  try {
    kelvin::write_file_atomic(path, "{}");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_THROW(kelvin::commit_temporary((m_dir / "absent.tmp").string(), path), std::runtime_error);
}

TEST_F(AtomicFile, RemoveTemporaryIgnoresMissingFiles) {
  kelvin::remove_temporary((m_dir / "never_written.tmp").string());
  EXPECT_EQ(files_in_dir(), 0u);
}
