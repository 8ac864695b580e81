#include "solver/io/hdf5.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "solver/io/atomic_file.hpp"

// H5Pset_file_locking appeared in 1.10.7 and 1.12.1.
#if H5_VERSION_GE(1, 10, 7) && !(H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 12 && H5_VERS_RELEASE == 0)
#define KELVIN_H5_HAS_FILE_LOCKING 1
#else
#define KELVIN_H5_HAS_FILE_LOCKING 0
#endif

namespace kelvin {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>, "H5Writer keeps the file's hid_t as int64");

/// Chunks of about 1 MiB: the size of HDF5's default chunk cache, large enough for gzip to
/// work well, small enough that reading one plane does not inflate the whole field.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
/// Level 1 compresses floating-point fields almost as well as level 9 at several times the
/// speed; output time matters more than a few percent of disk.
constexpr unsigned kDeflateLevel = 1;

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

struct ErrorStackText {
  std::string innermost;
  std::string outermost;
};

herr_t collect_error(unsigned n, const H5E_error2_t* error, void* client_data) {
  auto* text = static_cast<ErrorStackText*>(client_data);
  if (error && error->desc) {
    if (n == 0) text->innermost = error->desc;
    text->outermost = error->desc;
  }
  return 0;
}

/// The current HDF5 error stack as one line: the API-level message and, in parentheses, the
/// innermost one, which usually carries the cause (errno text, "name already exists").
std::string h5_error_detail() {
  ErrorStackText text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &text);
  H5Eclear2(H5E_DEFAULT);
  if (text.outermost.empty()) return "HDF5 error";
  if (text.innermost.empty() || text.innermost == text.outermost) return text.outermost;
  return text.outermost + " (" + text.innermost + ")";
}

[[noreturn]] void fail(const std::string& prefix, const std::string& what) {
  throw std::runtime_error(prefix + ": " + what + ": " + h5_error_detail());
}

hid_t check(hid_t id, const std::string& prefix, const std::string& what) {
  if (id < 0) fail(prefix, what);
  return id;
}

void check_status(herr_t status, const std::string& prefix, const std::string& what) {
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

 private:
  hid_t m_id;
  Closer m_closer;
};

Handle make_handle(hid_t id, Handle::Closer closer, const std::string& prefix,
                   const std::string& what) {
  return Handle(check(id, prefix, what), closer);
}

/// Link creation properties that create missing intermediate groups and mark names UTF-8.
Handle link_properties(const std::string& prefix, const std::string& what) {
  Handle lcpl = make_handle(H5Pcreate(H5P_LINK_CREATE), H5Pclose, prefix, what);
  check_status(H5Pset_create_intermediate_group(lcpl.get(), 1), prefix, what);
  check_status(H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8), prefix, what);
  return lcpl;
}

Handle utf8_string_type(const std::string& prefix, const std::string& what) {
  Handle type = make_handle(H5Tcopy(H5T_C_S1), H5Tclose, prefix, what);
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), prefix, what);
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), prefix, what);
  return type;
}

Handle scalar_space(const std::string& prefix, const std::string& what) {
  return make_handle(H5Screate(H5S_SCALAR), H5Sclose, prefix, what);
}

Handle simple_space(const std::vector<hsize_t>& dims, const std::string& prefix,
                    const std::string& what) {
  return make_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     H5Sclose, prefix, what);
}

/// Creates dataset_path (and missing groups on the way) and writes data in one go.
void create_dataset(hid_t file, const std::string& prefix, const std::string& dataset_path,
                    hid_t file_type, hid_t mem_type, hid_t space, hid_t dcpl, const void* data) {
  const std::string what = "dataset '" + dataset_path + "'";
  if (dataset_path.empty() || dataset_path == "/") {
    throw std::runtime_error(prefix + ": empty dataset path");
  }
  const Handle lcpl = link_properties(prefix, what);
  const Handle dataset = make_handle(
      H5Dcreate2(file, dataset_path.c_str(), file_type, space, lcpl.get(), dcpl, H5P_DEFAULT),
      H5Dclose, prefix, what);
  const hssize_t points = H5Sget_select_npoints(space);
  if (points < 0) fail(prefix, what);
  // A zero-sized write is skipped: HDF5 rejects the null buffer an empty vector may give.
  if (points > 0) {
    check_status(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), prefix,
                 what);
  }
}

/// Whether every component of path exists as a link ("/" and "" always do).
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

std::string normalised_object_path(const std::string& path) { return path.empty() ? "/" : path; }

