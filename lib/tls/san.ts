/**
 * Reads the identities a certificate presents, from the subjectAltName ASN.1 structure.
 *
 * Structured parsing is the point: string-matching over a rendered DN or SAN text (Openfire
 * CVE-2025-59154, `OU="CN=admin,"`) lets an attacker forge an identity with punctuation.
 * The subject DN (and so the CN) is never read: RFC 9525 dropped CN-IDs.
 *
 * @peculiar/x509's SubjectAlternativeNameExtension silently drops otherName entries it does not
 * know (it only understands GUID and UPN), which would lose every XmppAddr, so this file decodes
 * the extension with the ASN.1 schema package @peculiar/x509 itself is built on.
 *
 * References:
 * - RFC 5280 §4.2.1.6 (subjectAltName, GeneralName)
 * - RFC 6120 §13.7.1.4 (id-on-xmppAddr 1.3.6.1.5.5.7.8.5, UTF8String)
 * - RFC 4985 §2 (id-on-dnsSRV 1.3.6.1.5.5.7.8.7, IA5String "_Service.Name")
 * - RFC 9525 §2, §6 (DNS-ID, SRV-ID; no CN-ID)
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { AttributeValue, Certificate, SubjectAlternativeName, id_ce_subjectAltName } from "@peculiar/asn1-x509";

export const ID_ON_XMPPADDR = "1.3.6.1.5.5.7.8.5";
export const ID_ON_DNSSRV = "1.3.6.1.5.5.7.8.7";

export interface CertIdentities {
  /** dNSName entries exactly as presented (may be wildcards, may be malformed). */
  dnsNames: string[];
  /** XmppAddr otherName entries (JIDs, possibly with U-labels). */
  xmppAddrs: string[];
  /** SRVName otherName entries, e.g. "_xmpp-server.example.com". */
  srvNames: string[];
}

/**
 * Returns undefined when the certificate cannot be parsed or carries more than one SAN extension
 * (RFC 5280 §4.2 forbids repeats, and picking one would be attacker-controlled): callers treat
 * that as "matches nothing".
 */
export function certificateIdentities(der: Uint8Array): CertIdentities | undefined {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    return undefined;
  }
  const exts = (cert.tbsCertificate.extensions ?? []).filter((e) => e.extnID === id_ce_subjectAltName);
  const ids: CertIdentities = { dnsNames: [], xmppAddrs: [], srvNames: [] };
  if (exts.length === 0) return ids;
  if (exts.length > 1) return undefined;
  let san: SubjectAlternativeName;
  try {
    san = AsnConvert.parse(exts[0].extnValue.buffer, SubjectAlternativeName);
  } catch {
    return undefined;
  }
  for (const gn of san) {
    if (gn.dNSName !== undefined) {
      ids.dnsNames.push(gn.dNSName);
    } else if (gn.otherName?.typeId === ID_ON_XMPPADDR) {
      const v = decodeString(gn.otherName.value, "utf8String");
      if (v !== undefined) ids.xmppAddrs.push(v);
    } else if (gn.otherName?.typeId === ID_ON_DNSSRV) {
      const v = decodeString(gn.otherName.value, "ia5String");
      if (v !== undefined) ids.srvNames.push(v);
    }
  }
  return ids;
}

// The otherName value is `[0] EXPLICIT ANY`; the schema hands us the inner TLV. Only the string
// type the RFC mandates is accepted, so an entry with a wrong type is ignored rather than guessed at.
function decodeString(value: ArrayBuffer, type: "utf8String" | "ia5String"): string | undefined {
  try {
    const parsed = AsnConvert.parse(value, AttributeValue);
    return parsed[type];
  } catch {
    return undefined;
  }
}
