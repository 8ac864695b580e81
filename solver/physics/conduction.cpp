// Finite-volume conduction operator: assembly, steady and implicit transient solves, balances.
#include "solver/physics/conduction.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "solver/base/interrupt.hpp"

namespace kelvin {

namespace {

/// Raw backend pointers of the per-face boundary tables, captured by value in kernels.
struct BoundaryView {
  const double* rinv[6];
  const double* tb[6];
  const double* qb[6];
};

/// Geometry captured by kernels: cell widths per axis and counts.
struct GeomView {
  const double* w[3];
  int n[3];
};

/// Tangential axes of the face normal to axis d, in x, y, z order.
KELVIN_HD inline void tangential(int d, int& t1, int& t2) {
  t1 = d == 0 ? 1 : 0;
  t2 = d == 2 ? 1 : 2;
}

/// Conductance, W/K, from the centre of cell c to boundary face f through its half cell and the
/// boundary's film resistance: A / (w / 2k + rinv); 0 where the face has no conductive path.
KELVIN_HD inline double boundary_conductance(const int c[3], int f, const GeomView& g,
                                             const BoundaryView& bv, const double* kmat, int m,
                                             int& face_index) {
  const int d = f / 2;
  int t1, t2;
  tangential(d, t1, t2);
  face_index = c[t1] + g.n[t1] * c[t2];
  const double rinv = bv.rinv[f][face_index];
  if (rinv < 0) return 0;
  const double area = g.w[t1][c[t1]] * g.w[t2][c[t2]];
  return area / (g.w[d][c[d]] / (2 * kmat[3 * m + d]) + rinv);
}

/// The part of cell c's right-hand side that boundary face f fixes, W: G_b T_b + q'' A.
KELVIN_HD inline double boundary_fixed_term(const int c[3], int f, const GeomView& g,
                                            const BoundaryView& bv, const double* kmat, int m) {
  int fi = 0;
  const double G = boundary_conductance(c, f, g, bv, kmat, m, fi);
  int t1, t2;
  tangential(f / 2, t1, t2);
  return G * bv.tb[f][fi] + bv.qb[f][fi] * g.w[t1][c[t1]] * g.w[t2][c[t2]];
}

/// b = q''' V plus the boundary terms of the domain faces cell c lies on, added face after
/// face (xmin, xmax, ymin, ...) as the assembly adds them: the same sums, bit for bit.
/// The material is read on boundary cells only.
KELVIN_HD inline double assembled_rhs(const int c[3], double q, const GeomView& g,
                                      const BoundaryView& bv, const double* kmat,
                                      const FieldView<const std::int32_t>& mat) {
  double b = q * g.w[0][c[0]] * g.w[1][c[1]] * g.w[2][c[2]];
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2;
    if (c[d] == (f % 2 == 0 ? 0 : g.n[d] - 1))
      b += boundary_fixed_term(c, f, g, bv, kmat, mat(c[0], c[1], c[2]));
  }
  return b;
}

/// Heat entering the domain through boundary face f of cell c, W:
///   G (T_b - T_P) + q'' A
KELVIN_HD inline double boundary_heat_in(const int c[3], int f, const GeomView& g,
                                         const BoundaryView& bv, const double* kmat, int m,
                                         double T) {
  int fi = 0;
  const double G = boundary_conductance(c, f, g, bv, kmat, m, fi);
  const int d = f / 2;
  int t1, t2;
  tangential(d, t1, t2);
  const double area = g.w[t1][c[t1]] * g.w[t2][c[t2]];
  return G * (bv.tb[f][fi] - T) + bv.qb[f][fi] * area;
}

GeomView geom_view(const std::array<Array<double>, 3>& width, const int n[3]) {
  return {{width[0].data(), width[1].data(), width[2].data()}, {n[0], n[1], n[2]}};
}

/// Heat capacity per cell, rho c_p V (rho_cp per material), on the backend. A free function:
/// nvcc takes no device lambda in a constructor.
void fill_heat_capacities(const GeomView& g, const Field<std::int32_t>& material,
                          const std::vector<double>& rho_cp_per_material, Field<double>& mass) {
  const Array<double> rho_cp(rho_cp_per_material);
  const double* rc = rho_cp.data();
  const auto mat = material.cview();
  const auto M = mass.view();
  parallel_for(mass.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    M(i, j, k) = rc[mat(i, j, k)] * (g.w[0][i] * g.w[1][j] * g.w[2][k]);
  });
}

BoundaryView boundary_view(const std::array<Array<double>, 6>& rinv,
                           const std::array<Array<double>, 6>& tb,
                           const std::array<Array<double>, 6>& qb) {
  BoundaryView bv{};
  for (int f = 0; f < 6; ++f) {
    bv.rinv[f] = rinv[f].data();
    bv.tb[f] = tb[f].data();
    bv.qb[f] = qb[f].data();
  }
  return bv;
}

