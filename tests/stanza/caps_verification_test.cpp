// Checking someone else's entity caps (XEP-0115 §5.4): the hash input and hash of the XEP's examples, and the
// answers that must not stand for a client version (ill-formed, lying, unknown algorithm).
#include "golden.hpp"
#include "jicofo/stanza/disco.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::xml;

constexpr const char* kSimpleInput =
    "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<"
    "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<";

// §5.2, in the answer's order (not sorted), as a client would send it.
DiscoInfo simple_example() {
    DiscoInfo info;
    info.identities.push_back({"client", "pc", "Exodus 0.9.1", std::nullopt});
    info.features = {"http://jabber.org/protocol/muc", "http://jabber.org/protocol/disco#info",
                     "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/caps"};
    return info;
}

// §5.3, with the extended form (software information).
DiscoInfo complex_example(const std::string& form_type_field_type = "hidden") {
    const auto parsed = DiscoInfo::parse(xml(R"(<query xmlns='http://jabber.org/protocol/disco#info'>
        <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
        <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
        <feature var='http://jabber.org/protocol/caps'/>
        <feature var='http://jabber.org/protocol/disco#info'/>
        <feature var='http://jabber.org/protocol/disco#items'/>
        <feature var='http://jabber.org/protocol/muc'/>
        <x xmlns='jabber:x:data' type='result'>
          <field var='FORM_TYPE' type=')" + form_type_field_type +
                                             R"('>
            <value>urn:xmpp:dataforms:softwareinfo</value></field>
          <field var='ip_version'><value>ipv6</value><value>ipv4</value></field>
          <field var='os'><value>Mac</value></field>
          <field var='os_version'><value>10.5.1</value></field>
          <field var='software'><value>Psi</value></field>
          <field var='software_version'><value>0.11</value></field>
        </x>
      </query>)"));
    EXPECT_TRUE(parsed) << parsed.error().message();
    return parsed ? *parsed : DiscoInfo{};
}

EntityCaps announced(std::string ver, std::string hash = "sha-1") {
    return EntityCaps{std::move(hash), "http://code.google.com/p/exodus", std::move(ver)};
}

TEST(CapsVerification, SimpleExampleHashesToTheXepsVer) {
    EXPECT_EQ(caps_hash_input(simple_example()), kSimpleInput);
    EXPECT_EQ(caps_hash("sha-1", kSimpleInput), "QgayPKawpkPSDYmwT/WM94uAlu0=");
    EXPECT_EQ(verify_caps(announced("QgayPKawpkPSDYmwT/WM94uAlu0="), simple_example()), CapsCheck::verified);
}

TEST(CapsVerification, ComplexExampleWithAnExtendedFormHashesToTheXepsVer) {
    const auto input = caps_hash_input(complex_example());
    ASSERT_TRUE(input);
    EXPECT_EQ(*input,
              "client/pc/el/Ψ 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<"
              "http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<"
              "http://jabber.org/protocol/muc<urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<os<Mac<"
              "os_version<10.5.1<software<Psi<software_version<0.11<");
    EXPECT_EQ(verify_caps(announced("q07IKJEyjvHSyhy//CH0CxmKi8w="), complex_example()), CapsCheck::verified);
}

TEST(CapsVerification, OtherShaAlgorithmsAreAcceptedAndWeakOrUnknownOnesAreNot) {
    // sha-256 of the simple example's input, from an independent implementation (Python's hashlib).
    EXPECT_EQ(verify_caps(announced("Wr6IGEKhx6b9627gBmi/cCmpxXBc/GYq5zWuYfWGWoc=", "sha-256"), simple_example()),
              CapsCheck::verified);
    EXPECT_TRUE(caps_hash_supported("sha-512"));
    for (const char* algorithm : {"md5", "SHA-1", "sha1", "", "md2"}) {
        EXPECT_FALSE(caps_hash_supported(algorithm)) << algorithm;
        EXPECT_FALSE(caps_hash(algorithm, kSimpleInput)) << algorithm;
        EXPECT_EQ(verify_caps(announced("QgayPKawpkPSDYmwT/WM94uAlu0=", algorithm), simple_example()),
                  CapsCheck::unsupported_hash)
            << algorithm;
    }
}

TEST(CapsVerification, AnAnswerThatIsNotWhatTheVerAnnouncedIsAMismatch) {
    auto lying = simple_example();
    lying.features.erase(lying.features.begin());  // claims the ver of the full set, answers without muc
    EXPECT_EQ(verify_caps(announced("QgayPKawpkPSDYmwT/WM94uAlu0="), lying), CapsCheck::mismatch);
    // sha-1 over the three features left, from hashlib: the answer is good only for its own hash.
    EXPECT_EQ(caps_hash("sha-1", *caps_hash_input(lying)), "x3TROkdSbvCxf04qCf8f6ZPluiM=");
    EXPECT_EQ(verify_caps(announced("x3TROkdSbvCxf04qCf8f6ZPluiM="), lying), CapsCheck::verified);
    // A ver that differs only in the hash's case is not the same hash.
    EXPECT_EQ(verify_caps(announced("qgaypkawpkpsdymwt/wm94ualu0="), simple_example()), CapsCheck::mismatch);
}

TEST(CapsVerification, DuplicatesMakeTheAnswerIllFormed) {
    auto feature_twice = simple_example();
    feature_twice.features.push_back("http://jabber.org/protocol/muc");
    EXPECT_FALSE(caps_hash_input(feature_twice));
    EXPECT_EQ(verify_caps(announced("QgayPKawpkPSDYmwT/WM94uAlu0="), feature_twice), CapsCheck::ill_formed);

    auto identity_twice = simple_example();
    identity_twice.identities.push_back(identity_twice.identities.front());
    EXPECT_EQ(verify_caps(announced("QgayPKawpkPSDYmwT/WM94uAlu0="), identity_twice), CapsCheck::ill_formed);
    // The same category and type with another name is a different identity.
    identity_twice.identities.back().name = "Exodus 0.9.2";
    EXPECT_TRUE(caps_hash_input(identity_twice));

    auto form_twice = complex_example();
    form_twice.extensions.push_back(form_twice.extensions.front());
    EXPECT_EQ(verify_caps(announced("q07IKJEyjvHSyhy//CH0CxmKi8w="), form_twice), CapsCheck::ill_formed);

    auto two_form_types = complex_example();
    two_form_types.extensions.front().set_field(
        "FORM_TYPE", std::vector<std::string>{"urn:xmpp:dataforms:softwareinfo", "urn:example"}, "hidden");
    EXPECT_EQ(verify_caps(announced("q07IKJEyjvHSyhy//CH0CxmKi8w="), two_form_types), CapsCheck::ill_formed);
}

TEST(CapsVerification, AFormWhoseFormTypeIsNotHiddenIsLeftOut) {
    const auto visible = complex_example("text-single");
    auto without_form = visible;
    without_form.extensions.clear();
    EXPECT_EQ(caps_hash_input(visible), caps_hash_input(without_form));
    EXPECT_EQ(verify_caps(announced("q07IKJEyjvHSyhy//CH0CxmKi8w="), visible), CapsCheck::mismatch);
}

TEST(CapsVerification, OurOwnVerStillCoversEveryFormWithAFormType) {
    EXPECT_EQ(EntityCaps::compute_ver(complex_example()), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
    EXPECT_EQ(EntityCaps::compute_ver(complex_example("text-single")), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

}  // namespace
}  // namespace jicofo::stanza
