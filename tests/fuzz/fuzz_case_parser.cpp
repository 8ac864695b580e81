/// libFuzzer target: any bytes given to parse_case() and check_case() must give diagnostics,
/// never a crash, hang, leak or sanitizer report; and every case they accept must survive a
/// round trip through resolved_case_yaml() unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "solver/case/case_parser.hpp"
#include "tests/fuzz/case_equal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  kelvin::ParseOptions options;
  options.read_files = false;  // input must not reach the machine's files (/dev/zero, FIFOs)

  std::vector<kelvin::Diagnostic> diags;
  const kelvin::Case c = kelvin::parse_case(text, "fuzz.yaml", diags, options);
  kelvin::check_case(c, diags);
  for (const auto& d : diags) {
    if (d.message.empty() || d.line < 0 || d.column < 0) {
      std::fprintf(stderr, "malformed diagnostic: %s\n", d.to_string().c_str());
      std::abort();
    }
  }

  // The emitter must cope with whatever was built, valid or not.
  const std::string resolved = kelvin::resolved_case_yaml(c);
  if (!diags.empty()) return 0;

  std::vector<kelvin::Diagnostic> again_diags;
  const kelvin::Case again = kelvin::parse_case(resolved, "resolved.yaml", again_diags, options);
  kelvin::check_case(again, again_diags);
  const std::string difference = kelvin::testing::case_difference(c, again);
  if (!again_diags.empty() || !difference.empty()) {
    std::fprintf(stderr, "resolved YAML does not round-trip (%s):\n%s\n",
                 again_diags.empty() ? difference.c_str() : again_diags[0].to_string().c_str(),
                 resolved.c_str());
    std::abort();
  }
  return 0;
}
