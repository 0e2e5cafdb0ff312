import { contentDisposition, corsHeaders } from "./headers";

describe("contentDisposition", () => {
  it("shows harmless media inline and offers the rest as a download", () => {
    expect(contentDisposition("a.png", "image/png")).toMatch(/^inline; /);
    expect(contentDisposition("a.ogg", "audio/ogg; codecs=opus")).toMatch(/^inline; /);
    expect(contentDisposition("a.svg", "image/svg+xml")).toMatch(/^attachment; /);
    expect(contentDisposition("a.html", "text/html")).toMatch(/^attachment; /);
    expect(contentDisposition("a", "application/octet-stream")).toMatch(/^attachment; /);
  });

  it("quotes an ASCII fallback and carries the exact name in filename* (RFC 6266, RFC 8187)", () => {
    expect(contentDisposition(`très "cool" (1)*'.txt`, "text/plain")).toBe(
      `inline; filename="tr_s _cool_ (1)*'.txt"; filename*=UTF-8''tr%C3%A8s%20%22cool%22%20%281%29%2A%27.txt`,
    );
    expect(contentDisposition("a\\b%.txt", "text/plain")).toBe(`inline; filename="a_b_.txt"; filename*=UTF-8''a%5Cb%25.txt`);
  });
});

describe("corsHeaders", () => {
  it("allows any origin with *, listed origins by name, and none with an empty list", () => {
    expect(corsHeaders(["*"], "https://a.example")).toEqual({ "Access-Control-Allow-Origin": "*" });
    expect(corsHeaders(["https://a.example"], "https://a.example")).toEqual({ "Access-Control-Allow-Origin": "https://a.example", Vary: "Origin" });
    expect(corsHeaders(["https://a.example"], "https://b.example")).toEqual({ Vary: "Origin" });
    expect(corsHeaders([], "https://a.example")).toEqual({});
  });
});
