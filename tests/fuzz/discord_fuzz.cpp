// DiscordChatExporter JSON: the streaming SAX reader, the per-message capture under its budget, and
// the head scan detection uses.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;  // small, so the cutting of long texts is exercised
  auto summary = evidence::messages_internal::ParseDiscordJson(
      file.Set(data, size), options,
      [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  (void)evidence::messages_internal::LooksLikeDiscordJson(evidence::fuzz::AsText(data, size));
  return 0;
}
