// The join storm's emulated lib-jitsi-meet participants, as tests/peers/participant_peer.py but minimal: anonymous
// login, the conference IQ to the focus, the MUC join with lib-jitsi-meet's presence, disco#info and ping answers,
// the session-initiate acked and answered with session-accept (audio + video sources and a transport), every other
// Jingle request acked, and leaving the room on schedule. Each step is time-stamped for the report.
// With visitor nodes, the conference IQ asks for visitors (visitors-version=1); a participant redirected to a node
// (the reply's vnode) closes its main connection, logs in anonymously on that node's Prosody, joins the room there
// and answers the session-initiate from the focus's node connection with no sources (visitors only receive).
#include "join_storm_actors.hpp"

#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::bench {
namespace {

using stanza::ErrorCondition;
using stanza::Iq;
using stanza::IqType;
using stanza::Jingle;
using stanza::JingleAction;
using stanza::StanzaError;
using stanza::XmlElement;

// After the last participant of this worker has left: time for the unavailable presences to go out.
constexpr std::int64_t kLingerNs = 2'000'000'000;
// The longest wait in select() when no join or leave is due. A pass costs about 1.4 ms with 900 connections
// (libstrophe walks them all and the kernel polls every socket); at 20 ms the twelve workers of a 10,000-participant
// run spent 0.7 of a core just waking up, CPU that Prosody needed. Nothing is delayed by a longer wait: a reply
// queued while handling a stanza goes out at the start of the next pass, which follows at once.
constexpr unsigned long kMaxLoopWaitMs = 250;

constexpr std::string_view kCapsNode = "https://jitsi.org/jitsi-meet";

// lib-jitsi-meet's disco#info (as participant_peer.py's DEFAULT_FEATURES).
const stanza::DiscoInfo& client_disco_info() {
    static const stanza::DiscoInfo info = [] {
        stanza::DiscoInfo d;
        d.identities.push_back({"client", "web", std::string("Jitsi Meet"), std::nullopt});
        for (const auto feature :
             {stanza::kNsDiscoInfo, stanza::kNsJingle, stanza::kNsJingleRtp, stanza::kNsJingleIceUdp,
              stanza::kNsJingleDtls, stanza::kFeatureSctp, stanza::kFeatureAudio, stanza::kFeatureVideo,
              stanza::kFeatureRtx, std::string_view("urn:ietf:rfc:5761"), std::string_view("urn:ietf:rfc:5888"),
              stanza::kFeatureTcc, stanza::kFeatureSourceNames, stanza::kFeatureReceiveMultipleStreams,
              stanza::kNsPing}) {
            d.features.emplace_back(feature);
        }
        return d;
    }();
    return info;
}

// What one participant saw; times in ns on the shared monotonic clock, 0 when it did not happen.
struct ParticipantRecord {
    std::int64_t connect_started = 0;
    std::int64_t conference_sent = 0;  // as soon as the session is up, so this is also the login's end
    std::int64_t conference_reply = 0;
    std::int64_t join_sent = 0;
    std::int64_t initiate_received = 0;
    std::int64_t accept_sent = 0;
    std::int64_t accept_reply = 0;
    bool ready = false;
    bool accept_ok = false;
    int initiates = 0;
    int terminates = 0;
    int other_jingle = 0;
    int iq_errors = 0;  // error replies to our IQs, and requests we could not handle
    bool lost = false;  // the connection dropped before we left
    bool login_failed = false;
    int vnode = 0;                     // the node it was redirected to; 0: the main room
    bool bad_redirect = false;         // a vnode that is not one of ours
    std::int64_t vnode_connected = 0;  // logged in on the node (the redirect's cost: conference_reply to this)
};

class EmulatedParticipant : public StropheClient {
public:
    EmulatedParticipant(const StormPlan& plan, int index)
        : plan_(plan), index_(index), nick_(StormPlan::nick(index)), room_(plan.room(index / plan.conference_size)) {}

    [[nodiscard]] const ParticipantRecord& record() const { return record_; }
    [[nodiscard]] int index() const { return index_; }
    [[nodiscard]] bool started() const { return started_; }
    // Set when the main connection closed for a redirect: the worker loop then calls connect_vnode(), outside
    // libstrophe's callbacks (a connection must not be released from its own handler).
    [[nodiscard]] bool reconnect_due() const { return reconnect_due_; }

    void start(xmpp_ctx_t* ctx) {
        started_ = true;
        ctx_ = ctx;
        record_.connect_started = now_ns();
        if (!connect(ctx, plan_, plan_.domain, {})) {
            record_.login_failed = true;
        }
    }