/// Whether cell u (a step along axis a from cell ref) is in the grid and, in a batch stacked
/// along axis ba with sn cells per slab, in ref's slab.
KELVIN_HD inline bool in_slab(const int u[3], const int ref[3], int a, const int n[3], int ba,
                              int sn) {
  return u[a] >= 0 && u[a] < n[a] && (a != ba || u[a] / sn == ref[a] / sn);
}

Box face_slab(const int n[3], int f) {
  Box b = make_box(n[0], n[1], n[2]);
  const int d = f / 2;
  if (f % 2 == 0) b.hi[d] = 1;
  else b.lo[d] = n[d] - 1;
  return b;
}

/// What the assembly reads of the materials: each cell's material, the conductivities (3 per
/// material), the half-cell resistances w_d / 2k_d per (index along d, material), the contact
/// resistances (nm x nm) and the batch's slab axis and cells per slab.
struct MaterialView {
  FieldView<const std::int32_t> mat;
  const double* k;
  const double* half[3];
  const double* contact;
  int nm, batch_axis, slab_n;
};

/// Couplings across the faces normal to D, a_D(c) joining c and c + e_D: conductances in
/// series,  a_D = A / (w_P / 2k_P + w_N / 2k_N + R_contact);  none across the domain's last
/// face nor between the slabs of a batch. One pass per axis, D fixed at compile time; the
/// half-cell resistances come from their table (one division per face instead of three: the
/// cube's assembly 11 -> 8 ms, same values).
template <int D>
void assemble_couplings(const GeomView& g, const MaterialView& mv, FieldView<double> a) {
  constexpr int t1 = D == 0 ? 1 : 0, t2 = D == 2 ? 1 : 2;
  parallel_for(Box{{0, 0, 0}, {g.n[0], g.n[1], g.n[2]}}, KELVIN_LAMBDA(int i, int j, int k) {
    const int c[3] = {i, j, k};
    double val = 0;
    if (c[D] + 1 < g.n[D] && (D != mv.batch_axis || (c[D] + 1) % mv.slab_n != 0)) {
      const int m = mv.mat(i, j, k), mn = mv.mat(i + (D == 0), j + (D == 1), k + (D == 2));
      const double area = g.w[t1][c[t1]] * g.w[t2][c[t2]];
      const double r = mv.half[D][c[D] * mv.nm + m] + mv.half[D][(c[D] + 1) * mv.nm + mn] +
                       mv.contact[m * mv.nm + mn];
      val = area / r;
    }
    a(i, j, k) = val;
  });
}

/// The boundary terms of the cells on domain face f (xmin, xmax, ymin, ...), added to rows
/// assembled without them:  a_P += G_b,  b_a += G_b (a the face's axis),  b += G_b T_b + q'' A
/// (b = q''' V before the first face: assembled_rhs's sums).
void assemble_boundary_face(int f, const GeomView& g, const BoundaryView& bv,
                            const MaterialView& mv, Stencil7& A, Field<double>& b_field) {
  const int d = f / 2;
  const Box face = face_slab(g.n, f);
  const auto ap = A.ap.view();
  const FieldView<double> bnd[3] = {A.bx.view(), A.by.view(), A.bz.view()};
  const auto bd = bnd[d], b = b_field.view();
  const auto mat = mv.mat;
  const double* kmat = mv.k;
  parallel_for(face, KELVIN_LAMBDA(int i, int j, int k) {
    const int c[3] = {i, j, k};
    int fi = 0;
    const double G = boundary_conductance(c, f, g, bv, kmat, mat(i, j, k), fi);
    ap(i, j, k) += G;
    bd(i, j, k) += G;
    b(i, j, k) += boundary_fixed_term(c, f, g, bv, kmat, mat(i, j, k));
  });
}

}  // namespace

bool EnergyBalance::has_heat() const { return heat_in() > kNegligibleHeatW; }

double EnergyBalance::relative_error() const {
  const double scale = std::max(heat_in(), heat_out());
  return scale > 0 ? std::fabs(heat_in() - heat_out()) / scale : 0.0;
}

