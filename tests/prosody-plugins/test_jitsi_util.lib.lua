-- Helpers shared by the test emulations of Jitsi Meet's room components (mod_test_av_moderation,
-- mod_test_breakout_rooms, mod_test_room_metadata). Loaded with module:require, so `module` is the caller.
local st = require "util.stanza";
local json = require "util.json";
local jid_bare = require "util.jid".bare;
local usermanager = require "core.usermanager";

local lib = {};

lib.JITMEET_NS = "http://jitsi.org/jitmeet";

-- <message from=<this component> to=...><json-message xmlns='http://jitsi.org/jitmeet' [attrs]>JSON</json-message>
function lib.send_json(from, to, payload, extra_attrs)
	local attrs = { xmlns = lib.JITMEET_NS };
	for name, value in pairs(extra_attrs or {}) do
		attrs[name] = value;
	end
	local text, err = json.encode(payload);
	if not text then
		module:log("error", "cannot encode a message to %s: %s", to, err);
		return;
	end
	module:send(st.message({ from = from, to = to }):tag("json-message", attrs):text(text):up());
end

-- Refuses a request: logged, and answered with a message error naming the reason, so a test sees why.
-- Returns true (the stanza is handled).
function lib.refuse(event, error_type, condition, reason)
	local stanza = event.stanza;
	module:log("warn", "refused a request from %s: %s (%s)", tostring(stanza.attr.from), reason, condition);
	module:send(st.error_reply(stanza, error_type, condition, reason, module.host));
	return true;
end

-- Runs fn(host_module) for a MUC host once its mod_muc is loaded: now, or when the host is activated or the
-- module loaded (components are set up in config order, and this module may load before mod_muc).
function lib.on_host(host, fn)
	local done = false;
	local function run()
		if not done then
			done = true;
			fn(module:context(host));
		end
	end
	local function wait_for_muc(host_session)
		if host_session.modules.muc then
			run();
			return;
		end
		host_session.events.add_handler("module-loaded", function(event)
			if event.module == "muc" then
				run();
			end
		end);
	end
	if prosody.hosts[host] then
		wait_for_muc(prosody.hosts[host]);
		return;
	end
	prosody.events.add_handler("host-activated", function(activated)
		if activated == host then
			wait_for_muc(prosody.hosts[host]);
		end
	end);
end

-- The mod_muc environment of a MUC host (get_room_from_jid, live_rooms), or nil.
function lib.muc_service(host)
	local host_session = prosody.hosts[host];
	return host_session and host_session.modules.muc or nil;
end

-- The rooms of a MUC host in which `real_jid` (a full JID) is an occupant, and that occupant.
function lib.rooms_of(host, real_jid)
	local found = {};
	local muc = lib.muc_service(host);
	if not muc then
		return found;
	end
	for room in muc.live_rooms() do
		local occupant = room:get_occupant_by_real_jid(real_jid);
		if occupant then
			table.insert(found, { room = room, occupant = occupant });
		end
	end
	return found;
end

function lib.is_admin(jid, host)
	return usermanager.is_admin(jid_bare(jid), host);
end

function lib.nick_of(occupant_jid)
	return occupant_jid:match("/(.*)$");
end

-- Structural equality of decoded JSON values.
function lib.deep_equal(a, b)
	if type(a) ~= type(b) then
		return false;
	end
	if type(a) ~= "table" then
		return a == b;
	end
	for key, value in pairs(a) do
		if not lib.deep_equal(value, b[key]) then
			return false;
		end
	end
	for key in pairs(b) do
		if a[key] == nil then
			return false;
		end
	end
	return true;
end

return lib;
