// iMessage conversations as rendered to plain text by imessage-exporter (one .txt per chat). A
// message is a block: a time stamp line ("May 17, 2022  5:29:42 PM", optionally followed by
// " (Read by you after 1 hour)"), the sender on the next line ("Me" for the owner), the body, and
// a blank line. Replies are the same block indented by four spaces inside their parent, and an
// announcement is a single line "<stamp> <who> <what>". The layout is described in
// docs/messages.md.
#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_whatsapp.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

constexpr std::string_view kLabel = "imessage";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::optional<int> Digits(std::string_view s, size_t* pos, size_t min_len, size_t max_len) {
  size_t i = *pos;
  int v = 0;
  while (i < s.size() && i - *pos < max_len && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i - *pos < min_len) return std::nullopt;
  *pos = i;
  return v;
}

size_t SkipSpaces(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

}  // namespace

std::optional<std::string> ParseIMessageTimestamp(std::string_view text, size_t* consumed) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < 3) return std::nullopt;
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (text.substr(0, 3) == kMonths[m]) month = m + 1;
  }
  if (month == 0) return std::nullopt;
  size_t i = 3;
  if (i >= text.size() || !IsSpace(text[i])) return std::nullopt;
  i = SkipSpaces(text, i);
  auto day = Digits(text, &i, 1, 2);
  if (!day || i >= text.size() || text[i] != ',') return std::nullopt;
  i = SkipSpaces(text, i + 1);
  auto year = Digits(text, &i, 4, 4);
  if (!year || i >= text.size() || !IsSpace(text[i])) return std::nullopt;
  i = SkipSpaces(text, i);
  auto hour = Digits(text, &i, 1, 2);
  if (!hour || i >= text.size() || text[i] != ':') return std::nullopt;
  ++i;
  auto minute = Digits(text, &i, 2, 2);
  if (!minute || i >= text.size() || text[i] != ':') return std::nullopt;
  ++i;
  auto second = Digits(text, &i, 2, 2);
  if (!second || i >= text.size() || !IsSpace(text[i])) return std::nullopt;
  i = SkipSpaces(text, i);
  if (i + 2 > text.size()) return std::nullopt;
  const std::string_view marker = text.substr(i, 2);
  if (marker != "AM" && marker != "PM") return std::nullopt;
  i += 2;
  if (i < text.size() && !IsSpace(text[i])) return std::nullopt;
  if (*hour < 1 || *hour > 12 || *minute > 59 || *second > 60 ||
      !IsValidCivilDate(*year, month, *day)) {
    return std::nullopt;
  }
  const int h = *hour % 12 + (marker == "PM" ? 12 : 0);
  if (consumed != nullptr) *consumed = i;
  return FormatLocalTime(*year, month, *day, h, *minute, *second);
}

