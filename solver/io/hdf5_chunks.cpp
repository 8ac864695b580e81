// Parallel shuffle + deflate of a dataset's chunks, stored with H5Dwrite_chunk.
#include "solver/io/hdf5_chunks.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "solver/io/hdf5_internal.hpp"

namespace kelvin::h5detail {
namespace {

/// Copies the chunk at (c0, c1, c2) (chunk indices, dims slowest first, padded to 3-D) of a
/// row-major array into `out` (chunk volume elements, zero past the array's edges).
void gather_chunk(const char* values, const hsize_t dims[3], const hsize_t chunk[3],
                  const hsize_t c[3], std::size_t element_size, char* out) {
  const hsize_t lo[3] = {c[0] * chunk[0], c[1] * chunk[1], c[2] * chunk[2]};
  const hsize_t n0 = std::min(chunk[0], dims[0] - lo[0]), n1 = std::min(chunk[1], dims[1] - lo[1]),
                n2 = std::min(chunk[2], dims[2] - lo[2]);
  std::memset(out, 0, chunk[0] * chunk[1] * chunk[2] * element_size);
  for (hsize_t a = 0; a < n0; ++a)
    for (hsize_t b = 0; b < n1; ++b) {
      const hsize_t src = ((lo[0] + a) * dims[1] + (lo[1] + b)) * dims[2] + lo[2];
      const hsize_t dst = (a * chunk[1] + b) * chunk[2];
      std::memcpy(out + dst * element_size, values + src * element_size, n2 * element_size);
    }
}

/// Chunk n of count[0] x count[1] x count[2] (row-major) as its three chunk indices.
void chunk_index(long long n, const hsize_t count[3], hsize_t c[3]) {
  const hsize_t u = static_cast<hsize_t>(n);
  c[0] = u / (count[1] * count[2]);
  c[1] = u / count[2] % count[1];
  c[2] = u % count[2];
}

/// HDF5's shuffle filter: byte j of element i goes to position j n + i (n elements of s bytes),
/// so the bytes of equal significance sit together.
void shuffle(const char* in, std::size_t n, std::size_t s, char* out) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < s; ++j) out[j * n + i] = in[i * s + j];
}

/// Whether every element of a chunk of `bytes` bytes repeats its first (elements of `size`
/// bytes): the chunk equals itself shifted by one element.
bool uniform(const char* raw, std::size_t bytes, std::size_t size) {
  return bytes <= size || std::memcmp(raw, raw + size, bytes - size) == 0;
}

/// One thread's last uniform chunk: its element and its deflated bytes. Fields of material
/// properties and sources are uniform over whole regions, and a uniform chunk of the same
/// element always deflates to the same bytes, so it is compressed once per run of them.
struct UniformChunk {
  std::vector<char> element;
  std::vector<unsigned char> packed;
  bool matches(const char* raw, std::size_t size) const {
    return element.size() == size && std::memcmp(element.data(), raw, size) == 0;
  }
};

}  // namespace

void write_deflated_chunks(hid_t dataset, const std::vector<hsize_t>& dims_in,
                           const std::vector<hsize_t>& chunk_in, std::size_t element_size,
                           const void* values, int level, const std::string& prefix,
                           const std::string& what) {
  if (dims_in.empty() || dims_in.size() > 3 || chunk_in.size() != dims_in.size())
    throw std::runtime_error(prefix + ": " + what + ": parallel chunks need 1 to 3 dimensions");
  // Padded to 3-D with leading extents of 1.
  const std::size_t pad = 3 - dims_in.size();
  hsize_t dims[3] = {1, 1, 1}, chunk[3] = {1, 1, 1}, count[3];
  for (std::size_t d = 0; d < dims_in.size(); ++d) {
    dims[pad + d] = dims_in[d];
    chunk[pad + d] = chunk_in[d];
  }
  for (int d = 0; d < 3; ++d) count[d] = (dims[d] + chunk[d] - 1) / chunk[d];
  const long long chunks = static_cast<long long>(count[0] * count[1] * count[2]);
  const std::size_t elements = chunk[0] * chunk[1] * chunk[2], bytes = elements * element_size;
  std::vector<std::vector<unsigned char>> packed(static_cast<std::size_t>(chunks));
  bool failed = false;
#pragma omp parallel
  {
    std::vector<char> raw(bytes), shuffled(bytes);
    UniformChunk last;
    libdeflate_compressor* z = libdeflate_alloc_compressor(level);
    if (!z) {
#pragma omp atomic write
      failed = true;
    }
#pragma omp for schedule(dynamic)
    for (long long n = 0; n < chunks; ++n) {
      hsize_t c[3];
      chunk_index(n, count, c);
      gather_chunk(static_cast<const char*>(values), dims, chunk, c, element_size, raw.data());
      auto& out = packed[static_cast<std::size_t>(n)];
      const bool same = uniform(raw.data(), bytes, element_size);
      if (same && last.matches(raw.data(), element_size)) {
        out = last.packed;
        continue;
      }
      shuffle(raw.data(), elements, element_size, shuffled.data());
      if (!z) continue;
      out.resize(libdeflate_zlib_compress_bound(z, bytes));
      const std::size_t size =
          libdeflate_zlib_compress(z, shuffled.data(), bytes, out.data(), out.size());
      if (size == 0) {  // cannot happen with the bound's room
#pragma omp atomic write
        failed = true;
      }
      out.resize(size);
      if (same) last = {std::vector<char>(raw.begin(), raw.begin() + element_size), out};
    }
    if (z) libdeflate_free_compressor(z);
  }
  if (failed) throw std::runtime_error(prefix + ": " + what + ": could not compress a chunk");
  for (long long n = 0; n < chunks; ++n) {
    hsize_t c[3];
    chunk_index(n, count, c);
    hsize_t offset[3];
    for (int d = 0; d < 3; ++d) offset[d] = c[d] * chunk[d];
    const auto& out = packed[static_cast<std::size_t>(n)];
    check_status(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, offset + pad, out.size(), out.data()),
                 prefix, what);
  }
}

}  // namespace kelvin::h5detail
