// Reading the HMC's XML: Atom feeds and entries whose <content> holds a PowerVM object
// (ManagedSystem, LogicalPartition) or a web object (LogonResponse, JobResponse). Namespace
// prefixes are dropped; a document that is not well-formed XML is a clear, fatal error.

import { XMLParser, XMLValidator } from "fast-xml-parser";

export type XmlNode = Record<string, unknown>;

const ALWAYS_LISTS = new Set(["entry", "link", "JobParameter"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ALWAYS_LISTS.has(name),
});

/** Thrown for an answer that is not the XML expected; callers turn it into a fatal AdapterError. */
export class MalformedAnswer extends Error {}

export function parseXml(text: string): XmlNode {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    throw new MalformedAnswer(`not well-formed XML (line ${verdict.err.line}: ${verdict.err.msg})`);
  }
  const doc = parser.parse(text) as unknown;
  if (!isNode(doc)) throw new MalformedAnswer("empty XML document");
  return doc;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The child at `path`, or undefined. */
export function child(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const name of path) {
    if (!isNode(cur)) return undefined;
    cur = cur[name];
  }
  return cur;
}

/** The text of the element at `path` (elements with attributes keep their text in "#text"). */
export function textAt(node: unknown, ...path: string[]): string | undefined {
  const value = child(node, ...path);
  if (typeof value === "string") return value;
  if (isNode(value)) {
    const t = value["#text"];
    if (typeof t === "string" || typeof t === "number") return String(t);
    return "";
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** As textAt, but a missing element is a malformed answer naming what is missing. */
export function requireText(node: unknown, what: string, ...path: string[]): string {
  const value = textAt(node, ...path);
  if (value === undefined || value === "") throw new MalformedAnswer(`${what} has no <${path.join("/")}>`);
  return value;
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/** The entries of an Atom feed (an empty feed has none); a single entry document gives itself. */
export function feedEntries(doc: XmlNode, what: string): XmlNode[] {
  if (isNode(doc.feed)) return asList(doc.feed.entry).filter(isNode);
  if (doc.feed === "") return [];
  if (Array.isArray(doc.entry)) return doc.entry.filter(isNode);
  throw new MalformedAnswer(`${what}: expected an Atom <feed>, got <${Object.keys(doc).filter((k) => !k.startsWith("?"))[0] ?? "nothing"}>`);
}

/** The PowerVM object `type` inside an Atom entry's <content>. */
export function entryObject(entry: XmlNode, type: string): XmlNode {
  const obj = child(entry, "content", type);
  if (!isNode(obj)) throw new MalformedAnswer(`Atom entry has no <content><${type}>`);
  return obj;
}

/** The etag of an entry (the HMC sends it as <etag:etag> and in the ETag header). */
export function entryEtag(entry: XmlNode): string | undefined {
  return textAt(entry, "etag");
}

/** The UUIDs at the end of the hrefs of <link> children of `node` (AssociatedLogicalPartitions and the like). */
export function linkedUuids(node: unknown): string[] {
  return asList(child(node, "link"))
    .map((l) => (isNode(l) && typeof l["@_href"] === "string" ? uuidOfHref(l["@_href"]) : undefined))
    .filter((u): u is string => u !== undefined);
}

export function uuidOfHref(href: string): string | undefined {
  const last = href.split("?")[0].replace(/\/+$/, "").split("/").pop();
  return last && /^[0-9A-Fa-f-]{8,}$/.test(last) ? last : undefined;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
