// Verification of the conduction discretisation against analytic solutions.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <cmath>

#include "solver/app/probes.hpp"
#include "solver/numerics/transient.hpp"
#include "test_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;


namespace {

const double kPi = 3.14159265358979323846;

std::vector<double> solve(ConductionProblem& p, double tol = 1e-13) {
  ConductionSolver s(p);
  auto T = s.make_field(300.0);
  const auto st = s.solve_steady(T, tol, 200);
  EXPECT_TRUE(st.converged) << "relative residual " << st.relative_residual;
  return T.to_host();
}

}  // namespace

// 1-D wall of two materials with k ratio 1000 on non-uniform cells, fixed temperatures at both
// ends. The exact profile is piecewise linear; with face conductances from the series
// resistance of the half cells (harmonic mean) the finite-volume answer is exact, so the
// only error left is round-off and the linear-solver tolerance: 1e-8 relative is a real test.
TEST(CompositeWall, MatchesAnalyticSolutionToRoundOff) {
  const double L1 = 0.01, L2 = 0.03, k1 = 0.4, k2 = 400.0, Tl = 400.0, Tr = 300.0;
  std::vector<double> xf = graded_faces(17, L1, 1.15);
  for (double x : graded_faces(23, L2, 0.93)) if (x > 0) xf.push_back(L1 + x);
  ConductionProblem p = make_problem(xf, graded_faces(3, 0.01), graded_faces(2, 0.01), k1);
  const int m2 = add_material(p, {k2, k2, k2});
  for (int k = 0; k < p.grid.n(2); ++k)
    for (int j = 0; j < p.grid.n(1); ++j)
      for (int i = 0; i < p.grid.n(0); ++i)
        if (p.grid.center(0, i) > L1) p.grid.materials()[p.grid.index(i, j, k)] = m2;
  set_face(p, 0, 0.0, Tl);
  set_face(p, 1, 0.0, Tr);
  const auto T = solve(p);
  // q = (Tl - Tr) / (L1/k1 + L2/k2); T falls by q x / k within each layer.
  const double q = (Tl - Tr) / (L1 / k1 + L2 / k2);
  double worst = 0;
  for (int i = 0; i < p.grid.n(0); ++i) {
    const double x = p.grid.center(0, i);
    const double exact = x < L1 ? Tl - q * x / k1 : Tl - q * L1 / k1 - q * (x - L1) / k2;
    for (int k = 0; k < p.grid.n(2); ++k)
      for (int j = 0; j < p.grid.n(1); ++j)
        worst = std::max(worst, std::fabs(T[p.grid.index(i, j, k)] - exact) / exact);
  }
  RecordProperty("worst_relative_error", sci(worst));
  EXPECT_LT(worst, 1e-8);
}

// Contact resistance between the two layers adds R'' in series.
TEST(CompositeWall, ContactResistanceAddsInSeries) {
  const double L = 0.01, k = 10.0, R = 2e-4, Tl = 350.0, Tr = 300.0;
  ConductionProblem p = make_problem(graded_faces(20, 2 * L), graded_faces(2, 0.01), graded_faces(2, 0.01), k);
  const int m2 = add_material(p, {k, k, k});
  p.contact_K_m2_W[0 * 2 + 1] = p.contact_K_m2_W[1 * 2 + 0] = R;
  for (int kk = 0; kk < 2; ++kk)
    for (int j = 0; j < 2; ++j)
      for (int i = 10; i < 20; ++i) p.grid.materials()[p.grid.index(i, j, kk)] = m2;
  set_face(p, 0, 0.0, Tl);
  set_face(p, 1, 0.0, Tr);
  ConductionSolver s(p);
  auto T = s.make_field(300.0);
  s.solve_steady(T, 1e-13, 100);
  const auto eb = s.energy_balance(T);
  const double q = (Tl - Tr) / (2 * L / k + R);
  EXPECT_NEAR(eb.face_net_in_W[0] / (0.01 * 0.01), q, 1e-9 * q);
  // Probes read each side of the jump: just left of the contact face the left layer's
  // temperature, on the face itself and right of it the right layer's (q R lower).
  const auto exact = [&](double x) {
    return x < L ? Tl - q * x / k : Tl - q * L / k - q * R - q * (x - L) / k;
  };
  std::vector<Probe> probes;
  for (double x : {L - 1e-6, L, L + 3e-4, 0.31 * L, 1.77 * L}) probes.push_back({"p", {x, 0.004, 0.007}, {}});
  const std::vector<double> read = ProbeSet(probes, p).values(T);
  for (std::size_t n = 0; n < probes.size(); ++n)
    EXPECT_NEAR(read[n], exact(probes[n].position_m[0]), 1e-9 * Tl) << "x = " << probes[n].position_m[0];
}