    void connect_vnode() {
        reconnect_due_ = false;
        if (leaving_) {
            return;
        }
        on_vnode_ = true;
        const auto port = plan_.vnode_ports[static_cast<std::size_t>(record_.vnode - 1)];
        if (!connect(ctx_, plan_, plan_.vnode_domain(record_.vnode), {}, port)) {
            record_.login_failed = true;
        }
    }

    void leave() {
        leaving_ = true;
        if (!connected() || record_.join_sent == 0) {
            return;
        }
        stanza::Presence presence;
        presence.type = "unavailable";
        presence.to = occupant(nick_);
        send(presence.to_xml());
    }

protected:
    void on_connected() override {
        if (on_vnode_) {
            record_.vnode_connected = now_ns();
            if (!leaving_) {
                join_room();
            }
            return;
        }
        stanza::ConferenceIq request;
        request.room = stanza::Jid::parse(room_).value();
        request.machine_uid = "storm-" + nick_;
        if (plan_.vnodes > 0) {
            request.set_property("visitors-version", "1");
        }
        Iq iq;
        iq.header.type = IqType::set;
        iq.header.id = "conf-" + nick_;
        iq.header.to = stanza::Jid::parse(plan_.focus_jid).value();
        iq.payload = request.to_xml();
        record_.conference_sent = now_ns();
        send(iq.to_xml());
    }

    void on_disconnected() override {
        if (redirecting_) {
            redirecting_ = false;
            reconnect_due_ = true;
            return;
        }
        if (!leaving_) {
            record_.lost = true;
            if (record_.conference_sent == 0) {
                record_.login_failed = true;
            }
        }
    }

    void on_stanza(const XmlElement& element) override {
        auto iq = Iq::parse(element);
        if (!iq) {
            ++record_.iq_errors;
            return;
        }
        switch (iq->header.type) {
            case IqType::result:
            case IqType::error: on_reply(*iq); break;
            case IqType::get:
            case IqType::set: on_request(*iq); break;
        }
    }

private:
    stanza::Jid occupant(const std::string& nick) const { return stanza::Jid::parse(room_ + "/" + nick).value(); }

    void redirect(const std::string& vnode) {
        record_.vnode = plan_.vnode_index(vnode);
        if (record_.vnode == 0) {
            record_.bad_redirect = true;
            return;
        }
        room_ = plan_.vnode_room(index_ / plan_.conference_size, record_.vnode);
        if (!leaving_) {
            redirecting_ = true;
            disconnect();
        }
    }

    void on_reply(const Iq& iq) {
        const auto now = now_ns();
        const bool ok = iq.header.type == IqType::result;
        if (iq.header.id == "conf-" + nick_) {
            record_.conference_reply = now;
            std::optional<std::string> vnode;
            if (ok && iq.payload) {
                auto answer = stanza::ConferenceIq::parse(*iq.payload);
                record_.ready = answer && answer->ready.value_or(false);
                if (answer) {
                    vnode = answer->vnode;
                }
            }
            if (!ok) {
                ++record_.iq_errors;
            }
            if (vnode) {
                redirect(*vnode);
            } else if (record_.ready && !leaving_) {
                join_room();
            }
        } else if (iq.header.id == "accept-" + nick_) {
            record_.accept_reply = now;
            record_.accept_ok = ok;
            record_.iq_errors += ok ? 0 : 1;
        } else if (!ok) {
            ++record_.iq_errors;
        }
    }

    void join_room() {
        stanza::Presence presence;
        presence.to = occupant(nick_);
        stanza::MucJoin join;
        join.history_max_stanzas.reset();
        presence.extensions.push_back(join.to_xml());
        presence.extensions.push_back(stanza::StatsId{"Storm-" + nick_}.to_xml());
        static const std::string ver = stanza::EntityCaps::compute_ver(client_disco_info());
        presence.extensions.push_back(stanza::EntityCaps{"sha-1", std::string(kCapsNode), ver}.to_xml());
        // JSON, not XML: SourceInfo's text is lib-jitsi-meet's compact JSON object.
        if (record_.vnode == 0) {
            presence.extensions.push_back(stanza::SourceInfo{"{\"" + nick_ + "-a0\":{\"muted\":false},\"" + nick_ +
                                                             "-v0\":{\"muted\":false,\"videoType\":\"camera\"}}"}
                                              .to_xml());
        }
        presence.extensions.push_back(stanza::CodecList{{"av1", "vp9", "vp8", "h264"}}.to_xml());
        record_.join_sent = now_ns();
        send(presence.to_xml());
    }

