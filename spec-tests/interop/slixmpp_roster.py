#!/usr/bin/python3
"""A scripted slixmpp client for the roster and subscription interop test.

Usage: slixmpp_roster.py JSON
  {"jid", "password", "port", "contact", "role": "requester" | "approver", "timeout": seconds}

requester: fetches the roster (with roster versioning when offered), adds the contact with a name
  and a group, asks for a subscription, then renames the contact once the subscription is mutual.
approver: accepts the request and asks back (slixmpp's auto_authorize and auto_subscribe).
Both finish once the contact's roster item is 'both' and the contact has been seen available.

Prints one line per event: READY <full jid> <rosterver|-> <preapproval|->, ROSTER <jid> <subscription>
<ask|-> <name|-> <groups|->, SUBREQ <from>, PRESENCE <from> <type>, FINAL <jid> <subscription> <name|->,
TIMEOUT, DONE.
"""
import asyncio, json, ssl, sys
import slixmpp

cfg = json.loads(sys.argv[1])
CONTACT = slixmpp.JID(cfg["contact"]).bare


def out(*parts):
    print(*parts, flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.seen_online = False
        self.renamed = False
        self.finished = False
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("roster_update", self.roster_update)
        self.add_event_handler("roster_subscription_request", self.subscription_request)
        self.add_event_handler("presence", self.presence)

    async def start(self, _ev):
        out("READY", self.boundjid.full, "rosterver" if "rosterver" in self.features else "-",
            "preapproval" if "preapproval" in self.features else "-")
        await self.get_roster()
        self.send_presence()
        if cfg["role"] == "requester":
            await self.update_roster(CONTACT, name="Bob", groups=["Friends"])
            self.send_presence(pto=CONTACT, ptype="subscribe")

    def roster_update(self, iq):
        for jid, item in iq["roster"]["items"].items():
            out("ROSTER", jid, item["subscription"] or "none", item["ask"] or "-", item["name"] or "-",
                ",".join(item["groups"]) or "-")
        self.check()

    def subscription_request(self, pres):
        out("SUBREQ", pres["from"].bare)

    def presence(self, pres):
        out("PRESENCE", pres["from"], pres["type"])
        if pres["from"].bare == CONTACT and pres["type"] in ("available", "chat", "away", "dnd", "xa"):
            self.seen_online = True
        self.check()

    def check(self):
        item = self.client_roster[CONTACT]
        if self.finished or item["subscription"] != "both" or not self.seen_online:
            return
        if cfg["role"] == "requester" and not self.renamed:
            self.renamed = True
            asyncio.ensure_future(self.update_roster(CONTACT, name="Bobby", groups=["Friends", "Work"]))
            return
        if cfg["role"] == "requester" and item["name"] != "Bobby":
            return
        self.finished = True
        out("FINAL", CONTACT, item["subscription"], item["name"] or "-")
        self.disconnect()


client = Client()
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
client.connect(("127.0.0.1", cfg["port"]), force_starttls=True)
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(client.disconnected, cfg.get("timeout", 20)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
