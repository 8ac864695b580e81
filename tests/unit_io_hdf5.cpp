// HDF5 output: round trips through the reader, and the all-or-nothing file contract.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/io/hdf5.hpp"

namespace fs = std::filesystem;
using kelvin::H5Writer;

namespace {

class IoHdf5 : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = fs::temp_directory_path() /
            ("kelvin_unit_io_hdf5_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    m_path = (m_dir / "results.h5").string();
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
  std::string m_path;
};

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_F(IoHdf5, VectorRoundTripsExactlyWithIntermediateGroups) {
  const std::vector<double> faces{-1e-3, 0.0, 0.1, 1.0 / 3.0, 1e-300, 1.7976931348623157e308};
  {
    H5Writer writer(m_path);
    writer.write_vector("grid/x_faces", faces);
    writer.write_vector("/grid/empty", {});
    writer.close();
  }

  EXPECT_EQ(kelvin::h5_read_vector(m_path, "grid/x_faces"), faces);
  EXPECT_EQ(kelvin::h5_read_dims(m_path, "grid/x_faces"), std::vector<std::size_t>{6});
  EXPECT_TRUE(kelvin::h5_read_vector(m_path, "grid/empty").empty());
  EXPECT_TRUE(kelvin::h5_exists(m_path, "grid"));
  EXPECT_TRUE(kelvin::h5_exists(m_path, "/grid/x_faces"));
  EXPECT_FALSE(kelvin::h5_exists(m_path, "grid/y_faces"));
  EXPECT_FALSE(kelvin::h5_exists(m_path, "nothing/here"));
  EXPECT_EQ(files_in_dir(), std::vector<std::string>{"results.h5"});
}

TEST_F(IoHdf5, FieldsAreStoredZYXWithIFastest) {
  const int nx = 5, ny = 3, nz = 2;
  std::vector<double> t(nx * ny * nz);
  std::vector<std::int32_t> material(t.size());
  for (std::size_t c = 0; c < t.size(); ++c) {
    t[c] = 300.0 + static_cast<double>(c) / 7.0;
    material[c] = static_cast<std::int32_t>(c % 4) - 1;
  }
  {
    H5Writer writer(m_path);
    writer.write_field("fields/temperature_K", t, nx, ny, nz);
    writer.write_field_int("fields/material_id", material, nx, ny, nz);
    writer.close();
  }

  EXPECT_EQ(kelvin::h5_read_dims(m_path, "fields/temperature_K"),
            (std::vector<std::size_t>{2, 3, 5}));
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "fields/temperature_K"), t);
  EXPECT_EQ(kelvin::h5_read_dims(m_path, "fields/material_id"),
            (std::vector<std::size_t>{2, 3, 5}));
  EXPECT_EQ(kelvin::h5_read_int_vector(m_path, "fields/material_id"), material);
  // Integer data read as double converts; double data is never truncated into ints.
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "fields/material_id")[1], 0.0);
  EXPECT_THROW(kelvin::h5_read_int_vector(m_path, "fields/temperature_K"), std::runtime_error);
}

TEST_F(IoHdf5, FieldLargerThanOneChunkRoundTrips) {
  // 2.4 MB of doubles with odd sizes: several chunks, the last ones partial.
  const int nx = 157, ny = 131, nz = 15;
  std::vector<double> t(static_cast<std::size_t>(nx) * ny * nz);
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = std::sin(0.001 * static_cast<double>(c));
  {
    H5Writer writer(m_path);
    writer.write_field("T", t, nx, ny, nz);
    writer.close();
  }
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "T"), t);
}

TEST_F(IoHdf5, FieldChunksCompressedInParallelRoundTripOnEveryAxis) {
  // Chunks partial along y (a plane larger than a chunk) and along x (a row larger than a
  // chunk), doubles and integers: the threads' shuffled, deflated chunks (hdf5_chunks.cpp)
  // read back through HDF5's own filters, value for value.
  struct Shape {
    int nx, ny, nz;
  };
  for (const Shape s : {Shape{700, 300, 3}, Shape{140001, 2, 1}, Shape{1, 1, 1}}) {
    const std::size_t n = static_cast<std::size_t>(s.nx) * s.ny * s.nz;
    std::vector<double> t(n);
    std::vector<std::int32_t> id(n);
    for (std::size_t c = 0; c < n; ++c) {
      t[c] = 300 + std::sin(0.37 * static_cast<double>(c));
      id[c] = static_cast<std::int32_t>(c % 7) - 3;
    }
    {
      H5Writer writer(m_path);
      writer.write_field("T", t, s.nx, s.ny, s.nz);
      writer.write_field_int("id", id, s.nx, s.ny, s.nz);
      writer.close();
    }
    EXPECT_EQ(kelvin::h5_read_vector(m_path, "T"), t) << s.nx << " x " << s.ny << " x " << s.nz;
    EXPECT_EQ(kelvin::h5_read_int_vector(m_path, "id"), id) << s.nx << " x " << s.ny << " x " << s.nz;
    // The dataset declares HDF5's shuffle and deflate filters, so any reader inflates it.
    const hid_t file = H5Fopen(m_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t dset = H5Dopen2(file, "T", H5P_DEFAULT);
    const hid_t dcpl = H5Dget_create_plist(dset);
    ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, config = 0;
    std::size_t nvalues = 0;
    EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &nvalues, nullptr, 0, nullptr, &config),
              H5Z_FILTER_SHUFFLE);
    nvalues = 0;
    EXPECT_EQ(H5Pget_filter2(dcpl, 1, &flags, &nvalues, nullptr, 0, nullptr, &config),
              H5Z_FILTER_DEFLATE);
    H5Pclose(dcpl);
    H5Dclose(dset);
    H5Fclose(file);
    // Stored compressed: less than the raw 12 bytes a cell (the integers' 7 values shrink).
    if (n > 1) {
      EXPECT_LT(fs::file_size(m_path), 12 * n);
    }
  }
}

