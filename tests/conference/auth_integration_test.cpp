// Authentication against a real Prosody with slixmpp clients (protocol §4(j), type XMPP): a guest of the anonymous
// domain cannot create a room, a user logged in on the authentication domain can and gets a session, the guest
// authenticates with that session (and becomes owner while in the room), a wrong machine-uid or an unknown session
// gets the errors lib-jitsi-meet acts on, and <login-url/> and <logout/> are answered.
#include "jicofo/conference/authentication_iq_handler.hpp"
#include "jicofo/conference/conference.hpp"
#include "jicofo/conference/conference_iq_handler.hpp"
#include "jicofo/conference/focus_manager.hpp"

#include "auth/jwt_builder.hpp"
#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

#include <future>
#include <regex>

namespace jicofo::conference {
namespace {

using namespace std::chrono_literals;
using jicofo::testing::connect_command;
using jicofo::testing::connect_peer;
using jicofo::testing::event_json;
using jicofo::testing::PeerProcess;
using xmpp::testing::eventually;

constexpr const char* kAuthDomain = "secure.meet.test";
constexpr const char* kFocus = "focus@auth.meet.test/focus";
constexpr const char* kRoom = "secret@conference.meet.test";

class AuthIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto options = xmpp::testing::prosody_options();
        // The authentication domain users log in on with a password, as a secure-domain deployment has it.
        options.extra_hosts_lua =
            std::string("VirtualHost \"") + kAuthDomain + "\"\n  authentication = \"internal_hashed\"\n";
        options.users.emplace_back("alice", kAuthDomain, "alice-secret");
        options.users.emplace_back("bob", kAuthDomain, "bob-secret");
        prosody_ = jicofo::testing::start_prosody(options);
        ASSERT_TRUE(prosody_);
        start_focus(auth_settings());
    }

    // The authentication the focus runs with; a test may override it.
    [[nodiscard]] virtual auth::AuthenticationSettings auth_settings() const {
        auth::AuthenticationSettings settings;
        settings.type = auth::AuthenticationType::xmpp;
        settings.domain = kAuthDomain;
        return settings;
    }

    void TearDown() override {
        if (manager_) {
            manager_->stop();
            eventually([this] { return snapshot().conferences.empty(); }, 5s);
        }
        handler_.reset();
        auth_handler_.reset();
        if (connection_) {
            connection_->stop();
        }
    }

    void start_focus(const auth::AuthenticationSettings& auth_settings) {
        connection_ = std::make_shared<xmpp::XmppConnection>(xmpp::testing::focus_settings(*prosody_));
        ConferenceSettings settings;
        settings.focus_jid = stanza::Jid::parse("focus@auth.meet.test").value();
        settings.version = "1.0-test";
        settings.join_timeout = 5s;
        auto executor = boost::asio::any_io_executor(io_.io.get_executor());
        auto* connection = connection_.get();
        manager_ = FocusManager::create(
            executor, settings,
            [connection, executor, shared = share_conference_settings(settings)](const stanza::Jid& room,
                                                                                 ConferenceCallbacks callbacks) {
                return Conference::create(*connection, executor, shared, room, std::move(callbacks));
            },
            nullptr, std::make_unique<auth::AuthenticationAuthority>(auth_settings));
        handler_ = std::make_unique<ConferenceIqHandler>(connection_, manager_, std::nullopt);
        auth_handler_ = std::make_unique<AuthenticationIqHandler>(connection_, manager_, auth_settings);
        connection_->start();
        ASSERT_TRUE(eventually([this] { return connection_->status().state == xmpp::ConnectionState::connected; }))
            << prosody_->log_text();
    }

    std::unique_ptr<PeerProcess> guest(const std::string& name) {
        auto peer = jicofo::testing::start_peer(name);
        if (peer) {
            jids_[name] = connect_peer(*peer, *prosody_, connect_command(*prosody_, prosody_->domain()));
        }
        return peer;
    }

    std::unique_ptr<PeerProcess> user(const std::string& name) {
        auto peer = jicofo::testing::start_peer(name);
        if (peer) {
            jids_[name] =
                connect_peer(*peer, *prosody_, connect_command(*prosody_, name + "@" + kAuthDomain, name + "-secret"));
        }
        return peer;
    }

