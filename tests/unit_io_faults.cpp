// Output faults: a full disk at every writer, a refused folder, two runs in one folder, a
// damaged checkpoint, and an earlier run's files. Full-disk tests mount a tiny tmpfs and skip,
// with a message, where mounting is not permitted (not root, or a container that forbids it).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "fault_helpers.hpp"
#include "meshes/grid.hpp"
#include "solver/io/atomic_file.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/hdf5.hpp"
#include "solver/io/output_dir.hpp"
#include "solver/io/output_error.hpp"
#include "solver/io/output_lock.hpp"
#include "solver/io/quiet_file_buf.hpp"
#include "solver/io/timeseries_csv.hpp"
#include "solver/io/vtk.hpp"

namespace fs = std::filesystem;
using kelvin::H5Writer;
using kelvin::OutputError;
using kelvin_test::flip_bytes;
using kelvin_test::fresh_dir;
using kelvin_test::middle_of_chunk;
using kelvin_test::names_in;
using kelvin_test::read_text;
using kelvin_test::temporaries_in;
using kelvin_test::write_bytes;

namespace {

/// Values that neither LZ4 nor gzip can shrink much, so sizes on disk are predictable.
std::vector<double> noisy_values(std::size_t n, double seed) {
  std::vector<double> v(n);
  std::uint64_t x = 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(seed * 1e6);
  for (auto& value : v) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    value = 300.0 + static_cast<double>(x % 1000003) / 7.0;
  }
  return v;
}

// ---- a full disk ----------------------------------------------------------------------------

/// Each test gets its own 512 KiB tmpfs with an "out" folder; a filler file in the mount's root
/// takes what space a stage should not have.
class FullDisk : public kelvin_test::TmpfsTest {
 protected:
  void SetUp() override {
    mount_tmpfs("unit_io_faults_fs", "512k");
    if (IsSkipped()) return;
    fs::create_directories(m_out);
  }

  /// Leaves about `left` bytes free (tmpfs counts whole 4 KiB pages).
  void fill_leaving(std::uint64_t left) {
    const auto free = kelvin::free_bytes_for((m_mount / "filler").string());
    ASSERT_TRUE(free.has_value());
    if (*free <= left) return;
    std::ofstream filler(m_mount / "filler", std::ios::binary | std::ios::app);
    filler << std::string(static_cast<std::size_t>(*free - left), 'f');
  }
  void empty_filler() { fs::remove(m_mount / "filler"); }

