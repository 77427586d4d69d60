// BagIt tag files (RFC 8493): manifests, bag-info and percent-encoded paths. A manifest that
// parses must parse again, to the same lines, after being written out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bagit.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ef = evidence::fuzz;
  namespace bagit = evidence::bagit;
  const std::string_view text = ef::AsText(data, size);

  (void)bagit::ParseBagInfo(text);
  auto decoded = bagit::DecodePath(text);
  if (decoded.ok() && *bagit::DecodePath(bagit::EncodePath(*decoded)) != *decoded) {
    ef::Fail("EncodePath does not invert DecodePath");
  }

  auto lines = bagit::ParseManifest(text);
  if (!lines.ok()) return 0;
  for (const auto& line : *lines) {
    if (line.path.empty() || line.path.front() == '/')
      ef::Fail("accepted an empty or absolute path");
  }
  // A path that starts with a blank cannot be written unambiguously (the separator is "one or
  // more blanks"), and the parser cannot have produced one; everything else must round-trip.
  auto again = bagit::ParseManifest(bagit::FormatManifest(*lines));
  if (!again.ok()) ef::Fail("a written manifest does not parse: " + again.status().message());
  if (again->size() != lines->size()) ef::Fail("round trip changed the number of lines");
  return 0;
}
