#pragma once
/// Anderson acceleration of a fixed-point iteration x <- G(x) whose state is a set of fields on
/// the device (Walker & Ni 2011, the "type II" form): with residuals f_k = G(x_k) - x_k and the
/// differences dF_i = f_{i+1} - f_i, dG_i = G(x_{i+1}) - G(x_i) of the last m iterations,
///
///   gamma = argmin || W (f_k - dF gamma) ||_2,   x_{k+1} = G(x_k) - dG gamma,
///
/// W a fixed weight per field (1 / its RMS when the history starts) so that velocities and a
/// pressure of very different magnitudes count alike. The m x m normal equations are kept as
/// a Gram matrix updated by one new column per step (m dot products), solved on the host by
/// Cholesky; a column that makes them singular (relative pivot < 1e-12) drops the oldest.
/// Everything per cell stays on the device: 2 m + 2 copies of the state. Per field a step is
/// one fused pass for f, the new columns and the kept copies of f and G(x); 2 m inner products
/// (the new Gram row and the right-hand side); one fused pass for the mixed update. The fused
/// passes do the arithmetic of the separate copies and axpys, bit for bit. The storage
/// is allocated once and kept through reset(), so a solver that restarts the history every
/// time step allocates nothing per step.
///
/// Optional safeguard (max_jump > 0): a mixed iterate that moves some cell more than max_jump
/// times the largest |f_k| away from the plain update G(x_k) is rejected; the step is the plain
/// update and the history restarts from it.
#include <deque>
#include <vector>

#include "kernels/field.hpp"

namespace kelvin {

class AndersonMixer {
 public:
  /// depth: history length m (0 turns mixing off: next = G(x)); max_jump: the safeguard's
  /// ratio, 0 for none.
  explicit AndersonMixer(int depth = 5, double max_jump = 0) : m_depth(depth), m_max_jump(max_jump) {}

  /// x: the iterate G was applied to; g: G(x) on entry, the next iterate on return. The
  /// fields must keep their sizes from call to call (until reset()).
  void mix(const std::vector<const Field<double>*>& x, const std::vector<Field<double>*>& g);
  /// Forgets the history (the map G changed, or the caller restarts); keeps the storage.
  void reset();
  /// Columns in the history now.
  int history() const { return static_cast<int>(m_dF.size()); }
  /// Mixed iterates the safeguard rejected so far.
  int rejected() const { return m_rejected; }

 private:
  using State = std::vector<Field<double>>;
  State make_state(const std::vector<Field<double>*>& like) const;
  /// A column's storage: a spare one if any, else new.
  State take_column(const std::vector<Field<double>*>& like);
  /// Moves the oldest column pair to the spares.
  void drop_oldest();
  /// The new Gram row (returned) and the right-hand side m_rhs.
  void inner_products(std::vector<double>& row);
  bool solve_gamma(std::vector<double>& gamma) const;
  /// The safeguard: true (and g set back to the plain update) if the mixed g jumped too far.
  bool reject_jump(const std::vector<Field<double>*>& g);

  int m_depth;
  double m_max_jump;
  int m_rejected = 0;
  std::vector<double> m_w2;  // squared weight per field
  State m_f, m_g_prev;  // f_k and G(x_k) of the latest step
  bool m_have_prev = false;
  std::deque<State> m_dF, m_dG;
  std::vector<State> m_spare;              // column storage kept from earlier histories
  std::deque<std::vector<double>> m_gram;  // m_gram[i][j] = <dF_i, dF_j>_W, j <= i
  std::vector<double> m_rhs;               // <dF_i, f_k>_W
};

}  // namespace kelvin
