// check_case()'s checks of the mesh a case asks for, from its 1-D grid axes (cheap at any size,
// nothing per cell is allocated): more cells along an axis than a grid may have is an error at
// the key that asks for them; a worst cell aspect ratio, or a conductivity contrast between
// touching materials, beyond what the solver's verification covers is a warning. (A mesh too big
// in all is the run size's to report, with the largest cell size that fits the memory.)
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "meshes/grid.hpp"
#include "solver/case/checker.hpp"
#include "solver/case/parser.hpp"

namespace kelvin::parse_detail {
namespace {

/// Whether two closed boxes meet (share at least a face point), to a relative 1e-9.
bool touch(const std::array<double, 3>& alo, const std::array<double, 3>& ahi,
           const std::array<double, 3>& blo, const std::array<double, 3>& bhi) {
  for (int d = 0; d < 3; ++d) {
    const double tol = 1e-9 * std::max(ahi[d] - alo[d], bhi[d] - blo[d]);
    if (alo[d] > bhi[d] + tol || blo[d] > ahi[d] + tol) return false;
  }
  return true;
}

/// Largest ratio of the two materials' conductivities along one axis (the one a face between
/// them along that axis sees).
double contrast(const Material& a, const Material& b) {
  double r = 1;
  for (int d = 0; d < 3; ++d) {
    const double ka = a.conductivity_W_mK[d], kb = b.conductivity_W_mK[d];
    r = std::max(r, std::max(ka / kb, kb / ka));
  }
  return r;
}

}  // namespace

void Checker::check_mesh() {
  if (any_error() || !m_has_domain) return;
  std::vector<PaintBox> paint;
  for (const auto& b : m_case.boxes) paint.push_back(PaintBox{b.min_m, b.max_m, 0, b.cell_size_m});
  if (m_plate)
    for (const PaintBox& b : cold_plate_paint_boxes(*m_plate, 0, 1)) paint.push_back(b);
  const auto& h = m_case.mesh.max_cell_size_m;
  const std::string mesh_text = "mesh: max_cell_size " + vec_text(h, "m");

  // Which key asks for the cells: mesh.max_cell_size if the boxes' own cell sizes are not
  // needed for it, else the box with the smallest cell_size.
  const auto culprit = [&](const std::string& what) {
    std::vector<PaintBox> plain = paint;
    for (auto& b : plain) b.cell_size_m = {0, 0, 0};
    bool mesh_alone = false;
    try {
      grid_axes(m_domain.lo, m_domain.hi, h, plain);
    } catch (const std::invalid_argument&) {
      mesh_alone = true;
    }
    std::size_t finest = m_case.boxes.size();
    double finest_h = INFINITY;
    for (std::size_t i = 0; i < m_case.boxes.size(); ++i)
      for (double c : m_case.boxes[i].cell_size_m)
        if (c > 0 && c < finest_h) finest_h = c, finest = i;
    if (mesh_alone || finest == m_case.boxes.size())
      report("mesh.max_cell_size", mesh_text + ": " + what + "; increase mesh.max_cell_size");
    else
      report("boxes[" + std::to_string(finest) + "].cell_size",
             "box " + in_quotes(m_case.boxes[finest].name) + ": cell_size " +
                 vec_text(m_case.boxes[finest].cell_size_m, "m") + ": " + what +
                 "; increase its cell_size");
  };
  GridAxes axes;
  try {
    axes = grid_axes(m_domain.lo, m_domain.hi, h, paint);
  } catch (const std::invalid_argument& e) {
    culprit(e.what());
    return;
  }
  const GridStats stats = axes_stats(axes);
  // The thinnest cells are a box's cell_size when one asks for cells that small.
  const int thin = static_cast<int>(
      std::min_element(stats.min_cell_size_m.begin(), stats.min_cell_size_m.end()) -
      stats.min_cell_size_m.begin());
  std::string at = "mesh.max_cell_size";
  for (std::size_t i = 0; i < m_case.boxes.size(); ++i) {
    const double c = m_case.boxes[i].cell_size_m[static_cast<std::size_t>(thin)];
    if (c > 0 && c <= 1.5 * stats.min_cell_size_m[static_cast<std::size_t>(thin)])
      at = "boxes[" + std::to_string(i) + "].cell_size";
  }
  if (stats.worst_aspect_ratio > kVerifiedAspectRatio * (1 + 1e-9))
    warn(at, "the worst cell aspect ratio is " + num(stats.worst_aspect_ratio) + " (cells from " +
                 vec_text(stats.min_cell_size_m, "m") + " to " +
                 vec_text(stats.max_cell_size_m, "m") + "), beyond the " +
                 num(kVerifiedAspectRatio) +
                 " the solver's verification covers (README \"Verification\"); expect slower "
                 "convergence and check results on a finer mesh along the long axis");
  check_conductivity_contrast();
}

void Checker::check_conductivity_contrast() {
  // Materials of boxes that touch (an over-estimate where a later box hides an earlier one),
  // of the cold plate's metal and coolant, and of the background against every box.
  struct Piece {
    std::array<double, 3> lo, hi;
    int material;
  };
  std::vector<Piece> pieces;
  for (const auto& b : m_case.boxes)
    pieces.push_back({b.min_m, b.max_m, m_case.material_index(b.material)});
  if (m_plate && m_case.coldplate && m_case.coolant) {
    const int metal = m_case.material_index(m_case.coldplate->material);
    const int coolant = m_case.material_index(m_case.coolant->material);
    for (const auto& b : m_plate->boxes)
      pieces.push_back({b.min_m, b.max_m, b.role == ColdPlateRole::Metal ? metal : coolant});
  }
  const int background =
      m_case.domain ? m_case.material_index(m_case.domain->background_material) : -1;
  double worst = 1;
  int wa = -1, wb = -1;
  const auto consider = [&](int a, int b) {
    if (a < 0 || b < 0 || a == b) return;
    const auto& ma = m_case.materials[static_cast<std::size_t>(a)];
    const auto& mb = m_case.materials[static_cast<std::size_t>(b)];
    const double r = contrast(ma, mb);
    if (r > worst) worst = r, wa = a, wb = b;
  };
  // Sweep along x: only pieces whose x spans meet are compared.
  std::sort(pieces.begin(), pieces.end(),
            [](const Piece& a, const Piece& b) { return a.lo[0] < b.lo[0]; });
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    consider(background, pieces[i].material);
    const double reach = pieces[i].hi[0] + 1e-9 * (pieces[i].hi[0] - pieces[i].lo[0]);
    for (std::size_t j = i + 1; j < pieces.size() && pieces[j].lo[0] <= reach; ++j)
      if (pieces[i].material != pieces[j].material &&
          touch(pieces[i].lo, pieces[i].hi, pieces[j].lo, pieces[j].hi))
        consider(pieces[i].material, pieces[j].material);
  }
  if (!(worst > kVerifiedConductivityContrast * (1 + 1e-9))) return;
  const Material& a = m_case.materials[static_cast<std::size_t>(wa)];
  const Material& b = m_case.materials[static_cast<std::size_t>(wb)];
  const bool a_lower = *std::min_element(a.conductivity_W_mK.begin(), a.conductivity_W_mK.end()) <
                       *std::min_element(b.conductivity_W_mK.begin(), b.conductivity_W_mK.end());
  const int at = a_lower ? wa : wb;
  warn("materials[" + std::to_string(at) + "].conductivity",
       "materials " + in_quotes(a.name) + " (" + vec_text(a.conductivity_W_mK, "W/m/K") + ") and " +
           in_quotes(b.name) + " (" + vec_text(b.conductivity_W_mK, "W/m/K") +
           ") touch with a conductivity ratio of " + num(worst) + ", beyond the " +
           num(kVerifiedConductivityContrast) +
           " the solver's verification covers (README \"Verification\")");
}

}  // namespace kelvin::parse_detail
