// Text in and out of the pages (tools/app/text_input.hpp), as pure functions.
#include "text_input.hpp"

#include <gtest/gtest.h>

namespace evidence::app {
namespace {

TEST(AppText, FirstLineKeepsAShortFirstLineWhole) {
  EXPECT_EQ(FirstLine("a box on the doorstep\nand a card", 60), "a box on the doorstep");
  EXPECT_EQ(FirstLine("", 60), "");
  EXPECT_EQ(FirstLine(std::string(60, 'x'), 60), std::string(60, 'x'));
}

TEST(AppText, FirstLineCutsALongLineAtACharacterBoundaryWithinTheLimit) {
  EXPECT_EQ(FirstLine(std::string(61, 'x'), 60), std::string(57, 'x') + "...");
  // "é" is two bytes: a cut inside it moves back to where it starts.
  const std::string accents = std::string(56, 'x') + "\xC3\xA9\xC3\xA9\xC3\xA9";
  const std::string cut = FirstLine(accents, 60);
  EXPECT_EQ(cut, std::string(56, 'x') + "...");
  EXPECT_LE(cut.size(), 60u);
}

}  // namespace
}  // namespace evidence::app
