// The age v1 format (docs/age.md) against the C2SP age testkit and Debian's real `age`.
#include "evidence/age.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "age_reader.hpp"
#include "evidence/hash.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;
using age_internal::Failure;

struct Vector {
  std::multimap<std::string, std::string> keys;
  std::string file;
};

Vector ParseVector(const std::string& text) {
  Vector v;
  std::size_t pos = 0;
  while (true) {
    auto nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    auto colon = line.find(": ");
    v.keys.emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  v.file = text.substr(pos);
  return v;
}

std::string Inflate(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit(&z), Z_OK);
  std::string out;
  char buf[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

AgeDecryptor::Input MemoryInput(std::string data) {
  auto shared = std::make_shared<std::string>(std::move(data));
  auto pos = std::make_shared<std::size_t>(0);
  return [shared, pos](std::span<std::uint8_t> out) -> Result<std::size_t> {
    // Small, uneven reads, so that no code path relies on a whole line or chunk per read.
    std::size_t n = std::min({out.size(), shared->size() - *pos, std::size_t{7001}});
    std::memcpy(out.data(), shared->data() + *pos, n);
    *pos += n;
    return n;
  };
}

struct Outcome {
  Failure failure = Failure::kNone;
  std::string message;
  std::string payload_sha256;
};

Outcome Decrypt(std::string file, const std::vector<AgeIdentity>& ids, bool armored) {
  Outcome o;
  auto reader = age_internal::OpenReader(MemoryInput(std::move(file)), ids, &o.failure, armored);
  if (!reader.ok()) {
    o.message = reader.status().message();
    return o;
  }
  Sha256 hasher;
  while (true) {
    auto chunk = (*reader)->Next();
    if (!chunk.ok()) {
      o.failure = (*reader)->failure;
      o.message = chunk.status().message();
      return o;
    }
    if (chunk->empty()) break;
    hasher.Update(*chunk);
  }
  o.payload_sha256 = DigestHex(hasher.Finish());
  return o;
}

const std::map<std::string, Failure> kExpectations = {{"success", Failure::kNone},
                                                      {"no match", Failure::kNoMatch},
                                                      {"HMAC failure", Failure::kHmac},
                                                      {"header failure", Failure::kHeader},
                                                      {"payload failure", Failure::kPayload},
                                                      {"armor failure", Failure::kArmor}};

std::string FailureName(Failure f) {
  for (const auto& [name, value] : kExpectations) {
    if (value == f) return name;
  }
  return "input error";
}

// Every vector of the testkit, held to its expected outcome. Post-quantum (ML-KEM hybrid)
// recipients are not implemented: those vectors are counted and named as skipped, nothing else is.
TEST(AgeTestkit, EveryVectorHasItsExpectedOutcome) {
  auto vectors = testing::VectorsDir();
  if (!vectors || !fs::is_directory(*vectors / "age-testkit")) {
    GTEST_SKIP() << "no age-testkit folder (set EVIDENCE_VECTORS or EVIDENCE_SAMPLES)";
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(*vectors / "age-testkit")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int ran = 0;
  std::vector<std::string> skipped;
  for (const auto& path : files) {
    const std::string name = path.filename().string();
    Vector v = ParseVector(testing::ReadFile(path));
    std::vector<AgeIdentity> ids;
    bool post_quantum = false;
    for (auto [it, end] = v.keys.equal_range("identity"); it != end; ++it) {
      if (it->second.starts_with("AGE-SECRET-KEY-PQ-")) {
        post_quantum = true;
        continue;
      }
      auto id = AgeIdentity::Parse(it->second);
      ASSERT_TRUE(id.ok()) << name << ": " << id.status().message();
      ids.push_back(*id);
    }
    for (auto [it, end] = v.keys.equal_range("passphrase"); it != end; ++it) {
      ids.push_back(*AgeIdentity::Passphrase(it->second));
    }
    if (post_quantum) {
      skipped.push_back(name);
      continue;
    }
    std::string file = v.file;
    if (auto c = v.keys.find("compressed"); c != v.keys.end()) {
      ASSERT_EQ(c->second, "zlib") << name;
      file = Inflate(file);
    }
    ASSERT_EQ(v.keys.count("expect"), 1u) << name;
    const std::string expect = v.keys.find("expect")->second;
    ASSERT_TRUE(kExpectations.count(expect)) << name << ": " << expect;
    auto armored = v.keys.find("armored");
    Outcome o = Decrypt(file, ids, armored != v.keys.end() && armored->second == "yes");
    EXPECT_EQ(FailureName(o.failure), expect) << name << ": " << o.message;
    if (expect == "success" && o.failure == Failure::kNone) {
      EXPECT_EQ(o.payload_sha256, v.keys.find("payload")->second) << name;
    }
    ++ran;
  }
  std::string names;
  for (const auto& s : skipped) names += " " + s;
  std::cout << "age testkit: " << ran << " vectors checked, " << skipped.size()
            << " post-quantum (ML-KEM) vectors skipped:" << names << "\n";
  EXPECT_GT(ran, 100);
}

std::string Pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 977) & 0xff);
  return s;
}

