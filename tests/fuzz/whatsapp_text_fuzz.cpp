// WhatsApp "Export chat" text: both passes (layout scan, then messages) over hostile lines.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  evidence::ParseOptions options;
  // The order matters only when the chat cannot prove it; alternate so both paths are reached.
  options.date_order =
      size % 2 == 0 ? evidence::DateOrder::kDayFirst : evidence::DateOrder::kMonthFirst;
  options.max_text_bytes = 4096;  // small, so the cutting of long messages is exercised
  auto summary = evidence::messages_internal::ParseWhatsAppText(
      file.Set(data, size), options,
      [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  // The header grammar on its own, line by line, as detection uses it.
  (void)evidence::messages_internal::LooksLikeWhatsAppText(evidence::fuzz::AsText(data, size));
  return 0;
}
