#pragma once
/// The files Kelvin writes into an output folder, so that a run can tell an earlier run's
/// results from its own: refuse to mix them (without --overwrite) or remove them first.
///
/// Contract. A name is Kelvin's when it is one of
///   solution.vtr, solution.pvd, solution_<digits>.vtr     (thermal runs)
///   gpus.vtm, gpu<digits>.vtr, and every plain .vtr file that the folder's gpus.vtm lists
///                                                           (GPU runs; instances may be renamed)
///   results.h5, summary.json, timeseries.csv, checkpoint.h5, case.resolved.yaml
/// or the temporary of one of them, "<name>.tmp-<digits>" (atomic_file.hpp). Only regular
/// files directly in the folder count: subfolders, links and every other name (a user's
/// notes.txt, the lock file .kelvin.lock) are never listed and never touched.
#include <string>
#include <vector>

#include "solver/base/errors.hpp"

namespace kelvin {

/// The folder holds an earlier run's outputs and the run was not allowed to replace them. A
/// SetupError, so `kelvin run` exits 2. what() names the folder and some of the files and says
/// to pass --overwrite or choose another folder.
struct StaleOutputs : SetupError {
  using SetupError::SetupError;
};

/// Which of Kelvin's files a call is about.
enum class OutputFiles {
  All,          ///< complete outputs and temporaries
  Complete,     ///< complete outputs only
  Temporaries,  ///< "*.tmp-<pid>" files left by an interrupted write only
};

/// The output folder cannot be used at all: it cannot be created (a file in the way, a
/// read-only file system, no permission) or is not writable. A SetupError, so `kelvin run`
/// exits 2 before any solving; what() names the folder, the system's reason and says to choose
/// another with -o.
struct UnusableOutputFolder : SetupError {
  using SetupError::SetupError;
};

/// Creates folder and its missing parents (nothing when it exists) and checks that this
/// process may create files in it. Throws UnusableOutputFolder when it cannot be created or is
/// not writable, and OutputError naming the folder when the disk or quota is full (exit 1, as
/// for every write that runs out of space).
void make_output_folder(const std::string& folder);

/// Whether name (a file name without folder) is Kelvin's by the contract above, gpus.vtm's
/// list aside (see kelvin_outputs_in).
bool is_kelvin_output_name(const std::string& name);

/// Kelvin's files directly in folder (names without folder, sorted). Empty when the folder
/// does not exist. Reads folder/gpus.vtm, when there, for the GPU field files it lists.
std::vector<std::string> kelvin_outputs_in(const std::string& folder,
                                           OutputFiles which = OutputFiles::All);

/// Throws StaleOutputs when folder holds complete outputs of an earlier run. For a run
/// without --overwrite or --resume, before it writes anything.
void refuse_stale_outputs(const std::string& folder);

/// Removes Kelvin's files of the given kind from folder and returns their names (sorted), so
/// that the caller can say what it removed. A new run removes All (after OutputLock, so no
/// live run's files are taken); a resumed run only Temporaries, since its outputs and
/// checkpoint are continued. Throws OutputError when a file cannot be removed.
std::vector<std::string> remove_kelvin_outputs(const std::string& folder,
                                               OutputFiles which = OutputFiles::All);

/// "summary.json, results.h5 and 12 more": at most `shown` names, for messages.
std::string list_for_message(const std::vector<std::string>& names, std::size_t shown = 4);

}  // namespace kelvin
