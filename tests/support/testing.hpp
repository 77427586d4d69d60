// Helpers shared by every test program: temporary folders, files, and the real `evidence` binary.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evidence::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed (recursively, even if read-only) on scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& path);
void WriteFile(const fs::path& path, const std::string& content);

struct RunResult {
  int exit_code = -1;  // -1 when the process died from a signal
  std::string out;
  std::string err;
};

// Runs the built `evidence` binary with `args` (no shell), with extra environment variables.
// EVIDENCE_CASE and XDG_DATA_HOME are cleared unless given, so a test never touches a real case.
RunResult RunEvidence(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});

// Runs any program (looked up in PATH) with `args`, optionally feeding `input` on stdin.
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "");

// The folder of real third-party samples, when EVIDENCE_SAMPLES names one that exists.
std::optional<fs::path> SamplesDir();

}  // namespace evidence::testing
