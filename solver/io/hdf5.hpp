#pragma once
/// HDF5 output (results.h5: fields, time series, the resolved case; checkpoint.h5) and the
/// small reader that tests and restarts use. The HDF5 C API stays inside solver/io (hdf5*.cpp);
/// callers see plain vectors.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "solver/io/damaged_file.hpp"

namespace kelvin {

/// Writes one HDF5 file. The file is built in memory (HDF5's core driver: the memory it takes
/// is about the finished file's size) and written to disk only by close(), through
/// write_file_atomic: so path never holds a half-written file, a full disk or an I/O error is
/// one OutputError (solver/io/output_error.hpp) with the exact bytes needed, and HDF5 itself
/// never meets a failing disk (HDF5 1.10 crashes at exit after a failed H5Fclose). A writer
/// destroyed without close() (an exception, a killed run) writes nothing and leaves any earlier
/// file at path untouched. Dataset and group paths are relative to the file root
/// ("grid/x_faces"); intermediate groups are created as needed. Values are SI, as given. Every
/// method throws std::runtime_error naming the final path and the object on failure (including
/// writing to an existing dataset). Move-only; owns the open file.
class H5Writer {
 public:
  /// Whether every dataset carries a Fletcher-32 checksum (checkpoints): then every dataset is
  /// chunked, strings are stored as 1-D uint8 datasets so that they are checksummed too (the
  /// readers below read them back as strings), and the file uses the HDF5 1.8 format, whose
  /// object headers (and so attributes) carry checksums of their own.
  enum class Checksums { Off, On };

  /// Starts the file for path in memory. Throws OutputError at once when path's folder is
  /// missing or not writable (the final file appears at close()).
  explicit H5Writer(const std::string& path, Checksums checksums = Checksums::Off);
  /// Abandons an unclosed file: discards it, writing nothing. Never throws.
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

  /// Scalar variable-length UTF-8 string dataset (for example the resolved case as YAML); with
  /// Checksums::On a 1-D uint8 dataset of its bytes. text must not contain NUL characters.
  void write_string(const std::string& dataset_path, const std::string& text);

  /// Scalar float64 attribute on an existing group or dataset ("/" is the root). Replaces an
  /// attribute of the same name.
  void write_attribute(const std::string& object_path, const std::string& name, double value);
  /// Scalar variable-length UTF-8 string attribute; otherwise as above.
  void write_attribute(const std::string& object_path, const std::string& name,
                       const std::string& value);

  /// Finishes the file and writes it to path atomically (write_file_atomic). Throws
  /// OutputError when the disk refuses it: the temporary file is removed and an earlier file
  /// at path stays intact. The writer is closed afterwards even then: every write throws.
  void close();

  /// True until close() (or after being moved from: false).
  bool is_open() const { return m_file >= 0; }
  /// The final path given to the constructor.
  const std::string& path() const { return m_path; }

 private:
  void write_field_impl(const std::string& dataset_path, const void* values, std::size_t size,
                        bool is_int, int nx, int ny, int nz);
  void write_array(std::int64_t location, const std::string& dataset_path,
                   const std::vector<std::uint64_t>& dims, bool compress, std::int64_t file_type,
                   std::int64_t mem_type, std::size_t element_size, const void* values);
  struct Image;
  std::unique_ptr<Image> take_image();
  void require_open(const std::string& prefix) const;
  void abandon() noexcept;

  std::string m_path;
  bool m_checksums = false;
  std::int64_t m_file = -1;  ///< hid_t of the open in-memory file; -1 when closed.
  /// Receives the in-memory file's bytes when HDF5 closes it (file image callbacks); owned
  /// here so that its address stays put when the writer moves.
  std::unique_ptr<Image> m_image;
};

// The readers below throw std::runtime_error naming the file and the object when either is
// missing or of the wrong kind, and DamagedFile when what they read fails a checksum.

/// Every element of a dataset of any rank, flattened in C order and converted to double.
/// Throws when the dataset is not numeric.
std::vector<double> h5_read_vector(const std::string& file, const std::string& dataset);

/// As h5_read_vector for integer datasets, converted to int32 (float datasets are refused
/// rather than truncated).
std::vector<std::int32_t> h5_read_int_vector(const std::string& file, const std::string& dataset);

/// A scalar string dataset (variable- or fixed-length), or the 1-D uint8 dataset that
/// H5Writer::Checksums::On stores a string as.
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

/// Reads every dataset of file in full and visits every attribute, so that every Fletcher-32
/// checksum and every metadata checksum is checked; throws DamagedFile at the first failure.
/// Returns the paths of the datasets that carry no Fletcher-32 checksum (none for a file
/// written with H5Writer::Checksums::On), sorted. Reads the whole file: meant for checkpoints.
std::vector<std::string> h5_verify(const std::string& file);

}  // namespace kelvin
