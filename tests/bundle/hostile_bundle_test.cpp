// Hostile archives: each is refused with a failing "archive" line that says what and where, in
// bounded time and memory; files that are not archives at all are errors, not reports.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "archive_util.hpp"
#include "bundle_fixture.hpp"
#include "bundle_verify_scan.hpp"
#include "evidence/bundle.hpp"

namespace evidence::bundle_test {
namespace {

using evidence::testing::WriteFile;

// The one failing line of a refused bundle.
BundleCheck Refusal(const BundleReport& r) {
  auto failures = Failures(r);
  EXPECT_EQ(failures.size(), 1u) << Describe(r);
  EXPECT_FALSE(r.ok());
  if (failures.empty()) return {};
  EXPECT_EQ(failures[0].check, "archive") << Describe(r);
  EXPECT_EQ(failures[0].detail.rfind("refused: ", 0), 0u) << failures[0].detail;
  return failures[0];
}

// ---- Unsafe members, built by make_bundle.py --mutate hostile:KIND ----

struct HostileCase {
  std::string kind, format, subject, reason;
};

class HostileMember : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileMember, IsRefusedNamingTheMember) {
  const HostileCase& h = GetParam();
  TempDir dir;
  Built b = MakeBundle(dir, "b." + h.format, {"--mutate", "hostile:" + h.kind});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  BundleCheck c = Refusal(r);
  EXPECT_EQ(c.subject, h.subject);
  EXPECT_NE(c.detail.find(h.reason), std::string::npos) << c.detail;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, HostileMember,
    ::testing::Values(
        HostileCase{"absolute", "zip", "/tmp/evil.txt", "an absolute path"},
        HostileCase{"absolute", "tar", "/tmp/evil.txt", "an absolute path"},
        HostileCase{"dotdot", "zip", "b/data/../../evil.txt", "a \"..\" component"},
        HostileCase{"dotdot", "tar.gz", "b/data/../../evil.txt", "a \"..\" component"},
        HostileCase{"symlink", "zip", "b/data/items/EX-0001/link",
                    "a symbolic link to \"/etc/passwd\""},
        HostileCase{"symlink", "tar", "b/data/items/EX-0001/link",
                    "a symbolic link to \"/etc/passwd\""},
        HostileCase{"hardlink", "tar", "b/data/items/EX-0001/hard",
                    "a hard link to \"b/bagit.txt\""},
        HostileCase{"fifo", "tar", "b/data/items/EX-0001/pipe", "a fifo"},
        HostileCase{"chardev", "tar.gz", "b/data/items/EX-0001/null", "a character device"},
        HostileCase{"duplicate", "zip", "b/bagit.txt", "a duplicate name"},
        HostileCase{"duplicate", "tar", "b/bagit.txt", "a duplicate name"},
        HostileCase{"two-tops", "zip", "other/bagit.txt", "a second top folder \"other\""},
        HostileCase{"two-tops", "tar.gz", "other/", "a second top folder \"other\""},
        HostileCase{"top-file", "tar", "loose.txt", "a file outside the top folder"}),
    [](const ::testing::TestParamInfo<HostileCase>& info) {
      std::string s = info.param.kind + "_" + info.param.format;
      for (char& c : s) {
        if (c == '.' || c == '-') c = '_';
      }
      return s;
    });

// ---- Members larger than declared, bombs ----

class LargerThanDeclared : public ::testing::TestWithParam<std::vector<std::string>> {};

// items.json (read before the payload) says 1000 bytes: reading stops there, whether the size is
// in the member's header (tar, zip) or only known while inflating (zip with data descriptors).
TEST_P(LargerThanDeclared, IsRefusedAsSoonAsItOutgrowsItsDeclaredSize) {
  TempDir dir;
  std::vector<std::string> args = GetParam();
  std::string name = args[0];
  args.erase(args.begin());
  args.insert(args.end(), {"--mutate", "oversize:EX-0001"});
  Built b = MakeBundle(dir, name, args);
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  BundleCheck c = Refusal(r);
  EXPECT_EQ(c.subject, "b/data/items/EX-0001/photo 1.jpg");
  EXPECT_NE(c.detail.find("the 1000 bytes evidence/items.json declares"), std::string::npos)
      << c.detail;
}

INSTANTIATE_TEST_SUITE_P(Formats, LargerThanDeclared,
                         ::testing::Values(std::vector<std::string>{"b.tar"},
                                           std::vector<std::string>{"b.zip"},
                                           std::vector<std::string>{"b.zip", "--zip-stream"}));

// The zip's own headers say 1000 bytes but the member inflates to 1.5 MiB: reading stops at the
// first block past the declared size.
TEST(LargerThanDeclared, ZipMemberInflatingPastItsHeaderIsRefused) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.zip", {"--mutate", "zip-size:data/items/EX-0001/photo 1.jpg"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  BundleCheck c = Refusal(r);
  EXPECT_EQ(c.subject, "b/data/items/EX-0001/photo 1.jpg");
  EXPECT_NE(c.detail.find("more than the 1000 bytes its header declares"), std::string::npos)
      << c.detail;
}

long MaxRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// "N bytes unpacked" from a bomb refusal.
std::uint64_t Unpacked(const std::string& detail) {
  auto at = detail.find(" bytes unpacked");
  EXPECT_NE(at, std::string::npos) << detail;
  if (at == std::string::npos) return ~0ull;
  auto start = detail.rfind(' ', at - 1);
  return std::stoull(detail.substr(start + 1, at - start - 1));
}

class Bomb : public ::testing::TestWithParam<std::string> {};

// 2 GiB of zeros deflated (~2 MiB), placed before any tag file so that no declared size can stop
// it: the expansion limit stops reading after ~70 MiB, so time and memory are bounded by design.
TEST_P(Bomb, TwoGiBOfZerosIsRefusedEarly) {
  TempDir dir;
  Built b =
      MakeBundle(dir, "b." + GetParam(), {"--mutate", "bomb:data/items/EX-0001/zeros.bin:2048"});
  ASSERT_TRUE(b.ok);
  EXPECT_LT(fs::file_size(b.file), 8u << 20);
  long rss_before = MaxRssKiB();
  auto start = std::chrono::steady_clock::now();
  BundleReport r = MustVerify(b.file);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BundleCheck c = Refusal(r);
  EXPECT_EQ(c.subject, "b/data/items/EX-0001/zeros.bin");
  EXPECT_NE(c.detail.find("a decompression bomb"), std::string::npos) << c.detail;
  EXPECT_LT(Unpacked(c.detail), 128ull << 20) << c.detail;
  EXPECT_LT(MaxRssKiB() - rss_before, 64 * 1024) << "memory grew while reading a bomb";
  RecordProperty("seconds", std::to_string(seconds));
}

INSTANTIATE_TEST_SUITE_P(Formats, Bomb, ::testing::Values("zip", "tar.gz"),
                         [](const auto& info) { return info.param == "zip" ? "zip" : "tar_gz"; });

