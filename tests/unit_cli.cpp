// The command line: help, exit codes, error format.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

namespace {

struct Result {
  int code;
  std::string output;
};

/// Runs kelvin with arguments, capturing stdout and stderr together.
Result kelvin(const std::string& args) {
  const std::string cmd = std::string(KELVIN_EXECUTABLE) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  const int status = pclose(pipe.release());
  return {WEXITSTATUS(status), out};
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace

TEST(Cli, HelpOnEveryCommand) {
  for (const char* args : {"--help", "run --help", "validate --help", "info --help"}) {
    const auto r = kelvin(args);
    EXPECT_EQ(r.code, 0) << args;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << args;
  }
}

TEST(Cli, InfoNamesTheBackend) {
  const auto r = kelvin("info");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("backend:"), std::string::npos);
  EXPECT_NE(r.output.find("threads:"), std::string::npos);
}

TEST(Cli, ValidateReportsEveryErrorWithFileLineColumnAndExits2) {
  const auto path = write_temp("kelvin-cli-bad.yaml",
                               "name: bad\n"
                               "materials:\n"
                               "  copper: {conductivty: 390 W/m/K, density: 8933 kg/m^3, specific_heat: 385 J/kg/K}\n"
                               "boxes:\n"
                               "  - {name: b, material: copper, min: [0, 0, 0], max: [1 mm, 1 mm, 700 W]}\n");
  const auto r = kelvin("validate " + path);
  EXPECT_EQ(r.code, 2);
  // one line per problem, each FILE:LINE:COL: message
  const std::regex line_re(".*kelvin-cli-bad\\.yaml:[0-9]+:[0-9]+: .+");
  int lines = 0;
  std::size_t start = 0;
  while (start < r.output.size()) {
    const auto end = r.output.find('\n', start);
    const std::string l = r.output.substr(start, end - start);
    if (!l.empty()) {
      EXPECT_TRUE(std::regex_match(l, line_re)) << l;
      ++lines;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  EXPECT_GE(lines, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean \"conductivity\""), std::string::npos) << r.output;
}

TEST(Cli, MissingFileIsBadInput) {
  const auto r = kelvin("validate /nonexistent/case.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("/nonexistent/case.yaml"), std::string::npos);
}

TEST(Cli, UnknownCommandIsBadInput) { EXPECT_EQ(kelvin("frobnicate").code, 2); }

TEST(Cli, UncoveredCellsAreASetupErrorNotACrash) {
  const auto path = write_temp("kelvin-cli-gap.yaml",
                               "name: gap\n"
                               "materials:\n"
                               "  copper: {conductivity: 390, density: 8933, specific_heat: 385}\n"
                               "boxes:\n"
                               "  - {name: a, material: copper, min: [0, 0, 0], max: [0.01, 0.01, 0.01]}\n"
                               "  - {name: b, material: copper, min: [0.02, 0, 0], max: [0.03, 0.01, 0.01]}\n"
                               "boundaries:\n"
                               "  - {face: xmin, type: temperature, temperature: 300 K}\n");
  const auto r = kelvin("run --quiet " + path + " -o " +
                        (std::filesystem::temp_directory_path() / "kelvin-cli-gap").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("covered by no box"), std::string::npos) << r.output;
}

TEST(Cli, AbsurdMeshIsBadInputNotAnOutOfMemoryCrash) {
  const auto path = write_temp("kelvin-cli-huge.yaml",
                               "name: huge\n"
                               "mesh: {max_cell_size: 1 nm}\n"
                               "materials:\n"
                               "  copper: {conductivity: 390, density: 8933, specific_heat: 385}\n"
                               "boxes:\n"
                               "  - {name: a, material: copper, min: [0, 0, 0], max: [0.01, 0.01, 0.01]}\n"
                               "boundaries:\n"
                               "  - {face: xmin, type: temperature, temperature: 300 K}\n");
  const auto r = kelvin("validate " + path);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("mesh would need more than"), std::string::npos) << r.output;
}

namespace {
/// The composite wall with cells of `size` everywhere (the new-user meshes).
std::string wall_with_cells(const std::string& tag, const std::string& size) {
  return write_temp("kelvin-cli-wall-" + tag + ".yaml",
                    "name: wall\n"
                    "mesh: {max_cell_size: " + size + "}\n"
                    "materials:\n"
                    "  polymer: {conductivity: 0.4, density: 1200, specific_heat: 1500}\n"
                    "  copper: {conductivity: 400, density: 8933, specific_heat: 385}\n"
                    "boxes:\n"
                    "  - {name: p, material: polymer, min: [0, 0, 0], max: [10 mm, 10 mm, 10 mm]}\n"
                    "  - {name: c, material: copper, min: [10 mm, 0, 0], max: [40 mm, 10 mm, 10 mm]}\n"
                    "boundaries:\n"
                    "  - {face: xmin, type: temperature, temperature: 100 degC}\n"
                    "  - {face: xmax, type: temperature, temperature: 20 degC}\n");
}
}  // namespace

// 1 um cells over the wall are 4e12 cells, 10 um 4e9: validate and run refuse both from the
// axes alone (exit 2, no std::bad_alloc, no 15 GB allocated), naming the estimate, the memory
// available and a cell size that fits.
TEST(Cli, MeshesLargerThanMemoryAreRefusedBeforeAllocating) {
  for (const auto& [size, cells] : {std::pair<std::string, std::string>{"1 um", "4000000000000 cells"},
                                    {"10 um", "4000000000 cells"}}) {
    const auto path = wall_with_cells(size.substr(0, size.find(' ')), size);
    for (const std::string& cmd : {"validate " + path, "run --quiet " + path + " -o " +
                                      (std::filesystem::temp_directory_path() / "kelvin-cli-big").string()}) {
      const auto r = kelvin(cmd);
      EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
      EXPECT_NE(r.output.find(cells), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("of memory available"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("coarsen every cell size"), std::string::npos) << r.output;
    }
  }
}

// A case that fits: validate prints the cell count and the memory estimate against what the
// backend has.
TEST(Cli, ValidatePrintsTheMemoryEstimate) {
  const auto r = kelvin("validate " + wall_with_cells("fits", "1 mm"));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("4000 cells (40 x 10 x 10)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("iB estimated of"), std::string::npos) << r.output;
}
