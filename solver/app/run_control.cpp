// Run options, Ctrl-C, clock and version shared by the drivers. See run_control.hpp.
#include "solver/app/run_control.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <ctime>
#include <utility>

#include "kernels/backend.hpp"
#include "solver/case/case_parser.hpp"

namespace kelvin {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

CheckpointSchedule::CheckpointSchedule(double interval_s, std::string checkpoint_path,
                                       std::string resume_command)
    : m_interval_s(interval_s),
      m_path(std::move(checkpoint_path)),
      m_resume(std::move(resume_command)) {}

void CheckpointSchedule::after_step(double t_s, const std::function<void()>& save,
                                    const std::string& why_not_resumable) {
  const int signal = interrupt_signal();
  if (save && (signal != 0 || seconds_since(m_last) >= m_interval_s)) {
    save();
    m_last = Clock::now();
  }
  if (signal == 0) return;
  clear_interrupt();
  throw Interrupted(save ? fmt::format("interrupted at t = {:.6g} s; checkpoint written to {}; "
                                       "continue with: {}",
                                       t_s, m_path, m_resume)
                         : fmt::format("interrupted at t = {:.6g} s; {}", t_s, why_not_resumable),
                    signal, static_cast<bool>(save));
}

const char* kelvin_version() { return KELVIN_VERSION; }

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

RunIdentity identify_run(const Case& c, bool resumed) {
  RunIdentity id;
  id.case_sha256 = sha256_hex(resolved_case_yaml(c));
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  id.started_utc = stamp;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) id.host = host;
  id.pid = static_cast<long>(getpid());
  id.resumed = resumed;
  return id;
}

nlohmann::json summary_header(const Case& c, const RunIdentity& run) {
  return {{"kelvin_version", kelvin_version()},
          {"case", c.name},
          {"backend", backend_name()},
          {"threads", backend_threads()},
          {"warnings", c.warnings},
          {"run",
           {{"case_sha256", run.case_sha256},
            {"started_utc", run.started_utc},
            {"host", run.host},
            {"pid", run.pid},
            {"resumed", run.resumed}}}};
}

}  // namespace kelvin