ConductionSolver::ConductionSolver(const ConductionProblem& p, MultigridOptions mg)
    : m_n{p.grid.n(0), p.grid.n(1), p.grid.n(2)}, m_mg_options(mg) {
  if (p.batch_axis >= 0) {
    m_batch_axis = p.batch_axis;
    m_slabs = p.batch_slabs;
    m_slab_n = m_n[m_batch_axis] / m_slabs;
    // Multigrid keeps every coarse cell inside one slab.
    m_mg_options.batch_axis = m_batch_axis;
    m_mg_options.batch_slabs = m_slabs;
  }
  for (int d = 0; d < 3; ++d) {
    std::vector<double> w(m_n[d]);
    for (int i = 0; i < m_n[d]; ++i) w[i] = p.grid.width(d, i);
    m_width[d] = Array<double>(w);
  }
  for (int f = 0; f < 6; ++f) {
    m_rinv[f] = Array<double>(p.faces[f].rinv);
    m_tb[f] = Array<double>(p.faces[f].temperature_K);
    m_qb[f] = Array<double>(p.faces[f].flux_W_m2);
  }
  m_nmat = static_cast<int>(p.conductivity_W_mK.size());
  std::vector<double> k;
  for (const auto& km : p.conductivity_W_mK) k.insert(k.end(), km.begin(), km.end());
  m_k = Array<double>(k);
  for (int d = 0; d < 3; ++d) {  // w_d / 2k_d per (index along d, material)
    std::vector<double> h(static_cast<std::size_t>(m_n[d]) * m_nmat);
    for (int i = 0; i < m_n[d]; ++i)
      for (int m = 0; m < m_nmat; ++m) h[i * m_nmat + m] = p.grid.width(d, i) / (2 * k[3 * m + d]);
    m_half[d] = Array<double>(h);
  }
  m_contact = Array<double>(p.contact_K_m2_W);
  m_mat = Field<std::int32_t>(m_n[0], m_n[1], m_n[2]);
  m_mat.from_host(p.grid.materials());
  m_q = Field<double>(m_n[0], m_n[1], m_n[2]);
  m_q.from_host(p.source_W_m3);
  m_rho_cp = p.rho_cp_J_m3K;  // the heat capacities follow when a transient needs them
  m_steady = Stencil7(m_n[0], m_n[1], m_n[2]);
  m_b = Field<double>(m_n[0], m_n[1], m_n[2]);
  assemble();
  // The total source never changes: sum it once, not in every step's energy balance.
  m_source_W = sum_sources();
}

const Field<double>& ConductionSolver::heat_capacities() const {
  if (m_mass.cell_count() == 0) {
    m_mass = Field<double>(m_n[0], m_n[1], m_n[2]);
    fill_heat_capacities(geom_view(m_width, m_n), m_mat, m_rho_cp, m_mass);
  }
  return m_mass;
}

double ConductionSolver::sum_sources(const Box* box) const {
  // sum of q''' V over the cells
  const GeomView g = geom_view(m_width, m_n);
  const auto q = m_q.cview();
  return reduce_sum(box ? *box : m_q.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return q(i, j, k) * g.w[0][i] * g.w[1][j] * g.w[2][k];
  });
}

ConductionSolver::~ConductionSolver() = default;

void ConductionSolver::set_source(const Field<double>& base, const Field<double>& u1, double c1,
                                  const Field<double>& u2, double c2) {
  apply_source(m_q.cells(), 0, base, u1, c1, u2, c2);
  m_source_W = sum_sources();
}

void ConductionSolver::set_slab_source(int slab, const Field<double>& base, const Field<double>& u1,
                                       double c1, const Field<double>& u2, double c2) {
  const Box box = slab_box(slab);
  const double before = sum_sources(&box);
  apply_source(box, box.lo[std::max(m_batch_axis, 0)], base, u1, c1, u2, c2);
  m_source_W += sum_sources(&box) - before;
}

void ConductionSolver::apply_source(const Box& box, int offset, const Field<double>& base,
                                    const Field<double>& u1, double c1, const Field<double>& u2,
                                    double c2) {
  // q_new = base + c1 u1 + c2 u2;  b = q_new V + the boundary terms, as assemble() sets it
  // (assembled_rhs), so that b does not depend on the sources' history (a resumed run repeats
  // an uninterrupted one bit for bit), plus the advective terms update_advection() added.
  const GeomView g = geom_view(m_width, m_n);
  const BoundaryView bv = boundary_view(m_rinv, m_tb, m_qb);
  const double* kmat = m_k.data();
  const auto mat = m_mat.cview();
  const auto q0 = base.cview(), a = u1.cview(), bb = u2.cview();
  const auto q = m_q.view();
  const auto b = m_b.view();
  const bool has_base = m_b_base.cell_count() > 0;
  const auto bbase = has_base ? m_b_base.view() : m_b.view();
  const int ax = std::max(m_batch_axis, 0);
  parallel_for(box, KELVIN_LAMBDA(int i, int j, int k) {
    int l[3] = {i, j, k};  // the cell in the source fields
    l[ax] -= offset;
    const double qn = q0(l[0], l[1], l[2]) + c1 * a(l[0], l[1], l[2]) + c2 * bb(l[0], l[1], l[2]);
    if (qn == q(i, j, k)) return;  // b stays as it is, bit for bit
    const int c[3] = {i, j, k};
    const double assembled = assembled_rhs(c, qn, g, bv, kmat, mat);
    // b keeps its advective part b - b_base (none in a solid cell, where b = assembled exactly)
    const double advective = has_base ? b(i, j, k) - bbase(i, j, k) : 0.0;
    if (has_base) bbase(i, j, k) = assembled;
    b(i, j, k) = assembled + advective;
    q(i, j, k) = qn;
  });
}

