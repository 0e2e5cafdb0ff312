/** The one place the runner takes its stream parser from. */
export { XmlStreamParser } from "../../lib/xml/parser";
export type { StreamHeader } from "../../lib/xml/parser";
