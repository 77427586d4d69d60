// Private to the WhatsApp parsers (messages_whatsapp.cpp for the chat text,
// messages_whatsapp_zip.cpp for the .zip around it): reading a chat line by line in fixed memory,
// and its two passes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "evidence/messages.hpp"
#include "evidence/status.hpp"
#include "messages_internal.hpp"

namespace evidence::messages_internal {

// Fills `buf` with up to `size` bytes of the input; 0 at its end.
using ChunkSource = std::function<Result<size_t>(char* buf, size_t size)>;

// Splits a byte stream into lines ("\n" or "\r\n") through a fixed 64 KiB buffer. A line longer
// than `max_line` keeps its first `max_line` bytes and is flagged; the rest is skipped unread into
// memory.
class LineReader {
 public:
  LineReader(ChunkSource source, size_t max_line)
      : source_(std::move(source)), max_line_(max_line), buf_(64 * 1024) {}

  // Sets `line` (without its line break) and `truncated`; false at the end of the input.
  Result<bool> Next(std::string* line, bool* truncated);
  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }

 private:
  ChunkSource source_;
  size_t max_line_;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
};

enum class FieldOrder { kDayFirst, kMonthFirst, kYearFirst };

// What the first stamped line fixes for the whole chat; a stamp of another layout is text.
struct ChatLayout {
  bool bracketed = false;
  bool time_first = false;
  bool year_first = false;
  char separator = 0;
  bool colon_after = false;
  std::string calendar;
  bool operator==(const ChatLayout&) const = default;
};

// The first pass: the layout, and the first lines proving each order of day and month.
struct ChatScan {
  ChatLayout layout;
  uint64_t first_header_line = 0;
  uint64_t day_first_line = 0;    // first line whose first field is above 12
  uint64_t month_first_line = 0;  // first line whose second field is above 12
  bool twelve_hour = false;
};

struct OrderDecision {
  FieldOrder order = FieldOrder::kDayFirst;
  std::string source;  // "file" or "option"
};

// Media of a .zip by member name (and by base name), with size and SHA-256.
using MediaMap = std::map<std::string, Attachment, std::less<>>;

// Reads the whole chat once. kCorruption when no line is stamped or when dates contradict.
Result<ChatScan> ScanChat(LineReader& reader);

// Applies the rule of docs/messages.md: the file's proof, else the option, else kInvalidArgument.
Result<OrderDecision> DecideOrder(const ChatScan& scan, const ParseOptions& options,
                                  std::vector<std::string>* warnings);

// Sets the summary fields that describe the chat (layout, date order, clock, calendar, zone).
void FillChatFields(const ChatScan& scan, const OrderDecision& order, ExportSummary* summary);

// The longest line kept: a message's text limit plus room for the stamp and name.
size_t MaxLineBytes(const ParseOptions& options);

// The second pass: builds the messages and hands them to `on_message`; returns how many.
// `media` (may be null) resolves attachment names to the members of a .zip.
Result<uint64_t> EmitChat(LineReader& reader, const ChatScan& scan, const OrderDecision& order,
                          const ParseOptions& options, const MessageCallback& on_message,
                          const MediaMap* media, ExportSummary* summary);

}  // namespace evidence::messages_internal
