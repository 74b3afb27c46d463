-- A test emulation of Jitsi Meet's breakout rooms, loaded on a MUC component of its own:
--   Component "breakout.meet.test" "muc"
--     modules_enabled = { "test_breakout_rooms" }
--     main_muc = "conference.meet.test"
-- Written from the protocol lib-jitsi-meet (modules/xmpp/BreakoutRooms.js) speaks. Strict: every refused request
-- is logged and answered with a message error naming the reason.
--
-- Requests, from a moderator occupant of a main room or of one of its breakout rooms, to the bare MUC host:
--   <message to='breakout.meet.test'><breakout_rooms type='features/breakout-rooms/add' subject='Room 1'/>
--   <breakout_rooms type='features/breakout-rooms/remove' breakoutRoomJid='<uuid>@breakout.meet.test'/>
--   <breakout_rooms type='features/breakout-rooms/rename' breakoutRoomJid='..' subject='..'/>
--   <breakout_rooms type='features/breakout-rooms/move-to-room' participantJid=<real JID> roomJid=<room JID>/>
-- From <message from='breakout.meet.test' to=<real JID>><json-message xmlns='http://jitsi.org/jitmeet'>:
--   the moved participant: {"type":"breakout_rooms","event":"features/breakout-rooms/move-to-room","roomJid"}
--   every occupant but the focus, after a change: {"type":"breakout_rooms","event":"features/breakout-rooms/update",
--     "roomCounter":n,"rooms":{node:{"id","jid","name","isMainRoom"(main only),"participants":{occupant JID:
--     {"jid":real JID,"role","displayName"}}}}}
-- Only rooms that were added can be created (others are refused item-not-found). Their disco#info form carries
-- muc#roominfo_isbreakout=1 and muc#roominfo_breakout_main_room; affiliations follow the main room's.
-- As in Jitsi, a main room with breakout rooms is persistent, so it outlives everybody moving out of it at once
-- (the focus leaves too when its conference there ends); once nobody but the focus is left in it or any of its
-- breakout rooms for `breakout_rooms_close_after` seconds (Jitsi's 5 by default), it is destroyed, and with it
-- its breakout rooms.
local st = require "util.stanza";
local uuid = require "util.uuid".generate;
local jid_bare = require "util.jid".bare;
local jid_host = require "util.jid".host;
local jid_node = require "util.jid".node;
local util = module:require "test_jitsi_util";

local main_muc = module:get_option_string("main_muc");
if not main_muc then
	module:log("error", "main_muc is not set");
	return;
end

local CLOSE_AFTER = module:get_option_number("breakout_rooms_close_after", 5);
local PREFIX = "features/breakout-rooms/";
local UPDATE_DELAY = 0.1; -- coalesces the updates of several changes, as Jitsi does

-- main room JID -> { counter = n, rooms = { [breakout JID] = subject } }; breakout JID -> main room JID.
local breakouts = {};
local main_of = {};

local function main_room(jid)
	local muc = util.muc_service(main_muc);
	return muc and muc.get_room_from_jid(jid) or nil;
end

local function breakout_room(jid)
	local muc = util.muc_service(module.host);
	return muc and muc.get_room_from_jid(jid) or nil;
end

local function is_focus(occupant)
	return jid_node(occupant.jid) == "focus";
end

local function participants(room)
	local list = {};
	if not room then
		return list;
	end
	for nick, occupant in room:each_occupant() do
		if not is_focus(occupant) then
			list[nick] = {
				jid = occupant.jid;
				role = occupant.role;
				displayName = occupant:get_presence():get_child_text("nick", "http://jabber.org/protocol/nick");
			};
		end
	end
	return list;
end

local function send_update(main_jid)
	local entry = breakouts[main_jid];
	local main = main_room(main_jid);
	if not entry or not main then
		return;
	end
	entry.timer = nil;
	local node = jid_node(main_jid);
	local rooms = {
		[node] = { id = node, jid = main_jid, name = main:get_subject() or node, isMainRoom = true,
			participants = participants(main) };
	};
	for jid, subject in pairs(entry.rooms) do
		rooms[jid_node(jid)] = { id = jid_node(jid), jid = jid, name = subject,
			participants = participants(breakout_room(jid)) };
	end
	local payload = { type = "breakout_rooms", event = PREFIX .. "update", roomCounter = entry.counter, rooms = rooms };
	local function to_occupants(room)
		for _, occupant in room:each_occupant() do
			if not is_focus(occupant) then
				util.send_json(module.host, occupant.jid, payload);
			end
		end
	end
	to_occupants(main);
	for jid in pairs(entry.rooms) do
		local room = breakout_room(jid);
		if room then
			to_occupants(room);
		end
	end
end

local function schedule_update(main_jid)
	local entry = breakouts[main_jid];
	if entry and not entry.timer then
		entry.timer = module:add_timer(UPDATE_DELAY, function()
			send_update(main_jid);
		end);
	end
end

-- The main room of the sender's room and the sender's occupant there, or nil and a reason.
local function sender_context(from)
	local found = util.rooms_of(main_muc, from);
	for _, hit in ipairs(util.rooms_of(module.host, from)) do
		table.insert(found, hit);
	end
	if #found ~= 1 then
		return nil, nil, from .. " is in " .. #found .. " rooms, not one";
	end
	local room = found[1].room;
	local main_jid = jid_host(room.jid) == main_muc and room.jid or main_of[room.jid];
	return main_jid, found[1].occupant;
end

local function owns(main_jid, jid)
	local entry = breakouts[main_jid];
	return jid == main_jid or (entry ~= nil and entry.rooms[jid] ~= nil);
end

local handlers = {};

function handlers.add(event, main_jid, request)
	local entry = breakouts[main_jid] or { counter = 0, rooms = {} };
	breakouts[main_jid] = entry;
	entry.counter = entry.counter + 1;
	local jid = uuid() .. "@" .. module.host;
	entry.rooms[jid] = request.attr.subject or ("Breakout room " .. entry.counter);
	main_of[jid] = main_jid;
	local main = main_room(main_jid);
	if main then
		main:set_persistent(true);
	end
	module:log("info", "breakout room %s of %s added", jid, main_jid);
	schedule_update(main_jid);
	return true;
end

function handlers.remove(event, main_jid, request)
	local jid = request.attr.breakoutRoomJid;
	if not jid or jid == main_jid or not owns(main_jid, jid) then
		return util.refuse(event, "cancel", "item-not-found", "no breakout room " .. tostring(jid) .. " of " .. main_jid);
	end
	breakouts[main_jid].rooms[jid] = nil;
	main_of[jid] = nil;
	local room = breakout_room(jid);
	if room then
		room:destroy(main_jid, "Breakout room removed.");
	end
	schedule_update(main_jid);
	return true;
end

function handlers.rename(event, main_jid, request)
	local jid, subject = request.attr.breakoutRoomJid, request.attr.subject;
	if not jid or jid == main_jid or not owns(main_jid, jid) then
		return util.refuse(event, "cancel", "item-not-found", "no breakout room " .. tostring(jid) .. " of " .. main_jid);
	end
	if not subject then
		return util.refuse(event, "modify", "bad-request", "rename without a subject");
	end
	breakouts[main_jid].rooms[jid] = subject;
	local room = breakout_room(jid);
	if room then
		room:set_subject(room.jid, subject);
	end
	schedule_update(main_jid);
	return true;
end

handlers["move-to-room"] = function(event, main_jid, request)
	local participant, target = request.attr.participantJid, request.attr.roomJid;
	if not participant or not target then
		return util.refuse(event, "modify", "bad-request", "move-to-room needs participantJid and roomJid");
	end
	if not owns(main_jid, target) then
		return util.refuse(event, "cancel", "item-not-found",
			target .. " is neither " .. main_jid .. " nor one of its breakout rooms");
	end
	local present = main_room(main_jid):get_occupant_by_real_jid(participant) ~= nil;
	for jid in pairs((breakouts[main_jid] or { rooms = {} }).rooms) do
		local room = breakout_room(jid);
		present = present or (room ~= nil and room:get_occupant_by_real_jid(participant) ~= nil);
	end
	if not present then
		return util.refuse(event, "cancel", "item-not-found", participant .. " is in none of the rooms of " .. main_jid);
	end
	module:log("info", "moving %s to %s", participant, target);
	util.send_json(module.host, participant,
		{ type = "breakout_rooms", event = PREFIX .. "move-to-room", roomJid = target });
	return true;
end

module:hook("message/host", function(event)
	local stanza = event.stanza;
	if stanza.attr.type == "error" then
		return true;
	end
	local request = stanza:get_child("breakout_rooms");
	if not request then
		return util.refuse(event, "modify", "bad-request", "expected a <breakout_rooms/> element");
	end
	local kind = request.attr.type or "";
	local handler = kind:sub(1, #PREFIX) == PREFIX and handlers[kind:sub(#PREFIX + 1)] or nil;
	if not handler then
		return util.refuse(event, "modify", "bad-request", "unknown breakout_rooms type " .. kind);
	end
	local main_jid, occupant, why = sender_context(stanza.attr.from);
	if not main_jid then
		return util.refuse(event, "cancel", "item-not-found", why or "the sender's room has no main room");
	end
	if occupant.role ~= "moderator" then
		return util.refuse(event, "auth", "forbidden", occupant.nick .. " is not a moderator");
	end
	return handler(event, main_jid, request);
end, 10);

-- Only added rooms may come to life; they take the name they were given.
module:hook("muc-room-pre-create", function(event)
	local room = event.room;
	local main_jid = main_of[room.jid];
	if not main_jid then
		module:log("warn", "refused to create %s: not an added breakout room", room.jid);
		event.origin.send(st.error_reply(event.stanza, "cancel", "item-not-found", "no breakout room " .. room.jid,
			module.host));
		return true;
	end
	room:set_subject(room.jid, breakouts[main_jid].rooms[room.jid]);
end, 10);

module:hook("muc-disco#info", function(event)
	table.insert(event.form, { name = "muc#roominfo_isbreakout", label = "Is this a breakout room?", type = "boolean" });
	event.formdata["muc#roominfo_isbreakout"] = true;
	table.insert(event.form, { name = "muc#roominfo_breakout_main_room", label = "The main room of this breakout room" });
	event.formdata["muc#roominfo_breakout_main_room"] = main_of[event.room.jid];
end);

module:hook("muc-config-form", function(event)
	table.insert(event.form, { name = "muc#roominfo_isbreakout", label = "Is this a breakout room?", type = "boolean",
		value = true });
	table.insert(event.form, { name = "muc#roominfo_breakout_main_room", label = "The main room of this breakout room",
		value = main_of[event.room.jid] });
end);

local function on_presence_change(event)
	local main_jid = jid_host(event.room.jid) == main_muc and event.room.jid or main_of[event.room.jid];
	if main_jid and breakouts[main_jid] and not is_focus(event.occupant) then
		schedule_update(main_jid);
	end
end

local function anybody_in(room)
	if not room then
		return false;
	end
	for _, occupant in room:each_occupant() do
		if not is_focus(occupant) then
			return true;
		end
	end
	return false;
end

-- Anybody joining a room of the meeting (the focus too) keeps the meeting: no close.
local function on_joined(event)
	local main_jid = jid_host(event.room.jid) == main_muc and event.room.jid or main_of[event.room.jid];
	local entry = main_jid and breakouts[main_jid];
	if entry and entry.close_timer then
		entry.close_timer:stop();
		entry.close_timer = nil;
	end
	on_presence_change(event);
end

-- The last participant (not the focus) gone from the main room and its breakout rooms: the meeting closes unless
-- somebody joins within CLOSE_AFTER seconds.
local function on_left(event)
	on_presence_change(event);
	local main_jid = jid_host(event.room.jid) == main_muc and event.room.jid or main_of[event.room.jid];
	local entry = main_jid and breakouts[main_jid];
	if not entry or entry.close_timer or anybody_in(main_room(main_jid)) then
		return;
	end
	for jid in pairs(entry.rooms) do
		if anybody_in(breakout_room(jid)) then
			return;
		end
	end
	entry.close_timer = module:add_timer(CLOSE_AFTER, function()
		local main = main_room(main_jid);
		if breakouts[main_jid] ~= entry or not entry.close_timer or not main then
			return;
		end
		entry.close_timer = nil;
		module:log("info", "closing %s: everybody left it and its breakout rooms", main_jid);
		main:set_persistent(false); -- a persistent room would leave a tombstone behind
		main:destroy(nil, "All occupants left.");
	end);
end

module:hook("muc-occupant-joined", on_joined);
module:hook("muc-occupant-left", on_left);

-- Affiliations in a breakout room are those of its main room (moderators stay moderators).
util.on_host(module.host, function()
	local room_mt = util.muc_service(module.host).room_mt;
	local own_affiliation = room_mt.get_affiliation;
	room_mt.get_affiliation = function(room, jid)
		local main = main_of[room.jid] and main_room(main_of[room.jid]);
		if not main then
			return own_affiliation(room, jid);
		end
		return main:get_affiliation(jid) or "none";
	end
end);

util.on_host(main_muc, function(muc_module)
	muc_module:hook("muc-occupant-joined", on_joined);
	muc_module:hook("muc-occupant-left", on_left);
	muc_module:hook("muc-room-destroyed", function(event)
		local main_jid = event.room.jid;
		local entry = breakouts[main_jid];
		if not entry then
			return;
		end
		breakouts[main_jid] = nil;
		for jid in pairs(entry.rooms) do
			main_of[jid] = nil;
			local room = breakout_room(jid);
			if room then
				room:destroy(nil, "The main room ended.");
			end
		end
	end);
end);

module:log("info", "breakout rooms of %s", main_muc);
