import MiniSearch, { type Options } from "minisearch";
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
const PRUNED_FIELDS = new Set(["summary", "body", "chars"]);
/** A body term in more than this share of the library says nothing about any one article. */
const MAX_DOC_SHARE = 0.2;
/** ...but small libraries keep everything: there a share of 20% is a handful of articles. */
const MIN_PRUNED_DF = 500;

/**
 * An index in a compact, JSON-friendly form: per document its id and the
 * number of terms of each field, and per term the document numbers of
 * each field. The library cache stores this.
 */
export interface PreparedIndex {
  documentIds: string[];
  fieldLength: number[][];
  postings: Array<[term: string, byField: number[][]]>;
}

/**
 * Build a minisearch index from pre-tokenised documents. Instead of
 * `addAll` (which walks the radix tree once per posting), postings are
 * counted in plain arrays and each term is inserted once (see
 * {@link PreparedMiniSearch}). Scores are identical to an `addAll` build
 * (checked by tests).
 */
export function buildMiniSearch(docs: readonly IndexedDoc[]): MiniSearch<IndexedDoc> {
  return loadPrepared(prepareIndex(docs));
}

/** Turn a prepared index into a live one. */
export function loadPrepared(prepared: PreparedIndex): MiniSearch<IndexedDoc> {
  return PreparedMiniSearch.from(prepared);
}

/**
 * minisearch filled from a prepared index through its protected state,
 * the documented way to extend it. Going through `loadJS` instead meant
 * building an object per term and field and parsing every key back to a
 * number: at 10,000 articles that took a second of the cold start.
 */
class PreparedMiniSearch extends MiniSearch<IndexedDoc> {
  static from(prepared: PreparedIndex): PreparedMiniSearch {
    const mini = new PreparedMiniSearch(miniSearchOptions());
    const n = prepared.documentIds.length;
    mini._documentCount = n;
    mini._nextId = n;
    mini._documentIds = new Map(prepared.documentIds.map((id, shortId) => [shortId, id]));
    mini._idToShortId = new Map(prepared.documentIds.map((id, shortId) => [id, shortId]));
    mini._fieldLength = new Map(prepared.fieldLength.map((lengths, shortId) => [shortId, lengths]));
    mini._avgFieldLength = FIELDS.map((_, f) => (n === 0 ? 0 : prepared.fieldLength.reduce((sum, l) => sum + (l[f] ?? 0), 0) / n));
    for (const [term, lists] of prepared.postings) {
      const byField = new Map<number, Map<number, number>>();
      lists.forEach((ids, fieldId) => {
        if (ids.length > 0) byField.set(fieldId, new PostingList(ids) as unknown as Map<number, number>);
      });
      mini._index.set(term, byField);
    }
    return mini;
  }
}

/**
 * The documents of one term in one field, in the shape minisearch's search
 * reads (`size`, `keys()`, and `get(id)` for ids from `keys()`): the term
 * frequency, always 1 because terms are unique per field. A plain array
 * instead of a Map per list loads several times faster and takes a
 * fraction of the memory. The index is never mutated after loading
 * (a reload builds a new one), so the Map methods minisearch uses to add
 * and remove documents are not needed.
 */
class PostingList {
  constructor(private readonly ids: readonly number[]) {}

  get size(): number {
    return this.ids.length;
  }

  keys(): IterableIterator<number> {
    return this.ids.values();
  }

  get(_id: number): number {
    return 1;
  }
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
  const fieldLength = docs.map((doc, shortId) =>
    FIELDS.map((field, fieldId) => {
      const terms = doc.terms[field] === "" ? [] : doc.terms[field].split(" ");
      for (const t of terms) {
        let term = encoded.get(t);
        if (term === undefined) encoded.set(t, (term = encodeTerm(t)));
        let lists = postings.get(term);
        if (!lists) postings.set(term, (lists = FIELDS.map(() => [])));
        lists[fieldId]!.push(shortId);
      }
      return terms.length;
    }),
  );
  return { documentIds: docs.map((d) => d.id), fieldLength, postings: prune(postings, docs.length) };
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