    // Sends <iq type=type to=focus>payload</iq> and returns the reply event.
    static nlohmann::json ask(PeerProcess& peer, const std::string& type, const std::string& payload) {
        const auto line =
            peer.request(nlohmann::json{{"cmd", "send_iq"},
                                        {"xml", "<iq type='" + type + "' to='" + kFocus + "'>" + payload + "</iq>"},
                                        {"timeout", 15}}
                             .dump(),
                         "iq_reply", 20s);
        EXPECT_TRUE(line) << peer.transcript();
        return event_json(line);
    }

    static nlohmann::json conference(PeerProcess& peer, const std::string& attributes,
                                     const std::string& room = kRoom) {
        return ask(peer, "set",
                   "<conference xmlns='http://jitsi.org/protocol/focus' room='" + room + "' " + attributes +
                       "><property name='rtcstatsEnabled' value='false'/></conference>");
    }

    static std::string attribute(const nlohmann::json& reply, const std::string& name) {
        const std::string xml = reply.value("xml", "");
        std::smatch match;
        if (std::regex_search(xml, match, std::regex(name + "=\"([^\"]*)\""))) {
            return match[1];
        }
        return {};
    }

    // The value of a <property name value/> of the reply; slixmpp writes the attributes in either order.
    static std::string property(const nlohmann::json& reply, const std::string& name) {
        const std::string xml = reply.value("xml", "");
        const std::regex element("<property ([^>]*)>");
        for (auto it = std::sregex_iterator(xml.begin(), xml.end(), element); it != std::sregex_iterator(); ++it) {
            const std::string attributes = (*it)[1];
            std::smatch value;
            if (attributes.find("name=\"" + name + "\"") != std::string::npos &&
                std::regex_search(attributes, value, std::regex("value=\"([^\"]*)\""))) {
                return value[1];
            }
        }
        return {};
    }

    static bool has(const nlohmann::json& reply, const std::string& text) {
        return reply.value("xml", "").find(text) != std::string::npos;
    }

