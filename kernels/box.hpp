#pragma once
/// Index boxes: the iteration spaces of every kernel.
#include "kernels/backend.hpp"

namespace kelvin {

/// Below this many cells a CPU loop runs on one thread: waking the team costs more than it
/// saves (the coarse multigrid levels).
constexpr long long kParallelMinCells = 16384;

/// Half-open index box [lo, hi) in three dimensions.
struct Box {
  int lo[3] = {0, 0, 0};
  int hi[3] = {0, 0, 0};

  KELVIN_HD int size(int d) const { return hi[d] > lo[d] ? hi[d] - lo[d] : 0; }
  KELVIN_HD long long volume() const {
    return static_cast<long long>(size(0)) * size(1) * size(2);
  }
  KELVIN_HD bool empty() const { return volume() == 0; }
};

/// Box of all cells of an nx x ny x nz grid.
inline Box make_box(int nx, int ny, int nz) { return Box{{0, 0, 0}, {nx, ny, nz}}; }

}  // namespace kelvin