TEST_F(IoHdf5, UniformChunksReuseTheirDeflatedBytesOnlyForTheSameValue) {
  // 1 MiB chunks of 64 x 64 x 32 doubles: along z, chunks of 5.0, 7.0, 5.0 again, -0.0 (the
  // same value to ==, other bytes), mixed values, and a partial chunk of 0.0 (padded with
  // zeros: uniform too). A uniform chunk reuses the bytes of the last one deflated only for
  // the same element, byte for byte; any other reuse reads back wrong values.
  const int nx = 64, ny = 64, nz = 32 * 5 + 10;
  const std::size_t plane = static_cast<std::size_t>(nx) * ny;
  std::vector<double> t(plane * nz);
  std::vector<std::int32_t> id(t.size());
  for (std::size_t c = 0; c < t.size(); ++c) {
    const std::size_t chunk = c / plane / 32;
    const double values[5] = {5.0, 7.0, 5.0, -0.0, std::sin(0.01 * static_cast<double>(c))};
    t[c] = chunk < 5 ? values[chunk] : 0.0;
    id[c] = chunk == 4 ? static_cast<std::int32_t>(c % 5) : static_cast<std::int32_t>(chunk % 2);
  }
  {
    H5Writer writer(m_path);
    writer.write_field("T", t, nx, ny, nz);
    writer.write_field_int("id", id, nx, ny, nz);
    writer.close();
  }
  const std::vector<double> back = kelvin::h5_read_vector(m_path, "T");
  ASSERT_EQ(back.size(), t.size());
  for (std::size_t c = 0; c < t.size(); ++c) {
    ASSERT_EQ(std::signbit(back[c]), std::signbit(t[c])) << c;
    ASSERT_EQ(back[c], t[c]) << c;
  }
  EXPECT_EQ(kelvin::h5_read_int_vector(m_path, "id"), id);
}

TEST_F(IoHdf5, FieldSizeMismatchThrows) {
  H5Writer writer(m_path);
  const std::string message =
      message_of([&] { writer.write_field("T", std::vector<double>(29), 5, 3, 2); });
  EXPECT_NE(message.find(m_path), std::string::npos) << message;
  EXPECT_THROW(writer.write_field("T", {}, 0, 3, 2), std::runtime_error);
}

TEST_F(IoHdf5, TableColumnsUnitsAndOrder) {
  const std::vector<std::string> names{"time_s", "max_temperature_K", "power_W"};
  const std::vector<std::vector<double>> columns{
      {0.0, 0.5, 1.0}, {318.15, 330.25, 341.5}, {700.0, 695.5, 0.1}};
  {
    H5Writer writer(m_path);
    writer.write_table("timeseries", names, columns, {"s", "K", ""});
    writer.write_table("timeseries/per_gpu", {"b", "a"}, {{1.0}, {2.0}});
    writer.close();
  }

  for (std::size_t c = 0; c < names.size(); ++c) {
    EXPECT_EQ(kelvin::h5_read_vector(m_path, "timeseries/" + names[c]), columns[c]) << names[c];
  }
  EXPECT_EQ(kelvin::h5_read_attribute_string(m_path, "timeseries/time_s", "units"), "s");
  EXPECT_EQ(kelvin::h5_read_attribute_string(m_path, "timeseries/max_temperature_K", "units"), "K");
  EXPECT_THROW(kelvin::h5_read_attribute_string(m_path, "timeseries/power_W", "units"),
               std::runtime_error);
  EXPECT_EQ(kelvin::h5_read_attribute_strings(m_path, "timeseries", "columns"), names);
  EXPECT_EQ(kelvin::h5_read_attribute_strings(m_path, "timeseries/per_gpu", "columns"),
            (std::vector<std::string>{"b", "a"}));
}

