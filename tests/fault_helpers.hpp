#pragma once
// Helpers shared by the fault tests (unit_io_faults.cpp through the writers, regression_faults.cpp
// through the kelvin executable): fresh folders, a tmpfs to fill, damaged HDF5 chunks.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "case_runner.hpp"

namespace kelvin_test {

/// Writes bytes to path as they are, replacing the file.
inline void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// The names in dir, sorted.
inline std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// The names in dir of the writers' temporaries ("NAME.tmp-PID"), sorted.
inline std::vector<std::string> temporaries_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& name : names_in(dir)) {
    if (name.find(".tmp-") != std::string::npos) names.push_back(name);
  }
  return names;
}

/// An empty folder under the system's temporary directory, named by tag, this process and the
/// running test (ctest runs the tests of one file in parallel processes).
inline fs::path fresh_dir(const std::string& tag) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir =
      fs::temp_directory_path() /
      ("kelvin_" + tag + "_" + std::to_string(::getpid()) + "_" + (info ? info->name() : ""));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// File offset (bytes) of the middle of chunk `chunk` (0 is the first) of dataset in file; 0,
/// with a failed expectation, when there is no such chunk.
inline std::uint64_t middle_of_chunk(const std::string& file, const std::string& dataset,
                                     hsize_t chunk) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // failures show in the assertion below
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  hsize_t offset[1] = {0};
  unsigned filter_mask = 0;
  haddr_t address = HADDR_UNDEF;
  hsize_t size = 0;
  const herr_t status = H5Dget_chunk_info(ds, space, chunk, offset, &filter_mask, &address, &size);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  EXPECT_GE(status, 0) << dataset << " is not chunked: written without checksums?";
  return status >= 0 ? static_cast<std::uint64_t>(address + size / 2) : 0;
}

/// Inverts `count` bytes of file at offset, as a damaged disk would.
inline void flip_bytes(const fs::path& file, std::uint64_t offset, std::size_t count) {
  std::string bytes = read_text(file);
  ASSERT_LE(offset + count, bytes.size());
  for (std::size_t i = 0; i < count; ++i) {
    bytes[offset + i] = static_cast<char>(~bytes[offset + i]);
  }
  write_bytes(file, bytes);
}

/// A test with its own tmpfs, mounted by mount_tmpfs and taken down after the test, even when
/// it fails. Skips where mounting is not permitted (not root, or a container that forbids it).
class TmpfsTest : public ::testing::Test {
 protected:
  /// Mounts a tmpfs of size ("512k", "8m") on a fresh folder named by tag; m_out is its "out".
  /// Callers return when IsSkipped().
  void mount_tmpfs(const std::string& tag, const std::string& size) {
    m_mount = fresh_dir(tag);
    if (::mount("tmpfs", m_mount.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
      const int err = errno;
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(err)
                   << "): full-disk tests need root in a system that permits mounts";
    }
    m_mounted = true;
    m_out = m_mount / "out";
  }

  /// Resizes the mounted tmpfs, keeping its files.
  void grow_tmpfs(const std::string& size) {
    ASSERT_EQ(::mount("tmpfs", m_mount.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()), 0)
        << std::strerror(errno);
  }

  void TearDown() override {
    if (m_mounted) ::umount2(m_mount.c_str(), MNT_DETACH);
    std::error_code ignored;
    fs::remove_all(m_mount, ignored);
  }

  fs::path m_mount;  ///< Where the tmpfs is mounted.
  fs::path m_out;    ///< The output folder inside it (not created here).
  bool m_mounted = false;
};

}  // namespace kelvin_test
