import { ConfigError } from "../../lib/config/options";
import { baseUrl, fileUrl, parseExternalUrl, parseTarget, servicePrefix } from "./urls";

const ID = "AbCdEfGhIjKlMnOpQrSt_-";

describe("slot URLs", () => {
  it("defaults to the component domain, the bound port and /upload/", () => {
    expect(baseUrl(undefined, "upload.example.com", 5443)).toBe("https://upload.example.com:5443/upload/");
    expect(baseUrl(undefined, "upload.example.com", 443)).toBe("https://upload.example.com/upload/");
    expect(servicePrefix(undefined)).toBe("/upload/");
  });

  it("uses an external URL as given, with its path as the served prefix", () => {
    const ext = parseExternalUrl("https://files.example.com/xmpp", "where");
    expect(baseUrl(ext, "upload.example.com", 5443)).toBe("https://files.example.com/xmpp/");
    expect(servicePrefix(ext)).toBe("/xmpp/");
  });

  it.each(["http://files.example.com/", "https://u:p@files.example.com/", "https://files.example.com/?a=1", "https://files.example.com/#x", "files.example.com"])(
    "refuses the external URL %s",
    (value) => {
      expect(() => parseExternalUrl(value, "components.u.http_upload_external_url")).toThrow(ConfigError);
    },
  );

  it("percent-encodes the file name as one path segment", () => {
    expect(fileUrl("https://u/upload/", ID, "très cool #1?.jpg")).toBe(`https://u/upload/${ID}/tr%C3%A8s%20cool%20%231%3F.jpg`);
  });
});

describe("parseTarget", () => {
  it("round-trips what fileUrl makes", () => {
    const url = new URL(fileUrl("https://u/upload/", ID, "très cool #1?.jpg"));
    expect(parseTarget("/upload/", url.pathname)).toEqual({ id: ID, name: "très cool #1?.jpg" });
  });

  it("ignores a query string", () => {
    expect(parseTarget("/upload/", `/upload/${ID}/a.txt?x=1`)).toEqual({ id: ID, name: "a.txt" });
  });

  it.each([
    "/upload/",
    "/upload",
    `/upload/${ID}`,
    `/upload/${ID}/`,
    `/upload/${ID}/a/b`,
    `/upload/${ID}x/a`,
    `/upload/${ID.slice(1)}/a`,
    `/other/${ID}/a`,
    `https://u/upload/${ID}/a`,
    `/upload/../${ID}/a`,
    `/upload/%2e%2e/${ID}/a`,
    `/upload/${ID}/%E0%A4%A`,
    `//upload/${ID}/a`,
    `/upload//${ID}/a`,
  ])("has no file for %s", (target) => {
    expect(parseTarget("/upload/", target)).toBeUndefined();
  });

  it("decodes only the name: a traversal there is just a name no slot has", () => {
    expect(parseTarget("/upload/", `/upload/${ID}/..%2F..%2Fetc%2Fpasswd`)).toEqual({ id: ID, name: "../../etc/passwd" });
  });
});
