// Breakout rooms (jicofo-protocol.md §4b) as a feature. A breakout room is a conference like any other, in a room
// on the breakout rooms service Prosody announces (component "breakout_rooms"), whose room info carries
// muc#roominfo_isbreakout and muc#roominfo_breakout_main_room. What this feature adds:
//   - a main conference is held open while any of its breakout conferences runs (a hold per breakout room, taken
//     when the breakout conference joins and released when it ends), so it does not end when everybody has moved;
//   - a main conference whose last member left with presence status "switch_room" (moving to a breakout room) is
//     held open for jicofo.conference.initial-timeout, long enough for the breakout conference to start;
//   - /debug shows the breakout service's address ("breakout_rooms") and each breakout conference's main room.
// No auto-owner in breakout rooms, and no authentication for them: the conference core does both, since it reads
// the room info and the room map admits rooms.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::breakout {

// The status a participant's last presence carries when it leaves for a breakout room.
inline constexpr std::string_view kSwitchRoomStatus = "switch_room";

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"breakout_rooms", &install};

}  // namespace jicofo::breakout
