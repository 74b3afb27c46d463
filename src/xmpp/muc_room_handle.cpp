// MucRoom, the handle an owner holds: forwards to the shared state and closes it (leaving the room) when destroyed.
#include "muc_room_impl.hpp"

namespace jicofo::xmpp {

MucRoom::MucRoom(XmppConnection& connection, Strand strand, MucRoomSettings settings, MucEventHandler on_event)
    : impl_(std::make_shared<MucRoomImpl>(connection, std::move(strand), std::move(settings), std::move(on_event))) {
    impl_->start();
}

MucRoom::~MucRoom() {
    impl_->close();
}

void MucRoom::join(std::string nick, std::optional<std::string> password, PresenceExtensions extensions,
                   std::function<void(JoinResult)> done) {
    impl_->join(std::move(nick), std::move(password), std::move(extensions), std::move(done));
}

void MucRoom::leave(std::function<void(bool)> done) {
    impl_->leave(std::move(done));
}

void MucRoom::set_presence_extension(stanza::XmlElement extension) {
    impl_->set_presence_extension(std::move(extension));
}

void MucRoom::remove_presence_extension(std::string_view name, std::string_view ns) {
    impl_->remove_presence_extension(name, ns);
}

void MucRoom::grant_affiliation(const stanza::Jid& real_jid, stanza::MucAffiliation affiliation, AdminCallback done) {
    impl_->send_admin(stanza::MucAdminQuery::grant(affiliation, real_jid.bare()), std::move(done));
}

void MucRoom::grant_role(std::string nick, stanza::MucRole role, AdminCallback done) {
    stanza::MucItem item;
    item.nick = std::move(nick);
    item.role = role;
    impl_->send_admin(stanza::MucAdminQuery{{std::move(item)}}, std::move(done));
}

void MucRoom::kick(std::string nick, std::optional<std::string> reason, AdminCallback done) {
    impl_->send_admin(stanza::MucAdminQuery::kick(std::move(nick), std::move(reason)), std::move(done));
}

const stanza::Jid& MucRoom::room_jid() const {
    return impl_->room_jid();
}
bool MucRoom::joined() const {
    return impl_->joined();
}
std::optional<stanza::Jid> MucRoom::own_occupant_jid() const {
    return impl_->own_occupant_jid();
}
MemberRole MucRoom::own_role() const {
    return impl_->own_role();
}
const RoomInfo& MucRoom::room_info() const {
    return impl_->room_info();
}
const Member* MucRoom::member(std::string_view nick) const {
    return impl_->member(nick);
}
std::vector<Member> MucRoom::members() const {
    return impl_->members();
}
std::size_t MucRoom::member_count() const {
    return impl_->member_count();
}

}  // namespace jicofo::xmpp
