-- Loaded on a visitor node's MUC component by the join storm (bench/join_storm.cpp): everyone who is not an admin
-- (the focus) joins with the MUC role visitor, as on Jitsi's visitor nodes, and only an admin may create a room (the
-- focus joins a node's room before it redirects anyone there; a visitor arriving first would otherwise become the
-- room's owner).
local jid_bare = require "util.jid".bare;
local st = require "util.stanza";

local usermanager = require "core.usermanager";

local function is_admin(jid)
	return usermanager.is_admin(jid, module.host);
end

module:hook("muc-room-pre-create", function(event)
	if not is_admin(jid_bare(event.stanza.attr.from)) then
		module:log("warn", "%s tried to create %s before the focus", event.stanza.attr.from, event.room.jid);
		event.origin.send(st.error_reply(event.stanza, "cancel", "not-allowed", "only the focus creates rooms here"));
		return true;
	end
end, 10);

module:hook("muc-get-default-role", function(event)
	if event.affiliation_rank < 2 then -- below admin
		return "visitor";
	end
end, 10);

-- Visitors do not see each other, as on Jitsi's nodes: a visitor's presence goes to the focus only, and a joining
-- visitor is sent only the focus's. Without this a node's room costs O(visitors^2) presences, which Jitsi's nodes
-- do not pay. The visitors' nicks are kept from before their join is broadcast until after their leave is.
module:hook("muc-occupant-pre-join", function(event)
	if not is_admin(jid_bare(event.stanza.attr.from)) then
		local room = event.room;
		room.bench_visitor_nicks = room.bench_visitor_nicks or {};
		room.bench_visitor_nicks[event.occupant.nick] = true;
	end
end, -100);

module:hook("muc-occupant-left", function(event)
	local nicks = event.room.bench_visitor_nicks;
	if nicks and event.occupant then
		nicks[event.occupant.nick] = nil;
	end
end);

module:hook("muc-room-created", function(event)
	local room = event.room;
	local route_to_occupant = room.route_to_occupant;
	room.route_to_occupant = function(self, occupant, stanza)
		local nicks = self.bench_visitor_nicks;
		if nicks and stanza.name == "presence" and nicks[stanza.attr.from] and nicks[occupant.nick]
			and stanza.attr.from ~= occupant.nick then
			return;
		end
		return route_to_occupant(self, occupant, stanza);
	end
end);
