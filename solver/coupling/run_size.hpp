#pragma once
/// How big a run will be — cells and peak memory — known from the case before any per-cell
/// array is allocated, so that `kelvin validate` can say it and `kelvin run` can refuse a case
/// the machine cannot hold (exit 2) instead of dying in the allocator.
#include <array>
#include <cstddef>
#include <string>

#include "solver/case/case.hpp"

namespace kelvin {

/// Peak resident memory of a run,
///   bytes = kRunBaseBytes + cells * models * (conduction [+ transient])
///           + flows * (kFlowBaseBytes + window cells * kFlowBytesPerCell
///                      + cells * kFlowGridBytesPerCell),
/// the flow's window being the bounding box of the coolant (solver/physics/flow_window.hpp),
/// estimated from the boxes painted with the coolant (an upper bound: later boxes may paint
/// over some of them). Measured on the CPU build (peak RSS, 2-core VM): a 2.05 M-cell
/// conduction cube 626 MB and the 177 k-cell package 96.6 MB steady (HDF5 files built in
/// memory), 138 MB transient; a 300 k-cell all-coolant channel 766 MB; the 1.27 M-cell cold
/// plate (404 k-cell flow window) 1.58 GB, its 46 k-cell -ci variant 89 MB (the B200 -ci plate
/// 86 MB); the 8-GPU board (8 x 90 k cells, two distinct flows) 599 MB. The flow constants fit
/// the channel, the plate and the -ci plates, rounded up, so the estimate errs high.
constexpr double kRunBaseBytes = 32e6;  ///< libraries, case, output buffers
constexpr double kConductionBytesPerCell =
    370;  ///< operator, multigrid, Krylov vectors, output copies
constexpr double kTransientBytesPerCell = 260;  ///< BDF history, predictor, source shapes
/// Fixed per flow: what does not scale with cells (the -ci plates, 46 k cells, need it).
constexpr double kFlowBaseBytes = 8e6;
/// Per window cell of each flow: faces, momentum conductances, momentum and pressure systems
/// and hierarchies, the Anderson history (2 x 4 + 3 copies of u, v, w, p).
constexpr double kFlowBytesPerCell = 1850;
/// Added per window cell by flow.algorithm: coupled: the FGMRES basis, 2 k + 1 blocks of
/// (u, v, w, p) after k iterations, at its cap of 30 (1 950 bytes), scratch fields and the
/// whole momentum hierarchies. Measured: the plate's peak 1.57 -> 1.88 GB (777 bytes per
/// window cell at the up to 18 iterations it took).
constexpr double kCoupledFlowBytesPerCell = 2200;
/// Per grid cell of each flow: the whole-grid mass fluxes the energy equation reads, the
/// advective energy operator, velocity and pressure in the output files.
constexpr double kFlowGridBytesPerCell = 300;

/// The size of a run of a case.
struct RunSize {
  std::array<long long, 3> n{0, 0, 0};  ///< cells along x, y, z
  long long cells = 0;
  int thermal_models = 1;  ///< GPUs (each its own temperatures and operator), else 1
  int flow_fields = 0;     ///< distinct coolant flows solved (one per distinct GPU feed)
  long long flow_window_cells = 0;  ///< cells of the flow's window (upper bound), 0 without flow
  bool transient = false;
  double bytes = 0;  ///< estimated peak memory
};

/// The run size of c with every cell size multiplied by coarsening (1: as given). Throws
/// SetupError when the case cannot be meshed at all (see case_grid_axes).
RunSize estimate_run_size(const Case& c, double coarsening = 1);

/// "177408 cells (84 x 88 x 24), about 93.1 MiB" — for validate and error messages.
std::string describe(const RunSize& size);

/// Throws SetupError when the run needs more than available_bytes: the message gives the
/// estimate, the memory available and the largest mesh.max_cell_size that fits (every cell
/// size scaled by one factor, found by bisection on the axes).
void check_run_fits(const Case& c, std::size_t available_bytes);

}  // namespace kelvin
