#include "metadata_audio.hpp"

#include <taglib/aifffile.h>
#include <taglib/asffile.h>
#include <taglib/audioproperties.h>
#include <taglib/flacfile.h>
#include <taglib/id3v2framefactory.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/oggflacfile.h>
#include <taglib/opusfile.h>
#include <taglib/speexfile.h>
#include <taglib/tdebuglistener.h>
#include <taglib/tfilestream.h>
#include <taglib/tpropertymap.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "metadata_bmff.hpp"
#include "metadata_rawaudio.hpp"

namespace evidence::metadata_internal {

namespace {

// Seconds from 1904-01-01 (the ISO BMFF epoch) to 1970-01-01.
constexpr std::uint64_t kBmffEpochToUnix = 2082844800;

class QuietListener : public TagLib::DebugListener {
 public:
  void printMessage(const TagLib::String&) override {}
};

enum class Reader { kNone, kMpeg, kMp4, kWav, kOgg, kFlac, kAiff, kAsf, kAmr, kAdts, kAdif };

Reader ReaderFor(const std::string& t) {
  if (t == "audio/mpeg") return Reader::kMpeg;
  if (t == "audio/x-m4a" || t == "audio/mp4" || t == "video/mp4" || t == "video/3gpp" ||
      t == "audio/3gpp" || t == "video/3gpp2" || t == "audio/3gpp2" || t == "video/quicktime" ||
      t == "audio/x-m4b" || t == "video/x-m4v") {
    return Reader::kMp4;
  }
  if (t == "audio/x-wav" || t == "audio/wav" || t == "audio/vnd.wave" || t == "audio/wave") {
    return Reader::kWav;
  }
  if (t == "audio/ogg" || t == "application/ogg" || t == "audio/opus" || t == "video/ogg") {
    return Reader::kOgg;
  }
  if (t == "audio/flac" || t == "audio/x-flac") return Reader::kFlac;
  if (t == "audio/x-aiff" || t == "audio/aiff") return Reader::kAiff;
  if (t == "audio/x-ms-asf" || t == "video/x-ms-asf" || t == "audio/x-ms-wma" ||
      t == "video/x-ms-wmv") {
    return Reader::kAsf;
  }
  if (t == "audio/amr" || t == "audio/amr-wb") return Reader::kAmr;
  if (t == "audio/x-hx-aac-adts" || t == "audio/aac" || t == "audio/x-aac") return Reader::kAdts;
  if (t == "audio/x-hx-aac-adif") return Reader::kAdif;
  return Reader::kNone;
}

// The codec of an Ogg stream from its first packet's signature.
std::string OggCodec(const RandomAccessFile& file) {
  Bytes b = file.ReadUpTo(0, 27 + 255 + 16);
  if (b.size() < 27 || std::memcmp(b.data(), "OggS", 4) != 0) return "";
  std::size_t payload = 27 + std::size_t{b[26]};
  if (b.size() < payload + 8) return "";
  std::string_view p(reinterpret_cast<const char*>(b.data() + payload), b.size() - payload);
  if (p.substr(0, 8) == "OpusHead") return "opus";
  if (p.substr(0, 7) == "\x01vorbis") return "vorbis";
  if (p.substr(0, 8) == "Speex   ") return "speex";
  if (p.substr(0, 5) ==
      "\x7F"
      "FLAC")
    return "flac";
  return "";
}

struct TagLibResult {
  bool valid = false;
  int length_ms = 0;
  int sample_rate = 0;
  int channels = 0;
  int bitrate_kbps = 0;
  std::string codec;
  TagLib::PropertyMap tags;
};

std::string Utf8(const TagLib::String& s) { return s.to8Bit(true); }

// Reads `file` with the TagLib class for `reader` (chosen by content, never by file name): its
// properties and tags.
TagLibResult ReadWithTagLib(const RandomAccessFile& file, Reader reader,
                            const std::string& ogg_codec) {
  TagLibResult r;
  // TagLib's stream closes the descriptor it is given, so it gets a duplicate; that shares the
  // file offset, which other readers may have moved.
  int fd = ::fcntl(file.fd(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return r;
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return r;
  }
  TagLib::FileStream stream(fd, /*openReadOnly=*/true);
  if (!stream.isOpen()) {
    ::close(fd);
    return r;
  }
  constexpr auto kStyle = TagLib::AudioProperties::Accurate;
  std::unique_ptr<TagLib::File> f;
  switch (reader) {
    case Reader::kMpeg: {
      auto m = std::make_unique<TagLib::MPEG::File>(
          &stream, TagLib::ID3v2::FrameFactory::instance(), true, kStyle);
      if (m->isValid() && m->audioProperties() != nullptr) {
        int layer = m->audioProperties()->layer();
        r.codec = layer == 3 ? "mp3" : layer == 2 ? "mp2" : "mp1";
      }
      f = std::move(m);
      break;
    }
    case Reader::kMp4: {
      auto m = std::make_unique<TagLib::MP4::File>(&stream, true, kStyle);
      if (m->isValid() && m->audioProperties() != nullptr) {
        auto c = m->audioProperties()->codec();
        r.codec = c == TagLib::MP4::Properties::AAC    ? "aac"
                  : c == TagLib::MP4::Properties::ALAC ? "alac"
                                                       : "";
      }
      f = std::move(m);
      break;
    }
    case Reader::kWav: {
      auto w = std::make_unique<TagLib::RIFF::WAV::File>(&stream, true, kStyle);
      f = std::move(w);
      break;
    }
    case Reader::kOgg:
      if (ogg_codec == "opus") {
        f = std::make_unique<TagLib::Ogg::Opus::File>(&stream, true, kStyle);
      } else if (ogg_codec == "vorbis") {
        f = std::make_unique<TagLib::Ogg::Vorbis::File>(&stream, true, kStyle);
      } else if (ogg_codec == "speex") {
        f = std::make_unique<TagLib::Ogg::Speex::File>(&stream, true, kStyle);
      } else if (ogg_codec == "flac") {
        f = std::make_unique<TagLib::Ogg::FLAC::File>(&stream, true, kStyle);
      } else {
        return r;
      }
      r.codec = ogg_codec;
      break;
    case Reader::kFlac:
      f = std::make_unique<TagLib::FLAC::File>(&stream, TagLib::ID3v2::FrameFactory::instance(),
                                               true, kStyle);
      r.codec = "flac";
      break;
    case Reader::kAiff: {
      auto a = std::make_unique<TagLib::RIFF::AIFF::File>(&stream, true, kStyle);
      if (a->isValid() && a->audioProperties() != nullptr) {
        r.codec = a->audioProperties()->isAiffC()
                      ? CleanText(Utf8(a->audioProperties()->compressionName()), 64)
                      : "pcm";
      }
      f = std::move(a);
      break;
    }
    case Reader::kAsf: {
      auto a = std::make_unique<TagLib::ASF::File>(&stream, true, kStyle);
      if (a->isValid() && a->audioProperties() != nullptr) {
        r.codec = CleanText(Utf8(a->audioProperties()->codecName()), 64);
      }
      f = std::move(a);
      break;
    }
    default:
      return r;
  }
  if (!f || !f->isValid()) return r;
  r.valid = true;
  if (const TagLib::AudioProperties* p = f->audioProperties()) {
    r.length_ms = p->lengthInMilliseconds();
    r.sample_rate = p->sampleRate();
    r.channels = p->channels();
    r.bitrate_kbps = p->bitrate();
  }
  r.tags = f->properties();
  return r;
}

std::string ContainerName(Reader reader, const std::string& brand) {
  switch (reader) {
    case Reader::kMpeg:
      return "mpeg";
    case Reader::kMp4: {
      std::string b = AsciiLower(brand);
      if (b.rfind("3g2", 0) == 0) return "3g2";
      if (b.rfind("3g", 0) == 0) return "3gp";
      if (b == "qt  ") return "quicktime";
      if (b == "m4a " || b == "m4b ") return "m4a";
      return "mp4";
    }
    case Reader::kWav:
      return "wav";
    case Reader::kOgg:
      return "ogg";
    case Reader::kFlac:
      return "flac";
    case Reader::kAiff:
      return "aiff";
    case Reader::kAsf:
      return "asf";
    case Reader::kAmr:
      return "amr";
    case Reader::kAdts:
      return "adts";
    case Reader::kAdif:
      return "adif";
    default:
      return "";
  }
}

std::string BmffCodec(const std::string& fourcc) {
  if (fourcc == "mp4a") return "aac";  // the usual payload; TagLib confirms AAC when it can
  if (fourcc == "samr") return "amr-nb";
  if (fourcc == "sawb") return "amr-wb";
  if (fourcc == "Opus") return "opus";
  if (fourcc == "alac") return "alac";
  if (fourcc == "fLaC") return "flac";
  if (fourcc == "ac-3") return "ac3";
  if (fourcc == "ec-3") return "eac3";
  if (fourcc == ".mp3") return "mp3";
  return fourcc;
}

}  // namespace

void InitAudioLibrary() {
  static std::once_flag once;
  static QuietListener listener;
  std::call_once(once, [] { TagLib::setDebugListener(&listener); });
}

void ExtractAudioVideo(const RandomAccessFile& file, Metadata& md) {
  InitAudioLibrary();
  Reader reader = ReaderFor(md.media_type);
  if (reader == Reader::kNone) return;
  nlohmann::json& f = md.fields;

  std::optional<BmffMovie> movie;
  if (reader == Reader::kMp4) {
    auto m = ReadBmffMovie(file);
    if (m.ok()) {
      movie = std::move(*m);
      if (!movie->major_brand.empty()) f["brand"] = CleanText(movie->major_brand, 8);
      if (movie->has_video) {
        md.kind = "video";
      } else if (movie->has_audio) {
        md.kind = "audio";
      }
      if (movie->has_video || movie->has_audio) {
        f["tracks"] = movie->has_video && movie->has_audio ? "video+audio"
                      : movie->has_video                   ? "video"
                                                           : "audio";
      }
    } else {
      md.errors.push_back("mp4: " + m.status().message());
    }
  }
  f["container"] = ContainerName(reader, movie ? movie->major_brand : "");

  std::string ogg_codec = reader == Reader::kOgg ? OggCodec(file) : "";
  TagLibResult tl;
  bool taglib_reader = reader == Reader::kMpeg || reader == Reader::kMp4 ||
                       reader == Reader::kWav || reader == Reader::kOgg ||
                       reader == Reader::kFlac || reader == Reader::kAiff || reader == Reader::kAsf;
  if (taglib_reader) {
    try {
      tl = ReadWithTagLib(file, reader, ogg_codec);
    } catch (const std::exception& e) {
      md.errors.push_back("audio: taglib: " + CleanText(e.what()));
    } catch (...) {
      md.errors.push_back("audio: taglib: unknown exception");
    }
    if (!tl.valid && !(reader == Reader::kWav)) {
      md.errors.push_back("audio: taglib cannot read this " + f["container"].get<std::string>() +
                          " file");
    }
  }

  std::optional<RawAudio> raw;
  auto take_raw = [&](Result<RawAudio> r, const char* context) {
    if (r.ok()) {
      raw = std::move(*r);
      if (raw->problem) md.errors.push_back(std::string(context) + ": " + *raw->problem);
    } else {
      md.errors.push_back(r.status().message());
    }
  };
  if (reader == Reader::kAmr) take_raw(ReadAmr(file), "amr");
  if (reader == Reader::kAdts) take_raw(ReadAdts(file), "adts");
  // Our WAVE reader always runs: TagLib 1.13 does not read RF64, and only we read `bext`.
  if (reader == Reader::kWav) take_raw(ReadWave(file), "wave");
  if (reader == Reader::kAdif) {
    f["codec"] = "aac";
    md.errors.push_back("adif: ADIF AAC carries no frame headers; duration not extracted");
  }
  if (raw && !raw->container.empty()) f["container"] = raw->container;

  // Codec, rate, channels: TagLib first, then our readers, then the MP4 sample entry.
  std::string codec = tl.codec;
  if (codec.empty() && raw) codec = raw->codec;
  if (codec.empty() && movie && !movie->audio_format.empty())
    codec = BmffCodec(movie->audio_format);
  if (!codec.empty()) f["codec"] = CleanText(codec, 64);
  std::int64_t rate = tl.sample_rate, channels = tl.channels;
  if (rate <= 0 && raw) rate = raw->sample_rate;
  if (rate <= 0 && movie) rate = movie->audio_sample_rate;
  if (channels <= 0 && raw) channels = raw->channels;
  if (channels <= 0 && movie) channels = movie->audio_channels;
  if (rate > 0) f["sample_rate"] = rate;
  if (channels > 0) f["channels"] = channels;
  if (tl.bitrate_kbps > 0) f["bitrate_kbps"] = tl.bitrate_kbps;
  if (raw && raw->bits_per_sample > 0) f["bits_per_sample"] = raw->bits_per_sample;

  // Duration. A video's is the movie's; TagLib's length of 0 means "unknown", not "empty".
  std::optional<std::uint64_t> ms;
  const char* source = nullptr;
  if (movie && movie->has_video && movie->duration_ms) {
    ms = movie->duration_ms;
    source = "mp4 movie header";
  } else if (tl.valid && tl.length_ms > 0) {
    ms = static_cast<std::uint64_t>(tl.length_ms);
    source = "taglib";
  } else if (raw && raw->duration_ms) {
    ms = raw->duration_ms;
    source = reader == Reader::kAmr    ? "amr frame count"
             : reader == Reader::kAdts ? "adts frame count"
                                       : "wave data chunk";
  } else if (movie && movie->duration_ms) {
    ms = movie->duration_ms;
    source = "mp4 movie header";
  }
  if (ms) {
    f["duration"] = FormatSecondsFromMs(*ms);
    f["duration_source"] = source;
  } else if ((md.kind == "audio" || md.kind == "video") && reader != Reader::kAdif) {
    md.errors.push_back("audio: duration not available from this file");
  }

  // Tags, under the shared raw budget.
  RawTagSink sink;
  nlohmann::json tags = nlohmann::json::object();
  int n = 0;
  for (const auto& [key, values] : tl.tags) {
    if (++n > 256) break;
    for (const TagLib::String& v : values) sink.Add(tags, Utf8(key), Utf8(v));
  }
  if (!tags.empty()) f["tags"] = std::move(tags);
  if (sink.dropped() > 0) {
    md.errors.push_back("metadata: " + std::to_string(sink.dropped()) +
                        " tags left out (size budget for one file reached)");
  }

  // Recording time: the container's own clock first (ISO BMFF times are UTC by definition),
  // then the Broadcast Wave origination (local, no zone), then a full date-time tag.
  if (movie && movie->creation_time_1904) {
    if (*movie->creation_time_1904 > kBmffEpochToUnix) {
      md.captured = UnixSecondsToRfc3339Utc(
          static_cast<std::int64_t>(*movie->creation_time_1904 - kBmffEpochToUnix));
      f["captured_source"] = "mp4 movie header creation time (UTC)";
    } else {
      md.errors.push_back("mp4: creation time before 1970; not used");
    }
  }
  if (!md.captured && raw && raw->origination) {
    md.captured = *raw->origination;
    f["captured_source"] = "wave bext origination date and time (local time)";
  }
  if (!md.captured) {
    for (const char* key : {"DATE", "ORIGINALDATE", "RECORDINGDATE"}) {
      auto it = tl.tags.find(key);
      if (it == tl.tags.end() || it->second.isEmpty()) continue;
      if (auto t = IsoTimeToRfc3339(Utf8(it->second.front()))) {
        md.captured = *t;
        f["captured_source"] = std::string("tag ") + key;
        break;
      }
    }
  }
}

}  // namespace evidence::metadata_internal
