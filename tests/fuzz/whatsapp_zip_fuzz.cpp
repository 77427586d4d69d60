// WhatsApp "Export chat" .zip: the archive reader, the zip-bomb limits and the media sink.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_support.hpp"
#include "message_checks.hpp"
#include "messages_internal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static evidence::fuzz::MemFile file;
  const auto& path = file.Set(data, size);
  (void)evidence::messages_internal::ZipHoldsWhatsAppChat(path);

  evidence::ParseOptions options;
  options.date_order = evidence::DateOrder::kDayFirst;
  // Low limits so that the fuzzer reaches them with small inputs.
  options.max_text_bytes = 4096;
  options.max_zip_entries = 64;
  options.max_member_bytes = 1 << 20;
  options.max_total_bytes = 4 << 20;
  options.max_compression_ratio = 50;
  std::size_t members = 0;
  // Reads one block of every other member and leaves the rest to the parser, so both the sink's
  // reads and the parser's own draining of a member are exercised.
  evidence::MediaSink sink = [&members](const evidence::Attachment& member,
                                        evidence::MediaReader& reader) -> evidence::Status {
    evidence::fuzz::CheckUtf8(member.name, "media member name");
    if (members++ % 2 == 0) {
      std::array<std::uint8_t, 512> block{};
      auto n = reader.Read(std::span<std::uint8_t>(block));
      if (!n.ok()) return n.status();
      auto rest = reader.Finish();
      if (!rest.ok()) return rest.status();
    }
    return evidence::Status::Ok();
  };
  auto summary = evidence::messages_internal::ParseWhatsAppZip(
      path, options, [](evidence::Message&& m) { return evidence::fuzz::CheckMessage(m); }, &sink);
  if (summary.ok()) evidence::fuzz::CheckSummary(*summary);
  return 0;
}
