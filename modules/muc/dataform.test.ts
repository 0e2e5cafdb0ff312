import { parse as parseXml } from "ltx";
import { serialize } from "../../lib/xml/serialize";
import { formElement, parseBoolean, readSubmission } from "./dataform";

describe("data forms (XEP-0004)", () => {
  it("renders fields with values and options", () => {
    const x = formElement("form", [
      { var: "FORM_TYPE", type: "hidden", values: ["urn:example"] },
      { var: "pick", type: "list-single", label: "Pick", values: ["b"], options: [{ label: "A", value: "a" }, { value: "b" }] },
    ], "Title");
    expect(serialize(x)).toBe(
      "<x xmlns='jabber:x:data' type='form'><title>Title</title><field var='FORM_TYPE' type='hidden'><value>urn:example</value></field>" +
        "<field var='pick' type='list-single' label='Pick'><value>b</value><option label='A'><value>a</value></option><option><value>b</value></option></field></x>",
    );
  });

  it("reads a submission, values in order", () => {
    const s = readSubmission(parseXml("<x xmlns='jabber:x:data' type='submit'><field var='a'><value>1</value></field><field var='m'><value>x</value><value>y</value></field><field/></x>"));
    expect(s.type).toBe("submit");
    expect([...s.fields]).toEqual([["a", ["1"]], ["m", ["x", "y"]]]);
  });

  it("accepts the four boolean spellings only", () => {
    expect([["1"], ["true"], ["0"], ["false"], ["yes"], [], undefined].map((v) => parseBoolean(v))).toEqual([true, true, false, false, undefined, undefined, undefined]);
  });
});