std::string Encrypt(const std::string& plain, const std::vector<AgeRecipient>& to) {
  std::string out;
  auto enc = AgeEncryptor::Start(to, [&](ByteView b) {
    out.append(AsChars(b));
    return Status::Ok();
  });
  EXPECT_TRUE(enc.ok()) << enc.status().message();
  // Uneven writes cross chunk boundaries.
  for (std::size_t i = 0; i < plain.size(); i += 10000) {
    EXPECT_TRUE((*enc)->Write(AsBytes(std::string_view(plain).substr(i, 10000))).ok());
  }
  EXPECT_TRUE((*enc)->Finish().ok());
  return out;
}

std::string DecryptAll(const std::string& file, const std::vector<AgeIdentity>& ids,
                       Status* error) {
  std::string out;
  auto dec = AgeDecryptor::Open(MemoryInput(file), ids);
  if (!dec.ok()) {
    *error = dec.status();
    return out;
  }
  while (true) {
    auto chunk = (*dec)->Next();
    if (!chunk.ok()) {
      *error = chunk.status();
      return out;
    }
    if (chunk->empty()) return out;
    out.append(AsChars(*chunk));
  }
}

TEST(Age, RoundTripsAtEveryChunkBoundary) {
  auto a = *AgeIdentity::Generate();
  auto b = *AgeIdentity::Generate();
  std::vector<AgeRecipient> to = {*AgeRecipient::Parse(a.Recipient()),
                                  *AgeRecipient::Parse(b.Recipient())};
  for (std::size_t size : {0u, 1u, 65535u, 65536u, 65537u, 131072u, 200000u}) {
    std::string plain = Pattern(size);
    std::string file = Encrypt(plain, to);
    Status error;
    EXPECT_EQ(DecryptAll(file, {b}, &error), plain) << size;
    EXPECT_TRUE(error.ok()) << size << ": " << error.message();
  }
}

TEST(Age, PassphraseRoundTripsAndAWrongOneIsNamed) {
  std::string plain = Pattern(70000);
  std::string file = Encrypt(plain, {*AgeRecipient::Passphrase("correct horse", 10)});
  Status error;
  EXPECT_EQ(DecryptAll(file, {*AgeIdentity::Passphrase("correct horse")}, &error), plain);
  EXPECT_TRUE(error.ok()) << error.message();
  DecryptAll(file, {*AgeIdentity::Passphrase("wrong horse")}, &error);
  EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(error.message(), "wrong passphrase");
}

