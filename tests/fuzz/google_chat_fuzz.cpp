// Google Chat Takeout messages.json: the SAX record streamer and the prose date grammar.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  (void)evidence::messages_internal::LooksLikeGoogleChatJson(bytes);
  if (auto date = evidence::messages_internal::ParseGoogleChatDate(bytes.substr(0, 300))) {
    evidence::fuzz::CheckUtf8(*date, "parsed date");
  }
  auto summary = evidence::messages_internal::ParseGoogleChatBuffer(
      bytes, options, [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
