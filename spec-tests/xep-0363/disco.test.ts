/**
 * XEP-0363 §3 over real sockets: the server lists the upload service among its items (XEP-0030
 * §4), and the service answers disco#info with identity store/file, the upload feature and an
 * XEP-0128 form carrying max-file-size in bytes.
 */
import type { Element } from "ltx";
import type { TestServer } from "../support/harness";
import { errorCondition, TestClient } from "../support/test-client";
import { NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_UPLOAD, startUploadServer, UPLOAD } from "./support";

let ts: TestServer;
let c: TestClient;

beforeAll(async () => {
  ts = await startUploadServer({ http_upload_file_size_limit: 5242880, http_upload_service_name: "Files of Verona" });
  await ts.addUser("romeo", "pw-romeo");
  c = await TestClient.login(ts, "romeo", "pw-romeo");
});
afterAll(async () => {
  await c?.disconnect();
  await ts?.stop();
});

const info = (node?: string) => `<iq type='get' to='${UPLOAD}'><query xmlns='${NS_DISCO_INFO}'${node ? ` node='${node}'` : ""}/></iq>`;

function form(r: Element): Map<string, string[]> {
  const x = r.getChild("query")?.getChildren("x", NS_DATA).find((f) => f.getChildren("field").some((fl) => fl.attrs.var === "FORM_TYPE" && fl.getChildText("value") === NS_UPLOAD));
  return new Map((x?.getChildren("field") ?? []).map((f) => [f.attrs.var as string, f.getChildren("value").map((v) => v.getText())]));
}

it("lists the upload service in the server's disco#items with its name (XEP-0363 §3, XEP-0030 §4)", async () => {
  const r = await c.iq(`<iq type='get' to='localhost'><query xmlns='${NS_DISCO_ITEMS}'/></iq>`);
  const item = r.getChild("query")?.getChildren("item").find((i) => i.attrs.jid === UPLOAD);
  expect(item?.attrs.name).toBe("Files of Verona");
});

it("answers disco#info with store/file, the upload feature and max-file-size (§3, XEP-0128)", async () => {
  const r = await c.iq(info());
  expect(r.attrs.type).toBe("result");
  const identities = r.getChild("query")!.getChildren("identity").map((i) => i.attrs);
  expect(identities).toContainEqual({ category: "store", type: "file", name: "Files of Verona" });
  const features = r.getChild("query")!.getChildren("feature").map((f) => f.attrs.var);
  expect(features).toEqual(expect.arrayContaining([NS_UPLOAD, NS_DISCO_INFO]));
  const fields = form(r);
  expect(fields.get("FORM_TYPE")).toEqual([NS_UPLOAD]);
  expect(fields.get("max-file-size")).toEqual(["5242880"]);
  const x = r.getChild("query")!.getChild("x", NS_DATA)!;
  expect(x.attrs.type).toBe("result");
  expect(x.getChildren("field").find((f) => f.attrs.var === "FORM_TYPE")?.attrs.type).toBe("hidden");
});

it("has no items, and refuses unknown nodes with item-not-found (XEP-0030 §3.1)", async () => {
  const items = await c.iq(`<iq type='get' to='${UPLOAD}'><query xmlns='${NS_DISCO_ITEMS}'/></iq>`);
  expect(items.attrs.type).toBe("result");
  expect(items.getChild("query")?.getChildren("item")).toEqual([]);
  expect(errorCondition(await c.iq(info("some-node")))).toBe("item-not-found");
});

it("answers pings (XEP-0199)", async () => {
  const r = await c.iq(`<iq type='get' to='${UPLOAD}'><ping xmlns='urn:xmpp:ping'/></iq>`);
  expect(r.attrs.type).toBe("result");
});
