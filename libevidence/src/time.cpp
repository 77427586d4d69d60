#include "evidence/time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "time_text.hpp"

namespace evidence {

Result<ParsedTime> ParseUserTime(std::string_view text) {
  const char* why = "";
  auto fields = ScanTimeText(text, &why);
  if (!fields) {
    return Status::InvalidArgument("time \"" + std::string(text) + "\": " + why +
                                   " (use YYYY-MM-DD HH:MM, optionally with +hh:mm)");
  }
  ParsedTime out;
  out.date_only = !fields->has_clock;
  out.had_offset = fields->zone != TimeText::Zone::kNone;
  out.offset_minutes = fields->offset_minutes;
  std::tm tm{};
  tm.tm_year = fields->year - 1900;
  tm.tm_mon = fields->month - 1;
  tm.tm_mday = fields->day;
  tm.tm_hour = fields->hour;
  tm.tm_min = fields->minute;
  tm.tm_sec = fields->second;
  std::int64_t secs;
  if (out.had_offset) {
    secs = static_cast<std::int64_t>(timegm(&tm)) - out.offset_minutes * 60;
  } else {
    tm.tm_isdst = -1;
    std::time_t t = mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) {
      return Status::InvalidArgument("time \"" + std::string(text) +
                                     "\": cannot be placed in the local time zone");
    }
    secs = static_cast<std::int64_t>(t);
    std::tm local{};
    localtime_r(&t, &local);
    out.offset_minutes = static_cast<int>(local.tm_gmtoff / 60);
  }
  out.unix_ms = secs * 1000 + fields->millis;
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