// Slab with a fixed temperature on one face and convection (Bi = hL/k = 1) on the other:
// T(x) = T1 - q x / k with q = (T1 - Tinf) / (L/k + 1/h). Exact for the scheme, as above.
TEST(ConvectiveSlab, BiotOneMatchesAnalyticProfile) {
  const double L = 0.02, k = 15.0, h = k / L, T1 = 380.0, Tinf = 300.0;
  ConductionProblem p = make_problem(graded_faces(30, L, 1.07), graded_faces(2, 0.01), graded_faces(2, 0.01), k);
  set_face(p, 0, 0.0, T1);
  set_face(p, 1, 1.0 / h, Tinf);
  const auto T = solve(p);
  const double q = (T1 - Tinf) / (L / k + 1 / h);
  for (int i = 0; i < p.grid.n(0); ++i) {
    const double exact = T1 - q * p.grid.center(0, i) / k;
    EXPECT_NEAR(T[p.grid.index(i, 0, 0)], exact, 1e-9 * exact);
  }
  // the convective face carries the whole heat flow
  ConductionSolver s(p);
  auto Tf = s.make_field(300.0);
  s.solve_steady(Tf, 1e-13, 100);
  EXPECT_NEAR(-s.energy_balance(Tf).face_net_in_W[1], q * 0.01 * 0.01, 1e-9 * q * 1e-4);
}

namespace {

// Manufactured solution on [0,1]^3: T = sin(pi x) sin(pi y) sin(pi z), k = 1 + x^2 / 2
// (cell-wise: one material per x column), q = -div(k grad T), T = 0 on every face.
// Smoothly stretched cells x = s + 0.1 sin(2 pi s) / (2 pi) keep the grid non-uniform at
// every refinement. Returns the volume-weighted L2 error.
double mms_error(int n) {
  auto faces = [n]() {
    std::vector<double> f(n + 1);
    for (int i = 0; i <= n; ++i) {
      const double s = double(i) / n;
      f[i] = s + 0.1 * std::sin(2 * kPi * s) / (2 * kPi);
    }
    return f;
  };
  ConductionProblem p = make_problem(faces(), faces(), faces(), 1.0);
  p.conductivity_W_mK.clear();
  p.rho_cp_J_m3K.clear();
  for (int i = 0; i < n; ++i) {
    const double x = p.grid.center(0, i), k = 1 + 0.5 * x * x;
    p.conductivity_W_mK.push_back({k, k, k});
    p.rho_cp_J_m3K.push_back(1.0);
  }
  p.contact_K_m2_W.assign(static_cast<std::size_t>(n) * n, 0.0);
  const auto& g = p.grid;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double x = g.center(0, i), y = g.center(1, j), z = g.center(2, k);
        const double kk = 1 + 0.5 * x * x, dk = x;
        const double T = std::sin(kPi * x) * std::sin(kPi * y) * std::sin(kPi * z);
        const double Tx = kPi * std::cos(kPi * x) * std::sin(kPi * y) * std::sin(kPi * z);
        p.grid.materials()[g.index(i, j, k)] = i;
        p.source_W_m3[g.index(i, j, k)] = -(dk * Tx) + 3 * kPi * kPi * kk * T;
      }
  for (int f = 0; f < 6; ++f) set_face(p, f, 0.0, 0.0);
  ConductionSolver s(p);
  auto Tf = s.make_field(0.0);
  s.solve_steady(Tf, 1e-12, 200);
  const auto T = Tf.to_host();
  double err2 = 0, vol = 0;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const double v = g.width(0, i) * g.width(1, j) * g.width(2, k);
        const double exact = std::sin(kPi * g.center(0, i)) * std::sin(kPi * g.center(1, j)) *
                             std::sin(kPi * g.center(2, k));
        err2 += v * std::pow(T[g.index(i, j, k)] - exact, 2);
        vol += v;
      }
  return std::sqrt(err2 / vol);
}

}  // namespace

