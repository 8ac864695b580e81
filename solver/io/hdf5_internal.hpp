#pragma once
/// HDF5 C API helpers shared by the writer (hdf5.cpp), the readers (hdf5_read.cpp) and the
/// checksum check (hdf5_verify.cpp): owned identifiers, silenced error printing, and the error
/// stack turned into exception text. Internal to solver/io; nothing outside includes it.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kelvin::h5detail {

static_assert(std::is_same_v<hid_t, std::int64_t>, "H5Writer keeps the file's hid_t as int64");

/// Turns off HDF5's automatic printing of error stacks for its lifetime: library code reports
/// through exceptions only. Declare it before any Handle so handles close while it is active.
class QuietH5Errors {
 public:
  QuietH5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &m_func, &m_data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietH5Errors() { H5Eset_auto2(H5E_DEFAULT, m_func, m_data); }
  QuietH5Errors(const QuietH5Errors&) = delete;
  QuietH5Errors& operator=(const QuietH5Errors&) = delete;

 private:
  H5E_auto2_t m_func = nullptr;
  void* m_data = nullptr;
};

/// The current HDF5 error stack, read once and cleared.
struct ErrorStack {
  std::string detail;     ///< API-level message and, in parentheses, the innermost cause.
  bool checksum = false;  ///< Some message reports a failed checksum (data or metadata).
  bool fletcher = false;  ///< The failed checksum is a dataset's Fletcher-32.
};

/// Reads and clears the error stack of this thread.
ErrorStack take_error_stack();

/// Throws for a failed HDF5 call: DamagedFile (damaged_file.hpp) when the error stack reports a
/// failed checksum, else std::runtime_error "prefix: what: detail". what names the object ("dataset
/// 'x'").
[[noreturn]] void fail(const std::string& prefix, const std::string& what);

inline hid_t check(hid_t id, const std::string& prefix, const std::string& what) {
  if (id < 0) fail(prefix, what);
  return id;
}

inline void check_status(herr_t status, const std::string& prefix, const std::string& what) {
  if (status < 0) fail(prefix, what);
}

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : m_id(id), m_closer(closer) {}
  ~Handle() {
    if (m_id >= 0) m_closer(m_id);
  }
  Handle(Handle&& other) noexcept : m_id(std::exchange(other.m_id, -1)), m_closer(other.m_closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  hid_t get() const { return m_id; }
  /// Gives up ownership: the caller closes the identifier.
  hid_t release() { return std::exchange(m_id, -1); }

 private:
  hid_t m_id;
  Closer m_closer;
};

inline Handle make_handle(hid_t id, Handle::Closer closer, const std::string& prefix,
                          const std::string& what) {
  return Handle(check(id, prefix, what), closer);
}

/// A variable-length UTF-8 string type.
Handle utf8_string_type(const std::string& prefix, const std::string& what);

/// A simple dataspace of dims (slowest first); maxdims as given, or fixed when empty.
Handle simple_space(const std::vector<hsize_t>& dims, const std::string& prefix,
                    const std::string& what, const std::vector<hsize_t>& maxdims = {});

/// "/" for an empty path, else path.
inline std::string normalised_object_path(const std::string& path) {
  return path.empty() ? "/" : path;
}

/// Whether every component of path exists as a link ("/" and "" always do).
bool path_exists(hid_t file, const std::string& path);

/// Opens file read-only (file locking where supported), throwing "cannot read 'file': ..."
/// when it is missing or not HDF5 (DamagedFile when its superblock fails its checksum).
Handle open_for_reading(const std::string& file);

}  // namespace kelvin::h5detail
