// FileSystem (libevidence/src/os/file_system.hpp): the POSIX seam every write into a case goes
// through. Here: OpenForOverwrite, which `encrypt` uses to zero the plaintext files it replaces.
#include "file_system.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "testing.hpp"

namespace evidence::testing {
namespace {

std::string Overwrite(const fs::path& path, std::string_view bytes) {
  auto file = FileSystem::Default().OpenForOverwrite(path);
  if (!file.ok()) return file.status().ToString();
  Status s = (*file)->Append(AsBytes(bytes));
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  return s.ok() ? "" : s.ToString();
}

TEST(FileSystem, OpenForOverwriteReplacesBytesFromTheStartWithoutTruncating) {
  TempDir tmp;
  const fs::path p = tmp / "object";
  WriteFile(p, "plaintext evidence");
  EXPECT_EQ(Overwrite(p, "000000000"), "");
  EXPECT_EQ(ReadFile(p), "000000000 evidence");
}

TEST(FileSystem, OpenForOverwriteMakesAReadOnlyObjectWritableByItsOwnerOnly) {
  TempDir tmp;
  const fs::path p = tmp / "object";
  WriteFile(p, "abc");
  fs::permissions(p, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  EXPECT_EQ(Overwrite(p, "xyz"), "");
  EXPECT_EQ(ReadFile(p), "xyz");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(FileSystem, OpenForOverwriteRefusesASymbolicLinkAndLeavesItsTargetAlone) {
  TempDir tmp;
  const fs::path target = tmp / "outside";
  WriteFile(target, "not the case's");
  fs::permissions(target, fs::perms::owner_read);
  fs::create_symlink(target, tmp / "link");
  EXPECT_NE(Overwrite(tmp / "link", "zzz"), "");
  EXPECT_EQ(ReadFile(target), "not the case's");
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all, fs::perms::owner_read);
}

TEST(FileSystem, OpenForOverwriteOfAMissingFileFailsAndCreatesNothing) {
  TempDir tmp;
  auto file = FileSystem::Default().OpenForOverwrite(tmp / "gone");
  ASSERT_FALSE(file.ok());
  EXPECT_FALSE(fs::exists(tmp / "gone"));
}

}  // namespace
}  // namespace evidence::testing
