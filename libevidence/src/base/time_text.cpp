#include "time_text.hpp"

namespace evidence {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<TimeText> Fail(const char** why, const char* reason) {
  if (why) *why = reason;
  return std::nullopt;
}

}  // namespace

bool IsCivilDate(int year, int month, int day) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<TimeText> ScanTimeText(std::string_view text, const char** why) {
  TimeText t;
  if (text.size() < 10 || !Digits(text, 0, 4, &t.year) || text[4] != '-' ||
      !Digits(text, 5, 2, &t.month) || text[7] != '-' || !Digits(text, 8, 2, &t.day)) {
    return Fail(why, "not a date");
  }
  if (!IsCivilDate(t.year, t.month, t.day)) return Fail(why, "no such date");
  size_t pos = 10;
  if (pos == text.size()) return t;
  if (text[pos] != ' ' && text[pos] != 'T' && text[pos] != 't') {
    return Fail(why, "unexpected text after the date");
  }
  pos++;
  if (!Digits(text, pos, 2, &t.hour) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
      !Digits(text, pos + 3, 2, &t.minute)) {
    return Fail(why, "not a time of day");
  }
  t.has_clock = true;
  pos += 5;
  if (pos < text.size() && text[pos] == ':') {
    if (!Digits(text, pos + 1, 2, &t.second)) return Fail(why, "bad seconds");
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      size_t start = ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) t.millis = t.millis * 10 + (text[pos] - '0'), digits++;
        pos++;
      }
      if (pos == start) return Fail(why, "bad fraction of a second");
      while (digits < 3) t.millis *= 10, digits++;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return Fail(why, "no such time of day");
  if (pos == text.size()) return t;
  char c = text[pos];
  if ((c == 'Z' || c == 'z') && pos + 1 == text.size()) {
    t.zone = TimeText::Zone::kUtc;
    return t;
  }
  if ((c == '+' || c == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, &oh) || !Digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return Fail(why, "bad offset");
    }
    t.zone = TimeText::Zone::kOffset;
    t.offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
    return t;
  }
  return Fail(why, "unexpected text after the time");
}

}  // namespace evidence
