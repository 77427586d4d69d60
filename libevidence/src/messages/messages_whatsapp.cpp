// WhatsApp "Export chat" text: the stamp grammar (Android "18/03/2022, 14:56 - Name: text" and
// iOS "[3/18/22, 14:56:01] Name: text" with their locale variants) and the two passes over a chat.
//
// A chat is read twice, line by line, in fixed memory: the first pass finds the layout and proves
// (or fails to prove) the order of day and month; the second builds and delivers the messages.
// The .zip around a chat is messages_whatsapp_zip.cpp.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_whatsapp.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

constexpr char32_t kNoCodePoint = 0xFFFFFFFF;

bool IsBlank(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == 0x00A0 || cp == 0x202F || cp == 0x2009;
}

int DigitValue(char32_t cp) {
  if (cp >= '0' && cp <= '9') return static_cast<int>(cp - '0');
  if (cp >= 0x0660 && cp <= 0x0669) return static_cast<int>(cp - 0x0660);  // Arabic-Indic
  if (cp >= 0x06F0 && cp <= 0x06F9) return static_cast<int>(cp - 0x06F0);  // Extended (Persian)
  return -1;
}

bool IsAsciiLetter(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

// A position in one line, read as UTF-8 code points.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  bool AtEnd() const { return pos_ >= s_.size(); }

  char32_t Peek(size_t* len = nullptr) const {
    if (pos_ < s_.size() && static_cast<unsigned char>(s_[pos_]) < 0x80) {
      if (len != nullptr) *len = 1;
      return static_cast<unsigned char>(s_[pos_]);
    }
    char32_t cp = 0;
    const size_t n = pos_ < s_.size() ? DecodeUtf8(s_, pos_, &cp) : 0;
    if (len != nullptr) *len = n;
    return n == 0 ? kNoCodePoint : cp;
  }
  void Next() {
    size_t n;
    Peek(&n);
    pos_ += n == 0 ? 1 : n;
  }
  void SkipMarks() {
    while (!AtEnd() && IsInvisibleMark(Peek())) Next();
  }
  void SkipBlanks() {
    while (!AtEnd() && (IsBlank(Peek()) || IsInvisibleMark(Peek()))) Next();
  }
  bool Consume(char32_t cp) {
    if (Peek() != cp) return false;
    Next();
    return true;
  }
  bool ConsumeLiteral(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  // Reads 1..max_digits digits (ASCII or Arabic-Indic); -1 if there are none or too many.
  int ReadNumber(int max_digits, int* digits) {
    int value = 0;
    int n = 0;
    const size_t start = pos_;
    while (!AtEnd()) {
      const int d = DigitValue(Peek());
      if (d < 0) break;
      if (++n > max_digits) {
        pos_ = start;
        return -1;
      }
      value = value * 10 + d;
      Next();
    }
    *digits = n;
    return n == 0 ? -1 : value;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// "AM"/"PM" in the spellings WhatsApp locales use: "PM", "p.m.", "p. m.", and the CJK, Korean,
// Greek and Arabic words. Returns 'a', 'p', or 0 (cursor unchanged).
char ReadMeridiem(Cursor& c) {
  const size_t start = c.pos();
  const char32_t first = c.Peek();
  if (first == 'a' || first == 'A' || first == 'p' || first == 'P') {
    const char which = (first == 'a' || first == 'A') ? 'a' : 'p';
    c.Next();
    c.Consume('.');
    while (!c.AtEnd() && IsBlank(c.Peek())) c.Next();
    if (c.Consume('m') || c.Consume('M')) {
      c.Consume('.');
      if (!IsAsciiLetter(c.Peek())) return which;
    }
    c.set_pos(start);
    return 0;
  }
  static constexpr std::array<std::pair<std::string_view, char>, 10> kWords = {{
      {"\u5348\u524D", 'a'},    // 午前
      {"\u5348\u5F8C", 'p'},    // 午後
      {"\u4E0A\u5348", 'a'},    // 上午
      {"\u4E0B\u5348", 'p'},    // 下午
      {"\uC624\uC804", 'a'},    // 오전
      {"\uC624\uD6C4", 'p'},    // 오후
      {"\u03C0.\u03BC.", 'a'},  // π.μ.
      {"\u03BC.\u03BC.", 'p'},  // μ.μ.
      {"\u0635", 'a'},          // ص
      {"\u0645", 'p'},          // م
  }};
  for (const auto& [word, which] : kWords) {
    if (c.ConsumeLiteral(word)) return which;
  }
  return 0;
}

struct RawDate {
  int value[3] = {0, 0, 0};
  int digits[3] = {0, 0, 0};
  char era[3] = {0, 0, 0};
  bool buddhist = false;
  char separator = 0;
};

bool ReadDate(Cursor& c, RawDate* d) {
  for (int k = 0; k < 3; ++k) {
    c.SkipMarks();
    if (k > 0) {
      c.Consume(' ');  // "2020. 3. 14." puts a space after each separator
      c.SkipMarks();
    }
    const char32_t e = c.Peek();
    if (e == 'R' || e == 'H' || e == 'S' || e == 'T' || e == 'M') {
      const size_t save = c.pos();
      c.Next();
      if (DigitValue(c.Peek()) >= 0) {
        d->era[k] = static_cast<char>(e);
      } else {
        c.set_pos(save);
      }
    }
    d->value[k] = c.ReadNumber(4, &d->digits[k]);
    if (d->value[k] < 0) return false;
    c.SkipMarks();
    if (k < 2) {
      const char32_t sep = c.Peek();
      if (sep != '/' && sep != '.' && sep != '-') return false;
      if (k == 0) d->separator = static_cast<char>(sep);
      if (static_cast<char>(sep) != d->separator) return false;
      c.Next();
    }
  }
  if (d->separator == '.') c.Consume('.');  // "2020. 3. 14." ends with a dot too
  const size_t save = c.pos();
  c.SkipBlanks();
  if ((c.ConsumeLiteral("BE") || c.ConsumeLiteral("B.E.")) && !IsAsciiLetter(c.Peek())) {
    d->buddhist = true;
  } else {
    c.set_pos(save);
  }
  return true;
}

// Converts a written year to a Gregorian one; 0 if it cannot be one.
int GregorianYear(int value, int digits, char era, bool buddhist, const char** calendar) {
  if (era != 0) {
    // Japanese eras: Reiwa 1 = 2019, Heisei 1 = 1989, Showa 1 = 1926, Taisho 1 = 1912, Meiji 1 =
    // 1868.
    int base = 0;
    switch (era) {
      case 'R':
        base = 2018;
        break;
      case 'H':
        base = 1988;
        break;
      case 'S':
        base = 1925;
        break;
      case 'T':
        base = 1911;
        break;
      case 'M':
        base = 1867;
        break;
      default:
        return 0;
    }
    if (value < 1 || value > 99 || buddhist) return 0;
    *calendar = "japanese";
    return base + value;
  }
  if (buddhist) {
    if (digits != 4) return 0;
    *calendar = "buddhist";
    return value - 543;
  }
  if (digits == 2) return 2000 + value;  // WhatsApp dates from 2009 on: "20" is 2020
  if (digits == 4) return value;
  return 0;
}

bool ReadTime(Cursor& c, WhatsAppHeader* h) {
  int digits = 0;
  const int hour = c.ReadNumber(2, &digits);
  if (hour < 0) return false;
  const char32_t sep = c.Peek();
  if (sep != ':' && sep != '.') return false;
  c.Next();
  const int minute = c.ReadNumber(2, &digits);
  if (minute < 0 || digits != 2) return false;
  h->hour = hour;
  h->minute = minute;
  const size_t save = c.pos();
  if (c.Consume(sep)) {
    const int second = c.ReadNumber(2, &digits);
    if (second >= 0 && digits == 2) {
      h->second = second;
      h->has_seconds = true;
    } else {
      c.set_pos(save);
    }
  }
  return h->minute <= 59 && h->second <= 59;
}

bool ApplyMeridiem(WhatsAppHeader* h, char meridiem) {
  if (meridiem == 0) return h->hour <= 23;
  if (h->hour > 12) return false;
  h->twelve_hour = true;
  // "12:05 AM" is just after midnight; "00:08 a. m." appears in hand-made exports and means 00:08.
  if (h->hour == 12) h->hour = 0;
  if (meridiem == 'p') h->hour += 12;
  return true;
}

bool ResolveDate(const RawDate& d, WhatsAppHeader* h) {
  const char* calendar = "gregorian";
  if (d.era[0] != 0 || d.digits[0] >= 3) {
    h->year_first = true;
    if (d.digits[1] > 2 || d.digits[2] > 2 || d.era[1] != 0 || d.era[2] != 0) return false;
    h->year = GregorianYear(d.value[0], d.digits[0], d.era[0], d.buddhist, &calendar);
  } else {
    if (d.digits[0] > 2 || d.digits[1] > 2 || d.era[0] != 0 || d.era[1] != 0) return false;
    h->year = GregorianYear(d.value[2], d.digits[2], d.era[2], d.buddhist, &calendar);
  }
  if (h->year < 1970 || h->year > 2999) return false;
  h->calendar = calendar;
  h->field1 = h->year_first ? d.value[1] : d.value[0];
  h->field2 = h->year_first ? d.value[2] : d.value[1];
  h->date_separator = d.separator;
  return h->field1 >= 1 && h->field1 <= 31 && h->field2 >= 1 && h->field2 <= 31;
}

// Time first, "[14:56:01, 3/18/22]" (Vietnamese iOS); must yield a real date to count. Leaves `c`
// where it was when it does not.
bool ReadTimeFirst(Cursor& c, WhatsAppHeader* h, RawDate* date, char* meridiem) {
  const size_t start = c.pos();
  WhatsAppHeader t = *h;
  RawDate d;
  if (ReadTime(c, &t)) {
    c.SkipBlanks();
    const char m = ReadMeridiem(c);
    c.SkipBlanks();
    if (c.Consume(',')) {
      c.SkipBlanks();
      if (ReadDate(c, &d) && ResolveDate(d, &t)) {
        *h = t;
        h->time_first = true;
        *date = d;
        *meridiem = m;
        return true;
      }
    }
  }
  c.set_pos(start);
  return false;
}

// A connecting word between date and time, such as French "à": up to 16 bytes of non-digits
// followed by a blank. Leaves `c` where it was when there is none.
void SkipConnectingWord(Cursor& c) {
  const size_t save = c.pos();
  size_t word_bytes = 0;
  while (!c.AtEnd() && !IsBlank(c.Peek()) && DigitValue(c.Peek()) < 0 && word_bytes <= 16) {
    const size_t before = c.pos();
    c.Next();
    word_bytes += c.pos() - before;
  }
  if (word_bytes > 0 && word_bytes <= 16 && !c.AtEnd() && IsBlank(c.Peek())) {
    c.SkipBlanks();
  } else {
    c.set_pos(save);
  }
}

// Date first, the usual order: "18/03/2022, 14:56", "3/18/22, PM 2:56", "18/03/2022 à 14:56".
// The meridiem is set when it stands before the time.
bool ReadDateFirst(Cursor& c, WhatsAppHeader* h, RawDate* date, char* meridiem) {
  if (!ReadDate(c, date)) return false;
  c.SkipMarks();
  if (!c.Consume(',')) c.Consume(0x060C);  // Arabic comma
  c.SkipBlanks();
  *meridiem = ReadMeridiem(c);
  if (*meridiem == 0) {
    SkipConnectingWord(c);
  } else {
    c.SkipBlanks();
  }
  return ReadTime(c, h);
}

// A meridiem after the time ("2:56 PM"), or 0 with `c` left where it was.
char ReadTrailingMeridiem(Cursor& c) {
  const size_t save = c.pos();
  c.SkipBlanks();
  const char meridiem = ReadMeridiem(c);
  if (meridiem == 0) c.set_pos(save);
  return meridiem;
}

// What ends the stamp before the sender: "] ", "] - ", ": " (early iOS) or " - ". False when the
// line is no WhatsApp header after all.
bool ReadStampEnd(Cursor& c, WhatsAppHeader* h) {
  {
    // "2022/12/14, 13:34. - Name: text": some locales end the time with a dot.
    const size_t save = c.pos();
    if (c.Consume('.') && DigitValue(c.Peek()) >= 0) c.set_pos(save);
  }
  if (h->bracketed) {
    // Signal's text export writes "[2019-12-24, 12:23] Name: text": an ISO date without seconds,
    // which no WhatsApp export writes in brackets (iOS always gives seconds). Other bracketed
    // stamps without seconds ("[01/20/19 11:23]", copied from WhatsApp Web) are WhatsApp's.
    if (!h->has_seconds && h->year_first && h->date_separator == '-') return false;
    c.SkipBlanks();
    if (!c.Consume(']')) return false;
    c.Consume(' ');
    // "[20/01/2019, 11:23:45] - Name: text"
    const size_t save = c.pos();
    if (!((c.Consume('-') || c.Consume(0x2013)) && c.Consume(' '))) c.set_pos(save);
    return true;
  }
  if (c.Peek() == ':') {
    // Early iOS exports had no brackets and a colon after the time, which always had seconds:
    // "25/10/2015, 20:49:25: Name: text".
    if (!h->has_seconds) return false;
    c.Next();
    if (!c.AtEnd() && !c.Consume(' ')) return false;
    h->colon_after = true;
    return true;
  }
  const size_t before = c.pos();
  c.SkipBlanks();
  if (c.pos() == before) return false;
  if (!c.Consume('-') && !c.Consume(0x2013)) return false;
  return c.AtEnd() || c.Consume(' ');
}

}  // namespace

std::optional<WhatsAppHeader> ParseWhatsAppHeader(std::string_view line) {
  Cursor c(line);
  c.SkipMarks();
  WhatsAppHeader h;
  h.bracketed = c.Consume('[');
  c.SkipMarks();
  RawDate date;
  char meridiem = 0;
  const bool time_first = h.bracketed && ReadTimeFirst(c, &h, &date, &meridiem);
  if (!time_first && !ReadDateFirst(c, &h, &date, &meridiem)) return std::nullopt;
  if (!ResolveDate(date, &h)) return std::nullopt;
  if (meridiem == 0) meridiem = ReadTrailingMeridiem(c);
  if (!ApplyMeridiem(&h, meridiem)) return std::nullopt;
  if (!ReadStampEnd(c, &h)) return std::nullopt;
  h.rest_offset = c.pos();
  return h;
}

bool LooksLikeWhatsAppText(std::string_view head) {
  size_t pos = 0;
  for (int lines = 0; lines < 8 && pos < head.size(); ++lines) {
    size_t eol = head.find('\n', pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimBlanksAndMarks(line).empty()) continue;
    return ParseWhatsAppHeader(line).has_value();
  }
  return false;
}

namespace {

ChatLayout LayoutOf(const WhatsAppHeader& h) {
  return ChatLayout{h.bracketed,      h.time_first,  h.year_first,
                    h.date_separator, h.colon_after, h.calendar};
}

// A line that opens like a stamp (a date, then a time) without being a header of the chat's
// layout: a message whose stamp does not read ("13:37 p.m."), or a line of another layout. Its
// text stays in the message before it, and it is counted as unread (docs/messages.md, "Never
// silent"). A date alone ("2/11/19: Arrival") is ordinary text.
bool OpensWithDateAndTime(std::string_view line) {
  Cursor c(line);
  c.SkipMarks();
  c.Consume('[');
  c.SkipMarks();
  RawDate date;
  if (!ReadDate(c, &date)) return false;
  c.SkipMarks();
  if (!c.Consume(',')) c.Consume(0x060C);
  c.SkipBlanks();
  if (ReadMeridiem(c) != 0) c.SkipBlanks();
  int digits = 0;
  if (c.ReadNumber(2, &digits) < 0) return false;
  if (!c.Consume(':') && !c.Consume('.')) return false;
  return c.ReadNumber(2, &digits) >= 0 && digits == 2;
}

std::string LineContext(uint64_t line) { return "whatsapp: line " + std::to_string(line); }

std::string_view FieldOrderName(FieldOrder order) {
  switch (order) {
    case FieldOrder::kDayFirst:
      return "day-first";
    case FieldOrder::kMonthFirst:
      return "month-first";
    case FieldOrder::kYearFirst:
      return "year-first";
  }
  return "";
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "Name: text" -> sender and text; false for a system notice ("Alice added Bob").
bool SplitSender(std::string_view rest, std::string* sender, std::string_view* text) {
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 256) return false;
  const std::string_view name = rest.substr(0, colon);
  // Quotes mean a notice quoting a group subject ("changed the subject to "a: b"").
  if (name.find('"') != std::string_view::npos || name.find("\u201C") != std::string_view::npos ||
      name.find("\u201D") != std::string_view::npos) {
    return false;
  }
  std::string_view after = rest.substr(colon + 1);
  if (!after.empty() && after[0] != ' ') {
    // "https://..." or "12:30" inside a notice; "Name:." (no space) is still a message.
    if (after.starts_with("//")) return false;
    if (std::isdigit(static_cast<unsigned char>(name.back())) &&
        std::isdigit(static_cast<unsigned char>(after[0]))) {
      return false;
    }
  } else if (!after.empty()) {
    after.remove_prefix(1);
  }
  std::string clean = StripMarks(TrimBlanksAndMarks(name));
  if (clean.empty()) return false;
  *sender = std::move(clean);
  *text = after;
  return true;
}

// English notices that iOS (and some Android exports) attribute to the chat's name.
bool IsAttributedNotice(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kPrefixes = {
      "Messages and calls are end-to-end encrypted",
      "Messages to this group are now secured with end-to-end encryption",
      "Messages you send to this group are now secured with end-to-end encryption",
      "Messages you send to this chat and calls are now secured with end-to-end encryption",
      "Your security code with ",
      "This chat is with a business account",
  };
  for (std::string_view p : kPrefixes) {
    if (text.starts_with(p)) return true;
  }
  return false;
}

bool HasFileSuffix(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot - 1 > 10 ||
      dot + 1 == name.size()) {
    return false;
  }
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(dot) + 1, name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

void AddAttachment(std::string name, const MediaMap* media, Message* m) {
  Attachment a;
  a.media_type = MediaTypeForName(name);
  if (media != nullptr) {
    auto it = media->find(name);
    if (it != media->end()) a = it->second;
  }
  a.name = std::move(name);
  m->attachments.push_back(std::move(a));
}

// Finds the files a message names: iOS "<attached: 00000012-PHOTO-....jpg>" (and the same with a
// translated label), Android "IMG-...jpg (file attached)"; and flags "<Media omitted>" and
// "image omitted" placeholders (the media were not exported).
void FindAttachments(bool started_with_mark, const MediaMap* media, Message* m) {
  const std::string& text = m->text;
  for (size_t lt = text.find('<'); lt != std::string::npos; lt = text.find('<', lt + 1)) {
    const size_t gt = text.find('>', lt);
    if (gt == std::string::npos) break;
    const std::string_view inner(text.data() + lt + 1, gt - lt - 1);
    if (inner.find('\n') != std::string_view::npos || inner.find('<') != std::string_view::npos) {
      continue;
    }
    const size_t colon = inner.find(": ");
    if (colon == std::string_view::npos || colon > 40) continue;
    const std::string_view label = inner.substr(0, colon);
    const std::string_view name = TrimBlanksAndMarks(inner.substr(colon + 2));
    const bool numbered = name.size() > 9 && name[8] == '-' &&
                          std::all_of(name.begin(), name.begin() + 8, [](char c) {
                            return std::isdigit(static_cast<unsigned char>(c));
                          });
    if (!name.empty() && (label == "attached" || numbered)) {
      AddAttachment(StripMarks(name), media, m);
    }
  }
  const size_t eol = text.find('\n');
  const std::string_view first = TrimBlanksAndMarks(
      std::string_view(text).substr(0, eol == std::string::npos ? text.size() : eol));
  if (m->attachments.empty() && first.ends_with(")")) {
    const size_t open = first.rfind(" (");
    if (open != std::string_view::npos && open > 0) {
      const std::string_view name = TrimBlanksAndMarks(first.substr(0, open));
      const std::string_view phrase = first.substr(open + 2, first.size() - open - 3);
      const bool known =
          phrase == "file attached" ||
          phrase == "\u0444\u0430\u0439\u043B \u0434\u043E\u0431\u0430\u0432\u043B\u0435\u043D";
      if (HasFileSuffix(name) && phrase.size() <= 40 && (known || started_with_mark)) {
        AddAttachment(StripMarks(name), media, m);
      }
    }
  }
  static constexpr std::array<std::string_view, 6> kOmitted = {
      "image omitted",   "video omitted", "audio omitted",
      "sticker omitted", "GIF omitted",   "Contact card omitted"};
  const bool omitted = EqualsNoCase(first, "<Media omitted>") ||
                       first ==
                           "<\u0411\u0435\u0437 "
                           "\u043C\u0435\u0434\u0438\u0430\u0444\u0430\u0439\u043B\u043E\u0432>" ||
                       std::find(kOmitted.begin(), kOmitted.end(), first) != kOmitted.end() ||
                       (first.ends_with("document omitted") && eol == std::string::npos);
  if (omitted) m->extra["media_omitted"] = true;
}

// Builds messages from the second pass over the lines.
class Emitter {
 public:
  Emitter(const ChatLayout& layout, FieldOrder order, const ParseOptions& options,
          const MessageCallback& on_message, const MediaMap* media, ExportSummary* summary)
      : layout_(layout),
        order_(order),
        options_(options),
        on_message_(on_message),
        media_(media),
        summary_(summary) {}

  Status Run(LineReader& reader) {
    std::string line;
    bool truncated = false;
    uint64_t preamble = 0;
    for (;;) {
      EVIDENCE_ASSIGN_OR_RETURN(const bool more, reader.Next(&line, &truncated));
      if (!more) break;
      const uint64_t n = reader.line_number();
      if (truncated) {
        AddWarning(summary_, LineContext(n) + ": line longer than " +
                                 std::to_string(options_.max_text_bytes) + " bytes was cut");
      }
      auto h = ParseWhatsAppHeader(line);
      if (h && LayoutOf(*h) == layout_) {
        EVIDENCE_RETURN_IF_ERROR(Flush());
        EVIDENCE_RETURN_IF_ERROR(Start(*h, line, n));
        continue;
      }
      const bool blank = TrimBlanksAndMarks(line).empty();
      if (!blank && (!current_ || h || OpensWithDateAndTime(line))) {
        NoteUnparsed(summary_, "line", n, line);
      }
      if (current_) {
        Append(line);
      } else {
        ++preamble;
      }
    }
    summary_->read_count = reader.line_number();
    if (preamble > 0) {
      AddWarning(summary_, "whatsapp: " + std::to_string(preamble) +
                               " line(s) before the first message were not part of any message");
    }
    return Flush();
  }

  uint64_t count() const { return index_; }

 private:
  Status Start(const WhatsAppHeader& h, std::string_view line, uint64_t line_number) {
    int year = h.year;
    int month = 0;
    int day = 0;
    switch (order_) {
      case FieldOrder::kYearFirst:
      case FieldOrder::kMonthFirst:
        month = h.field1;
        day = h.field2;
        break;
      case FieldOrder::kDayFirst:
        day = h.field1;
        month = h.field2;
        break;
    }
    if (!IsValidCivilDate(year, month, day)) {
      return Status::Corruption(LineContext(line_number) + ": no such date " +
                                std::to_string(year) + "-" + std::to_string(month) + "-" +
                                std::to_string(day));
    }
    current_.emplace();
    Message& m = *current_;
    m.time = FormatLocalTime(year, month, day, h.hour, h.minute, h.second);
    m.extra["line"] = line_number;
    const std::string_view rest = line.substr(h.rest_offset);
    std::string_view text;
    if (SplitSender(rest, &m.sender, &text)) {
      char32_t first = 0;
      started_with_mark_ = DecodeUtf8(text, 0, &first) > 0 && IsInvisibleMark(first);
      text = TrimMarks(text);
      if (IsAttributedNotice(text)) {
        m.system = true;
        m.extra["attributed_to"] = m.sender;
        m.sender.clear();
      }
    } else {
      m.system = true;
      started_with_mark_ = false;
      text = TrimMarks(rest);
    }
    m.text.assign(text);
    text_truncated_ = TruncateUtf8(m.text, options_.max_text_bytes);
    return Status::Ok();
  }

  void Append(std::string_view line) {
    if (text_truncated_) return;
    Message& m = *current_;
    m.text += '\n';
    m.text.append(line);
    text_truncated_ = TruncateUtf8(m.text, options_.max_text_bytes);
  }

  Status Flush() {
    if (!current_) return Status::Ok();
    Message m = std::move(*current_);
    current_.reset();
    while (!m.text.empty() && (m.text.back() == '\n' || m.text.back() == '\r')) m.text.pop_back();
    if (text_truncated_) {
      m.extra["text_truncated"] = true;
      AddWarning(summary_, LineContext(m.extra["line"].get<uint64_t>()) +
                               ": message text longer than " +
                               std::to_string(options_.max_text_bytes) + " bytes was cut");
    }
    size_t bad = 0;
    m.text = LossyUtf8(m.text, &bad);
    // U+FFFD is longer than the byte it replaces; the limit holds for the final text.
    if (TruncateUtf8(m.text, options_.max_text_bytes)) m.extra["text_truncated"] = true;
    m.sender = LossyUtf8(m.sender);
    if (m.extra.contains("attributed_to")) {
      m.extra["attributed_to"] = LossyUtf8(m.extra["attributed_to"].get<std::string>());
    }
    if (bad > 0) {
      m.extra["invalid_utf8_replaced"] = bad;
    }
    FindAttachments(started_with_mark_, media_, &m);
    for (Attachment& a : m.attachments) a.name = LossyUtf8(a.name);
    m.index = index_++;
    return on_message_(std::move(m));
  }

  ChatLayout layout_;
  FieldOrder order_;
  const ParseOptions& options_;
  const MessageCallback& on_message_;
  const MediaMap* media_;
  ExportSummary* summary_;
  std::optional<Message> current_;
  bool started_with_mark_ = false;
  bool text_truncated_ = false;
  uint64_t index_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Plain file source.

class FileSource {
 public:
  static Result<std::shared_ptr<std::ifstream>> Open(const std::filesystem::path& path) {
    auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
    if (!*in) return Status::IoError("whatsapp: " + path.string() + ": cannot open");
    return in;
  }
  static ChunkSource Of(std::shared_ptr<std::ifstream> in) {
    return [in](char* buf, size_t size) -> Result<size_t> {
      in->read(buf, static_cast<std::streamsize>(size));
      if (in->bad()) return Status::IoError("whatsapp: read failed");
      return static_cast<size_t>(in->gcount());
    };
  }
};

}  // namespace

Result<bool> LineReader::Next(std::string* line, bool* truncated) {
  line->clear();
  *truncated = false;
  bool any = false;
  for (;;) {
    if (begin_ == end_) {
      if (eof_) break;
      auto n = source_(buf_.data(), buf_.size());
      if (!n.ok()) return n.status();
      if (*n == 0) {
        eof_ = true;
        break;
      }
      begin_ = 0;
      end_ = *n;
    }
    any = true;
    const char* start = buf_.data() + begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const size_t take = nl != nullptr ? static_cast<size_t>(nl - start) : end_ - begin_;
    const size_t room = max_line_ > line->size() ? max_line_ - line->size() : 0;
    line->append(start, std::min(take, room));
    if (take > room) *truncated = true;
    begin_ += take;
    if (nl != nullptr) {
      ++begin_;
      break;
    }
  }
  if (!any) return false;
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

Result<ChatScan> ScanChat(LineReader& reader) {
  ChatScan scan;
  bool found = false;
  std::string line;
  bool truncated = false;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(const bool more, reader.Next(&line, &truncated));
    if (!more) break;
    auto h = ParseWhatsAppHeader(line);
    if (!h) continue;
    if (!found) {
      found = true;
      scan.layout = LayoutOf(*h);
      scan.first_header_line = reader.line_number();
    } else if (!(LayoutOf(*h) == scan.layout)) {
      continue;  // another layout's stamp inside a message is text, not a header
    }
    scan.twelve_hour = scan.twelve_hour || h->twelve_hour;
    if (h->year_first) continue;
    const uint64_t n = reader.line_number();
    if (h->field1 > 12 && h->field2 > 12) {
      return Status::Corruption(LineContext(n) + ": date " + std::to_string(h->field1) + "/" +
                                std::to_string(h->field2) + " has no field that can be a month");
    }
    if (h->field1 > 12 && scan.day_first_line == 0) scan.day_first_line = n;
    if (h->field2 > 12 && scan.month_first_line == 0) scan.month_first_line = n;
    if (scan.day_first_line != 0 && scan.month_first_line != 0) {
      return Status::Corruption("whatsapp: dates disagree on the order of day and month: line " +
                                std::to_string(scan.day_first_line) + " is day-first, line " +
                                std::to_string(scan.month_first_line) + " is month-first");
    }
  }
  if (!found)
    return Status::Corruption("whatsapp: no message line found (none starts with a date)");
  return scan;
}

Result<OrderDecision> DecideOrder(const ChatScan& scan, const ParseOptions& options,
                                  std::vector<std::string>* warnings) {
  OrderDecision d;
  if (scan.layout.year_first) {
    d.order = FieldOrder::kYearFirst;
    d.source = "file";
    return d;
  }
  if (scan.day_first_line != 0 || scan.month_first_line != 0) {
    const bool day_first = scan.day_first_line != 0;
    d.order = day_first ? FieldOrder::kDayFirst : FieldOrder::kMonthFirst;
    d.source = "file";
    const DateOrder proven = day_first ? DateOrder::kDayFirst : DateOrder::kMonthFirst;
    if (options.date_order != DateOrder::kUnknown && options.date_order != proven) {
      warnings->push_back(std::string("whatsapp: line ") +
                          std::to_string(day_first ? scan.day_first_line : scan.month_first_line) +
                          " proves the dates are " + (day_first ? "day-first" : "month-first") +
                          "; the requested date order was not used");
    }
    return d;
  }
  switch (options.date_order) {
    case DateOrder::kDayFirst:
      d.order = FieldOrder::kDayFirst;
      break;
    case DateOrder::kMonthFirst:
      d.order = FieldOrder::kMonthFirst;
      break;
    case DateOrder::kUnknown:
      // The caller asks the user: the argument names the option, the CLI adds its flag.
      return Status::InvalidArgument(
                 "whatsapp: the order of day and month cannot be told from this export (no day "
                 "number is above 12); the date order must be given")
          .AboutArgument("date_order");
  }
  d.source = "option";
  return d;
}

void FillChatFields(const ChatScan& scan, const OrderDecision& order, ExportSummary* summary) {
  summary->fields["time_zone"] = "unknown (phone local time)";
  summary->fields["layout"] = scan.layout.bracketed     ? "ios"
                              : scan.layout.colon_after ? "ios-early"
                                                        : "android";
  summary->fields["date_order"] = std::string(FieldOrderName(order.order));
  summary->fields["date_order_source"] = order.source;
  summary->fields["clock"] = scan.twelve_hour ? "12-hour" : "24-hour";
  summary->fields["calendar"] = scan.layout.calendar;
}

size_t MaxLineBytes(const ParseOptions& options) {
  const uint64_t cap = options.max_text_bytes + 4096;
  return static_cast<size_t>(std::min<uint64_t>(cap, 1ull << 30));
}

Result<uint64_t> EmitChat(LineReader& reader, const ChatScan& scan, const OrderDecision& order,
                          const ParseOptions& options, const MessageCallback& on_message,
                          const MediaMap* media, ExportSummary* summary) {
  Emitter emitter(scan.layout, order.order, options, on_message, media, summary);
  EVIDENCE_RETURN_IF_ERROR(emitter.Run(reader));
  return emitter.count();
}

Result<ExportSummary> ParseWhatsAppText(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message) {
  ExportSummary summary;
  summary.format = ExportFormat::kWhatsAppText;
  EVIDENCE_ASSIGN_OR_RETURN(auto first, FileSource::Open(path));
  LineReader scan_reader(FileSource::Of(first), MaxLineBytes(options));
  EVIDENCE_ASSIGN_OR_RETURN(const ChatScan scan, ScanChat(scan_reader));
  EVIDENCE_ASSIGN_OR_RETURN(const OrderDecision order,
                            DecideOrder(scan, options, &summary.warnings));
  FillChatFields(scan, order, &summary);

  EVIDENCE_ASSIGN_OR_RETURN(auto second, FileSource::Open(path));
  LineReader reader(FileSource::Of(second), MaxLineBytes(options));
  EVIDENCE_ASSIGN_OR_RETURN(summary.message_count,
                            EmitChat(reader, scan, order, options, on_message, nullptr, &summary));
  return summary;
}

}  // namespace evidence::messages_internal
