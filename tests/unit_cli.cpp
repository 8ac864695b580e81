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
