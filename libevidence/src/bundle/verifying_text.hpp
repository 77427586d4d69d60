// evidence/VERIFYING.txt, the by-hand check of a bundle with sha256sum, openssl and python3. Its
// text is one file in the repository, libevidence/src/bundle/VERIFYING.txt.in, compiled in at
// build time; RenderVerifying fills its placeholders and is the only code that does.
#pragma once

#include <cstdint>
#include <string>

namespace evidence::bundle_format {

// The template, verbatim. "{{name}}" is a value below; a "{{#timestamps}}" line opens a section
// kept only when the bundle carries time-stamps, and a "{{/timestamps}}" line closes it.
extern const char* const kVerifyingTemplate;

// The facts VERIFYING.txt states about one bundle.
struct VerifyingFacts {
  std::string case_uuid;
  std::string case_name;
  std::string owner;
  std::string fingerprint;  // SHA256:<hex> of the exporter's key
  std::string archive;      // the archive's file name, as the recipient receives it
  std::string top_folder;
  std::uint64_t tree_size = 0;  // of the bundle's checkpoint
  bool timestamps = false;      // the bundle carries evidence/timestamps/
};

// The template with every placeholder filled. Values are inserted as they are, never read again
// as placeholders (a case name may hold "{{").
std::string RenderVerifying(const VerifyingFacts& facts);

}  // namespace evidence::bundle_format
