#pragma once
/// The error every HDF5 reader throws when what it reads fails a checksum (hdf5.hpp).
#include <stdexcept>
#include <string>
#include <utility>

namespace kelvin {

/// An HDF5 file whose stored checksum does not match its bytes: a dataset's Fletcher-32 or the
/// checksum of a header, B-tree or superblock. Thrown by every reader of hdf5.hpp instead of
/// returning damaged numbers. what() names the file and the object.
class DamagedFile : public std::runtime_error {
 public:
  /// message: the whole line; object: what failed ("dataset 'transient/now'"); data_checksum:
  /// whether it was a dataset's Fletcher-32 (else a metadata checksum).
  DamagedFile(const std::string& message, std::string object, bool data_checksum)
      : std::runtime_error(message), m_object(std::move(object)), m_data(data_checksum) {}
  /// What failed its checksum, e.g. "dataset 'transient/now'".
  const std::string& object() const noexcept { return m_object; }
  /// True for a dataset's Fletcher-32, false for a metadata checksum.
  bool data_checksum() const noexcept { return m_data; }

 private:
  std::string m_object;
  bool m_data;
};

}  // namespace kelvin
