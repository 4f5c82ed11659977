/**
 * The only module that touches @xmldom/xmldom: parses GPX/TCX/KML text and offers a few
 * namespace-agnostic element helpers (GPX 1.0 and 1.1, KML 2.1/2.2 and gx: differ only in
 * namespace, so elements are matched by local name).
 */
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import { ReadError } from '../types.ts';
import { decodeText, encodingLabel } from './common.ts';

export type { Element } from '@xmldom/xmldom';

const ELEMENT_NODE = 1;

/**
 * Parses XML text; a fatal XML error (unclosed tag, bad entity…) or a DTD entity declaration
 * throws ReadError naming the file and the parser's message. Recoverable parser warnings are
 * returned, not printed.
 */
export function parseXml(file: string, text: string): { doc: Document; root: Element; parserWarnings: string[] } {
  // GPX, TCX and KML never need a DTD. Entity declarations are how XXE (external entities) and
  // "billion laughs" (nested expansion) attacks work, so a document with any is refused.
  const entity = /<!ENTITY\s+%?\s*([^\s>]*)/.exec(text);
  if (entity) throw new ReadError(file, `declares the XML entity "${entity[1]}" in a DOCTYPE; entity declarations are not accepted (XXE, entity expansion)`);
  const parserWarnings: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level === 'fatalError') throw new Error(msg);
        parserWarnings.push(msg);
      },
    }).parseFromString(text, 'text/xml');
  } catch (err) {
    throw new ReadError(file, `not well-formed XML (${(err as Error).message.split('\n')[0]})`);
  }
  const root = doc.documentElement;
  if (!root) throw new ReadError(file, 'XML has no root element');
  return { doc, root, parserWarnings };
}

/** Local name of an element without prefix ("gx:coord" → "coord"). */
export function localName(el: Element): string {
  return el.localName ?? el.nodeName.replace(/^.*:/, '');
}

/** Direct child elements, optionally only those with local name `name`. */
export function children(el: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && (name === undefined || localName(n as Element) === name)) out.push(n as Element);
  }
  return out;
}

/** First direct child with local name `name`, or undefined. */
export function child(el: Element, name: string): Element | undefined {
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && localName(n as Element) === name) return n as Element;
  }
  return undefined;
}

/** All descendants with local name `name`, in document order. */
export function descendants(el: Element, name: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    for (const c of children(e)) {
      if (localName(c) === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** Trimmed text of the first child element `name`, or undefined when absent or empty. */
export function childText(el: Element, name: string): string | undefined {
  const c = child(el, name);
  const t = c?.textContent?.trim();
  return t ? t : undefined;
}

/**
 * Decodes XML bytes using the encoding its declaration names (`<?xml … encoding="GB2312"?>`,
 * common in Chinese GPS exports), else UTF-8 with the GBK fallback of decodeText.
 */
export function decodeXml(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\uFEFF?\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
  const label = declared ? encodingLabel(declared) : null;
  return decodeText(bytes, label && label !== 'utf-8' ? label : null).text;
}
