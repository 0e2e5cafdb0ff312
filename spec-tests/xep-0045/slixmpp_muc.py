#!/usr/bin/python3
"""A slixmpp MUC bot for the XEP-0045 interop test (slixmpp's own xep_0045 plugin).

Usage: slixmpp_muc.py JSON
  {"jid", "password", "port", "room", "nick", "reply_to": body, "reply": body, "timeout": seconds}
Joins the room, reports itself, answers the first groupchat whose body is reply_to with reply, then
leaves. Prints one line per event: JOINED <occupant jid> <affiliation> <role>, OCCUPANT <jid>,
GROUPCHAT <from> <body>, LEFT, ERROR <text>, TIMEOUT, DONE. Lines are prefixed with "@ " so that
anything else on stdout is not mistaken for an event.
"""
import asyncio, json, ssl, sys
import slixmpp

cfg = json.loads(sys.argv[1])

def out(*parts):
    print("@", *parts, flush=True)

class Bot(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.room = slixmpp.JID(cfg["room"])
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("groupchat_message", self.groupchat)

    async def start(self, _ev):
        self.send_presence()
        try:
            pres, _subject, occupants, _history = await self["xep_0045"].join_muc_wait(self.room, cfg["nick"], maxchars=0, timeout=10)
        except Exception as e:  # noqa: BLE001 - any failure is a line
            out("ERROR", type(e).__name__, e)
            self.disconnect()
            return
        item = pres["muc"]
        out("JOINED", pres["from"], item["affiliation"], item["role"])
        for o in occupants:
            out("OCCUPANT", o["from"])

    def groupchat(self, msg):
        if msg["mucnick"] == cfg["nick"] or not msg["body"]:
            return
        out("GROUPCHAT", msg["from"], msg["body"])
        if msg["body"] == cfg["reply_to"]:
            self.send_message(mto=self.room, mbody=cfg["reply"], mtype="groupchat")
            self["xep_0045"].leave_muc(self.room, cfg["nick"])
            out("LEFT")
            self.disconnect()

bot = Bot()
bot.register_plugin("xep_0045")
bot.ssl_context.check_hostname = False
bot.ssl_context.verify_mode = ssl.CERT_NONE
bot.connect(("127.0.0.1", cfg["port"]), force_starttls=True)
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(bot.disconnected, cfg.get("timeout", 20)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
