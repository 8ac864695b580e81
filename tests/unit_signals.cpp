// The stop request (solver/base/interrupt.hpp) that Ctrl-C and SIGTERM set, and the steady
// loops that poll it: the linear solve of a steady temperature field and the SIMPLEC iteration
// stop after the iteration during which it was set, with Interrupted carrying the signal.
// Real signals through the executable: regression_signals.cpp.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "kernels/field.hpp"
#include "solver/base/interrupt.hpp"
#include "solver/physics/conduction.hpp"
#include "tests/flow_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

/// Clears any request a failed test left behind.
class StopRequest : public ::testing::Test {
 protected:
  void SetUp() override { clear_interrupt(); }
  void TearDown() override { clear_interrupt(); }
};

}  // namespace

TEST_F(StopRequest, RemembersItsSignalUntilCleared) {
  EXPECT_FALSE(interrupt_requested());
  EXPECT_EQ(interrupt_signal(), 0);
  request_interrupt(SIGTERM);
  EXPECT_TRUE(interrupt_requested());
  EXPECT_EQ(interrupt_signal(), SIGTERM);
  clear_interrupt();
  EXPECT_FALSE(interrupt_requested());
  request_interrupt();  // Ctrl-C by default
  EXPECT_EQ(interrupt_signal(), SIGINT);
}

TEST_F(StopRequest, ThrowInterruptedCarriesTheSignalAndClearsTheRequest) {
  request_interrupt(SIGTERM);
  try {
    throw_interrupted("during a test");
    FAIL() << "no exception";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal_number, SIGTERM);
    EXPECT_FALSE(e.checkpoint_written);
    EXPECT_EQ(std::string(e.what()), "interrupted during a test");
  }
  EXPECT_FALSE(interrupt_requested());
}

// The package-like stack needs several CG iterations at 1e-12; a request made during the second
// stops the solve there, not at the end.
TEST_F(StopRequest, SteadyTemperatureSolveStopsAfterTheIterationOfTheRequest) {
  ConductionSolver s(package_like(16));
  Field<double> T = s.make_field(313.15);
  int last = 0;
  try {
    s.solve_steady(T, 1e-12, 200, [&](int it, double) {
      last = it;
      if (it == 2) request_interrupt(SIGINT);
    });
    FAIL() << "the solve ran to the end";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal_number, SIGINT);
    EXPECT_NE(std::string(e.what()).find("steady temperature solve at iteration 2"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(last, 2);
  EXPECT_FALSE(interrupt_requested());
  // Without a request the same solver still converges: nothing was left half-set.
  EXPECT_TRUE(s.solve_steady(T, 1e-10, 200).converged);
}

// A duct whose flow needs far more than three SIMPLEC iterations: a request during the third
// stops it there with the residuals in the message.
TEST_F(StopRequest, SteadyFlowStopsAfterTheIterationOfTheRequest) {
  Grid g(graded_faces(24, 6e-3), graded_faces(6, 1e-3), graded_faces(6, 1e-3));
  const CoolantProperties water = make_coolant("water", 0);
  FlowProblem p = make_flow_problem(std::move(g), water, 313.15);
  set_port(p, 0, FlowBoundaryKind::Inlet, 0.02);
  set_port(p, 1, FlowBoundaryKind::Outlet);
  FlowSolver flow(p);
  flow.settings().tolerance = 1e-12;
  int last = 0;
  try {
    flow.solve_steady([&](int it, const FlowResiduals&) {
      last = it;
      if (it == 3) request_interrupt(SIGTERM);
    });
    FAIL() << "the flow ran to the end";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal_number, SIGTERM);
    const std::string what = e.what();
    EXPECT_NE(what.find("steady flow solve at iteration 3 (continuity"), std::string::npos) << what;
  }
  EXPECT_EQ(last, 3);
  EXPECT_FALSE(interrupt_requested());
}

// The transient steps of a flow poll too (a temperature-dependent flow has no checkpoint to
// wait for), and say that it was a time step.
TEST_F(StopRequest, FlowTimeStepStopsAndSaysSo) {
  Grid g(graded_faces(12, 6e-3), graded_faces(4, 1e-3), graded_faces(4, 1e-3));
  FlowProblem p = make_flow_problem(std::move(g), make_coolant("water", 0), 313.15);
  set_port(p, 0, FlowBoundaryKind::Inlet, 0.02);
  set_port(p, 1, FlowBoundaryKind::Outlet);
  FlowSolver flow(p);
  flow.settings().tolerance = 1e-14;
  flow.settings().max_iterations = 50;
  request_interrupt(SIGINT);
  try {
    flow.solve_step(1e-3);
    FAIL() << "the step ran to the end";
  } catch (const Interrupted& e) {
    EXPECT_NE(std::string(e.what()).find("flow solve of a time step at iteration 1"), std::string::npos)
        << e.what();
  }
}
