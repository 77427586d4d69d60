// How an original is labelled for the browser (tools/app/original_file.hpp) and which exhibit ids
// reach the case (evidence_views.hpp), as pure functions.
#include <gtest/gtest.h>

#include "evidence_views.hpp"
#include "original_file.hpp"

namespace evidence::app {
namespace {

TEST(AppOriginal, AttachmentNameEncodesEveryByteThatCouldEndTheHeader) {
  EXPECT_EQ(AttachmentDisposition("a\"b;c\r\nSet-Cookie: x.html"),
            "attachment; filename*=UTF-8''a%22b%3Bc%0D%0ASet-Cookie%3A%20x.html");
  EXPECT_EQ(AttachmentDisposition("caf\xC3\xA9 'x'.svg"),
            "attachment; filename*=UTF-8''caf%C3%A9%20%27x%27.svg");
  EXPECT_EQ(AttachmentDisposition("dir/evil%20.pdf"), "attachment; filename*=UTF-8''evil%2520.pdf");
  EXPECT_EQ(AttachmentDisposition(""), "attachment; filename*=UTF-8''original");
}

TEST(AppOriginal, OnlyInertTypesKeepTheirType) {
  for (const char* t : {"image/jpeg", "image/png", "image/gif", "image/webp", "audio/mpeg",
                        "audio/ogg", "audio/mp4", "audio/aac", "audio/wav"}) {
    EXPECT_EQ(ServedContentType(t), t);
    EXPECT_FALSE(ServedAsAttachment(t)) << t;
  }
  EXPECT_EQ(ServedContentType("audio/x-wav"), "audio/wav");
  EXPECT_EQ(ServedContentType("audio/x-m4a"), "audio/mp4");
  for (const char* t : {"text/html", "image/svg+xml", "application/xml", "text/xml",
                        "application/pdf", "text/plain", "image/tiff", "video/mp4",
                        "application/octet-stream", "", "image/jpeg; charset=x", "IMAGE/JPEG"}) {
    EXPECT_EQ(ServedContentType(t), "application/octet-stream") << t;
    EXPECT_TRUE(ServedAsAttachment(t)) << t;
  }
}

TEST(AppOriginal, ExhibitIdsAreAPrefixADashAndDigits) {
  for (const char* id : {"EX-0001", "JS-12", "AB1-0003", "OLD-EX-0001"}) {
    EXPECT_TRUE(LooksLikeExhibit(id)) << id;
  }
  for (const char* id : {"", "-1", "EX-", "EX", "EX-00a1", "../keys", "EX-0001/file", "<b>-1",
                         "EX 1-1", "EX-0001\n"}) {
    EXPECT_FALSE(LooksLikeExhibit(id)) << id;
  }
  EXPECT_FALSE(LooksLikeExhibit(std::string(61, 'A') + "-0001"));
}

}  // namespace
}  // namespace evidence::app
