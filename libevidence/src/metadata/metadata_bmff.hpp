// A small, bounds-checked reader for the few ISO base media file format (ISO/IEC 14496-12) boxes
// the metadata module needs where TagLib and Exiv2 fall short: the movie header (recording time,
// duration), the tracks' handlers and first audio sample entry (codec, rate, channels), and a
// HEIF image's Exif item (ISO/IEC 23008-12), which Exiv2 0.27 misses when `iloc` uses a base
// offset. Nothing else of the format is interpreted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {

struct BmffMovie {
  std::string major_brand;  // from `ftyp`, printable ASCII or empty
  // `mvhd` creation time in seconds since 1904-01-01T00:00:00Z (the format's epoch); nullopt
  // when absent or zero (zero means "not set").
  std::optional<std::uint64_t> creation_time_1904;
  // `mvhd` duration in milliseconds (rounded down); nullopt when absent or unknown.
  std::optional<std::uint64_t> duration_ms;
  bool has_video = false;  // a track with handler 'vide'
  bool has_audio = false;  // a track with handler 'soun'
  // First sample entry of the first audio track: its four-character code (e.g. "mp4a", "samr",
  // "Opus"), sample rate in Hz and channel count; 0 when the entry does not say.
  std::string audio_format;
  std::uint32_t audio_sample_rate = 0;
  std::uint16_t audio_channels = 0;
};

// Reads `ftyp` and `moov` (the latter only up to 64 MiB). kCorruption naming the box when the
// structure is broken; kUnsupported when there is no `moov`.
Result<BmffMovie> ReadBmffMovie(const RandomAccessFile& file);

struct HeifImage {
  // Size of the primary item from its `ispe` property; 0 when absent.
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  // The TIFF structure ("II*\0..." or "MM\0*...") of the Exif item; nullopt when there is none.
  std::optional<Bytes> exif;
  // What could not be read (a broken property list, an Exif item that cannot be located).
  std::vector<std::string> problems;
};

// Reads the top-level `meta` box of a HEIF/AVIF file (up to 16 MiB). kCorruption when the box
// structure around the items is broken; kUnsupported when there is no `meta` box.
Result<HeifImage> ReadHeif(const RandomAccessFile& file);

// Four-character code as text: printable ASCII kept, anything else as '?'.
std::string FourCcText(std::uint32_t code);

}  // namespace evidence::metadata_internal