// The expansion can hide in headers rather than in member data: 100 members with a 1 MB pax
// header each and no data. The decompressed stream counts, so it stops all the same.
TEST(Bomb, HugeHeadersAreCountedToo) {
  TempDir dir;
  fs::path file = dir / "h.tar.gz";
  auto made = RunProgram({"python3", "-c",
                          "import sys, tarfile\n"
                          "with tarfile.open(sys.argv[1], 'w:gz', format=tarfile.PAX_FORMAT,\n"
                          "                  compresslevel=9) as tf:\n"
                          "    for i in range(100):\n"
                          "        ti = tarfile.TarInfo('h/data/f%d' % i)\n"
                          "        ti.pax_headers = {'comment': 'x' * 1000000}\n"
                          "        tf.addfile(ti)\n",
                          file.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  BundleReport r = MustVerify(file);
  BundleCheck c = Refusal(r);
  EXPECT_NE(c.detail.find("a decompression bomb"), std::string::npos) << c.detail;
  EXPECT_LT(Unpacked(c.detail), 96ull << 20) << c.detail;
  EXPECT_TRUE(r.tag_files.empty());
}

TEST(Bomb, TagFileOverItsLimitIsRefusedFromItsHeader) {
  TempDir dir;
  for (const std::string format : {"tar.gz", "zip"}) {
    Built b = MakeBundle(dir, "b." + format, {"--mutate", "bomb:evidence/report.html:2048"});
    ASSERT_TRUE(b.ok);
    BundleReport r = MustVerify(b.file);
    BundleCheck c = Refusal(r);
    EXPECT_EQ(c.subject, "b/evidence/report.html");
    EXPECT_NE(
        c.detail.find("its header says 2147483648 bytes, over the 64 MiB limit for a tag file"),
        std::string::npos)
        << c.detail;
  }
}

// ---- Many members, truncation, not an archive ----

// A gzip-compressed tar (or a zip) of `n` empty files, written with libarchive.
void WriteManyMembers(const fs::path& file, int n, bool zip) {
  arch::WritePtr a(archive_write_new());
  ASSERT_TRUE(a);
  // Stored zip members and fast gzip: the point is the count, not the compression.
  if (zip) {
    ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_set_options(a.get(), "zip:compression=store"), ARCHIVE_OK);
  } else {
    ASSERT_EQ(archive_write_set_format_pax_restricted(a.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_add_filter_gzip(a.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_set_options(a.get(), "gzip:compression-level=1"), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_open_filename(a.get(), file.c_str()), ARCHIVE_OK);
  arch::EntryPtr e(archive_entry_new());
  char name[64];
  for (int i = 0; i < n; ++i) {
    archive_entry_clear(e.get());
    std::snprintf(name, sizeof name, "many/data/items/EX-0001/f%06d", i);
    archive_entry_set_pathname(e.get(), name);
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), 0);
    ASSERT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

TEST(ManyMembers, TwoHundredThousandTinyMembersAreRefusedAtTheLimit) {
  TempDir dir;
  for (bool zip : {false, true}) {
    SCOPED_TRACE(zip ? "zip" : "tar.gz");
    fs::path file = dir / (zip ? "many.zip" : "many.tar.gz");
    WriteManyMembers(file, 200'000, zip);
    BundleReport r = MustVerify(file);
    BundleCheck c = Refusal(r);
    EXPECT_EQ(c.subject, "archive");
    EXPECT_NE(c.detail.find("more than 100000 members"), std::string::npos) << c.detail;
  }
}

class Truncated : public ::testing::TestWithParam<std::string> {};

TEST_P(Truncated, HalfAnArchiveIsRefused) {
  TempDir dir;
  Built b = MakeBundle(dir, "b." + GetParam());
  ASSERT_TRUE(b.ok);
  fs::resize_file(b.file, fs::file_size(b.file) / 2);
  BundleReport r = MustVerify(b.file);
  BundleCheck c = Refusal(r);
  EXPECT_NE(c.detail.find("truncated or corrupt"), std::string::npos) << c.detail;
  EXPECT_EQ(c.subject, "b/data/items/EX-0001/photo 1.jpg") << c.detail;
}

INSTANTIATE_TEST_SUITE_P(Formats, Truncated, ::testing::Values("zip", "tar", "tar.gz"),
                         [](const auto& info) {
                           return info.param == "tar.gz" ? std::string("tar_gz") : info.param;
                         });

TEST(NotABundle, IsAnErrorNotAReport) {
  TempDir dir;
  EXPECT_EQ(VerifyBundle(dir / "missing.zip", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(VerifyBundle(dir.path(), {}).status().code(), StatusCode::kInvalidArgument);
  WriteFile(dir / "notes.zip", "these are my notes, not an archive\n");
  auto text = VerifyBundle(dir / "notes.zip", {});
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(text.status().message().find("not a .zip, .tar or .tar.gz bundle"), std::string::npos)
      << text.status().message();
  WriteFile(dir / "empty.tar", "");
  EXPECT_EQ(VerifyBundle(dir / "empty.tar", {}).status().code(), StatusCode::kInvalidArgument);
  // gzip, but not of a tar.
  auto gz = RunProgram({"python3", "-c",
                        "import gzip, sys; open(sys.argv[1], 'wb').write(gzip.compress(b'hello "
                        "world\\n' * 100))",
                        (dir / "text.tar.gz").string()});
  ASSERT_EQ(gz.exit_code, 0) << gz.err;
  EXPECT_EQ(VerifyBundle(dir / "text.tar.gz", {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(NotABundle, EmptyTarIsARefusedReport) {
  TempDir dir;
  WriteFile(dir / "empty.tar", std::string(10240, '\0'));
  BundleReport r = MustVerify(dir / "empty.tar");
  BundleCheck c = Refusal(r);
  EXPECT_NE(c.detail.find("no members"), std::string::npos) << c.detail;
}

// ---- Names from a hostile archive are shown, never interpreted ----

TEST(HostileNames, ControlCharactersAndInvalidUtf8AreMadePrintable) {
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar", {"--mutate", "add:evidence/\x1b[2Jcleared.txt"});
  ASSERT_TRUE(b.ok);
  BundleReport r = MustVerify(b.file);
  EXPECT_TRUE(Fails(r, "bagit", "evidence/\\x1b[2Jcleared.txt", "not listed")) << Describe(r);
  for (const auto& c : r.checks) {
    EXPECT_EQ(c.subject.find('\x1b'), std::string::npos);
    EXPECT_EQ(c.detail.find('\x1b'), std::string::npos);
  }

  // A raw non-UTF-8 name (a refused symlink, so that the name is the subject), via libarchive.
  fs::path file = dir / "latin1.tar";
  {
    arch::WritePtr a(archive_write_new());
    ASSERT_EQ(archive_write_set_format_ustar(a.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_open_filename(a.get(), file.c_str()), ARCHIVE_OK);
    arch::EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), "latin1/evidence/caf\xe9\x1b.txt");
    archive_entry_set_filetype(e.get(), AE_IFLNK);
    archive_entry_set_symlink(e.get(), "/etc/passwd");
    archive_entry_set_perm(e.get(), 0644);
    ASSERT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
  }
  BundleReport latin = MustVerify(file);
  BundleCheck c = Refusal(latin);
  EXPECT_EQ(c.subject, "latin1/evidence/caf\xef\xbf\xbd\\x1b.txt");
  EXPECT_NO_THROW((void)BundleReportJson(latin).dump());
}

// ---- The limits themselves, through the scanner ----

TEST(ScanLimits, EachLimitStopsReading) {
  using bundle_internal::ScanArchive;
  using bundle_internal::ScanLimits;
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar");
  ASSERT_TRUE(b.ok);
  struct Case {
    ScanLimits limits;
    std::string reason;
  };
  ScanLimits members, tag, tags, path, member;
  members.max_members = 5;
  tag.max_tag_file = 1000;
  tags.max_tag_total = 6000;
  path.max_path = 20;
  member.max_member = 100;
  for (const Case& c :
       {Case{members, "more than 5 members"}, Case{tag, "the 1000 bytes limit for a tag file"},
        Case{tags, "tag files total more than 6000 bytes"}, Case{path, "bytes (limit 20)"},
        Case{member, "the 100 bytes limit for a member"}}) {
    SCOPED_TRACE(c.reason);
    auto scan = ScanArchive(b.file, c.limits);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    ASSERT_TRUE(scan->refusal.has_value());
    EXPECT_NE(scan->refusal->detail.find(c.reason), std::string::npos) << scan->refusal->detail;
  }
  auto full = ScanArchive(b.file);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->refusal.has_value()) << full->refusal->detail;
  EXPECT_EQ(full->format, "tar");
  EXPECT_EQ(full->payload.size(), 3u);
  EXPECT_EQ(full->top_folder, "b");
}

TEST(ScanLimits, PayloadBeyondPayloadOxumStopsReading) {
  using bundle_internal::ScanArchive;
  using bundle_internal::ScanLimits;
  TempDir dir;
  Built b = MakeBundle(dir, "b.tar", {"--mutate", "add:data/items/EX-0009/extra.bin"});
  ASSERT_TRUE(b.ok);
  ScanLimits limits;
  limits.oxum_slack = 0;
  auto scan = ScanArchive(b.file, limits);
  ASSERT_TRUE(scan.ok());
  ASSERT_TRUE(scan->refusal.has_value());
  EXPECT_EQ(scan->refusal->subject, "b/data/items/EX-0009/extra.bin");
  EXPECT_NE(scan->refusal->detail.find("Payload-Oxum"), std::string::npos) << scan->refusal->detail;
}

}  // namespace
}  // namespace evidence::bundle_test
