import MiniSearch, { type AsPlainObject, type Options } from "minisearch";
import { encodeTerm } from "./term-codec.ts";
import { FIELDS, type DocTerms } from "./terms.ts";

/** A document as the index sees it: an id and its terms. */
export interface IndexedDoc {
  id: string;
  terms: DocTerms;
}

/** minisearch options shared by building and querying. */
export function miniSearchOptions(): Options<IndexedDoc> {
  return {
    fields: [...FIELDS],
    storeFields: [],
    // Documents arrive already tokenised (see terms.ts); terms never contain spaces.
    extractField: (doc, field) => (field === "id" ? doc.id : doc.terms[field as keyof DocTerms]),
    tokenize: (text) => text.split(" ").filter(Boolean),
    processTerm: encodeTerm,
  };
}

/** Body-derived fields, where near-universal terms are dropped (see {@link buildMiniSearch}). */
const PRUNED_FIELDS = new Set(["summary", "keywords"]);
/** A body term in more than this share of the library says nothing about any one article. */
const MAX_DOC_SHARE = 0.2;
/** ...but small libraries keep everything: there a share of 20% is a handful of articles. */
const MIN_PRUNED_DF = 500;

/**
 * An index in a compact, JSON-friendly form: minisearch's serialisation
 * header plus, per term, the document numbers of each field. The library
 * cache stores this; it is much smaller than minisearch's own JSON.
 */
export interface PreparedIndex {
  header: Omit<AsPlainObject, "index">;
  postings: Array<[term: string, byField: number[][]]>;
}

/**
 * Build a minisearch index from pre-tokenised documents. Instead of
 * `addAll` (which walks the radix tree once per posting), postings are
 * counted in plain arrays and handed to `MiniSearch.loadJS` in minisearch's
 * own serialisation format (version 2), which inserts each term once.
 * Scores are identical to an `addAll` build (checked by tests).
 */
export function buildMiniSearch(docs: readonly IndexedDoc[]): MiniSearch<IndexedDoc> {
  return loadPrepared(prepareIndex(docs));
}

/**
 * Turn a prepared index into a live one. The per-term objects minisearch
 * wants are produced one at a time while it reads them, so 100,000
 * articles never hold two full copies of the index in memory.
 */
export function loadPrepared(prepared: PreparedIndex): MiniSearch<IndexedDoc> {
  // loadJS reads `index` once, front to back: a lazy iterable is enough.
  const index = indexEntries(prepared.postings) as unknown as AsPlainObject["index"];
  return MiniSearch.loadJS({ ...prepared.header, index }, miniSearchOptions());
}

/**
 * Count the postings of every term (document numbers are positions in
 * `docs`). Terms found in the summaries or bodies of more than 20% of a
 * large library are dropped from those fields (titles keep them): their
 * BM25 weight is near zero, yet scoring their postings made a query like
 * 「AI视频」 cost tens of milliseconds at 10,000 articles.
 */
export function prepareIndex(docs: readonly IndexedDoc[]): PreparedIndex {
  const postings = new Map<string, number[][]>();
  const encoded = new Map<string, string>();
  const documentIds: Record<number, string> = {};
  const fieldLength: Record<number, number[]> = {};
  const totals = FIELDS.map(() => 0);
  docs.forEach((doc, shortId) => {
    documentIds[shortId] = doc.id;
    fieldLength[shortId] = FIELDS.map((field, fieldId) => {
      const terms = doc.terms[field] === "" ? [] : doc.terms[field].split(" ");
      for (const t of terms) {
        let term = encoded.get(t);
        if (term === undefined) encoded.set(t, (term = encodeTerm(t)));
        let lists = postings.get(term);
        if (!lists) postings.set(term, (lists = FIELDS.map(() => [])));
        lists[fieldId]!.push(shortId);
      }
      totals[fieldId]! += terms.length;
      return terms.length;
    });
  });
  const header = {
    documentCount: docs.length,
    nextId: docs.length,
    documentIds,
    fieldIds: Object.fromEntries(FIELDS.map((f, i) => [f, i])),
    fieldLength,
    averageFieldLength: totals.map((t) => (docs.length === 0 ? 0 : t / docs.length)),
    storedFields: {},
    dirtCount: 0,
    serializationVersion: 2,
  };
  return { header, postings: prune(postings, docs.length) };
}

function prune(postings: Map<string, number[][]>, documentCount: number): PreparedIndex["postings"] {
  const limit = Math.max(MIN_PRUNED_DF, documentCount * MAX_DOC_SHARE);
  const kept: PreparedIndex["postings"] = [];
  for (const [term, lists] of postings) {
    const byField = lists.map((ids, fieldId) => (PRUNED_FIELDS.has(FIELDS[fieldId]!) && ids.length > limit ? [] : ids));
    if (byField.some((ids) => ids.length > 0)) kept.push([term, byField]);
  }
  return kept;
}

/** minisearch's `index` entries (term frequency is always 1: terms are unique per field). */
function* indexEntries(postings: PreparedIndex["postings"]): Generator<[string, Record<string, Record<string, number>>]> {
  for (const [term, lists] of postings) {
    const byField: Record<string, Record<string, number>> = {};
    lists.forEach((ids, fieldId) => {
      if (ids.length === 0) return;
      const freqs: Record<string, number> = {};
      for (const id of ids) freqs[id] = 1;
      byField[fieldId] = freqs;
    });
    yield [term, byField];
  }
}
