#!/usr/bin/python3
"""A scripted slixmpp client for the PEP interop test (XEP-0163, XEP-0172, XEP-0115).

Usage: slixmpp_pep.py JSON
  {"jid", "password", "port", "contact", "nick", "timeout": seconds}

Announces interest in nicknames (slixmpp's xep_0172 registers "+notify" in its caps), publishes
its own nickname to its PEP service with XEP-0163 (no 'to'), reads it back with XEP-0060 items,
then waits for the contact's nickname notification.

Prints one line per event: READY <full jid>, PUBLISHED <item id>, ITEMS <nick>, NICK <from> <nick>,
PUBLISH_ERROR <condition>, TIMEOUT, DONE.
"""
import asyncio, json, ssl, sys
import slixmpp
from slixmpp.exceptions import IqError

cfg = json.loads(sys.argv[1])
CONTACT = slixmpp.JID(cfg["contact"]).bare
NICK_NS = "http://jabber.org/protocol/nick"


def out(*parts):
    print(*parts, flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("user_nick_publish", self.nick_event)

    async def start(self, _ev):
        out("READY", self.boundjid.full)
        await self.get_roster()
        # Let xep_0163 fold the "+notify" feature into the caps hash before the presence goes out.
        await self["xep_0115"].update_caps(broadcast=False)
        self.send_presence()
        try:
            iq = await self["xep_0172"].publish_nick(cfg["nick"], timeout=10)
            out("PUBLISHED", iq["pubsub"]["publish"]["item"]["id"])
            items = await self["xep_0060"].get_items(self.boundjid.bare, NICK_NS, timeout=10)
            for item in items["pubsub"]["items"]:
                payload = item.xml.find("{%s}nick" % NICK_NS)
                out("ITEMS", payload.text if payload is not None else "-")
        except IqError as e:
            out("PUBLISH_ERROR", e.iq["error"]["condition"])
            self.disconnect()

    def nick_event(self, msg):
        nick = msg["pubsub_event"]["items"]["item"]["nick"]["nick"]
        out("NICK", msg["from"], nick)
        if msg["from"].bare == CONTACT:
            self.disconnect()


client = Client()
for p in ("xep_0030", "xep_0060", "xep_0115", "xep_0163", "xep_0172"):
    client.register_plugin(p)
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
client.connect(("127.0.0.1", cfg["port"]), force_starttls=True)
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(client.disconnected, cfg.get("timeout", 20)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