    void on_request(const Iq& iq) {
        const auto& payload = *iq.payload;
        if (payload.name() == "query" && payload.ns() == stanza::kNsDiscoInfo && iq.header.type == IqType::get) {
            auto info = client_disco_info();
            if (auto node = payload.attribute("node")) {
                info.node = std::string(*node);
            }
            send(Iq::result_for(iq, info.to_xml()).to_xml());
            return;
        }
        if (payload.name() == "ping" && payload.ns() == stanza::kNsPing) {
            send(Iq::result_for(iq).to_xml());
            return;
        }
        if (payload.name() == "jingle" && payload.ns() == stanza::kNsJingle && iq.header.type == IqType::set) {
            on_jingle(iq);
            return;
        }
        ++record_.iq_errors;
        send(Iq::error_for(iq, StanzaError::make(ErrorCondition::service_unavailable)).to_xml());
    }

    void on_jingle(const Iq& iq) {
        auto jingle = Jingle::parse(*iq.payload);
        if (!jingle) {
            ++record_.iq_errors;
            send(Iq::error_for(iq, jingle.error()).to_xml());
            return;
        }
        send(Iq::result_for(iq).to_xml());
        switch (jingle->action) {
            case JingleAction::session_initiate:
                if (++record_.initiates == 1) {
                    record_.initiate_received = now_ns();
                }
                send_accept(*jingle, iq);
                break;
            case JingleAction::session_terminate: ++record_.terminates; break;
            default: ++record_.other_jingle; break;
        }
    }

    // lib-jitsi-meet's sources: <nick>-a0 (one SSRC) and <nick>-v0 (two SSRCs in a FID group), unique per index.
    [[nodiscard]] std::vector<stanza::Source> sources_for(const std::string& media) const {
        if (record_.vnode != 0) {
            return {};  // a visitor: the focus forbids its sources
        }
        const auto base = 0x10000000U + static_cast<std::uint32_t>(index_) * 4U;
        auto make = [&](std::uint32_t ssrc, const std::string& name, const std::string& kind) {
            stanza::Source source;
            source.ssrc = ssrc;
            source.name = name;
            if (media == "video") {
                source.video_type = "camera";
            }
            source.parameters.push_back({"msid", nick_ + "-" + kind + "-0 " + name + "-track"});
            return source;
        };
        if (media == "audio") {
            return {make(base, nick_ + "-a0", "audio")};
        }
        if (media == "video") {
            return {make(base + 1, nick_ + "-v0", "video"), make(base + 2, nick_ + "-v0", "video")};
        }
        return {};
    }

    // opus for audio; VP8 and its RTX for video; else the first offered (as participant_peer.py).
    static std::vector<stanza::PayloadType> answer_payload_types(const stanza::RtpDescription& offer) {
        const std::string preferred = offer.media == "audio" ? "opus" : offer.media == "video" ? "vp8" : "";
        std::vector<stanza::PayloadType> chosen;
        for (const auto& pt : offer.payload_types) {
            std::string name = pt.name;
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            if (name == preferred) {
                chosen.push_back(pt);
                break;
            }
        }
        if (chosen.empty() && !offer.payload_types.empty()) {
            chosen.push_back(offer.payload_types.front());
        }
        if (!chosen.empty() && offer.media == "video") {
            const auto apt = std::to_string(chosen.front().id);
            for (const auto& pt : offer.payload_types) {
                if ((pt.name == "rtx" || pt.name == "RTX") && pt.parameter("apt") == apt) {
                    chosen.push_back(pt);
                }
            }
        }
        return chosen;
    }

    void send_accept(const Jingle& offer, const Iq& request) {
        Jingle accept;
        accept.action = JingleAction::session_accept;
        accept.sid = offer.sid;
        accept.initiator = offer.initiator;
        if (auto own = stanza::Jid::parse(own_jid())) {
            accept.responder = *own;
        }
        stanza::IceUdpTransport transport;
        transport.ufrag = "s" + nick_.substr(4);
        transport.pwd = "storm-participant-" + nick_ + "-pwd";
        transport.fingerprints.push_back({"sha-256", "active", std::nullopt,
                                          "3B:52:07:5E:6C:9D:23:11:8A:0F:44:B2:7E:61:93:C8:D5:2A:0B:7F:E4:36:19:8E:"
                                          "5D:C1:22:40:AB:AC:58:1F"});
        stanza::ContentGroup bundle{"BUNDLE", {}};
        for (const auto& content : offer.contents) {
            stanza::JingleContent answer;
            answer.creator = content.creator.value_or("initiator");
            answer.name = content.name;
            answer.senders = content.senders.value_or("both");
            stanza::RtpDescription description;
            description.media = content.description ? content.description->media : "application";
            if (content.description && (description.media == "audio" || description.media == "video")) {
                description.payload_types = answer_payload_types(*content.description);
                description.hdrexts = content.description->hdrexts;
                description.sources = sources_for(description.media);
                if (description.media == "video" && description.sources.size() == 2) {
                    description.ssrc_groups.push_back(
                        {"FID", {description.sources[0].ssrc, description.sources[1].ssrc}});
                }
                description.rtcp_mux = true;
            }
            answer.description = std::move(description);
            auto content_transport = transport;
            if (content.transport && content.transport->sctpmap) {
                content_transport.sctpmap = stanza::SctpMap{5000, "webrtc-datachannel", 1024};
            }
            answer.transport = std::move(content_transport);
            bundle.contents.push_back(content.name);
            accept.contents.push_back(std::move(answer));
        }
        if (std::find(bundle.contents.begin(), bundle.contents.end(), "data") == bundle.contents.end()) {
            bundle.contents.emplace_back("data");  // lib-jitsi-meet lists it even when the offer has none
        }
        accept.group = std::move(bundle);
        Iq iq;
        iq.header.type = IqType::set;
        iq.header.id = "accept-" + nick_;
        iq.header.to = request.header.from;
        iq.payload = accept.to_xml();
        record_.accept_sent = now_ns();
        send(iq.to_xml());
    }

