import { el } from "../../lib/stanza";
import { StanzaError } from "../../lib/errors";
import { isMediaType, mediaTypeEssence, readRequest } from "./request";

const req = (attrs: Record<string, string>) => el("request", { xmlns: "urn:xmpp:http:upload:0", ...attrs });
const condition = (attrs: Record<string, string>) => {
  try {
    readRequest(req(attrs));
    return "ok";
  } catch (err) {
    return (err as StanzaError).condition;
  }
};

describe("readRequest", () => {
  it("reads name, size and type", () => {
    expect(readRequest(req({ filename: "très cool.jpg", size: "23456", "content-type": "image/jpeg" }))).toEqual({ filename: "très cool.jpg", size: 23456, contentType: "image/jpeg" });
    expect(readRequest(req({ filename: "a", size: "0" }))).toEqual({ filename: "a", size: 0, contentType: undefined });
    expect(readRequest(req({ filename: "a", size: "1", "content-type": "" })).contentType).toBeUndefined();
  });

  it.each([
    [{ size: "1" }],
    [{ filename: "", size: "1" }],
    [{ filename: "a/b", size: "1" }],
    [{ filename: "a\\b", size: "1" }],
    [{ filename: ".", size: "1" }],
    [{ filename: "..", size: "1" }],
    [{ filename: "a\u0000b", size: "1" }],
    [{ filename: "x\u202egpj.exe", size: "1" }],
    [{ filename: "a".repeat(256), size: "1" }],
    [{ filename: "a" }],
    [{ filename: "a", size: "-1" }],
    [{ filename: "a", size: "1.5" }],
    [{ filename: "a", size: "1e3" }],
    [{ filename: "a", size: "9".repeat(16) }],
    [{ filename: "a", size: "1", "content-type": "text" }],
    [{ filename: "a", size: "1", "content-type": "text/plain\r\nX: y" }],
  ])("refuses %j with bad-request", (attrs) => {
    expect(condition(attrs)).toBe("bad-request");
  });

  it("accepts names of exactly 255 bytes and ordinary punctuation", () => {
    expect(condition({ filename: "a".repeat(255), size: "1" })).toBe("ok");
    expect(condition({ filename: "é".repeat(128), size: "1" })).toBe("bad-request");
    expect(condition({ filename: "..hidden (1) [a]%20#.tar.gz", size: "1" })).toBe("ok");
  });
});

describe("media types", () => {
  it("accepts RFC 9110 media types with parameters", () => {
    expect(isMediaType("image/svg+xml")).toBe(true);
    expect(isMediaType("text/plain; charset=utf-8")).toBe(true);
    expect(isMediaType('multipart/mixed; boundary="a b"')).toBe(true);
    expect(isMediaType("text/plain;")).toBe(false);
    expect(isMediaType("a/b/c")).toBe(false);
    expect(isMediaType(`text/${"a".repeat(300)}`)).toBe(false);
  });

  it("compares by essence", () => {
    expect(mediaTypeEssence("Image/JPEG ; q=1")).toBe("image/jpeg");
  });
});
