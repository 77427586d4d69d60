// Message exports: format detection, dispatch to the per-format parsers, and the small pure
// helpers they share (UTF-8 hygiene, time formatting, the RFC 5322 date grammar).
#include "evidence/messages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <new>
#include <system_error>

#include "messages_internal.hpp"
#include "xml_util.hpp"

namespace evidence {

namespace mi = messages_internal;

namespace messages_internal {

// ---------------------------------------------------------------------------------------------
// Text.

bool IsInvisibleMark(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200B || cp == 0xFEFF;
}

namespace {
bool IsBlankCodePoint(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == 0x00A0 || cp == 0x202F || cp == 0x2009;
}

template <typename Pred>
std::string_view TrimIf(std::string_view text, Pred pred) {
  size_t b = 0;
  size_t e = text.size();
  while (b < e) {
    char32_t cp;
    const size_t n = DecodeUtf8(text, b, &cp);
    if (n == 0 || !pred(cp)) break;
    b += n;
  }
  while (e > b) {
    char32_t cp;
    const size_t n = DecodeUtf8Backward(text, e, &cp);
    if (n == 0 || !pred(cp)) break;
    e -= n;
  }
  return text.substr(b, e - b);
}
}  // namespace

std::string_view TrimMarks(std::string_view text) { return TrimIf(text, IsInvisibleMark); }

std::string_view TrimBlanksAndMarks(std::string_view text) {
  return TrimIf(text, [](char32_t cp) { return IsInvisibleMark(cp) || IsBlankCodePoint(cp); });
}

std::string StripMarks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      out += text[i++];
      continue;
    }
    if (!IsInvisibleMark(cp)) out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

void AddWarning(ExportSummary* summary, std::string warning) {
  constexpr size_t kMaxWarnings = 1000;
  if (summary->warnings.size() < kMaxWarnings) {
    summary->warnings.push_back(std::move(warning));
  } else if (summary->warnings.size() == kMaxWarnings) {
    summary->warnings.push_back("further warnings were not listed");
  }
}

void NoteUnparsed(ExportSummary* summary, std::string_view unit, uint64_t number,
                  std::string_view text) {
  if (summary->unparsed_count++ > 0) return;
  std::string shown = LossyUtf8(text.substr(0, 256));
  TruncateUtf8(shown, 200);
  summary->first_unparsed = std::string(unit) + " " + std::to_string(number) + ": " + shown;
}

bool TruncateUtf8(std::string& text, uint64_t max_bytes) {
  if (text.size() <= max_bytes) return false;
  text.resize(Utf8CutPoint(text, static_cast<size_t>(max_bytes)));
  return true;
}

std::string CutUtf8(std::string text, uint64_t max_bytes) {
  TruncateUtf8(text, max_bytes);
  return text;
}

std::string MediaTypeForName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kTypes = {{
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"heic", "image/heic"},
      {"heif", "image/heif"},
      {"bmp", "image/bmp"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"mp4", "video/mp4"},
      {"m4v", "video/mp4"},
      {"mov", "video/quicktime"},
      {"3gp", "video/3gpp"},
      {"webm", "video/webm"},
      {"mkv", "video/x-matroska"},
      {"opus", "audio/ogg"},
      {"ogg", "audio/ogg"},
      {"oga", "audio/ogg"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"aac", "audio/aac"},
      {"amr", "audio/amr"},
      {"wav", "audio/wav"},
      {"pdf", "application/pdf"},
      {"vcf", "text/vcard"},
      {"txt", "text/plain"},
      {"csv", "text/csv"},
      {"html", "text/html"},
      {"zip", "application/zip"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
  }};
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return "application/octet-stream";
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [suffix, type] : kTypes) {
    if (ext == suffix) return std::string(type);
  }
  return "application/octet-stream";
}

// ---------------------------------------------------------------------------------------------
// Times.

bool IsValidCivilDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int limit = (month == 2 && leap) ? 29 : kDays[month - 1];
  return day <= limit;
}

std::string FormatLocalTime(int year, int month, int day, int hour, int minute, int second) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute,
                second);
  return buf;
}