  /// Runs a write that must fail on the full disk and checks the error: an OutputError naming
  /// the file and the reason with the space needed and free, nothing printed, no temporary.
  void expect_full_disk_error(const fs::path& target, const std::function<void()>& write) {
    ::testing::internal::CaptureStderr();
    try {
      write();
      ::testing::internal::GetCapturedStderr();
      ADD_FAILURE() << "writing " << target << " did not fail on a full disk";
      return;
    } catch (const OutputError& e) {
      const std::string printed = ::testing::internal::GetCapturedStderr();
      const std::string message = e.what();
      EXPECT_EQ(e.path(), target.string());
      EXPECT_TRUE(e.is_out_of_space()) << message;
      EXPECT_NE(message.find("'" + target.string() + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
      EXPECT_NE(message.find("needs "), std::string::npos) << message;
      EXPECT_NE(message.find(" free in '" + m_out.string() + "'"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_EQ(printed, "");
    }
    EXPECT_TRUE(temporaries_in(m_out).empty()) << ::testing::PrintToString(names_in(m_out));
  }

  /// For each stage of fullness (nothing free, one page, half of what the write needs): the
  /// write fails as expect_full_disk_error says and leaves the earlier file byte for byte.
  void check_every_stage(const fs::path& target, std::uint64_t needed,
                         const std::function<void()>& write) {
    const std::string before = read_text(target);
    for (const std::uint64_t left : {std::uint64_t{0}, std::uint64_t{4096}, needed / 2}) {
      SCOPED_TRACE("free bytes left: " + std::to_string(left));
      fill_leaving(left);
      expect_full_disk_error(target, write);
      EXPECT_EQ(read_text(target), before);
      empty_filler();
    }
  }
};

TEST_F(FullDisk, WriteFileAtomicKeepsTheEarlierFile) {
  const fs::path target = m_out / "timeseries.csv";
  kelvin::write_file_atomic(target.string(), "time_s\n0\n");
  const std::string csv = std::string(150000, '7');

  check_every_stage(target, csv.size(), [&] { kelvin::write_file_atomic(target.string(), csv); });

  kelvin::write_file_atomic(target.string(), csv);  // with room again, it works
  EXPECT_EQ(read_text(target), csv);
}

TEST_F(FullDisk, CsvTimeSeriesKeepsTheEarlierFile) {
  const fs::path target = m_out / "timeseries.csv";
  kelvin::write_file_atomic(target.string(), kelvin::format_csv({"time_s"}, {{0.0}}));
  std::vector<std::vector<double>> rows;
  const auto values = noisy_values(20000, 1);
  for (std::size_t r = 0; r + 4 <= values.size(); r += 4) {
    rows.push_back({values[r], values[r + 1], values[r + 2], values[r + 3]});
  }
  const std::string csv = kelvin::format_csv({"time_s", "a_K", "b_K", "c_W"}, rows);
  ASSERT_GT(csv.size(), 100000u);

  check_every_stage(target, csv.size(), [&] { kelvin::write_file_atomic(target.string(), csv); });
}

TEST_F(FullDisk, H5WriterKeepsTheEarlierFile) {
  const fs::path target = m_out / "results.h5";
  H5Writer first(target.string());
  first.write_vector("x", {1.0, 2.0});
  first.close();
  const auto values = noisy_values(20000, 2);

  check_every_stage(target, values.size() * sizeof(double), [&] {
    H5Writer writer(target.string());
    writer.write_vector("x", values);
    writer.write_string("case/resolved_yaml", "name: full disk\n");
    writer.close();
  });

  EXPECT_EQ(kelvin::h5_read_vector(target.string(), "x"), (std::vector<double>{1.0, 2.0}));
}

TEST_F(FullDisk, FailedCheckpointLeavesThePreviousCheckpointIntact) {
  const fs::path target = m_out / "checkpoint.h5";
  const std::string resolved = "name: checkpoint\n";
  const kelvin::TransientIntegrator::State state{{1.0, 0.5}, {300.0}, {299.0}, {298.0}};
  {
    H5Writer h5 = kelvin::checkpoint_writer(target.string());
    h5.write_string("case/resolved_yaml", resolved);
    kelvin::write_integrator_state(h5, "transient/", state);
    h5.close();
  }
  const auto big = noisy_values(20000, 3);

  check_every_stage(target, big.size() * sizeof(double), [&] {
    H5Writer h5 = kelvin::checkpoint_writer(target.string());
    h5.write_string("case/resolved_yaml", resolved);
    kelvin::write_integrator_state(h5, "transient/", {{2.0, 0.5}, big, big, big});
    h5.close();
  });

  EXPECT_NO_THROW(kelvin::check_checkpoint(target.string(), resolved));
  EXPECT_EQ(kelvin::read_integrator_state(target.string(), "transient/").now, state.now);
}

TEST_F(FullDisk, VtkWriterKeepsTheEarlierFileAndPrintsNothing) {
  const fs::path target = m_out / "solution.vtr";
  std::vector<double> faces(31);
  for (std::size_t i = 0; i < faces.size(); ++i) faces[i] = 1e-3 * static_cast<double>(i);
  const kelvin::Grid small({0.0, 1.0}, {0.0, 1.0}, {0.0, 1.0});
  kelvin::write_vtr(target.string(), small, {{"temperature", {300.0}, 1}});
  const kelvin::Grid grid(faces, faces,
                          {0.0, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3, 9e-3, 10e-3, 11e-3,
                           12e-3, 13e-3, 14e-3, 15e-3, 16e-3});
  const auto values = noisy_values(static_cast<std::size_t>(grid.cell_count()), 4);

  check_every_stage(target, values.size() * sizeof(double) / 2, [&] {
    kelvin::write_vtr(target.string(), grid, {{"temperature", values, 1}});
  });
}

// The buffer VTK files stream through: a full disk is kept from the stream (VTK 9.1 leaks
// when its stream fails) and reported by close().
TEST_F(FullDisk, QuietFileBufKeepsTheErrorFromItsStreamUntilClose) {
  fill_leaving(0);
  kelvin::QuietFileBuf file((m_out / "solution.vtr.tmp-1").string());
  std::ostream os(&file);
  os << std::string(3u << 20, 'x');
  os.flush();
  os.seekp(10);
  os << "after the error";
  EXPECT_TRUE(os.good());
  EXPECT_EQ(os.tellp(), std::streampos(10 + 15));
  EXPECT_EQ(file.close(), ENOSPC);
}

TEST_F(FullDisk, PvdCollectionKeepsTheEarlierFile) {
  const fs::path target = m_out / "solution.pvd";
  kelvin::write_pvd(target.string(), {{0.0, "solution_0000.vtr"}});
  std::vector<std::pair<double, std::string>> entries;
  for (int n = 0; n < 2000; ++n)
    entries.emplace_back(0.5 * n, "solution_" + std::to_string(n) + ".vtr");

  fill_leaving(0);
  expect_full_disk_error(target, [&] { kelvin::write_pvd(target.string(), entries); });
  EXPECT_NE(read_text(target).find("solution_0000.vtr"), std::string::npos);
}

// The lock file itself on a full disk: an OutputError naming it, and no lock file left behind.
TEST_F(FullDisk, LockOnAFullDiskIsAnOutputErrorAndLeavesNoFile) {
  fill_leaving(0);
  try {
    const kelvin::OutputLock lock(m_out.string());
    ADD_FAILURE() << "locked a folder on a full disk";
  } catch (const OutputError& e) {
    EXPECT_EQ(e.path(), (m_out / ".kelvin.lock").string());
    EXPECT_TRUE(e.is_out_of_space()) << e.what();
  }
  EXPECT_TRUE(names_in(m_out).empty());
}

// HDF5 1.10 crashed at exit (H5_term_library) after a failed H5Fclose: the process that meets
// a full disk must still exit normally.
TEST_F(FullDisk, ProcessExitsNormallyAfterAFailedHdf5Write) {
  const fs::path target = m_out / "results.h5";
  const auto values = noisy_values(40000, 5);
  fill_leaving(4096);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int code = 3;
    try {
      H5Writer writer(target.string());
      writer.write_vector("x", values);
      writer.close();
    } catch (const OutputError&) {
      code = 0;
    } catch (...) {
      code = 4;
    }
    std::exit(code);  // runs the atexit handlers, HDF5's shutdown among them
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// ---- other system errors --------------------------------------------------------------------

TEST(OutputErrors, NoSpaceMessageSaysWhatWasNeededAndWhatIsFree) {
  const OutputError e("cannot write", "/tmp/results.h5", ENOSPC, 87123);
  const std::string message = e.what();
  EXPECT_EQ(
      message.rfind("cannot write '/tmp/results.h5': No space left on device (needs 85.1 KiB, ", 0),
      0u)
      << message;
  EXPECT_NE(message.find(" free in '/tmp')"), std::string::npos) << message;
  EXPECT_TRUE(e.is_out_of_space());
  EXPECT_EQ(e.error_number(), ENOSPC);
}

TEST(OutputErrors, OtherErrorsNameTheFileAndTheReasonOnly) {
  EXPECT_STREQ(OutputError("cannot write", "out/summary.json", EIO, 100).what(),
               "cannot write 'out/summary.json': Input/output error");
  EXPECT_STREQ(OutputError("cannot write", "out/summary.json", EACCES).what(),
               "cannot write 'out/summary.json': Permission denied");
  EXPECT_FALSE(OutputError("cannot write", "x", EIO).is_out_of_space());
}

TEST(OutputErrors, ByteCountsReadAsPeopleWriteThem) {
  EXPECT_EQ(kelvin::format_bytes(0), "0 bytes");
  EXPECT_EQ(kelvin::format_bytes(1023), "1023 bytes");
  EXPECT_EQ(kelvin::format_bytes(1024), "1.00 KiB");
  EXPECT_EQ(kelvin::format_bytes(87123), "85.1 KiB");
  EXPECT_EQ(kelvin::format_bytes(3u << 20), "3.00 MiB");
  EXPECT_EQ(kelvin::format_bytes(std::uint64_t{300} << 30), "300 GiB");
}

/// Runs write in a child process that may not write into dir (root drops to nobody; others
/// see dir made read-only) and expects an OutputError naming target and "Permission denied".
void expect_permission_denied(const fs::path& dir, const fs::path& target,
                              const std::function<void()>& write) {
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && ::setuid(65534) != 0) std::_Exit(5);
    int code = 3;
    try {
      write();
    } catch (const OutputError& e) {
      const std::string message = e.what();
      const bool names_target = message.find("'" + target.string() + "'") != std::string::npos;
      const bool says_why = message.find("Permission denied") != std::string::npos;
      code = names_target && says_why && e.error_number() == EACCES ? 0 : 1;
    } catch (...) {
      code = 2;
    }
    std::_Exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: wrong message, 2: wrong type, 3: no error";
}

TEST(QuietFileBuf, SeeksBackAndForthWriteWhereTheyPoint) {
  // VTK writes placeholders, seeks back to fill in offsets and returns to the end.
  const fs::path path = fresh_dir("unit_io_faults_quiet") / "f.vtr";
  kelvin::QuietFileBuf file(path.string());
  std::ostream os(&file);
  os << "hello world";
  const std::streampos end = os.tellp();
  os.seekp(0);
  os << 'J';
  os.flush();
  os.seekp(end);
  os << '!' << std::string(2u << 20, 'y');  // more than the buffer: written straight through
  os.seekp(12);
  os << 'z';
  EXPECT_TRUE(os.good());
  EXPECT_EQ(file.close(), 0);
  const std::string text = read_text(path);
  EXPECT_EQ(text.size(), 12u + (2u << 20));
  EXPECT_EQ(text.substr(0, 14), "Jello world!zy");
  EXPECT_EQ(kelvin::QuietFileBuf((path.parent_path() / "no" / "f").string()).error(), ENOENT);
}

TEST(OutputErrors, ReadOnlyFolderGivesPermissionDeniedForEveryWriter) {
  const fs::path dir = fresh_dir("unit_io_faults_perm");
  const kelvin::Grid grid({0.0, 1.0}, {0.0, 1.0}, {0.0, 1.0});
  expect_permission_denied(dir, dir / "summary.json", [&] {
    kelvin::write_file_atomic((dir / "summary.json").string(), "{}");
  });
  expect_permission_denied(dir, dir / "results.h5",
                           [&] { H5Writer((dir / "results.h5").string()).close(); });
  expect_permission_denied(dir, dir / "solution.vtr", [&] {
    kelvin::write_vtr((dir / "solution.vtr").string(), grid, {{"temperature", {300.0}, 1}});
  });
  EXPECT_TRUE(names_in(dir).empty());
  fs::remove_all(dir);
}

// ---- the output-folder lock -----------------------------------------------------------------

class Lock : public ::testing::Test {
 protected:
  void SetUp() override { m_dir = fresh_dir("unit_io_faults_lock"); }
  void TearDown() override { fs::remove_all(m_dir); }
  fs::path m_dir;
};

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

/// Forks a child that takes the lock of dir, reports through a pipe, then waits to be killed.
pid_t child_holding_lock(const fs::path& dir) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(ready[0]);
    try {
      const kelvin::OutputLock lock(dir.string());
      const char ok = 'y';
      if (::write(ready[1], &ok, 1) != 1) std::_Exit(2);
      for (;;) ::pause();
    } catch (...) {
      std::_Exit(1);
    }
  }
  ::close(ready[1]);
  char answer = 0;
  const bool locked = ::read(ready[0], &answer, 1) == 1 && answer == 'y';
  ::close(ready[0]);
  return locked ? child : -1;
}

TEST_F(Lock, SecondProcessIsRefusedNamingTheHolderThenTakesOverWhenItDies) {
  const pid_t holder = child_holding_lock(m_dir);
  ASSERT_GT(holder, 0);

  try {
    const kelvin::OutputLock second(m_dir.string());
    ADD_FAILURE() << "a second run locked a folder in use";
  } catch (const kelvin::OutputLocked& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("PID " + std::to_string(holder) + " on " + host_name() + " since "),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(m_dir.string()), std::string::npos) << message;
  }
  // kelvin maps SetupError to exit 2.
  EXPECT_THROW(kelvin::OutputLock(m_dir.string()), kelvin::SetupError);

  ::kill(holder, SIGKILL);  // no destructor runs: the lock file stays, unlocked
  int status = 0;
  ASSERT_EQ(::waitpid(holder, &status, 0), holder);
  ASSERT_TRUE(fs::exists(m_dir / kelvin::kOutputLockName));

  const kelvin::OutputLock taken(m_dir.string());
  EXPECT_NE(taken.notice().find("took over a stale lock of PID " + std::to_string(holder) + " on " +
                                host_name()),
            std::string::npos)
      << taken.notice();
  EXPECT_NE(read_text(taken.path()).find("pid: " + std::to_string(::getpid())), std::string::npos);
}

TEST_F(Lock, SameProcessCannotLockTwiceAndTheFileGoesWithTheLock) {
  {
    const kelvin::OutputLock lock(m_dir.string());
    EXPECT_EQ(lock.notice(), "");
    EXPECT_EQ(lock.path(), (m_dir / ".kelvin.lock").string());
    const std::string text = read_text(lock.path());
    EXPECT_NE(text.find("pid: " + std::to_string(::getpid()) + "\n"), std::string::npos) << text;
    EXPECT_NE(text.find("host: " + host_name() + "\n"), std::string::npos) << text;
    EXPECT_NE(text.find("since: "), std::string::npos) << text;
    EXPECT_THROW(kelvin::OutputLock(m_dir.string()), kelvin::OutputLocked);
  }
  EXPECT_TRUE(names_in(m_dir).empty());
  const kelvin::OutputLock again(m_dir.string());  // free again after release
  EXPECT_EQ(again.notice(), "");
}

TEST_F(Lock, MovedLockIsReleasedOnce) {
  kelvin::OutputLock first(m_dir.string());
  kelvin::OutputLock second(std::move(first));
  EXPECT_THROW(kelvin::OutputLock(m_dir.string()), kelvin::OutputLocked);
  { const kelvin::OutputLock gone(std::move(second)); }
  EXPECT_FALSE(fs::exists(m_dir / ".kelvin.lock"));
}

// ---- checksummed checkpoints ----------------------------------------------------------------

class CheckpointChecksums : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fresh_dir("unit_io_faults_ckpt");
    m_path = (m_dir / "checkpoint.h5").string();
  }
  void TearDown() override { fs::remove_all(m_dir); }

  /// A checkpoint whose state arrays span several 1 MiB chunks (300 000 doubles each).
  void write_checkpoint() {
    m_state = {
        {3.0, 0.25}, noisy_values(300000, 6), noisy_values(300000, 7), noisy_values(300000, 8)};
    H5Writer h5 = kelvin::checkpoint_writer(m_path);
    h5.write_string("case/resolved_yaml", m_resolved);
    h5.write_attribute("/", "backend", std::string("cpu"));
    h5.write_vector("run/scalars", {2.0, 1e-6, 1.0});
    kelvin::write_integrator_state(h5, "transient/", m_state);
    kelvin::write_rows(h5, "run/timeseries", {{0.0, 300.0}, {0.5, 301.0}});
    kelvin::write_rows(h5, "run/empty", {});
    h5.close();
  }

  /// check_checkpoint refuses the file as damaged, naming it and what failed.
  void expect_refused(const std::string& object) {
    try {
      kelvin::check_checkpoint(m_path, m_resolved);
      ADD_FAILURE() << "a damaged checkpoint was accepted";
    } catch (const kelvin::DamagedCheckpoint& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(m_path + " is damaged: "), std::string::npos) << message;
      EXPECT_NE(message.find(object), std::string::npos) << message;
      EXPECT_NE(message.find("delete it or run without --resume"), std::string::npos) << message;
    }
  }

  fs::path m_dir;
  std::string m_path;
  std::string m_resolved = "name: damaged\nmaterials: {}\n";
  kelvin::TransientIntegrator::State m_state;
};

