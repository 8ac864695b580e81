// Out-of-line reductions (one instantiation for the whole program).
#include "kernels/reduce.hpp"

namespace kelvin {

double dot(FieldView<const double> a, FieldView<const double> b) {
  return reduce_sum(a.cells(), KELVIN_LAMBDA(int i, int j, int k) { return a(i, j, k) * b(i, j, k); });
}

Sums multi_dot(const DotPairs& pairs) {
  // Unused slots repeat pair 0 (already in cache), so the kernel has no branch per slot.
  DotPairs p = pairs;
  for (int q = p.count; q < kMaxSums; ++q) p.a[q] = p.a[0], p.b[q] = p.b[0];
  Sums s = reduce_sums(p.a[0].cells(), KELVIN_LAMBDA(int i, int j, int k) {
    Sums v;
    for (int q = 0; q < kMaxSums; ++q) v.s[q] = p.a[q](i, j, k) * p.b[q](i, j, k);
    return v;
  });
  for (int q = p.count; q < kMaxSums; ++q) s.s[q] = 0.0;
  return s;
}

}  // namespace kelvin
