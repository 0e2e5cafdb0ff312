/** Namespaces the archive speaks. */
export const NS_MAM = "urn:xmpp:mam:2";
/** XEP-0313 §7: before-id/after-id/ids, flipped pages and metadata. */
export const NS_MAM_EXTENDED = "urn:xmpp:mam:2#extended";
export const NS_SID = "urn:xmpp:sid:0";
export const NS_FORWARD = "urn:xmpp:forward:0";
export const NS_RSM = "http://jabber.org/protocol/rsm";
export const NS_XDATA = "jabber:x:data";
export const NS_XDATA_VALIDATE = "http://jabber.org/protocol/xdata-validate";
export const NS_HINTS = "urn:xmpp:hints";
