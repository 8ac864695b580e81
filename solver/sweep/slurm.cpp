#include "solver/sweep/slurm.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "solver/io/atomic_file.hpp"

namespace kelvin {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// s as one word for bash: single-quoted, quotes inside escaped.
std::string quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// The #SBATCH lines every job of the sweep shares.
std::string common_directives(const SlurmRequest& r) {
  std::string s;
  if (!r.partition.empty()) s += "#SBATCH --partition=" + r.partition + "\n";
  if (!r.account.empty()) s += "#SBATCH --account=" + r.account + "\n";
  return s;
}

/// What a finished child process said and how it ended.
struct Captured {
  int exit_code = -1;  ///< -1: could not be started
  std::string out, err;
  std::string start_error;
};

/// Reads fd to its end.
std::string drain(int fd) {
  std::string s;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    s.append(buf, static_cast<std::size_t>(n));
  }
  return s;
}

/// Runs argv[0] (looked up on PATH) with argv and returns its stdout, stderr and exit code.
/// stderr is read after stdout: fine for the short answers of sbatch and squeue.
Captured capture(const std::vector<std::string>& argv) {
  Captured c;
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    c.start_error = std::strerror(errno);
    return c;
  }
  // The argument array before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> args = argv;
  std::vector<char*> a;
  for (auto& s : args) a.push_back(s.data());
  a.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0]}) ::close(fd);
    ::execvp(a[0], a.data());
    const int e = errno;
    (void)!::write(exec_pipe[1], &e, sizeof e);
    std::_Exit(127);
  }
  for (int fd : {out_pipe[1], err_pipe[1], exec_pipe[1]}) ::close(fd);
  if (pid < 0) {
    c.start_error = std::strerror(errno);
    for (int fd : {out_pipe[0], err_pipe[0], exec_pipe[0]}) ::close(fd);
    return c;
  }
  int exec_errno = 0;
  const bool exec_failed = ::read(exec_pipe[0], &exec_errno, sizeof exec_errno) ==
                           static_cast<ssize_t>(sizeof exec_errno);
  c.out = drain(out_pipe[0]);
  c.err = drain(err_pipe[0]);
  for (int fd : {out_pipe[0], err_pipe[0], exec_pipe[0]}) ::close(fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exec_failed) {
    c.start_error = std::strerror(exec_errno);
    return c;
  }
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return c;
}

/// The last non-empty line of text, trimmed.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    last = line.substr(b, line.find_last_not_of(" \t\r") - b + 1);
  }
  return last;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<std::vector<std::string>> chunk_points(const std::vector<std::string>& ids,
                                                   int points_per_task) {
  const std::size_t k = static_cast<std::size_t>(std::max(1, points_per_task));
  std::vector<std::vector<std::string>> chunks;
  for (std::size_t i = 0; i < ids.size(); i += k)
    chunks.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i),
                        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + k)));
  return chunks;
}

