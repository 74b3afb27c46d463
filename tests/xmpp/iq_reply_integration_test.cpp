// Replies to the focus's requests through a real Prosody: only the addressee's well-formed reply completes a request.
// Forged replies from another account, and malformed replies from anyone, are dropped and the request keeps waiting.
#include "jicofo/stanza/xml_codec.hpp"
#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

#include <future>

using namespace jicofo::xmpp;
using namespace jicofo::xmpp::testing;
using jicofo::core::Errc;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::XmlElement;
using jicofo::testing::PeerProcess;

namespace {

constexpr const char* kNsProbe = "urn:test:probe";

struct Peer {
    std::unique_ptr<PeerProcess> process;
    std::string jid;  // full JID as bound
};

Peer connect_peer(const jicofo::testing::ProsodyFixture& prosody, const std::string& account) {
    Peer peer;
    peer.process = jicofo::testing::start_peer(account);
    if (!peer.process) {
        return peer;
    }
    const auto line = peer.process->request(
        jicofo::testing::connect_command(prosody, account + "@auth.meet.test", account + "-secret").dump(), "connected",
        10s);
    if (line) {
        peer.jid = nlohmann::json::parse(*line).value("jid", "");
    }
    return peer;
}

std::string forged_reply(const std::string& id, const std::string& to, const std::string& body,
                         const std::string& type = "error") {
    return "<iq type='" + type + "' id='" + id + "' to='" + to + "'>" + body + "</iq>";
}

void send_raw(PeerProcess& peer, const std::string& xml) {
    ASSERT_TRUE(peer.request(nlohmann::json{{"cmd", "send_raw"}, {"xml", xml}}.dump(), "done", 5s))
        << peer.transcript();
}

class IqReplyIntegration : public ::testing::Test {
protected:
    void SetUp() override {
        prosody_ = jicofo::testing::start_prosody(prosody_options({"bridge", "mallory"}));
        ASSERT_TRUE(prosody_);
        focus_ = std::make_unique<XmppConnection>(focus_settings(*prosody_));
        focus_->start();
        ASSERT_TRUE(eventually([&] { return focus_->status().state == ConnectionState::connected; }));
        focus_jid_ = focus_->own_jid()->to_string();
        bridge_ = connect_peer(*prosody_, "bridge");
        ASSERT_FALSE(bridge_.jid.empty()) << (bridge_.process ? bridge_.process->transcript() : "no peer");
        mallory_ = connect_peer(*prosody_, "mallory");
        ASSERT_FALSE(mallory_.jid.empty()) << (mallory_.process ? mallory_.process->transcript() : "no peer");
        // The "bridge" holds its answer: the test decides when (and whether) it comes.
        ASSERT_TRUE(bridge_.process->request(
            nlohmann::json{{"cmd", "iq_responder"}, {"element", "probe"}, {"ns", kNsProbe}, {"reply", "ignore"}}.dump(),
            "done", 5s));
    }

    // Sends a probe to the bridge; returns the future result and the id the bridge saw.
    std::pair<std::future<IqResult>, std::string> probe_bridge() {
        Iq iq;
        iq.header.type = IqType::get;
        iq.header.to = Jid::parse(bridge_.jid).value();
        iq.payload = XmlElement("probe", kNsProbe);
        auto promise = std::make_shared<std::promise<IqResult>>();
        auto future = promise->get_future();
        focus_->async_send_iq(std::move(iq), io_.io.get_executor(),
                              [promise](IqResult r) { promise->set_value(std::move(r)); });
        const auto seen = bridge_.process->wait_for("iq_received", 5s);
        EXPECT_TRUE(seen) << bridge_.process->transcript();
        return {std::move(future), seen ? nlohmann::json::parse(*seen).value("id", "") : std::string()};
    }

    IoThread io_;
    std::unique_ptr<jicofo::testing::ProsodyFixture> prosody_;
    std::unique_ptr<XmppConnection> focus_;
    std::string focus_jid_;
    Peer bridge_;
    Peer mallory_;
};

}  // namespace

// Mallory learnt the id of the focus's request to the bridge (out of band here) and forges errors with it, well
// formed and not: none ends the request; the bridge's real answer does.
TEST_F(IqReplyIntegration, ForgedErrorsFromAnotherAccountLeaveTheRequestToTheRealAnswer) {
    auto [future, id] = probe_bridge();
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << "ids are random hex: " << id;
    const std::string condition = "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>";
    send_raw(*mallory_.process, forged_reply(id, focus_jid_, "<error type='cancel'>" + condition + "</error>"));
    send_raw(*mallory_.process, forged_reply(id, focus_jid_, "<error>" + condition + "</error>"));  // no type
    send_raw(*mallory_.process, forged_reply(id, focus_jid_, "<error type='bogus'>" + condition + "</error>"));
    send_raw(*mallory_.process, forged_reply(id, focus_jid_, "", "result"));
    EXPECT_EQ(future.wait_for(1s), std::future_status::timeout) << "a forged reply ended the request";

    send_raw(*bridge_.process, forged_reply(id, focus_jid_, "", "result"));
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    auto result = future.get();
    ASSERT_TRUE(result.has_value()) << result.error().message();
    EXPECT_EQ(result->header.type, IqType::result);
    EXPECT_EQ(result->header.from->to_string(), bridge_.jid);
    EXPECT_TRUE(eventually([&] { return focus_->snapshot().pending_iqs == 0; }, 2s));
}

// The addressee itself answers with an error the focus cannot parse (no type): dropped and logged; its real answer
// after that still completes the request.
TEST_F(IqReplyIntegration, AMalformedReplyFromTheAddresseeIsDroppedAndTheRealOneCompletes) {
    auto [future, id] = probe_bridge();
    ASSERT_FALSE(id.empty());
    const std::string condition = "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>";
    send_raw(*bridge_.process, forged_reply(id, focus_jid_, "<error>" + condition + "</error>"));
    EXPECT_EQ(future.wait_for(1s), std::future_status::timeout) << "a malformed reply ended the request";
    send_raw(*bridge_.process, forged_reply(id, focus_jid_, "<error type='cancel'>" + condition + "</error>"));
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    auto result = future.get();
    ASSERT_FALSE(result.has_value());
    ASSERT_TRUE(result.error().stanza_error);
    EXPECT_EQ(result.error().stanza_error->condition, jicofo::stanza::ErrorCondition::service_unavailable);
}

// Only malformed replies arrive: the request ends with its deadline (a timeout), not with a parse failure.
TEST_F(IqReplyIntegration, OnlyMalformedRepliesMeanTheRequestTimesOut) {
    auto [future, id] = probe_bridge();
    ASSERT_FALSE(id.empty());
    send_raw(*bridge_.process,
             forged_reply(id, focus_jid_, "<error><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"));
    ASSERT_EQ(future.wait_for(6s), std::future_status::ready);  // reply_timeout is 3 s
    auto result = future.get();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, make_error_code(Errc::timeout)) << result.error().message();
}
