#include "evidence/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

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

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

}  // namespace

Result<ParsedTime> ParseUserTime(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("time \"" + std::string(text) + "\": " + why +
                                   " (use YYYY-MM-DD HH:MM, optionally with +hh:mm)");
  };
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!Digits(text, 0, 4, &y) || text.size() < 10 || text[4] != '-' || !Digits(text, 5, 2, &mo) ||
      text[7] != '-' || !Digits(text, 8, 2, &d)) {
    return bad("not a date");
  }
  if (!ValidDate(y, mo, d)) return bad("no such date");
  ParsedTime out;
  size_t pos = 10;
  if (pos == text.size()) {
    out.date_only = true;
  } else {
    if (text[pos] != ' ' && text[pos] != 'T' && text[pos] != 't')
      return bad("unexpected text after the date");
    pos++;
    if (!Digits(text, pos, 2, &h) || pos + 2 >= text.size() + 0 || text[pos + 2] != ':' ||
        !Digits(text, pos + 3, 2, &mi)) {
      return bad("not a time of day");
    }
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
      if (!Digits(text, pos + 1, 2, &sec)) return bad("bad seconds");
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        size_t start = ++pos;
        int frac = 0, digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) frac = frac * 10 + (text[pos] - '0'), digits++;
          pos++;
        }
        if (pos == start) return bad("bad fraction of a second");
        while (digits < 3) frac *= 10, digits++;
        ms = frac;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return bad("no such time of day");
  }
  if (pos < text.size()) {
    char c = text[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == text.size()) {
      out.had_offset = true;
    } else if ((c == '+' || c == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
      int oh, om;
      if (!Digits(text, pos + 1, 2, &oh) || !Digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
        return bad("bad offset");
      }
      out.had_offset = true;
      out.offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return bad("unexpected text after the time");
    }
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::int64_t secs;
  if (out.had_offset) {
    secs = static_cast<std::int64_t>(timegm(&tm)) - out.offset_minutes * 60;
  } else {
    tm.tm_isdst = -1;
    std::time_t t = mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return bad("cannot be placed in the local time zone");
    secs = static_cast<std::int64_t>(t);
    std::tm local{};
    localtime_r(&t, &local);
    out.offset_minutes = static_cast<int>(local.tm_gmtoff / 60);
  }
  out.unix_ms = secs * 1000 + ms;
  return out;
}

std::string FormatUtc(std::int64_t unix_ms) {
  std::int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  std::time_t secs = static_cast<std::time_t>((unix_ms - ms) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string FormatWithOffset(std::int64_t unix_ms, int offset_minutes) {
  std::int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  std::time_t secs = static_cast<std::time_t>((unix_ms - ms) / 1000 + offset_minutes * 60);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (ms != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(ms));
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return buf;
}

std::int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace evidence
