// ReadSmallFile: the one bounded reader for files a hostile party may have put in place.
#include "small_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(ReadSmallFile, ReadsAFileUpToTheLimit) {
  TempDir dir;
  WriteFile(dir / "a.txt", "hello");
  auto text = ReadSmallFile(dir / "a.txt", 5);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "hello");
  WriteFile(dir / "empty", "");
  auto empty = ReadSmallFile(dir / "empty", 0);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(*empty, "");
}

TEST(ReadSmallFile, AFileOverTheLimitIsRefusedNamingFileAndLimit) {
  TempDir dir;
  WriteFile(dir / "big.txt", "123456");
  auto text = ReadSmallFile(dir / "big.txt", 5);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(), (dir / "big.txt").string() + ": larger than 5 bytes");
  WriteFile(dir / "mib.txt", std::string((1 << 20) + 1, 'x'));
  auto mib = ReadSmallFile(dir / "mib.txt", 1 << 20);
  ASSERT_FALSE(mib.ok());
  EXPECT_EQ(mib.status().message(), (dir / "mib.txt").string() + ": larger than 1 MiB");
}

TEST(ReadSmallFile, AMissingFileIsNotFound) {
  TempDir dir;
  auto text = ReadSmallFile(dir / "nope", 100);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(text.status().message(), (dir / "nope").string() + ": no such file");
}

// Without a writer, a blocking open of a FIFO would never return: the test would hang, not fail.
TEST(ReadSmallFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  auto text = ReadSmallFile(dir / "fifo", 100);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(), (dir / "fifo").string() + ": not a regular file");
}

TEST(ReadSmallFile, DevZeroAndFoldersAreRefused) {
  TempDir dir;
  std::filesystem::create_symlink("/dev/zero", dir / "zero");
  auto zero = ReadSmallFile(dir / "zero", 100);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message(), (dir / "zero").string() + ": not a regular file");
  auto folder = ReadSmallFile(dir.path(), 100);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().message(), dir.path().string() + ": not a regular file");
}

}  // namespace
}  // namespace evidence
