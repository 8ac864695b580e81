// Conjugate heat transfer driver and cold-plate figures. See cht.hpp.
#include "solver/physics/cht.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "solver/coupling/problem_setup.hpp"

namespace kelvin {

using json = nlohmann::json;

FlowSettings case_flow_settings(const Case& c) {
  FlowSettings fs;
  fs.velocity_relaxation = c.flow.velocity_relaxation;
  fs.tolerance = c.flow.tolerance;
  fs.max_iterations = c.flow.max_iterations;
  return fs;
}

void start_transient_flow(const Case& c, FlowSolver& flow, ConductionSolver& energy,
                          const Field<double>& T, ChtResult& cht, Progress& progress) {
  if (!c.coolant->constant_properties) flow.update_properties(T);
  if (!flow.property_warning().empty()) cht.warnings.push_back(flow.property_warning());
  cht.flow = flow.solve_steady([&](int it, const FlowResiduals& fr) {
    progress.update(fmt::format("flow: iteration {:4d}  continuity {:.2e}  momentum {:.2e}", it,
                                fr.continuity, fr.momentum));
  });
  flow.project(1e-13);
  cht.continuity_after_projection = flow.continuity_residual();
  energy.update_advection(T);
}

void couple_energy_to_flow(const Case& c, const Grid& g, const FlowSolver& flow,
                           ConductionSolver& energy) {
  CoolantProperties props = case_coolant(c);
  if (c.coolant->constant_properties) {
    // Every property at the inlet temperature: the enthalpy the coolant carries uses the same
    // cp as the coolant material's heat capacity, so storage and advection agree exactly.
    const int m = c.material_index(c.coolant->material);
    if (m >= 0) {
      props.cp_coeffs[0] = c.materials[m].specific_heat_J_kgK;
      for (int i = 1; i < kCoolantTerms; ++i) props.cp_coeffs[i] = 0;
    }
  }
  energy.set_advection({&flow.mass_flux(0), &flow.mass_flux(1), &flow.mass_flux(2)}, props,
                       inflow_temperatures(c, g));
}

namespace {

/// Deferred-correction updates of the energy equation per coupling pass.
constexpr int kInnerCorrections = 12;
/// Residual reduction of each inner (deferred-correction) energy solve; the last one of a pass
/// is solved to the case's tolerance. Inexact inner solves cost ~4 BiCGStab iterations
/// instead of ~16 and change nothing the outer iteration does not change again.
constexpr double kInexactReduction = 0.05;
/// Flow tolerance of the first coupling pass when properties vary; tenfold tighter each pass
/// down to the case's tolerance (which the last pass must meet).
constexpr double kFirstPassFlowTolerance = 1e-3;

/// Anderson acceleration (depth kDepth) of the fixed-point iteration x <- G(x) that the TVD
/// deferred correction is (Walker & Ni 2011): with residuals f = G(x) - x, the next iterate is
/// G(x_k) - sum_i gamma_i (G(x_k) - G(x_{k-i})), gamma minimising |f_k - sum_i gamma_i (f_k - f_{k-i})|
/// (normal equations solved by Eigen's rank-revealing QR; a rank-deficient system drops the
/// oldest history). Without it the correction converges like 0.97 per update on cold plates
/// (recirculating plenums).
class Anderson {
 public:
  std::vector<double> next(const std::vector<double>& x, const std::vector<double>& g) {
    std::vector<double> f(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) f[i] = g[i] - x[i];
    m_f.push_back(std::move(f));
    m_g.push_back(g);
    if (m_f.size() > kDepth + 1) {
      m_f.erase(m_f.begin());
      m_g.erase(m_g.begin());
    }
    std::vector<double> out = g;
    std::vector<double> gamma;
    while (m_f.size() > 1 && !solve_gamma(gamma)) {  // ill-conditioned: forget the oldest
      m_f.erase(m_f.begin());
      m_g.erase(m_g.begin());
    }
    const std::size_t m = gamma.size();
    for (std::size_t i = 0; i < m; ++i) {
      const auto& gi = m_g[m - 1 - i];
      for (std::size_t n = 0; n < out.size(); ++n) out[n] -= gamma[i] * (g[n] - gi[n]);
    }
    // Safeguard: an extrapolation that moves any cell much further than the plain update did
    // is rejected (restart from the plain update).
    const auto& fk = m_f.back();
    double step = 0, jump = 0;
    for (std::size_t n = 0; n < out.size(); ++n) {
      step = std::max(step, std::fabs(fk[n]));
      jump = std::max(jump, std::fabs(out[n] - g[n]));
    }
    if (!(jump <= 10 * step)) {
      m_f.erase(m_f.begin(), m_f.end() - 1);
      m_g.erase(m_g.begin(), m_g.end() - 1);
      return g;
    }
    return out;
  }

