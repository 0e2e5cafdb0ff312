/** lib/s2s: outgoing links and their manager, inbound state and policies, dialback keys. */
export { bounceStanzas } from "./bounce";
export { checkDialbackKey, dialbackKey, dialbackSecret } from "./dialback-key";
export { InboundState } from "./inbound";
export { makeS2sInPolicy } from "./inbound-policy";
export { OutgoingLink, type LinkPhase, type VerifyResult } from "./link";
export { s2sListenerSpecs } from "./listeners";
export { S2sManager } from "./manager";
export { loadedS2sService, s2sService, S2sService } from "./service";
export { NoServiceError, resolveTargets, type Target } from "./targets";
