/**
 * Preparation and enforcement of the resourcepart (everything after the first '/').
 * Case is preserved and spaces, '@' and '/' are allowed.
 *
 * References:
 * - RFC 7622 §3.4 (OpaqueString profile of the PRECIS FreeformClass)
 * - RFC 7622 erratum 4560 (a leading space is allowed)
 */

import { JidError } from "./jid-error";
import { PrecisError } from "./precis-enforce";
import { opaqueString } from "./precis-profiles";
import { assertPreparedSize, assertRawSize } from "./utf8-length";

export function prepResource(s: string): string {
  if (typeof s !== "string") throw new JidError("resourcepart", "must be a string");
  assertRawSize("resourcepart", s);
  let out: string;
  try {
    out = opaqueString(s);
  } catch (err) {
    if (err instanceof PrecisError) throw new JidError("resourcepart", err.message);
    throw err;
  }
  assertPreparedSize("resourcepart", out);
  return out;
}
