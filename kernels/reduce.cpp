// Out-of-line reductions (one instantiation for the whole program).
#include "kernels/reduce.hpp"

namespace kelvin {

double dot(FieldView<const double> a, FieldView<const double> b) {
  return reduce_sum(a.cells(), KELVIN_LAMBDA(int i, int j, int k) { return a(i, j, k) * b(i, j, k); });
}

}  // namespace kelvin
