// E-mail: one RFC 5322 message (.eml) or a Unix mailbox (.mbox), parsed with GMime 3. GMime
// keeps part contents on the file (persistent stream), so a mailbox is read one message at a time
// and an attachment is decoded and hashed as a stream, never loaded whole.
#include <fcntl.h>
#include <gmime/gmime.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

// RAII for GObject references and g_malloc'd strings: no naked unref/free in the code below.
struct GObjectUnref {
  void operator()(void* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

struct ParserOptionsFree {
  void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, ParserOptionsFree>;

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string Str(const char* s) { return s == nullptr ? std::string() : LossyUtf8(s); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Unfolds a raw header value (CRLF + white space -> one space) and trims it.
std::string Unfold(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return LossyUtf8(out);
}

struct WarningLog {
  std::vector<std::string> items;
};

std::string_view WarningName(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER:
      return "duplicated header";
    case GMIME_WARN_DUPLICATED_PARAMETER:
      return "duplicated parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER:
      return "unencoded 8-bit header";
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "invalid content type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
      return "invalid rfc 2047 header value";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "malformed multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "truncated message";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting header";
    case GMIME_CRIT_CONFLICTING_PARAMETER:
      return "conflicting parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "multipart without boundary";
    case GMIME_WARN_INVALID_PARAMETER:
      return "invalid parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST:
      return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "mime nesting too deep";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "part without headers or content";
  }
  return "parser warning";
}

void OnParserWarning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer user) {
  auto* log = static_cast<WarningLog*>(user);
  try {
    if (log->items.size() >= 32) return;  // enough to tell what is wrong
    std::string text(WarningName(code));
    if (offset >= 0) text += " at byte " + std::to_string(offset);
    if (item != nullptr && *item != '\0') {
      // Cut at a character boundary: a byte cut could split a UTF-8 sequence (fuzz finding).
      std::string shown = Str(item);
      TruncateUtf8(shown, 80);
      text += " (" + shown + ")";
    }
    // GMime repeats a warning once per nesting level; one line says it.
    if (std::find(log->items.begin(), log->items.end(), text) == log->items.end()) {
      log->items.push_back(std::move(text));
    }
  } catch (...) {
    // Called from C: nothing may escape.
  }
}

std::string FormatAddress(InternetAddress* ia) {
  std::string name = Str(internet_address_get_name(ia));
  if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
    std::string addr = Str(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
    if (name.empty() || name == addr) return addr;
    if (addr.empty()) return name;
    return name + " <" + addr + ">";
  }
  return name;
}

// Flattens an address list (groups expand to their members).
void CollectAddresses(InternetAddressList* list, std::vector<std::string>* out, int depth = 0) {
  if (list == nullptr || depth > 4) return;
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      CollectAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out,
                       depth + 1);
      continue;
    }
    std::string s = FormatAddress(ia);
    if (!s.empty()) out->push_back(std::move(s));
  }
}

std::optional<std::string> RawHeader(GMimeObject* obj, const char* name) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(obj);
  if (headers == nullptr) return std::nullopt;
  GMimeHeader* h = g_mime_header_list_get_header(headers, name);
  if (h == nullptr) return std::nullopt;
  const char* raw = g_mime_header_get_raw_value(h);
  return Unfold(raw != nullptr ? raw : "");
}

std::string MimeType(GMimeObject* obj) {
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  if (ct == nullptr) return "application/octet-stream";
  GCharPtr s(g_mime_content_type_get_mime_type(ct));
  return Lower(Str(s.get()));
}

// Size and SHA-256 of what `write` puts into a stream, computed without keeping the bytes.
template <typename WriteFn>
std::optional<std::pair<uint64_t, std::string>> HashWritten(WriteFn write) {
  GPtr<GMimeStream> sink(g_mime_stream_null_new());
  GPtr<GMimeStream> filtered(g_mime_stream_filter_new(sink.get()));
  GPtr<GMimeFilter> checksum(g_mime_filter_checksum_new(G_CHECKSUM_SHA256));
  g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), checksum.get());
  if (write(filtered.get()) < 0) return std::nullopt;
  g_mime_stream_flush(filtered.get());
  GCharPtr hex(g_mime_filter_checksum_get_string(GMIME_FILTER_CHECKSUM(checksum.get())));
  const auto written = static_cast<uint64_t>(GMIME_STREAM_NULL(sink.get())->written);
  return std::make_pair(written, Lower(Str(hex.get())));
}

