// imessage-exporter HTML (libxml2's HTML parser and the walk over its tree) and TXT (the block
// grammar); byte 0 picks which, so one corpus serves both.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  auto check = [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); };
  (void)evidence::messages_internal::LooksLikeIMessageHtml(bytes);
  (void)evidence::messages_internal::LooksLikeIMessageText(bytes);
  auto summary = (data[0] & 1) != 0
                     ? evidence::messages_internal::ParseIMessageHtmlBuffer(bytes, options, check)
                     : evidence::messages_internal::ParseIMessageTextBuffer(bytes, options, check);
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
