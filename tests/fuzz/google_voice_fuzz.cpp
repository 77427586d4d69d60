// Google Takeout Voice pages (a call, a text thread) through libxml2's HTML parser and our DOM
// walk, plus the ISO 8601 duration grammar and the detection on the same bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace mi = evidence::messages_internal;
  static evidence::fuzz::MemFile file;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mi::ParseIsoDuration(text.substr(0, 64));
  auto detected = mi::DetectCallOrVoiceExport(text.substr(0, 65536));
  evidence::ExportFormat format = size % 2 == 0 ? evidence::ExportFormat::kGoogleVoiceCall
                                                : evidence::ExportFormat::kGoogleVoiceText;
  if (detected && (*detected == evidence::ExportFormat::kGoogleVoiceCall ||
                   *detected == evidence::ExportFormat::kGoogleVoiceText)) {
    format = *detected;
  }
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  auto summary =
      mi::ParseGoogleVoice(file.Set(data, size), format, options, [&](evidence::Message&& m) {
        if ((format == evidence::ExportFormat::kGoogleVoiceCall) != m.call.has_value()) {
          evidence::fuzz::Fail("a call page must give calls, a thread page messages");
        }
        if (m.call) {
          evidence::fuzz::CheckUtf8(m.call->number, "call number");
          evidence::fuzz::CheckUtf8(m.call->contact, "call contact");
        }
        return evidence::fuzz::CheckMessage(m);
      });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