std::optional<std::string> FormatUnixMillisUtc(int64_t millis) {
  using namespace std::chrono;
  // Keep well inside four-digit years: 0001-01-01 .. 9999-12-31.
  constexpr int64_t kMin = -62135596800000;
  constexpr int64_t kMax = 253402300799999;
  if (millis < kMin || millis > kMax) return std::nullopt;
  const sys_time<milliseconds> tp{milliseconds{millis}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{tp - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return std::string(buf);
}

namespace {

// Splits an RFC 5322 date into tokens: runs of letters, runs of digits, and single punctuation
// characters (",", ":", "+", "-"); comments "( ... )" (nested) and white space separate tokens.
std::optional<std::vector<std::string>> TokenizeDate(std::string_view v) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < v.size()) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '(') {
      int depth = 0;
      for (; i < v.size(); ++i) {
        if (v[i] == '\\') {
          ++i;
          continue;
        }
        if (v[i] == '(') ++depth;
        if (v[i] == ')' && --depth == 0) {
          ++i;
          break;
        }
      }
      if (depth != 0) return std::nullopt;
    } else if (std::isalpha(c)) {
      size_t j = i;
      while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) ++j;
      tokens.emplace_back(v.substr(i, j - i));
      i = j;
    } else if (std::isdigit(c)) {
      size_t j = i;
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      tokens.emplace_back(v.substr(i, j - i));
      i = j;
    } else if (c == ',' || c == ':' || c == '+' || c == '-' || c == '.') {
      tokens.emplace_back(1, static_cast<char>(c));
      ++i;
    } else {
      return std::nullopt;
    }
    if (tokens.size() > 32) return std::nullopt;
  }
  return tokens;
}

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int MonthFromName(const std::string& name) {
  static constexpr std::array<std::string_view, 12> kShort = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::array<std::string_view, 12> kLong = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  const std::string n = Lower(name);
  for (size_t i = 0; i < 12; ++i) {
    if (n == kShort[i] || n == kLong[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool IsDayName(const std::string& name) {
  static constexpr std::array<std::string_view, 14> kDays = {
      "mon",    "tue",     "wed",       "thu",      "fri",    "sat",      "sun",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const std::string n = Lower(name);
  return std::find(kDays.begin(), kDays.end(), n) != kDays.end();
}

// Offset in minutes for a named zone; nullopt if unknown. `unknown` is set for zones RFC 5322
// says carry no offset information (military letters).
std::optional<int> NamedZoneOffset(const std::string& name, bool* unknown) {
  const std::string n = Lower(name);
  *unknown = false;
  if (n == "ut" || n == "gmt" || n == "utc" || n == "z") return 0;
  if (n == "edt") return -4 * 60;
  if (n == "est" || n == "cdt") return -5 * 60;
  if (n == "cst" || n == "mdt") return -6 * 60;
  if (n == "mst" || n == "pdt") return -7 * 60;
  if (n == "pst") return -8 * 60;
  if (n.size() == 1 && n[0] >= 'a' && n[0] <= 'z' && n[0] != 'j') {
    *unknown = true;
    return 0;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ParseRfc5322Date(std::string_view value) {
  auto tokens_or = TokenizeDate(value);
  if (!tokens_or) return std::nullopt;
  const std::vector<std::string>& t = *tokens_or;
  size_t i = 0;
  auto at = [&](size_t k) -> const std::string& {
    static const std::string kEmpty;
    return k < t.size() ? t[k] : kEmpty;
  };
  if (i < t.size() && !IsDigits(t[i])) {
    if (!IsDayName(t[i])) return std::nullopt;
    ++i;
    if (at(i) == ",") ++i;
  }
  if (!IsDigits(at(i)) || at(i).size() > 2) return std::nullopt;
  const int day = std::stoi(at(i++));
  const int month = MonthFromName(at(i++));
  if (month == 0) return std::nullopt;
  if (!IsDigits(at(i)) || at(i).size() < 2 || at(i).size() > 4) return std::nullopt;
  int year = std::stoi(at(i));
  // RFC 5322 4.3: two-digit years 00-49 are 20xx, 50-99 are 19xx; three digits add 1900.
  if (at(i).size() == 2) year += year < 50 ? 2000 : 1900;
  if (at(i).size() == 3) year += 1900;
  ++i;
  if (!IsDigits(at(i)) || at(i).size() > 2) return std::nullopt;
  const int hour = std::stoi(at(i++));
  if (at(i++) != ":") return std::nullopt;
  if (!IsDigits(at(i)) || at(i).size() != 2) return std::nullopt;
  const int minute = std::stoi(at(i++));
  int second = 0;
  if (at(i) == ":") {
    ++i;
    if (!IsDigits(at(i)) || at(i).size() != 2) return std::nullopt;
    second = std::stoi(at(i++));
  }
  if (!IsValidCivilDate(year, month, day) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int offset = 0;
  bool unknown_offset = false;
  if (at(i) == "+" || at(i) == "-") {
    const bool negative = at(i) == "-";
    ++i;
    if (!IsDigits(at(i)) || at(i).size() != 4) return std::nullopt;
    const int hh = std::stoi(at(i).substr(0, 2));
    const int mm = std::stoi(at(i).substr(2, 2));
    if (hh > 23 || mm > 59) return std::nullopt;
    offset = hh * 60 + mm;
    if (negative) offset = -offset;
    // "-0000" means "UTC, local offset unknown" (RFC 5322 3.3), which RFC 3339 spells "-00:00".
    unknown_offset = negative && offset == 0;
    ++i;
  } else if (!at(i).empty() && std::isalpha(static_cast<unsigned char>(at(i)[0]))) {
    auto named = NamedZoneOffset(at(i), &unknown_offset);
    if (!named) return std::nullopt;
    offset = *named;
    ++i;
  } else {
    return std::nullopt;  // A date without a zone cannot be placed in time.
  }
  if (i != t.size()) return std::nullopt;
  char buf[96];
  const int abs_off = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year, month, day, hour,
                minute, second, (offset < 0 || unknown_offset) ? '-' : '+', abs_off / 60,
                abs_off % 60);
  return std::string(buf);
}

}  // namespace messages_internal

// ---------------------------------------------------------------------------------------------
// Public API.

std::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kWhatsAppText:
      return "whatsapp-text";
    case ExportFormat::kWhatsAppZip:
      return "whatsapp-zip";
    case ExportFormat::kSmsBackupXml:
      return "sms-backup-xml";
    case ExportFormat::kEml:
      return "eml";
    case ExportFormat::kMbox:
      return "mbox";
    case ExportFormat::kTelegramJson:
      return "telegram-json";
    case ExportFormat::kDiscordJson:
      return "discord-json";
    case ExportFormat::kMetaMessagesJson:
      return "messenger-instagram-json";
    case ExportFormat::kGoogleChatJson:
      return "google-chat-json";
    case ExportFormat::kIMessageHtml:
      return "imessage-html";
    case ExportFormat::kIMessageText:
      return "imessage-text";
    case ExportFormat::kCallLogXml:
      return "call-log-xml";
    case ExportFormat::kSuperBackupCalls:
      return "superbackup-calls";
    case ExportFormat::kGoogleVoiceCall:
      return "google-voice-call";
    case ExportFormat::kGoogleVoiceText:
      return "google-voice-text";
  }
  return "unknown";
}

std::optional<std::string> ReadingWarning(const ExportSummary& summary) {
  const std::string first = summary.first_unparsed.empty()
                                ? ""
                                : "; the first that could not be read is " + summary.first_unparsed;
  if (summary.message_count == 0) {
    std::string w = "read as " + std::string(ExportFormatName(summary.format)) +
                    " but no message could be read from it";
    if (summary.read_count > 0) {
      w += " (" + std::to_string(summary.unparsed_count) + " of " +
           std::to_string(summary.read_count) + " " + summary.read_unit + " unread" + first + ")";
    }
    return w;
  }
  // unparsed / read > percent / 100, in integers: no rounding lets a large file slip under.
  if (summary.unparsed_count > 0 &&
      summary.unparsed_count * 100 > summary.read_count * kUnparsedWarningPercent) {
    return "only part of this " + std::string(ExportFormatName(summary.format)) +
           " export was read: " + std::to_string(summary.unparsed_count) + " of " +
           std::to_string(summary.read_count) + " " + summary.read_unit + " belong to no message" +
           first;
  }
  return std::nullopt;
}

std::string TriedExportFormats() {
  std::string out;
  // ExportFormat numbers its values from 0 without gaps; the first value without a name ends it.
  for (int i = 0; i < 256; ++i) {
    const std::string_view name = ExportFormatName(static_cast<ExportFormat>(i));
    if (name == "unknown") break;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

Result<DateOrder> ParseDateOrder(std::string_view text) {
  if (text == "day-first") return DateOrder::kDayFirst;
  if (text == "month-first") return DateOrder::kMonthFirst;
  return Status::InvalidArgument("date order: expected day-first or month-first, got \"" +
                                 evidence::LossyUtf8(text) + "\"");
}

namespace {

constexpr size_t kHeadBytes = 64 * 1024;

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) !=
        std::tolower(static_cast<unsigned char>(suffix[i]))) {
      return false;
    }
  }
  return true;
}

Result<std::string> ReadHead(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    return Status::NotFound("message export: " + path.string() + ": no such file");
  }
  if (!std::filesystem::is_regular_file(st)) {
    return Status::InvalidArgument("message export: " + path.string() + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("message export: " + path.string() + ": cannot open");
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return Status::IoError("message export: " + path.string() + ": read failed");
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

}  // namespace

bool mi::LooksLikeEmailHeaders(std::string_view head) {
  static constexpr std::array<std::string_view, 12> kKnown = {
      "from",        "to",           "subject",      "date",         "message-id", "received",
      "return-path", "mime-version", "content-type", "delivered-to", "x-mailer",   "reply-to"};
  bool known = false;
  size_t fields = 0;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    const bool complete = eol != std::string_view::npos;
    if (!complete) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields == 0) return false;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 76) {
      return !complete && fields > 0 && known;  // a cut last line in a long header block
    }
    std::string name;
    for (char c : line.substr(0, colon)) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 32 || u >= 127) return false;
      name += static_cast<char>(std::tolower(u));
    }
    ++fields;
    if (std::find(kKnown.begin(), kKnown.end(), name) != kKnown.end()) known = true;
  }
  return fields > 0 && known;
}

