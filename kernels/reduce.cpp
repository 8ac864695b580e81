// Out-of-line reductions (one instantiation for the whole program).
#include "kernels/reduce.hpp"

#if defined(KELVIN_USE_CUDA)
#include <map>
#endif

namespace kelvin {

#if defined(KELVIN_USE_CUDA)
namespace {
/// Device blocks by size: free ones to hand out, and those handed out.
struct ScratchBlocks {
  std::multimap<std::size_t, char*> free;
  std::map<char*, std::size_t> used;
};
thread_local ScratchBlocks scratch_blocks;  // never freed: the device's memory goes at exit
}  // namespace

char* ReduceScratch::allocate(std::ptrdiff_t bytes) {
  const std::size_t n = static_cast<std::size_t>(bytes);
  auto it = scratch_blocks.free.lower_bound(n);  // the smallest free block that fits
  char* p = nullptr;
  std::size_t size = n;
  if (it != scratch_blocks.free.end() && it->first <= 2 * n + 4096) {
    size = it->first;
    p = it->second;
    scratch_blocks.free.erase(it);
  } else {
    KELVIN_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&p), n > 0 ? n : 1));
  }
  scratch_blocks.used.emplace(p, size);
  return p;
}

void ReduceScratch::deallocate(char* p, std::size_t) {
  const auto it = scratch_blocks.used.find(p);
  if (it == scratch_blocks.used.end()) return;
  scratch_blocks.free.emplace(it->second, p);
  scratch_blocks.used.erase(it);
}

ReduceScratch& reduce_scratch() {
  thread_local ReduceScratch scratch;
  return scratch;
}
#endif

double dot(FieldView<const double> a, FieldView<const double> b) {
  return reduce_sum(a.cells(), KELVIN_LAMBDA(int i, int j, int k) { return a(i, j, k) * b(i, j, k); });
}

}  // namespace kelvin