 private:
  /// gamma from the normal equations A gamma = b, A_ij = d_i . d_j, b_i = d_i . f_k with
  /// d_i = f_k - f_{k-1-i}; false if A is numerically rank-deficient.
  bool solve_gamma(std::vector<double>& gamma) {
    const std::size_t m = m_f.size() - 1;
    const auto& fk = m_f.back();
    std::vector<double> A(m * m, 0.0), b(m, 0.0), d(m);
    for (std::size_t n = 0; n < fk.size(); ++n) {
      for (std::size_t i = 0; i < m; ++i) d[i] = fk[n] - m_f[m - 1 - i][n];
      for (std::size_t i = 0; i < m; ++i) {
        b[i] += d[i] * fk[n];
        for (std::size_t j = 0; j <= i; ++j) A[i * m + j] += d[i] * d[j];
      }
    }
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = i + 1; j < m; ++j) A[i * m + j] = A[j * m + i];
    const int mm = static_cast<int>(m);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(mm, mm);
    qr.setThreshold(1e-10);
    qr.compute(Eigen::Map<const Eigen::MatrixXd>(A.data(), mm, mm));
    if (qr.rank() < mm) return false;
    const Eigen::VectorXd x = qr.solve(Eigen::Map<const Eigen::VectorXd>(b.data(), mm));
    gamma.assign(x.data(), x.data() + mm);
    return true;
  }