TEST_F(CheckpointChecksums, IntactCheckpointIsAcceptedAndReadsBack) {
  write_checkpoint();
  EXPECT_TRUE(kelvin::h5_verify(m_path).empty());
  EXPECT_NO_THROW(kelvin::check_checkpoint(m_path, m_resolved));
  const auto state = kelvin::read_integrator_state(m_path, "transient/");
  EXPECT_EQ(state.scalars, m_state.scalars);
  EXPECT_EQ(state.now, m_state.now);
  EXPECT_EQ(state.older, m_state.older);
  EXPECT_EQ(kelvin::read_rows(m_path, "run/timeseries", 2),
            (std::vector<std::vector<double>>{{0.0, 300.0}, {0.5, 301.0}}));
  EXPECT_TRUE(kelvin::read_rows(m_path, "run/empty", 2).empty());
  EXPECT_EQ(kelvin::h5_read_string(m_path, "case/resolved_yaml"), m_resolved);
  EXPECT_EQ(kelvin::h5_read_attribute_string(m_path, "/", "backend"), "cpu");
  EXPECT_THROW(kelvin::check_checkpoint(m_path, "name: another case\n"), kelvin::SetupError);
}

TEST_F(CheckpointChecksums, FlippedBytesInAStateArrayAreRefused) {
  write_checkpoint();
  flip_bytes(m_path, middle_of_chunk(m_path, "transient/old", 1), 8);

  expect_refused("dataset 'transient/old' fails its Fletcher-32 checksum");
  EXPECT_THROW(kelvin::read_integrator_state(m_path, "transient/"), kelvin::DamagedCheckpoint);
  EXPECT_THROW(kelvin::h5_read_vector(m_path, "transient/old"), kelvin::DamagedFile);
  // The other arrays are still readable: the damage is reported where it is.
  EXPECT_EQ(kelvin::h5_read_vector(m_path, "transient/now"), m_state.now);
}

