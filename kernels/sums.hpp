#pragma once
/// A fixed number of sums taken together (reduce_sums) or terms added in one pass (axpy_sum):
/// host-safe, so declarations outside the kernel layer can name it.
namespace kelvin {

/// The most sums or terms one fused pass takes (multigrid's axis sums: 6; Anderson mixing's
/// update at its depth of 4: 4 terms).
constexpr int kMaxSums = 8;

struct Sums {
  double s[kMaxSums];
};

/// Two sums taken in one pass (reduce_sum2): BiCGStab's fused updates need two inner products.
struct Sum2 {
  double a = 0, b = 0;
};

}  // namespace kelvin
