// Configuration reload (SIGHUP, `systemctl reload jicofo`; not in Jicofo): which keys apply live, which need a
// restart, and the configuration the process runs with afterwards. Pure functions over two loaded configurations;
// the application applies the result (application.cpp) and each module takes its part on its own strand.
//
// Live: the log level; bridge selection (strategy, thresholds, regions, octo) and bridge health-check intervals;
// jicofo.health intervals and deadlines; jicofo.conference (timeouts, caps, rate limits) and jicofo.codec for the
// conferences created from then on; jicofo.drain; and the features' own sections they reload themselves. Every other
// changed key (XMPP connections, REST listener, breweries, authentication, visitors...) is named in the log as
// needing a restart and keeps its running value.
#pragma once

#include "jicofo/config/jicofo_config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace jicofo::app {

// Whether a changed key (dotted, as in jicofo.conf, e.g. "jicofo.bridge.stress-threshold") applies live.
[[nodiscard]] bool applies_live(std::string_view key);

struct ConfigChanges {
    std::vector<std::string> live;     // changed and applied now
    std::vector<std::string> restart;  // changed, kept at their running value until a restart
    [[nodiscard]] bool empty() const { return live.empty() && restart.empty(); }
};

// The keys whose values differ between `running` and `loaded` (leaves of the effective configuration, secrets
// compared by value but never shown), split by applies_live, sorted.
[[nodiscard]] ConfigChanges compare_configs(const config::JicofoConfig& running, const config::JicofoConfig& loaded);

// `running` with the live parts of `loaded`: what the process runs with after the reload.
[[nodiscard]] config::JicofoConfig with_live_parts(const config::JicofoConfig& running,
                                                   const config::JicofoConfig& loaded);

}  // namespace jicofo::app
