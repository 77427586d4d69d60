// SMS Backup & Restore XML: libxml2's reader, records, MMS parts and their base64 data.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  evidence::ParseOptions options;
  options.max_text_bytes = 4096;
  auto summary = evidence::messages_internal::ParseSmsBackup(
      file.Set(data, size), options,
      [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); });
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
