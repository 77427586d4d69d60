// File type by content (libmagic) and the first classification of a file into a kind, including
// the recognition (not the parsing) of message exports and e-mail.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "evidence/metadata.hpp"
#include "evidence/status.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {

// The MIME type libmagic gives the content of `file` (MAGIC_MIME_TYPE), e.g. "image/jpeg". The
// default database is loaded once per process, on first use; calls are serialised. kIoError when
// the file cannot be read, kUnsupported when the database cannot be loaded.
Result<std::string> DetectMediaType(const RandomAccessFile& file);

// Loads the libmagic database now (it is loaded lazily otherwise), so that a forked child
// inherits it instead of loading it again.
void PreloadMagic();

// Fills md.kind from md.media_type and the content: "message-export" for a WhatsApp text or .zip
// export, a Telegram or Discord JSON export (messages_internal's detectors) or an SMS Backup &
// Restore XML file, "email" for RFC 822 messages and mbox files (also
// when libmagic only says text/plain), "image"/"audio"/"video"/"document"/"other" otherwise.
// Records the recognised format in md.fields["format"], the extension of `name_hint` in
// md.fields["extension"] and a disagreement between the two in md.fields["extension_mismatch"].
void Classify(const RandomAccessFile& file, std::string_view name_hint, Metadata& md);

// Exposed for tests: the content checks Classify uses, on the first bytes of a file. (A WhatsApp
// chat is told by the message code's own LooksLikeWhatsAppText, messages_internal.hpp.)
// "mbox", "rfc822" or "" (not e-mail).
std::string EmailFormat(std::string_view head);
// The root element of an XML document is <smses> (SMS Backup & Restore).
bool LooksLikeSmsBackup(std::string_view head);
// The root element is <calls> (the same app's call log).
bool LooksLikeCallLogBackup(std::string_view head);

}  // namespace evidence::metadata_internal
