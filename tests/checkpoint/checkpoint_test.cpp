#include "evidence/checkpoint.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "testing.hpp"

namespace evidence {
namespace {

using evidence::testing::RunProgram;
using evidence::testing::TempDir;
using evidence::testing::WriteFile;

constexpr std::string_view kEmDash = "\xe2\x80\x94";
constexpr std::string_view kKeyName = "alice@example";

// A fixed key (RFC 8032 TEST 1 seed) so that notes, and therefore failures, are reproducible.
SigningKey FixedKey() {
  return SigningKey::FromRawPrivateKey(
             HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").value(),
             InsecureSecretKeyAccess::Get())
      .value();
}

SigningKey OtherKey() {
  return SigningKey::FromRawPrivateKey(
             HexDecode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb").value(),
             InsecureSecretKeyAccess::Get())
      .value();
}

Checkpoint Sample() {
  return Checkpoint{"evidence.case/0f8fad5b-d9cb-469f-a165-70867728950e", 7,
                    Sha256::Of(std::string_view("root"))};
}

std::string SignedSample(const SigningKey& key = FixedKey(), std::string_view name = kKeyName) {
  return SignCheckpoint(Sample(), name, key).value();
}

// The signature line (with its newline) of a note that has exactly one.
std::string SigLine(const std::string& note) { return note.substr(note.rfind("\n\n") + 2); }

std::string ReplaceFirst(std::string s, std::string_view from, std::string_view to) {
  std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(Checkpoint, BodyFormat) {
  Checkpoint cp{"example.com/log", 20852163, {}};
  EXPECT_EQ(cp.Body(), "example.com/log\n20852163\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
}

TEST(Checkpoint, SignedNoteLayout) {
  const std::string note = SignedSample();
  const std::string body = Sample().Body();
  ASSERT_TRUE(note.starts_with(body + "\n" + std::string(kEmDash) + " alice@example "));
  EXPECT_TRUE(note.ends_with("\n"));
  // One signature line: 4-byte id + 64-byte signature are 68 bytes, 92 base64 characters.
  const std::string line = SigLine(note);
  const std::string b64 = line.substr(line.rfind(' ') + 1, line.size() - line.rfind(' ') - 2);
  EXPECT_EQ(b64.size(), 92u);
  Bytes blob = Base64Decode(b64).value();
  const std::uint32_t id = KeyId(kKeyName, FixedKey().public_key());
  EXPECT_EQ(blob[0], id >> 24);
  EXPECT_EQ(blob[3], id & 0xff);
  // The signature covers the body through the newline after the root, and nothing else.
  EXPECT_TRUE(FixedKey().public_key().Verify(AsBytes(body), ByteView(blob).subspan(4)).ok());
}

TEST(Checkpoint, RoundTrip) {
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{7},
                             std::uint64_t{18446744073709551615u}}) {
    Checkpoint cp = Sample();
    cp.size = size;
    auto note = SignCheckpoint(cp, kKeyName, FixedKey());
    ASSERT_TRUE(note.ok()) << note.status().ToString();
    auto parsed = VerifyCheckpointNote(*note, kKeyName, FixedKey().public_key());
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->checkpoint, cp);
    EXPECT_EQ(parsed->body, cp.Body());
    EXPECT_TRUE(parsed->extension_lines.empty());
    ASSERT_EQ(parsed->signatures.size(), 1u);
    EXPECT_EQ(parsed->signatures[0].key_name, kKeyName);
    EXPECT_EQ(parsed->signatures[0].key_id, KeyId(kKeyName, FixedKey().public_key()));
  }
}

TEST(Checkpoint, RoundTripWithGeneratedKeyAndUnicodeNames) {
  auto key = SigningKey::Generate().value();
  Checkpoint cp{"evidence.case/zoë-ß", 42, Sha256::Of(std::string_view("x"))};
  auto note = SignCheckpoint(cp, "zoë.example/clé", key);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  auto parsed = VerifyCheckpointNote(*note, "zoë.example/clé", key.public_key());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->checkpoint, cp);
}

