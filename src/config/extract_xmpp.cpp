// Extraction of jicofo.xmpp: the client and service connections and the visitor nodes.
#include <chrono>

#include "extract.hpp"

namespace jicofo::config::detail {
namespace {

using namespace std::chrono_literals;

void read_connection(Reader& r, const std::string& base, XmppConnectionConfig& c) {
    c.enabled = r.boolean(base + ".enabled");
    c.hostname = r.string(base + ".hostname");
    c.port = r.port(base + ".port", false);
    c.domain = r.optional_string(base + ".domain");
    c.xmpp_domain = r.optional_string(base + ".xmpp-domain");
    c.username = r.string(base + ".username");
    c.resource = r.string(base + ".resource");
    // An empty password is still a password (a login attempt), as in Jicofo; only an absent one means anonymous.
    if (const hocon::Value* password = r.find(base + ".password")) {
        c.password = r.string_at(*password, base + ".password", true);
    }
    c.reply_timeout = r.duration(base + ".reply-timeout");
    if (!r.failed() && c.reply_timeout.count() == 0) {
        r.fail(r.find(base + ".reply-timeout"), base + ".reply-timeout", "must be longer than zero");
    }
    c.disable_certificate_verification = r.boolean(base + ".disable-certificate-verification");
    c.use_tls = r.boolean(base + ".use-tls");
}

// Visitor entries have no reference.conf defaults (their ids are the operator's), so defaults are applied here.
VisitorXmppConfig read_visitor(Reader& r, const std::string& id, const hocon::Value& entry, const std::string& key) {
    VisitorXmppConfig v;
    v.id = id;
    v.name = id;
    auto member = [&](const char* name) -> const hocon::Value* {
        auto found = entry.members().find(name);
        if (found == entry.members().end() || found->second.kind() == hocon::Kind::Null) {
            return nullptr;
        }
        return &found->second;
    };
    auto required = [&](const char* name) -> std::string {
        if (const hocon::Value* value = member(name)) {
            return r.string_at(*value, key + "." + name);
        }
        r.fail(&entry, key + "." + name, std::string(name) + " is required for a visitor node");
        return {};
    };
    v.hostname = required("hostname");
    v.conference_service = required("conference-service");
    if (const hocon::Value* value = member("enabled")) {
        v.enabled = r.boolean_at(*value, key + ".enabled");
    }
    v.domain = v.hostname;
    if (const hocon::Value* value = member("domain")) {
        v.domain = r.string_at(*value, key + ".domain");
    }
    if (const hocon::Value* value = member("xmpp-domain")) {
        v.xmpp_domain = r.string_at(*value, key + ".xmpp-domain");
    }
    if (const hocon::Value* value = member("port")) {
        v.port = r.port_at(*value, key + ".port", false);
    }
    if (const hocon::Value* value = member("username")) {
        v.username = r.string_at(*value, key + ".username");
    }
    v.resource = v.username;
    if (const hocon::Value* value = member("resource")) {
        v.resource = r.string_at(*value, key + ".resource");
    }
    if (const hocon::Value* value = member("password")) {
        v.password = r.string_at(*value, key + ".password", true);
    }
    if (const hocon::Value* value = member("reply-timeout")) {
        v.reply_timeout = r.duration_at(*value, key + ".reply-timeout");
        if (!r.failed() && v.reply_timeout.count() == 0) {
            r.fail(value, key + ".reply-timeout", "must be longer than zero");
        }
    }
    if (const hocon::Value* value = member("disable-certificate-verification")) {
        v.disable_certificate_verification = r.boolean_at(*value, key + ".disable-certificate-verification");
    }
    if (const hocon::Value* value = member("use-tls")) {
        v.use_tls = r.boolean_at(*value, key + ".use-tls");
    }
    return v;
}

}  // namespace

void read_xmpp(Reader& r, XmppConfig& xmpp) {
    xmpp.use_jitsi_jid_validation = r.boolean("jicofo.xmpp.use-jitsi-jid-validation");
    xmpp.trusted_domains = r.string_list("jicofo.xmpp.trusted-domains");
    xmpp.max_pending_iqs = r.integer("jicofo.xmpp.max-pending-iqs", 1, INT_MAX);
    xmpp.max_queued_stanzas = r.integer("jicofo.xmpp.max-queued-stanzas", 1, INT_MAX);

    xmpp.client.name = "client";
    read_connection(r, "jicofo.xmpp.client", xmpp.client);
    xmpp.client.conference_muc_jid = r.optional_string("jicofo.xmpp.client.conference-muc-jid");
    if (!xmpp.client.conference_muc_jid && xmpp.client.xmpp_domain) {
        xmpp.client.conference_muc_jid = "conference." + *xmpp.client.xmpp_domain;
    }
    xmpp.client.client_proxy = r.optional_string("jicofo.xmpp.client.client-proxy");

    xmpp.service.name = "service";
    read_connection(r, "jicofo.xmpp.service", xmpp.service);

    xmpp.visitors.clear();
    const std::string base = "jicofo.xmpp.visitors";
    if (const hocon::Value* visitors = r.find(base)) {
        if (!visitors->is_object()) {
            r.fail(visitors, base, "expected an object mapping visitor node ids to connections");
            return;
        }
        for (const auto& [id, entry] : visitors->members()) {
            const std::string key = join_key(base, id);
            if (entry.kind() == hocon::Kind::Null) {
                continue;
            }
            if (!entry.is_object()) {
                r.fail(&entry, key, "expected an object describing the visitor node's connection");
                return;
            }
            xmpp.visitors.push_back(read_visitor(r, id, entry, key));
        }
    }
}

}  // namespace jicofo::config::detail
