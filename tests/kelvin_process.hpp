#pragma once
// Runs the kelvin executable as a child process for the tests of run-level behaviour (exit
// codes, signals, messages): start it, wait for a line in its log, send it signals, collect how
// it ended. Small case files written by the tests themselves live in fresh temporary folders.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "case_runner.hpp"

namespace kelvin_test {

/// How a kelvin run ended, and everything it printed (stdout and stderr together).
struct Ended {
  int status = 0;
  std::string log;
  bool signalled() const { return WIFSIGNALED(status); }
  int signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  bool says(const std::string& text) const { return log.find(text) != std::string::npos; }
};

/// An empty folder under the temporary directory, named by tag and this process.
inline fs::path scratch_dir(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("kelvin-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// Writes text to dir/name and returns the path.
inline std::string write_case(const fs::path& dir, const std::string& text,
                              const std::string& name = "case.yaml") {
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

/// A running `kelvin ARGS...` with stdout and stderr appended to log.
class KelvinProcess {
 public:
  KelvinProcess(const std::vector<std::string>& args, const fs::path& log) : m_log(log) {
    m_pid = ::fork();
    if (m_pid == 0) {
      std::ofstream(log, std::ios::trunc).close();
      // Both appended: stdout, buffered until exit, would otherwise overwrite stderr.
      if (!std::freopen(log.c_str(), "a", stdout) || !std::freopen(log.c_str(), "a", stderr))
        std::_Exit(126);
      ::setenv("OMP_WAIT_POLICY", "passive", 1);  // two tests share two cores under ctest
      std::vector<std::string> all{KELVIN_EXECUTABLE};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(KELVIN_EXECUTABLE, argv.data());
      std::_Exit(127);
    }
  }
  ~KelvinProcess() {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  KelvinProcess(const KelvinProcess&) = delete;
  KelvinProcess& operator=(const KelvinProcess&) = delete;

  pid_t pid() const { return m_pid; }
  std::string log() const { return read_text(m_log); }

  /// Waits until the log holds text (true) or the process ended or timeout_s passed (false).
  bool wait_for_text(const std::string& text, double timeout_s = 60) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < end) {
      if (log().find(text) != std::string::npos) return true;
      if (exited()) return log().find(text) != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  /// Waits until the process no longer catches sig (its handler ran and restored the default:
  /// /proc/PID/status SigCgt); false after timeout_s or when it ended.
  bool wait_until_not_catching(int sig, double timeout_s = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    const unsigned long long bit = 1ULL << (sig - 1);
    while (std::chrono::steady_clock::now() < end && !exited()) {
      std::ifstream status("/proc/" + std::to_string(m_pid) + "/status");
      for (std::string line; std::getline(status, line);) {
        if (line.rfind("SigCgt:", 0) != 0) continue;
        if ((std::stoull(line.substr(7), nullptr, 16) & bit) == 0) return true;
      }
      std::this_thread::yield();
    }
    return false;
  }

  void send(int sig) { ::kill(m_pid, sig); }

  /// Waits for the end (killing it after timeout_s) and returns how it ended.
  Ended wait(double timeout_s = 300) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (!exited() && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!m_reaped) {
      ADD_FAILURE() << "kelvin ran past " << timeout_s << " s; killed. Its log:\n" << log();
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &m_status, 0);
      m_reaped = true;
    }
    return {m_status, log()};
  }

 private:
  bool exited() {
    if (m_reaped) return true;
    if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) m_reaped = true;
    return m_reaped;
  }
  fs::path m_log;
  pid_t m_pid = -1;
  int m_status = 0;
  bool m_reaped = false;
};

/// Runs `kelvin ARGS...` to its end; the log goes to log (default: a file beside the case).
inline Ended run_kelvin_args(const std::vector<std::string>& args, const fs::path& log,
                             double timeout_s = 300) {
  KelvinProcess p(args, log);
  return p.wait(timeout_s);
}

}  // namespace kelvin_test