TEST(ManufacturedSolution, VariableConductivityIsSecondOrderOnNonUniformGrid) {
  const double e16 = mms_error(16), e32 = mms_error(32), e64 = mms_error(64);
  RecordProperty("l2_errors_16_32_64", sci(e16) + " " + sci(e32) + " " + sci(e64));
  // Second order: the error falls 4x per halving; the issue asks for at least 3.5x.
  EXPECT_GT(e16 / e32, 3.5) << e16 << " " << e32;
  EXPECT_GT(e32 / e64, 3.5) << e32 << " " << e64;
  EXPECT_LT(e64, 1e-3);
}

namespace {

// Semi-infinite solid, surface stepped from T0 to Ts at t = 0:
//   T(x, t) = Ts + (T0 - Ts) erf(x / (2 sqrt(alpha t))).
// The slab is 10 penetration depths deep at t_end so its far face does not matter.
struct SurfaceStep {
  double k = 50.0, rho_cp = 3.6e6, alpha = k / rho_cp, t_end = 20.0, T0 = 300.0, Ts = 400.0;
  ConductionProblem problem() const {
    const double depth = 10 * std::sqrt(alpha * t_end);
    ConductionProblem p = make_problem(graded_faces(200, depth, 1.01), graded_faces(1, 0.01),
                                       graded_faces(1, 0.01), k, rho_cp);
    set_face(p, 0, 0.0, Ts);
    return p;
  }
  /// BDF2 to t_end from the first step dt (linear solves to 1e-12).
  TransientSettings settings(double dt) const {
    TransientSettings ts;
    ts.enabled = true;
    ts.end_time_s = t_end;
    ts.time_step_s = dt;
    ts.scheme = TransientSettings::Scheme::BDF2;
    return ts;
  }
  /// Largest |T - exact| at t_end over the cells, as a fraction of the step Ts - T0.
  double max_error_fraction(const Grid& g, const std::vector<double>& T) const {
    double worst = 0;
    for (int i = 0; i < g.n(0); ++i) {
      const double exact = Ts + (T0 - Ts) * std::erf(g.center(0, i) / (2 * std::sqrt(alpha * t_end)));
      worst = std::max(worst, std::fabs(T[i] - exact));
    }
    return worst / (Ts - T0);
  }
};

}  // namespace

// BDF2 with small steps and fine cells near the surface: the error is about 1.4e-5 of the
// step; 1e-4 leaves margin for the cell-centred boundary, and backward Euler with the same
// steps misses it.
TEST(SemiInfiniteSolid, SurfaceStepFollowsErfcSolution) {
  const SurfaceStep step;
  const ConductionProblem p = step.problem();
  ConductionSolver s(p);
  const TransientSettings ts = step.settings(0.02);
  SolverSettings lin;
  lin.tolerance = 1e-12;
  TransientIntegrator integ(s, ts, lin, s.make_field(step.T0));
  integ.advance_to(step.t_end);
  EXPECT_DOUBLE_EQ(integ.time(), step.t_end);
  const double err = step.max_error_fraction(p.grid, integ.temperature().to_host());
  RecordProperty("max_error_fraction_of_step", sci(err));
  EXPECT_LT(err, 1e-4);
}

// BDF2 is second order in time: halving the step cuts the error at t_end about 4x.
TEST(SemiInfiniteSolid, Bdf2IsSecondOrderInTime) {
  const double k = 50.0, rho_cp = 3.6e6, t_end = 10.0;
  auto run = [&](double dt) {
    ConductionProblem p = make_problem(graded_faces(40, 0.02), graded_faces(1, 0.01), graded_faces(1, 0.01), k, rho_cp);
    set_face(p, 0, 0.0, 400.0);
    ConductionSolver s(p);
    TransientSettings ts;
    ts.enabled = true;
    ts.end_time_s = t_end;
    ts.time_step_s = dt;
    SolverSettings lin;
    lin.tolerance = 1e-13;
    TransientIntegrator integ(s, ts, lin, s.make_field(300.0));
    integ.advance_to(t_end);
    return integ.temperature().to_host();
  };
  const auto ref = run(0.0125), a = run(0.4), b = run(0.2);
  double ea = 0, eb = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ea = std::max(ea, std::fabs(a[i] - ref[i]));
    eb = std::max(eb, std::fabs(b[i] - ref[i]));
  }
  RecordProperty("error_ratio_dt_halved", sci(ea / eb));
  EXPECT_GT(ea / eb, 3.0) << ea << " " << eb;
}

