// Image metadata: Exiv2 for EXIF, XMP and IPTC (JPEG, PNG, WebP, TIFF, HEIF/HEIC/AVIF), plus our
// own readers for PNG text chunks and the HEIF items Exiv2 0.27 misses. Decides between photo,
// screenshot and image, and flags photos an image editor has re-saved.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/metadata.hpp"
#include "evidence/status.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {

// Sets up Exiv2 for this process: log output muted, BMFF (HEIF) support on, XMP toolkit
// initialised (required before concurrent use). Idempotent and thread-safe.
void InitImageLibrary();

// Reads the metadata of an image whose libmagic type is md.media_type into md.fields, sets
// md.captured and refines md.kind ("photo", "screenshot" or "image"). Types Exiv2 is not trusted
// with here (anything but JPEG, PNG, WebP, TIFF and HEIF/AVIF), and files Exiv2 itself would read
// as another format, are left at kind "image" with their type only. Never throws.
void ExtractImage(const RandomAccessFile& file, std::string_view name_hint, Metadata& md);

struct PngTextChunk {
  std::string keyword;
  std::string text;  // UTF-8; "(compressed, not read)" for zTXt and compressed iTXt
};

// The tEXt, iTXt and zTXt chunks of a PNG file, except the XMP and raw-profile ones (Exiv2 reads
// those). Each text is cut to 8 KiB before cleaning. kInvalidArgument when the PNG signature is
// missing; a broken chunk list ends the list and is reported through `problem`.
Result<std::vector<PngTextChunk>> ReadPngText(const RandomAccessFile& file, std::string* problem);

// The image editor named by a software field ("Adobe Photoshop 7.0" -> "photoshop"), if any.
std::optional<std::string> ImageEditorIn(std::string_view software);

}  // namespace evidence::metadata_internal
