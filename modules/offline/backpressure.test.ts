import { EventEmitter } from "node:events";
import type { Session } from "../../lib/stream/session";
import { roomToWrite, stillOpen } from "./backpressure";

function fake(needDrain: boolean, closed = false) {
  const socket = Object.assign(new EventEmitter(), { writableNeedDrain: needDrain });
  const session = { closed, tlsSocket: socket } as unknown as Session;
  return { socket, session };
}

describe("roomToWrite", () => {
  it("goes on at once when the socket has room, and stops for a closed session", async () => {
    await expect(roomToWrite(fake(false).session)).resolves.toBe(true);
    await expect(roomToWrite({ closed: false, tlsSocket: undefined } as unknown as Session)).resolves.toBe(true);
    await expect(roomToWrite(fake(false, true).session)).resolves.toBe(false);
  });

  it("waits for drain, and gives up on close or after the timeout", async () => {
    const a = fake(true);
    const p = roomToWrite(a.session, 5000);
    a.socket.emit("drain");
    await expect(p).resolves.toBe(true);
    expect(a.socket.listenerCount("drain")).toBe(0);

    const b = fake(true);
    const q = roomToWrite(b.session, 5000);
    b.socket.emit("close");
    await expect(q).resolves.toBe(false);

    await expect(roomToWrite(fake(true).session, 20)).resolves.toBe(false);
  });

  it("treats a destroyed socket as closed before the session hears of it", async () => {
    const a = fake(false);
    expect(stillOpen(a.session)).toBe(true);
    Object.assign(a.socket, { destroyed: true });
    expect(stillOpen(a.session)).toBe(false);
    await expect(roomToWrite(a.session)).resolves.toBe(false);
  });
});
