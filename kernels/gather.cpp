#include "kernels/gather.hpp"

#include "kernels/parallel_for.hpp"

namespace kelvin {

namespace {

std::vector<int> flatten(const std::vector<std::array<int, 3>>& cells) {
  std::vector<int> flat;
  flat.reserve(3 * cells.size());
  for (const auto& c : cells) flat.insert(flat.end(), c.begin(), c.end());
  return flat;
}

}  // namespace

CellGather::CellGather(const std::vector<std::array<int, 3>>& cells)
    : m_n(cells.size()), m_ijk(flatten(cells)), m_out(std::vector<double>(cells.size(), 0.0)) {}

std::vector<double> CellGather::values(const Field<double>& f) const {
  if (m_n == 0) return {};
  const auto v = f.cview();
  const int* ijk = m_ijk.data();
  double* out = m_out.data();
  // out[n] = f(i_n, j_n, k_n), one thread per listed cell.
  parallel_for(Box{{0, 0, 0}, {static_cast<int>(m_n), 1, 1}}, KELVIN_LAMBDA(int n, int, int) {
    out[n] = v(ijk[3 * n], ijk[3 * n + 1], ijk[3 * n + 2]);
  });
  return m_out.to_host();
}

}  // namespace kelvin
