#pragma once
/// Array<T>: a 1-D buffer in backend memory (grid spacings, face tables, material tables).
#include <vector>

#include "kernels/memory.hpp"

namespace kelvin {

/// Owner of n values of T in backend memory, filled from the host.
template <class T>
class Array {
 public:
  Array() = default;
  explicit Array(const std::vector<T>& host) : m_n(host.size()) {
    m_data = static_cast<T*>(backend_alloc(m_n * sizeof(T)));
    backend_copy_from_host(m_data, host.data(), m_n * sizeof(T));
  }
  ~Array() { backend_free(m_data); }
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;
  Array(Array&& o) noexcept : m_data(o.m_data), m_n(o.m_n) { o.m_data = nullptr; o.m_n = 0; }
  Array& operator=(Array&& o) noexcept {
    std::swap(m_data, o.m_data);
    std::swap(m_n, o.m_n);
    return *this;
  }
  /// Backend pointer: valid inside kernels, not for host dereference on CUDA.
  const T* data() const { return m_data; }
  T* data() { return m_data; }
  std::size_t size() const { return m_n; }
  std::vector<T> to_host() const {
    std::vector<T> h(m_n);
    backend_copy_to_host(h.data(), m_data, m_n * sizeof(T));
    return h;
  }

 private:
  T* m_data = nullptr;
  std::size_t m_n = 0;
};

}  // namespace kelvin