    FocusManagerSnapshot snapshot() {
        auto promise = std::make_shared<std::promise<FocusManagerSnapshot>>();
        manager_->async_snapshot([promise](FocusManagerSnapshot s) { promise->set_value(std::move(s)); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "no snapshot within 5 s";
            return {};
        }
        return future.get();
    }

    std::optional<ParticipantSnapshot> participant(const std::string& nick) {
        auto promise = std::make_shared<std::promise<std::optional<ConferenceSnapshot>>>();
        manager_->async_conference_snapshot(stanza::Jid::parse(kRoom).value(),
                                            [promise](auto s) { promise->set_value(std::move(s)); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            return std::nullopt;
        }
        const auto conference = future.get();
        for (const auto& p : conference ? conference->participants : std::vector<ParticipantSnapshot>{}) {
            if (p.endpoint_id == nick) {
                return p;
            }
        }
        return std::nullopt;
    }

    // Waits until `peer` sees the occupant `nick` of kRoom with owner affiliation.
    static bool sees_owner(PeerProcess& peer, const std::string& nick) {
        return static_cast<bool>(peer.wait_for(
            [&](const std::string& line) {
                return PeerProcess::is_event(line, "presence") &&
                       PeerProcess::has_field(line, "from", std::string(kRoom) + "/" + nick) &&
                       line.find("affiliation=\\\"owner\\\"") != std::string::npos;
            },
            5s));
    }

    static bool join(PeerProcess& peer, const std::string& nick) {
        return static_cast<bool>(
            peer.request(nlohmann::json{{"cmd", "join"}, {"room", kRoom}, {"nick", nick}}.dump(), "joined", 10s));
    }

    std::unique_ptr<jicofo::testing::ProsodyFixture> prosody_;
    xmpp::testing::IoThread io_;
    std::shared_ptr<xmpp::XmppConnection> connection_;
    std::shared_ptr<FocusManager> manager_;
    std::unique_ptr<ConferenceIqHandler> handler_;
    std::unique_ptr<AuthenticationIqHandler> auth_handler_;
    std::map<std::string, std::string> jids_;
};

TEST_F(AuthIntegrationTest, AGuestCannotCreateARoomAUserCanAndTheGuestAuthenticatesWithTheUsersSession) {
    auto visitor = guest("guest");
    ASSERT_TRUE(visitor);
    // 1. A guest without a session: not-authorized, which lib-jitsi-meet turns into "authentication required".
    auto refused = conference(*visitor, "machine-uid='guest-machine'");
    EXPECT_EQ(refused["type"], "error") << visitor->transcript();
    EXPECT_TRUE(has(refused, "not-authorized")) << refused.dump();
    EXPECT_TRUE(snapshot().conferences.empty());

    // 2. Alice logs in on the authentication domain: ready, with her session and identity.
    auto alice = user("alice");
    ASSERT_TRUE(alice);
    auto created = conference(*alice, "machine-uid='alice-machine'");
    ASSERT_EQ(created["type"], "result") << alice->transcript() << prosody_->log_text();
    EXPECT_TRUE(has(created, "ready=\"true\"")) << created.dump();
    EXPECT_EQ(property(created, "authentication"), "true") << created.dump();
    EXPECT_EQ(property(created, "externalAuth"), "false") << created.dump();
    EXPECT_EQ(attribute(created, "identity"), "alice@secure.meet.test") << created.dump();
    const auto session = attribute(created, "session-id");
    ASSERT_EQ(session.size(), 36U) << created.dump();

    // Alice joins: authenticated, so the focus makes her owner.
    ASSERT_TRUE(join(*alice, "a11ce000")) << alice->transcript();
    EXPECT_TRUE(sees_owner(*alice, "a11ce000")) << alice->transcript() << prosody_->log_text();

    // 3. The room exists: the guest may join it without a session, and is not made owner (no auto-owner with
    // authentication on).
    auto plain = conference(*visitor, "machine-uid='guest-machine'");
    ASSERT_EQ(plain["type"], "result") << visitor->transcript();
    EXPECT_TRUE(has(plain, "ready=\"true\"")) << plain.dump();
    EXPECT_EQ(attribute(plain, "session-id"), "");
    ASSERT_TRUE(join(*visitor, "9e570001")) << visitor->transcript();
    ASSERT_TRUE(eventually([&] { return participant("9e570001").has_value(); }, 5s));
    EXPECT_NE(participant("9e570001")->role, xmpp::MemberRole::owner);

    // 4. The wrong machine-uid with alice's session: not-acceptable, without session-invalid.
    auto mismatch = conference(*visitor, "machine-uid='guest-machine' session-id='" + session + "'");
    EXPECT_EQ(mismatch["type"], "error");
    EXPECT_TRUE(has(mismatch, "not-acceptable")) << mismatch.dump();
    EXPECT_FALSE(has(mismatch, "session-invalid")) << mismatch.dump();

    // 5. An unknown session: not-acceptable with <session-invalid/>, so the client drops it and asks again.
    auto unknown = conference(*visitor, "machine-uid='alice-machine' session-id='no-such-session'");
    EXPECT_EQ(unknown["type"], "error");
    EXPECT_TRUE(has(unknown, "not-acceptable")) << unknown.dump();
    EXPECT_TRUE(has(unknown, "<session-invalid xmlns=\"http://jitsi.org/protocol/focus\"")) << unknown.dump();

    // 6. The guest with alice's session and machine: ready, authenticated as alice, and made owner in the room it
    // is already in (lib-jitsi-meet's login in a popup).
    auto upgraded = conference(*visitor, "machine-uid='alice-machine' session-id='" + session + "'");
    ASSERT_EQ(upgraded["type"], "result") << visitor->transcript();
    EXPECT_TRUE(has(upgraded, "ready=\"true\"")) << upgraded.dump();
    EXPECT_EQ(attribute(upgraded, "session-id"), session);
    EXPECT_EQ(attribute(upgraded, "identity"), "alice@secure.meet.test");
    EXPECT_TRUE(sees_owner(*visitor, "9e570001")) << visitor->transcript() << prosody_->log_text();

    // The session also lets the guest create a room of its own.
    auto own = conference(*visitor, "machine-uid='alice-machine' session-id='" + session + "'",
                          "guestroom@conference.meet.test");
    ASSERT_EQ(own["type"], "result") << visitor->transcript();
    EXPECT_TRUE(has(own, "ready=\"true\"")) << own.dump();
}

TEST_F(AuthIntegrationTest, LoginUrlAndLogout) {
    auto visitor = guest("guest");
    ASSERT_TRUE(visitor);
    auto login = ask(*visitor, "get",
                     "<login-url xmlns='http://jitsi.org/protocol/focus' room='Secret@conference.meet.test' "
                     "machine-uid='guest-machine' popup='false'/>");
    ASSERT_EQ(login["type"], "result") << visitor->transcript();
    EXPECT_EQ(attribute(login, "url"), ".%2Fsecret%3Flogin%3Dtrue") << login.dump();
    auto no_machine =
        ask(*visitor, "get", "<login-url xmlns='http://jitsi.org/protocol/focus' room='secret@conference.meet.test'/>");
    EXPECT_EQ(no_machine["type"], "error");
    EXPECT_TRUE(has(no_machine, "bad-request")) << no_machine.dump();

    auto alice = user("alice");
    ASSERT_TRUE(alice);
    auto created = conference(*alice, "machine-uid='alice-machine'");
    const auto session = attribute(created, "session-id");
    ASSERT_FALSE(session.empty()) << created.dump();

    const auto logout = "<logout xmlns='http://jitsi.org/protocol/focus' session-id='" + session + "'/>";
    auto out = ask(*alice, "set", logout);
    ASSERT_EQ(out["type"], "result") << alice->transcript();
    EXPECT_FALSE(has(out, "logout-url")) << out.dump();
    auto again = ask(*alice, "set", logout);
    EXPECT_EQ(again["type"], "error");
    EXPECT_TRUE(has(again, "session-invalid")) << again.dump();
    // The session is gone for the guest too.
    auto stale = conference(*visitor, "machine-uid='alice-machine' session-id='" + session + "'");
    EXPECT_EQ(stale["type"], "error");
    EXPECT_TRUE(has(stale, "session-invalid")) << stale.dump();
}

// moderator-from-token with real MUC affiliations: both users are authenticated on the token domain, but only the
// one whose request carried a signed moderator token for the room is made owner; a token signed with another
// secret claims nothing.
class ModeratorFromTokenIntegrationTest : public AuthIntegrationTest {
protected:
    static constexpr const char* kSecret = "app-secret";
    [[nodiscard]] auth::AuthenticationSettings auth_settings() const override {
        auto settings = AuthIntegrationTest::auth_settings();
        settings.type = auth::AuthenticationType::jwt;
        settings.enable_auto_login = false;
        settings.moderator_from_token = true;
        settings.token_secret = kSecret;
        return settings;
    }
    static std::string token(const std::string& moderator, const std::string& secret = kSecret) {
        return auth::signed_token(R"({"room":"secret","context":{"user":{"moderator":)" + moderator + "}}}", secret);
    }
};

TEST_F(ModeratorFromTokenIntegrationTest, OnlyTheModeratorsTokenMakesAnOwner) {
    auto alice = user("alice");
    auto bob = user("bob");
    ASSERT_TRUE(alice && bob);
    // Bob creates the room (any authenticated user may) with a token signed by someone else claiming moderator.
    auto created = conference(*bob, "machine-uid='bob-machine' token='" + token("true", "guessed") + "'");
    ASSERT_EQ(created["type"], "result") << bob->transcript() << prosody_->log_text();
    EXPECT_TRUE(has(created, "ready=\"true\"")) << created.dump();
    EXPECT_EQ(property(created, "externalAuth"), "true") << created.dump();
    ASSERT_TRUE(join(*bob, "b0b00000")) << bob->transcript();

    auto asked = conference(*alice, "machine-uid='alice-machine' token='" + token("\"true\"") + "'");
    ASSERT_EQ(asked["type"], "result") << alice->transcript();
    ASSERT_TRUE(join(*alice, "a11ce000")) << alice->transcript();
    EXPECT_TRUE(sees_owner(*alice, "a11ce000")) << alice->transcript() << prosody_->log_text();

    ASSERT_TRUE(eventually([&] { return participant("b0b00000").has_value(); }, 5s));
    EXPECT_NE(participant("b0b00000")->role, xmpp::MemberRole::owner);
    EXPECT_FALSE(sees_owner(*alice, "b0b00000")) << "bob's forged token made him owner";
}

}  // namespace
}  // namespace jicofo::conference
