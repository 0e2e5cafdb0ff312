import { el } from "../../lib/stanza";
import { loadElement, storedSize, storeElement } from "./stored-xml";

describe("stored XML", () => {
  it("round-trips an element with namespaces, attributes and escaped text", () => {
    const e = el("vCard", { xmlns: "vcard-temp" }, el("FN", {}, "A & B <c> 'd' \"e\""), el("X", { xmlns: "urn:x", a: "1'2" }, el("Y")));
    const back = loadElement(storeElement(e));
    expect(back.name).toBe("vCard");
    expect(back.attrs.xmlns).toBe("vcard-temp");
    expect(back.getChildText("FN")).toBe("A & B <c> 'd' \"e\"");
    expect(back.getChild("X", "urn:x")!.attrs.a).toBe("1'2");
    expect(back.getChild("X", "urn:x")!.getChild("Y")).toBeDefined();
    expect(back.parent).toBeFalsy();
  });

  it("reads back elements larger than the default stanza limit", () => {
    const e = el("big", { xmlns: "urn:big" }, "x".repeat(300_000));
    expect(loadElement(storeElement(e)).getText()).toHaveLength(300_000);
  });

  it("refuses text that is not exactly one element", () => {
    expect(() => loadElement("<a xmlns='x'/><b xmlns='x'/>")).toThrow(/2 elements/);
    expect(() => loadElement("<a xmlns='x'>")).toThrow(/0 elements/);
    expect(() => loadElement("<a xmlns='x'><!-- c --></a>")).toThrow(/does not parse/);
  });

  it("measures the stored size in UTF-8 bytes", () => {
    expect(storedSize(el("a", { xmlns: "x" }, "é"))).toBe(Buffer.byteLength("<a xmlns='x'>é</a>"));
  });
});