TEST(Checkpoint, SignRejectsBadInput) {
  Checkpoint cp = Sample();
  cp.origin = "";
  EXPECT_EQ(SignCheckpoint(cp, kKeyName, FixedKey()).status().code(), StatusCode::kInvalidArgument);
  cp.origin = "two\nlines";
  EXPECT_EQ(SignCheckpoint(cp, kKeyName, FixedKey()).status().code(), StatusCode::kInvalidArgument);
  cp.origin = "tab\there";
  EXPECT_EQ(SignCheckpoint(cp, kKeyName, FixedKey()).status().code(), StatusCode::kInvalidArgument);
  cp.origin = "bad\xff";
  EXPECT_EQ(SignCheckpoint(cp, kKeyName, FixedKey()).status().code(), StatusCode::kInvalidArgument);
  for (const char* name : {"", "a b", "a+b"}) {
    EXPECT_EQ(SignCheckpoint(Sample(), name, FixedKey()).status().code(),
              StatusCode::kInvalidArgument)
        << name;
  }
}

TEST(SignNote, RejectsBadText) {
  for (std::string text : {std::string(""), std::string("no newline"), std::string("nul\0\n", 5),
                           std::string("cr\r\n"), std::string("\xc0\xaf\n")}) {
    EXPECT_EQ(SignNote(text, kKeyName, FixedKey()).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(KeyName, Validation) {
  for (const char* good :
       {"a", "alice@example", "evidence.case/0f8f", "zoë", "名前", "a-b_c.d/e"}) {
    EXPECT_TRUE(ValidKeyName(good).ok()) << good;
  }
  const std::pair<const char*, const char*> bad[] = {
      {"", "empty"},
      {"a b", "space"},
      {"a\tb", "space"},
      {"a\nb", "space"},
      {"a\xc2\xa0"
       "b",
       "space"},  // U+00A0 no-break space
      {"a\xe2\x80\x83"
       "b",
       "space"},  // U+2003 em space
      {"a\xe3\x80\x80"
       "b",
       "space"},  // U+3000 ideographic space
      {"a+b", "'+'"},
      {"a\x01"
       "b",
       "control"},
      {"\xff", "utf-8"},
      {"\xc0\xaf", "utf-8"},
      {"\xed\xa0\x80", "utf-8"},
  };
  for (const auto& [name, why] : bad) {
    Status s = ValidKeyName(name);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
  }
}

TEST(KeyId, MatchesDefinition) {
  const PublicKey pub = FixedKey().public_key();
  Sha256 h;
  h.Update(std::string_view("alice@example\n\x01"));
  h.Update(ByteView(pub.raw()));
  Sha256Digest d = h.Finish();
  std::uint32_t want =
      std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
  EXPECT_EQ(KeyId(kKeyName, pub), want);
  EXPECT_NE(KeyId("alice@example2", pub), want);
}

TEST(VerifierKey, RoundTrips) {
  auto key = SigningKey::Generate().value();
  std::string vkey = VerifierKey(kKeyName, key.public_key());
  EXPECT_TRUE(vkey.starts_with("alice@example+"));
  auto parsed = ParseVerifierKey(vkey);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->first, kKeyName);
  EXPECT_EQ(parsed->second, key.public_key());
}

TEST(VerifierKey, RejectsWrongKeyId) {
  std::string vkey = VerifierKey(kKeyName, FixedKey().public_key());
  std::size_t at = vkey.find('+') + 1;
  vkey[at] = vkey[at] == '0' ? '1' : '0';
  auto parsed = ParseVerifierKey(vkey);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("does not match"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Malformed notes, each named after its mutation of a valid note.

// The same bytes in base64 with one of the unused low bits of the last character set.
std::string NonCanonical(std::string b64) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t last = b64.find('=') - 1;
  b64[last] = kAlphabet[kAlphabet.find(b64[last]) ^ 1];
  return b64;
}

struct Malformed {
  std::string mutation;
  std::string note;
  std::string message;  // expected substring of the kCorruption message
};

std::vector<Malformed> MalformedNotes() {
  const std::string note = SignedSample();
  const std::string body = Sample().Body();
  const std::string sig = SigLine(note);
  const std::string sig_b64 = sig.substr(sig.rfind(' ') + 1, sig.size() - sig.rfind(' ') - 2);
  const std::string root_b64 = Base64Encode(Sample().root);
  const std::string dash = std::string(kEmDash);
  auto with_body = [&](const std::string& b) { return b + "\n" + sig; };
  auto with_sig = [&](const std::string& line) { return body + "\n" + line + "\n"; };
  std::string many;
  for (int i = 0; i < 101; ++i) many += sig;

  return {
      {"empty-note", "", "the note is empty"},
      {"missing-blank-line", body + sig, "no blank line between the text and the signatures"},
      {"no-signature-lines", body + "\n", "no signature lines"},
      {"only-blank-lines", "\n\n", "no signature lines"},
      {"missing-final-newline", note.substr(0, note.size() - 1), "text after the last newline"},
      {"trailing-garbage", note + "garbage", "text after the last newline"},
      {"trailing-garbage-line", note + "Unexpected line.\n",
       "signature line 2 is malformed: it does not start with an em dash"},
      {"blank-line-after-signatures", note + "\n", "no signature lines"},
      {"hyphen-instead-of-em-dash", with_sig("- alice@example " + sig_b64),
       "signature line 1 is malformed: it does not start with an em dash"},
      {"en-dash-instead-of-em-dash", with_sig("\xe2\x80\x93 alice@example " + sig_b64),
       "it does not start with an em dash"},
      {"em-dash-without-space", with_sig(dash + "alice@example " + sig_b64),
       "it does not start with an em dash"},
      {"no-space-before-signature", with_sig(dash + " alice@example" + sig_b64),
       "no space between the key name and the signature"},
      {"key-name-with-plus", with_sig(dash + " alice+example " + sig_b64),
       "signature line 1 is malformed: key name: contains '+'"},
      {"empty-key-name", with_sig(dash + "  " + sig_b64), "key name: empty"},
      {"signature-not-base64", with_sig(dash + " alice@example !!!!"), "not valid base64"},
      {"signature-empty", with_sig(dash + " alice@example "), "not valid base64"},
      {"signature-padding-removed", with_sig(dash + " alice@example " + sig_b64.substr(0, 91)),
       "not valid base64"},
      {"signature-extra-field", with_sig(dash + " alice@example " + sig_b64 + " extra"),
       "not valid base64"},
      {"signature-too-short", with_sig(dash + " alice@example AAAA"),
       "shorter than a key id and one byte"},
      {"too-many-signatures", body + "\n" + many, "more than 100 signature lines"},
      {"empty-origin", with_body(body.substr(body.find('\n'))), "the origin line is empty"},
      {"size-empty", with_body(ReplaceFirst(body, "\n7\n", "\n\n")), "the tree size line is empty"},
      {"size-not-decimal", with_body(ReplaceFirst(body, "\n7\n", "\nseven\n")),
       "is not a decimal number"},
      {"size-negative", with_body(ReplaceFirst(body, "\n7\n", "\n-7\n")),
       "is not a decimal number"},
      {"size-plus-sign", with_body(ReplaceFirst(body, "\n7\n", "\n+7\n")),
       "is not a decimal number"},
      {"size-hex", with_body(ReplaceFirst(body, "\n7\n", "\n0x7\n")), "is not a decimal number"},
      {"size-with-space", with_body(ReplaceFirst(body, "\n7\n", "\n 7\n")),
       "is not a decimal number"},
      {"size-leading-zero", with_body(ReplaceFirst(body, "\n7\n", "\n07\n")), "has a leading zero"},
      {"size-overflow", with_body(ReplaceFirst(body, "\n7\n", "\n18446744073709551616\n")),
       "does not fit in 64 bits"},
      {"root-missing", with_body(body.substr(0, body.find(root_b64))),
       "the text has 2 line(s); it needs an origin, a tree size and a root hash"},
      {"root-not-base64", with_body(ReplaceFirst(body, root_b64, "not base64!")),
       "is not valid base64"},
      {"root-padding-removed",
       with_body(ReplaceFirst(body, root_b64, root_b64.substr(0, root_b64.size() - 1))),
       "is not valid base64"},
      {"root-noncanonical-base64", with_body(ReplaceFirst(body, root_b64, NonCanonical(root_b64))),
       "is not canonical base64"},
      {"root-31-bytes", with_body(ReplaceFirst(body, root_b64, Base64Encode(Bytes(31, 1)))),
       "the root hash is 31 bytes, not 32"},
      {"root-33-bytes", with_body(ReplaceFirst(body, root_b64, Base64Encode(Bytes(33, 1)))),
       "the root hash is 33 bytes, not 32"},
      {"root-in-hex", with_body(ReplaceFirst(body, root_b64, DigestHex(Sample().root))),
       "the root hash is 48 bytes, not 32"},
      {"empty-extension-line", with_body(body + "\nextension\n"),
       "line 4 (an extension line) is empty"},
      {"origin-invalid-utf8", with_body("bad\xff" + body), "not valid utf-8 at byte 3"},
      {"origin-overlong-utf8", with_body("\xc0\xaf" + body), "not valid utf-8 at byte 0"},
      {"origin-utf8-surrogate", with_body("\xed\xa0\x80" + body), "not valid utf-8"},
      {"origin-truncated-utf8", with_body("\xe2\x80" + body), "not valid utf-8"},
      {"origin-above-u10ffff", with_body("\xf4\x90\x80\x80" + body), "not valid utf-8"},
      {"control-character", with_body("a\x01" + body), "control character at byte 1"},
      {"nul-byte", with_body(std::string("a\0", 2) + body), "control character at byte 1"},
      {"crlf-line-endings", ReplaceFirst(note, "\n", "\r\n"), "control character"},
      {"too-large", with_body(std::string(kMaxNoteSize, 'o') + body), "larger than 1 MiB"},
  };
}

TEST(ParseCheckpointNote, NonCanonicalRootDecodesToTheSameBytes) {
  const std::string b64 = Base64Encode(Sample().root);
  ASSERT_NE(NonCanonical(b64), b64);
  EXPECT_EQ(Base64Decode(NonCanonical(b64)).value(), Base64Decode(b64).value());
}

TEST(ParseCheckpointNote, RejectsEveryMalformedNote) {
  for (const Malformed& m : MalformedNotes()) {
    SCOPED_TRACE(m.mutation);
    auto parsed = ParseCheckpointNote(m.note);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
    EXPECT_TRUE(parsed.status().message().starts_with("checkpoint: ")) << parsed.status().message();
    EXPECT_NE(parsed.status().message().find(m.message), std::string::npos)
        << parsed.status().message();
    // Verification never gets past a malformed note, and says "malformed", not "wrong".
    auto verified = VerifyCheckpointNote(m.note, kKeyName, FixedKey().public_key());
    EXPECT_EQ(verified.status().code(), StatusCode::kCorruption);
  }
}

TEST(ParseCheckpointNote, AcceptsExactlyOneHundredSignatures) {
  const std::string note = SignedSample();
  const std::string sig = SigLine(note);
  std::string hundred = Sample().Body() + "\n";
  for (int i = 0; i < 100; ++i) hundred += sig;
  auto parsed = VerifyCheckpointNote(hundred, kKeyName, FixedKey().public_key());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->signatures.size(), 100u);
}

TEST(ParseCheckpointNote, KeepsExtensionLines) {
  const std::string text = Sample().Body() + "extension one\nextension two\n";
  const std::string note = SignNote(text, kKeyName, FixedKey()).value();
  auto parsed = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->checkpoint, Sample());
  EXPECT_EQ(parsed->body, text);
  EXPECT_EQ(parsed->extension_lines, (std::vector<std::string>{"extension one", "extension two"}));
}

TEST(ParseCheckpointNote, KeepsButIgnoresOtherSignatureTypes) {
  // A witness cosignature (c2sp.org/tlog-cosignature) carries 4 + 8 + 64 bytes: not ours to check.
  const std::string cosig = std::string(kEmDash) + " witness.example " + Base64Encode(Bytes(76, 9));
  const std::string note = SignedSample() + cosig + "\n";
  auto parsed = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->signatures.size(), 1u);
  EXPECT_EQ(parsed->other_signature_lines, std::vector<std::string>{cosig});
}

