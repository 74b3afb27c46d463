// Extraction of the typed sections from a resolved tree (one function per group of sections).
#pragma once

#include "jicofo/config/jicofo_config.hpp"
#include "value_reader.hpp"

namespace jicofo::config::detail {

void read_xmpp(Reader& reader, XmppConfig& xmpp);
void read_codec(Reader& reader, CodecConfigs& codec);
void read_bridge(Reader& reader, BridgeConfig& bridge);
void read_conference(Reader& reader, ConferenceConfig& conference);
void read_webhooks(Reader& reader, WebhooksConfig& webhooks);
// Everything else: authentication, health, jibri, jigasi, rest, visitors, octo, sctp, transcription, translation,
// metrics, tracing, local-region and the jicofo-native extensions.
void read_other_sections(Reader& reader, JicofoConfig& config);

// All of the above, in key order; check reader.failed() afterwards.
JicofoConfig read_config(Reader& reader);

// A Client/Service connection name (any case).
XmppConnectionName read_xmpp_connection_name(Reader& reader, const std::string& path);

// Parses a log level name (spdlog or java.util.logging, any case) into spdlog's name.
std::optional<std::string> normalise_log_level(const std::string& name);

}  // namespace jicofo::config::detail
