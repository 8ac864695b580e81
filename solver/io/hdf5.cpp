// H5Writer: builds an HDF5 file in memory and writes it to disk atomically in close().
#include "solver/io/hdf5.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>

#include "solver/io/atomic_file.hpp"
#include "solver/io/hdf5_chunks.hpp"
#include "solver/io/hdf5_internal.hpp"
#include "solver/io/output_error.hpp"

namespace kelvin {
namespace {

using h5detail::check_status;
using h5detail::fail;
using h5detail::Handle;
using h5detail::make_handle;
using h5detail::QuietH5Errors;

/// Chunks of about 1 MiB: the size of HDF5's default chunk cache, large enough for gzip to
/// work well, small enough that reading one plane does not inflate the whole field.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
/// Level 1 compresses floating-point fields almost as well as level 9 at several times the
/// speed; output time matters more than a few percent of disk.
constexpr unsigned kDeflateLevel = 1;
/// The in-memory file grows by this much at a time (realloc, which remaps large blocks).
constexpr std::size_t kCoreIncrement = std::size_t{1} << 20;

/// Link creation properties that create missing intermediate groups and mark names UTF-8.
Handle link_properties(const std::string& prefix, const std::string& what) {
  Handle lcpl = make_handle(H5Pcreate(H5P_LINK_CREATE), H5Pclose, prefix, what);
  check_status(H5Pset_create_intermediate_group(lcpl.get(), 1), prefix, what);
  check_status(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), prefix, what);
  return lcpl;
}

Handle scalar_space(const std::string& prefix, const std::string& what) {
  return make_handle(H5Screate(H5S_SCALAR), H5Sclose, prefix, what);
}

/// Creates dataset_path (and missing groups on the way).
Handle make_dataset(hid_t location, const std::string& prefix, const std::string& dataset_path,
                    hid_t file_type, hid_t space, hid_t dcpl) {
  const std::string what = "dataset '" + dataset_path + "'";
  if (dataset_path.empty() || dataset_path == "/") {
    throw std::runtime_error(prefix + ": empty dataset path");
  }
  const Handle lcpl = link_properties(prefix, what);
  return make_handle(
      H5Dcreate2(location, dataset_path.c_str(), file_type, space, lcpl.get(), dcpl, H5P_DEFAULT),
      H5Dclose, prefix, what);
}

/// Creates dataset_path (and missing groups on the way) and writes data in one go.
void create_dataset(hid_t location, const std::string& prefix, const std::string& dataset_path,
                    hid_t file_type, hid_t mem_type, hid_t space, hid_t dcpl, const void* data) {
  const std::string what = "dataset '" + dataset_path + "'";
  const Handle dataset = make_dataset(location, prefix, dataset_path, file_type, space, dcpl);
  const hssize_t points = H5Sget_select_npoints(space);
  if (points < 0) fail(prefix, what);
  // A zero-sized write is skipped: HDF5 rejects the null buffer an empty vector may give.
  if (points > 0) {
    check_status(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), prefix,
                 what);
  }
}

