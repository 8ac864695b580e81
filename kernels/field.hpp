#pragma once
/// Field<T> owns backend memory for a cell field with one ghost layer; FieldView<T> is the
/// cheap, copyable handle that kernels receive.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/box.hpp"
#include "kernels/memory.hpp"

namespace kelvin {

/// Non-owning view of a padded 3-D field: valid indices are -1..n (one ghost layer).
template <class T>
struct FieldView {
  T* data = nullptr;
  int nx = 0, ny = 0, nz = 0;
  long long sy = 0, sz = 0;  // strides of j and k; i is contiguous

  KELVIN_HD long long index(int i, int j, int k) const {
    return (i + 1) + (j + 1) * sy + (k + 1) * sz;
  }
  KELVIN_HD T& operator()(int i, int j, int k) const {
#ifdef KELVIN_BOUNDS_CHECK
    if (i < -1 || j < -1 || k < -1 || i > nx || j > ny || k > nz) __builtin_trap();
#endif
    return data[index(i, j, k)];
  }
  KELVIN_HD Box cells() const { return Box{{0, 0, 0}, {nx, ny, nz}}; }
  /// Read-only view of the same memory (only for views that are not already read-only).
  template <class U = T, class = std::enable_if_t<!std::is_const<U>::value>>
  KELVIN_HD operator FieldView<const U>() const {
    return {data, nx, ny, nz, sy, sz};
  }
};

/// Owner of a padded field in backend memory (device memory on CUDA, host memory otherwise).
/// Ghost cells are zero unless a kernel writes them.
template <class T>
class Field {
 public:
  Field() = default;
  Field(int nx, int ny, int nz) : m_nx(nx), m_ny(ny), m_nz(nz) {
    m_size = static_cast<std::size_t>(nx + 2) * (ny + 2) * (nz + 2);
    m_data = static_cast<T*>(backend_alloc_zeroed(m_size * sizeof(T)));
  }
  ~Field() { backend_free(m_data); }
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;
  Field(Field&& o) noexcept { swap(o); }
  Field& operator=(Field&& o) noexcept {
    Field tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  void swap(Field& o) noexcept {
    std::swap(m_data, o.m_data);
    std::swap(m_size, o.m_size);
    std::swap(m_nx, o.m_nx);
    std::swap(m_ny, o.m_ny);
    std::swap(m_nz, o.m_nz);
  }

  FieldView<T> view() { return {m_data, m_nx, m_ny, m_nz, m_nx + 2LL, (m_nx + 2LL) * (m_ny + 2)}; }
  FieldView<const T> view() const {
    return {m_data, m_nx, m_ny, m_nz, m_nx + 2LL, (m_nx + 2LL) * (m_ny + 2)};
  }
  FieldView<const T> cview() const { return view(); }
  Box cells() const { return make_box(m_nx, m_ny, m_nz); }
  int nx() const { return m_nx; }
  int ny() const { return m_ny; }
  int nz() const { return m_nz; }
  long long cell_count() const { return static_cast<long long>(m_nx) * m_ny * m_nz; }

  /// Interior values copied to the host, i fastest (the layout of VTK and HDF5 output). On the
  /// CPU backend the field already is host memory and is read in place; on CUDA it is copied
  /// to a padded host buffer first.
  std::vector<T> to_host() const {
#if defined(KELVIN_USE_CUDA)
    std::vector<T> padded(m_size);
    backend_copy_to_host(padded.data(), m_data, m_size * sizeof(T));
    const T* src = padded.data();
#else
    const T* src = m_data;
#endif
    // rows appended, not copied into a zeroed vector: no zeroing pass (a 1 M-cell field's copy
    // 5.3 -> 3.8 ms)
    std::vector<T> out;
    out.reserve(static_cast<std::size_t>(cell_count()));
    const auto v =
        FieldView<const T>{src, m_nx, m_ny, m_nz, m_nx + 2LL, (m_nx + 2LL) * (m_ny + 2)};
    for (int k = 0; k < m_nz; ++k)
      for (int j = 0; j < m_ny; ++j) {
        const T* row = src + v.index(0, j, k);
        out.insert(out.end(), row, row + m_nx);
      }
    return out;
  }
  /// Sets the interior from host values laid out i fastest; ghosts become zero. On the CPU
  /// backend written in place (no padded copy).
  void from_host(const std::vector<T>& values) {
    KELVIN_VERIFY(values.size() == static_cast<std::size_t>(cell_count()), "field size mismatch");
#if defined(KELVIN_USE_CUDA)
    std::vector<T> padded(m_size, T{});
    T* dst = padded.data();
#else
    T* dst = m_data;
#endif
    // whole rows copied, the planes over the OpenMP threads (a 1 M-cell field: element by
    // element with a ghost test each, single-threaded, it took several ms)
    const long long sy = m_nx + 2LL, sz = sy * (m_ny + 2);
    const T* src = values.data();
    const int nx = m_nx, ny = m_ny, nz = m_nz;
#pragma omp parallel for schedule(static) if (cell_count() >= kParallelMinCells)
    for (int k = -1; k <= nz; ++k)
      for (int j = -1; j <= ny; ++j) {
        T* row = dst + (j + 1) * sy + (k + 1) * sz;
        if (k < 0 || k == nz || j < 0 || j == ny) {
          std::fill(row, row + sy, T{});
          continue;
        }
        row[0] = T{};
        std::copy(src + (static_cast<std::size_t>(k) * ny + j) * nx,
                  src + (static_cast<std::size_t>(k) * ny + j + 1) * nx, row + 1);
        row[nx + 1] = T{};
      }
#if defined(KELVIN_USE_CUDA)
    backend_copy_from_host(m_data, padded.data(), m_size * sizeof(T));
#endif
  }

 private:
  T* m_data = nullptr;
  std::size_t m_size = 0;
  int m_nx = 0, m_ny = 0, m_nz = 0;
};

}  // namespace kelvin
