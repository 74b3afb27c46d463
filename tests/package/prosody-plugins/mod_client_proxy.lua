-- A stand-in for jitsi-meet's mod_client_proxy, so that the test's Prosody has the component jitsi-meet-prosody
-- configures for the focus ("focus.<host>", target_address = the focus user). The real module forwards clients'
-- stanzas to the target; the package test only needs the component to exist with its configuration.
local target = module:get_option_string("target_address");
if not target then
	module:log("error", "client_proxy needs target_address");
	return;
end
module:log("info", "client proxy for %s", target);
