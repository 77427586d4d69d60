// Audio (and the audio side of video containers): TagLib for MP3, MP4/M4A/3GP, WAV, Ogg
// Vorbis/Opus/Speex/FLAC, FLAC, AIFF and ASF; our own frame readers for AMR, ADTS AAC and RF64;
// the ISO BMFF movie header for recording time, container duration and the video/audio decision.
#pragma once

#include <filesystem>

#include "evidence/metadata.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {

// Silences TagLib's debug output for this process. Idempotent and thread-safe.
void InitAudioLibrary();

// Reads duration, codec, container, sample rate, channels, tags and recording time of an
// audio or video file (by its libmagic type md.media_type) into md. For ISO BMFF files the kind
// becomes "video" when there is a video track and "audio" otherwise. Types without a reader keep
// their type only. Never throws.
void ExtractAudioVideo(const RandomAccessFile& file, Metadata& md);

}  // namespace evidence::metadata_internal
