// Zeroed host buffers in their own populated mappings. See host_pages.hpp.
#include "kernels/host_pages.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KELVIN_HOST_ASAN 1
#endif
#endif
#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__) && !defined(KELVIN_HOST_ASAN)
#define KELVIN_HOST_MAPPINGS 1
#include <sys/mman.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#endif

namespace kelvin {

namespace {

constexpr std::size_t kChunk = std::size_t(1) << 20;  // one thread's share of a fill

/// Calls fill(first byte, length) for each kChunk of [p, p + bytes) over the OpenMP threads.
template <class F>
void for_chunks(void* p, std::size_t bytes, F fill) {
  char* c = static_cast<char*>(p);
  const long long n = static_cast<long long>((bytes + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static) if (n > 1)
  for (long long i = 0; i < n; ++i) {
    const std::size_t off = static_cast<std::size_t>(i) * kChunk;
    fill(c + off, off + kChunk < bytes ? kChunk : bytes - off);
  }
}

void* aligned_block(std::size_t bytes) {
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) throw std::bad_alloc();
  return p;
}

#ifdef KELVIN_HOST_MAPPINGS
/// The mappings handed out (address -> length) and the spares kept for reuse.
struct Mappings {
  std::mutex mutex;
  std::unordered_map<void*, std::size_t> live;
  std::vector<std::pair<void*, std::size_t>> spare;  // oldest first
  std::size_t spare_bytes = 0;
};
Mappings& mappings() {
  static Mappings* m = new Mappings;  // never destroyed: fields may outlive static destructors
  return *m;
}

std::size_t page_rounded(std::size_t bytes) {
  const std::size_t page = 4096;
  return (bytes + page - 1) / page * page;
}

/// A spare mapping of exactly `len` bytes, taken out of the spares; nullptr when none.
void* take_spare(Mappings& m, std::size_t len) {
  for (std::size_t i = m.spare.size(); i-- > 0;)
    if (m.spare[i].second == len) {
      void* p = m.spare[i].first;
      m.spare.erase(m.spare.begin() + static_cast<long>(i));
      m.spare_bytes -= len;
      return p;
    }
  return nullptr;
}

/// Unmaps the oldest spares until at most `keep` bytes are held.
void trim_spares(Mappings& m, std::size_t keep) {
  while (m.spare_bytes > keep) {
    munmap(m.spare.front().first, m.spare.front().second);
    m.spare_bytes -= m.spare.front().second;
    m.spare.erase(m.spare.begin());
  }
}

/// A new anonymous mapping of `len` bytes; when refused, the spares are given back first and
/// it is asked for once more (a run near its memory limit must not fail for memory kept idle).
void* new_mapping(Mappings& m, std::size_t len) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) return p;
    if (m.spare_bytes == 0) break;
    trim_spares(m, 0);
  }
  throw std::bad_alloc();
}

/// A mapping of `len` bytes, reused (dirty: *fresh false) or new (zero pages, not yet entered).
void* mapping(std::size_t len, bool& fresh) {
  Mappings& m = mappings();
  std::lock_guard<std::mutex> lock(m.mutex);
  void* p = take_spare(m, len);
  fresh = p == nullptr;
  if (fresh) p = new_mapping(m, len);
  m.live.emplace(p, len);
  return p;
}
#endif

}  // namespace

void* host_alloc(std::size_t bytes) {
  if (!bytes) return nullptr;
#ifdef KELVIN_HOST_MAPPINGS
  if (bytes >= kHostPagesMin) {
    bool fresh = false;
    return mapping(page_rounded(bytes), fresh);
  }
#endif
  return aligned_block(bytes);
}

void* host_alloc_zeroed(std::size_t bytes) {
  if (!bytes) return nullptr;
#ifdef KELVIN_HOST_MAPPINGS
  if (bytes >= kHostPagesMin) {
    bool fresh = false;
    const std::size_t len = page_rounded(bytes);
    void* p = mapping(len, fresh);
    if (fresh)
      // zero pages already; enter them now, every thread a share (memset where refused)
      for_chunks(p, len, [](char* c, std::size_t n) {
        if (madvise(c, n, MADV_POPULATE_WRITE) != 0) std::memset(c, 0, n);
      });
    else
      for_chunks(p, len, [](char* c, std::size_t n) { std::memset(c, 0, n); });
    return p;
  }
#endif
  void* p = aligned_block(bytes);
  // first touch of fresh heap pages: faults and clearing spread over the threads
  for_chunks(p, bytes, [](char* c, std::size_t n) { std::memset(c, 0, n); });
  return p;
}

void host_free(void* p) {
  if (!p) return;
#ifdef KELVIN_HOST_MAPPINGS
  Mappings& m = mappings();
  std::lock_guard<std::mutex> lock(m.mutex);
  const auto it = m.live.find(p);
  if (it != m.live.end()) {
    const std::size_t len = it->second;
    m.live.erase(it);
    m.spare.emplace_back(p, len);
    m.spare_bytes += len;
    trim_spares(m, kHostPagesSpareBytes);  // keep the newest spares within the cap
    return;
  }
#endif
  std::free(p);
}

std::size_t host_pages_spare_bytes() {
#ifdef KELVIN_HOST_MAPPINGS
  Mappings& m = mappings();
  std::lock_guard<std::mutex> lock(m.mutex);
  return m.spare_bytes;
#else
  return 0;
#endif
}

}  // namespace kelvin
