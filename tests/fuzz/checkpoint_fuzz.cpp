// Signed notes and tlog checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), and
// verifier keys. A checkpoint that parses must survive being signed again and read back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "evidence/checkpoint.hpp"
#include "fuzz_key.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ef = evidence::fuzz;
  const std::string_view note = ef::AsText(data, size);
  const auto& key = ef::FuzzKey();

  (void)evidence::ParseSignedNote(note);
  (void)evidence::ParseVerifierKey(note);
  (void)evidence::VerifySignedNote(note, ef::kFuzzKeyName, key.public_key());

  auto parsed = evidence::ParseCheckpointNote(note);
  if (!parsed.ok()) return 0;
  (void)evidence::VerifyCheckpointNote(note, ef::kFuzzKeyName, key.public_key());
  for (const auto& sig : parsed->signatures) {
    if (!evidence::ValidKeyName(sig.key_name).ok()) ef::Fail("parsed a signature with a bad name");
  }
  // Re-signing the parsed values must give a note that verifies and parses back to the same
  // checkpoint. (The signed body itself may differ from Body(): base64 with non-zero padding
  // bits decodes, as Go's decoder accepts it too.)
  auto signed_again = evidence::SignCheckpoint(parsed->checkpoint, ef::kFuzzKeyName, key);
  if (!signed_again.ok())
    ef::Fail("a parsed checkpoint cannot be signed: " + signed_again.status().message());
  auto back = evidence::VerifyCheckpointNote(*signed_again, ef::kFuzzKeyName, key.public_key());
  if (!back.ok()) ef::Fail("re-signed checkpoint does not verify: " + back.status().message());
  if (!(back->checkpoint == parsed->checkpoint)) ef::Fail("re-signed checkpoint differs");
  return 0;
}
