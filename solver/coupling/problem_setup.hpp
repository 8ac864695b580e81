#pragma once
/// Turns a Case (geometry, materials, sources, boundary conditions) into the arrays the
/// conduction solver works on. Host-side, run once per case.
#include <array>

#include "solver/base/errors.hpp"
#include "solver/case/case.hpp"
#include "solver/physics/cht.hpp"
#include "solver/physics/conduction.hpp"
#include "solver/physics/flow.hpp"

namespace kelvin {

/// Largest grid a case may ask for (about 220 bytes a cell, so some 45 GB of solver memory).
constexpr long long kMaxCells = 200'000'000LL;

/// Domain extent: the explicit domain, else the bounding box of all boxes.
void case_domain(const Case& c, std::array<double, 3>& lo, std::array<double, 3>& hi);

/// The boxes a case paints, in order: its own, then its cold plate's (material ids resolved).
std::vector<PaintBox> case_paint_boxes(const Case& c);

/// The grid lines of a case (1-D: cheap at any size axis_lines accepts), with every cell size
/// (mesh.max_cell_size and the boxes' cell_size) multiplied by coarsening.
GridAxes case_grid_axes(const Case& c, double coarsening = 1);

/// Builds the grid from the case's boxes (mesh lines snapped to every box face). Counts the
/// cells from the axes first: a grid over kMaxCells is refused before anything is allocated.
Grid build_case_grid(const Case& c);

/// The volumetric heat (W/m^3 per cell, i fastest) of one source on a grid; SetupError if it
/// covers no cell centre.
std::vector<double> heat_source_field(const HeatSource& s, const Grid& g);

/// Builds the full conduction problem of a case.
ConductionProblem make_conduction_problem(const Case& c);

/// The case's cold plate layout (make_cold_plate of its spec); SetupError if it has none.
ColdPlateLayout case_cold_plate(const Case& c);

/// Every flow port: the case's own plus those of its cold plate (on zmax).
std::vector<FlowPort> case_ports(const Case& c);

/// The coolant of a case with flow (SetupError without one).
CoolantProperties case_coolant(const Case& c);
/// The coolant as the energy equation carries it: case_coolant, with cp fixed at the coolant
/// material's (the inlet temperature's) when coolant.constant_properties is set.
CoolantProperties energy_coolant(const Case& c);

/// Builds the flow problem of a case on its grid: coolant cells, inlets (uniform velocity =
/// flow rate / coolant area of the port), outlets.
FlowProblem make_flow_problem(const Case& c, const Grid& g);

/// Whether face cell (a, b) (tangential axes t1, t2) lies in an optional region of its face.
bool in_region(const Grid& g, int t1, int t2, int a, int b, bool has_region,
               const std::array<double, 2>& lo, const std::array<double, 2>& hi);

/// Calls fn(face cell index, tangential indices a, b) for every face cell of port p whose
/// adjacent cell is coolant.
template <class Fn>
void for_port_cells(const FlowPort& p, const Grid& g, int coolant, Fn fn) {
  const int f = static_cast<int>(p.face), d = f / 2;
  const int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  const int layer = f % 2 == 0 ? 0 : g.n(d) - 1;
  for (int b = 0; b < g.n(t2); ++b)
    for (int a = 0; a < g.n(t1); ++a) {
      if (!in_region(g, t1, t2, a, b, p.has_region, p.region_min_m, p.region_max_m)) continue;
      int c[3];
      c[d] = layer;
      c[t1] = a;
      c[t2] = b;
      if (g.material(c[0], c[1], c[2]) != coolant) continue;
      fn(static_cast<std::size_t>(a) + static_cast<std::size_t>(g.n(t1)) * b, a, b);
    }
}

/// Per domain face cell, the temperature of the coolant entering through it (0 elsewhere).
std::array<std::vector<double>, 6> inflow_temperatures(const Case& c, const Grid& g);

/// The flow solver settings a case asks for (flow: relaxation, tolerance, max_iterations).
FlowSettings case_flow_settings(const Case& c);

/// The coupling iteration's settings from a case (flow: and solver: sections, coolant).
ChtSettings case_cht_settings(const Case& c);

/// Connects the energy equation to the flow's mass fluxes and the case's inlet temperatures
/// (with constant properties, cp of the coolant material, so storage and advection agree).
void couple_energy_to_flow(const Case& c, const Grid& g, const FlowSolver& flow,
                           ConductionSolver& energy);

}  // namespace kelvin
