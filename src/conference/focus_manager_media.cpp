// Reaching conferences from outside the room map: a participant's Jingle IQ to its room's conference, and bridge
// events to every conference.
#include "jicofo/conference/focus_manager.hpp"

#include <boost/asio/post.hpp>

namespace jicofo::conference {

// Entry is private to focus_manager.cpp; only its handle is needed here, through this accessor.
std::shared_ptr<ConferenceHandle> FocusManager::handle_of(const stanza::Jid& room) const {
    auto found = conferences_.find(room);
    return found == conferences_.end() ? nullptr : entry_handle(*found->second);
}

void FocusManager::with_conference(stanza::Jid room, std::function<void(ConferenceHandle*)> fn) {
    boost::asio::post(strand_, [self = shared_from_this(), room = std::move(room), fn = std::move(fn)] {
        auto handle = self->handle_of(room);
        fn(handle.get());
    });
}

void FocusManager::for_each_conference(std::function<void(ConferenceHandle&)> fn) {
    boost::asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)] {
        for (const auto& [room, entry] : self->conferences_) {
            if (auto handle = entry_handle(*entry)) {
                fn(*handle);
            }
        }
    });
}

}  // namespace jicofo::conference
