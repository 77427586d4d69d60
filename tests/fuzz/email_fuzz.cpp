// E-mail: a single message (.eml) or a mailbox (.mbox), told apart as detection does, by the
// mbox "From " separator at the start; plus the RFC 5322 date grammar on its own.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  const std::string_view text = evidence::fuzz::AsText(data, size);
  const auto format =
      text.starts_with("From ") ? evidence::ExportFormat::kMbox : evidence::ExportFormat::kEml;
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  auto summary = evidence::messages_internal::ParseEmail(
      file.Set(data, size), format, options,
      [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  // The Date header grammar: whatever it returns must be printable RFC 3339 text.
  if (size <= 256) {
    auto date = evidence::messages_internal::ParseRfc5322Date(text);
    if (date) evidence::fuzz::CheckUtf8(*date, "parsed date");
  }
  return 0;
}