Handle open_or_create_group(hid_t file, const std::string& prefix, const std::string& group) {
  const std::string path = h5detail::normalised_object_path(group);
  const std::string what = "group '" + path + "'";
  if (h5detail::path_exists(file, path)) {
    return make_handle(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose, prefix, what);
  }
  const Handle lcpl = link_properties(prefix, what);
  return make_handle(H5Gcreate2(file, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                     prefix, what);
}

/// Writes (or replaces) attribute name on the object at object_path.
void put_attribute(hid_t file, const std::string& prefix, const std::string& object_path,
                   const std::string& name, hid_t file_type, hid_t mem_type, hid_t space,
                   const void* data) {
  const std::string object = h5detail::normalised_object_path(object_path);
  const std::string what = "attribute '" + name + "' of '" + object + "'";
  const Handle target =
      make_handle(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose, prefix, what);
  const htri_t exists = H5Aexists(target.get(), name.c_str());
  if (exists < 0) fail(prefix, what);
  if (exists > 0) check_status(H5Adelete(target.get(), name.c_str()), prefix, what);
  const Handle attribute = make_handle(
      H5Acreate2(target.get(), name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
      prefix, what);
  check_status(H5Awrite(attribute.get(), mem_type, data), prefix, what);
}

bool deflate_available() {
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return false;
  unsigned config = 0;
  if (H5Zget_filter_info(H5Z_FILTER_DEFLATE, &config) < 0) return false;
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

/// Chunk shape for dims (slowest first): filled from the fastest axis so a chunk holds whole
/// rows and planes where they fit in kChunkBytes. An empty axis gets chunk 1 (its dataset is
/// then made extendible: HDF5 refuses a chunk larger than a fixed dimension).
std::vector<hsize_t> chunk_dims(const std::vector<hsize_t>& dims, std::size_t element_size) {
  const hsize_t target = std::max<hsize_t>(1, kChunkBytes / element_size);
  std::vector<hsize_t> chunk(dims.size());
  hsize_t inner = 1;
  for (std::size_t d = dims.size(); d-- > 0;) {
    chunk[d] = std::clamp<hsize_t>(target / inner, 1, std::max<hsize_t>(dims[d], 1));
    inner *= chunk[d];
  }
  return chunk;
}

std::string attribute_what(const std::string& object_path, const std::string& name) {
  return "attribute '" + name + "' of '" + h5detail::normalised_object_path(object_path) + "'";
}

/// Refuses at once a folder that is missing or not writable, rather than after the whole file
/// has been built in memory.
void require_writable_folder(const std::string& path) {
  if (::access(parent_directory(path).c_str(), W_OK | X_OK) != 0) {
    throw OutputError("cannot write", path, errno);
  }
}

/// A name for the in-memory file that no other open file has: HDF5 refuses to create a file
/// whose name is already open, and two writers of one path may briefly coexist.
std::string in_memory_name(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  return fmt::format("{} (in memory #{})", path, ++counter);
}

/// Memory for HDF5's core driver through its file image callbacks, so that the buffer it would
/// free when the file closes is kept instead: the file as HDF5 leaves it after a clean close
/// (superblock and checksums final), without a copy.
struct ImageBuffer {
  void* data = nullptr;  ///< malloc'ed; owned once the file is closed
  std::size_t size = 0;  ///< bytes allocated (the file's size rounded up to kCoreIncrement)
  bool kept = false;     ///< HDF5 closed the file and handed the buffer over
  ~ImageBuffer() { std::free(data); }
};

void* image_malloc(std::size_t size, H5FD_file_image_op_t, void* udata) {
  auto* image = static_cast<ImageBuffer*>(udata);
  void* data = std::malloc(size);
  if (data) {
    image->data = data;
    image->size = size;
  }
  return data;
}

void* image_memcpy(void* dest, const void* src, std::size_t size, H5FD_file_image_op_t, void*) {
  return std::memcpy(dest, src, size);
}

void* image_realloc(void* ptr, std::size_t size, H5FD_file_image_op_t, void* udata) {
  auto* image = static_cast<ImageBuffer*>(udata);
  void* data = std::realloc(ptr, size);
  if (data) {
    image->data = data;
    image->size = size;
  }
  return data;
}

herr_t image_free(void* ptr, H5FD_file_image_op_t op, void* udata) {
  auto* image = static_cast<ImageBuffer*>(udata);
  if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE && ptr == image->data) {
    image->kept = true;
    return 0;
  }
  if (ptr == image->data) image->data = nullptr;
  std::free(ptr);
  return 0;
}

// The buffer outlives every copy of the property list, so udata needs no copying.
void* image_udata_copy(void* udata) { return udata; }
herr_t image_udata_free(void*) { return 0; }

}  // namespace

struct H5Writer::Image : ImageBuffer {};

H5Writer::H5Writer(const std::string& path, Checksums checksums)
    : m_path(path), m_checksums(checksums == Checksums::On), m_image(std::make_unique<Image>()) {
  require_writable_folder(path);
  QuietH5Errors quiet;
  const std::string prefix = "cannot write '" + m_path + "'";
  const std::string what = "cannot start the file in memory";
  const Handle fapl = make_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, prefix, what);
  check_status(H5Pset_fapl_core(fapl.get(), kCoreIncrement, /*backing_store=*/0), prefix, what);
  H5FD_file_image_callbacks_t callbacks{image_malloc, image_memcpy,     image_realloc,
                                        image_free,   image_udata_copy, image_udata_free,
                                        m_image.get()};
  check_status(H5Pset_file_image_callbacks(fapl.get(), &callbacks), prefix, what);
  // Strong close: H5Fclose also closes any object a failed write left open.
  check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), prefix, what);
  if (m_checksums) {
    // Version-2 object headers carry a checksum, so attributes and links are covered as well.
    check_status(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), prefix, what);
  }
  m_file =
      make_handle(H5Fcreate(in_memory_name(m_path).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                  H5Fclose, prefix, what)
          .release();
}