Handle open_or_create_group(hid_t file, const std::string& prefix, const std::string& group) {
  const std::string path = normalised_object_path(group);
  const std::string what = "group '" + path + "'";
  if (path_exists(file, path)) {
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
  const std::string object = normalised_object_path(object_path);
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
/// rows and planes where they fit in kChunkBytes.
std::array<hsize_t, 3> chunk_dims(const std::array<hsize_t, 3>& dims, std::size_t element_size) {
  const hsize_t target = std::max<hsize_t>(1, kChunkBytes / element_size);
  std::array<hsize_t, 3> chunk{};
  hsize_t inner = 1;
  for (int d = 2; d >= 0; --d) {
    chunk[d] = std::clamp<hsize_t>(target / inner, 1, dims[d]);
    inner *= chunk[d];
  }
  return chunk;
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
  return make_handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, prefix,
                     "cannot open as HDF5");
}

/// Reads count strings of type (variable- or fixed-length) through read(mem_type, buffer).
template <class Read>
std::vector<std::string> read_strings(hid_t type, std::size_t count, Read read,
                                      const std::string& prefix, const std::string& what) {
  if (H5Tget_class(type) != H5T_STRING) {
    throw std::runtime_error(prefix + ": " + what + " is not a string");
  }
  std::vector<std::string> out;
  if (count == 0) return out;
  out.reserve(count);
  const H5T_cset_t cset = H5Tget_cset(type);
  const htri_t variable = H5Tis_variable_str(type);
  if (variable < 0) fail(prefix, what);
  if (variable > 0) {
    const Handle mem = utf8_string_type(prefix, what);
    check_status(H5Tset_cset(mem.get(), cset), prefix, what);
    std::vector<char*> buffers(count, nullptr);
    const herr_t status = read(mem.get(), static_cast<void*>(buffers.data()));
    for (char* buffer : buffers) {
      if (status >= 0) out.emplace_back(buffer ? buffer : "");
      H5free_memory(buffer);
    }
    check_status(status, prefix, what);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  if (size == 0) fail(prefix, what);
  const H5T_str_t pad = H5Tget_strpad(type);
  const Handle mem = make_handle(H5Tcopy(H5T_C_S1), H5Tclose, prefix, what);
  check_status(H5Tset_size(mem.get(), size), prefix, what);
  check_status(H5Tset_strpad(mem.get(), pad), prefix, what);
  check_status(H5Tset_cset(mem.get(), cset), prefix, what);
  std::string buffer(size * count, '\0');
  check_status(read(mem.get(), static_cast<void*>(buffer.data())), prefix, what);
  for (std::size_t i = 0; i < count; ++i) {
    std::string text = buffer.substr(i * size, size);
    if (pad == H5T_STR_SPACEPAD) {
      text.erase(text.find_last_not_of(' ') + 1);
    } else if (pad == H5T_STR_NULLTERM) {
      text.erase(std::min(text.find('\0'), text.size()));
    } else {
      text.erase(text.find_last_not_of('\0') + 1);
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::size_t point_count(hid_t space, const std::string& prefix, const std::string& what) {
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) fail(prefix, what);
  return static_cast<std::size_t>(points);
}

template <class T>
std::vector<T> read_numeric(const std::string& file, const std::string& dataset, hid_t mem_type,
                            bool allow_float) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = "dataset '" + dataset + "'";
  const Handle f = open_for_reading(file);
  const Handle ds =
      make_handle(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, prefix, what);
  const Handle type = make_handle(H5Dget_type(ds.get()), H5Tclose, prefix, what);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && !(allow_float && type_class == H5T_FLOAT)) {
    throw std::runtime_error(prefix + ": " + what + " is not " +
                             (allow_float ? "numeric" : "integer"));
  }
  const Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, prefix, what);
  std::vector<T> values(point_count(space.get(), prefix, what));
  if (!values.empty()) {
    check_status(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), prefix,
                 what);
  }
  return values;
}

/// Opens attribute name of object_path, for the attribute readers.
struct OpenAttribute {
  Handle file;
  Handle attribute;
  Handle type;
  Handle space;
};

OpenAttribute open_attribute(const std::string& file, const std::string& object_path,
                             const std::string& name, const std::string& prefix,
                             const std::string& what) {
  Handle f = open_for_reading(file);
  Handle a = make_handle(H5Aopen_by_name(f.get(), normalised_object_path(object_path).c_str(),
                                         name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, prefix, what);
  Handle type = make_handle(H5Aget_type(a.get()), H5Tclose, prefix, what);
  Handle space = make_handle(H5Aget_space(a.get()), H5Sclose, prefix, what);
  return OpenAttribute{std::move(f), std::move(a), std::move(type), std::move(space)};
}

std::string attribute_what(const std::string& object_path, const std::string& name) {
  return "attribute '" + name + "' of '" + normalised_object_path(object_path) + "'";
}

}  // namespace

