"""What the emulated Jibri and Jigasi share as occupants of a brewery MUC: the presence they publish there, the
occupants they track to tell the focus's IQs from anyone else's, and the brewery commands of their drivers
(join_brewery, leave_brewery, die). It is xmpp_peer.py plus that, written from the protocol; see jibri_peer.py and
jigasi_peer.py for the commands and events.
"""

import asyncio
from xml.sax.saxutils import quoteattr

from peer_xml import to_text
from xmpp_peer import MUC_USER_NS, Driver, Peer, bare, emit


class Refused(Exception):
    """A request the emulator refuses: answered with this IQ error condition and reported as a protocol_violation."""

    def __init__(self, condition, reason):
        super().__init__(reason)
        self.condition = condition


class BreweryPeer(Peer):
    def __init__(self, jid, password, options):
        super().__init__(jid, password, options)
        self.focus = None            # bare JID of the focus account, set on join_brewery
        self.brewery = None
        self.occupants = {}          # brewery occupant JID -> {"jid": real JID or None, "affiliation": ...}
        self.tasks = set()

    def status_element(self):
        """The element this component announces in its brewery presence."""
        raise NotImplementedError

    def publish(self):
        state = self.rooms.get(self.brewery) if self.brewery else None
        if state is None:
            return
        state["extensions"] = to_text(self.status_element())
        self.send_raw("<presence to=%s>%s</presence>" % (
            quoteattr("%s/%s" % (self.brewery, state["nick"])), state["extensions"]))

    def on_presence(self, presence):
        super().on_presence(presence)
        xml = presence.xml
        sender = xml.get("from", "")
        if not self.brewery or bare(sender) != self.brewery or "/" not in sender:
            return
        if xml.get("type") == "unavailable":
            self.occupants.pop(sender, None)
            return
        item = next((i for x in xml.iter("{%s}x" % MUC_USER_NS) for i in x.iter("{%s}item" % MUC_USER_NS)), None)
        if item is not None:
            self.occupants[sender] = {"jid": item.get("jid"), "affiliation": item.get("affiliation", "none")}

    def sender_is_focus(self, xml):
        """(is it the focus, what we know of the sender). Directly, the sender's account must be the focus's. Through
        the brewery MUC, the occupant's real JID when the room shows it; in a semi-anonymous room (Prosody's default)
        only owners and admins qualify: the focus is an admin of the internal MUC in a Jitsi deployment, and the
        rewritten stanza id names the recipient, not the sender."""
        sender = xml.get("from", "")
        if not (self.brewery and bare(sender) == self.brewery):
            return bare(sender) == self.focus, {"origin": bare(sender), "affiliation": None}
        occupant = self.occupants.get(sender)
        if occupant is None:
            return False, {"origin": None, "affiliation": None}
        if occupant["jid"]:
            return bare(occupant["jid"]) == self.focus, {"origin": bare(occupant["jid"]),
                                                         "affiliation": occupant["affiliation"]}
        return occupant["affiliation"] in ("owner", "admin"), {"origin": None, "affiliation": occupant["affiliation"]}

    def spawn(self, coroutine):
        """Runs a coroutine in the background, kept referenced until it ends."""
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class BreweryDriver(Driver):
    async def join_brewery(self, command):
        """Joins the brewery with the peer's status in the presence; "focus" names the account whose IQs are obeyed
        (default focus@<our domain>)."""
        peer = self.connected_peer()
        peer.focus = bare(command.get("focus") or "focus@" + peer.boundjid.domain)
        # Set before joining: the presences of the occupants already there (the focus) come before our own.
        peer.brewery = bare(command["room"])
        try:
            await self.cmd_join({"room": command["room"], "nick": command["nick"],
                                 "timeout": command.get("timeout", 10),
                                 "presence_xml": to_text(peer.status_element())})
        except Exception:
            peer.brewery = None
            raise

    async def cmd_leave_brewery(self, command):
        peer = self.connected_peer()
        if peer.brewery is None:
            raise ValueError("not in a brewery")
        await self.cmd_leave({"room": peer.brewery, "timeout": command.get("timeout", 10)})
        peer.brewery = None
        peer.occupants.clear()

    async def cmd_die(self, _command):
        peer = self.connected_peer()
        # As a crashed component: no unavailable presence, no closing </stream:stream>.
        peer.closing = True
        peer.abort()
        await asyncio.sleep(0)
        emit("died")
