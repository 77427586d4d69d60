#include "describe.hpp"

#include "evidence/metadata.hpp"

namespace evidence {

Description DescribeFile(const std::filesystem::path& stored_copy, std::string_view name_hint) {
  Metadata m = ExtractMetadata(stored_copy, name_hint);
  Description d;
  d.kind = m.kind;
  d.media_type = m.media_type;
  d.captured = m.captured;
  d.metadata = std::move(m.fields);
  d.errors = std::move(m.errors);
  return d;
}

}  // namespace evidence
