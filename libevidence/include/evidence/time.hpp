// Times as users type them and as the ledger stores them (RFC 3339).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "evidence/status.hpp"

namespace evidence {

struct ParsedTime {
  std::int64_t unix_ms = 0;  // the instant
  int offset_minutes = 0;    // the offset the user gave, or the local zone's at that instant
  bool had_offset = false;   // the text carried "Z" or "+hh:mm"
  bool date_only = false;    // the text was just "YYYY-MM-DD" (midnight local time)
};

// Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]" (or with 'T'), optionally followed by "Z" or
// "+hh:mm"/"-hh:mm". Without an offset the time is local (the TZ variable, else the system zone).
// kInvalidArgument naming what is wrong otherwise.
Result<ParsedTime> ParseUserTime(std::string_view text);

// "2026-03-14T17:20:00.000Z".
std::string FormatUtc(std::int64_t unix_ms);
// "2026-03-14T18:20:00+01:00" (seconds precision; milliseconds only when non-zero).
std::string FormatWithOffset(std::int64_t unix_ms, int offset_minutes);

std::int64_t NowUnixMs();

}  // namespace evidence
