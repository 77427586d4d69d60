#include "evidence/metadata.hpp"

#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <string>

#include "metadata_audio.hpp"
#include "metadata_filetype.hpp"
#include "metadata_image.hpp"
#include "metadata_internal.hpp"
#include "metadata_util.hpp"
#include "sandbox_worker.hpp"

namespace evidence {

namespace metadata_internal {

namespace {

constexpr std::size_t kMaxErrors = 64;
constexpr std::size_t kMaxErrorBytes = 512;

bool IsKnownKind(std::string_view kind) {
  for (std::string_view k : kMetadataKinds) {
    if (k == kind) return true;
  }
  return false;
}

// libmagic answers "type/subtype"; anything else (an error text) is not a media type.
bool IsMediaType(std::string_view t) {
  std::size_t slash = t.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == t.size()) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '-' || c == '+' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Replaces floating-point numbers and booleans (which the ledger's canonical JSON must not
// carry, by contract) with strings, and invalid UTF-8 in strings and keys.
void ScrubJson(nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json clean = nlohmann::json::object();
    for (auto& [k, v] : j.items()) {
      ScrubJson(v);
      clean[CleanText(k, kMaxKeyBytes)] = std::move(v);
    }
    j = std::move(clean);
  } else if (j.is_array()) {
    for (auto& v : j) ScrubJson(v);
  } else if (j.is_number_float() || j.is_boolean()) {
    j = j.dump();
  } else if (j.is_string()) {
    j = CleanText(j.get<std::string>(), 64 * 1024);
  }
}

std::string DumpForPipe(const Metadata& md) {
  return MetadataToJson(md).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void InitMetadataLibraries() {
  static std::once_flag once;
  std::call_once(once, [] {
    PreloadMagic();
    InitImageLibrary();
    InitAudioLibrary();
  });
}

nlohmann::json MetadataToJson(const Metadata& md) {
  nlohmann::json j = {{"media_type", md.media_type},
                      {"kind", md.kind},
                      {"fields", md.fields},
                      {"errors", md.errors}};
  j["captured"] = md.captured ? nlohmann::json(*md.captured) : nlohmann::json(nullptr);
  return j;
}

Result<Metadata> MetadataFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::Corruption("metadata: result is not an object");
  auto str = [&](const char* key) -> const nlohmann::json* {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? &*it : nullptr;
  };
  const nlohmann::json* media = str("media_type");
  const nlohmann::json* kind = str("kind");
  auto fields = j.find("fields");
  auto errors = j.find("errors");
  auto captured = j.find("captured");
  if (media == nullptr || kind == nullptr || fields == j.end() || !fields->is_object() ||
      errors == j.end() || !errors->is_array() || captured == j.end() ||
      !(captured->is_null() || captured->is_string())) {
    return Status::Corruption("metadata: result has the wrong shape");
  }
  Metadata md;
  md.media_type = media->get<std::string>();
  md.kind = kind->get<std::string>();
  md.fields = *fields;
  for (const auto& e : *errors) {
    if (e.is_string()) md.errors.push_back(e.get<std::string>());
  }
  if (captured->is_string()) md.captured = captured->get<std::string>();
  return md;
}

void NormalizeMetadata(Metadata& md) {
  if (!IsMediaType(md.media_type)) md.media_type = "application/octet-stream";
  if (!IsKnownKind(md.kind)) md.kind = "other";
  if (!md.fields.is_object()) md.fields = nlohmann::json::object();
  ScrubJson(md.fields);
  if (md.captured) md.captured = CleanText(*md.captured, 64);
  std::vector<std::string> errors;
  for (const std::string& e : md.errors) {
    std::string clean = CleanText(e, kMaxErrorBytes);
    if (!errors.empty() && errors.back() == clean) continue;
    if (errors.size() == kMaxErrors) {
      errors.push_back("metadata: further problems not listed");
      break;
    }
    errors.push_back(std::move(clean));
  }
  md.errors = std::move(errors);
}

namespace {

// Runs `body`, which fills `md`; whatever a parser library throws becomes an error of the file
// rather than escaping the module. `md` is normalised either way.
template <typename Body>
Metadata ThrowsAsErrors(Body body) {
  Metadata md;
  try {
    body(md);
  } catch (const std::exception& e) {
    md.errors.push_back("metadata: " + CleanText(e.what()));
  } catch (...) {
    md.errors.push_back("metadata: unknown exception");
  }
  NormalizeMetadata(md);
  return md;
}

}  // namespace

Metadata ExtractMetadataInProcess(const RandomAccessFile& file, std::string_view name_hint,
                                  const std::function<void(const Metadata&)>* checkpoint) {
  return ThrowsAsErrors([&](Metadata& md) {
    auto type = DetectMediaType(file);
    if (type.ok() && IsMediaType(*type)) {
      md.media_type = *type;
    } else {
      md.errors.push_back(type.ok() ? "libmagic: unexpected answer '" + CleanText(*type, 64) + "'"
                                    : type.status().message());
    }
    Classify(file, name_hint, md);
    const bool parsed = md.kind == "image" || md.kind == "audio" || md.kind == "video";
    // What is known before a parser library reads the file, kept should that parser crash.
    if (checkpoint != nullptr && parsed) {
      Metadata partial = md;
      NormalizeMetadata(partial);
      (*checkpoint)(partial);
    }
    if (md.kind == "image") {
      ExtractImage(file, name_hint, md);
    } else if (md.kind == "audio" || md.kind == "video") {
      ExtractAudioVideo(file, md);
    }
  });
}

namespace {

// The metadata of a file that cannot be opened: that error only.
Metadata Unopened(const Status& open) {
  Metadata md;
  md.errors.push_back("file: " + open.message());
  NormalizeMetadata(md);
  return md;
}

}  // namespace

Metadata ExtractMetadataInProcess(const std::filesystem::path& path, std::string_view name_hint,
                                  const std::function<void(const Metadata&)>* checkpoint) {
  auto file = RandomAccessFile::Open(path);
  if (!file.ok()) return Unopened(file.status());
  return ExtractMetadataInProcess(*file, name_hint, checkpoint);
}

namespace {

// What an isolated run brought back, as metadata: the child's last complete message, and when it
// did not finish, why, as an error of this file.
Metadata MetadataFromOutcome(const SandboxOutcome& outcome, const RandomAccessFile& file,
                             std::string_view name_hint) {
  Metadata md;
  if (outcome.end == SandboxOutcome::End::kNotStarted) {
    // No isolation available (out of processes or memory): detect the type only, which does
    // not involve the image and audio parsers.
    md.errors.push_back("metadata: cannot start the isolated extractor (" + outcome.detail +
                        "); file type only");
    auto type = DetectMediaType(file);
    if (type.ok() && IsMediaType(*type)) md.media_type = *type;
    Classify(file, name_hint, md);
    NormalizeMetadata(md);
    return md;
  }
  if (outcome.last_message) {
    nlohmann::json j = nlohmann::json::parse(*outcome.last_message, nullptr, false);
    auto parsed = MetadataFromJson(j);
    if (parsed.ok()) {
      md = std::move(*parsed);
    } else {
      md.errors.push_back(parsed.status().message());
    }
  }
  bool finished = outcome.end == SandboxOutcome::End::kExited && outcome.code == 0;
  if (!finished) {
    md.errors.push_back("metadata: extractor stopped (" + outcome.detail +
                        ") while reading this file; only what was read before is recorded");
  }
  return md;
}

// The work a sandboxed child does for one file: a checkpoint after type detection, then all.
void ExtractAndSend(const RandomAccessFile& file, std::string_view hint, const SandboxSend& send) {
  std::function<void(const Metadata&)> checkpoint = [&](const Metadata& partial) {
    send(DumpForPipe(partial));
  };
  send(DumpForPipe(ExtractMetadataInProcess(file, hint, &checkpoint)));
}

}  // namespace

// Runs one sandboxed extraction and turns its outcome into Metadata. Nothing thrown on the
// parent's side (decoding the child's messages) may escape the module.
template <typename RunChild>
Metadata Guarded(const RandomAccessFile& file, std::string_view name_hint, RunChild run) {
  return ThrowsAsErrors([&](Metadata& md) { md = MetadataFromOutcome(run(), file, name_hint); });
}

Metadata ExtractMetadataIsolated(const std::filesystem::path& path, std::string_view name_hint,
                                 const SandboxLimits& limits) {
  // Opened here: the child only reads the descriptor it inherits.
  auto file = RandomAccessFile::Open(path);
  if (!file.ok()) return Unopened(file.status());
  return Guarded(*file, name_hint, [&] {
    InitMetadataLibraries();
    return RunSandboxed([&](const SandboxSend& send) { ExtractAndSend(*file, name_hint, send); },
                        limits);
  });
}

// A request to a long-lived extractor is the name hint (raw bytes: names need not be UTF-8);
// the file comes with it as a descriptor, so the child never opens a path.
MetadataExtractor::MetadataExtractor(const SandboxLimits& limits) {
  InitMetadataLibraries();
  worker_ = std::make_unique<SandboxWorker>(
      [](std::string_view hint, int fd, const SandboxSend& send) {
        auto file = RandomAccessFile::FromDescriptor(fd);
        if (!file.ok()) {
          send(DumpForPipe(Unopened(file.status())));
          return;
        }
        ExtractAndSend(*file, hint, send);
      },
      limits);
}

MetadataExtractor::~MetadataExtractor() = default;

void MetadataExtractor::StartNow() { worker_->StartNow(); }

std::size_t MetadataExtractor::children_started() const { return worker_->children_started(); }

Metadata MetadataExtractor::Extract(const std::filesystem::path& path, std::string_view name_hint) {
  auto file = RandomAccessFile::Open(path);
  if (!file.ok()) return Unopened(file.status());
  return Extract(*file, name_hint);
}

Metadata MetadataExtractor::Extract(int fd, std::string_view name_hint) {
  auto file = RandomAccessFile::FromDescriptor(fd);
  if (!file.ok()) return Unopened(file.status());
  return Extract(*file, name_hint);
}

Metadata MetadataExtractor::Extract(const RandomAccessFile& file, std::string_view name_hint) {
  return Guarded(file, name_hint, [&] { return worker_->Call(name_hint, file.fd()); });
}

}  // namespace metadata_internal

Metadata ExtractMetadata(const std::filesystem::path& stored_file, std::string_view name_hint) {
  return metadata_internal::ExtractMetadataIsolated(stored_file, name_hint,
                                                    metadata_internal::SandboxLimits{});
}

}  // namespace evidence
