// Solves that stopped short of their tolerance. See convergence.hpp.
#include "solver/app/convergence.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace kelvin {

using json = nlohmann::json;

void ConvergenceLog::add(const Shortfall& s) {
  for (auto& have : m_all) {
    if (have.solve != s.solve) continue;
    have.count += s.count;
    have.iterations = std::max(have.iterations, s.iterations);
    if (s.residual / s.tolerance > have.residual / have.tolerance) {
      have.residual = s.residual;
      have.tolerance = s.tolerance;
      have.detail = s.detail;
    }
    return;
  }
  m_all.push_back(s);
}

json ConvergenceLog::to_json() const {
  json out = json::array();
  for (const auto& s : m_all)
    out.push_back({{"solve", s.solve},
                   {"residual", s.residual},
                   {"tolerance", s.tolerance},
                   {"unit", s.unit},
                   {"iterations", s.iterations},
                   {"count", s.count},
                   {"detail", s.detail},
                   {"hint", s.hint}});
  return out;
}

namespace {

/// What to change when the flow does not settle, with the case's current values.
std::string flow_hint(const Case& c) {
  const double relax = c.flow.velocity_relaxation;
  return fmt::format("lower flow.relaxation (now {:g}; try {:g}), raise flow.max_iterations (now {}), "
                     "refine the mesh in the coolant (coldplate.mesh, mesh.max_cell_size), or loosen "
                     "flow.tolerance (now {:g})",
                     relax, std::max(0.1, 0.7 * relax), c.flow.max_iterations, c.flow.tolerance);
}

}  // namespace

std::vector<Shortfall> flow_shortfall(const Case& c, const std::string& solve,
                                      const FlowResiduals& r, double tolerance) {
  if (r.below(tolerance)) return {};
  Shortfall s;
  s.solve = solve;
  s.residual = std::max(r.continuity, r.momentum);
  s.tolerance = tolerance;
  s.iterations = r.iterations;
  s.detail = fmt::format("continuity {:.2e}, momentum {:.2e}", r.continuity, r.momentum);
  s.hint = flow_hint(c);
  return {s};
}

std::vector<Shortfall> linear_shortfall(const Case& c, const std::string& solve,
                                        const SolveStats& st, double tolerance) {
  if (st.converged) return {};
  Shortfall s;
  s.solve = solve;
  s.residual = st.relative_residual;
  s.tolerance = tolerance;
  s.iterations = st.iterations;
  s.detail = fmt::format("relative residual {:.2e} after {} iterations", st.relative_residual,
                         st.iterations);
  s.hint = fmt::format("raise solver.max_iterations (now {}) or loosen solver.tolerance (now {:g}); "
                       "a residual that stalls points at a property or boundary far out of scale",
                       c.solver.max_iterations, c.solver.tolerance);
  return {s};
}

std::vector<Shortfall> cht_shortfalls(const Case& c, const std::string& solve, const ChtResult& r) {
  if (r.converged) return {};
  std::vector<Shortfall> out = flow_shortfall(c, solve + ": flow of the last coupling pass", r.flow,
                                              c.flow.tolerance);
  const auto energy = linear_shortfall(c, solve + ": energy equation", r.energy, c.solver.tolerance);
  out.insert(out.end(), energy.begin(), energy.end());
  if (r.last_change_K >= c.flow.temperature_tolerance_K || out.empty()) {
    Shortfall s;
    s.solve = solve + ": flow-energy coupling";
    s.residual = r.last_change_K;
    s.tolerance = c.flow.temperature_tolerance_K;
    s.unit = "K";
    s.iterations = r.passes;
    s.detail = fmt::format("the last of {} passes changed a temperature by {:.3g} K (the check "
                           "needs two passes)",
                           r.passes, r.last_change_K);
    s.hint = fmt::format("raise flow.max_coupling_iterations (now {}) or loosen "
                         "flow.temperature_tolerance (now {:g} K)",
                         c.flow.max_coupling_iterations, c.flow.temperature_tolerance_K);
    out.push_back(s);
  }
  return out;
}

std::string format_not_converged(const json& summary) {
  std::string text;
  if (!summary.contains("not_converged")) return text;
  for (const auto& s : summary["not_converged"]) {
    const long long count = s.value("count", 1LL);
    const double tolerance = s.value("tolerance", 0.0);
    const std::string unit = s.value("unit", std::string());
    const std::string against =
        tolerance <= 0 ? std::string()
                       : unit.empty() ? fmt::format(" (tolerance {:.1e})", tolerance)
                                      : fmt::format(" (tolerance {:g} {})", tolerance, unit);
    text += fmt::format("kelvin: did not converge: {}{}: {}{}; {}\n", s.value("solve", std::string()),
                        count > 1 ? fmt::format(" ({} times)", count) : std::string(),
                        s.value("detail", std::string()), against, s.value("hint", std::string()));
  }
  return text;
}

}  // namespace kelvin
