// The Jigasi feature without XMPP: what it registers (the dial route, start/stop hooks, /stats and /debug sections,
// the reference's metric names), and the answers a client gets before any Jigasi is involved: refusals (counted as
// rejected) and no brewery configured (service-unavailable, counted as failed for want of an instance).
#include "jicofo/jigasi/jigasi_feature.hpp"
#include "feature/fake_registrar.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace jicofo::jigasi {
namespace {

using feature::testing::condition_of;
using feature::testing::FeatureInRoomTest;
using stanza::ErrorCondition;

class JigasiFeatureTest : public FeatureInRoomTest {
protected:
    void install_feature() { install_in_room(&install); }

    // A <dial/> from `nick` with this inner XML and attributes, handled as the host would; its one answer.
    const stanza::Iq& dial(const std::string& nick, const std::string& attributes, const std::string& room_header) {
        const auto xml = "<dial xmlns='" + std::string(stanza::kNsRayo) + "' " + attributes +
                         "><header name='JvbRoomName' value='" + room_header + "'/></dial>";
        return registrar.answer(view, instance, view.occupant_iq(nick, xml, next_id("dial")));
    }

    [[nodiscard]] std::optional<nlohmann::ordered_json> stats(const std::string& key) const {
        return registrar.stats_value(key);
    }

    // Runs what the service posted to the features strand (its counters live there).
    void settle() {
        auto& io = static_cast<boost::asio::io_context&>(registrar.strand().context());
        io.restart();
        io.run();
    }
};

TEST_F(JigasiFeatureTest, WithoutABreweryTheDetectorIsAbsentAndTheDialStatsEmpty) {
    install_feature();
    EXPECT_NE(registrar.iq_route("dial", stanza::kNsRayo), nullptr);
    EXPECT_FALSE(stats("jigasi_detector")) << "Jicofo shows the detector only when configured";
    EXPECT_EQ(stats("jigasi"), std::optional<nlohmann::ordered_json>(nlohmann::ordered_json::object()));
    EXPECT_EQ(registrar.debug_value("jigasi_detector"), std::optional<nlohmann::ordered_json>(nullptr));
    EXPECT_TRUE(registrar.advertised.empty()) << "no Jigasi, no sipGatewayEnabled";
    EXPECT_EQ(registrar.start_hooks.size(), 1U);
    EXPECT_EQ(registrar.stop_hooks.size(), 1U);
}

TEST_F(JigasiFeatureTest, WithABreweryTheSectionsHaveTheReferenceKeysAtZero) {
    registrar.config_.jigasi.brewery_jid = "jigasibrewery@internal.auth.meet.test";
    install_feature();
    EXPECT_EQ(stats("jigasi_detector"),
              std::optional<nlohmann::ordered_json>(nlohmann::ordered_json{
                  {"sip_count", 0}, {"sip_in_graceful_shutdown_count", 0}, {"transcriber_count", 0}}));
    const auto jigasi = stats("jigasi");
    ASSERT_TRUE(jigasi);
    for (const auto* key : {"accepted_requests", "rejected_requests", "retries", "instance_errors", "instance_timeout",
                            "requests_failed_no_instance", "requests_failed_xmpp_not_connected"}) {
        ASSERT_TRUE(jigasi->contains(key)) << key;
        EXPECT_EQ((*jigasi)[key], 0) << key;
    }
    const auto debug = registrar.debug_value("jigasi_detector");
    ASSERT_TRUE(debug && debug->is_object());
    EXPECT_EQ((*debug)["brewery"], "jigasibrewery@internal.auth.meet.test");
    EXPECT_EQ((*debug)["joined"], false) << "not started";
}

TEST_F(JigasiFeatureTest, RegistersTheReferenceMetricNames) {
    install_feature();
    std::set<std::string> names;
    for (const auto& family : registrar.metrics().collect()) {
        names.insert(family.name);
    }
    for (const auto* name :
         {"jitsi_jicofo_jigasi_sip_count", "jitsi_jicofo_jigasi_sip_in_graceful_shutdown_count",
          "jitsi_jicofo_jigasi_transcriber_count", "jitsi_jicofo_jigasi_iq_handler_rejected_requests_total",
          "jitsi_jicofo_jigasi_iq_handler_accepted_requests_total", "jitsi_jicofo_jigasi_iq_handler_retries_total",
          "jitsi_jicofo_jigasi_iq_handler_instance_errors_total",
          "jitsi_jicofo_jigasi_iq_handler_instance_timeouts_total"}) {
        EXPECT_TRUE(names.count(name)) << name;
    }
}

TEST_F(JigasiFeatureTest, RefusedDialsAreAnsweredAndCountedAsRejected) {
    registrar.config_.jigasi.brewery_jid = "jigasibrewery@internal.auth.meet.test";
    install_feature();
    const auto room = view.room().to_string();
    EXPECT_EQ(condition_of(dial("guest", "to='+15551234567'", room)), ErrorCondition::forbidden);
    EXPECT_EQ(condition_of(dial("owner", "to='+15551234567'", "other@conference.meet.test")),
              ErrorCondition::forbidden);
    auto transcriber = view.make_member("transcriber");
    transcriber.is_transcriber = true;
    view.join(transcriber);
    EXPECT_EQ(condition_of(dial("owner", "to='jitsi_meet_transcribe'", room)), ErrorCondition::conflict);
    settle();
    EXPECT_EQ((*stats("jigasi"))["rejected_requests"], 3);
    EXPECT_EQ((*stats("jigasi"))["accepted_requests"], 0);
    EXPECT_FALSE(instance->debug_json()) << "no dial was made for a refused request";
}

TEST_F(JigasiFeatureTest, WithoutABreweryAnAcceptedDialIsServiceUnavailable) {
    install_feature();
    const auto& reply = dial("owner", "to='+15551234567'", view.room().to_string());
    EXPECT_EQ(condition_of(reply), ErrorCondition::service_unavailable);
    EXPECT_NE(reply.error->text.find("no Jigasi brewery"), std::string::npos) << reply.error->text;
}

}  // namespace
}  // namespace jicofo::jigasi