// ---------------------------------------------------------------------------------------------
// Well-formed notes that do not verify.

TEST(VerifyCheckpointNote, SignedByAnotherKeyWithTheSameName) {
  const std::string note = SignedSample(OtherKey());
  auto v = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kVerificationFailed);
  char id[9];
  std::snprintf(id, sizeof id, "%08x", KeyId(kKeyName, FixedKey().public_key()));
  EXPECT_TRUE(v.status().message().starts_with(
      "checkpoint: no signature by key alice@example (id " + std::string(id) + ")"))
      << v.status().message();
  EXPECT_NE(v.status().message().find("different key with that name"), std::string::npos);
}

TEST(VerifyCheckpointNote, SignedUnderAnotherName) {
  const std::string note = SignedSample(FixedKey(), "bob@example");
  auto v = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kVerificationFailed);
  EXPECT_TRUE(v.status().message().starts_with("checkpoint: no signature by key alice@example"));
}

TEST(VerifyCheckpointNote, KeyIdChanged) {
  std::string note = SignedSample();
  std::string sig = SigLine(note);
  Bytes blob = Base64Decode(sig.substr(sig.rfind(' ') + 1, 92)).value();
  blob[0] ^= 1;
  note =
      Sample().Body() + "\n" + std::string(kEmDash) + " alice@example " + Base64Encode(blob) + "\n";
  auto v = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
  EXPECT_EQ(v.status().code(), StatusCode::kVerificationFailed);
  EXPECT_NE(v.status().message().find("no signature by key"), std::string::npos);
}

