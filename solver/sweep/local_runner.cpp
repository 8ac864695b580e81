#include "solver/sweep/local_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "solver/sweep/point_cases.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_signal_count = 0;

extern "C" void on_sweep_signal(int s) {
  g_signal = s;
  g_signal_count = g_signal_count + 1;
}

/// SIGINT/SIGTERM handlers without SA_RESTART (waitpid returns EINTR); restored on destruction.
class SignalGuard {
 public:
  SignalGuard() {
    g_signal = 0, g_signal_count = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sweep_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &m_int);
    ::sigaction(SIGTERM, &sa, &m_term);
  }
  ~SignalGuard() {
    ::sigaction(SIGINT, &m_int, nullptr);
    ::sigaction(SIGTERM, &m_term, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  struct sigaction m_int {
  }, m_term{};
};

/// The last n lines of a file.
std::vector<std::string> tail_lines(const fs::path& file, std::size_t n) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > n) lines.pop_front();
  }
  return {lines.begin(), lines.end()};
}

/// The arguments of a point's `kelvin run`.
std::vector<std::string> run_arguments(const std::string& out, const SweepPoint& p, int threads) {
  const fs::path dir = point_folder(out, p.id);
  std::vector<std::string> args{
      "run",       (dir / "case.yaml").string(), "-o", (dir / "out").string(), "--quiet",
      "--threads", std::to_string(threads)};
  std::error_code ec;
  if (fs::exists(dir / "out" / "checkpoint.h5", ec))
    args.push_back("--resume");
  else if (fs::is_directory(dir / "out", ec) && !fs::is_empty(dir / "out", ec))
    args.push_back("--overwrite");
  return args;
}

/// Starts `exe args` with stdout and stderr to log, in a process group of its own (so that a
/// Ctrl-C on the terminal reaches the sweep only, which passes it on once), seeing only gpu
/// (CUDA_VISIBLE_DEVICES) when gpu is not empty. Returns the pid.
pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const fs::path& log,
            const std::string& gpu) {
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a point: fork failed: ") +
                             std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (!gpu.empty()) ::setenv("CUDA_VISIBLE_DEVICES", gpu.c_str(), 1);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    std::fprintf(stderr, "kelvin sweep: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
    std::_Exit(127);
  }
  return pid;
}

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600)
    return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02d}m", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
}

/// The run's bookkeeping: what runs, what finished, and the progress line.
class Runner {
 public:
  Runner(const std::string& out, const LocalRunOptions& o, std::size_t todo, SweepCounts before)
      : m_out(out), m_opt(o), m_todo(todo), m_counts(before) {
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    m_threads =
        o.threads_per_point > 0 ? o.threads_per_point : std::max(1, hw / std::max(1, o.jobs));
    m_free_gpus.assign(o.gpus.begin(), o.gpus.end());
  }

  void start(const SweepPoint& p) {
    const fs::path dir = point_folder(m_out, p.id);
    write_point_status(m_out, {p.id, PointState::Running, 0, 0, {}});
    std::string gpu;
    if (!m_free_gpus.empty()) gpu = m_free_gpus.front(), m_free_gpus.pop_front();
    const pid_t pid =
        spawn(m_opt.executable, run_arguments(m_out, p, m_threads), dir / "run.log", gpu);
    m_running[pid] = {&p, Clock::now(), gpu};
    ++m_counts.running, --m_counts.pending;
    progress();
  }