TEST_F(CheckpointChecksums, DamageIsDetectedAsAnErrorNotPrinted) {
  write_checkpoint();
  flip_bytes(m_path, middle_of_chunk(m_path, "transient/now", 0), 1);
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(kelvin::read_checkpoint_vector(m_path, "transient/now"), kelvin::DamagedCheckpoint);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(CheckpointChecksums, FlippedBytesInTheCaseTextAreRefused) {
  write_checkpoint();
  flip_bytes(m_path, middle_of_chunk(m_path, "case/resolved_yaml", 0), 2);
  expect_refused("dataset 'case/resolved_yaml' fails its Fletcher-32 checksum");
}

TEST_F(CheckpointChecksums, FlippedBytesInTheSuperblockAreRefused) {
  write_checkpoint();
  flip_bytes(m_path, 20, 1);  // inside the version-2 superblock's addresses, before its checksum
  expect_refused("checksum");
}

TEST_F(CheckpointChecksums, CheckpointWithoutChecksumsIsRefused) {
  H5Writer h5(m_path);  // Checksums::Off, as results.h5 is written
  h5.write_string("case/resolved_yaml", m_resolved);
  h5.write_vector("transient/now", {300.0});
  h5.close();
  EXPECT_EQ(kelvin::h5_verify(m_path),
            (std::vector<std::string>{"case/resolved_yaml", "transient/now"}));
  expect_refused("carries no checksum");
}

// ---- an earlier run's files -----------------------------------------------------------------

class StaleOutputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fresh_dir("unit_io_faults_stale");
    for (const char* name :
         {"solution.vtr", "solution_0000.vtr", "solution_9999.vtr", "solution_12345.vtr",
          "solution.pvd", "results.h5", "summary.json", "timeseries.csv", "checkpoint.h5",
          "case.resolved.yaml", "gpu0.vtr", "gpu7.vtr", "left_gpu.vtr", "results.h5.tmp-4242",
          "solution_0003.vtr.tmp-17"}) {
      write_bytes(m_dir / name, "kelvin");
    }
    write_bytes(m_dir / "gpus.vtm",
                "<VTKFile><vtkMultiBlockDataSet>\n"
                "<DataSet index=\"0\" name=\"left_gpu\" file=\"left_gpu.vtr\"/>\n"
                "<DataSet index=\"1\" name=\"x\" file=\"../elsewhere.vtr\"/>\n"
                "</vtkMultiBlockDataSet></VTKFile>\n");
    m_user = {"notes.txt",        "my_results.h5", "solution_final.vtr", "solution_.vtr",
              "gpu.vtr",          "gpux.vtr",      "results.h5.bak",     "summary.json.tmp-x",
              "notes.txt.tmp-12", ".kelvin.lock"};
    for (const auto& name : m_user) write_bytes(m_dir / name, "user");
    fs::create_directories(m_dir / "results.h5.d");
    fs::create_directories(m_dir / "solution.d" / "solution.vtr");  // a folder, not a file
    fs::create_symlink(m_dir / "notes.txt", m_dir / "timeseries.csv.tmp-1");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  fs::path m_dir;
  std::vector<std::string> m_user;
};