Box ConductionSolver::slab_box(int slab) const {
  Box b = m_q.cells();
  if (m_batch_axis < 0 || slab < 0) return b;
  b.lo[m_batch_axis] = slab * m_slab_n;
  b.hi[m_batch_axis] = (slab + 1) * m_slab_n;
  return b;
}

Field<double> ConductionSolver::make_field(double value) const {
  Field<double> f(m_n[0], m_n[1], m_n[2]);
  fill(f, value);
  return f;
}

void ConductionSolver::assemble() {
  const GeomView g = geom_view(m_width, m_n);
  const MaterialView mv{m_mat.cview(),
                        m_k.data(),
                        {m_half[0].data(), m_half[1].data(), m_half[2].data()},
                        m_contact.data(),
                        m_nmat,
                        m_batch_axis,
                        m_slab_n};
  assemble_couplings<0>(g, mv, m_steady.ax.view());
  assemble_couplings<1>(g, mv, m_steady.ay.view());
  assemble_couplings<2>(g, mv, m_steady.az.view());
  // Inner rows: a_P = sum of the couplings, no boundary terms, b = q''' V.
  const auto ap = m_steady.ap.view();
  const FieldView<double> bnd[3] = {m_steady.bx.view(), m_steady.by.view(), m_steady.bz.view()};
  const auto b = m_b.view();
  const auto q = m_q.cview();
  const auto ax = m_steady.ax.cview(), ay = m_steady.ay.cview(), az = m_steady.az.cview();
  parallel_for(m_steady.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    ap(i, j, k) = ax(i, j, k) + ax(i - 1, j, k) + ay(i, j, k) + ay(i, j - 1, k) + az(i, j, k) +
                  az(i, j, k - 1);
    bnd[0](i, j, k) = 0;
    bnd[1](i, j, k) = 0;
    bnd[2](i, j, k) = 0;
    b(i, j, k) = q(i, j, k) * g.w[0][i] * g.w[1][j] * g.w[2][k];
  });
  // The cells on each domain face add its terms, face after face (a cell on several faces
  // sums them in the order of f, as one pass over f = 0..5 would).
  const BoundaryView bv = boundary_view(m_rinv, m_tb, m_qb);
  for (int f = 0; f < 6; ++f) assemble_boundary_face(f, g, bv, mv, m_steady, m_b);
}

SolveStats ConductionSolver::linear_solve(Stencil7& A, const Field<double>& b, Field<double>& x,
                                          double tol, int max_iterations,
                                          const IterationCallback& cb, InitialGuess guess) {
  if (A.advective()) return bicgstab_solve(A, *m_mg, b, x, tol, max_iterations, cb, &m_bicg);
  return pcg_solve(A, *m_mg, b, x, tol, max_iterations, cb, &m_pcg, guess);
}

SolveStats ConductionSolver::solve_steady(Field<double>& T, double tol, int max_iterations,
                                          const IterationCallback& cb, double reduction) {
  if (!m_mg || m_mg_on_work || m_adv_changed) {
    m_mg = std::make_unique<Multigrid>(m_steady, m_mg_options);
    m_mg_on_work = false;
    m_adv_changed = false;
    m_adv_dirty = false;
  } else if (m_adv_dirty) {
    m_mg->rebuild();
    m_adv_dirty = false;
  }
  if (reduction > 0) {
    // tol_eff = max(tol, reduction ||b - A T0|| / ||b||); the scratch vector is BiCGStab's
    // own residual vector, overwritten by the solve anyway.
    m_bicg.resize(m_n[0], m_n[1], m_n[2]);
    const double b_norm = norm2(m_b);
    if (b_norm > 0) tol = std::max(tol, reduction * residual(m_steady, T, m_b, m_bicg.r) / b_norm);
  }
  // Steady solves stop on a request (Ctrl-C) after any iteration; transient steps finish theirs,
  // so that the driver can write a checkpoint.
  const IterationCallback polled = [&](int it, double rel) {
    if (cb) cb(it, rel);
    if (interrupt_requested()) {
      char text[96];
      std::snprintf(text, sizeof text,
                    "during the steady temperature solve at iteration %d (relative residual %.2e)",
                    it, rel);
      throw_interrupted(text);
    }
  };
  // A solve to the tolerance itself starts with a full multigrid cycle (the 100^3 cube: 4 CG
  // iterations instead of 6); one that only reduces the residual of a close T does not.
  const InitialGuess guess = reduction > 0 ? InitialGuess::GivenX : InitialGuess::FullMultigrid;
  return linear_solve(m_steady, m_b, T, tol, max_iterations, polled, guess);
}