// Converts `bytes` from `charset` to UTF-8 through GMime's iconv filter; nullopt if GMime does
// not know the charset.
std::optional<std::string> ConvertToUtf8(const std::string& bytes, const char* charset) {
  GPtr<GMimeFilter> convert(g_mime_filter_charset_new(charset, "UTF-8"));
  if (!convert) return std::nullopt;
  GPtr<GMimeStream> source(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeStream> filtered(g_mime_stream_filter_new(source.get()));
  g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), convert.get());
  std::string out;
  std::vector<char> buf(16 * 1024);
  for (;;) {
    const ssize_t n = g_mime_stream_read(filtered.get(), buf.data(), buf.size());
    if (n <= 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  return out;
}

// Decoded text of a text part in UTF-8 with LF line ends, at most `max_bytes` (plus one byte, so
// the caller can tell it was cut). Text that is valid UTF-8 is kept as UTF-8 whatever charset the
// part declares: mislabelled mail (UTF-8 sent as "GB2312") is common, and the reverse accident
// (legacy bytes that happen to be valid UTF-8) is rare.
std::string ReadText(GMimePart* part, uint64_t max_bytes, Message* m) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return "";
  GMimeStream* raw = g_mime_data_wrapper_get_stream(content);
  if (raw == nullptr) return "";
  g_mime_stream_reset(raw);
  GPtr<GMimeStream> filtered(g_mime_stream_filter_new(raw));
  auto* fs = GMIME_STREAM_FILTER(filtered.get());
  const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
      encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      encoding == GMIME_CONTENT_ENCODING_UUENCODE) {
    GPtr<GMimeFilter> decode(g_mime_filter_basic_new(encoding, FALSE));
    g_mime_stream_filter_add(fs, decode.get());
  }
  GPtr<GMimeFilter> eol(g_mime_filter_dos2unix_new(FALSE));
  g_mime_stream_filter_add(fs, eol.get());
  std::string out;
  std::vector<char> buf(16 * 1024);
  while (out.size() <= max_bytes) {
    const ssize_t n = g_mime_stream_read(filtered.get(), buf.data(), buf.size());
    if (n <= 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  g_mime_stream_reset(raw);
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  if (charset == nullptr || IsValidUtf8(out)) {
    if (charset != nullptr) {
      const std::string cs = Lower(charset);
      if (cs != "utf-8" && cs != "utf8" && cs != "us-ascii" && cs != "ascii" &&
          out.end() != std::find_if(out.begin(), out.end(),
                                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        m->extra["charset_note"] = "declared " + Str(charset) + ", content is UTF-8";
      }
    }
    return out;
  }
  if (auto converted = ConvertToUtf8(out, charset)) return *converted;
  m->extra["charset_note"] = "unknown charset " + Str(charset);
  return out;
}

struct BodyParts {
  std::string plain;
  std::string html;
  bool cut = false;
};

void Walk(GMimeObject* obj, const ParseOptions& options, int depth, BodyParts* body, Message* m) {
  if (obj == nullptr || depth > 64) return;
  if (GMIME_IS_MULTIPART(obj)) {
    GMimeMultipart* mp = GMIME_MULTIPART(obj);
    const int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i) Walk(g_mime_multipart_get_part(mp, i), options, depth + 1, body, m);
    return;
  }
  Attachment a;
  a.media_type = MimeType(obj);
  if (GMIME_IS_MESSAGE_PART(obj)) {
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(obj);
    if (disposition != nullptr) {
      a.name = Str(g_mime_content_disposition_get_parameter(disposition, "filename"));
    }
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    if (inner != nullptr) {
      auto hashed = HashWritten([&](GMimeStream* s) {
        return g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, s);
      });
      if (hashed) {
        a.size = hashed->first;
        a.sha256 = hashed->second;
      }
    }
    m->attachments.push_back(std::move(a));
    return;
  }
  if (!GMIME_IS_PART(obj)) return;
  GMimePart* part = GMIME_PART(obj);
  const char* filename = g_mime_part_get_filename(part);
  GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(obj);
  const bool attachment =
      disposition != nullptr && g_mime_content_disposition_is_attachment(disposition);
  const bool body_type = a.media_type == "text/plain" || a.media_type == "text/html";
  if (body_type && filename == nullptr && !attachment) {
    const uint64_t limit = options.max_text_bytes;
    if (a.media_type == "text/plain") {
      if (body->plain.size() <= limit) {
        if (!body->plain.empty()) body->plain += '\n';
        body->plain += ReadText(part, limit, m);
      }
    } else if (body->html.empty()) {
      body->html = ReadText(part, limit, m);
    }
    return;
  }
  a.name = Str(filename);
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content != nullptr) {
    auto hashed = HashWritten(
        [&](GMimeStream* s) { return g_mime_data_wrapper_write_to_stream(content, s); });
    if (hashed) {
      a.size = hashed->first;
      a.sha256 = hashed->second;
    }
  }
  m->attachments.push_back(std::move(a));
}

