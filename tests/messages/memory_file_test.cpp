// A message export read from its plaintext in a sealed memory file (the way ingest hands it to
// the parsers, so that no plaintext is written to disk; docs/architecture.md, "Plaintext for the
// parsers") is detected and parsed exactly as from the file itself.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "evidence/messages.hpp"
#include "memory_copy.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

// Everything a user sees of a parse: the format, the summary, and every message.
std::string Transcript(const fs::path& path, const std::string& name, const ParseOptions& options) {
  std::string out;
  auto format = DetectExportFormat(path, name);
  out += "format " +
         (format.ok() ? std::string(ExportFormatName(*format))
                      : "refused: " + format.status().message()) +
         "\n";
  auto summary = ParseExport(path, name, options, [&](Message&& m) {
    out += std::to_string(m.index) + " " + m.time.value_or("-") + " [" + m.sender + "] " +
           m.direction + " " + m.text + " attachments=" + std::to_string(m.attachments.size()) +
           " extra=" + m.extra.dump() + "\n";
    return Status::Ok();
  });
  if (!summary.ok()) return out + "parse failed: " + summary.status().message();
  out += "count " + std::to_string(summary->message_count) + " fields " + summary->fields.dump() +
         " read " + std::to_string(summary->read_count) + " unparsed " +
         std::to_string(summary->unparsed_count) + "\n";
  for (const auto& w : summary->warnings) out += "warning " + w + "\n";
  return out;
}

TEST(ExportFromMemory, WhatsAppAndSmsExportsParseTheSameAsFromTheirFiles) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const std::vector<std::string> samples = {
      "whatsapp/android_EN.txt", "whatsapp/ios_EN_Elon_Musk.txt",
      "whatsapp/chatanalytics_4A_11M.zip", "sms/sms_small.xml", "sms/smsrst_mms_jpeg.xml"};
  ParseOptions options;
  options.date_order = DateOrder::kMonthFirst;  // the .zip cannot prove its order
  for (const std::string& sample : samples) {
    SCOPED_TRACE(sample);
    const fs::path path = *dir / "messages" / sample;
    const std::string name = path.filename().string();
    UniqueFd memory = testing::MemoryCopyOf(testing::ReadFile(path));
    const fs::path in_memory = "/proc/self/fd/" + std::to_string(memory.get());
    const std::string from_file = Transcript(path, name, options);
    EXPECT_EQ(from_file.find("refused"), std::string::npos) << from_file;
    EXPECT_EQ(from_file.find("parse failed"), std::string::npos) << from_file;
    EXPECT_EQ(Transcript(in_memory, name, options), from_file);
  }
}

}  // namespace
}  // namespace evidence
