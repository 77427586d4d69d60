// Facebook Messenger / Instagram JSON: the SAX record streamer, its limits, and the mojibake
// repair of every string.
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
  (void)evidence::messages_internal::LooksLikeMetaMessagesJson(bytes);
  auto summary = evidence::messages_internal::ParseMetaMessagesBuffer(
      bytes, options, [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  // The repair always yields valid UTF-8 from valid UTF-8.
  const std::string sane = evidence::LossyUtf8(bytes);
  evidence::fuzz::CheckUtf8(evidence::messages_internal::RepairMetaMojibake(sane), "repaired text");
  return 0;
}
