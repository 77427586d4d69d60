#include "describe.hpp"

#include "evidence/metadata.hpp"
#include "metadata_internal.hpp"

namespace evidence {

namespace {

Description FromMetadata(Metadata m) {
  Description d;
  d.kind = m.kind;
  d.media_type = m.media_type;
  d.captured = m.captured;
  d.metadata = std::move(m.fields);
  d.errors = std::move(m.errors);
  return d;
}

}  // namespace

Describer::Describer() : extractor_(std::make_unique<metadata_internal::MetadataExtractor>()) {}
Describer::~Describer() = default;

void Describer::StartExtractor() { extractor_->StartNow(); }

Description Describer::Describe(const std::filesystem::path& stored_copy,
                                std::string_view name_hint) {
  return FromMetadata(extractor_->Extract(stored_copy, name_hint));
}

Description Describer::Describe(int fd, std::string_view name_hint) {
  return FromMetadata(extractor_->Extract(fd, name_hint));
}

}  // namespace evidence