SolveStats ConductionSolver::solve_step(double dt, const std::array<double, 3>& c,
                                        const Field<double>& T_now, const Field<double>& T_old,
                                        Field<double>& T_new, double tol, int max_iterations,
                                        const IterationCallback& cb) {
  // A_t = A_s + c0 M / dt, b_t = b_s - (c1 T_now + c2 T_old) M / dt
  if (m_rhs.cell_count() == 0) {  // first step: steady runs never pay for these
    m_work = Stencil7(m_n[0], m_n[1], m_n[2]);
    m_rhs = Field<double>(m_n[0], m_n[1], m_n[2]);
  }
  const double c0 = c[0], c1 = c[1], c2 = c[2];
  const auto M = heat_capacities().cview();
  const auto tn = T_now.cview(), to = T_old.cview();
  const auto bs = m_b.cview();
  const auto rhs = m_rhs.view();
  parallel_for(m_rhs.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    rhs(i, j, k) = bs(i, j, k) - (c1 * tn(i, j, k) + c2 * to(i, j, k)) * M(i, j, k) / dt;
  });
  if (dt != m_last_dt || c0 != m_last_c0 || !m_mg_on_work || m_adv_dirty) {
    const auto aps = m_steady.ap.cview();
    const auto apw = m_work.ap.view();
    parallel_for(m_work.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      apw(i, j, k) = aps(i, j, k) + c0 * M(i, j, k) / dt;
    });
    if (m_last_dt < 0 || m_adv_dirty) {  // advection changes the couplings with the flow
      copy(m_steady.ax, m_work.ax);
      copy(m_steady.ay, m_work.ay);
      copy(m_steady.az, m_work.az);
      copy(m_steady.bx, m_work.bx);
      copy(m_steady.by, m_work.by);
      copy(m_steady.bz, m_work.bz);
      if (m_adv) {
        m_work.enable_advection();
        for (int d = 0; d < 3; ++d) {
          copy(m_steady.up[d], m_work.up[d]);
          copy(m_steady.lo[d], m_work.lo[d]);
        }
      }
    }
    if (!m_mg || !m_mg_on_work || m_adv_changed) m_mg = std::make_unique<Multigrid>(m_work, m_mg_options);
    else m_mg->rebuild();
    m_adv_changed = false;
    m_adv_dirty = false;
    m_mg_on_work = true;
    m_last_dt = dt;
    m_last_c0 = c0;
  }
  return linear_solve(m_work, m_rhs, T_new, tol, max_iterations, cb);
}

double ConductionSolver::storage_rate(double dt, const std::array<double, 3>& c,
                                      const Field<double>& T_new, const Field<double>& T_now,
                                      const Field<double>& T_old) const {
  const double c0 = c[0], c1 = c[1], c2 = c[2];
  const auto M = heat_capacities().cview();
  const auto tn1 = T_new.cview(), tn = T_now.cview(), to = T_old.cview();
  return reduce_sum(T_new.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return M(i, j, k) * (c0 * tn1(i, j, k) + c1 * tn(i, j, k) + c2 * to(i, j, k)) / dt;
  });
}

double ConductionSolver::stored_energy(const Field<double>& T) const {
  const auto M = heat_capacities().cview();
  const auto t = T.cview();
  return reduce_sum(T.cells(), KELVIN_LAMBDA(int i, int j, int k) { return M(i, j, k) * t(i, j, k); });
}

MaterialStats ConductionSolver::material_stats(const Field<double>& T, int m) const {
  const double* w0 = m_width[0].data();
  const double* w1 = m_width[1].data();
  const double* w2 = m_width[2].data();
  const auto mat = m_mat.cview();
  const auto t = T.cview();
  MaterialStats s;
  s.volume_m3 = reduce_sum(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return mat(i, j, k) == m ? w0[i] * w1[j] * w2[k] : 0.0;
  });
  if (!(s.volume_m3 > 0)) return s;
  s.mean_K = reduce_sum(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return mat(i, j, k) == m ? w0[i] * w1[j] * w2[k] * t(i, j, k) : 0.0;
  }) / s.volume_m3;
  s.max_K = material_max(T, m);
  s.min_K = reduce_min(T.cells(), KELVIN_LAMBDA(int i, int j, int k) {
    return mat(i, j, k) == m ? t(i, j, k) : 1e300;
  });
  return s;
}