bool StartsWithFromLine(int fd, int64_t start) {
  char buf[5];
  return pread(fd, buf, sizeof buf, start) == 5 && std::memcmp(buf, "From ", 5) == 0;
}

// Whether the "From " line at `at` separates messages: the lines after it must open a header
// block. A body line that begins with "From " in a mailbox whose writer did not quote it (the
// "unmunged From line" that mutt and MimeKit also tolerate) is followed by more body text, and
// stays in its message.
Result<bool> IsSeparator(int fd, int64_t at, int64_t size) {
  std::vector<char> buf(static_cast<size_t>(std::min<int64_t>(size - at, 8 * 1024)));
  const ssize_t n = pread(fd, buf.data(), buf.size(), at);
  if (n < 0) return Status::IoError(std::string("email: read failed: ") + std::strerror(errno));
  const std::string_view view(buf.data(), static_cast<size_t>(n));
  const size_t eol = view.find('\n');
  // A "From " line too long for the window, or the last line of the file, opens nothing.
  if (eol == std::string_view::npos) return false;
  return LooksLikeEmailHeaders(view.substr(eol + 1));
}

// Offset of the next line after `start` that begins with "From " and opens a header block (an
// mbox separator, see IsSeparator), or `size`. Splitting here first means a malformed message
// cannot swallow the ones after it.
Result<int64_t> FindNextFromLine(int fd, int64_t start, int64_t size) {
  constexpr std::string_view kPattern = "\nFrom ";
  std::vector<char> buf(64 * 1024);
  int64_t pos = start;
  while (pos < size) {
    const ssize_t n = pread(fd, buf.data(), buf.size(), pos);
    if (n < 0) return Status::IoError(std::string("email: read failed: ") + std::strerror(errno));
    if (n == 0) break;
    const std::string_view view(buf.data(), static_cast<size_t>(n));
    const size_t hit = view.find(kPattern);
    if (hit != std::string_view::npos) {
      const int64_t line = pos + static_cast<int64_t>(hit) + 1;
      EVIDENCE_ASSIGN_OR_RETURN(const bool separator, IsSeparator(fd, line, size));
      if (separator) return line;
      pos = line;  // a body line: look on from just after its "\n"
      continue;
    }
    if (static_cast<size_t>(n) <= kPattern.size()) break;
    pos += n - static_cast<ssize_t>(kPattern.size() - 1);  // overlap: a match may straddle reads
  }
  return size;
}

