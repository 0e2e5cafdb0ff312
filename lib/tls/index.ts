/**
 * lib/tls: the server's certificates, TLS parameters, channel bindings and peer identity checks.
 *
 * References:
 * - RFC 7590 (TLS in XMPP), RFC 9325 (BCP 195), RFC 9525 (service identity), RFC 6120 §5, §13.7
 */
export { CertificateStore, generateSelfSigned, type CertLogger, type CertificateEntry, type SelfSignedOptions } from "./certs";
export { channelBindingData, supportedChannelBindings, type ChannelBindingType } from "./channel-binding";
export { tlsClientOptions } from "./client-options";
export { certificateIdentities, type CertIdentities } from "./san";
export { hardenTlsSocket, tlsServerOptions, type TlsServerOptionsExtra } from "./server-options";
export { readCaFiles, trustedCaList, type TrustOptions } from "./trust";
export { certificateMatchesDomain, MAX_CHAIN_LENGTH, verifyPeerCertificate, type MatchOptions, type PeerCertCheck } from "./verify-identity";
