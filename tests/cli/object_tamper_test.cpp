// Objects that are not what the ledger recorded: a link, a FIFO, a folder, a huge sparse file.
// Whoever has the case folder can put any of them at an object's address. verify, export and
// extract must report the exhibit as not verifying, at once, without reading through the link or
// waiting on the FIFO, and leave the case as it was (docs/case-format.md, "Objects").
#include <sys/stat.h>
#include <unistd.h>

#include "cli_fixture.hpp"
#include "evidence/hash.hpp"

namespace evidence::testing {
namespace {

class ObjectTamper : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"a.txt", "first message"}, {"b.txt", "second message"}}) {
      auto r = Ev({"add", WriteInput(name, content).string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(Ev({"verify"}).exit_code, 0);
    object_ = ObjectOf("first message");
    fs::permissions(object_.parent_path(), fs::perms::owner_all, fs::perm_options::add);
    fs::remove(object_);
  }

  fs::path ObjectOf(const std::string& content) {
    std::string hex = DigestHex(Sha256::Of(std::string_view(content)));
    return case_dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  }

  // `evidence -C <case> args...` under timeout(1): a hang shows as exit 124, not as a stuck
  // test.
  RunResult Bounded(std::vector<std::string> args) {
    args.insert(args.begin(), {"timeout", "60", EVIDENCE_BIN, "-C", case_dir().string()});
    return RunProgram(args);
  }

  // verify, export and extract all exit 1 naming the exhibit and `what`, and change nothing.
  void ExpectEveryReaderRefuses(const std::string& what) {
    std::string before = Snapshot();
    auto v = Bounded({"verify"});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_NE(v.out.find("FAIL  EX-0001 (a.txt): object objects/"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find(what), std::string::npos) << v.out;
    EXPECT_EQ(v.out.find("EX-0002"), std::string::npos) << v.out;

    fs::path bundle = tmp().path() / "bundle.zip";
    auto e = Bounded({"export", "--out", bundle.string()});
    EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
    EXPECT_NE(e.err.find("EX-0001"), std::string::npos) << e.err;
    EXPECT_NE(e.err.find(what), std::string::npos) << e.err;
    EXPECT_FALSE(fs::exists(bundle));

    fs::path to = tmp().path() / "extracted";
    fs::create_directories(to);
    auto x = Bounded({"extract", "EX-0001", "--to", to.string()});
    EXPECT_EQ(x.exit_code, 1) << x.out << x.err;
    EXPECT_NE(x.err.find("EX-0001"), std::string::npos) << x.err;
    EXPECT_NE(x.err.find(what), std::string::npos) << x.err;
    EXPECT_TRUE(fs::is_empty(to));

    EXPECT_EQ(Snapshot(), before);
  }

  fs::path object_;
};

TEST_F(ObjectTamper, ObjectReplacedBySymlinkToDevZeroFailsQuickly) {
  fs::create_symlink("/dev/zero", object_);
  ExpectEveryReaderRefuses("is a symbolic link");
}

TEST_F(ObjectTamper, ObjectReplacedByFifoFailsQuickly) {
  ASSERT_EQ(::mkfifo(object_.c_str(), 0644), 0);
  ExpectEveryReaderRefuses("is a FIFO");
}

TEST_F(ObjectTamper, SparseObjectLargerThanSignedSizeIsNotRead) {
  // 20 GiB of holes recorded as 13 bytes: refused on its length, before a byte is read.
  WriteFile(object_, "first message");
  fs::resize_file(object_, std::uint64_t{20} << 30);
  ExpectEveryReaderRefuses("is 21474836480 bytes, not the 13 recorded");
}

TEST_F(ObjectTamper, ObjectReplacedByFolderFails) {
  fs::create_directory(object_);
  ExpectEveryReaderRefuses("is a folder");
}

// The bytes behind the link are the genuine ones: it is the link itself that is refused, since
// what it points at is outside the case and can change at any time.
TEST_F(ObjectTamper, SymlinkOutOfTheCaseIsNotFollowedEvenToTheRightBytes) {
  fs::path outside = tmp().path() / "outside.txt";
  WriteFile(outside, "first message");
  fs::create_symlink(outside, object_);
  ExpectEveryReaderRefuses("is a symbolic link");
}

TEST_F(ObjectTamper, ObjectFolderReplacedBySymlinkOutOfTheCaseIsNotFollowed) {
  // objects/XX moved out of the case and linked back, the right object inside it.
  fs::path folder = object_.parent_path();
  fs::path outside = tmp().path() / "outside";
  fs::rename(folder, outside);
  WriteFile(outside / object_.filename(), "first message");
  fs::create_symlink(outside, folder);
  ExpectEveryReaderRefuses("objects/" + folder.filename().string() + " is a symbolic link");
}

// The right bytes at the right address again (the user restores the file): everything reads.
TEST_F(ObjectTamper, ObjectPutBackVerifiesAgain) {
  WriteFile(object_, "first message");
  EXPECT_EQ(Bounded({"verify"}).exit_code, 0);
}

// Adding the same file again stores a real copy over whatever was left at its address.
TEST_F(ObjectTamper, AddingTheFileAgainReplacesAFifoAtItsAddress) {
  ASSERT_EQ(::mkfifo(object_.c_str(), 0644), 0);
  auto r = Bounded({"add", WriteInput("again.txt", "first message").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto v = Bounded({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

}  // namespace
}  // namespace evidence::testing
