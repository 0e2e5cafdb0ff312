/**
 * A realistic c2s stream generator (shared by tests and bench/xml-parser.ts): messages with bodies,
 * chat states, receipts and origin-ids; presences with caps and vcard-update; roster, pubsub and
 * disco iqs; multilingual text, emoji and entity/character references.
 */
import { escapeAttr, escapeText } from "../serialize";

const TEXTS = [
  "Hello, how are you doing today?",
  "Grüße aus München! Schöne Äpfel & Öl — 5 € pro Stück.",
  "你好，今天天气怎么样？我们明天见。",
  "مرحبا، كيف حالك اليوم؟",
  "Привет! Как дела? Всё хорошо.",
  "Let's meet at 5 <pm> \"sharp\" & don't be late 😀🎉👍",
  "日本語のテキストとemoji 🍣🍜 mixed with ASCII",
  "Ελληνικά: Καλημέρα κόσμε",
  "a < b && c > d; 'quoted' \"double\"",
  "שלום עולם",
  "Tab\there and newline\nthere",
];

type Rand = () => number;

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function id(r: Rand): string {
  return Math.floor(r() * 0xffffffff).toString(36) + Math.floor(r() * 0xffffffff).toString(36);
}

/** Body text with some literal character references mixed in, as some clients send. */
function body(r: Rand): string {
  let t = escapeText(pick(r, TEXTS));
  if (r() < 0.2) t += " &#233;t&#xE9; &#x1F600;";
  if (r() < 0.1) t += " &quot;ok&quot; &apos;";
  return t;
}

function message(r: Rand): string {
  const to = `${pick(r, ["juliet", "romeo", "nurse", "benvolio"])}@example.com/${id(r).slice(0, 6)}`;
  let s = `<message to='${to}' type='chat' id='${id(r)}'><body>${body(r)}</body>`;
  if (r() < 0.5) s += "<active xmlns='http://jabber.org/protocol/chatstates'/>";
  if (r() < 0.6) s += `<origin-id xmlns='urn:xmpp:sid:0' id='${id(r)}'/>`;
  if (r() < 0.4) s += "<request xmlns='urn:xmpp:receipts'/>";
  return `${s}</message>`;
}

function presence(r: Rand): string {
  let s = "<presence>";
  if (r() < 0.5) s += `<show>${pick(r, ["away", "chat", "dnd", "xa"])}</show>`;
  if (r() < 0.6) s += `<status>${body(r)}</status>`;
  s += `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://conversations.im' ver='${escapeAttr(
    "q07IKJEyjvHSyhy//CH0CxmKi8w=",
  )}'/>`;
  s += `<x xmlns='vcard-temp:x:update'><photo>${id(r)}${id(r)}</photo></x>`;
  return `${s}</presence>`;
}

function iq(r: Rand): string {
  const k = r();
  if (k < 0.34) return `<iq type='get' id='${id(r)}'><query xmlns='jabber:iq:roster' ver='${id(r)}'/></iq>`;
  if (k < 0.67) {
    return (
      `<iq type='set' id='${id(r)}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
      `<publish node='urn:xmpp:avatar:metadata'><item id='${id(r)}'>` +
      `<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='12345' id='${id(r)}' height='64' width='64' type='image/png'/></metadata>` +
      `</item></publish></pubsub></iq>`
    );
  }
  return (
    `<iq type='result' id='${id(r)}' to='romeo@example.com/orchard'><query xmlns='http://jabber.org/protocol/disco#info'>` +
    `<identity category='client' type='phone' name='Conversations'/>` +
    `<feature var='http://jabber.org/protocol/caps'/><feature var='urn:xmpp:ping'/><feature var='urn:xmpp:receipts'/>` +
    `</query></iq>`
  );
}

/** One random stanza (50% message, 30% presence, 20% iq). */
export function stanza(r: Rand): string {
  const k = r();
  return k < 0.5 ? message(r) : k < 0.8 ? presence(r) : iq(r);
}

export const CORPUS_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "to='example.com' version='1.0' xml:lang='en'>";

/** Header, `count` stanzas with occasional whitespace keepalives between them; no closing tag. */
export function corpus(r: Rand, count: number): string {
  const parts = [CORPUS_HEADER];
  for (let i = 0; i < count; i++) {
    parts.push(stanza(r));
    if (r() < 0.1) parts.push(r() < 0.5 ? " " : "\n");
  }
  return parts.join("");
}
