#include "metadata_rawaudio.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace evidence::metadata_internal {

namespace {

// Sequential reads through a 64 KiB window, so frame walkers do not issue one read per frame.
class Window {
 public:
  explicit Window(const RandomAccessFile& f) : f_(f) {}

  // `n` bytes at `pos`, or nullptr when the file ends first. Valid until the next call.
  const std::uint8_t* At(std::uint64_t pos, std::size_t n) {
    if (pos >= base_ && n <= buf_.size() && pos - base_ <= buf_.size() - n) {
      return buf_.data() + (pos - base_);
    }
    if (pos > f_.size() || n > f_.size() - pos) return nullptr;
    buf_ = f_.ReadUpTo(pos, std::max<std::size_t>(n, 64 * 1024));
    base_ = pos;
    return buf_.size() >= n ? buf_.data() : nullptr;
  }

 private:
  const RandomAccessFile& f_;
  Bytes buf_;
  std::uint64_t base_ = 0;
};

constexpr std::uint64_t kMaxFrames = 200'000'000;  // ~46 days of 20 ms frames

// Speech bytes after the one-byte frame header, by frame type; -1 for types with no defined
// size in the storage format. AMR-NB: TS 26.101 table 2 (95, 103, 118, 134, 148, 159, 204, 244
// bits) and the 39-bit SID; AMR-WB: TS 26.201 (132 ... 477 bits) and the 40-bit SID. Type 15 is
// NO_DATA, and for AMR-WB type 14 is SPEECH_LOST, both without speech bytes.
constexpr std::array<int, 16> kAmrNbBytes = {12, 13, 15, 17, 19, 20, 26, 31,
                                             5,  -1, -1, -1, -1, -1, -1, 0};
constexpr std::array<int, 16> kAmrWbBytes = {17, 23, 32, 36, 40, 46, 50, 58,
                                             60, 5,  -1, -1, -1, -1, 0,  0};

constexpr std::array<std::uint32_t, 13> kAacRates = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

std::optional<std::string> BextTime(const std::uint8_t* date, const std::uint8_t* time) {
  auto digits = [](const std::uint8_t* p, int n, int& v) {
    v = 0;
    for (int i = 0; i < n; ++i) {
      if (p[i] < '0' || p[i] > '9') return false;
      v = v * 10 + (p[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!digits(date, 4, y) || !digits(date + 5, 2, mo) || !digits(date + 8, 2, d) ||
      !digits(time, 2, h) || !digits(time + 3, 2, mi) || !digits(time + 6, 2, s)) {
    return std::nullopt;
  }
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  std::string iso(reinterpret_cast<const char*>(date), 10);
  iso[4] = iso[7] = '-';
  std::string t(reinterpret_cast<const char*>(time), 8);
  t[2] = t[5] = ':';
  return iso + "T" + t;
}

std::string WaveCodec(std::uint16_t tag) {
  switch (tag) {
    case 0x0001:
      return "pcm";
    case 0x0002:
      return "ms-adpcm";
    case 0x0003:
      return "pcm-float";
    case 0x0006:
      return "alaw";
    case 0x0007:
      return "mulaw";
    case 0x0011:
      return "ima-adpcm";
    case 0x0031:
      return "gsm610";
    case 0x0055:
      return "mp3";
    default: {
      static const char* hex = "0123456789abcdef";
      std::string s = "wave-format-0x";
      for (int shift = 12; shift >= 0; shift -= 4) s.push_back(hex[(tag >> shift) & 0xF]);
      return s;
    }
  }
}

}  // namespace

Result<RawAudio> ReadAmr(const RandomAccessFile& file) {
  Bytes head = file.ReadUpTo(0, 16);
  RawAudio out;
  out.container = "amr";
  out.channels = 1;
  const std::array<int, 16>* sizes = nullptr;
  std::uint64_t pos = 0;
  if (AsChars(head).starts_with("#!AMR\n")) {
    sizes = &kAmrNbBytes;
    pos = 6;
    out.codec = "amr-nb";
    out.sample_rate = 8000;
  } else if (AsChars(head).starts_with("#!AMR-WB\n")) {
    sizes = &kAmrWbBytes;
    pos = 9;
    out.codec = "amr-wb";
    out.sample_rate = 16000;
  } else if (AsChars(head).starts_with("#!AMR_MC1.0\n") ||
             AsChars(head).starts_with("#!AMR-WB_MC1.0\n")) {
    return Status::Unsupported("amr: multi-channel storage format");
  } else {
    return Status::InvalidArgument("amr: no AMR magic");
  }
  Window w(file);
  while (pos < file.size()) {
    if (out.frames >= kMaxFrames) {
      out.problem = "more than " + std::to_string(kMaxFrames) + " frames; stopped counting";
      return out;
    }
    const std::uint8_t* h = w.At(pos, 1);
    if (h == nullptr) break;
    int type = (*h >> 3) & 0x0F;
    int speech = (*sizes)[static_cast<std::size_t>(type)];
    if (speech < 0) {
      out.problem = "frame type " + std::to_string(type) + " at offset " + std::to_string(pos) +
                    " has no defined size; duration unknown";
      return out;  // duration_ms stays empty: the rest of the file cannot be measured
    }
    std::uint64_t frame = 1 + static_cast<std::uint64_t>(speech);
    if (frame > file.size() - pos) {
      out.problem = "truncated final frame at offset " + std::to_string(pos);
      break;
    }
    pos += frame;
    ++out.frames;
  }
  out.duration_ms = out.frames * 20;
  return out;
}

Result<RawAudio> ReadAdts(const RandomAccessFile& file) {
  Window w(file);
  std::uint64_t pos = 0;
  // Skip leading ID3v2 tags (syncsafe size, optional footer).
  for (int i = 0; i < 4; ++i) {
    const std::uint8_t* h = w.At(pos, 10);
    if (h == nullptr || h[0] != 'I' || h[1] != 'D' || h[2] != '3') break;
    if ((h[6] | h[7] | h[8] | h[9]) & 0x80) return Status::InvalidArgument("adts: bad ID3v2 size");
    std::uint64_t size = (std::uint64_t{h[6]} << 21) | (std::uint64_t{h[7]} << 14) |
                         (std::uint64_t{h[8]} << 7) | h[9];
    pos += 10 + size + ((h[5] & 0x10) ? 10 : 0);
  }
  RawAudio out;
  out.container = "adts";
  int sf_index = -1;
  std::uint64_t blocks = 0;
  while (pos < file.size()) {
    if (out.frames >= kMaxFrames) {
      out.problem = "more than " + std::to_string(kMaxFrames) + " frames; stopped counting";
      break;
    }
    const std::uint8_t* h = w.At(pos, 7);
    bool sync = h != nullptr && h[0] == 0xFF && (h[1] & 0xF6) == 0xF0;  // syncword, layer 0
    if (!sync) {
      if (out.frames == 0) return Status::InvalidArgument("adts: no ADTS frame header");
      std::uint64_t rest = file.size() - pos;
      const std::uint8_t* t = w.At(pos, std::min<std::uint64_t>(rest, 8));
      bool id3v1 = rest == 128 && t != nullptr && t[0] == 'T' && t[1] == 'A' && t[2] == 'G';
      bool ape = rest >= 32 && t != nullptr && std::memcmp(t, "APETAGEX", 8) == 0;
      if (!id3v1 && !ape) out.problem = "lost ADTS frame sync at offset " + std::to_string(pos);
      break;
    }
    bool protection_absent = h[1] & 1;
    int profile = h[2] >> 6;
    int sfi = (h[2] >> 2) & 0x0F;
    int channel_config = ((h[2] & 1) << 2) | (h[3] >> 6);
    std::uint64_t length =
        (std::uint64_t{h[3] & 3u} << 11) | (std::uint64_t{h[4]} << 3) | (h[5] >> 5);
    int raw_blocks = (h[6] & 3) + 1;
    std::uint64_t header = protection_absent ? 7 : 9;
    if (sfi >= static_cast<int>(kAacRates.size()) || length < header) {
      if (out.frames == 0) return Status::InvalidArgument("adts: invalid first frame header");
      out.problem = "invalid ADTS frame header at offset " + std::to_string(pos);
      break;
    }
    if (sf_index < 0) {
      sf_index = sfi;
      static const char* kProfiles[] = {"aac-main", "aac-lc", "aac-ssr", "aac-ltp"};
      out.codec = kProfiles[profile];
      out.sample_rate = kAacRates[static_cast<std::size_t>(sfi)];
      out.channels = static_cast<std::uint16_t>(channel_config == 7 ? 8 : channel_config);
    } else if (sfi != sf_index) {
      out.problem = "sample rate changes at offset " + std::to_string(pos) + "; stopped counting";
      break;
    }
    if (length > file.size() - pos) {
      out.problem = "truncated final frame at offset " + std::to_string(pos);
      break;
    }
    pos += length;
    ++out.frames;
    blocks += static_cast<std::uint64_t>(raw_blocks);
  }
  if (out.sample_rate != 0) out.duration_ms = blocks * 1024 * 1000 / out.sample_rate;
  return out;
}

// One pass over the RIFF chunks, kept in one function (about 80 lines) because what one chunk says
// (ds64 sizes, the fmt block) changes how a later one (data) is read: split, that state would only
// be passed back and forth.
Result<RawAudio> ReadWave(const RandomAccessFile& file) {
  Bytes head = file.ReadUpTo(0, 12);
  if (head.size() < 12 || std::memcmp(head.data() + 8, "WAVE", 4) != 0) {
    return Status::InvalidArgument("wave: not a WAVE file");
  }
  RawAudio out;
  bool rf64 = false;
  if (AsChars(head).starts_with("RIFF")) {
    out.container = "wav";
  } else if (AsChars(head).starts_with("RF64") || AsChars(head).starts_with("BW64")) {
    out.container = "rf64";
    rf64 = true;
  } else {
    return Status::InvalidArgument("wave: not a RIFF or RF64 file");
  }
  std::optional<std::uint64_t> ds64_data;
  std::optional<std::uint64_t> data_size;
  std::optional<std::uint32_t> fact_frames;
  std::uint16_t format = 0, block_align = 0;
  std::uint32_t byte_rate = 0;
  bool have_fmt = false;
  std::uint64_t pos = 12;
  for (int n = 0; n < 4096 && pos < file.size() && file.size() - pos >= 8; ++n) {
    std::uint8_t h[8];
    if (!file.ReadAt(pos, h, 8)) break;
    std::string_view id(reinterpret_cast<const char*>(h), 4);
    std::uint64_t size = Le32(h + 4);
    std::uint64_t body = pos + 8;
    std::uint64_t avail = file.size() - body;
    if (id == "data") {
      if (rf64 && size == 0xFFFFFFFFu && ds64_data) size = *ds64_data;
      if (size > avail) {
        out.problem = "data chunk runs past the end of the file; duration covers the bytes present";
        size = avail;
      }
      data_size = size;
    } else if (size > avail) {
      out.problem = "chunk '" + CleanText(id, 4) + "' runs past the end of the file";
      break;
    } else if (id == "ds64" && size >= 24) {
      Bytes b = file.ReadUpTo(body, 24);
      if (b.size() == 24) ds64_data = Le64(b.data() + 8);
    } else if (id == "fmt " && size >= 16) {
      Bytes b = file.ReadUpTo(body, static_cast<std::size_t>(std::min<std::uint64_t>(size, 40)));
      if (b.size() >= 16) {
        have_fmt = true;
        format = Le16(b.data());
        out.channels = Le16(b.data() + 2);
        out.sample_rate = Le32(b.data() + 4);
        byte_rate = Le32(b.data() + 8);
        block_align = Le16(b.data() + 12);
        out.bits_per_sample = Le16(b.data() + 14);
        // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
        if (format == 0xFFFE && b.size() >= 26) format = Le16(b.data() + 24);
      }
    } else if (id == "fact" && size >= 4) {
      Bytes b = file.ReadUpTo(body, 4);
      if (b.size() == 4) fact_frames = Le32(b.data());
    } else if (id == "bext" && size >= 338) {
      // OriginationDate (10 bytes) at 320 and OriginationTime (8 bytes) at 330 (EBU Tech 3285).
      Bytes b = file.ReadUpTo(body + 320, 18);
      if (b.size() == 18) out.origination = BextTime(b.data(), b.data() + 10);
    }
    pos = body + size + (size & 1);  // chunks are padded to an even length
  }
  if (!have_fmt) return Status::Corruption("wave: no usable fmt chunk");
  out.codec = WaveCodec(format);
  if (data_size && out.sample_rate != 0) {
    if (format != 0x0001 && format != 0x0003 && fact_frames) {
      out.frames = *fact_frames;  // compressed: only `fact` knows the sample count
    } else if (block_align != 0) {
      out.frames = *data_size / block_align;
    }
    if (out.frames != 0 || *data_size == 0) {
      out.duration_ms = static_cast<std::uint64_t>(Uint128{out.frames} * 1000 / out.sample_rate);
    } else if (byte_rate != 0) {
      out.duration_ms = static_cast<std::uint64_t>(Uint128{*data_size} * 1000 / byte_rate);
    }
  }
  return out;
}

}  // namespace evidence::metadata_internal
