/**
 * Generated archive keys: ULID-style, 10 characters of millisecond time then 16 of randomness,
 * in an alphabet whose ASCII order matches digit order, so string order is time order.
 * Within one process keys are strictly increasing even if the clock stalls or steps back:
 * the random part is incremented instead (the ULID "monotonic" rule). Random bits make keys
 * unguessable and keep two processes sharing a database from colliding.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32, ASCII-sorted
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const RANDOM_BITS = BigInt(RANDOM_LEN * 5);
const RANDOM_MAX = (1n << RANDOM_BITS) - 1n;

function encode(n: bigint, len: number): string {
  let out = "";
  for (let i = 0; i < len; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

function randomPart(): bigint {
  return BigInt("0x" + randomBytes(RANDOM_LEN * 5 / 8).toString("hex"));
}

export class ArchiveKeyGenerator {
  private lastTime = -1;
  private lastRandom = 0n;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => bigint = randomPart,
  ) {}

  next(): string {
    let time = this.now();
    if (time > this.lastTime) {
      this.lastTime = time;
      this.lastRandom = this.random() & RANDOM_MAX;
    } else {
      time = this.lastTime;
      this.lastRandom++;
      if (this.lastRandom > RANDOM_MAX) {
        // 2^80 keys in one millisecond cannot happen; borrowing the next millisecond keeps order anyway.
        this.lastTime = ++time;
        this.lastRandom = 0n;
      }
    }
    return encode(BigInt(time), TIME_LEN) + encode(this.lastRandom, RANDOM_LEN);
  }
}

/** Process-wide, so two driver instances in one process still produce increasing keys. */
export const archiveKeys = new ArchiveKeyGenerator();
