// The reference's names for the dial request counters.
#include "jicofo/jigasi/jigasi_counters.hpp"

namespace jicofo::jigasi {

std::string_view stats_key(JigasiEvent event) {
    switch (event) {
        case JigasiEvent::accepted: return "accepted_requests";
        case JigasiEvent::rejected: return "rejected_requests";
        case JigasiEvent::retry: return "retries";
        case JigasiEvent::instance_error: return "instance_errors";
        case JigasiEvent::instance_timeout: return "instance_timeout";
        case JigasiEvent::failed_no_instance: return "requests_failed_no_instance";
        case JigasiEvent::failed_xmpp_not_connected: return "requests_failed_xmpp_not_connected";
    }
    return "unknown";
}

std::optional<std::string_view> metric_name(JigasiEvent event) {
    switch (event) {
        case JigasiEvent::accepted: return "jigasi_iq_handler_accepted_requests";
        case JigasiEvent::rejected: return "jigasi_iq_handler_rejected_requests";
        case JigasiEvent::retry: return "jigasi_iq_handler_retries";
        case JigasiEvent::instance_error: return "jigasi_iq_handler_instance_errors";
        case JigasiEvent::instance_timeout: return "jigasi_iq_handler_instance_timeouts";
        case JigasiEvent::failed_no_instance:
        case JigasiEvent::failed_xmpp_not_connected: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace jicofo::jigasi
