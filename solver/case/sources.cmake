# The case layer's sources and everything they call: units, coolant properties, the cold-plate
# generator and the grid it locates cells on, the GPU catalogue, the workload (trace files are
# read by validate). One list for the main build's kelvin_case library and for the fuzzer
# (tests/fuzz), so the two cannot drift: the main build links `case_layer_replay` against
# kelvin_case alone, and a call that leaves this list fails that link in every build.
# Needs KELVIN_ROOT (the source tree's root). Link with yaml-cpp, fmt, udunits2 and Eigen3
# (header-only: the fit of user-defined coolants).
file(GLOB KELVIN_CASE_LAYER_SOURCES CONFIGURE_DEPENDS ${KELVIN_ROOT}/solver/case/*.cpp)
list(APPEND KELVIN_CASE_LAYER_SOURCES
  ${KELVIN_ROOT}/solver/base/units.cpp
  ${KELVIN_ROOT}/solver/physics/coolant.cpp
  ${KELVIN_ROOT}/solver/physics/user_coolant.cpp
  ${KELVIN_ROOT}/meshes/coldplate.cpp
  ${KELVIN_ROOT}/meshes/grid.cpp
  ${KELVIN_ROOT}/solver/power/gpu_model.cpp
  ${KELVIN_ROOT}/solver/power/workload.cpp)
