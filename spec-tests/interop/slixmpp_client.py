#!/usr/bin/python3
"""A scripted slixmpp client for the interop tests.

Usage: slixmpp_client.py JSON
  {"jid", "password", "port", "direct_tls": bool, "mech": "SCRAM-SHA-256" | null,
   "action": "login" | "listen", "count": N, "timeout": seconds}
Prints one line per event: READY <full jid> <mechanism>, PING <ok|error>, MSG <from> <body>,
PRESENCE <from> <type>, FAILED_AUTH, DONE.
"""
import asyncio, json, ssl, sys
import slixmpp

cfg = json.loads(sys.argv[1])

def out(*parts):
    print(*parts, flush=True)

class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.count = 0
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", self.failed)
        self.add_event_handler("message", self.message)
        self.add_event_handler("presence", self.presence)

    def failed(self, _ev):
        out("FAILED_AUTH")
        self.disconnect()

    async def start(self, _ev):
        mech = self.plugin["feature_mechanisms"].mech
        out("READY", self.boundjid.full, mech.name if mech else "?")
        self.send_presence()
        if cfg["action"] == "login":
            try:
                await self["xep_0199"].ping(jid=self.boundjid.domain, timeout=5)
                out("PING ok")
            except Exception as e:  # noqa: BLE001 - report any failure as a line
                out("PING error", type(e).__name__)
            self.disconnect()

    def message(self, msg):
        if msg["type"] in ("chat", "normal"):
            out("MSG", msg["from"], msg["body"])
            self.count += 1
            if self.count >= cfg.get("count", 1):
                self.disconnect()

    def presence(self, pres):
        out("PRESENCE", pres["from"], pres["type"])

client = Client()
client.register_plugin("xep_0199")
if cfg.get("mech"):
    client["feature_mechanisms"].use_mech = cfg["mech"]
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
if cfg.get("direct_tls"):
    client.enable_direct_tls = True
client.connect(("127.0.0.1", cfg["port"]), use_ssl=bool(cfg.get("direct_tls")), force_starttls=not cfg.get("direct_tls"))
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(client.disconnected, cfg.get("timeout", 15)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