H5Writer::H5Writer(const std::string& path)
    : m_path(path), m_temporary_path(temporary_path_for(path)) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot write '" + m_path + "'";
  const std::string what = "cannot create temporary file '" + m_temporary_path + "'";
  const Handle fapl = make_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, prefix, what);
  // Strong close: H5Fclose really closes (and flushes) the file before close() renames it.
  check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), prefix, what);
#if KELVIN_H5_HAS_FILE_LOCKING
  // Nobody else opens a temporary file, and locking fails on some network file systems.
  check_status(H5Pset_file_locking(fapl.get(), false, true), prefix, what);
#endif
  const hid_t file = H5Fcreate(m_temporary_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (file < 0) {
    const std::string detail = h5_error_detail();
    remove_temporary(m_temporary_path);
    throw std::runtime_error(prefix + ": " + what + ": " + detail);
  }
  m_file = file;
}

H5Writer::~H5Writer() { abandon(); }

H5Writer::H5Writer(H5Writer&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temporary_path(std::move(other.m_temporary_path)),
      m_file(std::exchange(other.m_file, -1)) {}

H5Writer& H5Writer::operator=(H5Writer&& other) noexcept {
  if (this != &other) {
    abandon();
    m_path = std::move(other.m_path);
    m_temporary_path = std::move(other.m_temporary_path);
    m_file = std::exchange(other.m_file, -1);
  }
  return *this;
}

void H5Writer::abandon() noexcept {
  if (m_file < 0) return;
  QuietH5Errors quiet;
  H5Fclose(m_file);
  m_file = -1;
  remove_temporary(m_temporary_path);
}

void H5Writer::close() {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  QuietH5Errors quiet;
  const hid_t file = std::exchange(m_file, -1);
  if (H5Fclose(file) < 0) {
    const std::string detail = h5_error_detail();
    remove_temporary(m_temporary_path);
    throw std::runtime_error(prefix + ": closing the file failed: " + detail);
  }
  commit_temporary(m_temporary_path, m_path);
}

void H5Writer::write_vector(const std::string& dataset_path, const std::vector<double>& values) {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  QuietH5Errors quiet;
  const std::string what = "dataset '" + dataset_path + "'";
  const Handle space = simple_space({static_cast<hsize_t>(values.size())}, prefix, what);
  create_dataset(m_file, prefix, dataset_path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(),
                 H5P_DEFAULT, values.data());
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
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
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
  const std::array<hsize_t, 3> dims{static_cast<hsize_t>(nz), static_cast<hsize_t>(ny),
                                    static_cast<hsize_t>(nx)};
  const std::size_t element_size = is_int ? sizeof(std::int32_t) : sizeof(double);
  const std::array<hsize_t, 3> chunk = chunk_dims(dims, element_size);
  const Handle dcpl = make_handle(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, prefix, what);
  check_status(H5Pset_chunk(dcpl.get(), 3, chunk.data()), prefix, what);
  if (deflate_available()) {
    // Shuffle groups the bytes of each value by significance, which gzip compresses far better.
    check_status(H5Pset_shuffle(dcpl.get()), prefix, what);
    check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), prefix, what);
  }
  // Every element is written at once, so pre-filling with zeros would only cost time.
  check_status(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), prefix, what);
  const Handle space = simple_space({dims.begin(), dims.end()}, prefix, what);
  create_dataset(m_file, prefix, dataset_path, is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE,
                 is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, space.get(), dcpl.get(), values);
}

void H5Writer::write_table(const std::string& group, const std::vector<std::string>& column_names,
                           const std::vector<std::vector<double>>& columns,
                           const std::vector<std::string>& units) {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  const std::string table = "table '" + normalised_object_path(group) + "'";
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
    const Handle space = simple_space({static_cast<hsize_t>(columns[c].size())}, prefix, what);
    create_dataset(g.get(), prefix, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(),
                   H5P_DEFAULT, columns[c].data());
    if (!units.empty() && !units[c].empty()) {
      const Handle type = utf8_string_type(prefix, what);
      const Handle scalar = scalar_space(prefix, what);
      const char* text = units[c].c_str();
      put_attribute(g.get(), prefix, name, "units", type.get(), type.get(), scalar.get(), &text);
    }
  }
  const std::string what = table + " attribute 'columns'";
  const Handle type = utf8_string_type(prefix, what);
  const Handle space = simple_space({static_cast<hsize_t>(column_names.size())}, prefix, what);
  std::vector<const char*> names;
  names.reserve(column_names.size());
  for (const std::string& name : column_names) names.push_back(name.c_str());
  put_attribute(g.get(), prefix, ".", "columns", type.get(), type.get(), space.get(), names.data());
}

