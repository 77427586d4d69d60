// Call logs as XML: SMS Backup & Restore <calls> and SuperBackup <alllogs> through libxml2's
// reader, plus the shared call-log detection on the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

namespace {

// Every record of a call log is a call, of a known type, with printable parties.
evidence::Status CheckCall(const evidence::Message& m) {
  if (!m.call) evidence::fuzz::Fail("a call-log record without a call");
  evidence::fuzz::CheckUtf8(m.call->number, "call number");
  evidence::fuzz::CheckUtf8(m.call->contact, "call contact");
  if (m.call->type.empty()) evidence::fuzz::Fail("a call without a type");
  return evidence::fuzz::CheckMessage(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace mi = evidence::messages_internal;
  static evidence::fuzz::MemFile file;
  const std::string_view head(reinterpret_cast<const char*>(data), size < 65536 ? size : 65536);
  auto detected = mi::DetectCallOrVoiceExport(head);
  // The root decides, as in ParseExport; inputs without one still reach both readers.
  evidence::ExportFormat format = size % 2 == 0 ? evidence::ExportFormat::kCallLogXml
                                                : evidence::ExportFormat::kSuperBackupCalls;
  if (detected && (*detected == evidence::ExportFormat::kCallLogXml ||
                   *detected == evidence::ExportFormat::kSuperBackupCalls)) {
    format = *detected;
  }
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  auto summary = mi::ParseCallLogXml(file.Set(data, size), format, options, CheckCall);
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
