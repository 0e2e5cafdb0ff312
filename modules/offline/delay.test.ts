import { serialize } from "../../lib/xml/serialize";
import { decodeMessage } from "./codec";
import { addOfflineDelay, xep0082DateTime } from "./delay";

const msg = (inner: string) => decodeMessage({ v: 1, xml: `<message xmlns='jabber:client' to='b@localhost'>${inner}</message>` });

describe("XEP-0203 offline delay", () => {
  it("formats XEP-0082 DateTime in UTC", () => {
    expect(xep0082DateTime(new Date(Date.UTC(2002, 8, 10, 23, 8, 25, 7)))).toBe("2002-09-10T23:08:25.007Z");
    expect(() => xep0082DateTime(new Date(NaN))).toThrow(RangeError);
  });

  it("adds one delay from the host with the stored time", () => {
    const out = addOfflineDelay(msg("<body>hi</body>"), "localhost", new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
    expect(serialize(out)).toBe(
      "<message xmlns='jabber:client' to='b@localhost'><body>hi</body><delay xmlns='urn:xmpp:delay' from='localhost' stamp='2020-01-02T03:04:05.000Z'>Offline Storage</delay></message>",
    );
  });

  it("keeps another entity's delay and drops one forged in our name", () => {
    const out = addOfflineDelay(
      msg("<body>hi</body><delay xmlns='urn:xmpp:delay' from='a@remote/r' stamp='2019-01-01T00:00:00Z'/><delay xmlns='urn:xmpp:delay' from='localhost' stamp='1999-01-01T00:00:00Z'/>"),
      "localhost",
      new Date(Date.UTC(2020, 0, 1)),
    );
    const delays = out.getChildren("delay", "urn:xmpp:delay");
    expect(delays.map((d) => [d.attrs.from, d.attrs.stamp])).toEqual([
      ["a@remote/r", "2019-01-01T00:00:00Z"],
      ["localhost", "2020-01-01T00:00:00.000Z"],
    ]);
  });
});
