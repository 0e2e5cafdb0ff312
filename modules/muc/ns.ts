/**
 * Namespaces and well-known values of the MUC service.
 *
 * References:
 * - XEP-0045 §16.1 (protocol namespaces), §16.3 (disco features), §16.4 (well-known nodes)
 * - XEP-0045 §7.4 note (muc#stable_id), XEP-0410 §3.3 (muc#self-ping-optimization)
 * - XEP-0421 §2 (urn:xmpp:occupant-id:0), XEP-0359 §3 (stanza-id), XEP-0004 (jabber:x:data)
 */
export const MUC = {
  BASE: "http://jabber.org/protocol/muc",
  USER: "http://jabber.org/protocol/muc#user",
  ADMIN: "http://jabber.org/protocol/muc#admin",
  OWNER: "http://jabber.org/protocol/muc#owner",
  ROOMCONFIG: "http://jabber.org/protocol/muc#roomconfig",
  ROOMINFO: "http://jabber.org/protocol/muc#roominfo",
  STABLE_ID: "http://jabber.org/protocol/muc#stable_id",
  SELF_PING: "http://jabber.org/protocol/muc#self-ping-optimization",
  NODE_ROOMUSER: "x-roomuser-item",
  NODE_TRAFFIC: "http://jabber.org/protocol/muc#traffic",
} as const;

export const NS_DATA = "jabber:x:data";
export const NS_OCCUPANT_ID = "urn:xmpp:occupant-id:0";
export const NS_STANZA_ID = "urn:xmpp:sid:0";