void H5Writer::write_string(const std::string& dataset_path, const std::string& text) {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  const std::string what = "dataset '" + dataset_path + "'";
  if (text.find('\0') != std::string::npos) {
    throw std::runtime_error(prefix + ": " + what + ": text contains a NUL character");
  }
  QuietH5Errors quiet;
  const Handle type = utf8_string_type(prefix, what);
  const Handle space = scalar_space(prefix, what);
  const char* data = text.c_str();
  create_dataset(m_file, prefix, dataset_path, type.get(), type.get(), space.get(), H5P_DEFAULT,
                 &data);
}

void H5Writer::write_attribute(const std::string& object_path, const std::string& name,
                               double value) {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  QuietH5Errors quiet;
  const Handle space = scalar_space(prefix, attribute_what(object_path, name));
  put_attribute(m_file, prefix, object_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(),
                &value);
}

void H5Writer::write_attribute(const std::string& object_path, const std::string& name,
                               const std::string& value) {
  const std::string prefix = "cannot write '" + m_path + "'";
  if (m_file < 0) throw std::runtime_error(prefix + ": file is already closed");
  const std::string what = attribute_what(object_path, name);
  if (value.find('\0') != std::string::npos) {
    throw std::runtime_error(prefix + ": " + what + ": text contains a NUL character");
  }
  QuietH5Errors quiet;
  const Handle type = utf8_string_type(prefix, what);
  const Handle space = scalar_space(prefix, what);
  const char* data = value.c_str();
  put_attribute(m_file, prefix, object_path, name, type.get(), type.get(), space.get(), &data);
}

std::vector<double> h5_read_vector(const std::string& file, const std::string& dataset) {
  return read_numeric<double>(file, dataset, H5T_NATIVE_DOUBLE, true);
}

std::vector<std::int32_t> h5_read_int_vector(const std::string& file, const std::string& dataset) {
  return read_numeric<std::int32_t>(file, dataset, H5T_NATIVE_INT32, false);
}

std::string h5_read_string(const std::string& file, const std::string& dataset) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = "dataset '" + dataset + "'";
  const Handle f = open_for_reading(file);
  const Handle ds =
      make_handle(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, prefix, what);
  const Handle type = make_handle(H5Dget_type(ds.get()), H5Tclose, prefix, what);
  const Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, prefix, what);
  if (point_count(space.get(), prefix, what) != 1) {
    throw std::runtime_error(prefix + ": " + what + " is not a single string");
  }
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  return read_strings(type.get(), 1, read, prefix, what).front();
}

std::vector<std::size_t> h5_read_dims(const std::string& file, const std::string& dataset) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = "dataset '" + dataset + "'";
  const Handle f = open_for_reading(file);
  const Handle ds =
      make_handle(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, prefix, what);
  const Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, prefix, what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(prefix, what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) {
    check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), prefix, what);
  }
  return {dims.begin(), dims.end()};
}

double h5_read_attribute_double(const std::string& file, const std::string& object_path,
                                const std::string& name) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = attribute_what(object_path, name);
  const OpenAttribute a = open_attribute(file, object_path, name, prefix, what);
  const H5T_class_t type_class = H5Tget_class(a.type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) {
    throw std::runtime_error(prefix + ": " + what + " is not numeric");
  }
  if (point_count(a.space.get(), prefix, what) != 1) {
    throw std::runtime_error(prefix + ": " + what + " is not a single value");
  }
  double value = 0;
  check_status(H5Aread(a.attribute.get(), H5T_NATIVE_DOUBLE, &value), prefix, what);
  return value;
}

std::string h5_read_attribute_string(const std::string& file, const std::string& object_path,
                                     const std::string& name) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = attribute_what(object_path, name);
  const OpenAttribute a = open_attribute(file, object_path, name, prefix, what);
  if (point_count(a.space.get(), prefix, what) != 1) {
    throw std::runtime_error(prefix + ": " + what + " is not a single string");
  }
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Aread(a.attribute.get(), mem, buffer);
  };
  return read_strings(a.type.get(), 1, read, prefix, what).front();
}

std::vector<std::string> h5_read_attribute_strings(const std::string& file,
                                                   const std::string& object_path,
                                                   const std::string& name) {
  QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const std::string what = attribute_what(object_path, name);
  const OpenAttribute a = open_attribute(file, object_path, name, prefix, what);
  const std::size_t count = point_count(a.space.get(), prefix, what);
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Aread(a.attribute.get(), mem, buffer);
  };
  return read_strings(a.type.get(), count, read, prefix, what);
}

bool h5_exists(const std::string& file, const std::string& object_path) {
  QuietH5Errors quiet;
  const Handle f = open_for_reading(file);
  return path_exists(f.get(), object_path);
}

}  // namespace kelvin