TEST(Age, PassphraseWithAnotherRecipientIsRefused) {
  auto a = *AgeIdentity::Generate();
  auto enc =
      AgeEncryptor::Start({*AgeRecipient::Passphrase("x", 10), *AgeRecipient::Parse(a.Recipient())},
                          [](ByteView) { return Status::Ok(); });
  EXPECT_EQ(enc.status().code(), StatusCode::kInvalidArgument);
}

TEST(Age, WrongIdentityIsNoMatch) {
  auto a = *AgeIdentity::Generate();
  auto other = *AgeIdentity::Generate();
  std::string file = Encrypt("hello", {*AgeRecipient::Parse(a.Recipient())});
  Status error;
  DecryptAll(file, {other}, &error);
  EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(error.message().find("no identity matches"), std::string::npos) << error.message();
}

TEST(Age, FlippedBitNamesTheChunk) {
  auto a = *AgeIdentity::Generate();
  std::string plain = Pattern(3 * 65536 + 5);
  std::string file = Encrypt(plain, {*AgeRecipient::Parse(a.Recipient())});
  // A byte inside the third chunk: the file ends with the final chunk (5 + 16 bytes), after
  // full chunks of 65536 + 16 bytes.
  std::size_t second = file.size() - (5 + 16) - 100;
  file[second] ^= 0x01;
  Status error;
  std::string seen = DecryptAll(file, {a}, &error);
  EXPECT_EQ(error.code(), StatusCode::kVerificationFailed);
  EXPECT_NE(error.message().find("payload chunk 3"), std::string::npos) << error.message();
  ASSERT_EQ(seen.size(), 2u * 65536) << "only checked chunks are handed out";
  EXPECT_TRUE(seen == plain.substr(0, seen.size()));
}

TEST(Age, TruncationAtAChunkBoundaryIsAnError) {
  auto a = *AgeIdentity::Generate();
  std::string file = Encrypt(Pattern(2 * 65536 + 10), {*AgeRecipient::Parse(a.Recipient())});
  file.resize(file.size() - (10 + 16));
  Status error;
  DecryptAll(file, {a}, &error);
  EXPECT_EQ(error.code(), StatusCode::kCorruption);
  EXPECT_NE(error.message().find("truncated"), std::string::npos) << error.message();
}

TEST(Age, AlteredHeaderFailsTheMac) {
  auto a = *AgeIdentity::Generate();
  auto b = *AgeIdentity::Generate();
  std::string file =
      Encrypt("x", {*AgeRecipient::Parse(a.Recipient()), *AgeRecipient::Parse(b.Recipient())});
  // Drop the second stanza: still well formed, but no longer the header the MAC covers.
  auto second = file.find("-> X25519", 10);
  second = file.find("-> X25519", second + 1);
  auto mac = file.find("--- ");
  file.erase(second, mac - second);
  Status error;
  DecryptAll(file, {a}, &error);
  EXPECT_EQ(error.code(), StatusCode::kVerificationFailed);
  EXPECT_NE(error.message().find("MAC"), std::string::npos) << error.message();
}

TEST(Age, KeyFilesParseWithCommentsAndNameTheBadLine) {
  auto a = *AgeIdentity::Generate();
  std::string text =
      "# created: now\n# public key: " + a.Recipient() + "\n" + a.SecretKeyText() + "\n";
  auto ids = ParseAgeIdentityFile(text);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ((*ids)[0].Recipient(), a.Recipient());
  auto bad = ParseAgeIdentityFile("# x\nAGE-SECRET-KEY-1QQQQ\n");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  auto recipients = ParseAgeRecipientsFile("# officer\n\n" + a.Recipient() + "\n");
  ASSERT_TRUE(recipients.ok());
  EXPECT_EQ((*recipients)[0].ToString(), a.Recipient());
  EXPECT_FALSE(ParseAgeRecipientsFile("# nothing\n").ok());
  EXPECT_FALSE(AgeRecipient::Parse("age1" + std::string(58, 'q')).ok());
}

