// Status that bridges, Jigasi and Jibri instances publish in their brewery MUC presence, and the bridge health IQ.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// <stats xmlns='http://jitsi.org/protocol/colibri'><stat name value/>...</stats>. Every stat is kept; the typed
// accessors return nullopt when a stat is absent or does not parse, and the caller applies its default.
struct ColibriStats {
    struct Stat {
        std::string name;
        std::string value;
        friend bool operator==(const Stat&, const Stat&) = default;
    };
    std::vector<Stat> stats;

    static ParseResult<ColibriStats> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    [[nodiscard]] std::optional<double> get_double(std::string_view name) const;
    [[nodiscard]] std::optional<bool> get_bool(std::string_view name) const;
    [[nodiscard]] std::optional<std::int64_t> get_int(std::string_view name) const;
    void set(std::string_view name, std::string value);

    // Bridges.
    [[nodiscard]] std::optional<double> stress_level() const { return get_double("stress_level"); }
    [[nodiscard]] std::optional<double> average_participant_stress() const {
        return get_double("average_participant_stress");
    }
    [[nodiscard]] std::optional<std::string_view> region() const { return get("region"); }
    [[nodiscard]] std::optional<std::string_view> relay_id() const { return get("relay_id"); }
    [[nodiscard]] std::optional<std::string_view> version() const { return get("version"); }
    [[nodiscard]] std::optional<std::string_view> release() const { return get("release"); }
    [[nodiscard]] std::optional<bool> drain() const { return get_bool("drain"); }
    [[nodiscard]] std::optional<bool> graceful_shutdown() const { return get_bool("graceful_shutdown"); }
    [[nodiscard]] std::optional<bool> shutting_down() const { return get_bool("shutting_down"); }
    [[nodiscard]] std::optional<bool> healthy() const { return get_bool("healthy"); }
    // Jigasi.
    [[nodiscard]] std::optional<bool> supports_sip() const { return get_bool("supports_sip"); }
    [[nodiscard]] std::optional<bool> supports_transcription() const { return get_bool("supports_transcription"); }
    [[nodiscard]] std::optional<std::int64_t> participants() const { return get_int("participants"); }

    friend bool operator==(const ColibriStats&, const ColibriStats&) = default;
};

enum class JibriBusyStatus { idle, busy };
enum class JibriHealth { healthy, unhealthy };

// <jibri-status xmlns=jibri><busy-status status='idle|busy'/>
//   <health-status xmlns='http://jitsi.org/protocol/health' status='healthy|unhealthy'/></jibri-status>.
// Unknown status values read as absent, which makes the instance unavailable.
struct JibriStatus {
    std::optional<JibriBusyStatus> busy;
    std::optional<JibriHealth> health;

    static ParseResult<JibriStatus> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] bool is_available() const { return busy == JibriBusyStatus::idle && health == JibriHealth::healthy; }
    friend bool operator==(const JibriStatus&, const JibriStatus&) = default;
};

// <healthcheck xmlns='http://jitsi.org/protocol/health'/>, sent as an iq get to each bridge.
struct HealthCheckIq {
    static ParseResult<HealthCheckIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const HealthCheckIq&, const HealthCheckIq&) = default;
};

}  // namespace jicofo::stanza
