// Helpers shared by every test program: temporary folders, files, and the real `evidence` binary.
#pragma once

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evidence::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir (or `base`), removed (recursively, even if read-only)
// on scope exit.
class TempDir {
 public:
  TempDir();
  explicit TempDir(const fs::path& base);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& path);
// The SHA-256 of a file's bytes, in lower-case hex (as `list --json` and manifests show it).
std::string Sha256OfFile(const fs::path& path);
void WriteFile(const fs::path& path, const std::string& content);

struct RunResult {
  int exit_code = -1;  // -1 when the process died from a signal
  std::string out;
  std::string err;
};

// The environment every test starts the CLI with (docs/testing.md): nothing of the caller's
// shell but what the toolchain needs (PATH, TMPDIR, the sanitizers' options), and every variable
// the tool reads set explicitly:
//   EVIDENCE_PASSPHRASE, EVIDENCE_BUNDLE_PASSPHRASE, EVIDENCE_CASE  unset (a test that needs
//                                       one gives it in `extra`)
//   HOME, XDG_DATA_HOME                 folders that do not exist, so no default case is found
//   TZ                                  "UTC"; LC_ALL and LANG "C.UTF-8"
// `extra` adds or overrides variables; an empty value in `extra` removes the variable.
std::map<std::string, std::string> CliEnvironment(
    const std::map<std::string, std::string>& extra = {});

// The variables the `evidence` tool reads; CliEnvironment decides each of them.
extern const std::vector<std::string> kToolVariables;

// Runs the built `evidence` binary with `args` (no shell) in CliEnvironment(env).
RunResult RunEvidence(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});

// Runs any program (looked up in PATH) with `args`, optionally feeding `input` on stdin, in the
// test's own environment. Programs that start the CLI themselves (a shell script) use
// RunProgramIn with CliEnvironment().
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "");
RunResult RunProgramIn(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env,
                       const std::string& input = "");

// A copy of the `evidence` binary and the libraries it loads from the build tree, in `dir`
// (created with mode 0755), for a test that runs the CLI as another user: the build tree may sit
// in a folder only its owner can enter (a checkout under a 0700 home or `mktemp -d`).
struct PortableCli {
  fs::path binary;
  fs::path lib_dir;  // give it as LD_LIBRARY_PATH
};
PortableCli CopyCliForOtherUsers(const fs::path& dir, const fs::path& binary = EVIDENCE_BIN,
                                 const fs::path& library = EVIDENCE_LIB);

// The folder of real third-party samples, when EVIDENCE_SAMPLES names one that exists.
std::optional<fs::path> SamplesDir();

// The folder of test vectors from outside the project: EVIDENCE_VECTORS when it names a folder,
// else the vectors/ folder beside EVIDENCE_SAMPLES (CI lays shared/samples and shared/vectors
// side by side).
std::optional<fs::path> VectorsDir();

// Sets TZ (and tzset) for its lifetime, restoring the previous value afterwards: local times are
// read in that zone meanwhile.
class WithTz {
 public:
  explicit WithTz(const char* tz) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~WithTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  WithTz(const WithTz&) = delete;
  WithTz& operator=(const WithTz&) = delete;

 private:
  bool had_ = false;
  std::string old_;
};

}  // namespace evidence::testing
