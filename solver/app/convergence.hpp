#pragma once
/// Honest answers: every solve of a run that stopped short of its tolerance (steady flow,
/// conjugate coupling, per-step flows, linear solves) is recorded with its residual, its
/// tolerance and what to change in the case. A run with any is not converged: summary.json
/// says "converged": false and lists them under "not_converged", the terminal shows one line
/// each, and `kelvin` exits 3, with every result still written.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "solver/case/case.hpp"
#include "solver/physics/cht.hpp"

namespace kelvin {

/// One solve that did not reach its tolerance.
struct Shortfall {
  std::string solve;          ///< which solve: "steady flow", "start-up flow of gpu7", ...
  double residual = 0;        ///< the worst residual it ended with, in unit
  double tolerance = 0;       ///< what it had to reach, in unit (0: none applies, a runaway)
  std::string unit;           ///< "" for relative residuals, "K" for temperatures
  long long iterations = 0;   ///< iterations it ran (the most, when repeated)
  long long count = 1;        ///< how many times (time steps, thermal solves) it fell short
  std::string detail;         ///< the residuals by name: "continuity 1.2e-01, momentum 4.0e-03"
  std::string hint;           ///< what to change: the case's keys
};

/// The shortfalls of one run; the same solve recorded again (every time step) is counted once,
/// keeping its worst residual.
class ConvergenceLog {
 public:
  void add(const Shortfall& s);
  void add(const std::vector<Shortfall>& all) {
    for (const auto& s : all) add(s);
  }
  bool empty() const { return m_all.empty(); }
  const std::vector<Shortfall>& all() const { return m_all; }
  /// summary.json's "not_converged": one object per solve.
  nlohmann::json to_json() const;

 private:
  std::vector<Shortfall> m_all;
};

/// A flow solve whose last residuals are not both below tolerance (empty when they are).
std::vector<Shortfall> flow_shortfall(const Case& c, const std::string& solve,
                                      const FlowResiduals& r, double tolerance);
/// A linear solve (steady temperatures, a time step) that stopped above its tolerance.
std::vector<Shortfall> linear_shortfall(const Case& c, const std::string& solve,
                                        const SolveStats& st, double tolerance);
/// What kept a steady conjugate solve from converging: its last pass's flow, its energy
/// solve, or the temperature change between passes (empty when it converged).
std::vector<Shortfall> cht_shortfalls(const Case& c, const std::string& solve, const ChtResult& r);

/// The terminal's lines for summary["not_converged"] (one per solve), each starting "kelvin: ".
std::string format_not_converged(const nlohmann::json& summary);

}  // namespace kelvin