double ConductionSolver::material_max(const Field<double>& T, int m, int slab) const {
  const auto mat = m_mat.cview();
  const auto t = T.cview();
  return reduce_max(slab_box(slab), KELVIN_LAMBDA(int i, int j, int k) {
    return mat(i, j, k) == m ? t(i, j, k) : -1e300;
  });
}

double ConductionSolver::cell_value(const Field<double>& T, int i, int j, int k) {
  const auto t = T.cview();
  return reduce_sum(Box{{i, j, k}, {i + 1, j + 1, k + 1}},
                    KELVIN_LAMBDA(int a, int b, int c) { return t(a, b, c); });
}

EnergyBalance ConductionSolver::energy_balance(const Field<double>& T, double storage_W) const {
  EnergyBalance eb;
  const GeomView g = geom_view(m_width, m_n);
  const BoundaryView bv = boundary_view(m_rinv, m_tb, m_qb);
  const double* kmat = m_k.data();
  const auto mat = m_mat.cview();
  const auto t = T.cview();
  eb.source_W = m_source_W;
  for (int f = 0; f < 6; ++f) {
    const Box slab = face_slab(m_n, f);
    const double in = reduce_sum(slab, KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      const double v = boundary_heat_in(c, f, g, bv, kmat, mat(i, j, k), t(i, j, k));
      return v > 0 ? v : 0.0;
    });
    const double out = reduce_sum(slab, KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      const double v = boundary_heat_in(c, f, g, bv, kmat, mat(i, j, k), t(i, j, k));
      return v < 0 ? -v : 0.0;
    });
    eb.boundary_in_W += in;
    eb.boundary_out_W += out;
    eb.face_net_in_W[f] = in - out;
  }
  eb.storage_W = storage_W;
  if (m_adv) eb.advected_W = advected_heat(T);
  return eb;
}

namespace {

/// Mean heat capacity over [Ta, Tb]: (h(Tb) - h(Ta)) / (Tb - Ta) by 3-point Gauss-Legendre
/// quadrature of cp, exact for the correlations' polynomials up to degree 5.
KELVIN_HD inline double secant_cp(const CoolantProperties& c, double Ta, double Tb) {
  const double m = 0.5 * (Ta + Tb), h = 0.5 * (Tb - Ta), x = 0.7745966692414834 * h;
  return (5.0 * c.specific_heat(m - x) + 8.0 * c.specific_heat(m) + 5.0 * c.specific_heat(m + x)) / 18.0;
}

/// Van Leer limiter as the face weight phi = psi(r)/2 in [0, 1]:
/// T_f = T_U + phi (T_D - T_U), r = (T_U - T_UU) / (T_D - T_U).
KELVIN_HD inline double van_leer_weight(double T_uu, double T_u, double T_d) {
  const double num = T_u - T_uu, den = T_d - T_u;
  if (num * den <= 0) return 0.0;  // extremum or flat: upwind (bounded)
  const double r = num / den;
  return r / (1.0 + r);  // psi = 2r/(1+r)
}

/// Cell c shifted by s along axis a.
KELVIN_HD inline void step(const int c[3], int a, int s, int o[3]) {
  o[0] = c[0] + (a == 0 ? s : 0);
  o[1] = c[1] + (a == 1 ? s : 0);
  o[2] = c[2] + (a == 2 ? s : 0);
}

/// Share of the coolant entering cell c that the upwind operator carries: 1 - (backflow
/// through an outlet) / (all inflow). Backflow enters at the cell's own temperature, so it
/// puts nothing on the diagonal; a cell fed by it alone has only diffusion there, and the TVD
/// correction of its outflow faces, scaled by this share, must vanish with it or the deferred
/// correction has no diagonal to act against (it swung outlet cells by 10 K per update).
KELVIN_HD inline double carried_inflow_share(const int c[3], const int n[3],
                                             const FieldView<const double> mf[3],
                                             const double* const tin[6]) {
  double all = 0, back = 0;
  for (int a = 0; a < 3; ++a) {
    int t1, t2;
    tangential(a, t1, t2);
    for (int s = 0; s < 2; ++s) {
      int f[3] = {c[0], c[1], c[2]};
      f[a] += s;
      const double inflow = (1 - 2 * s) * mf[a](f[0], f[1], f[2]);  // > 0: enters c
      if (inflow <= 0) continue;
      all += inflow;
      const bool boundary = s == 0 ? c[a] == 0 : c[a] == n[a] - 1;
      if (boundary && !(tin[2 * a + s][c[t1] + n[t1] * c[t2]] > 0)) back += inflow;
    }
  }
  return all > 0 ? 1.0 - back / all : 1.0;
}

}  // namespace

