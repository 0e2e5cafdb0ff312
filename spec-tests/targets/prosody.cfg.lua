-- Reference Prosody target for the portable spec-tests scripts.
-- Everything host-specific comes from the environment so one file serves CI and local runs:
--   PROSODY_RUNNER_DIR   data, pid and certificate directory (must exist, writable)
--   PROSODY_RUNNER_ADDR  the only address to listen on (default 127.0.0.9, keeps clear of other servers)
-- Start it with spec-tests/targets/run-prosody.sh, which also makes the certificate.

local dir = ENV_PROSODY_RUNNER_DIR or "/tmp/prosody-runner"
local addr = ENV_PROSODY_RUNNER_ADDR or "127.0.0.9"

-- CI containers often run as root; Prosody refuses that unless told it is deliberate.
run_as_root = true

pidfile = dir .. "/prosody.pid"
data_path = dir .. "/data"
interfaces = { addr }
local_interfaces = { addr }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { 5223 }
s2s_ports = { }
http_ports = { }
https_ports = { }

log = { { levels = { min = ENV_PROSODY_RUNNER_LOGLEVEL or "info" }, to = "console" } }

modules_enabled = {
	"roster"; "saslauth"; "tls"; "disco"; "ping"; "version"; "time"; "posix";
}
modules_disabled = { "s2s"; "register"; "offline"; "c2s_bosh"; "websocket" }

authentication = "internal_hashed"
storage = "internal"
allow_registration = false
c2s_require_encryption = true
s2s_require_encryption = true

certificates = dir .. "/certs"

VirtualHost "localhost"
	ssl = {
		certificate = dir .. "/certs/localhost.crt";
		key = dir .. "/certs/localhost.key";
	}
