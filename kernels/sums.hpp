#pragma once
/// A fixed number of sums taken together (reduce_sums, multi_dot, axpy_sum): host-safe, so
/// declarations outside the kernel layer can name it.
namespace kelvin {

/// The most sums or terms one fused pass takes: Anderson mixing at its depth of 4 needs 8
/// inner products per step (a new Gram row and the right-hand side).
constexpr int kMaxSums = 8;

struct Sums {
  double s[kMaxSums];
};

}  // namespace kelvin
