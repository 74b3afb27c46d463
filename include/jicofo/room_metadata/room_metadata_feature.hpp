// Room metadata (jicofo-protocol.md §4f) as a feature: the `room_metadata` Prosody component's messages
// (<json-message xmlns='http://jitsi.org/jitmeet' room='..'>{"type":"room_metadata","metadata":{..}}) become the
// conference's typed `RoomMetadata`, which the conference core (start-muted for later joiners) and other features
// (visitors, transcription) read. Only messages from the discovered component's own address count.
#pragma once

#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/feature/feature.hpp"

#include <string>
#include <string_view>

namespace jicofo::room_metadata {

// The largest message accepted, and the most entries kept in any list or map of it.
inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxEntries = 1000;

// Pure: the JSON text of a room_metadata message. Unknown fields are ignored (as Jicofo); a wrong type, a missing
// "metadata" object or a value over the caps is an error that says which field.
[[nodiscard]] core::Result<conference::RoomMetadata, std::string> parse_room_metadata(std::string_view json);

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"room_metadata", &install};

}  // namespace jicofo::room_metadata
