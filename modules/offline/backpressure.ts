/**
 * What offline delivery can tell about a session's socket: whether it is still open, and waiting
 * for a slow reader between pages of offline messages. The session closes a peer whose
 * unsent output passes 4 MB ("not reading"); a large queue written in one go to a slow client
 * would hit that every login and never get through. So after each page we wait until the socket
 * has drained, for a bounded time, since the delivery holds the account's queue lock.
 *
 * Only TLS sockets are visible through Session (tlsSocket); c2s requires TLS by default. A plain
 * TCP session is not throttled here.
 */
import type { Session } from "../../lib/stream/session";

/**
 * The session is open and (when visible) its socket not destroyed. A socket reset by the peer is
 * destroyed at once but the session only learns on the later 'close' event; output flushed in
 * between is dropped, so it must not count as written.
 */
export function stillOpen(session: Session): boolean {
  return !session.closed && session.tlsSocket?.destroyed !== true;
}

/** True when it is fine to write the next page; false when the session closed or stayed full too long. */
export function roomToWrite(session: Session, timeoutMs = 10_000): Promise<boolean> {
  const socket = session.tlsSocket;
  if (!stillOpen(session)) return Promise.resolve(false);
  if (!socket || !socket.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.off("drain", onDrain);
      socket.off("close", onClose);
      resolve(ok && stillOpen(session));
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("drain", onDrain);
    socket.on("close", onClose);
  });
}
