/**
 * Preparation and enforcement of the localpart (the "user" before '@').
 *
 * References:
 * - RFC 7622 §3.3 (UsernameCaseMapped profile of the PRECIS IdentifierClass)
 * - RFC 7622 §3.3.1 (additionally disallowed: " & ' / : < > @)
 */

import { JidError } from "./jid-error";
import { PrecisError } from "./precis-enforce";
import { usernameCaseMapped } from "./precis-profiles";
import { assertPreparedSize, assertRawSize } from "./utf8-length";

// The IdentifierClass allows all printable ASCII; XMPP removes the characters that delimit or
// escape addresses elsewhere (XML attributes, URIs, the '@' and '/' separators).
const XMPP_FORBIDDEN = /["&'/:<>@]/;

export function prepLocal(s: string): string {
  if (typeof s !== "string") throw new JidError("localpart", "must be a string");
  assertRawSize("localpart", s);
  let out: string;
  try {
    out = usernameCaseMapped(s);
  } catch (err) {
    if (err instanceof PrecisError) throw new JidError("localpart", err.message);
    throw err;
  }
  const bad = XMPP_FORBIDDEN.exec(out);
  if (bad) throw new JidError("localpart", `must not contain '${bad[0]}' (RFC 7622 §3.3.1)`);
  assertPreparedSize("localpart", out);
  return out;
}