void ConductionSolver::set_advection(const std::array<const Field<double>*, 3>& mass_flux,
                                     const CoolantProperties& coolant,
                                     const std::array<std::vector<double>, 6>& inflow_temperature_K) {
  set_advection(mass_flux, std::vector<CoolantProperties>(m_slabs, coolant), inflow_temperature_K);
}

void ConductionSolver::set_advection(const std::array<const Field<double>*, 3>& mass_flux,
                                     const std::vector<CoolantProperties>& coolants,
                                     const std::array<std::vector<double>, 6>& inflow_temperature_K) {
  if (coolants.size() != static_cast<std::size_t>(m_slabs))
    throw std::invalid_argument("set_advection: one coolant per slab of the batch");
  m_mflux = mass_flux;
  m_coolants = coolants;
  m_cool = Array<CoolantProperties>(coolants);
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2;
    int t1, t2;
    tangential(d, t1, t2);
    std::vector<double> t = inflow_temperature_K[f];
    t.resize(static_cast<std::size_t>(m_n[t1]) * m_n[t2], 0.0);
    m_tin[f] = Array<double>(t);
  }
  if (!m_adv) {
    m_steady.enable_advection();
    m_adv_changed = true;
  }
  m_adv = true;
  m_adv_built = false;
}

void ConductionSolver::update_advection(const Field<double>& T, bool flow_unchanged) {
  // With the same mass fluxes and a constant cp the couplings are those of the last update:
  // only the right-hand side (inflow terms, TVD correction) follows T.
  bool constant_cp = true;
  for (const auto& c : m_coolants)
    for (int i = 1; i < kCoolantTerms; ++i) constant_cp = constant_cp && c.cp_coeffs[i] == 0;
  const bool write_op = !(flow_unchanged && constant_cp && m_adv_built);
  if (write_op) {
    assemble();  // diffusion, sources and boundary terms afresh
    m_steady.reset_advection();  // whole couplings = diffusion; the kernel adds advection
    if (m_b_base.cell_count() == 0) m_b_base = make_field();
    copy(m_b, m_b_base);
    m_adv_dirty = true;
    m_adv_built = true;
  } else {
    copy(m_b_base, m_b);
  }
  const CoolantProperties* cools = m_cool.data();  // one per slab
  const FieldView<const double> mf[3] = {m_mflux[0]->cview(), m_mflux[1]->cview(), m_mflux[2]->cview()};
  const double* tin[6];
  for (int f = 0; f < 6; ++f) tin[f] = m_tin[f].data();
  const double* tin0 = tin[0];
  const double* tin1 = tin[1];
  const double* tin2 = tin[2];
  const double* tin3 = tin[3];
  const double* tin4 = tin[4];
  const double* tin5 = tin[5];
  const auto t = T.cview();
  const auto ap = m_steady.ap.view();
  const auto b = m_b.view();
  const FieldView<double> up[3] = {m_steady.up[0].view(), m_steady.up[1].view(), m_steady.up[2].view()};
  const FieldView<double> lo[3] = {m_steady.lo[0].view(), m_steady.lo[1].view(), m_steady.lo[2].view()};
  const int n0 = m_n[0], n1 = m_n[1], n2 = m_n[2];
  const int ba = m_batch_axis, sn = m_slab_n;
  parallel_for(m_adv_box.empty() ? m_steady.cells() : m_adv_box, KELVIN_LAMBDA(int i, int j, int k) {
    const int c[3] = {i, j, k};
    const int n[3] = {n0, n1, n2};
    const double* ti[6] = {tin0, tin1, tin2, tin3, tin4, tin5};
    const CoolantProperties& cool = cools[ba < 0 ? 0 : c[ba] / sn];
    const double Tp = t(i, j, k);
    double diag = 0, rhs = 0;
    double share = -1;  // carried_inflow_share(P), computed on first need
    for (int a = 0; a < 3; ++a) {
      int t1, t2;
      tangential(a, t1, t2);
      for (int s = 0; s < 2; ++s) {
        // face between P and its neighbour N = P + (2s - 1) e_a; m > 0 means flow along +a
        int f[3] = {i, j, k};
        f[a] += s;
        const double m = mf[a](f[0], f[1], f[2]);
        if (m == 0) continue;  // no flow through the face (walls, solids): no term at all
        const int dir = 2 * s - 1;  // -1: low face, +1: high face
        const double inflow = -dir * m;  // > 0: coolant enters P through this face
        int nb[3];
        step(c, a, dir, nb);
        const bool boundary = nb[a] < 0 || nb[a] >= n[a];
        if (boundary) {
          // Coolant enters at its inlet temperature; backflow through an outlet (no inlet
          // temperature there, marked 0) brings the cell's own temperature: no term.
          const double Tin = ti[2 * a + s][c[t1] + n[t1] * c[t2]];
          if (inflow > 0 && Tin > 0) {
            const double C = inflow * secant_cp(cool, Tin, Tp);
            diag += C;
            rhs += C * Tin;
          }
          continue;
        }
        const double Tn = t(nb[0], nb[1], nb[2]);
        const double C = (inflow > 0 ? inflow : -inflow) * secant_cp(cool, Tn, Tp);
        // implicit upwind on the downstream row
        if (inflow > 0) diag += C;
        if (write_op && inflow > 0) {  // the whole couplings start as diffusion
          if (s == 1) up[a](i, j, k) += C;             // row P's coupling to N = P + e_a
          else lo[a](nb[0], nb[1], nb[2]) += C;        // row P's coupling to N = P - e_a
        }
        // TVD correction delta = C phi (T_D - T_U): upstream row -delta, downstream row +delta
        // weighted by the upstream cell's carried inflow share (carried_inflow_share)
        int uu[3];
        double phi = 0;
        if (inflow > 0) {  // U = N, D = P, UU = N + dir e_a
          step(nb, a, dir, uu);
          if (in_slab(uu, nb, a, n, ba, sn)) phi = van_leer_weight(t(uu[0], uu[1], uu[2]), Tn, Tp);
          if (phi > 0) rhs += carried_inflow_share(nb, n, mf, ti) * C * phi * (Tp - Tn);
        } else if (inflow < 0) {  // U = P, D = N, UU = P - dir e_a
          step(c, a, -dir, uu);
          if (in_slab(uu, c, a, n, ba, sn)) phi = van_leer_weight(t(uu[0], uu[1], uu[2]), Tp, Tn);
          if (phi > 0) {
            if (share < 0) share = carried_inflow_share(c, n, mf, ti);
            rhs -= share * C * phi * (Tn - Tp);
          }
        }
      }
    }
    if (write_op) ap(i, j, k) += diag;
    b(i, j, k) += rhs;
  });
}