TEST(VerifyCheckpointNote, SignatureBitFlipped) {
  const std::string good = SignedSample();
  const std::string sig = SigLine(good);
  const Bytes blob = Base64Decode(sig.substr(sig.rfind(' ') + 1, 92)).value();
  for (std::size_t bit = 32; bit < blob.size() * 8; bit += 7) {  // past the key id
    Bytes bad = blob;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    std::string note = Sample().Body() + "\n" + std::string(kEmDash) + " alice@example " +
                       Base64Encode(bad) + "\n";
    auto v = VerifyCheckpointNote(note, kKeyName, FixedKey().public_key());
    EXPECT_EQ(v.status().code(), StatusCode::kVerificationFailed) << bit;
    EXPECT_EQ(v.status().message(), "checkpoint: signature by key alice@example does not verify");
  }
}

TEST(VerifyCheckpointNote, BodyWithOneChangedByte) {
  const std::string good = SignedSample();
  const std::string body = Sample().Body();
  const std::string sig = SigLine(good);
  int verified_failures = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (char c : {'A', '0', '1', '/', 'z', '\n'}) {
      if (body[i] == c) continue;
      std::string bad = body;
      bad[i] = c;
      auto v = VerifyCheckpointNote(bad + "\n" + sig, kKeyName, FixedKey().public_key());
      ASSERT_FALSE(v.ok()) << "byte " << i << " -> " << c;
      // Either the change breaks the format, or it is well-formed and the signature fails.
      if (v.status().code() == StatusCode::kVerificationFailed) {
        ++verified_failures;
        EXPECT_EQ(v.status().message(),
                  "checkpoint: signature by key alice@example does not verify");
      } else {
        EXPECT_EQ(v.status().code(), StatusCode::kCorruption) << v.status().message();
      }
    }
  }
  EXPECT_GT(verified_failures, 100);
}