namespace {

bool LooksLikeJson(std::string_view s) {
  if (s.starts_with("{")) return true;
  if (!s.starts_with("[")) return false;
  s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return !s.empty() &&
         (s.front() == '{' || s.front() == '[' || s.front() == '"' || s.front() == ']');
}

Result<ExportFormat> DetectImpl(const std::filesystem::path& path, std::string_view name_hint) {
  auto head_or = ReadHead(path);
  if (!head_or.ok()) return head_or.status();
  std::string_view head = *head_or;
  if (head.empty()) return Status::Unsupported("message export: empty file");
  if (head.starts_with("PK\x03\x04") || head.starts_with(std::string_view("PK\x05\x06", 4))) {
    auto has_chat = mi::ZipHoldsWhatsAppChat(path);
    if (!has_chat.ok()) return has_chat.status();
    if (!*has_chat) {
      return Status::Unsupported("message export: a zip archive without a WhatsApp chat text");
    }
    return ExportFormat::kWhatsAppZip;
  }
  if (head.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    return Status::Unsupported(
        "message export: an OLE compound file (Outlook .msg) is not supported; save the message "
        "as .eml");
  }
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    return Status::Unsupported("message export: UTF-16 text is not supported");
  }
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  if (mi::LooksLikeWhatsAppText(head)) return ExportFormat::kWhatsAppText;
  if (mi::LooksLikeIMessageText(head)) return ExportFormat::kIMessageText;
  if (mi::LooksLikeIMessageHtml(head)) return ExportFormat::kIMessageHtml;
  if (mi::LooksLikeMetaMessagesJson(head)) return ExportFormat::kMetaMessagesJson;
  if (mi::LooksLikeGoogleChatJson(head)) return ExportFormat::kGoogleChatJson;
  if (head.starts_with("From ")) {
    return EndsWithNoCase(name_hint, ".eml") ? ExportFormat::kEml : ExportFormat::kMbox;
  }
  std::string_view trimmed = head;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
    trimmed.remove_prefix(1);
  }
  if (auto calls = mi::DetectCallOrVoiceExport(trimmed)) return *calls;
  if (trimmed.starts_with("<")) {
    const std::string root(xml_util::XmlRootName(trimmed));
    if (root == "smses") return ExportFormat::kSmsBackupXml;
    return Status::Unsupported("message export: an xml document whose root is <" +
                               evidence::LossyUtf8(root.substr(0, 64)) +
                               ">, not an sms backup & restore <smses>");
  }
  if (mi::LooksLikeEmailHeaders(head)) return ExportFormat::kEml;
  if (LooksLikeJson(trimmed)) {
    if (mi::LooksLikeTelegramJson(trimmed)) return ExportFormat::kTelegramJson;
    if (mi::LooksLikeDiscordJson(trimmed)) return ExportFormat::kDiscordJson;
    return Status::Unsupported(
        "message export: json that is not a Telegram Desktop or DiscordChatExporter export is "
        "not supported");
  }
  return Status::Unsupported(
      "message export: not a format this library reads (WhatsApp .txt/.zip, SMS Backup & "
      "Restore .xml, .eml, .mbox)");
}

