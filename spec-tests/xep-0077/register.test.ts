/**
 * XEP-0077 registration before authentication over real sockets: off by default, on with
 * allow_registration (§3.1), the stream feature (§8), TLS only (§11), per-address throttle (AUTH-13).
 */
import { startTestServer, TestServer } from "../support/harness";
import { canLogin, errorCondition, RawStream, registerInBand } from "../support/test-client";

const REGISTER = "jabber:iq:register";

describe("with allow_registration off (the default)", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => ts?.stop());

  it("offers no <register/> stream feature and answers iq:register with service-unavailable", async () => {
    const raw = await RawStream.open(ts);
    try {
      expect(raw.offersRegistration).toBe(false);
      const get = await raw.iq(`<iq type='get' id='g'><query xmlns='jabber:iq:register'/></iq>`);
      expect([get.attrs.type, errorCondition(get)]).toEqual(["error", "service-unavailable"]);
      const set = await raw.register("mallory", "secret");
      expect([set.attrs.type, errorCondition(set)]).toEqual(["error", "service-unavailable"]);
    } finally {
      await raw.close();
    }
    expect(await ts.server.accounts.exists("localhost", "mallory")).toBe(false);
  });
});

describe("with allow_registration on", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "allow_registration: true\nc2s_require_encryption: false\nregistration_throttle_max: 0" });
    await ts.addUser("taken", "pw-taken");
  });
  afterAll(async () => ts?.stop());

  it("offers the <register/> feature over TLS only (§8, §11)", async () => {
    const raw = await RawStream.open(ts, { plain: true });
    try {
      expect(raw.offersRegistration).toBe(false);
      await raw.starttls();
      expect(raw.offersRegistration).toBe(true);
    } finally {
      await raw.close();
    }
  });

  it("returns the fields to fill in: instructions, username, password (§3.1)", async () => {
    const raw = await RawStream.open(ts);
    try {
      const r = await raw.iq(`<iq type='get' id='f'><query xmlns='jabber:iq:register'/></iq>`);
      expect(r.attrs.type).toBe("result");
      const q = r.getChild("query", REGISTER)!;
      expect(q.getChild("username")).toBeDefined();
      expect(q.getChild("password")).toBeDefined();
      expect(q.getChildText("instructions")).toBeTruthy();
      expect(q.getChild("registered")).toBeUndefined();
    } finally {
      await raw.close();
    }
  });

  it("registers over TLS, and the new account can log in (§3.1)", async () => {
    const r = await registerInBand(ts, "Newbie", "s3cret pass");
    expect(r.attrs.type).toBe("result");
    expect(await ts.server.accounts.exists("localhost", "newbie")).toBe(true);
    expect(await canLogin(ts, "newbie", "s3cret pass")).toBe(true);
    expect(await canLogin(ts, "newbie", "wrong")).toBe(false);
  });

  it("answers conflict for a name already in use, whatever its case (§3.1)", async () => {
    for (const name of ["taken", "TAKEN"]) {
      const r = await registerInBand(ts, name, "other");
      expect([name, errorCondition(r)]).toEqual([name, "conflict"]);
    }
    expect(await canLogin(ts, "taken", "pw-taken")).toBe(true);
    expect(await canLogin(ts, "taken", "other")).toBe(false);
  });

  it("answers not-acceptable for missing or empty fields and unusable usernames (§3.1)", async () => {
    const raw = await RawStream.open(ts);
    try {
      for (const query of [
        `<username>nopass</username>`,
        `<username>emptypass</username><password/>`,
        `<password>x</password>`,
        `<username/><password>x</password>`,
        `<username>two words</username><password>x</password>`,
      ]) {
        const r = await raw.iq(`<iq type='set' id='n'><query xmlns='jabber:iq:register'>${query}</query></iq>`);
        expect([query, errorCondition(r)]).toEqual([query, "not-acceptable"]);
      }
    } finally {
      await raw.close();
    }
    expect(await ts.server.accounts.exists("localhost", "nopass")).toBe(false);
    expect(await ts.server.accounts.exists("localhost", "emptypass")).toBe(false);
  });

  it("refuses registration without TLS even where encryption is not required (§11, AUTH-13)", async () => {
    const raw = await RawStream.open(ts, { plain: true });
    try {
      const get = await raw.iq(`<iq type='get' id='g'><query xmlns='jabber:iq:register'/></iq>`);
      expect(errorCondition(get)).toBe("not-authorized");
      const set = await raw.register("plaintext", "secret");
      expect(errorCondition(set)).toBe("not-authorized");
    } finally {
      await raw.close();
    }
    expect(await ts.server.accounts.exists("localhost", "plaintext")).toBe(false);
  });

  it("allows one registration per connection (§3.1.1) and refuses <remove/> before authentication (§3.2)", async () => {
    const raw = await RawStream.open(ts);
    try {
      expect((await raw.register("first", "pw")).attrs.type).toBe("result");
      expect(errorCondition(await raw.register("second", "pw"))).toBe("not-acceptable");
      const remove = await raw.iq(`<iq type='set' id='rm'><query xmlns='jabber:iq:register'><remove/></query></iq>`);
      expect(errorCondition(remove)).toBe("unexpected-request");
    } finally {
      await raw.close();
    }
    expect(await ts.server.accounts.exists("localhost", "second")).toBe(false);
    expect(await ts.server.accounts.exists("localhost", "first")).toBe(true);
  });

  it("still closes the stream for other stanzas before authentication", async () => {
    const raw = await RawStream.open(ts);
    try {
      raw.conn.send(`<iq type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
      expect(await raw.conn.waitClosed(5000)).toBe(true);
    } finally {
      await raw.close();
    }
  });
});

describe("the per-address throttle", () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ yaml: "allow_registration: true\nregistration_throttle_max: 2\nregistration_throttle_period: 10m" });
  });
  afterAll(async () => ts?.stop());

  it("refuses registrations beyond registration_throttle_max with resource-constraint (AUTH-13)", async () => {
    expect((await registerInBand(ts, "bot1", "pw")).attrs.type).toBe("result");
    expect((await registerInBand(ts, "bot2", "pw")).attrs.type).toBe("result");
    const third = await registerInBand(ts, "bot3", "pw");
    expect([third.attrs.type, errorCondition(third)]).toEqual(["error", "resource-constraint"]);
    expect(await ts.server.accounts.exists("localhost", "bot3")).toBe(false);
  });
});