// The end of a message that runs up to `next` (a "From " line or the end of the file): the empty
// line an mbox writer puts before each separator belongs to the mailbox, not to the message.
int64_t MessageEnd(int fd, int64_t start, int64_t next) {
  char tail[4];
  if (next - start >= 4 && pread(fd, tail, 4, next - 4) == 4) {
    if (std::memcmp(tail, "\r\n\r\n", 4) == 0) return next - 2;
    if (std::memcmp(tail + 2, "\n\n", 2) == 0) return next - 1;
  }
  return next;
}

class EmailParser {
 public:
  EmailParser(int fd, ExportFormat format, const ParseOptions& options,
              const MessageCallback& on_message)
      : fd_(fd), options_(options), on_message_(on_message) {
    summary_.format = format;
    summary_.read_unit = "messages";
    summary_.fields["time_zone"] = "as written in each Date header";
    parser_options_.reset(g_mime_parser_options_new());
    g_mime_parser_options_set_warning_callback(parser_options_.get(), OnParserWarning, &log_);
  }

  // Parses the message held in [start, end) of `file`; `mbox` when it opens with a "From " line.
  // `required`: a message that cannot be read is an error rather than a warning.
  Status ParseOne(GMimeStream* file, int64_t start, int64_t end, bool mbox, bool required) {
    // The "From " line is taken off here and the rest parsed as one message: GMime's mbox mode
    // would end the message at a body line beginning with "From ", which FindNextFromLine has
    // already judged to be text.
    std::optional<std::string> from_line;
    int64_t body_start = start;
    if (mbox) {
      from_line = ReadFromLine(start, end);
      if (from_line) body_start = start + static_cast<int64_t>(from_line->size());
    }
    GPtr<GMimeStream> sub(g_mime_stream_substream(file, body_start, end));
    if (!sub) return Status::IoError("email: out of memory");
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(sub.get()));
    g_mime_parser_set_format(parser.get(),
                             mbox && !from_line ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    g_mime_parser_set_persist_stream(parser.get(), TRUE);
    log_.items.clear();
    GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), parser_options_.get()));
    const std::string where = "email: byte " + std::to_string(start);
    ++summary_.read_count;
    if (!msg) {
      if (required) return Status::Corruption(where + ": not a readable message");
      AddWarning(&summary_, where + ": no message could be read after the \"From \" line");
      NoteUnparsed(&summary_, "byte", static_cast<uint64_t>(start),
                   from_line ? std::string_view(*from_line).substr(0, from_line->size() - 1)
                             : std::string_view("From "));
      return Status::Ok();
    }
    Message m;
    m.extra["offset"] = start;
    if (from_line) {
      m.extra["mbox_from"] = Unfold(from_line->c_str());
    } else if (mbox) {
      GCharPtr marker(g_mime_parser_get_mbox_marker(parser.get()));
      if (marker) m.extra["mbox_from"] = Unfold(marker.get());
    }
    Fill(msg.get(), start, &m);
    if (!log_.items.empty()) {
      m.extra["parse_warnings"] = log_.items;
      for (const std::string& w : log_.items) {
        AddWarning(&summary_, where + ": message " + std::to_string(index_) + ": " + w);
      }
    }
    m.index = index_++;
    return on_message_(std::move(m));
  }

  // The separator line at `start` with its line break, or nullopt when it has none within 4 KiB.
  std::optional<std::string> ReadFromLine(int64_t start, int64_t end) const {
    std::string line(static_cast<size_t>(std::min<int64_t>(end - start, 4096)), '\0');
    const ssize_t n = pread(fd_, line.data(), line.size(), start);
    if (n <= 0) return std::nullopt;
    line.resize(static_cast<size_t>(n));
    const size_t eol = line.find('\n');
    if (eol == std::string::npos) return std::nullopt;
    line.resize(eol + 1);
    return line;
  }

  ExportSummary Finish() {
    summary_.message_count = index_;
    return std::move(summary_);
  }

 private:
  void Fill(GMimeMessage* msg, int64_t start, Message* m) {
    GMimeObject* obj = GMIME_OBJECT(msg);
    std::vector<std::string> from;
    CollectAddresses(g_mime_message_get_from(msg), &from);
    for (size_t i = 0; i < from.size(); ++i) {
      if (i > 0) m->sender += ", ";
      m->sender += from[i];
    }
    for (GMimeAddressType type :
         {GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC}) {
      CollectAddresses(g_mime_message_get_addresses(msg, type), &m->recipients);
    }
    if (const char* subject = g_mime_message_get_subject(msg)) m->extra["subject"] = Str(subject);
    if (const char* id = g_mime_message_get_message_id(msg)) m->extra["message_id"] = Str(id);
    if (auto reply = RawHeader(obj, "In-Reply-To")) m->extra["in_reply_to"] = *reply;
    if (auto date = RawHeader(obj, "Date")) {
      m->extra["date_raw"] = *date;
      if (auto t = ParseRfc5322Date(*date)) {
        m->time = *t;
      } else {
        m->extra["date_error"] = "unparsable Date header";
        std::string shown = *date;
        TruncateUtf8(shown, 80);  // at a character boundary (fuzz finding)
        AddWarning(&summary_, "email: byte " + std::to_string(start) + ": message " +
                                  std::to_string(index_) + " has an unparsable Date header \"" +
                                  shown + "\"");
      }
    } else {
      m->extra["date_error"] = "no Date header";
    }
    BodyParts body;
    Walk(g_mime_message_get_mime_part(msg), options_, 0, &body, m);
    // An empty text/plain beside real HTML (as some mailers send) says less than the HTML.
    const bool plain_blank =
        TrimBlanksAndMarks(body.plain).find_first_not_of("\n\r\t ") == std::string_view::npos;
    if (!body.html.empty() && plain_blank) {
      m->text = std::move(body.html);
      m->extra["body_format"] = "html";
    } else {
      m->text = std::move(body.plain);
      m->extra["body_format"] = m->text.empty() ? "none" : "plain";
    }
    size_t bad = 0;
    m->text = LossyUtf8(m->text, &bad);
    if (bad > 0) m->extra["invalid_utf8_replaced"] = bad;
    if (TruncateUtf8(m->text, options_.max_text_bytes)) {
      m->extra["text_truncated"] = true;
      AddWarning(&summary_, "email: byte " + std::to_string(start) + ": message text longer than " +
                                std::to_string(options_.max_text_bytes) + " bytes was cut");
    }
  }

  int fd_;  // the mailbox, for reading separator lines with pread
  const ParseOptions& options_;
  const MessageCallback& on_message_;
  ExportSummary summary_;
  ParserOptionsPtr parser_options_;
  WarningLog log_;
  uint64_t index_ = 0;
};

}  // namespace

