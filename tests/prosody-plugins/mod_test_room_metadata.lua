-- A test emulation of Jitsi Meet's room metadata component (Component "metadata.<domain>"), written from the
-- protocol lib-jitsi-meet (modules/xmpp/RoomMetadata.ts) and the focus speak. Strict: every refused request is
-- logged and answered with a message error naming the reason.
--
-- Request, from a moderator occupant of the room:
--   <message to='metadata.meet.test'><room_metadata xmlns='http://jitsi.org/jitmeet' room='r@conference.meet.test'>
--     {"type":"room_metadata","key":"startMuted","data":{"audio":true}}</room_metadata></message>
-- A change (a value equal to the stored one changes nothing and sends nothing) goes to every occupant:
--   <message from='metadata.meet.test' to=<occupant's real JID>><json-message xmlns='http://jitsi.org/jitmeet'
--     room='r@conference.meet.test'>{"type":"room_metadata","metadata":{...}}</json-message></message>
-- The focus (a server admin) gets the metadata with "moderators":[] added (Jitsi adds the moderator ids a token
-- named, and "participants" when known; a test deployment has neither). A joining occupant gets the current
-- metadata once per room and account, before its own presence; the focus's own join does not.
local json = require "util.json";
local array = require "util.array";
local jid_bare = require "util.jid".bare;
local jid_host = require "util.jid".host;
local util = module:require "test_jitsi_util";

local muc_host = module:get_option_string("muc_component");
if not muc_host then
	module:log("error", "muc_component is not set");
	return;
end
local breakout_host = module:get_option_string("breakout_rooms_component");

local function metadata_of(room)
	room.jitsiMetadata = room.jitsiMetadata or {};
	return room.jitsiMetadata;
end

local function send_metadata(room, to, for_admin)
	local metadata = metadata_of(room);
	if for_admin then
		local copy = {};
		for key, value in pairs(metadata) do
			copy[key] = value;
		end
		copy.moderators = array();
		metadata = copy;
	end
	util.send_json(module.host, to, { type = "room_metadata", metadata = metadata }, { room = room.jid });
end

local function broadcast(room)
	for _, occupant in room:each_occupant() do
		send_metadata(room, occupant.jid, util.is_admin(occupant.bare_jid, jid_host(room.jid)));
	end
end

local function find_room(room_jid)
	local host = jid_host(room_jid);
	if host ~= muc_host and (breakout_host == nil or host ~= breakout_host) then
		return nil;
	end
	local muc = util.muc_service(host);
	return muc and muc.get_room_from_jid(jid_bare(room_jid)) or nil;
end

module:hook("message/host", function(event)
	local stanza = event.stanza;
	if stanza.attr.type == "error" then
		return true;
	end
	local request = stanza:get_child("room_metadata", util.JITMEET_NS);
	if not request then
		return util.refuse(event, "modify", "bad-request", "expected a <room_metadata/> element");
	end
	local room_jid = request.attr.room;
	if not room_jid or room_jid == "" then
		return util.refuse(event, "modify", "bad-request", "room_metadata without a room");
	end
	local room = find_room(room_jid);
	if not room then
		return util.refuse(event, "cancel", "item-not-found", "no room " .. room_jid);
	end
	local occupant = room:get_occupant_by_real_jid(stanza.attr.from);
	if not occupant then
		return util.refuse(event, "auth", "forbidden", stanza.attr.from .. " is not an occupant of " .. room.jid);
	end
	if occupant.role ~= "moderator" then
		return util.refuse(event, "auth", "forbidden", occupant.nick .. " is not a moderator of " .. room.jid);
	end
	local text = request:get_text();
	local body = text ~= "" and json.decode(text) or nil;
	if type(body) ~= "table" or body[1] ~= nil then
		return util.refuse(event, "modify", "bad-request", "room_metadata needs a JSON object, got " .. text);
	end
	if body.type ~= "room_metadata" then
		return util.refuse(event, "modify", "bad-request", "type must be room_metadata");
	end
	if type(body.key) ~= "string" or body.key == "" or body.data == nil or body.data == json.null then
		return util.refuse(event, "modify", "bad-request", "room_metadata needs a key and data");
	end
	local metadata = metadata_of(room);
	if util.deep_equal(metadata[body.key], body.data) then
		module:log("info", "metadata %s of %s unchanged", body.key, room.jid);
		return true;
	end
	metadata[body.key] = body.data;
	module:log("info", "metadata %s of %s set by %s", body.key, room.jid, occupant.nick);
	broadcast(room);
	return true;
end, 10);

local function on_muc(host)
	util.on_host(host, function(muc_module)
		-- Last of the pre-join handlers: the join is accepted and its presence not yet sent.
		muc_module:hook("muc-occupant-pre-join", function(event)
			local room, stanza = event.room, event.stanza;
			local nick = util.nick_of(stanza.attr.to or "");
			if nick == "focus" then
				return;
			end
			room.test_metadata_sent = room.test_metadata_sent or {};
			local bare = jid_bare(stanza.attr.from);
			if room.test_metadata_sent[bare] then
				return;
			end
			room.test_metadata_sent[bare] = true;
			send_metadata(room, stanza.attr.from, util.is_admin(bare, host));
		end, -100);
	end);
end

on_muc(muc_host);
if breakout_host then
	on_muc(breakout_host);
end

module:log("info", "room metadata for %s", muc_host);