  static constexpr std::size_t kDepth = 4;
  std::vector<std::vector<double>> m_f, m_g;
};

double max_abs_change(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

ChtResult solve_steady_cht(const Case& c, FlowSolver& flow, ConductionSolver& energy,
                           Field<double>& T, Progress& progress) {
  ChtResult r;
  const bool variable = !c.coolant->constant_properties;
  std::vector<double> before = T.to_host();
  Anderson mixer;
  for (int pass = 1; pass <= c.flow.max_coupling_iterations; ++pass) {
    r.passes = pass;
    if (variable) {
      flow.update_properties(T);
      if (!flow.property_warning().empty()) {
        progress.log("kelvin: warning: " + flow.property_warning());
        r.warnings.push_back(flow.property_warning());
      }
    }
    // Early passes solve the flow loosely: the properties it uses still change with T.
    const double loose = kFirstPassFlowTolerance * std::pow(0.1, pass - 1);
    flow.settings().tolerance = variable ? std::max(c.flow.tolerance, loose) : c.flow.tolerance;
    int its = 0;
    r.flow = flow.solve_steady([&](int it, const FlowResiduals& fr) {
      its = it;
      progress.update(fmt::format("pass {} flow: iteration {:4d}  continuity {:.2e}  momentum {:.2e}",
                                  pass, it, fr.continuity, fr.momentum));
    });
    r.flow_iterations += its;
    const double pass_tol = flow.settings().tolerance;
    if (r.flow.continuity >= pass_tol || r.flow.momentum >= pass_tol)
      progress.log(fmt::format("kelvin: flow did not reach tolerance {:.1e} in {} iterations "
                               "(continuity {:.2e}, momentum {:.2e})",
                               pass_tol, its, r.flow.continuity, r.flow.momentum));
    flow.project(1e-13);
    r.continuity_after_projection = flow.continuity_residual();
    // Energy: the TVD correction is a fixed-point (deferred-correction) iteration; several of
    // them per pass, since the flow changes little between passes once properties settle.
    SolveStats st;
    int energy_its = 0;
    if (variable) mixer = Anderson();  // the flow changed: the history no longer applies
    const auto energy_solve = [&](double reduction) {
      st = energy.solve_steady(T, c.solver.tolerance, c.solver.max_iterations, [&](int it, double rel) {
        progress.update(fmt::format("pass {} energy: iteration {:4d}  residual {:.3e}", pass, it, rel));
      }, reduction);
      energy_its += st.iterations;
    };
    // constant properties: nothing but the correction changes between passes, so keep going
    const int inner_max = variable ? kInnerCorrections : 4 * kInnerCorrections;
    for (int inner = 0; inner < inner_max; ++inner) {
      energy.update_advection(T);
      energy_solve(kInexactReduction);
      std::vector<double> after = T.to_host();
      r.last_change_K = max_abs_change(before, after);
      if (r.last_change_K < c.flow.temperature_tolerance_K || inner + 1 == inner_max) {
        energy_solve(0.0);  // the answer: the same system solved to the case's tolerance
        before = T.to_host();  // T is that solve's answer, not an extrapolation
        break;
      }
      before = mixer.next(before, after);
      T.from_host(before);
    }
    r.energy_iterations += energy_its;
    progress.log(fmt::format("kelvin: pass {}: {} flow iterations, {} energy iterations, max temperature change {:.3g} K",
                             pass, its, energy_its, r.last_change_K));
    const bool flow_ok = r.flow.continuity < c.flow.tolerance && r.flow.momentum < c.flow.tolerance;
    if (pass > 1 && flow_ok && st.converged && r.last_change_K < c.flow.temperature_tolerance_K) {
      r.converged = true;
      break;
    }
  }
  flow.settings().tolerance = c.flow.tolerance;
  return r;
}

namespace {

/// Index of face (i, j, k) normal to d in a face array of dims n + e_d.
std::size_t face_index(const Grid& g, int d, int i, int j, int k) {
  const std::size_t fn0 = g.n(0) + (d == 0), fn1 = g.n(1) + (d == 1);
  return i + fn0 * (j + fn1 * static_cast<std::size_t>(k));
}

/// Mixed-mean temperature and mass rate over the boundary faces where coolant leaves
/// (outflow > 0) or enters (outflow < 0), weighted by m cp(T).
struct PortMix {
  double mass_kg_s = 0, weighted_T = 0, weight = 0;
  double temperature() const { return weight > 0 ? weighted_T / weight : 0; }
};

void boundary_mix(const Grid& g, const std::array<std::vector<double>, 3>& m,
                  const std::vector<double>& T, const CoolantProperties& cool,
                  const std::array<std::vector<double>, 6>& t_in, PortMix& in, PortMix& out) {
  for (int f = 0; f < 6; ++f) {
    const int d = f / 2, t1 = d == 0 ? 1 : 0, t2 = d == 2 ? 1 : 2;
    const int layer = f % 2 == 0 ? 0 : g.n(d) - 1, flayer = f % 2 == 0 ? 0 : g.n(d);
    for (int b = 0; b < g.n(t2); ++b)
      for (int a = 0; a < g.n(t1); ++a) {
        int c[3], fc[3];
        c[d] = layer, fc[d] = flayer;
        c[t1] = fc[t1] = a;
        c[t2] = fc[t2] = b;
        const double flux = (f % 2 == 0 ? -1.0 : 1.0) * m[d][face_index(g, d, fc[0], fc[1], fc[2])];
        const double Tin = t_in[f][a + static_cast<std::size_t>(g.n(t1)) * b];
        if (flux < 0 && Tin > 0) {  // an inlet face
          const double w = -flux * cool.specific_heat(Tin);
          in.mass_kg_s -= flux, in.weighted_T += w * Tin, in.weight += w;
        } else if (flux != 0) {  // outflow, or backflow (negative) through an outlet
          const double Tc = T[g.index(c[0], c[1], c[2])], w = flux * cool.specific_heat(Tc);
          out.mass_kg_s += flux, out.weighted_T += w * Tc, out.weight += w;
        }
      }
  }
}

/// Flow through every channel of the cold plate across the x-face at fraction `at` of the fin
/// length (|mass flux| summed over the channel's coolant faces), kg/s.
std::vector<double> channel_flows(const Grid& g, const ColdPlateLayout& l,
                                  const std::vector<double>& mx, double at) {
  const double x = l.fin_x_m[0] + at * (l.fin_x_m[1] - l.fin_x_m[0]);
  const auto& xf = g.faces(0);
  const int i = static_cast<int>(std::lower_bound(xf.begin(), xf.end(), x) - xf.begin());
  std::vector<double> q(l.channel_y_m.size(), 0.0);
  for (std::size_t ch = 0; ch < q.size(); ++ch)
    for (int k = 0; k < g.n(2); ++k) {
      const double z = g.center(2, k);
      if (z < l.fin_z_m[0] || z > l.fin_z_m[1]) continue;
      for (int j = 0; j < g.n(1); ++j) {
        const double y = g.center(1, j);
        if (y < l.channel_y_m[ch][0] || y > l.channel_y_m[ch][1]) continue;
        q[ch] += std::fabs(mx[face_index(g, 0, std::min(i, g.n(0)), j, k)]);
      }
    }
  return q;
}

}  // namespace

json flow_summary(const Case& c, const Grid& g, const FlowSolver& flow,
                  const std::vector<double>& T, const json& materials, const json& probes,
                  double power_W) {
  json s;
  const CoolantProperties cool = case_coolant(c);
  std::array<std::vector<double>, 3> m;
  for (int d = 0; d < 3; ++d) m[d] = flow.mass_flux(d).to_host();
  PortMix in, out;
  boundary_mix(g, m, T, cool, inflow_temperatures(c, g), in, out);
  const double p_out = make_flow_problem(c, g).outlet_pressure_Pa;
  s["pressure_drop_Pa"] = flow.inlet_pressure() - p_out;
  s["flow_rate_m3_s"] = flow.inflow_volume_rate();
  s["inlet_temperature_K"] = in.temperature();
  s["outlet_temperature_K"] = out.temperature();
  // Thermal resistances from the inlet: junction = hottest cell of the junction material
  // (default silicon), case = probe "case" if any, else the hottest cell of case_material.
  json R = json::object();
  const std::string jm = !c.junction_material.empty() ? c.junction_material : "silicon";
  if (materials.contains(jm) && power_W > 0)
    R["junction_to_inlet"] = (materials[jm]["max_temperature_K"].get<double>() - in.temperature()) / power_W;
  double T_case = std::nan("");
  if (probes.contains("case")) T_case = probes["case"]["temperature_K"].get<double>();
  else if (!c.case_material.empty() && materials.contains(c.case_material))
    T_case = materials[c.case_material]["max_temperature_K"].get<double>();
  if (std::isfinite(T_case) && power_W > 0) R["case_to_inlet"] = (T_case - in.temperature()) / power_W;
  s["thermal_resistance_K_per_W"] = R;
  if (c.coldplate) {
    const ColdPlateLayout l = case_cold_plate(c);
    std::vector<double> q = channel_flows(g, l, m[0], 0.5);
    if (l.ports.size() > 2) {  // centre inlet: the halves flow apart; measure each at mid-half
      const auto a = channel_flows(g, l, m[0], 0.25), b = channel_flows(g, l, m[0], 0.75);
      for (std::size_t i = 0; i < q.size(); ++i) q[i] = a[i] + b[i];
    }
    double mean = 0;
    for (double v : q) mean += v;
    mean /= std::max<std::size_t>(q.size(), 1);
    double lo = 1e300, hi = 0;
    for (double v : q) lo = std::min(lo, v / mean), hi = std::max(hi, v / mean);
    s["channel_flow"] = {{"channels", q.size()}, {"min_fraction", lo}, {"max_fraction", hi},
                         {"mean_kg_s", mean}};
  }
  // The coolant at the inlet temperature and every port: what an independent solver needs to
  // set up the same problem (bench/openfoam/coldplate/kelvin_to_spec.py).
  const double Ti = in.temperature();
  s["coolant"] = {{"name", std::string(cool.name)},
                  {"constant_properties", c.coolant->constant_properties},
                  {"at_inlet", {{"density_kg_m3", cool.density(Ti)},
                                {"specific_heat_J_kgK", cool.specific_heat(Ti)},
                                {"conductivity_W_mK", cool.conductivity(Ti)},
                                {"viscosity_Pa_s", cool.viscosity(Ti)}}}};
  json ports = json::array();
  for (const FlowPort& p : case_ports(c)) {
    json j = {{"name", p.name},
              {"kind", p.kind == FlowPort::Kind::Inlet ? "inlet" : "outlet"},
              {"face", face_name(p.face)}};
    if (p.has_region) j["region_m"] = {{"min", p.region_min_m}, {"max", p.region_max_m}};
    if (p.kind == FlowPort::Kind::Inlet) {
      j["flow_rate_m3_s"] = p.flow_rate_m3_s;
      j["temperature_K"] = p.temperature_K;
    } else {
      j["pressure_Pa"] = p.pressure_Pa;
    }
    ports.push_back(j);
  }
  s["ports"] = ports;
  s["mass_balance"] = {{"inflow_kg_s", in.mass_kg_s},
                       {"outflow_kg_s", out.mass_kg_s},
                       {"relative_error", in.mass_kg_s > 0 ? std::fabs(out.mass_kg_s - in.mass_kg_s) / in.mass_kg_s : 0.0},
                       {"continuity_residual", flow.continuity_residual()}};
  return s;
}

}  // namespace kelvin
