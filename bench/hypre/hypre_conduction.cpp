// HYPRE peer for bench/openfoam_compare.sh: the same two steady conduction problems Kelvin and
// OpenFOAM solve there, on the same N^3 uniform cells, by HYPRE's structured interface with
// PFMG-preconditioned CG (the standard HYPRE choice for a 7-point Laplacian on a box).
//
//   mpirun -np R hypre_conduction cube|stack [N] [TOLERANCE]
//
//   cube:  0.1 m cube, k = 10, q''' = 1e6 W/m^3, all six faces at 300 K
//   stack: z < 0.05 m: k = 1 with q''' = 1e6; z > 0.05 m: k = 400; zmax at 300 K, rest adiabatic
//
// Finite volumes exactly as Kelvin: the flux between cells P and Q is G (T_P - T_Q) with
//   G = A / (h/(2 k_P) + h/(2 k_Q))   (harmonic mean at a conductivity jump, A = h^2),
// a fixed-temperature face sits half a cell away: G_b = 2 k_P A / h. Rows are scaled by 1/h so
// the source term is q''' h^2. Convergence: ||b - Ax||_2 / ||b||_2 < TOLERANCE, Kelvin's
// definition. Ranks own slabs of z planes. Prints one line of key=value pairs: the maximum
// temperature, iterations, final relative residual, setup and solve seconds (the slowest rank).
#include <mpi.h>

#include <HYPRE_struct_ls.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Problem {
  bool stack = false;
  int n = 100;
  double L = 0.1;
  double k_at(int kz) const {  // conductivity of cell plane kz
    if (!stack) return 10.0;
    return (kz + 0.5) * L / n < 0.05 ? 1.0 : 400.0;
  }
  double q_at(int kz) const { return !stack || (kz + 0.5) * L / n < 0.05 ? 1e6 : 0.0; }
  // Is the face beyond cell index i (−1 or n) of axis d on side s a fixed-temperature face?
  bool fixed(int d, int side) const { return !stack || (d == 2 && side == 1); }
};

