#include "ingest_warnings.hpp"

#include <array>
#include <cctype>

#include "evidence/human_size.hpp"

namespace evidence {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::string> ExportReadingWarnings(const Result<ExportSummary>& summary,
                                               std::string_view format, std::uint64_t count) {
  if (summary.ok()) {
    auto w = ReadingWarning(*summary);
    if (!w) return {};
    return {std::move(*w)};
  }
  return {"read as " + std::string(format) +
          " but the reading stopped: " + summary.status().message() + " (" + std::to_string(count) +
          " messages before it were kept)"};
}

std::optional<std::string> UnrecognisedExportWarning(const Status& refused, const Description& desc,
                                                     std::string_view raw_name) {
  // Not found, I/O errors: the file itself could not be read, which ingest reports otherwise.
  if (refused.code() != StatusCode::kUnsupported) return std::nullopt;
  const std::string& type = desc.media_type;
  bool candidate =
      desc.kind == "message-export" || desc.kind == "email" || type == "application/json";
  if (!candidate &&
      (type.starts_with("text/") || type == "application/xml" || type == "application/xhtml+xml")) {
    static constexpr std::array<std::string_view, 12> kWords = {
        "chat",     "message", "whatsapp", "sms",    "mms",      "mbox",
        "conversa", "inbox",   "telegram", "signal", "imessage", "mail"};
    const std::string name = Lower(raw_name);
    for (std::string_view w : kWords) {
      if (name.find(w) != std::string::npos) candidate = true;
    }
  }
  if (!candidate) return std::nullopt;
  return "not read as messages: " + refused.message() + " (formats tried: " + TriedExportFormats() +
         ")";
}

std::string HeadOnlyWarning(std::uint64_t size, std::uint64_t limit) {
  return "metadata not read and not read as messages: at " + HumanSize(size) +
         " the file is larger than the " + HumanSize(limit) +
         " an encrypted case may hold in memory on this computer (its type comes from its first "
         "bytes; the file itself is stored whole and verifies)";
}

}  // namespace evidence