H5Writer::~H5Writer() { abandon(); }

H5Writer::H5Writer(H5Writer&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_checksums(other.m_checksums),
      m_file(std::exchange(other.m_file, -1)),
      m_image(std::move(other.m_image)) {}

H5Writer& H5Writer::operator=(H5Writer&& other) noexcept {
  if (this != &other) {
    abandon();
    m_path = std::move(other.m_path);
    m_checksums = other.m_checksums;
    m_file = std::exchange(other.m_file, -1);
    m_image = std::move(other.m_image);
  }
  return *this;
}

void H5Writer::abandon() noexcept {
  if (m_file < 0) return;
  QuietH5Errors quiet;
  H5Fclose(std::exchange(m_file, -1));
  m_image.reset();  // frees the buffer HDF5 handed over
}

void H5Writer::require_open(const std::string& prefix) const {
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
}

std::unique_ptr<H5Writer::Image> H5Writer::take_image() {
  const std::string prefix = "cannot write '" + m_path + "'";
  const std::string what = "cannot assemble the file in memory";
  QuietH5Errors quiet;
  const hid_t file = std::exchange(m_file, -1);
  // The file's size is its end of allocated space, which closing does not grow; the buffer is
  // larger (whole increments).
  const bool flushed = H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0;
  const ssize_t size = flushed ? H5Fget_file_image(file, nullptr, 0) : -1;
  const std::string detail = size < 0 ? h5detail::take_error_stack().detail : "";
  // Closing an in-memory file touches no disk, so it cannot fail the way H5Fclose on a full
  // disk does (after which HDF5 1.10 crashes at exit).
  const bool closed = H5Fclose(file) >= 0;
  std::unique_ptr<Image> image = std::move(m_image);
  if (size < 0 || !closed || !image->kept || image->size < static_cast<std::size_t>(size)) {
    throw std::runtime_error(prefix + ": " + what + (detail.empty() ? "" : ": " + detail));
  }
  image->size = static_cast<std::size_t>(size);
  return image;
}

void H5Writer::close() {
  require_open("cannot write '" + m_path + "'");
  const std::unique_ptr<Image> image = take_image();
  write_file_atomic(m_path, image->data, image->size);
}

void H5Writer::write_array(hid_t location, const std::string& dataset_path,
                           const std::vector<std::uint64_t>& dims, bool compress, hid_t file_type,
                           hid_t mem_type, std::size_t element_size, const void* values) {
  const std::string prefix = "cannot write '" + m_path + "'";
  const std::string what = "dataset '" + dataset_path + "'";
  const std::vector<hsize_t> extent(dims.begin(), dims.end());
  const bool chunked = compress || m_checksums;
  const bool empty = std::find(extent.begin(), extent.end(), 0) != extent.end();
  const Handle dcpl = make_handle(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, prefix, what);
  if (chunked) {
    const std::vector<hsize_t> chunk = chunk_dims(extent, element_size);
    check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), prefix,
                 what);
    if (compress && deflate_available()) {
      // Shuffle groups the bytes of each value by significance, which gzip compresses far better.
      check_status(H5Pset_shuffle(dcpl.get()), prefix, what);
      check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), prefix, what);
    }
    // Last in the pipeline, so the checksum covers the bytes on disk and is verified first on
    // reading, before a damaged chunk reaches the decompressor.
    if (m_checksums) check_status(H5Pset_fletcher32(dcpl.get()), prefix, what);
    // Every element is written at once, so pre-filling with zeros would only cost time.
    check_status(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), prefix, what);
  }
  const std::vector<hsize_t> maxdims =
      chunked && empty ? std::vector<hsize_t>(extent.size(), H5S_UNLIMITED) : extent;
  const Handle space = h5detail::simple_space(extent, prefix, what, maxdims);
  // Shuffled and deflated only (no checksum): the threads compress the chunks and HDF5 stores
  // them ready-made, in the file's type, which must then be the memory's (little-endian IEEE
  // doubles and 32-bit integers on every machine Kelvin builds for).
  if (compress && !m_checksums && !empty && deflate_available() &&
      H5Tequal(mem_type, file_type) > 0) {
    const Handle dataset =
        make_dataset(location, prefix, dataset_path, file_type, space.get(), dcpl.get());
    h5detail::write_deflated_chunks(dataset.get(), extent, chunk_dims(extent, element_size),
                                    element_size, values, kDeflateLevel, prefix, what);
    return;
  }
  create_dataset(location, prefix, dataset_path, file_type, mem_type, space.get(), dcpl.get(),
                 values);
}