/// Per-cell stencil values (7 entries: centre, -x, +x, -y, +y, -z, +z) and right-hand side.
void assemble(const Problem& p, int z0, int z1, std::vector<double>& a, std::vector<double>& b) {
  const int n = p.n;
  const double h = p.L / n, T_wall = 300.0;
  const std::size_t cells = static_cast<std::size_t>(n) * n * (z1 - z0 + 1);
  a.assign(cells * 7, 0.0);
  b.assign(cells, 0.0);
  std::size_t c = 0;
  for (int k = z0; k <= z1; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i, ++c) {
        const int idx[3] = {i, j, k};
        const double kP = p.k_at(k);
        double* row = &a[c * 7];
        b[c] = p.q_at(k) * h * h;  // q''' h^3 / h
        for (int d = 0; d < 3; ++d)
          for (int side = 0; side < 2; ++side) {
            const int nb = idx[d] + (side ? 1 : -1);
            double G = 0;  // conductance / h
            if (nb < 0 || nb >= n) {
              if (p.fixed(d, side)) {
                G = 2 * kP;
                b[c] += G * T_wall;
              }
            } else {
              const double kQ = d == 2 ? p.k_at(nb) : kP;
              G = 2.0 / (1.0 / kP + 1.0 / kQ);
              row[1 + 2 * d + side] = -G;
            }
            row[0] += G;
          }
      }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (argc < 2 || (std::strcmp(argv[1], "cube") && std::strcmp(argv[1], "stack"))) {
    if (rank == 0) std::fprintf(stderr, "usage: hypre_conduction cube|stack [N] [TOLERANCE]\n");
    MPI_Finalize();
    return 2;
  }
  Problem p;
  p.stack = !std::strcmp(argv[1], "stack");
  if (argc > 2) p.n = std::atoi(argv[2]);
  const double tol = argc > 3 ? std::atof(argv[3]) : 1e-8;
  HYPRE_Init();

  const double t0 = MPI_Wtime();
  const int z0 = rank * p.n / ranks, z1 = (rank + 1) * p.n / ranks - 1;
  int lo[3] = {0, 0, z0}, hi[3] = {p.n - 1, p.n - 1, z1};
  HYPRE_StructGrid grid;
  HYPRE_StructGridCreate(MPI_COMM_WORLD, 3, &grid);
  HYPRE_StructGridSetExtents(grid, lo, hi);
  HYPRE_StructGridAssemble(grid);
  HYPRE_StructStencil stencil;
  HYPRE_StructStencilCreate(3, 7, &stencil);
  const int offsets[7][3] = {{0, 0, 0}, {-1, 0, 0}, {1, 0, 0}, {0, -1, 0},
                             {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};
  for (int e = 0; e < 7; ++e) HYPRE_StructStencilSetElement(stencil, e, const_cast<int*>(offsets[e]));

  std::vector<double> a, b;
  assemble(p, z0, z1, a, b);
  HYPRE_StructMatrix A;
  HYPRE_StructMatrixCreate(MPI_COMM_WORLD, grid, stencil, &A);
  HYPRE_StructMatrixInitialize(A);
  int entries[7] = {0, 1, 2, 3, 4, 5, 6};
  HYPRE_StructMatrixSetBoxValues(A, lo, hi, 7, entries, a.data());
  HYPRE_StructMatrixAssemble(A);
  HYPRE_StructVector B, X;
  HYPRE_StructVectorCreate(MPI_COMM_WORLD, grid, &B);
  HYPRE_StructVectorCreate(MPI_COMM_WORLD, grid, &X);
  HYPRE_StructVectorInitialize(B);
  HYPRE_StructVectorInitialize(X);
  HYPRE_StructVectorSetBoxValues(B, lo, hi, b.data());
  std::vector<double> x(b.size(), 300.0);  // the same start as Kelvin: the wall temperature
  HYPRE_StructVectorSetBoxValues(X, lo, hi, x.data());
  HYPRE_StructVectorAssemble(B);
  HYPRE_StructVectorAssemble(X);

  HYPRE_StructSolver pcg, pfmg;
  HYPRE_StructPCGCreate(MPI_COMM_WORLD, &pcg);
  HYPRE_StructPCGSetTol(pcg, tol);
  HYPRE_StructPCGSetTwoNorm(pcg, 1);
  HYPRE_StructPCGSetMaxIter(pcg, 500);
  HYPRE_StructPFMGCreate(MPI_COMM_WORLD, &pfmg);
  HYPRE_StructPFMGSetMaxIter(pfmg, 1);
  HYPRE_StructPFMGSetTol(pfmg, 0.0);
  HYPRE_StructPFMGSetZeroGuess(pfmg);
  HYPRE_StructPFMGSetRelaxType(pfmg, 2);  // symmetric red-black Gauss-Seidel
  HYPRE_StructPFMGSetNumPreRelax(pfmg, 1);
  HYPRE_StructPFMGSetNumPostRelax(pfmg, 1);
  HYPRE_StructPCGSetPrecond(pcg, HYPRE_StructPFMGSolve, HYPRE_StructPFMGSetup, pfmg);
  const double t1 = MPI_Wtime();
  HYPRE_StructPCGSetup(pcg, A, B, X);
  const double t2 = MPI_Wtime();
  HYPRE_StructPCGSolve(pcg, A, B, X);
  const double t3 = MPI_Wtime();

  int iterations = 0;
  double residual = 0;
  HYPRE_StructPCGGetNumIterations(pcg, &iterations);
  HYPRE_StructPCGGetFinalRelativeResidualNorm(pcg, &residual);
  HYPRE_StructVectorGetBoxValues(X, lo, hi, x.data());
  double tmax = *std::max_element(x.begin(), x.end()), gmax = 0;
  MPI_Reduce(&tmax, &gmax, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  double times[3] = {t1 - t0, t2 - t1, t3 - t2}, slowest[3];
  MPI_Reduce(times, slowest, 3, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    std::printf("problem=%s cells=%d ranks=%d max_T_K=%.9g iterations=%d rel_residual=%.3g "
                "assemble_s=%.4f setup_s=%.4f solve_s=%.4f total_s=%.4f\n",
                argv[1], p.n * p.n * p.n, ranks, gmax, iterations, residual, slowest[0],
                slowest[1], slowest[2], slowest[0] + slowest[1] + slowest[2]);

  HYPRE_StructPFMGDestroy(pfmg);
  HYPRE_StructPCGDestroy(pcg);
  HYPRE_StructVectorDestroy(X);
  HYPRE_StructVectorDestroy(B);
  HYPRE_StructMatrixDestroy(A);
  HYPRE_StructStencilDestroy(stencil);
  HYPRE_StructGridDestroy(grid);
  HYPRE_Finalize();
  MPI_Finalize();
  return 0;
}
