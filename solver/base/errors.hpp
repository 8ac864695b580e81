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

}  // namespace kelvin