std::string array_script(const std::string& out, const std::string& name,
                         const std::vector<std::vector<std::string>>& chunks,
                         const SlurmRequest& r) {
  const std::string logs = (fs::path(out) / "slurm" / "logs").string();
  std::string s = "#!/bin/bash\n";
  s += fmt::format("#SBATCH --job-name=kelvin-sweep-{}\n", name);
  s += fmt::format("#SBATCH --array=0-{}{}\n", chunks.size() - 1,
                   r.array_max > 0 ? fmt::format("%{}", r.array_max) : "");
  s += "#SBATCH --requeue\n#SBATCH --open-mode=append\n";
  s += fmt::format("#SBATCH --output={}/task-%a.out\n#SBATCH --error={}/task-%a.err\n", logs, logs);
  s += fmt::format("#SBATCH --time={}\n#SBATCH --mem={}M\n#SBATCH --cpus-per-task={}\n", r.time,
                   r.memory_MiB, r.cpus_per_task);
  s += "#SBATCH --ntasks=1\n";
  if (r.gpus_per_task > 0) s += fmt::format("#SBATCH --gres=gpu:{}\n", r.gpus_per_task);
  s += common_directives(r);
  s += fmt::format(
      "# Written by `kelvin sweep --slurm`: {} points, {} per task. Each task runs its chunk\n"
      "# with `kelvin sweep points`: finished points are skipped, an interrupted one resumes\n"
      "# from its checkpoint or starts again, so a requeued task (scontrol requeue, a node\n"
      "# failure, preemption) continues where it stopped. Memory per task: the largest point's\n"
      "# own estimate (kelvin validate) with a margin, unless --mem was given.\n",
      [&] {
        std::size_t n = 0;
        for (const auto& c : chunks) n += c.size();
        return n;
      }(),
      r.points_per_task);
  if (r.gpus_per_task > 0)
    s += "# --gpus: the points run on the GPU Slurm gives the task (CUDA_VISIBLE_DEVICES).\n";
  s += "set -u\ncase \"$SLURM_ARRAY_TASK_ID\" in\n";
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    std::string ids;
    for (const auto& id : chunks[i]) ids += (ids.empty() ? "" : " ") + id;
    s += fmt::format("  {}) points=\"{}\" ;;\n", i, ids);
  }
  s += "  *) echo \"kelvin sweep: no chunk for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\n";
  s += "esac\n";
  s += "echo \"$(date -u +%FT%TZ) task $SLURM_ARRAY_TASK_ID of job $SLURM_ARRAY_JOB_ID (try "
       "$((${SLURM_RESTART_COUNT:-0} + 1))) on $(hostname)" +
       std::string(r.gpus_per_task > 0 ? ", CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-unset}"
                                       : "") +
       ": $points\"\n";
  s += fmt::format("exec {} sweep points {} $points --threads \"${{SLURM_CPUS_PER_TASK:-{}}}\"\n",
                   quoted(r.executable), quoted(out), r.cpus_per_task);
  return s;
}

std::string gather_script(const std::string& out, const std::string& name,
                          const std::string& array_job_id, const SlurmRequest& r) {
  const std::string logs = (fs::path(out) / "slurm" / "logs").string();
  std::string s = "#!/bin/bash\n";
  s += fmt::format("#SBATCH --job-name=kelvin-gather-{}\n", name);
  if (!array_job_id.empty()) s += fmt::format("#SBATCH --dependency=afterany:{}\n", array_job_id);
  s += fmt::format("#SBATCH --output={}/gather.out\n#SBATCH --error={}/gather.err\n", logs, logs);
  s += "#SBATCH --open-mode=append\n";
  s += fmt::format("#SBATCH --time={}\n#SBATCH --mem={}M\n#SBATCH --cpus-per-task=1\n",
                   r.gather_time, r.gather_memory_MiB);
  s += "#SBATCH --ntasks=1\n";
  s += common_directives(r);
  s += "# Written by `kelvin sweep --slurm`: gathers sweep.csv and sweep.h5 once every array task\n"
       "# has ended, however it ended (afterany): failed points are marked in the table.\n";
  if (array_job_id.empty())
    s += "# A dry run: submit it with sbatch --dependency=afterany:<array job id> gather.sbatch\n";
  s += fmt::format("exec {} sweep gather {}\n", quoted(r.executable), quoted(out));
  return s;
}

