// Times as users type them and as the ledger stores them (RFC 3339).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// Where a local time falls when the clocks change (docs/time.md).
enum class LocalTimeKind {
  kExact,     // the text had an offset, or the local clock shows this time exactly once
  kSkipped,   // the local clock never showed it (clocks went forward); unix_ms is the mktime
              // reading, one change later
  kRepeated,  // the local clock showed it twice (clocks went back); unix_ms is the first,
              // later_unix_ms the second
};

struct ParsedTime {
  std::int64_t unix_ms = 0;  // the instant
  int offset_minutes = 0;    // the offset the user gave, or the local zone's at that instant
  bool had_offset = false;   // the text carried "Z" or "+hh:mm"
  bool date_only = false;    // the text was just "YYYY-MM-DD" (the start of that local day)
  LocalTimeKind kind = LocalTimeKind::kExact;
  std::int64_t later_unix_ms = 0;  // kRepeated only: the second instant
  int later_offset_minutes = 0;    // kRepeated only: the offset of the second instant
};

// Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.fff]]" (or with 'T'), optionally followed by "Z" or
// "+hh:mm"/"-hh:mm". Without an offset the time is local (the TZ variable, else the system zone),
// and `kind` tells whether a change of the clocks skipped or repeated it. kInvalidArgument naming
// what is wrong otherwise.
Result<ParsedTime> ParseUserTime(std::string_view text);

// A time a person records (the diary): like ParseUserTime, but a local time that the clocks
// skipped or showed twice is kInvalidArgument, with the offsets to choose from, because a record
// must say one instant.
Result<ParsedTime> ParseRecordedTime(std::string_view text);

// A bound for a filter (--since/--until) as an instant in milliseconds. Filters never leave out
// what the user asked for: a date alone as an upper bound is the last millisecond of that local
// day (23, 24 or 25 hours long), and a repeated local time is taken at its earlier instant for a
// lower bound and its later one for an upper bound.
Result<std::int64_t> ParseTimeBound(std::string_view text, bool upper);

// "2026-03-14T17:20:00.000Z".
std::string FormatUtc(std::int64_t unix_ms);
// "2026-03-14T18:20:00+01:00" (seconds precision; milliseconds only when non-zero).
std::string FormatWithOffset(std::int64_t unix_ms, int offset_minutes);

std::int64_t NowUnixMs();

}  // namespace evidence
EVIDENCE_PUBLIC_END