TEST(VerifyCheckpointNote, GoodAndBadSignatureBySameKeyIsRejected) {
  const std::string good = SignedSample();
  const std::string sig = SigLine(good);
  Bytes blob = Base64Decode(sig.substr(sig.rfind(' ') + 1, 92)).value();
  blob[10] ^= 1;
  const std::string bad_line = std::string(kEmDash) + " alice@example " + Base64Encode(blob) + "\n";
  auto v = VerifyCheckpointNote(good + bad_line, kKeyName, FixedKey().public_key());
  EXPECT_EQ(v.status().code(), StatusCode::kVerificationFailed);
}

TEST(VerifyCheckpointNote, CosignedNoteVerifiesForEachSigner) {
  const std::string a = SignedSample(FixedKey(), "alice@example");
  const std::string b = SignedSample(OtherKey(), "bob@example");
  const std::string both = a + SigLine(b);
  EXPECT_TRUE(VerifyCheckpointNote(both, "alice@example", FixedKey().public_key()).ok());
  EXPECT_TRUE(VerifyCheckpointNote(both, "bob@example", OtherKey().public_key()).ok());
  EXPECT_FALSE(VerifyCheckpointNote(both, "bob@example", FixedKey().public_key()).ok());
}

TEST(VerifyCheckpointNote, UnknownBrokenSignaturesAreIgnored) {
  const std::string junk =
      std::string(kEmDash) + " mallory@example " + Base64Encode(Bytes(68, 0xee)) + "\n";
  auto v = VerifyCheckpointNote(SignedSample() + junk, kKeyName, FixedKey().public_key());
  EXPECT_TRUE(v.ok()) << v.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// Independent checks: the openssl tool and python3's `cryptography` verify what we sign.

TEST(IndependentVerification, OpensslVerifiesTheCheckpointSignature) {
  TempDir dir;
  auto key = SigningKey::Generate().value();
  const std::string note = SignCheckpoint(Sample(), kKeyName, key).value();
  auto parsed = ParseCheckpointNote(note).value();
  WriteFile(dir / "body", parsed.body);
  WriteFile(dir / "pub.pem", key.public_key().ToPem());
  WriteFile(dir / "sig", std::string(AsChars(parsed.signatures[0].signature)));
  auto r = RunProgram({"openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey",
                       (dir / "pub.pem").string(), "-in", (dir / "body").string(), "-sigfile",
                       (dir / "sig").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Signature Verified Successfully"), std::string::npos) << r.out;

  WriteFile(dir / "body", ReplaceFirst(parsed.body, "\n7\n", "\n8\n"));
  auto bad = RunProgram({"openssl", "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey",
                         (dir / "pub.pem").string(), "-in", (dir / "body").string(), "-sigfile",
                         (dir / "sig").string()});
  EXPECT_NE(bad.exit_code, 0);
}

// Parses the note as the spec describes, recomputes the key id with hashlib and verifies the
// signature with cryptography's Ed25519. Prints the key id; exits 3 when no signature matches.
constexpr const char* kPythonVerifier = R"PY(
import base64, hashlib, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_pem_public_key
note = open(sys.argv[1], 'rb').read()
pub = load_pem_public_key(open(sys.argv[2], 'rb').read())
name = sys.argv[3].encode()
raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
key_id = hashlib.sha256(name + b'\n\x01' + raw).digest()[:4]
split = note.rindex(b'\n\n')
text, lines = note[:split + 1], note[split + 2:].split(b'\n')[:-1]
for line in lines:
    assert line.startswith('\u2014 '.encode())
    sig_name, b64 = line[4:].split(b' ')
    blob = base64.b64decode(b64, validate=True)
    if sig_name == name and blob[:4] == key_id:
        pub.verify(blob[4:], text)
        print(key_id.hex())
        sys.exit(0)
sys.exit(3)
)PY";

TEST(IndependentVerification, PythonVerifiesTheNoteAndKeyId) {
  TempDir dir;
  auto key = SigningKey::Generate().value();
  const std::string note = SignCheckpoint(Sample(), kKeyName, key).value();
  WriteFile(dir / "note", note);
  WriteFile(dir / "pub.pem", key.public_key().ToPem());
  auto r = RunProgram({"python3", "-c", kPythonVerifier, (dir / "note").string(),
                       (dir / "pub.pem").string(), std::string(kKeyName)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  char id[9];
  std::snprintf(id, sizeof id, "%08x", KeyId(kKeyName, key.public_key()));
  EXPECT_EQ(r.out, std::string(id) + "\n");

  // And python refuses an edited body (InvalidSignature raises: non-zero exit).
  WriteFile(dir / "note", ReplaceFirst(note, "\n7\n", "\n8\n"));
  auto bad = RunProgram({"python3", "-c", kPythonVerifier, (dir / "note").string(),
                         (dir / "pub.pem").string(), std::string(kKeyName)});
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace evidence