TEST_F(StaleOutputFiles, KelvinsFilesAreRecognisedAndNothingElse) {
  const std::vector<std::string> complete = {
      "case.resolved.yaml", "checkpoint.h5",     "gpu0.vtr",           "gpu7.vtr",
      "gpus.vtm",           "left_gpu.vtr",      "results.h5",         "solution.pvd",
      "solution.vtr",       "solution_0000.vtr", "solution_12345.vtr", "solution_9999.vtr",
      "summary.json",       "timeseries.csv"};
  const std::vector<std::string> temporaries = {"results.h5.tmp-4242", "solution_0003.vtr.tmp-17"};
  EXPECT_EQ(kelvin::kelvin_outputs_in(m_dir.string(), kelvin::OutputFiles::Complete), complete);
  EXPECT_EQ(kelvin::kelvin_outputs_in(m_dir.string(), kelvin::OutputFiles::Temporaries),
            temporaries);
  EXPECT_EQ(kelvin::kelvin_outputs_in(m_dir.string()).size(), complete.size() + temporaries.size());
  EXPECT_TRUE(kelvin::kelvin_outputs_in((m_dir / "absent").string()).empty());
}

TEST_F(StaleOutputFiles, RefusedWithoutOverwriteNamingTheFolder) {
  try {
    kelvin::refuse_stale_outputs(m_dir.string());
    ADD_FAILURE() << "an earlier run's files were not reported";
  } catch (const kelvin::StaleOutputs& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'" + m_dir.string() + "' holds files of an earlier run"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--overwrite"), std::string::npos) << message;
    EXPECT_NE(message.find("and 10 more"), std::string::npos) << message;
  }
}

