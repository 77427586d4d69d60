#include "metadata_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "evidence/canonical_json.hpp"
#include "utf8.hpp"

namespace evidence::metadata_internal {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` decimal digits at s[pos]; -1 when any is not a digit or s is too short.
int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\0')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\0' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ValidDate(int y, int mo, int d) { return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31; }
bool ValidTime(int h, int mi, int s) {
  // 60 is a leap second, which EXIF and ISO 8601 both allow.
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

std::string Pad2(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

std::string DateTimeText(int y, int mo, int d, int h, int mi, int s) {
  std::string year = std::to_string(y);
  while (year.size() < 4) year.insert(0, "0");
  return year + "-" + Pad2(mo) + "-" + Pad2(d) + "T" + Pad2(h) + ":" + Pad2(mi) + ":" + Pad2(s);
}

// "+hh:mm" / "-hh:mm" (or "+hhmm"), normalised to "+hh:mm"; nullopt otherwise.
std::optional<std::string> ParseOffset(std::string_view s) {
  if (s.size() != 6 && s.size() != 5) return std::nullopt;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  int h = Digits(s, 1, 2);
  std::size_t mpos = s.size() == 6 ? 4 : 3;
  if (s.size() == 6 && s[3] != ':') return std::nullopt;
  int m = Digits(s, mpos, 2);
  if (h < 0 || m < 0 || h > 23 || m > 59) return std::nullopt;
  return std::string(1, s[0]) + Pad2(h) + ":" + Pad2(m);
}

// ".ddd" from fraction digits, at least three digits; nullopt if not all digits.
std::optional<std::string> Fraction(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
  }
  std::string f(digits);
  while (f.size() < 3) f.push_back('0');
  return "." + f;
}

}  // namespace

std::string CleanText(std::string_view raw, std::size_t max_bytes) {
  while (!raw.empty() && (raw.back() == '\0' || raw.back() == ' ' || raw.back() == '\t' ||
                          raw.back() == '\r' || raw.back() == '\n')) {
    raw.remove_suffix(1);
  }
  std::string lossy = LossyUtf8(raw);
  std::string text;
  text.reserve(lossy.size());
  for (char c : lossy) {
    // NUL is valid UTF-8 but cuts C strings short in every consumer downstream.
    if (c == '\0') {
      text += kReplacement;
    } else {
      text.push_back(c);
    }
  }
  if (text.size() <= max_bytes) return text;
  std::size_t cut = Utf8CutPoint(text, max_bytes);
  std::string out = text.substr(0, cut);
  out += "...[+" + std::to_string(text.size() - cut) + " bytes]";
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

bool RawTagSink::Add(nlohmann::json& target, std::string_view key, std::string_view value) {
  std::string k = CleanText(key, kMaxKeyBytes);
  std::string v = CleanText(value, kMaxValueBytes);
  std::size_t cost = k.size() + v.size();
  if (entries_ >= max_entries_ || bytes_ + cost > max_bytes_) {
    ++dropped_;
    return false;
  }
  ++entries_;
  bytes_ += cost;
  if (!target.is_object()) target = nlohmann::json::object();
  auto it = target.find(k);
  if (it == target.end()) {
    target[k] = std::move(v);
  } else if (it->is_array()) {
    it->push_back(std::move(v));
  } else {
    nlohmann::json arr = nlohmann::json::array({*it, v});
    *it = std::move(arr);
  }
  return true;
}

std::string FormatDecimal(Uint128 num, Uint128 den, int decimals, bool negative) {
  Uint128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  Uint128 whole = num / den;
  Uint128 rem = num % den;
  // Long division one digit at a time: rem < den < 2^120, so rem * 10 cannot overflow.
  Uint128 frac = 0;
  for (int i = 0; i < decimals; ++i) {
    rem *= 10;
    frac = frac * 10 + rem / den;
    rem %= den;
  }
  if (rem >= den - rem) {  // rem * 2 >= den, without overflow
    ++frac;
    if (frac == scale) {
      frac = 0;
      ++whole;
    }
  }
  auto to_string = [](Uint128 v) {
    std::string s;
    do {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v != 0);
    return s;
  };
  std::string out = to_string(whole);
  if (decimals > 0) {
    std::string f = to_string(frac);
    while (static_cast<int>(f.size()) < decimals) f.insert(0, "0");
    out += "." + f;
  }
  if (negative && (whole != 0 || frac != 0)) out.insert(0, "-");
  return out;
}

std::string FormatSecondsFromMs(std::uint64_t ms) { return FormatDecimal(ms, 1000, 3, false); }

std::optional<std::string> ExifTimeToRfc3339(std::string_view date_time, std::string_view subsec,
                                             std::string_view offset, std::string* problem) {
  std::string_view dt = Trim(date_time);
  // "YYYY:MM:DD HH:MM:SS"; some writers use '-' in the date or 'T' as the separator.
  if (dt.size() < 19) return std::nullopt;
  if ((dt[4] != ':' && dt[4] != '-') || dt[7] != dt[4] || (dt[10] != ' ' && dt[10] != 'T') ||
      dt[13] != ':' || dt[16] != ':') {
    return std::nullopt;
  }
  int y = Digits(dt, 0, 4), mo = Digits(dt, 5, 2), d = Digits(dt, 8, 2);
  int h = Digits(dt, 11, 2), mi = Digits(dt, 14, 2), s = Digits(dt, 17, 2);
  if (!ValidDate(y, mo, d) || !ValidTime(h, mi, s)) return std::nullopt;
  std::string out = DateTimeText(y, mo, d, h, mi, s);

  std::string_view ss = Trim(subsec);
  if (!ss.empty()) {
    if (auto f = Fraction(ss)) {
      out += *f;
    } else if (problem != nullptr) {
      *problem = "sub-second value '" + CleanText(ss, 32) + "' is not 1 to 9 digits; left out";
    }
  }
  std::string_view off = Trim(offset);
  // Cameras without a zone setting write blanks or "   :  ".
  bool blank = off.find_first_not_of(" :") == std::string_view::npos;
  if (!blank) {
    if (auto o = ParseOffset(off)) {
      out += *o;
    } else if (problem != nullptr) {
      *problem = "time offset '" + CleanText(off, 32) + "' is not +hh:mm; left out";
    }
  }
  return out;
}

std::optional<std::string> IsoTimeToRfc3339(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.size() < 19) return std::nullopt;
  if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' ||
      t[16] != ':') {
    return std::nullopt;
  }
  int y = Digits(t, 0, 4), mo = Digits(t, 5, 2), d = Digits(t, 8, 2);
  int h = Digits(t, 11, 2), mi = Digits(t, 14, 2), s = Digits(t, 17, 2);
  if (!ValidDate(y, mo, d) || !ValidTime(h, mi, s)) return std::nullopt;
  std::string out = DateTimeText(y, mo, d, h, mi, s);
  std::string_view rest = t.substr(19);
  if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {
    std::size_t n = 1;
    while (n < rest.size() && IsDigit(rest[n])) ++n;
    auto f = Fraction(rest.substr(1, n - 1));
    if (!f) return std::nullopt;
    out += *f;
    rest.remove_prefix(n);
  }
  if (rest.empty()) return out;
  if (rest == "Z" || rest == "z") return out + "Z";
  if (auto o = ParseOffset(rest)) return out + *o;
  return std::nullopt;
}

std::string UnixSecondsToRfc3339Utc(std::int64_t seconds) {
  using namespace std::chrono;
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  int h = static_cast<int>(rem / 3600), mi = static_cast<int>(rem % 3600 / 60);
  int s = static_cast<int>(rem % 60);
  return DateTimeText(static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                      static_cast<int>(unsigned(ymd.day())), h, mi, s) +
         "Z";
}

Result<RandomAccessFile> RandomAccessFile::Open(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::IoError("open: " + std::string(std::strerror(errno)));
  return Adopt(fd);
}

Result<RandomAccessFile> RandomAccessFile::FromDescriptor(int fd) {
  int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return Status::IoError("open: " + std::string(std::strerror(errno)));
  return Adopt(dup);
}

Result<RandomAccessFile> RandomAccessFile::Adopt(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IoError("stat: " + std::string(std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("open: not a regular file");
  }
  return RandomAccessFile(fd, static_cast<std::uint64_t>(st.st_size));
}

RandomAccessFile::RandomAccessFile(RandomAccessFile&& other) noexcept
    : fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
}

RandomAccessFile& RandomAccessFile::operator=(RandomAccessFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    size_ = other.size_;
    other.fd_ = -1;
  }
  return *this;
}

RandomAccessFile::~RandomAccessFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool RandomAccessFile::ReadAt(std::uint64_t offset, void* buf, std::size_t n) const {
  if (offset > size_ || n > size_ - offset) return false;
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

Bytes RandomAccessFile::ReadUpTo(std::uint64_t offset, std::size_t n) const {
  if (offset >= size_) return {};
  std::uint64_t avail = size_ - offset;
  if (n > avail) n = static_cast<std::size_t>(avail);
  Bytes out(n);
  if (!ReadAt(offset, out.data(), n)) return {};
  return out;
}

}  // namespace evidence::metadata_internal
