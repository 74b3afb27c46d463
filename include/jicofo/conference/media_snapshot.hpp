// What /debug shows of one conference's media: its participants' sessions and its colibri2 sessions, taken on the
// conference's strand.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

struct MediaSnapshot {
    struct Participant {
        std::string endpoint_id;
        std::string state;  // waiting, discovering, allocating, offered, active, failed
        std::optional<std::string> bridge;
        std::optional<std::string> session_id;
        std::size_t sources = 0;
        int invites = 0;
    };
    std::vector<Participant> participants;
    colibri::ColibriSnapshot colibri;
    std::size_t conference_sources = 0;
};

}  // namespace jicofo::conference