TEST_F(StaleOutputFiles, RemovingTakesKelvinsFilesAndLeavesTheUsersFiles) {
  const auto removed = kelvin::remove_kelvin_outputs(m_dir.string());
  EXPECT_EQ(removed.size(), 16u);
  std::vector<std::string> left = m_user;
  left.insert(left.end(), {"results.h5.d", "solution.d", "timeseries.csv.tmp-1"});
  std::sort(left.begin(), left.end());
  EXPECT_EQ(names_in(m_dir), left);
  EXPECT_EQ(read_text(m_dir / "notes.txt"), "user");
  EXPECT_TRUE(fs::exists(m_dir / "solution.d" / "solution.vtr"));
  EXPECT_NO_THROW(kelvin::refuse_stale_outputs(m_dir.string()));
}

TEST_F(StaleOutputFiles, ResumeRemovesOnlyTemporaries) {
  const auto removed =
      kelvin::remove_kelvin_outputs(m_dir.string(), kelvin::OutputFiles::Temporaries);
  EXPECT_EQ(removed, (std::vector<std::string>{"results.h5.tmp-4242", "solution_0003.vtr.tmp-17"}));
  EXPECT_TRUE(fs::exists(m_dir / "checkpoint.h5"));
  EXPECT_TRUE(fs::exists(m_dir / "results.h5"));
}

TEST(StaleOutputNames, MessageListsAFewNames) {
  EXPECT_EQ(kelvin::list_for_message({"a"}), "a");
  EXPECT_EQ(kelvin::list_for_message({"a", "b"}), "a and b");
  EXPECT_EQ(kelvin::list_for_message({"a", "b", "c"}), "a, b and c");
  EXPECT_EQ(kelvin::list_for_message({"a", "b", "c", "d", "e", "f"}), "a, b, c, d and 2 more");
}

}  // namespace
