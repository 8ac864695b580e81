// The CPU backend's host buffers (kernels/host_pages.hpp): zeroed, aligned, reused mappings
// zeroed again, spares within their cap and given back when memory runs out.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#ifdef __linux__
#include <sys/resource.h>
#endif

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
  host_free(host_alloc_zeroed(kHostPagesMin));
  const bool kept = host_pages_spare_bytes() > 0;  // the newest spare is always kept
  host_free(host_alloc(kHostPagesMin));  // take it back out of the spares
  return kept;
}

#ifdef __linux__
/// This process's address space in bytes (VmSize of /proc/self/status); 0 when unreadable.
std::size_t address_space_bytes() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmSize: %llu kB", &kb) == 1) break;
  std::fclose(f);
  return static_cast<std::size_t>(kb) * 1024;
}

/// In a child process: frees a 40 MiB mapping (kept as a spare), caps the address space at
/// 16 MiB above what is in use, and asks for 40 MiB + 4 kB, which only fits if the spare is
/// given back. Exits 0 when it got the memory, 5 on bad_alloc.
[[noreturn]] void allocate_past_the_spares() {
  const std::size_t spare = std::size_t(40) << 20;
  host_free(host_alloc(spare));
  const rlimit cap{address_space_bytes() + (std::size_t(16) << 20), RLIM_INFINITY};
  if (cap.rlim_cur == (std::size_t(16) << 20) || setrlimit(RLIMIT_AS, &cap) != 0) std::_Exit(3);
  try {
    void* p = host_alloc(spare + 4096);  // no OpenMP threads: their stacks would need room too
    static_cast<char*>(p)[spare] = 1;
    std::_Exit(0);
  } catch (const std::bad_alloc&) {
    std::_Exit(5);
  }
}
#endif

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

#ifdef __linux__
TEST(HostPages, ARefusedMappingGivesTheSparesBackFirst) {
  if (!keeps_spares()) GTEST_SKIP() << "no spare mappings in this build (sanitizer or not Linux)";
  // "threadsafe" runs the child as a fresh process: a fork of this one would inherit the
  // OpenMP runtime's state without its threads.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(allocate_past_the_spares(), testing::ExitedWithCode(0), "");
}
#endif
