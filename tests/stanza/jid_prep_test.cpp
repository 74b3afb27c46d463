// JIDs in Prosody's form: nodeprep folds case and compatibility characters (NFKC), nameprep does the same for the
// domain, and names with prohibited characters are refused.
#include "jicofo/stanza/jid_prep.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

Jid jid(const std::string& text) {
    return Jid::parse(text).value();
}

std::string prepped(const std::string& text) {
    auto result = prep(jid(text));
    return result ? result->to_string() : "refused: " + result.error().text;
}

TEST(JidPrepTest, CaseAndCompatibilityCharactersFoldToOneJid) {
    // U+FF32 FULLWIDTH LATIN CAPITAL LETTER R, U+FF4F FULLWIDTH o: NFKC makes them R and o, case folding r.
    EXPECT_EQ(prepped("\xEF\xBC\xB2oom1@conference.meet.test"), "room1@conference.meet.test");
    EXPECT_EQ(prepped("r\xEF\xBD\x8Fom1@conference.meet.test"), "room1@conference.meet.test");
    // Non-ASCII upper case folds too (Jid::parse folds only ASCII): Ä → ä.
    EXPECT_EQ(prepped("\xC3\x84rger@conference.meet.test"), "\xC3\xA4rger@conference.meet.test");
    // ß folds to ss in nodeprep (case folding B.2).
    EXPECT_EQ(prepped("stra\xC3\x9F"
                      "e@conference.meet.test"),
              "strasse@conference.meet.test");
    // Fullwidth letters in the domain (nameprep).
    EXPECT_EQ(prepped("room1@\xEF\xBD\x83onference.meet.test"), "room1@conference.meet.test");
    // Prosody strips the empty root label.
    EXPECT_EQ(prepped("room1@conference.meet.test."), "room1@conference.meet.test");
    // Soft hyphen (U+00AD) is mapped to nothing.
    EXPECT_EQ(prepped("ro\xC2\xAD"
                      "om1@conference.meet.test"),
              "room1@conference.meet.test");
    // The resource keeps its case but is NFKC-normalised.
    EXPECT_EQ(prepped("room1@conference.meet.test/\xEF\xBC\xB2"), "room1@conference.meet.test/R");
    // Already canonical: unchanged.
    EXPECT_EQ(prepped("room1@conference.meet.test"), "room1@conference.meet.test");
}

TEST(JidPrepTest, NamesProsodyRefusesAreRefused) {
    // U+E000 (private use) and U+2028 (line separator) are prohibited in a localpart.
    EXPECT_EQ(prepped("room\xEE\x80\x80@conference.meet.test").rfind("refused", 0), 0U);
    EXPECT_EQ(prepped("room\xE2\x80\xA8@conference.meet.test").rfind("refused", 0), 0U);
    // U+00A0 becomes a space under NFKC, which nodeprep prohibits.
    EXPECT_EQ(prepped("a\xC2\xA0"
                      "b@conference.meet.test")
                  .rfind("refused", 0),
              0U);
    // A right-to-left character next to a left-to-right one breaks the bidi rule.
    EXPECT_EQ(prepped("a\xD7\x90@conference.meet.test").rfind("refused", 0), 0U);
    // A localpart of only ignorable characters is empty after mapping.
    EXPECT_EQ(prepped("\xC2\xAD@conference.meet.test").rfind("refused", 0), 0U);
    EXPECT_FALSE(nodeprep(std::string(1024, 'a')));
    EXPECT_TRUE(nodeprep(std::string(1023, 'a')));
    EXPECT_FALSE(nodeprep(""));
}

}  // namespace
}  // namespace jicofo::stanza