// Debian's age: what we write opens with `age -d`, and what `age -e` writes opens here.
class AgeInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/bin/age") && fs::exists("/usr/bin/age-keygen"))
        << "Debian's age is missing: scripts/install-deps.sh installs it";
  }
  testing::TempDir dir_;
};

TEST_F(AgeInterop, OurX25519FileOpensWithAge) {
  auto gen = testing::RunProgram({"/usr/bin/age-keygen", "-o", (dir_.path() / "key.txt").string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto ids = *ParseAgeIdentityFile(testing::ReadFile(dir_.path() / "key.txt"));
  std::string plain = Pattern(150000);
  testing::WriteFile(dir_.path() / "plain", plain);
  ASSERT_TRUE(AgeEncryptFile(dir_.path() / "plain", dir_.path() / "plain.age",
                             {*AgeRecipient::Parse(ids[0].Recipient())})
                  .ok());
  auto run =
      testing::RunProgram({"/usr/bin/age", "-d", "-i", (dir_.path() / "key.txt").string(), "-o",
                           (dir_.path() / "out").string(), (dir_.path() / "plain.age").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(testing::ReadFile(dir_.path() / "out"), plain);
}

TEST_F(AgeInterop, AgeOutputOpensWithOursArmoredOrNot) {
  auto a = *AgeIdentity::Generate();
  testing::WriteFile(dir_.path() / "key.txt", a.SecretKeyText() + "\n");
  std::string plain = Pattern(65536 * 2);
  testing::WriteFile(dir_.path() / "plain", plain);
  for (bool armor : {false, true}) {
    std::vector<std::string> argv = {"/usr/bin/age", "-e", "-r",
                                     a.Recipient(),  "-o", (dir_.path() / "x.age").string()};
    if (armor) argv.push_back("-a");
    argv.push_back((dir_.path() / "plain").string());
    fs::remove(dir_.path() / "x.age");
    auto run = testing::RunProgram(argv);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    Status error;
    EXPECT_EQ(DecryptAll(testing::ReadFile(dir_.path() / "x.age"), {a}, &error), plain) << armor;
    EXPECT_TRUE(error.ok()) << error.message();
  }
}

// `age` reads a passphrase from the terminal only, so `script` gives it one (a pty) with the
// passphrase typed on it: this is the officer's `age -d` of a passphrase bundle.
TEST_F(AgeInterop, OurPassphraseFileOpensWithAge) {
  ASSERT_TRUE(fs::exists("/usr/bin/script")) << "util-linux's script is needed";
  std::string plain = Pattern(1000);
  testing::WriteFile(dir_.path() / "plain", plain);
  ASSERT_TRUE(AgeEncryptFile(dir_.path() / "plain", dir_.path() / "p.age",
                             {*AgeRecipient::Passphrase("read me to the officer", 10)})
                  .ok());
  std::string cmd = "/usr/bin/age -d -o " + (dir_.path() / "out").string() + " " +
                    (dir_.path() / "p.age").string();
  auto run = testing::RunProgram({"/usr/bin/script", "-qec", cmd, "/dev/null"},
                                 "read me to the officer\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(testing::ReadFile(dir_.path() / "out"), plain);
}

TEST_F(AgeInterop, AgePassphraseFileOpensWithOurs) {
  testing::WriteFile(dir_.path() / "plain", "by phone");
  std::string cmd = "/usr/bin/age -e -p -o " + (dir_.path() / "p.age").string() + " " +
                    (dir_.path() / "plain").string();
  auto run = testing::RunProgram({"/usr/bin/script", "-qec", cmd, "/dev/null"},
                                 "spoken words\nspoken words\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Status error;
  EXPECT_EQ(DecryptAll(testing::ReadFile(dir_.path() / "p.age"),
                       {*AgeIdentity::Passphrase("spoken words")}, &error),
            "by phone");
  EXPECT_TRUE(error.ok()) << error.message();
}

}  // namespace
}  // namespace evidence