Result<ExportSummary> ParseImpl(const std::filesystem::path& path, std::string_view name_hint,
                                const ParseOptions& options,
                                const std::function<Status(Message&&)>& on_message,
                                const MediaSink* on_media) {
  auto format = DetectImpl(path, name_hint);
  if (!format.ok()) return format.status();
  switch (*format) {
    case ExportFormat::kWhatsAppText:
      return mi::ParseWhatsAppText(path, options, on_message);
    case ExportFormat::kWhatsAppZip:
      return mi::ParseWhatsAppZip(path, options, on_message, on_media);
    case ExportFormat::kSmsBackupXml:
      return mi::ParseSmsBackup(path, options, on_message);
    case ExportFormat::kEml:
    case ExportFormat::kMbox:
      return mi::ParseEmail(path, *format, options, on_message);
    case ExportFormat::kTelegramJson:
      return mi::ParseTelegramJson(path, options, on_message);
    case ExportFormat::kDiscordJson:
      return mi::ParseDiscordJson(path, options, on_message);
    case ExportFormat::kMetaMessagesJson:
      return mi::ParseMetaMessages(path, options, on_message);
    case ExportFormat::kGoogleChatJson:
      return mi::ParseGoogleChat(path, options, on_message);
    case ExportFormat::kIMessageHtml:
      return mi::ParseIMessageHtml(path, options, on_message);
    case ExportFormat::kIMessageText:
      return mi::ParseIMessageText(path, options, on_message);
    case ExportFormat::kCallLogXml:
    case ExportFormat::kSuperBackupCalls:
      return mi::ParseCallLogXml(path, *format, options, on_message);
    case ExportFormat::kGoogleVoiceCall:
    case ExportFormat::kGoogleVoiceText:
      return mi::ParseGoogleVoice(path, *format, options, on_message);
  }
  return Status::Unsupported("message export: unknown format");
}

}  // namespace

Result<ExportFormat> DetectExportFormat(const std::filesystem::path& path,
                                        std::string_view name_hint) {
  // Exceptions stop here: nothing thrown by a library or by memory exhaustion crosses the API.
  try {
    return DetectImpl(path, name_hint);
  } catch (const std::bad_alloc&) {
    return Status::IoError("message export: out of memory");
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("message export: ") + e.what());
  }
}

Result<ExportSummary> ParseExport(const std::filesystem::path& path, std::string_view name_hint,
                                  const ParseOptions& options,
                                  const std::function<Status(Message&&)>& on_message,
                                  const MediaSink* on_media) {
  try {
    return ParseImpl(path, name_hint, options, on_message, on_media);
  } catch (const std::bad_alloc&) {
    return Status::IoError("message export: out of memory");
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("message export: ") + e.what());
  }
}

}  // namespace evidence
