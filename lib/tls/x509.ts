/**
 * The one place that loads @peculiar/x509.
 *
 * @peculiar/x509 2.x resolves its algorithm registry through tsyringe, which needs the Reflect
 * metadata polyfill installed *before* the library module body runs; importing it anywhere else
 * first would throw at load time. Every file in lib/tls that needs it imports from here.
 *
 * References:
 * - /work/shared/reference/deps.md §3
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

// Pin the provider to Node's WebCrypto instead of relying on whatever globalThis.crypto is.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