namespace {

// A block whose body is still being read; its message waits in TextParser::pending_[slot].
struct OpenMessage {
  size_t slot = 0;
  size_t indent = 0;
  bool have_sender = false;
  bool in_reactions = false;
  std::vector<std::string> text_lines;
  size_t pending_blanks = 0;
  std::vector<std::string> edits;
  uint64_t line = 0;
  uint64_t bytes = 0;
};

bool LooksLikeAttachmentPath(std::string_view s) {
  if (s.size() > 4096 || s.find('\n') != std::string_view::npos) return false;
  const bool rooted = s.substr(0, 1) == "/" || s.substr(0, 2) == "~/" ||
                      s.substr(0, 12) == "attachments/" || s.find("/Attachments/") != s.npos;
  if (!rooted) return false;
  const size_t dot = s.rfind('.');
  const size_t slash = s.rfind('/');
  if (dot == std::string_view::npos || dot < slash || s.size() - dot < 2 || s.size() - dot > 6) {
    return false;
  }
  for (size_t i = dot + 1; i < s.size(); ++i) {
    if (!std::isalnum(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "Loved by Me", "Liked by +15558675309", "Sticker from Me: /path/x.png".
bool LooksLikeReaction(std::string_view s) {
  if (s.substr(0, 13) == "Sticker from ") return true;
  const size_t by = s.find(" by ");
  if (by == std::string_view::npos || by == 0 || by > 40) return false;
  for (size_t i = 0; i < by; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalpha(c) && c != ' ' && c != '-' && c < 0x80) return false;
  }
  return true;
}

class TextParser {
 public:
  TextParser(const ParseOptions& options, const MessageCallback& on_message)
      : options_(options), on_message_(on_message) {
    summary_.format = ExportFormat::kIMessageText;
    summary_.fields["time_zone"] = "unknown (the exporting Mac's local time)";
  }

  Status Line(std::string_view line, uint64_t number, bool truncated) {
    if (truncated) {
      AddWarning(&summary_, std::string(kLabel) + ": line " + std::to_string(number) + ": cut at " +
                                std::to_string(options_.max_text_bytes) + " bytes");
    }
    if (number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    if (indent == line.size()) {
      ++blanks_;
      if (!stack_.empty()) ++stack_.back().pending_blanks;
      return Status::Ok();
    }
    const std::string_view body = line.substr(indent);
    const bool after_blank = blanks_ > 0 || number == 1;
    blanks_ = 0;

    // The sender line of a block just opened.
    if (!stack_.empty() && !stack_.back().have_sender && indent == stack_.back().indent) {
      OpenMessage& top = stack_.back();
      top.have_sender = true;
      top.pending_blanks = 0;
      Message& m = pending_[top.slot];
      m.sender = StripMarks(LossyUtf8(body));
      TruncateUtf8(m.sender, 4096);
      // imessage-exporter names the owner "Me" unless given another name with --custom-name.
      m.direction = m.sender == "Me" ? "outgoing" : "incoming";
      return Status::Ok();
    }

    size_t consumed = 0;
    auto stamp = ParseIMessageTimestamp(body, &consumed);
    if (stamp) {
      std::string_view rest = body.substr(consumed);
      while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
      // A parenthesis after the stamp is a receipt ("(Read by you after 5 seconds)"); an
      // announcement starts with a name.
      const bool receipt = rest.empty() || rest.front() == '(';
      const bool top_level = indent == 0 && after_blank;
      bool reply = false;
      if (indent > 0 && indent % 4 == 0 && receipt) {
        // The parent is the deepest open block less indented than this stamp; replies to it
        // that are still open (earlier siblings) are complete.
        size_t depth = stack_.size();
        while (depth > 0 && stack_[depth - 1].indent >= indent) --depth;
        if (depth > 0 && stack_[depth - 1].have_sender) {
          reply = true;
          while (stack_.size() > depth) {
            Settle(stack_.back());
            stack_.pop_back();
          }
        }
      }
      if (top_level || reply) {
        // Replies wait for their parent's body; the wait is bounded (kMaxPending*).
        if (top_level || pending_.size() >= kMaxPendingMessages ||
            pending_bytes_ >= kMaxPendingBytes) {
          EVIDENCE_RETURN_IF_ERROR(FlushAll());
        }
        if (top_level && !receipt) return Announcement(*stamp, rest, number);
        Message m;
        m.time = *stamp;
        m.extra["line"] = number;
        if (!rest.empty()) m.extra["read_receipt"] = LossyUtf8(rest);
        if (!stack_.empty()) m.extra["reply_to_line"] = stack_.back().line;
        OpenMessage open;
        open.slot = pending_.size();
        open.indent = indent;
        open.line = number;
        pending_.push_back(std::move(m));
        stack_.push_back(std::move(open));
        return Status::Ok();
      }
    }
    if (stack_.empty()) {
      if (unattached_++ == 0) first_unattached_ = number;
      return Status::Ok();
    }
    // A line less indented than a reply closes the reply.
    while (stack_.size() > 1 && indent < stack_.back().indent) {
      Settle(stack_.back());
      stack_.pop_back();
    }
    OpenMessage& top = stack_.back();
    std::string_view own = line.size() > top.indent ? line.substr(top.indent) : body;
    if (indent < top.indent) own = body;
    return BodyLine(top, own, stamp.has_value() ? consumed : 0);
  }

  Result<ExportSummary> Finish() {
    EVIDENCE_RETURN_IF_ERROR(FlushAll());
    if (unattached_ > 0) {
      AddWarning(&summary_, std::string(kLabel) + ": " + std::to_string(unattached_) +
                                " lines outside any message, the first at line " +
                                std::to_string(first_unattached_));
    }
    summary_.message_count = delivered_;
    return std::move(summary_);
  }

 private:
  static constexpr size_t kMaxPendingMessages = 10000;
  static constexpr uint64_t kMaxPendingBytes = 64ull << 20;

  Message& Target(OpenMessage& open) { return pending_[open.slot]; }

  Status BodyLine(OpenMessage& top, std::string_view own, size_t stamp_len) {
    Message& m = Target(top);
    const std::string text = LossyUtf8(own);
    top.bytes += text.size();
    pending_bytes_ += text.size();
    if (top.bytes > options_.max_text_bytes) {
      if (!m.extra.contains("text_truncated")) {
        m.extra["text_truncated"] = true;
        AddWarning(&summary_, std::string(kLabel) + ": message at line " +
                                  std::to_string(top.line) + ": text cut");
      }
      return Status::Ok();
    }
    if (text == "Reactions:" || text == "Tapbacks:") {
      top.in_reactions = true;
      top.pending_blanks = 0;
      return Status::Ok();
    }
    if (top.in_reactions) {
      if (LooksLikeReaction(text)) {
        if (!m.extra.contains("reactions")) m.extra["reactions"] = nlohmann::json::array();
        m.extra["reactions"].push_back(text);
        top.pending_blanks = 0;
        return Status::Ok();
      }
      top.in_reactions = false;
    }
    // Edit history: the first version after its own stamp, later ones as "Edited ... later: ".
    if (stamp_len > 0) {
      std::string_view rest = std::string_view(text).substr(std::min(stamp_len, text.size()));
      while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
      top.edits.emplace_back(rest);
      top.pending_blanks = 0;
      return Status::Ok();
    }
    if (!top.edits.empty() && text.substr(0, 7) == "Edited ") {
      const size_t later = text.find(" later: ");
      if (later != std::string::npos) {
        top.edits.push_back(text.substr(later + 8));
        top.pending_blanks = 0;
        return Status::Ok();
      }
    }
    if (text == "This message responded to an earlier message.") {
      m.extra["responds_to_earlier"] = true;
      top.pending_blanks = 0;
      return Status::Ok();
    }
    if (LooksLikeAttachmentPath(text) || text == "Attachment missing!") {
      Attachment a;
      if (text != "Attachment missing!") {
        a.name = text;
        a.media_type = MediaTypeForName(text);
      } else {
        m.extra["attachment_missing"] = true;
      }
      m.attachments.push_back(std::move(a));
      top.pending_blanks = 0;
      return Status::Ok();
    }
    if (text == "You deleted a message." || text == "They deleted a message.") {
      m.extra["unsent"] = true;
    }
    if (!top.text_lines.empty()) {
      for (size_t i = 0; i < top.pending_blanks; ++i) top.text_lines.emplace_back();
    }
    top.pending_blanks = 0;
    top.text_lines.push_back(text);
    return Status::Ok();
  }

  Status Announcement(const std::string& stamp, std::string_view rest, uint64_t number) {
    Message m;
    m.index = delivered_++;
    m.time = stamp;
    m.system = true;
    m.text = LossyUtf8(rest);
    TruncateUtf8(m.text, options_.max_text_bytes);
    m.extra["line"] = number;
    return on_message_(std::move(m));
  }

  Status FlushAll() {
    // Text is settled for every open block once a new top-level block begins.
    for (OpenMessage& open : stack_) Settle(open);
    stack_.clear();
    for (Message& m : pending_) {
      m.index = delivered_++;
      EVIDENCE_RETURN_IF_ERROR(on_message_(std::move(m)));
    }
    pending_.clear();
    pending_bytes_ = 0;
    return Status::Ok();
  }

  void Settle(OpenMessage& open) {
    Message& m = Target(open);
    std::string text;
    for (size_t i = 0; i < open.text_lines.size(); ++i) {
      if (i > 0) text += '\n';
      text += open.text_lines[i];
    }
    if (!open.edits.empty()) {
      nlohmann::json history = nlohmann::json::array();
      for (const auto& e : open.edits) history.push_back(e);
      m.extra["edit_history"] = std::move(history);
      m.extra["edited"] = true;
      if (text.empty()) text = open.edits.back();
    }
    TruncateUtf8(text, options_.max_text_bytes);
    m.text = std::move(text);
    if (!open.have_sender) {
      AddWarning(&summary_, std::string(kLabel) + ": message at line " + std::to_string(open.line) +
                                " has no sender line");
    }
  }

  const ParseOptions& options_;
  const MessageCallback& on_message_;
  ExportSummary summary_;
  std::vector<OpenMessage> stack_;
  std::vector<Message> pending_;
  uint64_t delivered_ = 0;
  size_t blanks_ = 0;
  uint64_t pending_bytes_ = 0;
  uint64_t unattached_ = 0;
  uint64_t first_unattached_ = 0;
};

}  // namespace

bool LooksLikeIMessageText(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  // The first non-blank line is a stamp, followed either by a sender line (a message) or by
  // "<who> <what>" on the same line (an announcement); the line after a message stamp is a name.
  size_t pos = 0;
  std::vector<std::string_view> lines;
  while (pos < head.size() && lines.size() < 3) {
    size_t nl = head.find('\n', pos);
    std::string_view line = head.substr(pos, nl == std::string_view::npos ? head.npos : nl - pos);
    pos = nl == std::string_view::npos ? head.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lines.empty() && line.find_first_not_of(" \t") == std::string_view::npos) continue;
    lines.push_back(line);
  }
  if (lines.empty()) return false;
  size_t consumed = 0;
  if (!ParseIMessageTimestamp(lines[0], &consumed)) return false;
  std::string_view rest = lines[0].substr(consumed);
  while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != '(') return true;  // an announcement
  return lines.size() >= 2 && !lines[1].empty() && !IsSpace(lines[1][0]) && lines[1].size() < 512;
}

namespace {

Result<ExportSummary> Run(const ChunkSource& source, const ParseOptions& options,
                          const MessageCallback& on_message) {
  TextParser parser(options, on_message);
  LineReader reader(source,
                    static_cast<size_t>(std::min<uint64_t>(options.max_text_bytes, 64ull << 20)));
  std::string line;
  bool truncated = false;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool more, reader.Next(&line, &truncated));
    if (!more) break;
    EVIDENCE_RETURN_IF_ERROR(parser.Line(line, reader.line_number(), truncated));
  }
  return parser.Finish();
}

}  // namespace

Result<ExportSummary> ParseIMessageText(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message) {
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) return Status::IoError(std::string(kLabel) + ": " + path.string() + ": cannot open");
  ChunkSource source = [in](char* buf, size_t size) -> Result<size_t> {
    in->read(buf, static_cast<std::streamsize>(size));
    if (in->bad()) return Status::IoError("imessage: read failed");
    return static_cast<size_t>(in->gcount());
  };
  return Run(source, options, on_message);
}

Result<ExportSummary> ParseIMessageTextBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message) {
  size_t offset = 0;
  ChunkSource source = [&](char* buf, size_t size) -> Result<size_t> {
    const size_t n = std::min(size, bytes.size() - offset);
    std::copy_n(bytes.data() + offset, n, buf);
    offset += n;
    return n;
  };
  return Run(source, options, on_message);
}

}  // namespace evidence::messages_internal
