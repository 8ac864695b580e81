#pragma once
/// The MPI ranks a run is spread over (Open MPI; `mpirun -np N kelvin run ...` or
/// `srun --mpi=pmix kelvin run ...`). A case with many plates (a rack, a facility's fit) gives
/// each rank whole plates: plate solves are independent, so a rank solves its share and every
/// rank then holds every plate's numbers (share()), and the loop, the GPU control and the
/// facility hours run on every rank alike from those numbers. No answer depends on how many
/// ranks there are: every plate is solved by the same operations on any rank, and shared
/// numbers travel exactly (a sum of one value and zeros).
///
/// Built without MPI, or started without a launcher, there is one rank and every call is local.
#include <string>
#include <vector>

namespace kelvin {

class Ranks {
 public:
  /// The world: MPI_COMM_WORLD once init_ranks() has started MPI, else one rank.
  static const Ranks& world();

  int rank() const { return m_rank; }
  int size() const { return m_size; }
  bool root() const { return m_rank == 0; }
  /// Ranks on this node (the launcher's local size; 1 without one) and this rank among them:
  /// a GPU machine gives local rank r its GPU r.
  int local_size() const { return m_local_size; }
  int local_rank() const { return m_local_rank; }

  /// The rank that owns item i of n, in contiguous blocks: rank r owns [r n / size, (r+1) n / size).
  int owner(int i, int n) const;
  bool owns(int i, int n) const { return owner(i, n) == m_rank; }

  /// Every rank's entries of v gathered on every rank: each rank fills the entries it owns and
  /// leaves the rest 0, and every rank gets the sum. Exact: a value plus zeros is the value.
  void share(std::vector<double>& v) const;
  /// The largest of x over the ranks, on every rank.
  double max(double x) const;
  /// Whether flag is true on any rank, on every rank.
  bool any(bool flag) const;
  /// Stops every rank of the run with exit status code (after a rank's error: the others
  /// would otherwise wait for it forever).
  [[noreturn]] void abort(int code) const;
  /// "rank 2 of 4: " on ranks other than the root of a run of several, else "".
  std::string prefix() const;

 private:
  friend void init_ranks(int* argc, char*** argv);
  int m_rank = 0, m_size = 1, m_local_rank = 0, m_local_size = 1;
};

/// The rank of `ranks` that owns item i of n in contiguous blocks: rank r owns
/// [floor(r n / ranks), floor((r+1) n / ranks)).
int block_owner(int i, int n, int ranks);

/// Starts MPI when this process was started by an MPI launcher (mpirun, srun --mpi=pmix) and
/// Kelvin was built with it; otherwise leaves one rank. Call once, first thing in main.
void init_ranks(int* argc, char*** argv);
/// Ends MPI (when init_ranks started it). Call before main returns.
void finalize_ranks();
/// Whether this build can run over MPI ranks.
bool built_with_mpi();

}  // namespace kelvin
