#pragma once
/// The one error every output writer throws when the system refuses a write (a full disk or
/// quota, an I/O error, a permission, a missing folder), so the application can catch a single
/// type and print a single line.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "solver/base/format_bytes.hpp"

namespace kelvin {

/// A file could not be written. what() is one line: the action, the file (its final name, not
/// the temporary), the system's reason and, when the disk or quota is full, how many bytes the
/// write needed and how many are free in the file's folder, e.g.
///   cannot write 'out/results.h5': No space left on device (needs 85.1 KiB, 20.0 KiB free in
///   'out')
/// The writer that throws has already removed its temporary file; a complete earlier file at
/// path is left untouched. `kelvin` maps it to exit status 1.
class OutputError : public std::runtime_error {
 public:
  /// action: what failed, as the start of the sentence ("cannot write"). path: the file.
  /// error_number: errno of the failed call. bytes_needed: the size of the write (bytes); 0
  /// when unknown. Free space is measured now (statvfs on path's folder), so construct the
  /// error after removing the temporary file, whose blocks count as free again.
  OutputError(const std::string& action, const std::string& path, int error_number,
              std::uint64_t bytes_needed = 0);

  /// The file that was being written.
  const std::string& path() const noexcept { return m_path; }
  /// errno of the failed call (ENOSPC, EIO, EACCES, ...).
  int error_number() const noexcept { return m_error_number; }
  /// Whether the disk or the user's quota is full (ENOSPC or EDQUOT).
  bool is_out_of_space() const noexcept;

 private:
  std::string m_path;
  int m_error_number;
};

/// Bytes an unprivileged writer may still use on the file system holding path's folder
/// (statvfs: f_bavail * f_frsize); nullopt when the folder cannot be examined.
std::optional<std::uint64_t> free_bytes_for(const std::string& path);


/// The folder part of path ("." when it has none, "/" for a file in the root).
std::string parent_directory(const std::string& path);

}  // namespace kelvin
