#include "solver/io/hdf5_internal.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "solver/io/damaged_file.hpp"

// H5Pset_file_locking appeared in 1.10.7 and 1.12.1.
#if H5_VERSION_GE(1, 10, 7) && !(H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 12 && H5_VERS_RELEASE == 0)
#define KELVIN_H5_HAS_FILE_LOCKING 1
#else
#define KELVIN_H5_HAS_FILE_LOCKING 0
#endif

namespace kelvin::h5detail {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct WalkState {
  std::string innermost;
  std::string outermost;
  bool checksum = false;
  bool fletcher = false;
};

herr_t collect_error(unsigned n, const H5E_error2_t* error, void* client_data) {
  auto* state = static_cast<WalkState*>(client_data);
  if (error && error->desc) {
    if (n == 0) state->innermost = error->desc;
    state->outermost = error->desc;
    // HDF5 says "data error detected by Fletcher32 checksum" for dataset chunks and
    // "incorrect metadata checksum after all read attempts" for headers and B-trees.
    const std::string text = lower(error->desc);
    if (text.find("checksum") != std::string::npos) state->checksum = true;
    if (text.find("fletcher") != std::string::npos) state->fletcher = true;
  }
  return 0;
}

}  // namespace

ErrorStack take_error_stack() {
  WalkState state;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &state);
  H5Eclear2(H5E_DEFAULT);
  ErrorStack stack;
  stack.checksum = state.checksum;
  stack.fletcher = state.fletcher;
  if (state.outermost.empty()) {
    stack.detail = "HDF5 error";
  } else if (state.innermost.empty() || state.innermost == state.outermost) {
    stack.detail = state.outermost;
  } else {
    stack.detail = state.outermost + " (" + state.innermost + ")";
  }
  return stack;
}

void fail(const std::string& prefix, const std::string& what) {
  const ErrorStack stack = take_error_stack();
  if (stack.checksum) {
    const std::string kind = stack.fletcher ? "Fletcher-32" : "metadata";
    throw DamagedFile(
        prefix + ": " + what + " fails its " + kind + " checksum: the file is damaged", what,
        stack.fletcher);
  }
  throw std::runtime_error(prefix + ": " + what + ": " + stack.detail);
}

Handle utf8_string_type(const std::string& prefix, const std::string& what) {
  Handle type = make_handle(H5Tcopy(H5T_C_S1), H5Tclose, prefix, what);
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), prefix, what);
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), prefix, what);
  return type;
}

Handle simple_space(const std::vector<hsize_t>& dims, const std::string& prefix,
                    const std::string& what, const std::vector<hsize_t>& maxdims) {
  return make_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                      maxdims.empty() ? nullptr : maxdims.data()),
                     H5Sclose, prefix, what);
}

bool path_exists(hid_t file, const std::string& path) {
  std::string partial;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, slash - start);
    if (!part.empty()) {
      partial += "/" + part;
      if (H5Lexists(file, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    start = slash + 1;
  }
  return true;
}

Handle open_for_reading(const std::string& file) {
  const std::string prefix = "cannot read '" + file + "'";
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    throw std::runtime_error(prefix + ": " + std::strerror(errno));
  }
  const Handle fapl = make_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, prefix, "open");
#if KELVIN_H5_HAS_FILE_LOCKING
  // Lock when the file system supports it, but still read where it does not (some NFS mounts).
  check_status(H5Pset_file_locking(fapl.get(), true, true), prefix, "open");
#endif
  const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) {
    const ErrorStack stack = take_error_stack();
    if (stack.checksum) {
      throw DamagedFile(
          prefix + ": its superblock fails its metadata checksum: the file is damaged",
          "superblock", false);
    }
    throw std::runtime_error(prefix + ": cannot open as HDF5: " + stack.detail);
  }
  return Handle(id, H5Fclose);
}

}  // namespace kelvin::h5detail
