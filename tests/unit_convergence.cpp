// The record of solves that stopped short of their tolerance (solver/app/convergence.hpp) and
// the linear solvers' round-off floor: what is listed, how repeats merge, what the hints name.
#include <gtest/gtest.h>

#include <string>

#include "kernels/field.hpp"
#include "solver/app/convergence.hpp"
#include "solver/physics/conduction.hpp"
#include "tests/test_problems.hpp"

using namespace kelvin;

namespace {

Case flow_case() {
  Case c;
  c.flow.velocity_relaxation = 0.7;
  c.flow.max_iterations = 3000;
  c.flow.tolerance = 1e-6;
  c.flow.max_coupling_iterations = 50;
  c.flow.temperature_tolerance_K = 0.01;
  c.solver.tolerance = 1e-10;
  c.solver.max_iterations = 200;
  return c;
}

}  // namespace

TEST(Convergence, FlowBelowToleranceIsNotListedAndAboveItNamesCaseKeys) {
  const Case c = flow_case();
  FlowResiduals ok;
  ok.continuity = 1e-7, ok.momentum = 1e-8;
  EXPECT_TRUE(flow_shortfall(c, "steady flow", ok, 1e-6).empty());
  FlowResiduals stuck;
  stuck.continuity = 0.1, stuck.momentum = 4e-3, stuck.iterations = 3000;
  const auto s = flow_shortfall(c, "steady flow", stuck, 1e-6);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].residual, 0.1);
  EXPECT_EQ(s[0].tolerance, 1e-6);
  EXPECT_EQ(s[0].iterations, 3000);
  for (const char* key : {"flow.relaxation (now 0.7", "flow.max_iterations (now 3000)", "flow.tolerance"})
    EXPECT_NE(s[0].hint.find(key), std::string::npos) << key << " in " << s[0].hint;
  EXPECT_EQ(s[0].hint.find("velocity_relaxation"), std::string::npos);
}

TEST(Convergence, RepeatedSolvesMergeKeepingTheWorstResidual) {
  const Case c = flow_case();
  ConvergenceLog log;
  SolveStats a, b;
  a.relative_residual = 1e-8, a.iterations = 200;
  b.relative_residual = 1e-6, b.iterations = 150;
  log.add(linear_shortfall(c, "linear solves of the time steps", a, 1e-10));
  log.add(linear_shortfall(c, "linear solves of the time steps", b, 1e-10));
  ASSERT_EQ(log.all().size(), 1u);
  EXPECT_EQ(log.all()[0].count, 2);
  EXPECT_EQ(log.all()[0].residual, 1e-6);
  EXPECT_EQ(log.all()[0].iterations, 200);
  const auto j = log.to_json();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["count"].get<long long>(), 2);
  const std::string line = format_not_converged({{"not_converged", j}});
  EXPECT_NE(line.find("did not converge: linear solves of the time steps (2 times)"), std::string::npos)
      << line;
  EXPECT_NE(line.find("solver.max_iterations (now 200)"), std::string::npos) << line;
}

TEST(Convergence, ConjugateSolveNamesWhatHeldItBack) {
  const Case c = flow_case();
  ChtResult r;
  r.converged = false;
  r.passes = 50;
  r.flow.continuity = 1e-8, r.flow.momentum = 1e-9;  // the flow met its tolerance
  r.energy.converged = true;
  r.last_change_K = 0.05;  // but the passes still moved temperatures
  const auto s = cht_shortfalls(c, "steady conjugate solve", r);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].solve, "steady conjugate solve: flow-energy coupling");
  EXPECT_NE(s[0].hint.find("flow.max_coupling_iterations (now 50)"), std::string::npos);
  r.converged = true;
  EXPECT_TRUE(cht_shortfalls(c, "steady conjugate solve", r).empty());
}

// A tolerance below what double precision reaches for the system: CG stops at the round-off
// floor and says so, counting it as converged; the same solve at a reachable tolerance is
// converged the ordinary way.
TEST(Convergence, LinearSolveAtTheRoundOffFloorCountsAsConverged) {
  ConductionSolver s(kelvin::testing::package_like(16));
  Field<double> T = s.make_field(313.15);
  const SolveStats tight = s.solve_steady(T, 1e-30, 200);
  EXPECT_TRUE(tight.roundoff_limited);
  EXPECT_TRUE(tight.converged);
  EXPECT_GT(tight.relative_residual, 1e-30);
  EXPECT_LT(tight.relative_residual, 1e-12);
  Field<double> U = s.make_field(313.15);
  const SolveStats fine = s.solve_steady(U, 1e-8, 200);
  EXPECT_TRUE(fine.converged);
  EXPECT_FALSE(fine.roundoff_limited);
  // A solve cut short by its iteration limit is neither.
  Field<double> V = s.make_field(313.15);
  const SolveStats cut = s.solve_steady(V, 1e-12, 1);
  EXPECT_FALSE(cut.converged);
  EXPECT_FALSE(cut.roundoff_limited);
}
