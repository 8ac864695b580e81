// The HDF5 readers declared in hdf5.hpp: whole datasets and attributes as plain vectors.
#include <hdf5.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/io/hdf5.hpp"
#include "solver/io/hdf5_internal.hpp"

namespace kelvin {
namespace {

using h5detail::check_status;
using h5detail::fail;
using h5detail::Handle;
using h5detail::make_handle;
using h5detail::open_for_reading;
using h5detail::QuietH5Errors;

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
    const Handle mem = h5detail::utf8_string_type(prefix, what);
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

/// A dataset opened for one of the readers, with what their errors begin with ("cannot read
/// 'file': dataset 'name'"). HDF5 prints no error stack while it lives; declare other handles
/// after it so that they close first.
struct OpenDataset {
  OpenDataset(const std::string& file_name, const std::string& dataset_name)
      : prefix("cannot read '" + file_name + "'"),
        what("dataset '" + dataset_name + "'"),
        file(open_for_reading(file_name)),
        dataset(make_handle(H5Dopen2(file.get(), dataset_name.c_str(), H5P_DEFAULT), H5Dclose,
                            prefix, what)) {}

  Handle type() const { return make_handle(H5Dget_type(dataset.get()), H5Tclose, prefix, what); }
  Handle space() const { return make_handle(H5Dget_space(dataset.get()), H5Sclose, prefix, what); }

  QuietH5Errors quiet;
  const std::string prefix;
  const std::string what;
  const Handle file;
  const Handle dataset;
};

template <class T>
std::vector<T> read_numeric(const std::string& file, const std::string& dataset, hid_t mem_type,
                            bool allow_float) {
  const OpenDataset ds(file, dataset);
  const Handle type = ds.type();
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && !(allow_float && type_class == H5T_FLOAT)) {
    throw std::runtime_error(ds.prefix + ": " + ds.what + " is not " +
                             (allow_float ? "numeric" : "integer"));
  }
  const Handle space = ds.space();
  std::vector<T> values(point_count(space.get(), ds.prefix, ds.what));
  if (!values.empty()) {
    check_status(H5Dread(ds.dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                 ds.prefix, ds.what);
  }
  return values;
}

/// Whether ds is the 1-D unsigned-byte dataset H5Writer::Checksums::On stores a string as.
bool is_byte_string(hid_t type, hid_t space) {
  return H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1 &&
         H5Tget_sign(type) == H5T_SGN_NONE && H5Sget_simple_extent_ndims(space) == 1;
}

std::string read_byte_string(hid_t ds, hid_t space, const std::string& prefix,
                             const std::string& what) {
  std::string text(point_count(space, prefix, what), '\0');
  if (!text.empty()) {
    check_status(H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), prefix,
                 what);
  }
  return text;
}

std::string attribute_what(const std::string& object_path, const std::string& name) {
  return "attribute '" + name + "' of '" + h5detail::normalised_object_path(object_path) + "'";
}

/// Attribute name of object_path opened for the attribute readers, with what their errors begin
/// with ("cannot read 'file': attribute 'name' of 'path'"). HDF5 prints no error stack while it
/// lives.
struct OpenAttribute {
  OpenAttribute(const std::string& file_name, const std::string& object_path,
                const std::string& name)
      : prefix("cannot read '" + file_name + "'"),
        what(attribute_what(object_path, name)),
        file(open_for_reading(file_name)),
        attribute(make_handle(
            H5Aopen_by_name(file.get(), h5detail::normalised_object_path(object_path).c_str(),
                            name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose, prefix, what)),
        type(make_handle(H5Aget_type(attribute.get()), H5Tclose, prefix, what)),
        space(make_handle(H5Aget_space(attribute.get()), H5Sclose, prefix, what)) {}

  QuietH5Errors quiet;
  const std::string prefix;
  const std::string what;
  const Handle file;
  const Handle attribute;
  const Handle type;
  const Handle space;
};

}  // namespace

std::vector<double> h5_read_vector(const std::string& file, const std::string& dataset) {
  return read_numeric<double>(file, dataset, H5T_NATIVE_DOUBLE, true);
}

std::vector<std::int32_t> h5_read_int_vector(const std::string& file, const std::string& dataset) {
  return read_numeric<std::int32_t>(file, dataset, H5T_NATIVE_INT32, false);
}

std::string h5_read_string(const std::string& file, const std::string& dataset) {
  const OpenDataset ds(file, dataset);
  const Handle type = ds.type();
  const Handle space = ds.space();
  if (is_byte_string(type.get(), space.get())) {
    return read_byte_string(ds.dataset.get(), space.get(), ds.prefix, ds.what);
  }
  if (point_count(space.get(), ds.prefix, ds.what) != 1) {
    throw std::runtime_error(ds.prefix + ": " + ds.what + " is not a single string");
  }
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Dread(ds.dataset.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  return read_strings(type.get(), 1, read, ds.prefix, ds.what).front();
}

std::vector<std::size_t> h5_read_dims(const std::string& file, const std::string& dataset) {
  const OpenDataset ds(file, dataset);
  const Handle space = ds.space();
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(ds.prefix, ds.what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) {
    check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), ds.prefix, ds.what);
  }
  return {dims.begin(), dims.end()};
}

double h5_read_attribute_double(const std::string& file, const std::string& object_path,
                                const std::string& name) {
  const OpenAttribute a(file, object_path, name);
  const H5T_class_t type_class = H5Tget_class(a.type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) {
    throw std::runtime_error(a.prefix + ": " + a.what + " is not numeric");
  }
  if (point_count(a.space.get(), a.prefix, a.what) != 1) {
    throw std::runtime_error(a.prefix + ": " + a.what + " is not a single value");
  }
  double value = 0;
  check_status(H5Aread(a.attribute.get(), H5T_NATIVE_DOUBLE, &value), a.prefix, a.what);
  return value;
}

std::string h5_read_attribute_string(const std::string& file, const std::string& object_path,
                                     const std::string& name) {
  const OpenAttribute a(file, object_path, name);
  if (point_count(a.space.get(), a.prefix, a.what) != 1) {
    throw std::runtime_error(a.prefix + ": " + a.what + " is not a single string");
  }
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Aread(a.attribute.get(), mem, buffer);
  };
  return read_strings(a.type.get(), 1, read, a.prefix, a.what).front();
}

std::vector<std::string> h5_read_attribute_strings(const std::string& file,
                                                   const std::string& object_path,
                                                   const std::string& name) {
  const OpenAttribute a(file, object_path, name);
  const std::size_t count = point_count(a.space.get(), a.prefix, a.what);
  const auto read = [&](hid_t mem, void* buffer) {
    return H5Aread(a.attribute.get(), mem, buffer);
  };
  return read_strings(a.type.get(), count, read, a.prefix, a.what);
}

bool h5_exists(const std::string& file, const std::string& object_path) {
  QuietH5Errors quiet;
  const Handle f = open_for_reading(file);
  return h5detail::path_exists(f.get(), object_path);
}

}  // namespace kelvin
