// MPI ranks, or one rank without MPI. See ranks.hpp.
#include "solver/parallel/ranks.hpp"

#include <cstdlib>

#include <fmt/format.h>

#if defined(KELVIN_USE_MPI)
#include <mpi.h>
#endif

namespace kelvin {

namespace {

Ranks& world_ranks() {
  static Ranks w;
  return w;
}

bool g_started = false;

/// Whether an MPI launcher started this process: Open MPI's mpirun, or a PMIx server (srun --mpi=pmix).
bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK");
}

}  // namespace

const Ranks& Ranks::world() { return world_ranks(); }

int block_owner(int i, int n, int ranks) {
  // r owns i  <=>  floor(r n / R) <= i < floor((r+1) n / R)  <=>  r < (i+1) R / n <= r + 1
  return static_cast<int>((static_cast<long long>(i + 1) * ranks - 1) / n);
}

int Ranks::owner(int i, int n) const { return block_owner(i, n, m_size); }

std::string Ranks::prefix() const {
  return m_size > 1 && m_rank > 0 ? fmt::format("rank {} of {}: ", m_rank, m_size) : "";
}

bool built_with_mpi() {
#if defined(KELVIN_USE_MPI)
  return true;
#else
  return false;
#endif
}

#if defined(KELVIN_USE_MPI)

void init_ranks(int* argc, char*** argv) {
  if (!launched_by_mpi()) return;
  MPI_Init(argc, argv);
  g_started = true;
  Ranks& w = world_ranks();
  MPI_Comm_rank(MPI_COMM_WORLD, &w.m_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.m_size);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, w.m_rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &w.m_local_rank);
  MPI_Comm_size(node, &w.m_local_size);
  MPI_Comm_free(&node);
}

void finalize_ranks() {
  if (g_started) MPI_Finalize();
  g_started = false;
}

void Ranks::share(std::vector<double>& v) const {
  if (m_size == 1 || v.empty()) return;
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

double Ranks::max(double x) const {
  if (m_size > 1) MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return x;
}

bool Ranks::any(bool flag) const {
  int f = flag ? 1 : 0;
  if (m_size > 1) MPI_Allreduce(MPI_IN_PLACE, &f, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return f != 0;
}

void Ranks::abort(int code) const {
  if (g_started && m_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

#else

void init_ranks(int*, char***) {
  if (launched_by_mpi())
    fmt::print(stderr, "kelvin: started by an MPI launcher, but this build has no MPI (install "
                       "libopenmpi-dev and rebuild); every rank runs the whole case alone\n");
}
void finalize_ranks() {}
void Ranks::share(std::vector<double>&) const {}
double Ranks::max(double x) const { return x; }
bool Ranks::any(bool flag) const { return flag; }
void Ranks::abort(int code) const { std::exit(code); }

#endif

}  // namespace kelvin
