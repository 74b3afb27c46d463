// The focus's requests to Jitsi's visitors component (jicofo-protocol.md §4i): start or stop broadcasting a main
// room to a visitor node.
//   <visitors xmlns='jitsi:visitors' room='room1@conference.example.com'>
//     <connect-vnode xmlns='jitsi:visitors' vnode='v1'/>
//   </visitors>
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <string>
#include <vector>

namespace jicofo::stanza {

struct VisitorsIq {
    enum class Action { connect_vnode, disconnect_vnode };
    struct Change {
        Action action = Action::connect_vnode;
        std::string vnode;
        friend bool operator==(const Change&, const Change&) = default;
    };
    Jid room;                     // the main room, bare
    std::vector<Change> changes;  // at least one

    static ParseResult<VisitorsIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const VisitorsIq&, const VisitorsIq&) = default;
};

}  // namespace jicofo::stanza