std::string sbatch_submit(const std::string& script, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{"sbatch", "--parsable"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(script);
  const Captured c = capture(argv);
  if (c.exit_code == -1)
    throw SlurmError(fmt::format(
        "cannot run sbatch ({}): is Slurm installed and on PATH? (--dry-run writes {} without "
        "submitting it)",
        c.start_error, script));
  const std::string why = last_line(c.err.empty() ? c.out : c.err);
  if (c.exit_code != 0)
    throw SlurmError(fmt::format("sbatch refused {} (exit {}): {}", script, c.exit_code,
                                 why.empty() ? "no reason given" : why));
  // --parsable: "jobid" or "jobid;cluster", after any warnings on other lines.
  std::string id = last_line(c.out);
  id = id.substr(0, id.find(';'));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw SlurmError(
        fmt::format("sbatch accepted {} but printed no job id: '{}'", script, last_line(c.out)));
  return id;
}

void write_slurm_jobs(const std::string& out, const SlurmJobs& jobs) {
  const json j{{"array_job_id", jobs.array_job_id},
               {"gather_job_id", jobs.gather_job_id},
               {"tasks", jobs.tasks},
               {"points_per_task", jobs.points_per_task},
               {"points", jobs.points},
               {"submitted", jobs.submitted.empty() ? utc_now() : jobs.submitted}};
  write_file_atomic((fs::path(out) / "slurm" / "jobs.json").string(), j.dump(2) + "\n");
}

bool read_slurm_jobs(const std::string& out, SlurmJobs* jobs) {
  std::ifstream in(fs::path(out) / "slurm" / "jobs.json");
  if (!in) return false;
  try {
    const json j = json::parse(in);
    jobs->array_job_id = j.at("array_job_id");
    jobs->gather_job_id = j.value("gather_job_id", "");
    jobs->tasks = j.value("tasks", 0);
    jobs->points_per_task = j.value("points_per_task", 1);
    jobs->points = j.value("points", 0);
    jobs->submitted = j.value("submitted", "");
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

std::vector<std::string> slurm_status_lines(const std::string& out) {
  SlurmJobs jobs;
  if (!read_slurm_jobs(out, &jobs)) return {};
  std::vector<std::string> lines;
  lines.push_back(fmt::format("slurm: array job {} ({} tasks of {} point(s)), gather job {}",
                              jobs.array_job_id, jobs.tasks, jobs.points_per_task,
                              jobs.gather_job_id.empty() ? "not submitted" : jobs.gather_job_id));
  std::string ids = jobs.array_job_id;
  if (!jobs.gather_job_id.empty()) ids += "," + jobs.gather_job_id;
  // -r: one line per array task, pending ones included.
  const Captured c = capture({"squeue", "-h", "-r", "-j", ids, "-o", "%i|%T|%r"});
  if (c.exit_code == -1) {
    lines.push_back("slurm: squeue not found: queue states unknown from this machine");
    return lines;
  }
  if (c.exit_code != 0) {
    const std::string why = last_line(c.err.empty() ? c.out : c.err);
    // A job id squeue no longer knows (ended longer than MinJobAge ago) is an error to it.
    lines.push_back(why.find("Invalid job id") != std::string::npos
                        ? "slurm: the jobs are no longer in the queue (ended)"
                        : "slurm: squeue failed: " + why);
    return lines;
  }
  std::map<std::string, int> array_states;
  std::string gather_state;
  std::istringstream in(c.out);
  for (std::string line; std::getline(in, line);) {
    const auto bar1 = line.find('|'), bar2 = line.rfind('|');
    if (bar1 == std::string::npos || bar2 == bar1) continue;
    const std::string id = line.substr(0, bar1), state = line.substr(bar1 + 1, bar2 - bar1 - 1),
                      reason = line.substr(bar2 + 1);
    if (!jobs.gather_job_id.empty() && id == jobs.gather_job_id)
      gather_state = state + (reason.empty() || reason == "None" ? "" : " (" + reason + ")");
    else
      ++array_states[state];
  }
  std::string a;
  for (const auto& [state, n] : array_states)
    a += fmt::format("{}{} {}", a.empty() ? "" : ", ", n, state);
  lines.push_back(
      fmt::format("slurm: array tasks in the queue: {}", a.empty() ? "none (all ended)" : a));
  if (!jobs.gather_job_id.empty())
    lines.push_back(fmt::format("slurm: gather job: {}",
                                gather_state.empty() ? "not in the queue (ended)" : gather_state));
  return lines;
}

}  // namespace kelvin