// Transient energy conservation: heat in = heat out + storage, every step, to solver tolerance.
TEST(Transient, EnergyBalanceClosesEveryStep) {
  ConductionProblem p = package_like(16);
  ConductionSolver s(p);
  TransientSettings ts;
  ts.enabled = true;
  ts.end_time_s = 0.5;
  ts.time_step_s = 0.01;
  ts.adaptive = true;
  ts.tolerance_K = 0.05;
  SolverSettings lin;
  lin.tolerance = 1e-12;
  TransientIntegrator integ(s, ts, lin, s.make_field(313.15));
  double worst = 0;
  integ.advance_to(0.5, [&](const StepInfo& st) {
    worst = std::max(worst, s.energy_balance(integ.temperature(), st.storage_W).relative_error());
  });
  RecordProperty("worst_step_energy_error", sci(worst));
  EXPECT_LT(worst, 1e-8);
  EXPECT_GT(integ.steps(), 5);
}

// Adaptive BDF2 on the same surface step: steps start tiny (the step change is abrupt) and
// grow as the profile smooths, meeting the erfc solution with far fewer steps than the fixed
// 0.02 s run above.
TEST(SemiInfiniteSolid, AdaptiveStepsFollowErfcWithFewSteps) {
  const SurfaceStep step;
  const ConductionProblem p = step.problem();
  ConductionSolver s(p);
  TransientSettings ts = step.settings(1e-3);
  ts.adaptive = true;
  ts.tolerance_K = 0.01;
  ts.max_step_s = 5.0;
  SolverSettings lin;
  lin.tolerance = 1e-12;
  TransientIntegrator integ(s, ts, lin, s.make_field(step.T0));
  double smallest = 1e300, largest = 0;
  integ.advance_to(step.t_end, [&](const StepInfo& st) {
    smallest = std::min(smallest, st.dt_s);
    largest = std::max(largest, st.dt_s);
  });
  const double err = step.max_error_fraction(p.grid, integ.temperature().to_host());
  RecordProperty("steps", integ.steps());
  RecordProperty("max_error_fraction_of_step", sci(err));
  EXPECT_LT(err, 1e-3);  // tolerance 0.01 K per step on a 100 K step: ~3e-4
  EXPECT_LT(integ.steps(), 300);       // the fixed-step run takes 1000
  EXPECT_GT(largest / smallest, 20.0);  // the step really adapted
}

// A driver that advances in control intervals equal to the time step (GPU runs: 100 ms) reaches
// each interval's end within round-off of one step. The step then keeps its size bit for bit,
// so the BDF2 coefficients and the operator stay those of the first full step and the
// multigrid hierarchy is not rebuilt every step.
TEST(Transient, StepsAlignedWithIntervalsKeepTheirSizeExactly) {
  ConductionProblem p = package_like(8);
  ConductionSolver s(p);
  TransientSettings ts;
  ts.enabled = true;
  ts.end_time_s = 12;
  ts.time_step_s = 0.1;
  SolverSettings lin;
  lin.tolerance = 1e-8;
  TransientIntegrator integ(s, ts, lin, s.make_field(313.15));
  int steps = 0, other_sizes = 0;
  for (int interval = 1; interval <= 120; ++interval)
    integ.advance_to(interval * 0.1, [&](const StepInfo& st) {
      ++steps;
      other_sizes += st.dt_s != 0.1;  // 3 * 0.1 - 0.2 is 0.10000000000000003
    });
  EXPECT_EQ(steps, 120);
  EXPECT_EQ(other_sizes, 0);
  EXPECT_DOUBLE_EQ(integ.time(), 12.0);
}
