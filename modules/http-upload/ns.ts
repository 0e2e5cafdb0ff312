/**
 * Namespaces of the upload service.
 *
 * References:
 * - XEP-0363 §3 (urn:xmpp:http:upload:0), XEP-0004 §3 (jabber:x:data, for the XEP-0128 form)
 */
export const NS_UPLOAD = "urn:xmpp:http:upload:0";
export const NS_DATA = "jabber:x:data";
