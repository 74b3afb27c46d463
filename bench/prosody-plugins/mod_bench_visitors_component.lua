-- The main Prosody's visitors component for the join storm (bench/join_storm.cpp), announced on the main host as
-- <identity category='component' type='visitors'/> (by test_jitsi_identities). It acknowledges the focus's
-- connect-vnode / disconnect-vnode requests and counts them; it does not federate the rooms (the benchmark measures
-- the focus and the Prosodies' client work, not room federation).
local st = require "util.stanza";

local counts = { ["connect-vnode"] = 0, ["disconnect-vnode"] = 0 };

local function on_visitors_iq(event)
	local stanza = event.stanza;
	local visitors = stanza.tags[1];
	for change in visitors:childtags() do
		if counts[change.name] then
			counts[change.name] = counts[change.name] + 1;
			module:log("debug", "%s %s for %s", change.name, change.attr.vnode or "?", visitors.attr.room or "?");
		end
	end
	event.origin.send(st.reply(stanza));
	return true;
end

module:hook("iq-get/host/jitsi:visitors:visitors", on_visitors_iq);
module:hook("iq-set/host/jitsi:visitors:visitors", on_visitors_iq);

module:hook_global("server-stopping", function()
	module:log("info", "connect-vnode requests: %d, disconnect-vnode requests: %d", counts["connect-vnode"],
		counts["disconnect-vnode"]);
end);
