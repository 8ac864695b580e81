#pragma once
/// Zeroed host buffers of many pages (the CPU backend's fields), cheaper to create than
/// aligned_alloc + memset.
///
/// A fresh buffer's first touch is the cost: one page fault per 4 kB, about 1 us each here,
/// so a 1 M-cell conduction run's 60 k faults took about 30 ms of its 0.2 s set-up and solve.
/// A buffer of at least kHostPagesMin bytes therefore gets its own anonymous mapping, which
/// the kernel hands out zeroed, and its pages are entered in parallel by
/// madvise(MADV_POPULATE_WRITE) over the OpenMP threads (Linux 5.14; where it fails, memset
/// touches them as before): half the time of faulting them one at a time (measured: 256 MB
/// in 37-44 ms against 73-81 ms on the 2-core VM). A freed mapping is kept as a spare (up to
/// kHostPagesSpareBytes in all) and handed to the next request of the same size, zeroed by a
/// parallel memset with no faults, which is what glibc's heap did for such churn; when the
/// system refuses a new mapping, the spares are unmapped and it is asked for once more. Smaller
/// buffers, and every buffer under AddressSanitizer (which must see them), come from
/// aligned_alloc.
#include <cstddef>

namespace kelvin {

constexpr std::size_t kHostPagesMin = std::size_t(1) << 20;
constexpr std::size_t kHostPagesSpareBytes = std::size_t(256) << 20;

/// `bytes` of zeroed host memory, 64-byte aligned; throws std::bad_alloc when refused.
void* host_alloc_zeroed(std::size_t bytes);
/// `bytes` of host memory, 64-byte aligned, contents unspecified.
void* host_alloc(std::size_t bytes);
/// Frees what host_alloc or host_alloc_zeroed returned (nullptr: nothing).
void host_free(void* p);
/// Bytes held in spare mappings (tests).
std::size_t host_pages_spare_bytes();

}  // namespace kelvin
