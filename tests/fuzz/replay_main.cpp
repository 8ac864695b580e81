/// Runs the fuzz target over files and folders of inputs without libFuzzer, so the main
/// (g++) build can link it against the case library alone: a case-layer call into code outside
/// solver/case/sources.cmake fails this link, the same list the fuzzer is built from.
///   case_layer_replay PATH...   each PATH a file or a folder of files; exit 0 when all pass
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

/// Feeds one file to the target (which aborts on a failed check).
void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  int files = 0;
  for (int a = 1; a < argc; ++a) {
    const std::filesystem::path p = argv[a];
    std::vector<std::filesystem::path> inputs;
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) inputs.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
      inputs.push_back(p);
    } else {
      std::fprintf(stderr, "case_layer_replay: %s: no such file or folder\n", argv[a]);
      return 2;
    }
    for (const auto& f : inputs) replay(f), ++files;
  }
  std::printf("case_layer_replay: %d inputs, all passed\n", files);
  return files > 0 ? 0 : 2;
}