void H5Writer::write_vector(const std::string& dataset_path, const std::vector<double>& values) {
  require_open("cannot write '" + m_path + "'");
  QuietH5Errors quiet;
  write_array(m_file, dataset_path, {values.size()}, false, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
              sizeof(double), values.data());
}

void H5Writer::write_field(const std::string& dataset_path, const std::vector<double>& values,
                           int nx, int ny, int nz) {
  write_field_impl(dataset_path, values.data(), values.size(), false, nx, ny, nz);
}

void H5Writer::write_field_int(const std::string& dataset_path,
                               const std::vector<std::int32_t>& values, int nx, int ny, int nz) {
  write_field_impl(dataset_path, values.data(), values.size(), true, nx, ny, nz);
}

void H5Writer::write_field_impl(const std::string& dataset_path, const void* values,
                                std::size_t size, bool is_int, int nx, int ny, int nz) {
  const std::string prefix = "cannot write '" + m_path + "'";
  require_open(prefix);
  const std::string what = "dataset '" + dataset_path + "'";
  if (nx < 1 || ny < 1 || nz < 1) {
    throw std::runtime_error(
        fmt::format("{}: {}: field size {} x {} x {} is not positive", prefix, what, nx, ny, nz));
  }
  const std::size_t cells =
      static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny) * static_cast<std::size_t>(nz);
  if (size != cells) {
    throw std::runtime_error(
        fmt::format("{}: {}: {} values for a {} x {} x {} field", prefix, what, size, nx, ny, nz));
  }
  QuietH5Errors quiet;
  const std::vector<std::uint64_t> dims{static_cast<std::uint64_t>(nz),
                                        static_cast<std::uint64_t>(ny),
                                        static_cast<std::uint64_t>(nx)};
  write_array(m_file, dataset_path, dims, true, is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE,
              is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE,
              is_int ? sizeof(std::int32_t) : sizeof(double), values);
}

