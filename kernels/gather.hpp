#pragma once
/// CellGather: the values of a field at a fixed list of cells, read in one kernel and one copy
/// to the host (probes every time step: one launch, not one per cell).
#include <array>
#include <vector>

#include "kernels/array.hpp"
#include "kernels/field.hpp"

namespace kelvin {

class CellGather {
 public:
  CellGather() = default;
  explicit CellGather(const std::vector<std::array<int, 3>>& cells);
  /// f at every cell of the list, in its order.
  std::vector<double> values(const Field<double>& f) const;
  std::size_t size() const { return m_n; }

 private:
  std::size_t m_n = 0;
  Array<int> m_ijk;             // 3 per cell
  mutable Array<double> m_out;  // the gathered values, backend memory
};

}  // namespace kelvin
