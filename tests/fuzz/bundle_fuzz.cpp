// The bundle reader behind `verify-bundle`: one streaming pass over a hostile .zip, .tar or
// .tar.gz. Besides not crashing, it must keep its promise of writing nothing to disk: the run
// happens in an empty working folder with an empty TMPDIR, and both must stay empty.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "evidence/bundle.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

struct Sandbox {
  fs::path work;
  fs::path tmp;
  Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "evidence-fuzz-bundle-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    work = fs::path(pattern) / "cwd";
    tmp = fs::path(pattern) / "tmp";
    fs::create_directories(work);
    fs::create_directories(tmp);
    setenv("TMPDIR", tmp.c_str(), 1);
    if (chdir(work.c_str()) != 0) std::abort();
  }
  void CheckEmpty() const {
    if (!fs::is_empty(work) || !fs::is_empty(tmp)) {
      evidence::fuzz::Fail("VerifyBundle wrote a file to disk");
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  static Sandbox sandbox;
  auto report = evidence::VerifyBundle(file.Set(data, size), {});
  if (report.ok()) {
    // The JSON report must serialise (it carries hostile member names).
    (void)evidence::BundleReportJson(*report).dump();
    if (report->ok() && report->checks.empty()) evidence::fuzz::Fail("verified with no checks");
  }
  sandbox.CheckEmpty();
  return 0;
}
