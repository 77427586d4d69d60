// evidence/VERIFYING.txt is the template in the repository with its placeholders filled, and
// nothing else: the text an officer follows by hand is reviewed in one file.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "verifying_text.hpp"

namespace evidence::bundle_format {
namespace {

std::string TemplateFile() {
  std::ifstream in(std::string(EVIDENCE_SOURCE_DIR) + "/libevidence/src/bundle/VERIFYING.txt.in",
                   std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

VerifyingFacts Facts() {
  return {.case_uuid = "0b6f1d52-2c55-4f0e-9d2a-6f3f1f7c9a10",
          .case_name = "Harassment 2026",
          .owner = "Alex Doe",
          .fingerprint = "SHA256:" + std::string(64, 'a'),
          .archive = "for-police.zip",
          .top_folder = "for-police",
          .tree_size = 42,
          .timestamps = false};
}

std::string FilledByHand(const VerifyingFacts& f, bool timestamps) {
  std::string t = TemplateFile();
  const std::string open = "{{#timestamps}}\n", close = "{{/timestamps}}\n";
  auto begin = t.find(open), end = t.find(close);
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  if (timestamps) {
    t.erase(end, close.size());
    t.erase(begin, open.size());
  } else {
    t.erase(begin, end + close.size() - begin);
  }
  t = ReplaceAll(t, "{{case_uuid}}", f.case_uuid);
  t = ReplaceAll(t, "{{case_name}}", f.case_name);
  t = ReplaceAll(t, "{{owner}}", f.owner);
  t = ReplaceAll(t, "{{fingerprint}}", f.fingerprint);
  t = ReplaceAll(t, "{{archive}}", f.archive);
  t = ReplaceAll(t, "{{top_folder}}", f.top_folder);
  t = ReplaceAll(t, "{{tree_size}}", std::to_string(f.tree_size));
  return t;
}

TEST(VerifyingText, CompiledTemplateIsTheFileInTheRepository) {
  ASSERT_FALSE(TemplateFile().empty());
  EXPECT_EQ(std::string(kVerifyingTemplate), TemplateFile());
}

TEST(VerifyingText, IsTheTemplateWithItsPlaceholdersFilled) {
  VerifyingFacts f = Facts();
  std::string text = RenderVerifying(f);
  EXPECT_EQ(text, FilledByHand(f, false));
  EXPECT_EQ(text.find("{{"), std::string::npos) << text;
  EXPECT_EQ(text.find("openssl ts -verify"), std::string::npos);
  EXPECT_NE(text.find("cd for-police\n"), std::string::npos);
  EXPECT_NE(text.find("custody ledger, 42 entries)"), std::string::npos);
}

TEST(VerifyingText, TimeStampStepOnlyWhenTheBundleCarriesTokens) {
  VerifyingFacts f = Facts();
  f.timestamps = true;
  std::string text = RenderVerifying(f);
  EXPECT_EQ(text, FilledByHand(f, true));
  EXPECT_NE(text.find("openssl ts -verify"), std::string::npos);
  // The step comes before the closing line, as the other steps do.
  EXPECT_LT(text.find("openssl ts -verify"), text.find("The formats are described"));
}

// A case name is the owner's text: braces in it are printed, never taken as a placeholder.
TEST(VerifyingText, ValuesAreNotReadAsPlaceholders) {
  VerifyingFacts f = Facts();
  f.case_name = "{{owner}} and {{#timestamps}}";
  std::string text = RenderVerifying(f);
  EXPECT_NE(text.find("(\"{{owner}} and {{#timestamps}}\")"), std::string::npos) << text;
}

}  // namespace
}  // namespace evidence::bundle_format
