// Export then verify: whatever a user adds (any bytes, any note), the bundle the case exports of
// it must verify. Input: the note up to the first newline, then the file's content; its length
// picks .zip, .tar or .tar.gz. Each run starts from a copy of one empty case made once, so a
// crashing input reproduces on its own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/bundle.hpp"
#include "evidence/case.hpp"
#include "fuzz_support.hpp"
#include "testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace ef = evidence::fuzz;

struct Template {
  evidence::testing::TempDir dir;
  fs::path empty_case;
  Template() {
    empty_case = dir / "template";
    evidence::CaseOptions options;
    options.name = "fuzz";
    options.owner = "Fuzz Owner";
    options.passphrase = std::nullopt;
    auto c = evidence::Case::Create(empty_case, options);
    if (!c.ok()) ef::Fail("cannot create the template case: " + c.status().message());
  }
};

void RequireVerifies(const evidence::Case& c, const char* when) {
  auto report = c.Verify();
  if (!report.ok())
    ef::Fail(std::string(when) + ": verify could not run: " + report.status().message());
  if (!report->ok())
    ef::Fail(std::string(when) + ": case does not verify: " + report->failures.front());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Template tmpl;
  const std::string_view input = ef::AsText(data, size);
  const std::size_t newline = input.find('\n');
  const std::string note(newline == std::string_view::npos ? std::string_view()
                                                           : input.substr(0, newline));
  const std::string_view content =
      newline == std::string_view::npos ? input : input.substr(newline + 1);
  static const char* const kSuffixes[] = {".zip", ".tar", ".tar.gz"};

  evidence::testing::TempDir run;
  const fs::path case_dir = run / "case";
  fs::copy(tmpl.empty_case, case_dir, fs::copy_options::recursive);
  const fs::path item = run / "item.bin";
  evidence::testing::WriteFile(item, std::string(content));

  auto c = evidence::Case::Open(case_dir);
  if (!c.ok()) ef::Fail("cannot open the copied case: " + c.status().message());
  evidence::IngestOptions ingest;
  ingest.note = note;
  auto added = c->Ingest(item, ingest);
  if (!added.ok()) {
    // Refusing a file is allowed (an ambiguous chat, a note it cannot keep); the case must then
    // be as it was.
    RequireVerifies(*c, "after a refused ingest");
    return 0;
  }
  if (auto sealed = c->Seal(); !sealed.ok()) ef::Fail("seal failed: " + sealed.message());
  RequireVerifies(*c, "after ingest");

  evidence::ExportOptions out;
  out.out = run / (std::string("bundle") + kSuffixes[size % 3]);
  out.recipient = "fuzz";
  auto exported = c->Export(out);
  if (!exported.ok()) ef::Fail("export failed: " + exported.status().message());
  auto report = evidence::VerifyBundle(exported->file, {});
  if (!report.ok()) ef::Fail("verify-bundle could not run: " + report.status().message());
  if (!report->ok()) {
    for (const auto& check : report->checks) {
      if (!check.ok)
        ef::Fail("exported bundle does not verify: " + check.check + " " + check.subject + ": " +
                 check.detail);
    }
  }
  return 0;
}