    const StormPlan& plan_;
    int index_;
    std::string nick_;
    std::string room_;
    ParticipantRecord record_;
    xmpp_ctx_t* ctx_ = nullptr;
    bool started_ = false;
    bool leaving_ = false;
    bool redirecting_ = false;  // the main connection is closing for a redirect: its end is no loss
    bool reconnect_due_ = false;
    bool on_vnode_ = false;
};

void write_results(const StormPlan& plan, int worker,
                   const std::vector<std::unique_ptr<EmulatedParticipant>>& participants, double cpu_seconds) {
    const auto path = plan.participant_results(worker);
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (out == nullptr) {
        std::perror(path.c_str());
        return;
    }
    std::fprintf(out, "worker %d %zu %.3f\n", worker, participants.size(), cpu_seconds);
    // connect_started goes last so that the earlier columns keep their places.
    for (const auto& p : participants) {
        const auto& r = p->record();
        std::fprintf(out, "participant %d %lld %lld %lld %lld %lld %lld %d %d %d %d %d %d %d %d %lld %d %d %lld\n",
                     p->index(), static_cast<long long>(r.conference_sent), static_cast<long long>(r.conference_reply),
                     static_cast<long long>(r.join_sent), static_cast<long long>(r.initiate_received),
                     static_cast<long long>(r.accept_sent), static_cast<long long>(r.accept_reply), r.ready ? 1 : 0,
                     r.accept_ok ? 1 : 0, r.initiates, r.terminates, r.other_jingle, r.iq_errors, r.lost ? 1 : 0,
                     r.login_failed ? 1 : 0, static_cast<long long>(r.connect_started), r.vnode, r.bad_redirect ? 1 : 0,
                     static_cast<long long>(r.vnode_connected));
    }
    std::fclose(out);
}

double own_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int run_participants(const StormPlan& plan, int worker) {
    stanza::ensure_strophe_initialized();
    xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
    std::vector<std::unique_ptr<EmulatedParticipant>> mine;
    for (int i = worker; i < plan.participants(); i += plan.workers) {
        mine.push_back(std::make_unique<EmulatedParticipant>(plan, i));
    }
    std::size_t next_join = 0;
    std::size_t next_leave = 0;
    std::int64_t done_at = 0;
    for (;;) {
        const auto now = now_ns();
        while (next_join < mine.size() && plan.join_at(mine[next_join]->index()) <= now) {
            mine[next_join++]->start(ctx);
        }
        while (next_leave < mine.size() && plan.leave_at(mine[next_leave]->index()) <= now) {
            mine[next_leave++]->leave();
        }
        if (next_leave == mine.size() && done_at == 0) {
            done_at = now + kLingerNs;
        }
        if (done_at != 0 && now >= done_at) {
            break;
        }
        std::int64_t next_event = done_at != 0 ? done_at : now + static_cast<std::int64_t>(kMaxLoopWaitMs) * 1'000'000;
        if (next_join < mine.size()) {
            next_event = std::min(next_event, plan.join_at(mine[next_join]->index()));
        }
        if (next_leave < mine.size()) {
            next_event = std::min(next_event, plan.leave_at(mine[next_leave]->index()));
        }
        const auto wait_ms = std::clamp<std::int64_t>((next_event - now) / 1'000'000, 0, kMaxLoopWaitMs);
        xmpp_run_once(ctx, static_cast<unsigned long>(wait_ms));
        if (plan.vnodes > 0) {
            for (auto& participant : mine) {
                if (participant->reconnect_due()) {
                    participant->connect_vnode();
                }
            }
        }
    }
    write_results(plan, worker, mine, own_cpu_seconds());
    for (auto& participant : mine) {
        participant->disconnect();
    }
    for (int i = 0; i < 100; ++i) {
        xmpp_run_once(ctx, 10);
    }
    return 0;
}

}  // namespace jicofo::bench
