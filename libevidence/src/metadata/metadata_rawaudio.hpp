// Header-only audio formats TagLib 1.13 does not read, where the duration follows exactly from a
// simple, published frame structure:
//   - AMR and AMR-WB storage format (RFC 4867 section 5; frame sizes from 3GPP TS 26.101 and
//     TS 26.201): every frame is 20 ms;
//   - ADTS AAC (ISO/IEC 13818-7 / 14496-3): every raw data block is 1024 samples;
//   - RIFF/RF64 WAVE (EBU Tech 3306 for RF64): the `fmt `, `fact`, `ds64` and `data` chunks,
//     and the Broadcast Wave `bext` origination date and time (EBU Tech 3285).
// Each reader checks every length against the file and stops at the first inconsistency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "evidence/status.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {

struct RawAudio {
  std::string container;  // "amr", "adts", "wav", "rf64"
  std::string codec;      // "amr-nb", "amr-wb", "aac-lc", "pcm", ...
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;  // 0 when the header does not say
  std::uint16_t bits_per_sample = 0;
  std::uint64_t frames = 0;                  // codec frames (AMR, ADTS) or sample frames (WAVE)
  std::optional<std::uint64_t> duration_ms;  // rounded down
  // WAVE `bext` OriginationDate and OriginationTime as "YYYY-MM-DDTHH:MM:SS" (local time, the
  // chunk has no zone), when present and valid.
  std::optional<std::string> origination;
  // A problem that cut the reading short (e.g. "truncated final frame at 1234"); the values above
  // cover what was read before it.
  std::optional<std::string> problem;
};

// AMR-NB ("#!AMR\n") or AMR-WB ("#!AMR-WB\n") single-channel storage format. kInvalidArgument
// when the magic is missing, kUnsupported for the multi-channel variant. An unknown frame type
// stops the count and leaves duration_ms empty (it is not knowable); a truncated last frame is
// left out and noted in `problem`.
Result<RawAudio> ReadAmr(const RandomAccessFile& file);

// An ADTS AAC stream, optionally preceded by an ID3v2 tag. kInvalidArgument when the first
// frame header is not ADTS. Lost synchronisation after the first frame stops the count (noted in
// `problem`); a trailing ID3v1 or APE tag is accepted.
Result<RawAudio> ReadAdts(const RandomAccessFile& file);

// RIFF or RF64 WAVE. kInvalidArgument when the file is not WAVE; kCorruption when there is no
// usable `fmt ` chunk.
Result<RawAudio> ReadWave(const RandomAccessFile& file);

}  // namespace evidence::metadata_internal
