#!/usr/bin/python3
"""Uploads one file with slixmpp's XEP-0363 plugin, for the interop test.

Usage: slixmpp_upload.py JSON
  {"jid", "password", "port", "filename", "content_type", "data_hex" | "zeros": N, "timeout": seconds}
Prints: READY <full jid>, then URL <get url> or UPLOAD_ERROR <type> <message>, then DONE.

The plugin discovers the service through the server's disco#items and PUTs with aiohttp. The test
server's certificates are self-signed and its component domain is not in DNS, so the plugin's
aiohttp sessions get a connector that skips certificate checks and resolves every name to
loopback; the URL, Host header and SNI stay those the service handed out.
"""
import asyncio, io, json, socket, ssl, sys
import aiohttp
from aiohttp.abc import AbstractResolver
import slixmpp
from slixmpp.plugins.xep_0030 import disco as disco_module
from slixmpp.plugins.xep_0363 import http_upload

cfg = json.loads(sys.argv[1])

def out(*parts):
    print(*parts, flush=True)

class LoopbackResolver(AbstractResolver):
    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}]

    async def close(self):
        pass

def loopback_session(*args, **kwargs):
    return aiohttp.ClientSession(*args, connector=aiohttp.TCPConnector(ssl=False, resolver=LoopbackResolver()), **kwargs)

http_upload.ClientSession = loopback_session

class AsyncioWithTaskWait:
    """slixmpp 1.8.3 (Debian bookworm) hands coroutines to asyncio.wait in get_info_from_domain,
    which Python 3.11 refuses; its disco module gets an asyncio whose wait wraps them in tasks."""

    def __getattr__(self, name):
        return getattr(asyncio, name)

    @staticmethod
    async def wait(aws, **kwargs):
        return await asyncio.wait([asyncio.ensure_future(a) for a in aws], **kwargs)

disco_module.asyncio = AsyncioWithTaskWait()

class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(cfg["jid"], cfg["password"])
        self.add_event_handler("session_start", self.start)

    async def start(self, _ev):
        out("READY", self.boundjid.full)
        data = bytes.fromhex(cfg["data_hex"]) if "data_hex" in cfg else bytes(cfg["zeros"])
        try:
            url = await self["xep_0363"].upload_file(
                cfg["filename"], size=len(data), content_type=cfg["content_type"],
                input_file=io.BytesIO(data), domain=self.boundjid.domain, timeout=10)
            out("URL", url)
        except Exception as e:  # noqa: BLE001 - report any failure as a line
            out("UPLOAD_ERROR", type(e).__name__, str(e).replace("\n", " "))
        self.disconnect()

client = Client()
client.register_plugin("xep_0363")
client.ssl_context.check_hostname = False
client.ssl_context.verify_mode = ssl.CERT_NONE
client.connect(("127.0.0.1", cfg["port"]), force_starttls=True)
loop = asyncio.get_event_loop()
try:
    loop.run_until_complete(asyncio.wait_for(client.disconnected, cfg.get("timeout", 20)))
except asyncio.TimeoutError:
    out("TIMEOUT")
out("DONE")