  /// Waits for one child; false when none is left.
  bool reap(int* forwarded) {
    if (m_running.empty()) return false;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) forward_signals(forwarded);
      return true;
    }
    const auto it = m_running.find(pid);
    if (it == m_running.end()) return true;
    finish(*it->second.point, status,
           std::chrono::duration<double>(Clock::now() - it->second.started).count());
    if (!it->second.gpu.empty()) m_free_gpus.push_back(it->second.gpu);
    m_running.erase(it);
    return true;
  }

  void forward_signals(int* forwarded) {
    while (*forwarded < g_signal_count) {
      ++*forwarded;
      for (const auto& r : m_running) ::kill(r.first, g_signal);
    }
  }

  SweepCounts counts() const { return m_counts; }
  std::size_t running() const { return m_running.size(); }

 private:
  struct Running {
    const SweepPoint* point;
    Clock::time_point started;
    std::string gpu;  ///< its CUDA_VISIBLE_DEVICES, "" without --gpus
  };

  void finish(const SweepPoint& p, int status, double seconds) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const bool stopped = g_signal != 0 && (code == 128 + SIGINT || code == 128 + SIGTERM);
    --m_counts.running;
    PointStatus st{p.id, PointState::Done, code, seconds, {}};
    if (stopped) {
      st.state = PointState::Pending;  // interrupted on request: resumes next time
      ++m_counts.pending;
    } else if (code != 0) {
      st.state = PointState::Failed;
      st.log_tail = tail_lines(fs::path(point_folder(m_out, p.id)) / "run.log", 12);
      ++m_counts.failed;
    } else {
      ++m_counts.done;
      m_seconds += seconds, ++m_finished;
    }
    write_point_status(m_out, st);
    clear_line();
    const std::string why = st.log_tail.empty() ? "" : ": " + st.log_tail.back();
    fmt::print(stderr, "sweep: point {} ({}) {} in {:.1f} s{} [{}/{} done, {} failed]\n", p.index,
               p.id,
               stopped     ? "stopped"
               : code == 0 ? "done"
                           : fmt::format("FAILED (exit {})", code),
               seconds, why, m_counts.done, m_counts.total(), m_counts.failed);
    --m_todo;
    progress();
  }

  void clear_line() const {
    if (m_opt.terminal) fmt::print(stderr, "\r\033[K");
  }

  void progress() const {
    if (!m_opt.terminal) return;
    const double per = m_finished ? m_seconds / m_finished : NAN;
    const double eta =
        per * static_cast<double>(m_todo) /
        static_cast<double>(std::max<std::size_t>(1, std::min<std::size_t>(m_todo, m_opt.jobs)));
    fmt::print(stderr, "\r\033[Ksweep: {}/{} done, {} failed, {} running, ETA {}", m_counts.done,
               m_counts.total(), m_counts.failed, m_counts.running, format_duration(eta));
    std::fflush(stderr);
  }

  std::string m_out;
  LocalRunOptions m_opt;
  std::size_t m_todo;
  SweepCounts m_counts;
  int m_threads = 1;
  std::map<pid_t, Running> m_running;
  std::deque<std::string> m_free_gpus;
  double m_seconds = 0;
  int m_finished = 0;
};

}  // namespace

SweepCounts run_points_locally(const std::string& out, const std::vector<SweepPoint>& points,
                               const LocalRunOptions& requested, int* interrupted) {
  LocalRunOptions options = requested;
  if (!options.gpus.empty()) options.jobs = static_cast<int>(options.gpus.size());
  options.jobs = std::max(1, options.jobs);
  SweepCounts before;
  std::deque<const SweepPoint*> queue;
  for (const auto& p : points) {
    const PointState s = point_state(out, p.id);
    if (s == PointState::Done)
      ++before.done;
    else if (s == PointState::Running)
      ++before.running;
    else
      queue.push_back(&p), ++before.pending;
  }
  if (before.done + before.running > 0)
    fmt::print(stderr, "sweep: {} of {} points already done, {} running elsewhere: skipped\n",
               before.done, points.size(), before.running);
  // Points running in another process are not this run's: count them apart.
  SweepCounts mine = before;
  mine.running = 0;
  const SignalGuard guard;
  Runner runner(out, options, queue.size(), mine);
  int forwarded = 0;
  while (true) {
    while (!g_signal && !queue.empty() &&
           runner.running() < static_cast<std::size_t>(options.jobs)) {
      const SweepPoint* p = queue.front();
      queue.pop_front();
      runner.start(*p);
    }
    if (!runner.reap(&forwarded)) break;
    runner.forward_signals(&forwarded);
  }
  if (options.terminal) fmt::print(stderr, "\r\033[K");
  if (interrupted) *interrupted = g_signal;
  return count_states(out, points);
}

}  // namespace kelvin
