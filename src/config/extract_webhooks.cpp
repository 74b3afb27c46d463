// jicofo.webhooks: the URLs and event names are checked here, so a typo is a configuration error with its position
// rather than a feature that silently posts nothing.
#include <algorithm>
#include <array>
#include <charconv>
#include <climits>

#include "extract.hpp"

namespace jicofo::config {
namespace {

constexpr std::array<std::string_view, 9> kWebhookEvents{
    "conference.created", "conference.ended", "participant.joined", "participant.left",  "bridge.added",
    "bridge.removed",     "bridge.failed",    "recording.started",  "recording.stopped",
};

}  // namespace

std::span<const std::string_view> webhook_event_names() {
    return kWebhookEvents;
}

std::optional<WebhookUrl> parse_webhook_url(std::string_view url) {
    WebhookUrl parsed;
    if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.starts_with("https://")) {
        url.remove_prefix(8);
        parsed.tls = true;
        parsed.port = 443;
    } else {
        return std::nullopt;
    }
    if (url.find_first_of("# \t\r\n") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto authority_end = url.find_first_of("/?");
    std::string_view authority = url.substr(0, authority_end);
    if (authority_end != std::string_view::npos) {
        parsed.target = std::string(url.substr(authority_end));
        if (parsed.target.front() == '?') {
            parsed.target.insert(0, "/");
        }
    }
    if (authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        parsed.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.find(':');
        parsed.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
        }
    }
    if (parsed.host.empty()) {
        return std::nullopt;
    }
    if (!port_text.empty() || authority.ends_with(':')) {
        unsigned port = 0;
        const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return std::nullopt;
        }
        parsed.port = static_cast<uint16_t>(port);
    }
    return parsed;
}

namespace detail {

void read_webhooks(Reader& r, WebhooksConfig& webhooks) {
    const std::string base = "jicofo.webhooks.";
    webhooks.urls = r.string_list(base + "urls");
    if (const auto* list = r.find(base + "urls"); list != nullptr && list->is_array() && !r.failed()) {
        for (std::size_t i = 0; i < webhooks.urls.size(); ++i) {
            if (!parse_webhook_url(webhooks.urls[i])) {
                r.fail(&list->items()[i], base + "urls",
                       "'" + webhooks.urls[i] + "' is not an http:// or https:// URL (http[s]://host[:port][/path])");
                break;
            }
        }
    }
    webhooks.secret = r.string(base + "secret", true);
    webhooks.events = r.string_list(base + "events");
    if (const auto* list = r.find(base + "events"); list != nullptr && list->is_array() && !r.failed()) {
        for (std::size_t i = 0; i < webhooks.events.size(); ++i) {
            if (std::find(kWebhookEvents.begin(), kWebhookEvents.end(), webhooks.events[i]) == kWebhookEvents.end()) {
                std::string known;
                for (const auto name : kWebhookEvents) {
                    known += (known.empty() ? "" : ", ") + std::string(name);
                }
                r.fail(&list->items()[i], base + "events",
                       "unknown event '" + webhooks.events[i] + "' (known: " + known + ")");
                break;
            }
        }
    }
    webhooks.request_timeout = r.duration(base + "request-timeout");
    if (webhooks.request_timeout <= milliseconds::zero() && !r.failed()) {
        r.fail(r.find(base + "request-timeout"), base + "request-timeout", "must be positive");
    }
    webhooks.max_retries = r.integer(base + "max-retries", -1, INT_MAX);
    webhooks.retry_initial_backoff = r.duration(base + "retry-initial-backoff");
    webhooks.retry_max_backoff = r.duration(base + "retry-max-backoff");
    if (!r.failed() && (webhooks.retry_initial_backoff <= milliseconds::zero() ||
                        webhooks.retry_max_backoff < webhooks.retry_initial_backoff)) {
        r.fail(r.find(base + "retry-max-backoff"), base + "retry-max-backoff",
               "backoffs must be positive and retry-max-backoff at least retry-initial-backoff");
    }
    webhooks.queue_size = r.integer(base + "queue-size", 1, 10000000);
}

}  // namespace detail
}  // namespace jicofo::config
