#!/usr/bin/python3
"""A slixmpp client with stream management (xep_0198) for the interop tests.

Usage: slixmpp_sm.py JSON
  {"jid", "password", "port", "action": "chat" | "listen" | "resume", "peer": jid, "count": N,
   "expect": N, "timeout": seconds}
chat:   sends `count` messages to `peer` (asking for an ack after each) and waits for every ack,
        and for `expect` messages; then closes the stream.
listen: waits for `expect` messages, then closes the stream.
resume: like listen, but when the connection drops it reconnects once and resumes the session.
Prints one line per event: READY <full jid>, SM_ENABLED <resume true|false>, ACKED <n>,
MSG <from> <body>, DISCONNECTED, RESUMED, SM_FAILED, TIMEOUT, CLOSE_SLOW, DONE.
"""
import asyncio, json, logging, os, ssl, sys
import slixmpp

if os.environ.get("SLIX_DEBUG"):
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)

cfg = json.loads(sys.argv[1])


def out(*parts):
    print(*parts, flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.done = asyncio.Event()
        self.received = 0
        self.acked = 0
        self.reconnected = False
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("sm_enabled", self.enabled)
        self.add_event_handler("sm_failed", lambda _st: out("SM_FAILED"))
        self.add_event_handler("session_resumed", lambda _st: out("RESUMED"))
        self.add_event_handler("stanza_acked", self.acked_one)
        self.add_event_handler("message", self.message)
        self.add_event_handler("disconnected", self.gone)

    def connect_here(self):
        self.connect(("127.0.0.1", cfg["port"]), force_starttls=True)

    async def start(self, _ev):
        out("READY", self.boundjid.full)

    def enabled(self, stanza):
        # Stanzas sent before <enable/> are outside stream management: start once it is on.
        out("SM_ENABLED", "true" if stanza["id"] else "false")
        self.send_presence()
        if cfg["action"] == "chat":
            for n in range(cfg.get("count", 1)):
                self.send_message(mto=cfg["peer"], mbody=f"sm {n + 1}", mtype="chat")
            asyncio.ensure_future(self.ask_for_acks())
        self.check()

    async def ask_for_acks(self):
        # slixmpp writes its windowed <r/> ahead of the stanza that triggers it, so the last
        # stanzas would never be covered: ask again, as a client does periodically.
        while not self.done.is_set() and self.acked < cfg.get("count", 1):
            await asyncio.sleep(0.3)
            self["xep_0198"].request_ack()

    def acked_one(self, stanza):
        if stanza.name == "message":
            self.acked += 1
            if self.acked == cfg.get("count", 1):
                out("ACKED", self.acked)
            self.check()

    def message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            out("MSG", msg["from"], msg["body"])
            self.received += 1
            self.check()

    def check(self):
        acks_done = cfg["action"] != "chat" or self.acked >= cfg.get("count", 1)
        if acks_done and self.received >= cfg.get("expect", 0):
            self.disconnect()
            self.done.set()

    def gone(self, _ev):
        if self.done.is_set():
            return
        out("DISCONNECTED")
        if cfg["action"] == "resume" and not self.reconnected:
            self.reconnected = True
            self.connect_here()


client = Client()
client.register_plugin("xep_0198")
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
client.connect_here()
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(client.done.wait(), cfg.get("timeout", 15)))
except asyncio.TimeoutError:
    out("TIMEOUT")
# The exchange is over; how long slixmpp takes to close the stream is reported, not judged as TIMEOUT.
try:
    loop.run_until_complete(asyncio.wait_for(client.disconnected, 5))
except asyncio.TimeoutError:
    out("CLOSE_SLOW")
out("DONE")
