#pragma once
// Probe temperatures at their points, not at the centres of the cells holding them.
#include <array>
#include <string>
#include <vector>

#include "kernels/field.hpp"
#include "kernels/gather.hpp"
#include "solver/case/case.hpp"
#include "solver/physics/conduction.hpp"

namespace kelvin {

/// The cells a probe reads and their weights. Inside each cell the profile is linear, and at
/// the face toward the point the heat flux is continuous (contact resistance included), so
/// along axis d, with c the cell holding the point x and n its neighbour on x's side,
///   q'' = (T_c - T_n) / (h_c / k_c + R_contact + h_n / k_n)      (h = half widths along d)
///   T_face,c = T_c - q'' h_c / k_c
///   T(x) = T_c + sum_d s_d (T_face,c - T_c),   s_d = |x_d - centre_d| / h_c  (0 .. 1)
/// exact for a piecewise-linear profile, so a probe on the face between a lid and a TIM reads
/// the face's temperature, not the lid cell's centre a fraction of a millimetre below it.
/// A point beyond the grid's last centre along an axis (no neighbour) keeps the cell's value.
struct ProbeStencil {
  std::string name;
  std::array<int, 3> cell{0, 0, 0};
  std::array<std::array<int, 3>, 3> neighbour{};  // per axis (the cell itself when unused)
  std::array<double, 3> weight{0, 0, 0};          // per axis, of (T_n - T_c)
};

ProbeStencil probe_stencil(const std::string& name, const std::array<double, 3>& x,
                           const ConductionProblem& p);

/// A case's probes, read together: the cells of every stencil gathered in one pass.
class ProbeSet {
 public:
  ProbeSet(const std::vector<Probe>& probes, const ConductionProblem& p);
  /// Temperature at every probe's point, K, in the case's order.
  std::vector<double> values(const Field<double>& T) const;
  const std::vector<ProbeStencil>& stencils() const { return m_stencils; }

 private:
  std::vector<ProbeStencil> m_stencils;
  CellGather m_gather;  // 4 cells per probe: its own, then its neighbour along x, y, z
};

}  // namespace kelvin
