/** XEP-0115 §5.2 and §5.3: the worked examples hash to the 'ver' the XEP gives; §5.4 rejections. */
import { parse } from "ltx";
import { capsVer, verificationString, verifies } from "./caps-hash";

const SIMPLE = `<query xmlns='http://jabber.org/protocol/disco#info'>
  <identity category='client' name='Exodus 0.9.1' type='pc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/muc'/>
</query>`;

const COMPLEX = `<query xmlns='http://jabber.org/protocol/disco#info'>
  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
  <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/muc'/>
  <x xmlns='jabber:x:data' type='result'>
    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
    <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>
    <field var='os'><value>Mac</value></field>
    <field var='os_version'><value>10.5.1</value></field>
    <field var='software'><value>Psi</value></field>
    <field var='software_version'><value>0.11</value></field>
  </x>
</query>`;

describe("XEP-0115 verification", () => {
  it("§5.2 simple generation example", () => {
    const q = parse(SIMPLE);
    expect(verificationString(q)).toBe(
      "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<",
    );
    expect(capsVer(q)).toBe("QgayPKawpkPSDYmwT/WM94uAlu0=");
    expect(verifies(q, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=")).toBe(true);
  });

  it("§5.3 complex generation example (identities with xml:lang, an extended form)", () => {
    expect(verifies(parse(COMPLEX), "sha-1", "q07IKJEyjvHSyhy//CH0CxmKi8w=")).toBe(true);
  });

  it("a 'ver' the answer does not hash to is not verified", () => {
    expect(verifies(parse(SIMPLE), "sha-1", "q07IKJEyjvHSyhy//CH0CxmKi8w=")).toBe(false);
    expect(verifies(parse(SIMPLE), "md5", "QgayPKawpkPSDYmwT/WM94uAlu0=")).toBe(false);
  });

  it("§5.4: duplicate features or identities, or two forms of one FORM_TYPE, are not trusted", () => {
    const dupFeature = SIMPLE.replace("</query>", "<feature var='http://jabber.org/protocol/muc'/></query>");
    expect(verificationString(parse(dupFeature))).toBeUndefined();
    const dupIdentity = SIMPLE.replace("</query>", "<identity category='client' name='Exodus 0.9.1' type='pc'/></query>");
    expect(verificationString(parse(dupIdentity))).toBeUndefined();
    const form = COMPLEX.slice(COMPLEX.indexOf("<x "), COMPLEX.indexOf("</x>") + 4);
    expect(verificationString(parse(COMPLEX.replace("</query>", form + "</query>")))).toBeUndefined();
  });

  it("§5.4: a form whose FORM_TYPE is not hidden is left out of the hash", () => {
    const notHidden = SIMPLE.replace(
      "</query>",
      "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>urn:x</value></field><field var='a'><value>b</value></field></x></query>",
    );
    expect(capsVer(parse(notHidden))).toBe("QgayPKawpkPSDYmwT/WM94uAlu0=");
  });
});
