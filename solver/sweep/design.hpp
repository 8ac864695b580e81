#pragma once
/// A sweep's design expanded into points: full grid, zipped lists, Latin hypercube, and one at
/// a time around the base case.
#include <optional>
#include <string>
#include <vector>

#include "solver/sweep/point_id.hpp"
#include "solver/sweep/sweep_spec.hpp"

namespace kelvin {

/// The points of s, numbered in order; a point equal to an earlier one (same id) is dropped.
/// base_values holds, per parameter, the base case's value text at its key (nullopt where the
/// base case has none); only the one-at-a-time design reads it. Throws SweepError pointing at
/// the parameter for lists of unequal length under zip, or a parameter without a base value
/// under oat.
std::vector<SweepPoint> expand_design(const SweepSpec& s,
                                      const std::vector<std::optional<std::string>>& base_values);

/// The Latin hypercube's own random numbers: std::mt19937_64 (whose sequence the standard
/// fixes) with its own mapping to [0, 1) and to permutations, so the same seed gives the same
/// points with every standard library. For each parameter in order: a permutation of the n
/// strata, then one uniform offset per sample inside its stratum. Returns t in [0, 1) per
/// [parameter][sample]: stratum floor(t * n) is hit once by each parameter.
std::vector<std::vector<double>> latin_hypercube(std::size_t parameters, int samples,
                                                 std::uint64_t seed);

}  // namespace kelvin
