#pragma once
/// HDF5 output (results.h5: fields, time series, the resolved case) and the small reader that
/// tests and restarts use. The HDF5 C API stays inside hdf5.cpp; callers see plain vectors.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kelvin {

/// Writes one HDF5 file. The file is built at temporary_path_for(path) and renamed into place
/// only by close(), so path never holds a half-written file: a writer destroyed without close()
/// (an exception, a killed run) removes its temporary file and leaves any earlier file at path
/// untouched. Dataset and group paths are relative to the file root ("grid/x_faces");
/// intermediate groups are created as needed. Values are SI, as given. Every method throws
/// std::runtime_error naming the final path and the object on failure (including writing to an
/// existing dataset). Move-only; owns the open file.
class H5Writer {
 public:
  /// Creates the temporary file for path (the final file appears at close()).
  explicit H5Writer(const std::string& path);
  /// Abandons an unclosed file: closes and removes the temporary file. Never throws.
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  H5Writer(H5Writer&& other) noexcept;
  /// Abandons this writer's unclosed file (as the destructor does), then takes other's.
  H5Writer& operator=(H5Writer&& other) noexcept;

  /// 1-D float64 dataset with values (may be empty).
  void write_vector(const std::string& dataset_path, const std::vector<double>& values);

  /// Cell field as a 3-D float64 dataset of dims (nz, ny, nx): C order, so i (x) is fastest as
  /// in values. Chunked and shuffle+gzip compressed when the deflate filter is available.
  void write_field(const std::string& dataset_path, const std::vector<double>& values, int nx,
                   int ny, int nz);

  /// As write_field, for int32 data such as material ids.
  void write_field_int(const std::string& dataset_path, const std::vector<std::int32_t>& values,
                       int nx, int ny, int nz);

  /// A table as one 1-D float64 dataset per column inside group (created if missing; "/" is
  /// the root). All columns must have the same length. units, when not empty, gives one unit
  /// string per column, stored as the column's "units" attribute (empty strings are skipped).
  /// The group gets a "columns" attribute listing the column names in order, since HDF5
  /// lists members alphabetically.
  void write_table(const std::string& group, const std::vector<std::string>& column_names,
                   const std::vector<std::vector<double>>& columns,
                   const std::vector<std::string>& units = {});

  /// Scalar variable-length UTF-8 string dataset (for example the resolved case as YAML).
  /// text must not contain NUL characters.
  void write_string(const std::string& dataset_path, const std::string& text);

  /// Scalar float64 attribute on an existing group or dataset ("/" is the root). Replaces an
  /// attribute of the same name.
  void write_attribute(const std::string& object_path, const std::string& name, double value);
  /// Scalar variable-length UTF-8 string attribute; otherwise as above.
  void write_attribute(const std::string& object_path, const std::string& name,
                       const std::string& value);

  /// Closes the file and renames it to path. After close() every write throws.
  void close();

  /// True until close() (or after being moved from: false).
  bool is_open() const { return m_file >= 0; }
  /// The final path given to the constructor.
  const std::string& path() const { return m_path; }

 private:
  void write_field_impl(const std::string& dataset_path, const void* values, std::size_t size,
                        bool is_int, int nx, int ny, int nz);
  void abandon() noexcept;

  std::string m_path;
  std::string m_temporary_path;
  std::int64_t m_file = -1;  ///< hid_t of the open file; -1 when closed.
};

/// Every element of a dataset of any rank, flattened in C order and converted to double.
/// Throws std::runtime_error naming file and dataset when either is missing or not numeric.
std::vector<double> h5_read_vector(const std::string& file, const std::string& dataset);

/// As h5_read_vector for integer datasets, converted to int32 (float datasets are refused
/// rather than truncated).
std::vector<std::int32_t> h5_read_int_vector(const std::string& file, const std::string& dataset);

/// A scalar string dataset (variable- or fixed-length).
std::string h5_read_string(const std::string& file, const std::string& dataset);

/// The dimensions of a dataset, slowest first (a field written by write_field gives
/// {nz, ny, nx}); empty for a scalar.
std::vector<std::size_t> h5_read_dims(const std::string& file, const std::string& dataset);

/// A scalar numeric attribute of a group or dataset ("/" is the root).
double h5_read_attribute_double(const std::string& file, const std::string& object_path,
                                const std::string& name);

/// A scalar string attribute of a group or dataset ("/" is the root).
std::string h5_read_attribute_string(const std::string& file, const std::string& object_path,
                                     const std::string& name);

/// A 1-D string array attribute, such as the "columns" attribute of a table group.
std::vector<std::string> h5_read_attribute_strings(const std::string& file,
                                                   const std::string& object_path,
                                                   const std::string& name);

/// Whether a group or dataset exists at object_path. Throws when file cannot be opened.
bool h5_exists(const std::string& file, const std::string& object_path);

}  // namespace kelvin