void H5Writer::write_table(const std::string& group, const std::vector<std::string>& column_names,
                           const std::vector<std::vector<double>>& columns,
                           const std::vector<std::string>& units) {
  const std::string prefix = "cannot write '" + m_path + "'";
  require_open(prefix);
  const std::string table = "table '" + h5detail::normalised_object_path(group) + "'";
  if (columns.size() != column_names.size()) {
    throw std::runtime_error(fmt::format("{}: {}: {} column names for {} columns", prefix, table,
                                         column_names.size(), columns.size()));
  }
  if (!units.empty() && units.size() != column_names.size()) {
    throw std::runtime_error(fmt::format("{}: {}: {} units for {} columns", prefix, table,
                                         units.size(), column_names.size()));
  }
  std::set<std::string> seen;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::string& name = column_names[c];
    if (name.empty() || name == "." || name.find('/') != std::string::npos) {
      throw std::runtime_error(
          fmt::format("{}: {}: column name '{}' is empty or contains '/'", prefix, table, name));
    }
    if (!seen.insert(name).second) {
      throw std::runtime_error(
          fmt::format("{}: {}: column name '{}' is used twice", prefix, table, name));
    }
    if (columns[c].size() != columns.front().size()) {
      throw std::runtime_error(fmt::format("{}: {}: column '{}' has {} rows, column '{}' has {}",
                                           prefix, table, name, columns[c].size(),
                                           column_names.front(), columns.front().size()));
    }
  }

  QuietH5Errors quiet;
  const Handle g = open_or_create_group(m_file, prefix, group);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::string& name = column_names[c];
    const std::string what = table + " column '" + name + "'";
    write_array(g.get(), name, {columns[c].size()}, false, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                sizeof(double), columns[c].data());
    if (!units.empty() && !units[c].empty()) {
      const Handle type = h5detail::utf8_string_type(prefix, what);
      const Handle scalar = scalar_space(prefix, what);
      const char* text = units[c].c_str();
      put_attribute(g.get(), prefix, name, "units", type.get(), type.get(), scalar.get(), &text);
    }
  }
  const std::string what = table + " attribute 'columns'";
  const Handle type = h5detail::utf8_string_type(prefix, what);
  const Handle space =
      h5detail::simple_space({static_cast<hsize_t>(column_names.size())}, prefix, what);
  std::vector<const char*> names;
  names.reserve(column_names.size());
  for (const std::string& name : column_names) names.push_back(name.c_str());
  put_attribute(g.get(), prefix, ".", "columns", type.get(), type.get(), space.get(), names.data());
}

void H5Writer::write_string(const std::string& dataset_path, const std::string& text) {
  const std::string prefix = "cannot write '" + m_path + "'";
  require_open(prefix);
  const std::string what = "dataset '" + dataset_path + "'";
  if (text.find('\0') != std::string::npos) {
    throw std::runtime_error(prefix + ": " + what + ": text contains a NUL character");
  }
  QuietH5Errors quiet;
  if (m_checksums) {
    // A variable-length string lives in the global heap, which no checksum covers.
    write_array(m_file, dataset_path, {text.size()}, false, H5T_STD_U8LE, H5T_NATIVE_UINT8, 1,
                text.data());
    return;
  }
  const Handle type = h5detail::utf8_string_type(prefix, what);
  const Handle space = scalar_space(prefix, what);
  const char* data = text.c_str();
  create_dataset(m_file, prefix, dataset_path, type.get(), type.get(), space.get(), H5P_DEFAULT,
                 &data);
}

void H5Writer::write_attribute(const std::string& object_path, const std::string& name,
                               double value) {
  const std::string prefix = "cannot write '" + m_path + "'";
  require_open(prefix);
  QuietH5Errors quiet;
  const Handle space = scalar_space(prefix, attribute_what(object_path, name));
  put_attribute(m_file, prefix, object_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(),
                &value);
}

void H5Writer::write_attribute(const std::string& object_path, const std::string& name,
                               const std::string& value) {
  const std::string prefix = "cannot write '" + m_path + "'";
  require_open(prefix);
  const std::string what = attribute_what(object_path, name);
  if (value.find('\0') != std::string::npos) {
    throw std::runtime_error(prefix + ": " + what + ": text contains a NUL character");
  }
  QuietH5Errors quiet;
  const Handle type = h5detail::utf8_string_type(prefix, what);
  const Handle space = scalar_space(prefix, what);
  const char* data = value.c_str();
  put_attribute(m_file, prefix, object_path, name, type.get(), type.get(), space.get(), &data);
}

}  // namespace kelvin
