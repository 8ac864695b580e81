#pragma once
/// Errors shared by every layer above the numerics: typed so that `main` can map each to its
/// exit status and print one line.
#include <stdexcept>

namespace kelvin {

/// A case that parses but cannot be meshed or set up (e.g. cells covered by no box), or a run
/// that cannot start (a checkpoint of another case). `kelvin` exits 2.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A run whose numbers left every physical range, so that going on would only compute
/// nonsense: a GPU whose power model gives more than ten times its power limit, or whose
/// junction passes 1000 K or is not finite (thermal runaway of a model driven beyond its data,
/// e.g. a huge leakage_growth). what() names the GPU and the simulated time. `kelvin` exits 3.
struct OutOfPhysicalRange : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace kelvin
