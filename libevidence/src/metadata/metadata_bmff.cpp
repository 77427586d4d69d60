#include "metadata_bmff.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace evidence::metadata_internal {

namespace {

constexpr std::uint64_t kMaxMoovBytes = 64ull << 20;
constexpr std::uint64_t kMaxMetaBytes = 16ull << 20;
constexpr std::uint64_t kMaxExifBytes = 8ull << 20;
constexpr int kMaxTopLevelBoxes = 100000;
constexpr int kMaxChildBoxes = 4096;
constexpr std::uint32_t kMaxExtents = 1024;

constexpr std::uint32_t FourCc(const char (&s)[5]) {
  return (std::uint32_t(static_cast<unsigned char>(s[0])) << 24) |
         (std::uint32_t(static_cast<unsigned char>(s[1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(s[2])) << 8) |
         std::uint32_t(static_cast<unsigned char>(s[3]));
}

// A box's payload: [start, start + size), absolute in the file or in a buffer.
struct BoxRef {
  std::uint32_t type = 0;
  std::uint64_t start = 0;
  std::uint64_t size = 0;
};

std::string BoxError(std::uint32_t type, std::uint64_t offset, std::string_view what) {
  return "box '" + FourCcText(type) + "' at " + std::to_string(offset) + ": " + std::string(what);
}

// Reads the box header at `off` of the file. False at the end of the file (fewer than 8 bytes
// left); kCorruption when the box claims more bytes than the file has.
Result<bool> ReadTopBox(const RandomAccessFile& f, std::uint64_t off, BoxRef& out) {
  if (off >= f.size() || f.size() - off < 8) return false;
  std::uint64_t remain = f.size() - off;
  std::uint8_t h[16];
  if (!f.ReadAt(off, h, 8)) return Status::IoError("read failed");
  std::uint64_t size = Be32(h);
  std::uint32_t type = Be32(h + 4);
  std::uint64_t hdr = 8;
  if (size == 1) {
    if (remain < 16 || !f.ReadAt(off + 8, h + 8, 8)) {
      return Status::Corruption(BoxError(type, off, "truncated 64-bit size"));
    }
    size = Be64(h + 8);
    hdr = 16;
  } else if (size == 0) {
    size = remain;  // "extends to the end of the file"
  }
  if (type == FourCc("uuid")) hdr += 16;
  if (size < hdr) return Status::Corruption(BoxError(type, off, "size smaller than its header"));
  if (size > remain)
    return Status::Corruption(BoxError(type, off, "runs past the end of the file"));
  out = {type, off + hdr, size - hdr};
  return true;
}

// Iterates the boxes packed in `buf` (a container's payload), with every size checked.
class BoxIter {
 public:
  explicit BoxIter(ByteView buf, std::uint64_t pos = 0) : buf_(buf), pos_(pos) {}

  // False when the buffer is used up; kCorruption for a malformed or excessive child list.
  Result<bool> Next(BoxRef& out) {
    if (pos_ >= buf_.size() || buf_.size() - pos_ < 8) return false;
    if (++count_ > kMaxChildBoxes) return Status::Corruption("too many boxes in a container");
    std::uint64_t remain = buf_.size() - pos_;
    const std::uint8_t* p = buf_.data() + pos_;
    std::uint64_t size = Be32(p);
    std::uint32_t type = Be32(p + 4);
    std::uint64_t hdr = 8;
    if (size == 1) {
      if (remain < 16) return Status::Corruption(BoxError(type, pos_, "truncated 64-bit size"));
      size = Be64(p + 8);
      hdr = 16;
    } else if (size == 0) {
      size = remain;
    }
    if (type == FourCc("uuid")) hdr += 16;
    if (size < hdr) return Status::Corruption(BoxError(type, pos_, "size smaller than its header"));
    if (size > remain) return Status::Corruption(BoxError(type, pos_, "runs past its container"));
    out = {type, pos_ + hdr, size - hdr};
    pos_ += size;
    return true;
  }

 private:
  ByteView buf_;
  std::uint64_t pos_;
  int count_ = 0;
};

ByteView Payload(ByteView buf, const BoxRef& b) {
  return buf.subspan(static_cast<std::size_t>(b.start), static_cast<std::size_t>(b.size));
}

// The payload of the first child of type `type`, or nullopt.
Result<std::optional<ByteView>> FindChild(ByteView container, std::uint32_t type,
                                          std::uint64_t skip = 0) {
  if (skip > container.size()) return Status::Corruption("container shorter than its header");
  BoxIter it(container, skip);
  BoxRef b;
  while (true) {
    Result<bool> more = it.Next(b);
    if (!more.ok()) return more.status();
    if (!*more) return std::optional<ByteView>();
    if (b.type == type) return std::optional<ByteView>(Payload(container, b));
  }
}

// Loads the payload of the first top-level box of `type` (up to `max_bytes`), or nullopt.
Result<std::optional<Bytes>> LoadTopLevel(const RandomAccessFile& f, std::uint32_t type,
                                          std::uint64_t max_bytes, std::string* brand) {
  std::uint64_t off = 0;
  for (int n = 0; n < kMaxTopLevelBoxes; ++n) {
    BoxRef b;
    Result<bool> more = ReadTopBox(f, off, b);
    if (!more.ok()) return more.status();
    if (!*more) return std::optional<Bytes>();
    if (b.type == FourCc("ftyp") && brand != nullptr && b.size >= 4) {
      std::uint8_t major[4];
      if (f.ReadAt(b.start, major, 4)) *brand = FourCcText(Be32(major));
    }
    if (b.type == type) {
      if (b.size > max_bytes) {
        return Status::Unsupported(BoxError(
            type, off, "larger than " + std::to_string(max_bytes >> 20) + " MiB; not read"));
      }
      Bytes data(static_cast<std::size_t>(b.size));
      if (!f.ReadAt(b.start, data.data(), data.size())) return Status::IoError("read failed");
      return std::optional<Bytes>(std::move(data));
    }
    off = b.start + b.size;
  }
  return Status::Corruption("too many top-level boxes");
}

void ParseMvhd(ByteView p, BmffMovie& out) {
  if (p.size() < 4) return;
  int version = p[0];
  std::uint64_t created = 0, timescale = 0, duration = 0;
  bool unknown_duration = false;
  if (version == 1) {
    if (p.size() < 32) return;
    created = Be64(p.data() + 4);
    timescale = Be32(p.data() + 20);
    duration = Be64(p.data() + 24);
    unknown_duration = duration == ~std::uint64_t{0};
  } else {
    if (p.size() < 20) return;
    created = Be32(p.data() + 4);
    timescale = Be32(p.data() + 12);
    duration = Be32(p.data() + 16);
    unknown_duration = duration == 0xFFFFFFFFu;
  }
  if (created != 0) out.creation_time_1904 = created;
  if (timescale != 0 && !unknown_duration) {
    out.duration_ms = static_cast<std::uint64_t>(Uint128{duration} * 1000 / timescale);
  }
}

Status ParseTrak(ByteView trak, BmffMovie& out) {
  auto mdia = FindChild(trak, FourCc("mdia"));
  if (!mdia.ok()) return mdia.status();
  if (!*mdia) return Status::Ok();
  auto hdlr = FindChild(**mdia, FourCc("hdlr"));
  if (!hdlr.ok()) return hdlr.status();
  if (!*hdlr || (*hdlr)->size() < 12) return Status::Ok();
  std::uint32_t handler = Be32((*hdlr)->data() + 8);
  if (handler == FourCc("vide")) out.has_video = true;
  if (handler != FourCc("soun")) return Status::Ok();
  bool first_audio = !out.has_audio;
  out.has_audio = true;
  if (!first_audio) return Status::Ok();

  auto minf = FindChild(**mdia, FourCc("minf"));
  if (!minf.ok() || !*minf) return minf.status();
  auto stbl = FindChild(**minf, FourCc("stbl"));
  if (!stbl.ok() || !*stbl) return stbl.status();
  auto stsd = FindChild(**stbl, FourCc("stsd"));
  if (!stsd.ok() || !*stsd) return stsd.status();
  // stsd: version/flags (4), entry_count (4), then the sample entries as boxes.
  BoxIter entries(**stsd, 8);
  BoxRef e;
  if ((*stsd)->size() < 8) return Status::Corruption("stsd too short");
  Result<bool> has = entries.Next(e);
  if (!has.ok()) return has.status();
  if (!*has) return Status::Ok();
  out.audio_format = FourCcText(e.type);
  ByteView entry = Payload(**stsd, e);
  // AudioSampleEntry: reserved (6), data_reference_index (2), version (2, QuickTime),
  // revision (2), vendor (4), channelcount (2), samplesize (2), (4), samplerate (16.16).
  if (entry.size() >= 28) {
    std::uint16_t qt_version = Be16(entry.data() + 8);
    if (qt_version < 2) {
      out.audio_channels = Be16(entry.data() + 16);
      out.audio_sample_rate = Be32(entry.data() + 24) >> 16;
    }
  }
  // AMR is mono by definition; 3GPP (TS 26.244) fixes channelcount to a template value.
  if (e.type == FourCc("samr") || e.type == FourCc("sawb")) {
    out.audio_channels = 1;
    out.audio_sample_rate = e.type == FourCc("samr") ? 8000 : 16000;
  }
  return Status::Ok();
}

// Reads an unsigned big-endian field of `size` bytes (0, 4 or 8) at p[pos].
bool ReadSized(ByteView p, std::size_t& pos, int size, std::uint64_t& out) {
  if (size == 0) {
    out = 0;
    return true;
  }
  if (pos > p.size() || p.size() - pos < static_cast<std::size_t>(size)) return false;
  out = size == 4 ? Be32(p.data() + pos) : Be64(p.data() + pos);
  pos += static_cast<std::size_t>(size);
  return true;
}

struct Extent {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct ItemLocation {
  int construction_method = 0;
  std::uint64_t data_reference_index = 0;
  std::vector<Extent> extents;
};

// Finds `item_id` in an `iloc` payload (ISO/IEC 14496-12 section 8.11.3).
Result<std::optional<ItemLocation>> FindItemLocation(ByteView p, std::uint32_t item_id) {
  if (p.size() < 6) return Status::Corruption("iloc too short");
  int version = p[0];
  if (version > 2) return Status::Unsupported("iloc version " + std::to_string(version));
  int offset_size = p[4] >> 4, length_size = p[4] & 0xF, base_size = p[5] >> 4;
  int index_size = (version == 1 || version == 2) ? (p[5] & 0xF) : 0;
  for (int s : {offset_size, length_size, base_size, index_size}) {
    if (s != 0 && s != 4 && s != 8) return Status::Corruption("iloc field size not 0, 4 or 8");
  }
  std::size_t pos = 6;
  std::uint64_t count = 0;
  if (!ReadSized(p, pos, version < 2 ? 0 : 4, count)) return Status::Corruption("iloc");
  if (version < 2) {
    if (p.size() - pos < 2) return Status::Corruption("iloc truncated");
    count = Be16(p.data() + pos);
    pos += 2;
  }
  auto truncated = [] { return Status::Corruption("iloc truncated"); };
  for (std::uint64_t i = 0; i < count; ++i) {
    ItemLocation loc;
    std::uint64_t id = 0;
    if (version < 2) {
      if (p.size() - pos < 2) return truncated();
      id = Be16(p.data() + pos);
      pos += 2;
    } else if (!ReadSized(p, pos, 4, id)) {
      return truncated();
    }
    if (version == 1 || version == 2) {
      if (p.size() - pos < 2) return truncated();
      loc.construction_method = Be16(p.data() + pos) & 0xF;
      pos += 2;
    }
    if (p.size() - pos < 2) return truncated();
    loc.data_reference_index = Be16(p.data() + pos);
    pos += 2;
    std::uint64_t base = 0;
    if (!ReadSized(p, pos, base_size, base)) return truncated();
    if (p.size() - pos < 2) return truncated();
    std::uint32_t extent_count = Be16(p.data() + pos);
    pos += 2;
    for (std::uint32_t e = 0; e < extent_count; ++e) {
      std::uint64_t index = 0, off = 0, len = 0;
      if (!ReadSized(p, pos, index_size, index) || !ReadSized(p, pos, offset_size, off) ||
          !ReadSized(p, pos, length_size, len)) {
        return truncated();
      }
      if (id == item_id && loc.extents.size() < kMaxExtents) {
        if (off > ~std::uint64_t{0} - base) return Status::Corruption("extent offset overflows");
        loc.extents.push_back({base + off, len});
      }
    }
    if (id == item_id) {
      if (extent_count > kMaxExtents) return Status::Unsupported("Exif item in too many extents");
      return std::optional<ItemLocation>(std::move(loc));
    }
  }
  return std::optional<ItemLocation>();
}

// The Exif item's TIFF bytes, located through iinf and iloc; nullopt when there is no Exif item.
Result<std::optional<Bytes>> ReadExifItem(const RandomAccessFile& file, ByteView meta) {
  // meta is a full box: its children start after version and flags.
  auto iinf = FindChild(meta, FourCc("iinf"), 4);
  if (!iinf.ok()) return iinf.status();
  if (!*iinf) return std::optional<Bytes>();
  ByteView inf = **iinf;
  if (inf.size() < 6) return Status::Corruption("iinf too short");
  std::uint64_t first = inf[0] == 0 ? 6 : 8;
  BoxIter items(inf, first);
  BoxRef b;
  std::optional<std::uint32_t> exif_id;
  while (!exif_id) {
    Result<bool> more = items.Next(b);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (b.type != FourCc("infe")) continue;
    ByteView e = Payload(inf, b);
    if (e.size() < 12 || e[0] < 2) continue;  // versions 0 and 1 carry no item type
    std::uint32_t id = 0, type = 0;
    if (e[0] == 2) {
      id = Be16(e.data() + 4);
      type = Be32(e.data() + 8);
    } else {
      if (e.size() < 14) continue;
      id = Be32(e.data() + 4);
      type = Be32(e.data() + 10);
    }
    if (type == FourCc("Exif")) exif_id = id;
  }
  if (!exif_id) return std::optional<Bytes>();

  auto iloc = FindChild(meta, FourCc("iloc"), 4);
  if (!iloc.ok()) return iloc.status();
  if (!*iloc) return Status::Corruption("Exif item without iloc");
  auto loc_or = FindItemLocation(**iloc, *exif_id);
  if (!loc_or.ok()) return loc_or.status();
  if (!*loc_or) return Status::Corruption("Exif item has no location");
  const ItemLocation& loc = **loc_or;
  if (loc.data_reference_index != 0) return Status::Unsupported("Exif item in another file");
  std::optional<ByteView> idat;
  if (loc.construction_method == 1) {
    auto found = FindChild(meta, FourCc("idat"), 4);
    if (!found.ok()) return found.status();
    if (!*found) return Status::Corruption("Exif item in idat, but no idat");
    idat = **found;
  } else if (loc.construction_method != 0) {
    return Status::Unsupported("Exif item construction method " +
                               std::to_string(loc.construction_method));
  }
  Bytes data;
  for (const Extent& e : loc.extents) {
    std::uint64_t limit = idat ? idat->size() : file.size();
    if (e.offset > limit) return Status::Corruption("Exif extent beyond the data");
    // A zero length means "to the end of the data".
    std::uint64_t len = e.length == 0 ? limit - e.offset : e.length;
    if (len > limit - e.offset) return Status::Corruption("Exif extent beyond the data");
    if (len > kMaxExifBytes - data.size()) return Status::Unsupported("Exif item too large");
    std::size_t at = data.size();
    data.resize(at + static_cast<std::size_t>(len));
    if (idat) {
      std::copy_n(idat->data() + e.offset, len, data.data() + at);
    } else if (!file.ReadAt(e.offset, data.data() + at, static_cast<std::size_t>(len))) {
      return Status::IoError("read failed");
    }
  }
  // The item starts with a 32-bit offset from its end to the TIFF header (ISO/IEC 23008-12 A.2.1).
  if (data.size() < 4) return Status::Corruption("Exif item too short");
  std::uint64_t tiff = 4 + std::uint64_t{Be32(data.data())};
  if (tiff + 8 > data.size()) return Status::Corruption("Exif TIFF offset beyond the item");
  const std::uint8_t* t = data.data() + tiff;
  bool ii = t[0] == 'I' && t[1] == 'I' && t[2] == 42 && t[3] == 0;
  bool mm = t[0] == 'M' && t[1] == 'M' && t[2] == 0 && t[3] == 42;
  if (!ii && !mm) return Status::Corruption("Exif item has no TIFF header");
  return std::optional<Bytes>(Bytes(data.begin() + static_cast<std::ptrdiff_t>(tiff), data.end()));
}

// The primary item's `ispe` (image spatial extents) property: pitm -> ipma -> ipco.
Status ReadPrimarySize(ByteView meta, HeifImage& out) {
  auto pitm = FindChild(meta, FourCc("pitm"), 4);
  if (!pitm.ok()) return pitm.status();
  auto iprp = FindChild(meta, FourCc("iprp"), 4);
  if (!iprp.ok()) return iprp.status();
  if (!*pitm || !*iprp || (*pitm)->size() < 6) return Status::Ok();
  ByteView pi = **pitm;
  std::uint32_t primary =
      pi[0] == 0 ? Be16(pi.data() + 4) : (pi.size() >= 8 ? Be32(pi.data() + 4) : 0xFFFFFFFFu);
  auto ipco = FindChild(**iprp, FourCc("ipco"));
  if (!ipco.ok()) return ipco.status();
  auto ipma = FindChild(**iprp, FourCc("ipma"));
  if (!ipma.ok()) return ipma.status();
  if (!*ipco || !*ipma) return Status::Ok();
  ByteView m = **ipma;
  if (m.size() < 8) return Status::Corruption("ipma too short");
  int version = m[0];
  bool wide_index = (m[3] & 1) != 0;
  std::uint32_t entries = Be32(m.data() + 4);
  std::size_t pos = 8;
  std::vector<std::uint32_t> properties;
  for (std::uint32_t i = 0; i < entries; ++i) {
    std::size_t id_size = version < 1 ? 2 : 4;
    if (m.size() - pos < id_size + 1) return Status::Corruption("ipma truncated");
    std::uint32_t id = version < 1 ? Be16(m.data() + pos) : Be32(m.data() + pos);
    pos += id_size;
    int count = m[pos++];
    std::size_t each = wide_index ? 2 : 1;
    if (m.size() - pos < each * static_cast<std::size_t>(count)) {
      return Status::Corruption("ipma truncated");
    }
    for (int k = 0; k < count; ++k) {
      std::uint32_t index = wide_index ? (Be16(m.data() + pos) & 0x7FFF) : (m[pos] & 0x7F);
      pos += each;
      if (id == primary) properties.push_back(index);
    }
    if (id == primary) break;
  }
  for (std::uint32_t index : properties) {
    if (index == 0) continue;  // 0 means "no property"
    BoxIter it(**ipco);
    BoxRef b;
    for (std::uint32_t n = 1; n <= index; ++n) {
      Result<bool> more = it.Next(b);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Corruption("property index beyond ipco");
    }
    if (b.type == FourCc("ispe") && b.size >= 12) {
      ByteView e = Payload(**ipco, b);
      out.width = Be32(e.data() + 4);
      out.height = Be32(e.data() + 8);
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

std::string FourCcText(std::uint32_t code) {
  std::string s(4, '?');
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((code >> (24 - 8 * i)) & 0xFF);
    if (c >= 0x20 && c < 0x7F) s[static_cast<std::size_t>(i)] = c;
  }
  return s;
}

Result<BmffMovie> ReadBmffMovie(const RandomAccessFile& file) {
  BmffMovie out;
  auto moov = LoadTopLevel(file, FourCc("moov"), kMaxMoovBytes, &out.major_brand);
  if (!moov.ok()) return moov.status();
  if (!*moov) return Status::Unsupported("no movie box");
  ByteView m(**moov);
  BoxIter it(m);
  BoxRef b;
  while (true) {
    Result<bool> more = it.Next(b);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (b.type == FourCc("mvhd")) {
      ParseMvhd(Payload(m, b), out);
    } else if (b.type == FourCc("trak")) {
      Status s = ParseTrak(Payload(m, b), out);
      if (!s.ok()) return s;
    }
  }
  return out;
}

Result<HeifImage> ReadHeif(const RandomAccessFile& file) {
  auto meta_or = LoadTopLevel(file, FourCc("meta"), kMaxMetaBytes, nullptr);
  if (!meta_or.ok()) return meta_or.status();
  if (!*meta_or) return Status::Unsupported("no meta box");
  ByteView meta(**meta_or);
  HeifImage out;
  Status size = ReadPrimarySize(meta, out);
  if (!size.ok()) out.problems.push_back(size.message());
  auto exif = ReadExifItem(file, meta);
  if (exif.ok()) {
    out.exif = std::move(*exif);
  } else {
    out.problems.push_back(exif.status().message());
  }
  return out;
}

}  // namespace evidence::metadata_internal
