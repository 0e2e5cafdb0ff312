/**
 * Pubsub errors: a stanza error condition with the pubsub-specific condition XEP-0060 pairs it with.
 *
 * References:
 * - XEP-0060 §7.1.3 (publish errors), §6.5.9 / §6.1.3 (access errors per access model),
 *   §7.1.5 (precondition-not-met), §14 (the pubsub#errors conditions)
 */
import { StanzaError, StanzaErrorCondition, stanzaError } from "../../lib/errors";
import { NS_PUBSUB_ERRORS } from "./ns";

export type PubsubCondition =
  | "closed-node"
  | "invalid-jid"
  | "invalid-payload"
  | "item-required"
  | "jid-required"
  | "max-items-exceeded"
  | "max-nodes-exceeded"
  | "nodeid-required"
  | "not-in-roster-group"
  | "not-subscribed"
  | "payload-required"
  | "payload-too-big"
  | "precondition-not-met"
  | "presence-subscription-required";

export function pubsubError(condition: StanzaErrorCondition, app: PubsubCondition, text?: string): StanzaError {
  return stanzaError(condition, text, { name: app, xmlns: NS_PUBSUB_ERRORS });
}

export const nodeNotFound = (): StanzaError => stanzaError("item-not-found", "No such node");