TEST_F(IoHdf5, TableRejectsRaggedColumnsAndBadNames) {
  H5Writer writer(m_path);
  EXPECT_THROW(writer.write_table("t", {"a", "b"}, {{1.0, 2.0}, {1.0}}), std::runtime_error);
  EXPECT_THROW(writer.write_table("t", {"a", "a"}, {{1.0}, {1.0}}), std::runtime_error);
  EXPECT_THROW(writer.write_table("t", {"a/b"}, {{1.0}}), std::runtime_error);
  EXPECT_THROW(writer.write_table("t", {"a"}, {{1.0}, {2.0}}), std::runtime_error);
  EXPECT_THROW(writer.write_table("t", {"a"}, {{1.0}}, {"K", "s"}), std::runtime_error);
}

TEST_F(IoHdf5, StringsAndAttributesRoundTrip) {
  const std::string yaml = "name: cold plate\ncoolant:\n  inlet_temperature: \"45 °C\"\n";
  {
    H5Writer writer(m_path);
    writer.write_string("case/resolved_yaml", yaml);
    writer.write_string("case/empty", "");
    writer.write_attribute("/", "kelvin_version", "0.1.0");
    writer.write_attribute("/", "time_s", 1.0 / 3.0);
    writer.write_attribute("/", "time_s", 2.5);  // replaces, as a restart rewrite would
    writer.write_attribute("case/resolved_yaml", "format", std::string("yaml"));
    writer.close();
  }

  EXPECT_EQ(kelvin::h5_read_string(m_path, "case/resolved_yaml"), yaml);
  EXPECT_EQ(kelvin::h5_read_string(m_path, "case/empty"), "");
  EXPECT_EQ(kelvin::h5_read_dims(m_path, "case/resolved_yaml"), std::vector<std::size_t>{});
  EXPECT_EQ(kelvin::h5_read_attribute_string(m_path, "/", "kelvin_version"), "0.1.0");
  EXPECT_EQ(kelvin::h5_read_attribute_double(m_path, "/", "time_s"), 2.5);
  EXPECT_EQ(kelvin::h5_read_attribute_string(m_path, "case/resolved_yaml", "format"), "yaml");
  EXPECT_THROW(kelvin::h5_read_attribute_double(m_path, "/", "kelvin_version"), std::runtime_error);
  EXPECT_THROW(kelvin::h5_read_string(m_path, "case"), std::runtime_error);
}

TEST_F(IoHdf5, WriterDestroyedWithoutCloseLeavesNoFile) {
  {
    H5Writer writer(m_path);
    writer.write_vector("x", {1.0, 2.0});
  }
  EXPECT_FALSE(fs::exists(m_path));
  EXPECT_TRUE(files_in_dir().empty());
}

TEST_F(IoHdf5, AbandonedWriterKeepsThePreviousFile) {
  {
    H5Writer writer(m_path);
    writer.write_vector("x", {1.0});
    writer.close();
  }
  {
    H5Writer writer(m_path);
    writer.write_vector("x", {2.0, 3.0});
    // An exception here would unwind without close().
  }
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "x"), std::vector<double>{1.0});
  EXPECT_EQ(files_in_dir(), std::vector<std::string>{"results.h5"});
}

TEST_F(IoHdf5, MovedWriterOwnsTheFile) {
  H5Writer first(m_path);
  first.write_vector("x", {4.0});
  H5Writer second(std::move(first));
  EXPECT_FALSE(first.is_open());
  EXPECT_TRUE(second.is_open());
  second.close();
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "x"), std::vector<double>{4.0});
}

TEST_F(IoHdf5, ErrorsNameThePathAndPrintNothing) {
  H5Writer writer(m_path);
  writer.write_vector("grid/x_faces", {0.0, 1.0});

  ::testing::internal::CaptureStderr();
  const std::string duplicate = message_of([&] {
    writer.write_vector("grid/x_faces", {0.0, 1.0});
  });
  const std::string missing_object =
      message_of([&] { writer.write_attribute("no/such/group", "a", 1.0); });
  const std::string missing_file =
      message_of([&] { kelvin::h5_read_vector((m_dir / "absent.h5").string(), "x"); });
  const std::string printed = ::testing::internal::GetCapturedStderr();

  EXPECT_NE(duplicate.find(m_path), std::string::npos) << duplicate;
  EXPECT_NE(duplicate.find("grid/x_faces"), std::string::npos) << duplicate;
  EXPECT_NE(missing_object.find("no/such/group"), std::string::npos) << missing_object;
  EXPECT_NE(missing_file.find("absent.h5"), std::string::npos) << missing_file;
  EXPECT_EQ(printed, "");
}

TEST_F(IoHdf5, WritingAfterCloseThrows) {
  H5Writer writer(m_path);
  writer.close();
  EXPECT_FALSE(writer.is_open());
  EXPECT_THROW(writer.write_vector("x", {1.0}), std::runtime_error);
  EXPECT_THROW(writer.close(), std::runtime_error);
  EXPECT_TRUE(fs::exists(m_path));
}

TEST_F(IoHdf5, UnwritableDirectoryThrowsAtConstruction) {
  const std::string path = (m_dir / "missing" / "results.h5").string();
  const std::string message = message_of([&] { H5Writer writer(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
}
