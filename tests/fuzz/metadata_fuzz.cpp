// Metadata extraction as the sandboxed child runs it, but in this process so that the fuzzer sees
// every crash: libmagic, classification, Exiv2, TagLib, and our own BMFF, HEIF, AMR, ADTS, WAVE
// and PNG text readers (each also called directly, whatever libmagic says, since the type
// dispatch would otherwise keep most inputs away from them). The result must survive the JSON
// trip from child to parent.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "metadata_audio.hpp"
#include "metadata_bmff.hpp"
#include "metadata_filetype.hpp"
#include "metadata_image.hpp"
#include "metadata_internal.hpp"
#include "metadata_rawaudio.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace mi = evidence::metadata_internal;
  namespace ef = evidence::fuzz;
  static evidence::fuzz::MemFile file;
  static const bool initialised = [] {
    mi::InitMetadataLibraries();
    return true;
  }();
  (void)initialised;
  const auto& path = file.Set(data, size);

  evidence::Metadata md = mi::ExtractMetadataInProcess(path, "fuzz-input");
  auto back = mi::MetadataFromJson(mi::MetadataToJson(md));
  if (!back.ok()) ef::Fail("metadata does not survive its JSON form: " + back.status().message());

  auto raf = mi::RandomAccessFile::Open(path);
  if (!raf.ok()) ef::Fail("cannot open the input: " + raf.status().message());
  (void)mi::ReadBmffMovie(*raf);
  (void)mi::ReadHeif(*raf);
  (void)mi::ReadAmr(*raf);
  (void)mi::ReadAdts(*raf);
  (void)mi::ReadWave(*raf);
  std::string problem;
  (void)mi::ReadPngText(*raf, &problem);

  const std::string head(ef::AsText(data, size < 4096 ? size : 4096));
  (void)mi::EmailFormat(head);
  (void)mi::LooksLikeSmsBackup(head);
  (void)mi::LooksLikeCallLogBackup(head);
  return 0;
}
