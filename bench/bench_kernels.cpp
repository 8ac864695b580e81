// Kernel and solver benchmarks: STREAM triad (the memory-bandwidth bound), the 7-point
// diffusion operator, one multigrid V-cycle, and time to solution with convergence factors.
// Run: build/bench/bench_kernels [--benchmark_filter=...]. Never part of the test suite.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "kernels/parallel_for.hpp"
#include "kernels/reduce.hpp"
#include "tests/flow_problems.hpp"
#include "tests/test_problems.hpp"

using namespace kelvin;
using namespace kelvin::testing;

namespace {

/// a = b + s c over n cells: 24 bytes moved per cell (STREAM counts 3 x 8 bytes).
void BM_StreamTriad(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Field<double> a(n, n, n), b(n, n, n), c(n, n, n);
  fill(b, 1.0);
  fill(c, 2.0);
  const auto av = a.view(), bv = b.view(), cv = c.view();
  const double s = 3.0;
  for (auto _ : state) {
    parallel_for(a.cells(), KELVIN_LAMBDA(int i, int j, int k) { av(i, j, k) = bv(i, j, k) + s * cv(i, j, k); });
    synchronize();
  }
  const double cells = double(n) * n * n;
  state.counters["bytes_per_second"] = benchmark::Counter(24 * cells, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StreamTriad)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

/// a = b over n cells: 16 bytes moved per cell.
void BM_StreamCopy(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Field<double> a(n, n, n), b(n, n, n);
  fill(b, 1.0);
  const auto av = a.view(), bv = b.view();
  for (auto _ : state) {
    parallel_for(
        a.cells(), KELVIN_LAMBDA(int i, int j, int k) { av(i, j, k) = bv(i, j, k); });
    synchronize();
  }
  const double cells = double(n) * n * n;
  state.counters["bytes_per_second"] =
      benchmark::Counter(16 * cells, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StreamCopy)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The STREAM triad's bandwidth at 256^3 (three 134 MB arrays, beyond any cache), bytes/s: the
/// best of 10 passes.
double measure_stream_triad() {
  const int n = 256;
  Field<double> a(n, n, n), b(n, n, n), c(n, n, n);
  fill(b, 1.0);
  fill(c, 2.0);
  const auto av = a.view(), bv = b.view(), cv = c.view();
  double best = 1e300;
  for (int pass = 0; pass < 10; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    parallel_for(
        a.cells(),
        KELVIN_LAMBDA(int i, int j, int k) { av(i, j, k) = bv(i, j, k) + 3.0 * cv(i, j, k); });
    synchronize();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return 24.0 * n * n * n / best;
}

/// measure_stream_triad(), once per run: the reference of the assembly kernels' stream_fraction.
double stream_bytes_per_second() {
  static const double bw = measure_stream_triad();
  return bw;
}

/// Counters of a kernel moving bytes_per_cell over cells per iteration: bytes/s, the fraction
/// of the STREAM triad's bandwidth, and the bytes per cell it was counted with.
void bandwidth_counters(benchmark::State& state, double cells, double bytes_per_cell) {
  const double stream = stream_bytes_per_second();
  state.counters["cell_updates_per_second"] =
      benchmark::Counter(cells, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_second"] =
      benchmark::Counter(bytes_per_cell * cells, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["stream_fraction"] = benchmark::Counter(
      bytes_per_cell * cells / stream, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_cell"] = bytes_per_cell;
  state.counters["stream_GB_s"] = stream * 1e-9;
}

ConductionProblem cube(int n) {
  ConductionProblem p =
      make_problem(graded_faces(n, 1.0), graded_faces(n, 1.0), graded_faces(n, 1.0));
  set_face(p, 0, 0.0, 300.0);
  for (auto& q : p.source_W_m3) q = 1.0;
  return p;
}

/// y = A x with the stored 7-point operator: reads ap, ax, ay, az, x and writes y, 48 bytes
/// per cell when the neighbours of x come from cache.
void BM_DiffusionApply(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  ConductionSolver s(cube(n));
  Field<double> x = s.make_field(1.0), y = s.make_field(0.0);
  for (auto _ : state) {
    apply(s.steady_operator(), x, y);
    synchronize();
  }
  const double cells = double(n) * n * n;
  state.counters["cell_updates_per_second"] = benchmark::Counter(cells, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_second"] = benchmark::Counter(48 * cells, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DiffusionApply)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();

/// One V-cycle preconditioner application z = M^-1 r on the uniform cube (2 pre + 2 post zebra
/// line sweeps per level), its levels in double (second argument 0) or single precision (1).
void BM_VCycle(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  ConductionSolver s(cube(n));
  MultigridOptions options;
  options.single_precision = state.range(1) != 0;
  Multigrid mg(s.steady_operator(), options);
  Field<double> b = s.make_field(1.0), x = s.make_field(0.0);
  for (auto _ : state) {
    mg.precondition(b, x);
    synchronize();
  }
  state.counters["cells_per_second"] = benchmark::Counter(double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["levels"] = mg.levels();
}
BENCHMARK(BM_VCycle)->Args({64, 0})->Args({64, 1})->Args({128, 0})->Args({128, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

/// One V-cycle on the 128^3 cube with lines along the given axis (0: x, the contiguous one; the
/// cold plates solve along y or z): the line sweeps' memory pattern differs by axis.
void BM_VCycleLineAxis(benchmark::State& state) {
  const int n = 128;
  ConductionSolver s(cube(n));
  MultigridOptions options;
  options.line_axis = static_cast<int>(state.range(0));
  options.single_precision = state.range(1) != 0;
  Multigrid mg(s.steady_operator(), options);
  Field<double> b = s.make_field(1.0), x = s.make_field(0.0);
  for (auto _ : state) {
    mg.precondition(b, x);
    synchronize();
  }
  state.counters["cells_per_second"] = benchmark::Counter(double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_VCycleLineAxis)->ArgsProduct({{0, 1, 2}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime();

/// Multigrid rebuild after the operator changed (coarse operators aggregated, every level's line
/// factors), single-precision levels on the 128^3 cube's operator made advective as momentum's
/// is (argument 1: up = 1.25 a, lo = 0.75 a) or left symmetric (0). Bytes per cell counted as
/// STREAM counts, finest level only: the double operator read (ap, 3 b, and 3 a or 3 a + 3 up +
/// 3 lo: 56 or 104 bytes), the float level 0 written (ap and 3 or 6 couplings: 16 or 28 bytes).
void BM_MultigridRebuild(benchmark::State& state) {
  const int n = 128;
  const bool advective = state.range(0) != 0;
  ConductionSolver s(cube(n));
  const Stencil7& S = s.steady_operator();
  Stencil7 A(n, n, n);
  for (auto [src, dst] : {std::pair{&S.ap, &A.ap}, {&S.ax, &A.ax}, {&S.ay, &A.ay}, {&S.az, &A.az},
                          {&S.bx, &A.bx}, {&S.by, &A.by}, {&S.bz, &A.bz}})
    copy(*src, *dst);
  if (advective) {
    A.enable_advection();
    const auto v = A.view();
    const FieldView<double> up[3] = {A.up[0].view(), A.up[1].view(), A.up[2].view()};
    const FieldView<double> lo[3] = {A.lo[0].view(), A.lo[1].view(), A.lo[2].view()};
    parallel_for(A.cells(), KELVIN_LAMBDA(int i, int j, int k) {
      const long long p = v.ap.index(i, j, k);
      const double a[3] = {v.ax.data[p], v.ay.data[p], v.az.data[p]};
      for (int d = 0; d < 3; ++d) up[d].data[p] = 1.25 * a[d], lo[d].data[p] = 0.75 * a[d];
    });
  }
  Multigrid mg(A);
  for (auto _ : state) {
    mg.rebuild(true);
    synchronize();
  }
  bandwidth_counters(state, double(n) * n * n, advective ? 132 : 72);
  state.counters["levels"] = mg.levels();
}
BENCHMARK(BM_MultigridRebuild)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Steady solve to 1e-8 relative residual: time to solution, iterations, convergence factor;
/// the multigrid levels in single precision when the benchmark's second argument is 1.
void solve_bench(benchmark::State& state, const ConductionProblem& p) {
  MultigridOptions options;
  options.single_precision = state.range(1) != 0;
  ConductionSolver s(p, options);
  SolveStats st;
  for (auto _ : state) {
    state.PauseTiming();
    Field<double> T = s.make_field(300.0);
    state.ResumeTiming();
    st = s.solve_steady(T, 1e-8, 200);
    synchronize();
  }
  state.counters["cells"] = double(p.grid.cell_count());
  state.counters["iterations"] = st.iterations;
  state.counters["convergence_factor"] = st.convergence_factor;
}

void BM_SolveUniformCube(benchmark::State& state) { solve_bench(state, cube(static_cast<int>(state.range(0)))); }
BENCHMARK(BM_SolveUniformCube)->Args({32, 0})->Args({64, 0})->Args({128, 0})->Args({128, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_SolvePackage(benchmark::State& state) { solve_bench(state, package_like(static_cast<int>(state.range(0)))); }
BENCHMARK(BM_SolvePackage)->Args({32, 0})->Args({64, 0})->Args({128, 0})->Args({128, 1})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

/// Momentum assembly (one component), one streaming pass (flow_links.hpp), 172 bytes per face
/// counted as STREAM counts (each array once; neighbours come from cache):
///   read:  link bits (4), u_d, two lateral u, rho, p, constant a_P part, constant sum of the
///          unknown links' diffusion, the d-link's conductance, the 3 diffusive couplings (92);
///   write: the whole couplings up and lo per axis, a_P, rhs, b_d and d (80).
/// (148 bytes until the couplings became whole ones: the line sweeps, residuals and
/// factorisations then read 6 coupling fields instead of 9.)
/// Before the link precomputation it was two passes and 288 bytes per face (links: state, u_d,
/// two lateral u, rho, 3 conductances read, 3 link fluxes and the 9 off-diagonal fields
/// written; rows: state, u_d, p, 3 conductances, 3 fluxes, 2 wall conductances read, a_P, rhs,
/// 3 boundary sums and d written).
void BM_MomentumAssembly(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  FlowSolver s(channel_array(n));
  s.iterate();
  for (auto _ : state) {
    s.assemble_momentum(0, 0.0);
    synchronize();
  }
  bandwidth_counters(state, double(n) * n * n, 172);
}
BENCHMARK(BM_MomentumAssembly)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Pressure-correction assembly, 144 bytes per cell: one pass reading the cell bits (4), rho,
/// 3 d and 3 mass-flux fields (56) and writing 3 couplings, 3 boundary sums, a_P and the rhs
/// (64); the maximum of a_P (8); the tiny diagonal of uncoupled cells (bits and a_P read, 12).
/// Before: 204 bytes per cell in four passes (states, fluid flags and the diagonal's own pass).
void BM_PressureAssembly(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  FlowSolver s(channel_array(n));
  s.iterate();
  for (auto _ : state) {
    s.assemble_pressure();
    synchronize();
  }
  bandwidth_counters(state, double(n) * n * n, 144);
}
BENCHMARK(BM_PressureAssembly)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Bytes per cell one SIMPLEC iteration of the 128^3 channel array moves with `cg` pressure
/// iterations (a mean over several iterations), counted pass by pass from the code (double 8, float 4; neighbours' values from
/// cache; the line sweeps' back substitution from cache):
///  - momentum, per component, 476: assembly 172 (BM_MomentumAssembly); the cycle's residual
///    pass with the float copy of the rows 108 (7 double couplings, b, u read; 7 float rows,
///    b0, x0 written); line factors 16; 4 zebra sweeps along z at 40 (6 float couplings, the
///    factor, b, x read; x written); u += x0, 20.
///  - pressure, once per iteration, 631: mass fluxes 72; assembly 144 (BM_PressureAssembly);
///    continuity 8; the multigrid rebuild 146 (the change of a_P 16, the float copy of level 0
///    48, its line factors 12; the coarse levels, rebuilt every other iteration here, about 70);
///    CG's start 24 and true residual 56; corrections of u, v, w, the mass fluxes and p 181.
///  - pressure, per CG iteration, 434: vectors 144 (the residual loaded to float 16, r . z 12,
///    the direction 20, q = A p with p . q 48, the x and r updates 48) and a float V-cycle of
///    158 bytes per cell of each level (4 sweeps along y at 28, residual 28, transfers 18) over
///    levels of 1, 1/2, 1/4, 1/16, ... of the cells (1.83 in all): 290.
double flow_iteration_bytes_per_cell(double cg) { return 3 * 476 + 631 + 434 * cg; }

/// One SIMPLEC outer iteration (3 momentum assemblies and multigrid solves, the pressure
/// correction solve, corrections), cells per second and against STREAM.
void BM_FlowIteration(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  FlowSolver s(channel_array(n));
  s.iterate();
  FlowResiduals r;
  int cg = 0;
  for (auto _ : state) {
    r = s.iterate();
    cg += r.pressure_iterations;
  }
  bandwidth_counters(state, double(n) * n * n,
                     flow_iteration_bytes_per_cell(cg / double(state.iterations())));
  state.counters["cells_per_second"] = benchmark::Counter(double(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["pressure_iterations"] = r.pressure_iterations;
}
BENCHMARK(BM_FlowIteration)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);

/// Time to solution of a steady channel flow (tests/flow_problems.hpp: plate_channel, aspect
/// ratio 32) to 1e-8 with n cells across: SIMPLEC (algorithm 0, relaxation 0.7) or the coupled
/// solve (1, relaxation 1). Reports the outer iterations: SIMPLEC's grow with n, the coupled
/// solve's do not.
void BM_ChannelTimeToSolution(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool coupled = state.range(1) == 1;
  const FlowProblem p = plate_channel(n, 32);
  FlowResiduals r;
  for (auto _ : state) {
    FlowSolver s(p);
    s.settings().tolerance = 1e-8;
    s.settings().max_iterations = 3000;
    s.settings().algorithm = coupled ? FlowAlgorithm::Coupled : FlowAlgorithm::Simplec;
    s.settings().velocity_relaxation = coupled ? 1.0 : 0.7;
    r = s.solve_steady();
  }
  state.counters["outer_iterations"] = r.iterations;
  state.counters["cells"] = double(p.grid.cell_count());
}
BENCHMARK(BM_ChannelTimeToSolution)->ArgsProduct({{8, 16, 32}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
