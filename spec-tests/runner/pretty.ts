/** Indented XML for failure reports; a leaf's text stays on its tag's line so short stanzas read naturally. */
import { Element, escapeXML, escapeXMLText } from "ltx";

export function prettyXml(el: Element, indent = "  ", depth = 0): string {
  const pad = indent.repeat(depth);
  const attrs = Object.entries(el.attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${escapeXML(String(v))}"`)
    .join("");
  const elements = el.children.filter((c): c is Element => typeof c !== "string");
  const text = el.children
    .filter((c): c is string => typeof c === "string")
    .join("")
    .trim();
  if (elements.length === 0) {
    return text ? `${pad}<${el.name}${attrs}>${escapeXMLText(text)}</${el.name}>` : `${pad}<${el.name}${attrs}/>`;
  }
  const lines = [`${pad}<${el.name}${attrs}>`];
  if (text) lines.push(pad + indent + escapeXMLText(text));
  for (const c of elements) lines.push(prettyXml(c, indent, depth + 1));
  lines.push(`${pad}</${el.name}>`);
  return lines.join("\n");
}

export function indentBlock(text: string, pad = "    "): string {
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
