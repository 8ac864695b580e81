#pragma once
/// Turns a Case (geometry, materials, sources, boundary conditions) into the arrays the
/// conduction solver works on. Host-side, run once per case.
#include <array>
#include <stdexcept>

#include "solver/case.hpp"
#include "solver/conduction.hpp"

namespace kelvin {

/// A case that parses but cannot be meshed or set up (e.g. cells covered by no box).
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Largest grid a case may ask for (about 220 bytes a cell, so some 45 GB of solver memory).
constexpr long long kMaxCells = 200'000'000LL;

/// Domain extent: the explicit domain, else the bounding box of all boxes.
void case_domain(const Case& c, std::array<double, 3>& lo, std::array<double, 3>& hi);

/// Builds the grid from the case's boxes (mesh lines snapped to every box face).
Grid build_case_grid(const Case& c);

/// Builds the full conduction problem of a case.
ConductionProblem make_conduction_problem(const Case& c);

}  // namespace kelvin
