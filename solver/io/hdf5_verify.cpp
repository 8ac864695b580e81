// h5_verify: reads a whole HDF5 file so that every checksum in it is checked.
#include <hdf5.h>

#include <algorithm>
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

struct Object {
  std::string path;
  bool dataset = false;
};

herr_t collect_link(hid_t, const char* name, const H5L_info_t* info, void* data) {
  if (info->type == H5L_TYPE_HARD) static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

herr_t ignore_attribute(hid_t, const char*, const H5A_info_t*, void*) { return 0; }

/// Every object of the file, the root ("/") first, each opened once (so its header is read
/// and its checksum checked). Links are visited rather than objects: H5Lvisit keeps one
/// signature across HDF5 1.10 to 1.14, H5Ovisit does not.
std::vector<Object> all_objects(hid_t file, const std::string& prefix) {
  std::vector<std::string> paths{"/"};
  check_status(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_link, &paths), prefix,
               "the objects of the file");
  std::vector<Object> objects;
  for (const std::string& path : paths) {
    const std::string what = "object '" + path + "'";
    const Handle object =
        make_handle(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose, prefix, what);
    objects.push_back(Object{path, H5Iget_type(object.get()) == H5I_DATASET});
  }
  return objects;
}

bool has_fletcher32(hid_t dataset, const std::string& prefix, const std::string& what) {
  const Handle dcpl = make_handle(H5Dget_create_plist(dataset), H5Pclose, prefix, what);
  const int filters = H5Pget_nfilters(dcpl.get());
  if (filters < 0) fail(prefix, what);
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t values = 0;
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &values,
                                           nullptr, 0, nullptr, &config);
    if (id == H5Z_FILTER_FLETCHER32) return true;
  }
  return false;
}

/// Reads every element of a dataset of fixed-size type (which is what Fletcher-32 checks).
/// Variable-length data live in the global heap, which has no checksum: only opened.
void read_whole(hid_t dataset, const std::string& prefix, const std::string& what) {
  const Handle type = make_handle(H5Dget_type(dataset), H5Tclose, prefix, what);
  if (H5Tis_variable_str(type.get()) > 0 || H5Tdetect_class(type.get(), H5T_VLEN) > 0) return;
  const Handle space = make_handle(H5Dget_space(dataset), H5Sclose, prefix, what);
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  if (points < 0) fail(prefix, what);
  const std::size_t bytes = static_cast<std::size_t>(points) * H5Tget_size(type.get());
  if (bytes == 0) return;
  std::vector<unsigned char> buffer(bytes);
  check_status(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), prefix,
               what);
}

}  // namespace

std::vector<std::string> h5_verify(const std::string& file) {
  h5detail::QuietH5Errors quiet;
  const std::string prefix = "cannot read '" + file + "'";
  const Handle f = h5detail::open_for_reading(file);
  std::vector<std::string> unchecked;
  for (const Object& object : all_objects(f.get(), prefix)) {
    const std::string what = (object.dataset ? "dataset '" : "group '") + object.path + "'";
    hsize_t index = 0;
    check_status(H5Aiterate_by_name(f.get(), object.path.c_str(), H5_INDEX_NAME, H5_ITER_NATIVE,
                                    &index, ignore_attribute, nullptr, H5P_DEFAULT),
                 prefix, what + " attributes");
    if (!object.dataset) continue;
    const Handle ds =
        make_handle(H5Dopen2(f.get(), object.path.c_str(), H5P_DEFAULT), H5Dclose, prefix, what);
    if (!has_fletcher32(ds.get(), prefix, what)) unchecked.push_back(object.path);
    read_whole(ds.get(), prefix, what);
  }
  std::sort(unchecked.begin(), unchecked.end());
  return unchecked;
}

}  // namespace kelvin
