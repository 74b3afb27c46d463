// libFuzzer target: the source formats a participant controls. The bytes are read as compact JSON (Jingle's
// <json-message>), and as a Jingle source-add whose sources go through validation against a conference that already
// holds one owner's sources. Nothing may crash; whatever decodes must encode and decode to the same map.
#include "jicofo/media/jingle_sources.hpp"
#include "jicofo/sources/compact_json.hpp"
#include "jicofo/sources/validation.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace jicofo;

// Alice's audio and a simulcast video with RTX, as a real client signals them.
sources::ConferenceSourceMap existing_conference() {
    auto decoded = sources::decode_compact_json(
        R"({"sources":{"alice":[[{"s":11,"m":"a v"},{"s":12,"m":"a v"},{"s":13,"m":"a v"},{"s":21,"m":"a v"},)"
        R"({"s":22,"m":"a v"},{"s":23,"m":"a v"}],[["s",11,12,13],["f",11,21],["f",12,22],["f",13,23]],)"
        R"([{"s":1,"m":"a a"}]]}})");
    if (!decoded) {
        std::abort();  // the seed conference itself must decode
    }
    return std::move(decoded).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sources::ConferenceSourceMap conference = existing_conference();
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto decoded = sources::decode_compact_json(text)) {
        auto again = sources::decode_compact_json(sources::encode_compact_json(*decoded));
        if (!again) {
            std::abort();
        }
    }

    auto xml = stanza::parse_xml(text);
    if (!xml) {
        return 0;
    }
    auto jingle = stanza::Jingle::parse(*xml);
    if (!jingle) {
        return 0;
    }
    auto signalled = media::sources_from_contents(jingle->contents);
    if (!signalled) {
        return 0;
    }
    const sources::SourceLimits limits;
    static_cast<void>(sources::validate_add(conference, "bob", *signalled, limits));
    static_cast<void>(sources::validate_add(conference, "alice", *signalled, limits));
    static_cast<void>(sources::validate_remove(conference, "alice", *signalled));
    return 0;
}
