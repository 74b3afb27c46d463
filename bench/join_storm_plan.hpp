// The join storm's shared plan (who joins where and when, on one monotonic clock that every worker process reads)
// and the small libstrophe client that the emulated bridges and participants are built on.
#pragma once

#include "jicofo/stanza/xml_element.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

extern "C" {
struct _xmpp_ctx_t;
struct _xmpp_conn_t;
struct _xmpp_stanza_t;
}

namespace jicofo::bench {

// Nanoseconds on CLOCK_MONOTONIC: one clock for the coordinator and its forked workers, so that a time stamped by a
// participant worker and one stamped by the bridge worker can be subtracted.
std::int64_t now_ns();

// A visitor node's id, "v<n>" (as in jicofo.xmpp.visitors and the conference IQ's vnode). Appended rather than
// concatenated: GCC 12 warns (-Wrestrict, a false positive) about "v" + std::string.
inline std::string vnode_id(int vnode) {
    std::string id("v");
    id.append(std::to_string(vnode));
    return id;
}

struct StormPlan {
    std::string host = "127.0.0.1";
    std::uint16_t c2s_port = 0;
    std::string domain;       // anonymous participants log in here
    std::string auth_domain;  // bridges' accounts
    std::string muc_domain;
    std::string brewery;    // bare JID of the bridges' MUC
    std::string focus_jid;  // full JID the conference IQ goes to
    std::string bridge_password;
    // Visitor nodes: extra Prosodies v1.<domain> .. v<vnodes>.<domain>, listening on vnode_ports[i - 1]. With vnodes
    // > 0, participants ask for visitors (property visitors-version=1) and follow a redirect to a vnode.
    int vnodes = 0;
    int main_per_room = 0;  // what jicofo.visitors.max-participants is set to; for the report
    std::vector<std::uint16_t> vnode_ports;
    int conferences = 250;
    int conference_size = 4;
    int bridges = 4;
    int workers = 1;
    double rate = 200;          // participant joins per second, over all workers
    double hold_seconds = 10;   // after the last join, before leaving starts
    std::int64_t start_ns = 0;  // the first participant's join time
    std::filesystem::path dir;  // where workers write their results

    [[nodiscard]] int participants() const { return conferences * conference_size; }
    [[nodiscard]] std::int64_t join_at(int index) const {
        return start_ns + static_cast<std::int64_t>(static_cast<double>(index) * 1e9 / rate);
    }
    // Leaving starts after the last join plus the hold, and is paced at the join rate.
    [[nodiscard]] std::int64_t leave_start() const {
        return join_at(participants()) + static_cast<std::int64_t>(hold_seconds * 1e9);
    }
    [[nodiscard]] std::int64_t leave_at(int index) const { return leave_start() + (join_at(index) - start_ns); }
    [[nodiscard]] std::int64_t leave_end() const { return leave_at(participants()); }

    // Endpoint ids are MUC nicks; eight hex digits as lib-jitsi-meet's, unique over the whole run so that the bridge
    // worker's records can be matched with the participants'.
    [[nodiscard]] static std::string nick(int index);
    [[nodiscard]] static int index_of_nick(const std::string& nick);  // -1 when not one of ours
    [[nodiscard]] std::string room(int conference) const;
    // Node i (1-based) is v<i>.<domain>: its anonymous login domain, and the conference's room on it (the main room
    // JID with the main domain replaced by the node's, as the focus maps it).
    [[nodiscard]] std::string vnode_domain(int vnode) const;
    [[nodiscard]] std::string vnode_room(int conference, int vnode) const;
    // "v3" -> 3; 0 when not one of ours.
    [[nodiscard]] int vnode_index(const std::string& id) const;
    [[nodiscard]] std::filesystem::path participant_results(int worker) const;
    [[nodiscard]] std::filesystem::path bridge_results() const;
};

// One XMPP connection in a context shared with many others (one thread runs them all with xmpp_run_once). The
// subclass sees connection events and every inbound stanza, and sends typed XML.
class StropheClient {
public:
    StropheClient() = default;
    StropheClient(const StropheClient&) = delete;
    StropheClient& operator=(const StropheClient&) = delete;
    virtual ~StropheClient();

    // Starts a non-blocking connect (to plan.c2s_port unless a port is given); a JID without a local part logs in
    // with SASL ANONYMOUS. No TLS, no stream management: the acks would double Prosody's work per stanza and measure
    // libstrophe, not the focus.
    bool connect(_xmpp_ctx_t* ctx, const StormPlan& plan, const std::string& jid, const std::string& password,
                 std::uint16_t port = 0);
    void send(const stanza::XmlElement& element);
    void disconnect();
    [[nodiscard]] bool connected() const { return connected_; }
    [[nodiscard]] std::string own_jid() const;

    // Called by libstrophe's callbacks (which cannot be members, their types live in strophe.h).
    void handle_connection_event(bool connected);
    void handle_stanza(_xmpp_stanza_t* stanza);

protected:
    virtual void on_connected() = 0;
    virtual void on_disconnected() = 0;
    // Presence and message stanzas are offered raw first, so that actors can skip the ones they don't need
    // without converting them; return true to have it converted and passed to on_stanza.
    virtual bool wants(const _xmpp_stanza_t* stanza);
    virtual void on_stanza(const stanza::XmlElement& element) = 0;

private:
    _xmpp_ctx_t* ctx_ = nullptr;
    _xmpp_conn_t* conn_ = nullptr;
    bool connected_ = false;
    bool destroyed_ = false;
};

}  // namespace jicofo::bench