Result<ExportSummary> ParseEmail(const std::filesystem::path& path, ExportFormat format,
                                 const ParseOptions& options, const MessageCallback& on_message) {
  InitGMime();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError("email: " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IoError("email: " + path.string() + ": " + std::strerror(errno));
  }
  const int64_t size = st.st_size;
  int64_t start = 0;
  char bom[3];
  if (pread(fd, bom, sizeof bom, 0) == 3 && std::memcmp(bom, "\xEF\xBB\xBF", 3) == 0) start = 3;
  const bool mbox = StartsWithFromLine(fd, start);
  // The stream owns the descriptor from here on; pread below does not move its position.
  GPtr<GMimeStream> file(g_mime_stream_fs_new_with_bounds(fd, 0, size));
  if (!file) {
    ::close(fd);
    return Status::IoError("email: out of memory");
  }
  EmailParser parser(fd, format, options, on_message);
  if (!mbox) {
    EVIDENCE_RETURN_IF_ERROR(parser.ParseOne(file.get(), start, size, false, true));
    return parser.Finish();
  }
  int64_t message_start = start;
  while (message_start < size) {
    EVIDENCE_ASSIGN_OR_RETURN(const int64_t next, FindNextFromLine(fd, message_start, size));
    EVIDENCE_RETURN_IF_ERROR(parser.ParseOne(file.get(), message_start,
                                             MessageEnd(fd, message_start, next), true, false));
    message_start = next;
  }
  return parser.Finish();
}

}  // namespace evidence::messages_internal
