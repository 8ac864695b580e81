// The CPU backend's host buffers (kernels/host_pages.hpp): zeroed, aligned, reused mappings
// zeroed again, spares within their cap.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/field.hpp"
#include "kernels/host_pages.hpp"

using namespace kelvin;

namespace {

bool all_zero(const void* p, std::size_t bytes) {
  const auto* c = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < bytes; ++i)
    if (c[i] != 0) return false;
  return true;
}

/// Whether this build keeps freed mappings (not under AddressSanitizer, not off Linux).
bool keeps_spares() {
  void* p = host_alloc_zeroed(kHostPagesMin);
  const std::size_t before = host_pages_spare_bytes();
  host_free(p);
  const bool kept = host_pages_spare_bytes() > before;
  host_free(host_alloc(kHostPagesMin));  // take it back out of the spares
  return kept;
}

}  // namespace

TEST(HostPages, ZeroedBuffersOfEverySizeAreZeroAndAligned) {
  for (const std::size_t bytes : {std::size_t(1), std::size_t(100), std::size_t(4095),
                                  kHostPagesMin - 8, kHostPagesMin, 3 * kHostPagesMin + 5}) {
    void* p = host_alloc_zeroed(bytes);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u) << bytes;
    EXPECT_TRUE(all_zero(p, bytes)) << bytes;
    std::memset(p, 0x5a, bytes);  // every byte writable
    host_free(p);
  }
  EXPECT_EQ(host_alloc_zeroed(0), nullptr);
  host_free(nullptr);
}

TEST(HostPages, AReusedMappingIsZeroedAgain) {
  if (!keeps_spares()) GTEST_SKIP() << "no spare mappings in this build (sanitizer or not Linux)";
  const std::size_t bytes = 2 * kHostPagesMin + 24;
  void* p = host_alloc_zeroed(bytes);
  std::memset(p, 0xab, bytes);
  const std::size_t spare = host_pages_spare_bytes();
  host_free(p);
  EXPECT_GE(host_pages_spare_bytes(), spare + bytes);
  void* q = host_alloc_zeroed(bytes);
  EXPECT_EQ(q, p);  // the spare of the same size came back
  EXPECT_EQ(host_pages_spare_bytes(), spare);
  EXPECT_TRUE(all_zero(q, bytes));
  host_free(q);
}

TEST(HostPages, AFieldOverAFreedOneStartsAtZeroGhostsIncluded) {
  const int n = 64;  // (66^3) doubles: above kHostPagesMin
  {
    Field<double> f(n, n, n);
    const auto w = f.view();
    for (long long p = 0; p < (n + 2LL) * (n + 2) * (n + 2); ++p) w.data[p] = 7.0;
  }
  Field<double> g(n, n, n);
  const auto v = g.cview();
  double sum = 0;
  for (long long p = 0; p < (n + 2LL) * (n + 2) * (n + 2); ++p) sum += v.data[p] * v.data[p];
  EXPECT_EQ(sum, 0.0);
}

TEST(HostPages, SparesStayWithinTheirCap) {
  const std::size_t bytes = 8 * kHostPagesMin;
  std::vector<void*> blocks;
  for (std::size_t held = 0; held < kHostPagesSpareBytes + 4 * bytes; held += bytes)
    blocks.push_back(host_alloc_zeroed(bytes));
  for (void* p : blocks) host_free(p);
  EXPECT_LE(host_pages_spare_bytes(), kHostPagesSpareBytes);
}
