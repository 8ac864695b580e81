#pragma once
/// Per-face and per-cell kernels of the staggered SIMPLEC flow solver (flow.cpp), written once
/// for the CPU and the GPU. What does not change between outer iterations (geometry, face
/// states, which links join two unknown rows, walls and symmetry planes, diffusion
/// conductances) is folded once per property update into a bit mask and the constant parts of
/// the diagonal per face (momentum_links_face), and once per problem into a bit mask per cell
/// (pressure assembly). Each outer iteration's assembly (momentum_face, pressure_cell) is then
/// one streaming pass of arithmetic and bit picks (pick): no branches on the face's situation,
/// and g++ vectorises the face loops.
#include <cstdint>
#include <cstring>

#include "kernels/backend.hpp"
#include "kernels/field.hpp"

namespace kelvin {

/// Geometry and fields a flow kernel reads, captured by value.
struct FlowView {
  const double* w[3];  // cell widths
  // Per face index along the axis (n + 1 of them): half the cell below (hlo) and above (hhi),
  // 0 beyond the domain's edge.
  const double* hlo[3];
  const double* hhi[3];
  int n[3];
  FieldView<const double> u[3], rho, mu, p;
  FieldView<const std::int32_t> state[3];
  double p_out;
  int slip[6];  // domain faces that are symmetry planes
};

namespace flow_kernels {

/// The per-iteration kernels are inlined into their parallel_for loops whatever their size:
/// a call in the loop body stops vectorisation on the CPU.
#if defined(__CUDACC__)
#define KELVIN_FLOW_INLINE __forceinline__
#else
#define KELVIN_FLOW_INLINE __attribute__((always_inline)) inline
#endif

// Face states. Rows of kActive and kOutlet faces are unknowns; kFixed (walls, faces touching a
// solid) and kInlet faces hold their value.
constexpr std::int32_t kFixed = 0, kActive = 1, kInlet = 2, kOutlet = 3;

KELVIN_HD inline bool unknown(std::int32_t s) { return s == kActive || s == kOutlet; }

/// Momentum link bits of face c (component d); link l = 2 a + side joins c to c - e_a (side 0)
/// or c + e_a (side 1). kRowFree: c is an unknown row; link_in: the link lies in the domain;
/// link_free: it joins two unknown rows; link_count: its coefficient enters a_P.
constexpr std::int32_t kRowFree = 1;
KELVIN_HD constexpr std::int32_t link_in(int l) { return 1 << (1 + l); }
KELVIN_HD constexpr std::int32_t link_free(int l) { return 1 << (7 + l); }
KELVIN_HD constexpr std::int32_t link_count(int l) { return 1 << (13 + l); }

/// Pressure cell bits: coolant, and per axis a whether the low / high face is an interior
/// active face or an outlet.
constexpr std::int32_t kCellFluid = 1;
KELVIN_HD constexpr std::int32_t face_active(int a, int side) { return 1 << (1 + 2 * a + side); }
KELVIN_HD constexpr std::int32_t face_outlet(int a, int side) { return 1 << (7 + 2 * a + side); }

/// Cell c shifted by s along axis a.
KELVIN_HD inline void shifted(const int c[3], int a, int s, int out[3]) {
  out[0] = c[0] + (a == 0 ? s : 0);
  out[1] = c[1] + (a == 1 ? s : 0);
  out[2] = c[2] + (a == 2 ? s : 0);
}

KELVIN_HD inline double at(const FieldView<const double>& f, const int c[3]) {
  return f(c[0], c[1], c[2]);
}
KELVIN_HD inline std::int32_t at_state(const FieldView<const std::int32_t>& f, const int c[3]) {
  return f(c[0], c[1], c[2]);
}

/// Index along axis a of cell (i, j, k).
template <int a>
KELVIN_HD KELVIN_FLOW_INLINE int along(int i, int j, int k) {
  return a == 0 ? i : (a == 1 ? j : k);
}

/// Density at face (i, j, k) normal to a (between that cell and the one below it along a,
/// n_a cells along a): the mean of the cells beside it inside the domain (the one inside at
/// the domain's edge), as the mass flux rho_f u A uses it. The mean is a product, times 0.5
/// between two cells and 1 at the edge (exactly the division by 2 or 1), so that face loops
/// with the axis fixed at compile time vectorise.
template <int a>
KELVIN_HD KELVIN_FLOW_INLINE double face_density_along(const FieldView<const double>& rho, int i,
                                                       int j, int k, int n_a) {
  constexpr int ai = a == 0, aj = a == 1, ak = a == 2;
  const int ca = along<a>(i, j, k);
  const bool has_lo = ca > 0, has_hi = ca < n_a;
  const double r_lo = rho(i - ai, j - aj, k - ak), r_hi = rho(i, j, k);  // ghosts at the edge
  return ((has_lo ? r_lo : 0.0) + (has_hi ? r_hi : 0.0)) * (has_lo && has_hi ? 0.5 : 1.0);
}

/// face_density_along with the axis a chosen at run time, at face f.
KELVIN_HD inline double face_density(const FieldView<const double>& rho, int a, const int f[3],
                                     int n_a) {
  return a == 0   ? face_density_along<0>(rho, f[0], f[1], f[2], n_a)
         : a == 1 ? face_density_along<1>(rho, f[0], f[1], f[2], n_a)
                  : face_density_along<2>(rho, f[0], f[1], f[2], n_a);
}

/// y_high - y_low across face (i, j, k) normal to a (the cell and the one below it along a,
/// n_a cells along a), y taken as 0 beyond the domain's edge (a pressure correction beyond an
/// outlet face).
template <int a>
KELVIN_HD KELVIN_FLOW_INLINE double face_jump_along(const FieldView<const double>& y, int i, int j,
                                                    int k, int n_a) {
  constexpr int ai = a == 0, aj = a == 1, ak = a == 2;
  const int ca = along<a>(i, j, k);
  return (ca < n_a ? y(i, j, k) : 0.0) - (ca > 0 ? y(i - ai, j - aj, k - ak) : 0.0);
}

/// face_jump_along with the axis a chosen at run time, at face f.
KELVIN_HD inline double face_jump(const FieldView<const double>& y, int a, const int f[3],
                                  int n_a) {
  return a == 0   ? face_jump_along<0>(y, f[0], f[1], f[2], n_a)
         : a == 1 ? face_jump_along<1>(y, f[0], f[1], f[2], n_a)
                  : face_jump_along<2>(y, f[0], f[1], f[2], n_a);
}

/// The two axes other than d.
KELVIN_HD inline void others(int d, int& t1, int& t2) {
  t1 = d == 0 ? 1 : 0;
  t2 = d == 2 ? 1 : 2;
}

/// Area of face c normal to d.
KELVIN_HD inline double face_area(const FlowView& v, int d, const int c[3]) {
  int t1, t2;
  others(d, t1, t2);
  return v.w[t1][c[t1]] * v.w[t2][c[t2]];
}

/// Length along d of the momentum control volume of face c: half of each adjacent cell.
KELVIN_HD inline double cv_length(const FlowView& v, int d, const int c[3]) {
  return v.hlo[d][c[d]] + v.hhi[d][c[d]];
}

/// Mean viscosity of the cells whose centres bound face c's control volume along d (one at
/// the domain's edge, two inside): the viscosity of a wall next to that control volume.
KELVIN_HD inline double row_viscosity(const FlowView& v, int d, const int c[3]) {
  int lo[3];
  shifted(c, d, -1, lo);
  const bool has_lo = c[d] > 0, has_hi = c[d] < v.n[d];
  return ((has_lo ? at(v.mu, lo) : 0.0) + (has_hi ? at(v.mu, c) : 0.0)) /
         ((has_lo ? 1 : 0) + (has_hi ? 1 : 0));
}

/// Diffusion conductance of the link from face c (component d) to c + e_a, inside the domain.
///   a = d: through the centre of the cell between them,  mu A / w_d;
///   a != d: through the a-face between cell rows c_a and c_a + 1,  mu_4 L_d w_t / ((w_a + w_a') /
///   2)
/// with L_d the control volume's length (cv_length) and mu_4 the mean over the (up to four)
/// cells around the link.
KELVIN_HD inline double link_conductance(const FlowView& v, int d, const int c[3], int a) {
  if (a == d) return at(v.mu, c) * face_area(v, d, c) / v.w[d][c[d]];
  const int t = 3 - d - a;
  double mu = 0;
  int n = 0;
  for (int side = -1; side <= 0; ++side) {  // the half cells along d, and their a-neighbours
    int cell[3] = {c[0], c[1], c[2]};
    cell[d] += side;
    if (cell[d] < 0 || cell[d] >= v.n[d]) continue;
    int other[3] = {cell[0], cell[1], cell[2]};
    other[a] += 1;
    mu += at(v.mu, cell) + at(v.mu, other);
    n += 2;
  }
  return mu / n * cv_length(v, d, c) * v.w[t][c[t]] / (0.5 * (v.w[a][c[a]] + v.w[a][c[a] + 1]));
}

/// Wall conductance of face c (component d) towards a no-slip wall at either of its a-faces
/// (a != d), half a cell away:  mu_row L_d w_t / (w_a / 2).
KELVIN_HD inline double wall_conductance(const FlowView& v, int d, const int c[3], int a) {
  const int t = 3 - d - a;
  return row_viscosity(v, d, c) * cv_length(v, d, c) * v.w[t][c[t]] / (0.5 * v.w[a][c[a]]);
}

/// What momentum_links_face writes for one component: the face's link bits, the constant part
/// of a_P (diffusion of every link counted in it, walls; the tiny diagonal of a fixed row),
/// the diffusion of the links to unknown rows, the d-link's conductance at its lower face, and
/// the matrix entries fixed between property updates (a_a, and the wall sums b_a for a != d).
struct MomentumLinks {
  FieldView<std::int32_t> mask;
  FieldView<double> kdiag, kfree, cond, ax[3], bt[3];
};

/// Precomputes face c of component d (mu0: the viscosity of the fixed rows' tiny diagonal). d
/// is a template argument, and the kernel inlined into its loop, so that the geometry helpers'
/// axis tests fold at compile time (with d at run time and a call per face, each property
/// update of h100-coldplate's 404 k-cell flow window took about 150 ms, 2.5 times as long).
template <int d>
KELVIN_HD KELVIN_FLOW_INLINE void momentum_links_face(int i, int j, int k, const FlowView& v,
                                                      double mu0, const MomentumLinks& L) {
  const int c[3] = {i, j, k};
  const int fn[3] = {v.n[0] + (d == 0), v.n[1] + (d == 1), v.n[2] + (d == 2)};
  const bool free_c = unknown(v.state[d](i, j, k));
  std::int32_t mask = free_c ? kRowFree : 0;
  double kdiag = 0, kfree = 0, wall_sum[3] = {0, 0, 0};
  for (int a = 0; a < 3; ++a)
    for (int side = 0; side < 2; ++side) {
      const int l = 2 * a + side;
      int nb[3];
      shifted(c, a, side ? 1 : -1, nb);
      const bool inside = side ? c[a] + 1 < fn[a] : c[a] > 0;
      const double D = inside ? link_conductance(v, d, side ? c : nb, a) : 0.0;
      const bool free_nb = inside && unknown(at_state(v.state[d], nb));
      if (inside) mask |= link_in(l);
      if (!free_c) continue;
      if (free_nb) mask |= link_free(l);
      if (inside && (a == d || free_nb)) {
        mask |= link_count(l);
        kdiag += D;
        if (free_nb) kfree += D;
      } else if (a != d) {  // no-slip wall at the a-face; none on a symmetry plane of the domain
        const double Dh = !inside && v.slip[l] ? 0.0 : wall_conductance(v, d, c, a);
        kdiag += Dh;
        wall_sum[a] += Dh;
      }
    }
  // fixed row: x = u_c (a tiny diagonal keeps coarse multigrid levels unaffected)
  const double tiny = 1e-9 * mu0 * face_area(v, d, c) / cv_length(v, d, c);
  L.mask(i, j, k) = mask;
  L.kdiag(i, j, k) = free_c ? kdiag : tiny;
  L.kfree(i, j, k) = kfree;
  L.cond(i, j, k) = c[d] + 1 < fn[d] ? link_conductance(v, d, c, d) : 0.0;
  for (int a = 0; a < 3; ++a) {
    L.ax[a](i, j, k) = (mask & link_free(2 * a + 1)) ? link_conductance(v, d, c, a) : 0.0;
    if (a != d) L.bt[a](i, j, k) = wall_sum[a];
  }
}

/// The fields one momentum row writes.
struct MomentumRow {
  FieldView<double> up[3], lo[3], ap, b, bt, dcoef;
};

/// x where bit is set in m, else y, selected on the bits (AND / OR with a mask) rather than by
/// a branch or a 0/1 factor. Both x and y are always computed (what they read is always
/// loaded, from a zero ghost cell beyond the domain's edge). g++ turns selects and 0/1 factors
/// around floating-point arithmetic into conditional additions and multiplications, which
/// "could trap", and then neither if-converts nor vectorises the face loop; a select between a
/// row's value and a fixed row's also sinks the whole row's arithmetic into a branch. The
/// values are those of the select, bit for bit.
KELVIN_HD KELVIN_FLOW_INLINE double pick(std::int32_t m, std::int32_t bit, double x, double y) {
  std::uint64_t ux, uy;
  std::memcpy(&ux, &x, sizeof ux);
  std::memcpy(&uy, &y, sizeof uy);
  // 0 or 1 by integer arithmetic (bit is a power of 2), not a bool: the vectoriser has no
  // vector form for one-bit values
  const std::uint32_t set = (static_cast<std::uint32_t>(m) & static_cast<std::uint32_t>(bit)) /
                            static_cast<std::uint32_t>(bit);
  const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(set);
  const std::uint64_t u = (ux & mask) | (uy & ~mask);
  double out;
  std::memcpy(&out, &u, sizeof out);
  return out;
}

/// x where bit is set in m, else +0.0 (pick).
KELVIN_HD KELVIN_FLOW_INLINE double masked(double x, std::int32_t m, std::int32_t bit) {
  return pick(m, bit, x, 0.0);
}

/// Mass flux rho_f u A (kg/s) through face (i, j, k) normal to d at face velocity u
/// (rho_f: face_density_along).
template <int d>
KELVIN_HD KELVIN_FLOW_INLINE double face_mass_flux(int i, int j, int k, const FlowView& v,
                                                   double u) {
  constexpr int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  const double A = v.w[t1][along<t1>(i, j, k)] * v.w[t2][along<t2>(i, j, k)];
  return face_density_along<d>(v.rho, i, j, k, v.n[d]) * u * A;
}

/// Half-cell mass flux (kg/s) through the a-face between cells lo and hi (hi = lo + e_a) of a
/// momentum control volume: mean density, the face's u_a, the half cell's length h along d and
/// width w_t.
template <int a>
KELVIN_HD KELVIN_FLOW_INLINE double half_flux(const FieldView<const double>& rho,
                                              const FieldView<const double>& ua, int i, int j,
                                              int k, double h, double wt) {
  constexpr int ai = a == 0, aj = a == 1, ak = a == 2;
  return 0.5 * (rho(i, j, k) + rho(i + ai, j + aj, k + ak)) * ua(i + ai, j + aj, k + ak) * h * wt;
}

/// What the links along axis a add to momentum row (i, j, k) of component d: the upwind
/// extras max(-F_out, 0) of both links (with a_nb = D + extra, D already in kdiag and kfree),
/// the advective off-diagonals, and for a = d the links to fixed faces (inlets, faces touching
/// a solid), which go to the rhs and the boundary sum. Link mass fluxes come from the current
/// velocities, each link's the same from either side.
template <int d, int a>
KELVIN_HD KELVIN_FLOW_INLINE void momentum_links(int i, int j, int k, std::int32_t m,
                                                 const FlowView& v, const MomentumLinks& L,
                                                 double A, double hl, double hh,
                                                 const MomentumRow& r, double& diag,
                                                 double& unknown_sum, double& rhs, double& bsum) {
  constexpr int di = d == 0, dj = d == 1, dk = d == 2;
  constexpr int ai = a == 0, aj = a == 1, ak = a == 2;
  double F_lo, F_hi;  // mass flux along +a through the links from c - e_a and to c + e_a
  if constexpr (a == d) {
    const double u_c = v.u[d](i, j, k);
    F_hi = v.rho(i, j, k) * A * 0.5 * (u_c + v.u[d](i + di, j + dj, k + dk));
    F_lo = v.rho(i - di, j - dj, k - dk) * A * 0.5 * (v.u[d](i - di, j - dj, k - dk) + u_c);
  } else {
    constexpr int t = 3 - d - a;
    const double wt = v.w[t][along<t>(i, j, k)];
    const FieldView<const double>& ua = v.u[a];
    const double hi_lo = half_flux<a>(v.rho, ua, i - di, j - dj, k - dk, hl, wt);
    const double hi_hi = half_flux<a>(v.rho, ua, i, j, k, hh, wt);
    const double lo_lo = half_flux<a>(v.rho, ua, i - di - ai, j - dj - aj, k - dk - ak, hl, wt);
    const double lo_hi = half_flux<a>(v.rho, ua, i - ai, j - aj, k - ak, hh, wt);
    F_hi = hi_lo + hi_hi;  // hl, hh are 0 beyond the domain's edge (and ghosts finite)
    F_lo = lo_lo + lo_hi;
  }
  // upwind extras: inflow through the link carries the neighbour's value
  // max(F, 0) = (|F| + F) / 2 and max(-F, 0) = (|F| - F) / 2, exactly (doubling and halving
  // are exact, and |F| - F is 0 for F >= 0): arithmetic instead of selects (see masked)
  const double a_lo = fabs(F_lo), a_hi = fabs(F_hi);
  const double e_lo = 0.5 * (a_lo + F_lo), e_hi = 0.5 * (a_hi - F_hi), p_hi = 0.5 * (a_hi + F_hi);
  constexpr int l0 = 2 * a, l1 = 2 * a + 1;
  // Link bits mask finite values rather than select around the additions; x + 0 is x
  // exactly, so the sums are those of the selects.
  const double up_extra = masked(e_hi, m, link_free(l1));
  // whole couplings: the symmetric (diffusive) one plus the upwind extra
  const double sym = L.ax[a](i, j, k);
  r.up[a](i, j, k) = sym + up_extra;
  r.lo[a](i, j, k) = sym + masked(p_hi, m, link_free(l1));
  diag += masked(e_lo, m, link_count(l0)) + masked(e_hi, m, link_count(l1));
  unknown_sum += masked(e_lo, m, link_free(l0)) + up_extra;
  if constexpr (a == d) {
    // links to fixed faces (counted in a_P, not free: a free link is always counted)
    const double coef_lo = L.cond(i - di, j - dj, k - dk) + e_lo;
    const double coef_hi = L.cond(i, j, k) + e_hi;
    const double u_lo = v.u[d](i - di, j - dj, k - dk), u_hi = v.u[d](i + di, j + dj, k + dk);
    const double fixed_lo = pick(m, link_free(l0), 0.0, masked(coef_lo, m, link_count(l0)));
    const double fixed_hi = pick(m, link_free(l1), 0.0, masked(coef_hi, m, link_count(l1)));
    rhs += fixed_lo * u_lo + fixed_hi * u_hi;
    bsum += fixed_lo + fixed_hi;
  }
}

/// Momentum row of face (i, j, k), component d, from the precomputed links: upwind
/// convection (a_nb = D + max(-F_out, 0)), central diffusion, the pressure force, the
/// transient term when `transient` is 1 (0: steady) with time step dt (1 when steady),
/// under-relaxation alpha; d = A / (a_P / alpha - sum a_nb).
/// d is a template argument so that each component's kernel has its axes fixed at compile time.
template <int d>
KELVIN_HD KELVIN_FLOW_INLINE void momentum_face(int i, int j, int k, const FlowView& v,
                                                const MomentumLinks& L, double alpha,
                                                double transient, double dt,
                                                const FieldView<const double>& uold,
                                                const MomentumRow& r) {
  constexpr int di = d == 0, dj = d == 1, dk = d == 2;
  constexpr int t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
  const std::int32_t m = L.mask(i, j, k);
  const double u_c = v.u[d](i, j, k);
  constexpr std::int32_t in_lo = link_in(2 * d), in_hi = link_in(2 * d + 1);  // half cells
  const double A = v.w[t1][along<t1>(i, j, k)] * v.w[t2][along<t2>(i, j, k)];
  const int cd = along<d>(i, j, k);
  const double hl = v.hlo[d][cd], hh = v.hhi[d][cd];
  double diag = L.kdiag(i, j, k), unknown_sum = L.kfree(i, j, k), rhs = 0, bsum = 0;
  momentum_links<d, 0>(i, j, k, m, v, L, A, hl, hh, r, diag, unknown_sum, rhs, bsum);
  momentum_links<d, 1>(i, j, k, m, v, L, A, hl, hh, r, diag, unknown_sum, rhs, bsum);
  momentum_links<d, 2>(i, j, k, m, v, L, A, hl, hh, r, diag, unknown_sum, rhs, bsum);
  // pressure force (p_low - p_high) A; outside the domain the pressure is the outlet's
  const double p_lo = v.p(i - di, j - dj, k - dk), p_hi = v.p(i, j, k);  // ghosts at the edge
  const double p_low = pick(m, in_lo, p_lo, v.p_out);
  const double p_high = pick(m, in_hi, p_hi, v.p_out);
  rhs += (p_low - p_high) * A;
  const double rho_lo = v.rho(i - di, j - dj, k - dk), rho_hi = v.rho(i, j, k);
  // transient term rho V / dt (zero when steady, where uold may be any finite field)
  // mean of the half cells' densities: times 0.5 or 1 (exactly the division by 2 or 1)
  const double rho_f = (masked(rho_lo, m, in_lo) + masked(rho_hi, m, in_hi)) *
                       pick(m & in_lo, in_lo, pick(m, in_hi, 0.5, 1.0), 1.0);
  const double mt = transient * (rho_f * A * (hl + hh) / dt);
  diag += mt;
  rhs += mt * uold(i, j, k);
  const double apr = diag / alpha;
  rhs += (apr - diag) * u_c;
  // a fixed row (no link bits) keeps x = u_c through its tiny diagonal
  // (picks, not selects: with a select g++ sinks the whole row into the free branch)
  const double tiny = L.kdiag(i, j, k);
  r.ap(i, j, k) = pick(m, kRowFree, apr, tiny);
  r.b(i, j, k) = pick(m, kRowFree, rhs, tiny * u_c);
  r.bt(i, j, k) = pick(m, kRowFree, bsum, tiny);
  const double dcoef = A / (apr - unknown_sum);  // computed on fixed rows too, then dropped
  r.dcoef(i, j, k) = masked(dcoef, m, kRowFree);
}

/// What one pressure-correction cell reads and writes.
struct PressureCell {
  const double* w[3];
  FieldView<const std::int32_t> mask;
  FieldView<const double> rho, dc[3], m[3];
  FieldView<double> ax[3], bt[3], ap, b;
};

/// What the faces along axis a add to pressure-correction cell (i, j, k) of density r: the
/// coupling to c + e_a (written) and from c - e_a, the outlet boundary sum, the net inflow.
template <int a>
KELVIN_HD KELVIN_FLOW_INLINE void pressure_axis(int i, int j, int k, std::int32_t m, double r,
                                                const PressureCell& P, double& diag, double& rhs,
                                                double& couplings) {
  constexpr int ai = a == 0, aj = a == 1, ak = a == 2;
  constexpr int t1 = a == 0 ? 1 : 0, t2 = a == 2 ? 1 : 2;
  const double A = P.w[t1][along<t1>(i, j, k)] * P.w[t2][along<t2>(i, j, k)];
  const double d_lo = P.dc[a](i, j, k), d_hi = P.dc[a](i + ai, j + aj, k + ak);
  const double r_lo = P.rho(i - ai, j - aj, k - ak), r_hi = P.rho(i + ai, j + aj, k + ak);
  // every term computed, then kept or zeroed by its face bits (pick: the loop vectorises)
  const double c_hi = masked(0.5 * (r + r_hi) * d_hi * A, m, face_active(a, 1));
  const double c_lo = masked(0.5 * (r_lo + r) * d_lo * A, m, face_active(a, 0));
  P.ax[a](i, j, k) = c_hi;
  const double bsum = masked(r * d_lo * A, m, face_outlet(a, 0)) + masked(r * d_hi * A, m, face_outlet(a, 1));
  P.bt[a](i, j, k) = bsum;
  diag += bsum;
  couplings += c_hi;
  couplings += c_lo;
  rhs += P.m[a](i, j, k);
  rhs -= P.m[a](i + ai, j + aj, k + ak);
}

/// Pressure correction at cell (i, j, k):  sum_f rho_f d_f A_f (p'_P - p'_N) = net mass inflow,
/// p' = 0 beyond outlet faces; a_P is the sum of the couplings (both sides of each axis).
KELVIN_HD KELVIN_FLOW_INLINE void pressure_cell(int i, int j, int k, const PressureCell& P) {
  const std::int32_t m = P.mask(i, j, k);
  const double r = P.rho(i, j, k);
  double diag = 0, rhs = 0, couplings = 0;
  pressure_axis<0>(i, j, k, m, r, P, diag, rhs, couplings);
  pressure_axis<1>(i, j, k, m, r, P, diag, rhs, couplings);
  pressure_axis<2>(i, j, k, m, r, P, diag, rhs, couplings);
  P.ap(i, j, k) = diag + couplings;
  P.b(i, j, k) = masked(rhs, m, kCellFluid);
}

}  // namespace flow_kernels
}  // namespace kelvin
