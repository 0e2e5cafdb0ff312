import { StanzaError } from "../../lib/errors";
import { decodeMessage } from "../offline/codec";
import { blankQueryForm, parseQueryForm } from "./form";
import { parsePageRequest } from "./rsm";

/** Parses a query payload through the strict parser (by way of the stored-message codec). */
function query(inner: string) {
  return decodeMessage({ v: 1, xml: `<message><query xmlns='urn:xmpp:mam:2'>${inner}</query></message>` }).getChild("query")!;
}
const form = (fields: string, type = "submit") =>
  `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>${fields}</x>`;
const field = (name: string, ...values: string[]) => `<field var='${name}'>${values.map((v) => `<value>${v}</value>`).join("")}</field>`;

function condition(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StanzaError) return err.condition;
    throw err;
  }
  return "none";
}

describe("query form", () => {
  it("reads the filters", () => {
    const f = parseQueryForm(query(form(field("with", "Juliet@Capulet.lit") + field("start", "2010-06-07T00:00:00Z") + field("end", "2010-07-07T13:23:54+02:00") + field("after-id", "a") + field("before-id", "b") + field("ids", "x", "y", "x"))), 10);
    expect(f.with?.toString()).toBe("juliet@capulet.lit");
    expect(f.start?.toISOString()).toBe("2010-06-07T00:00:00.000Z");
    expect(f.end?.toISOString()).toBe("2010-07-07T11:23:54.000Z");
    expect(f).toMatchObject({ afterId: "a", beforeId: "b", ids: ["x", "y"] });
    expect(parseQueryForm(query(""), 10)).toEqual({});
    expect(parseQueryForm(query(form(field("with", "") + field("start"))), 10)).toEqual({});
  });

  it("answers malformed forms with the right condition", () => {
    expect(condition(() => parseQueryForm(query(form(field("start", "yesterday"))), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form(field("end", "99999-01-01T00:00:00Z"))), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form(field("with", "@bad"))), 10))).toBe("jid-malformed");
    expect(condition(() => parseQueryForm(query(form(field("with", "a@x", "b@x"))), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form(field("with", "a@x") + field("with", "b@x"))), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form(field("include-groupchat", "true"))), 10))).toBe("feature-not-implemented");
    expect(condition(() => parseQueryForm(query(form("", "form")), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form("") + form("")), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query("<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:other</value></field></x>"), 10))).toBe("bad-request");
    expect(condition(() => parseQueryForm(query(form(field("ids", "a", "b", "c"))), 2))).toBe("policy-violation");
  });

  it("offers the fields it understands, none required", () => {
    const x = blankQueryForm().getChild("x", "jabber:x:data")!;
    expect(x.getChildren("field").map((f) => f.attrs.var)).toEqual(["FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"]);
    expect(x.getChildren("field").some((f) => f.getChild("required"))).toBe(false);
  });
});

describe("RSM page request", () => {
  const set = (inner: string) => query(`<set xmlns='http://jabber.org/protocol/rsm'>${inner}</set>`);
  it("reads max, after and before (empty before = the last page)", () => {
    expect(parsePageRequest(query(""))).toEqual({});
    expect(parsePageRequest(set("<max>10</max><after>k1</after>"))).toEqual({ max: 10, after: "k1" });
    expect(parsePageRequest(set("<max>0</max><before/>"))).toEqual({ max: 0, before: "" });
    expect(parsePageRequest(set("<before>k2</before>"))).toEqual({ before: "k2" });
  });
  it("refuses what it cannot honour", () => {
    for (const bad of ["<max>-1</max>", "<max>ten</max>", "<max>1e3</max>", "<max>99999999999</max>"]) expect(condition(() => parsePageRequest(set(bad)))).toBe("bad-request");
    expect(condition(() => parsePageRequest(set("<index>3</index>")))).toBe("feature-not-implemented");
  });
});