void ConductionSolver::limit_advection(const Box& flow_cells) {
  // The flow cells and one layer around them: the cells whose rows an advective coupling can
  // touch (a row's lower coupling is written by its upper neighbour).
  for (int d = 0; d < 3; ++d) {
    m_adv_box.lo[d] = std::max(flow_cells.lo[d] - 1, 0);
    m_adv_box.hi[d] = std::min(flow_cells.hi[d] + 1, m_n[d]);
  }
}

double ConductionSolver::advected_heat(const Field<double>& T, int slab) const {
  const CoolantProperties* cools = m_cool.data();  // one per slab
  const Box within = slab_box(slab);
  const int ba = m_batch_axis, sn = m_slab_n;
  const auto t = T.cview();
  double total = 0;
  for (int f = 0; f < 6; ++f) {
    const int a = f / 2, s = f % 2;
    const auto mf = m_mflux[a]->cview();
    const double* tin = m_tin[f].data();
    const int n0 = m_n[0], n1 = m_n[1], n2 = m_n[2];
    Box face = face_slab(m_n, f);
    for (int d = 0; d < 3; ++d) {
      face.lo[d] = std::max(face.lo[d], within.lo[d]);
      face.hi[d] = std::min(face.hi[d], within.hi[d]);
    }
    if (face.empty()) continue;
    total += reduce_sum(face, KELVIN_LAMBDA(int i, int j, int k) {
      const int c[3] = {i, j, k};
      const int n[3] = {n0, n1, n2};
      int t1, t2;
      tangential(a, t1, t2);
      int fc[3] = {i, j, k};
      fc[a] += s;
      const double out = (2 * s - 1) * mf(fc[0], fc[1], fc[2]);  // > 0 leaves the domain
      const double Tp = t(i, j, k);
      // enthalpy relative to 0 degC: h(T) - h(273.15) = cp_secant (T - 273.15); what enters
      // anywhere but an inlet (backflow at an outlet) enters at the cell's temperature
      const double Tin = tin[c[t1] + n[t1] * c[t2]];
      const double Tf = out > 0 || !(Tin > 0) ? Tp : Tin;
      return out * secant_cp(cools[ba < 0 ? 0 : c[ba] / sn], 273.15, Tf) * (Tf - 273.15);
    });
  }
  return total;
}

}  // namespace kelvin
