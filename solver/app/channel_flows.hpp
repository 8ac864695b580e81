#pragma once
/// Where the coolant goes in a solved flow, read from its face mass fluxes on the host: the
/// index of a face flux, and the flow through each cold-plate channel.
#include <cstddef>
#include <vector>

#include "meshes/coldplate.hpp"
#include "meshes/grid.hpp"

namespace kelvin {

/// Index of face (i, j, k) normal to d in a face array of dims n + e_d.
std::size_t face_flux_index(const Grid& g, int d, int i, int j, int k);

/// Flow through every channel of cold plate l across the x-face at fraction `at` of the fin
/// length (|mass flux| summed over the channel's coolant faces, mx the x-face fluxes), kg/s.
std::vector<double> channel_flows(const Grid& g, const ColdPlateLayout& l,
                                  const std::vector<double>& mx, double at);

}  // namespace kelvin
