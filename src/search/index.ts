import type { ArticleMeta } from "../library/article.ts";
import type { Library } from "../library/library.ts";
import { coverage, wordShares } from "./coverage.ts";
import { parseQuery, type ParsedQuery } from "./query.ts";
import { packIndex } from "./builder.ts";
import type { PackedIndex } from "./packed.ts";
import { PackedScorer } from "./scorer.ts";
import { documentTerms, type Field } from "./terms.ts";
import { isLatinToken } from "./tokenize.ts";
import { segmenter } from "./segmenter.ts";

/** One matching article. */
export interface SearchHit {
  article: ArticleMeta;
  score: number;
  /** Query tokens this article matched. */
  matched: string[];
  /** Share of the query's characters covered by matched tokens, 0..1. */
  coverage: number;
  /** The same share for the tokens it matched where it says what it is about (title, summary, the words its body keeps using). */
  aboutCoverage: number;
  /** How unlikely it is that an article matches this much of the query by chance, in bits (see {@link SearchIndex.evidence}). */
  evidence: number;
}

/** The answer to one query. */
export interface SearchResult {
  query: ParsedQuery;
  /** Number of matching articles (all pages). */
  total: number;
  /** The requested page of hits, best first. */
  hits: SearchHit[];
  /** True when the best hit shares too little with the query to be trusted. */
  lowConfidence: boolean;
  /**
   * Low confidence, yet the best hits are plausible: they cover a fair part
   * of the query including its weightiest word. The bot shows them under
   * an honest header (「没有完全对得上的…」) instead of 没有找到, so a right
   * answer the confidence rule doubts is never hidden.
   */
  tentative: boolean;
}

/**
 * Load what the first query needs (jieba's dictionary, ~0.1–0.2 s) now,
 * e.g. while another thread reads the library, instead of inside the
 * first answer.
 */
export function warmSearch(): void {
  segmenter();
}

/** Whether the reader is told 没有找到: nothing matched, or nothing plausible (see {@link SearchResult.tentative}). */
export function nothingFound(result: Pick<SearchResult, "total" | "lowConfidence" | "tentative">): boolean {
  return result.total === 0 || (result.lowConfidence && !result.tentative);
}

/** A one-character query is expanded to the words it starts only when they are at most this many. */
const MAX_WORDS_PER_CHARACTER = 400;

/**
 * Asking how to do something (怎么养, 入门, 攻略, 值得买吗) asks for a
 * guide: an article that mentions the subject on the way to something else
 * is no answer, even when it names every word of the question. Asked of
 * one account or author (费曼 干部怎么安排), it asks what they wrote about
 * it, and their articles are what there is to show.
 */
const HOW_TO = /怎么(?![都也看想说评])|如何|怎样|要不要|值不值|值得买|入门|入坑|教程|技巧|攻略|做法|哪款|多少钱/;
/** A how-to question is answered only by an article about at least this share of it (see {@link SearchHit.aboutCoverage}). */
const HOW_TO_ABOUT = 0.5;

/** Beyond this many words a query retells an article (…讲怎么坚持自我) rather than asks for a guide. */
const HOW_TO_MAX_WORDS = 8;

function asksHowTo(query: ParsedQuery): boolean {
  return query.words.length <= HOW_TO_MAX_WORDS && HOW_TO.test(query.raw);
}

/** Characters a query leaves single join up as one name only where at least this many articles write them together. */
const MIN_NAME_ARTICLES = 3;

/**
 * Per-field weights. A title word counts as much as a word the body keeps
 * coming back to (keys): readers describe what an article says, and at ×6
 * one word of the query in some title outranked the article about the
 * whole description (reader set, first shown: 70 → 74 % tune, 79 → 81 %
 * held-out; titles still found 98 / 95 %). A single character of a body counts least.
 */
export const BOOST: Record<Field, number> = { title: 3, zen: 3, tags: 3, summary: 1.5, body: 1, keys: 3, chars: 0.3 };
/** A word the article's body mentions, without being about it, counts this much of its information as evidence. */
const MENTION_EVIDENCE = 0.5;
/** A best hit that covers this share of the query is never dismissed as a passing mention. */
const WHOLE_QUERY = 0.9;
/** A best hit about less than this share of the query... */
const ABOUT_ENOUGH = 0.5;
/** ...answers it only with more evidence than this share of the information of a word only one article uses. */
const PASSING_EVIDENCE = 0.6;
/** Fields where a match says the article is about the term, not that it mentions it. */
const ABOUT_FIELDS: Field[] = ["title", "zen", "tags", "summary", "keys"];
/** Below this share of a one-word query covered, the best hit is not trusted... */
const MIN_COVERAGE = 0.5;
/** ...of a query of a few words (婚纱摄影 is not answered by an article that says 婚纱 once)... */
const MIN_COVERAGE_FEW_WORDS = 0.7;
/** ...while a long question is answered when its best hit covers this much, unless it misses the main word. */
const MIN_COVERAGE_MANY_WORDS = 0.35;
/** From this many words on, a query is a question or description rather than keywords. */
const QUESTION_WORDS = 6;
/** Hits covering less than this share of the best hit's coverage are noise, not answers. */
export const RELATIVE_COVERAGE = 0.5;
/** An untrusted best hit covering at least this share of the query, its main word included, is still worth showing. */
const PLAUSIBLE_COVERAGE = 0.25;
/** Digest posts list many titles; they must not outrank the articles they list. */
export const DIGEST_FACTOR = 0.2;
/** A listing (title and link, no saved text) comes after the articles with text that match as well. */
export const LISTING_FACTOR = 0.5;

/**
 * Full-text search over a library with minisearch: BM25 over titles, zen
 * titles, tags, summaries and full bodies (see terms.ts), re-ranked by
 * how much of the query each article covers.
 */
export class SearchIndex {
  /** Library position of each document number (-1: not in the library). */
  private readonly positionOf: Int32Array;
  /** Document frequency of query words already looked up (an archive's readers ask about the same words). */
  private readonly infoMemo = new Map<string, number>();
  /** Per library position, the rank of its date (ISO dates compare as strings; equal dates, equal ranks). */
  private readonly dateRank: Int32Array;

  private constructor(
    private readonly library: Library,
    private readonly scorer: PackedScorer,
    documentIds: readonly string[],
  ) {
    // From the library's columns: building the index decodes no article.
    this.positionOf = Int32Array.from(documentIds, (id) => library.position(id) ?? -1);
    // The library is newest first, so ranks count up from its last row.
    this.dateRank = new Int32Array(library.size);
    let rank = -1;
    let previous: string | undefined;
    for (let row = library.size - 1; row >= 0; row--) {
      const date = library.dateAt(row);
      if (date !== previous) {
        rank++;
        previous = date;
      }
      this.dateRank[row] = rank;
    }
  }

  /** Search `library` with a packed index of its articles (e.g. read back from the library cache). */
  static fromPacked(library: Library, packed: PackedIndex): SearchIndex {
    return new SearchIndex(library, new PackedScorer(packed, BOOST, ABOUT_FIELDS), packed.documentIds);
  }

  /** Compute every article's terms from its body and index them. */
  static build(library: Library): SearchIndex {
    const docs = library.articles.map((a) => ({ id: a.id, terms: documentTerms({ ...a, body: library.body(a.id) }) }));
    return SearchIndex.fromPacked(library, packIndex(docs));
  }

  /** Number of indexed articles. */
  get size(): number {
    return this.scorer.size;
  }

  /**
   * Search; `offset`/`limit` select a page of the ranked hits, `accounts`
   * keeps only those accounts' articles, `author` only that author's.
   */
  search(
    raw: string,
    page: { offset?: number; limit?: number; accounts?: readonly string[]; author?: string } = {},
  ): SearchResult {
    const query = this.parse(raw);
    const offset = page.offset ?? 0;
    const limit = page.limit ?? 3;
    if (query.tokens.length === 0) return { query, total: 0, hits: [], lowConfidence: false, tentative: false };
    const keep = this.filter(page.accounts, page.author);
    const { total, best } = this.rank(query, Math.max(1, offset + limit), keep);
    // A how-to question of the whole archive wants a guide: an answer, or 没有找到, never a list of guesses.
    const howTo = !keep && asksHowTo(query);
    const passing =
      total > 0 && (mentionedInPassing(best[0]!, this.size) || (howTo && best[0]!.aboutCoverage < HOW_TO_ABOUT));
    const lowConfidence = total > 0 && (passing || !trustworthy(query, best[0]!));
    const hits = best.slice(offset, offset + limit).map((c) => this.toHit(c));
    // Within an account or author the reader named, a passing match is still worth showing as a guess: they
    // say the article is there, and a few hundred articles make a chance match far less likely than 10,000 do.
    const guessable = !passing || keep !== undefined;
    return {
      query,
      total,
      hits,
      lowConfidence,
      tentative: lowConfidence && guessable && !howTo && plausible(query, best[0]!),
    };
  }

  /** How this archive reads a query: single characters join up as one name only where its articles write them together. */
  parse(raw: string): ParsedQuery {
    return parseQuery(raw, (pair) => this.scorer.documentFrequency(pair) >= MIN_NAME_ARTICLES);
  }

  /** Which library positions a search may answer with, or undefined for all. */
  private filter(accounts?: readonly string[], author?: string): ((position: number) => boolean) | undefined {
    if (accounts === undefined && author === undefined) return undefined;
    const library = this.library;
    const only = accounts && new Set(accounts);
    return (position) =>
      position >= 0 &&
      (!only || only.has(library.accountAt(position) ?? "")) &&
      (author === undefined || library.authorAt(position) === author);
  }

  /**
   * The number of candidates and the first `top`, best first. Every
   * match is scored (exactly as minisearch would, see scorer.ts) and
   * counted, but only the best `top` are kept in order: sorting thousands
   * of matches of a long description cost more than scoring them.
   */
  private rank(
    query: ParsedQuery,
    top: number,
    keep?: (position: number) => boolean,
  ): { total: number; best: Candidate[] } {
    const wordStart = this.wordStart(query);
    const matches = this.scorer.match(
      query.tokens.map((t) => ({
        term: t,
        prefix: isLatinToken(t) ? t.length >= 3 : t === wordStart,
        fuzzy: isLatinToken(t) && t.length >= 4 ? 0.2 : 0,
      })),
    );
    const library = this.library;
    const coverageOf = memoCoverage(query, matches.words);
    const covered = new Float64Array(matches.count);
    let floor = 0;
    for (let k = 0; k < matches.count; k++) {
      const d = matches.docs[k]!;
      const position = this.positionOf[d]!;
      if (keep && !keep(position)) continue;
      covered[k] = coverageOf(matches.matched, d);
      floor = Math.max(floor, covered[k]!);
    }
    floor *= RELATIVE_COVERAGE;
    let total = 0;
    const best: Candidate[] = [];
    for (let k = 0; k < matches.count; k++) {
      const d = matches.docs[k]!;
      const position = this.positionOf[d]!;
      if (keep && !keep(position)) continue;
      const cov = covered[k]!;
      if (cov < floor || position < 0) continue;
      total++;
      // Like Lucene's coordination factor: matching more of the query beats
      // matching one term many times.
      const score =
        matches.score[d]! *
        cov *
        cov *
        (library.isDigestAt(position) ? DIGEST_FACTOR : 1) *
        (library.isListingAt(position) ? LISTING_FACTOR : 1);
      const rounded = roundScore(score);
      if (best.length === top && !before(rounded, this.dateRank[position]!, matches.score[d]!, best[top - 1]!))
        continue;
      const c: Candidate = {
        position,
        score,
        rounded,
        coverage: cov,
        aboutCoverage: 0,
        evidence: 0,
        dateRank: this.dateRank[position]!,
        matchScore: matches.score[d]!,
        doc: d,
        terms: [],
      };
      let at = best.length;
      while (at > 0 && before(c.rounded, c.dateRank, c.matchScore, best[at - 1]!)) at--;
      best.splice(at, 0, c);
      if (best.length > top) best.pop();
    }
    for (const c of best) {
      c.terms = termsOf(query, matches.matched, matches.words, c.doc);
      const about = termsOf(query, matches.strong, matches.words, c.doc);
      c.aboutCoverage = coverage(query, about);
      c.evidence = this.evidence(query, c.terms, about);
    }
    return { total, best };
  }

  /**
   * A query of one Han character (猫) also finds the words that start with
   * it (猫弟, 猫咪) in titles, summaries and bodies, not only the character
   * itself in the lowest-ranked field; but not a character that starts
   * more words than that (人, 大, 水: 570–1,800 on the real 10.7k archive,
   * against ~200 for 猫, 酒, 狗), whose expansion matches nearly every
   * article and took 60–190 ms instead of 2–15 ms.
   */
  private wordStart(query: ParsedQuery): string | undefined {
    const [only] = query.tokens;
    if (query.tokens.length !== 1 || isLatinToken(only!) || [...only!].length !== 1) return undefined;
    return this.scorer.termsStartingWith(only!, MAX_WORDS_PER_CHARACTER) <= MAX_WORDS_PER_CHARACTER ? only : undefined;
  }

  /**
   * How surprising it is that one article matches these words of the
   * query: the sum, over the query's words it matched, of their self-
   * information in this archive (log2 of articles ÷ articles that use the
   * word), counted whole where the article is about the word (title,
   * summary, the words its body keeps using) and at {@link MENTION_EVIDENCE}
   * where its body only mentions it. Matching 葛夕, 刘爽 and 裤衩 together
   * is no accident; matching 新手 and 浇水 in passing is.
   */
  private evidence(query: ParsedQuery, terms: string[], about: string[]): number {
    const all = wordShares(query, terms);
    const strong = wordShares(query, about);
    let bits = 0;
    query.words.forEach((w, i) => {
      const share = all[i]! ** 2;
      const aboutShare = strong[i]! ** 2;
      if (share > 0)
        bits += this.information(wordOf(query, w)) * (aboutShare + MENTION_EVIDENCE * (share - aboutShare));
    });
    return bits;
  }

  /** Self-information of a query word in this archive, in bits; a word it does not index whole counts as its rarest pair of characters. */
  private information(word: string): number {
    let df = this.infoMemo.get(word);
    if (df === undefined) {
      const chars = [...word];
      df = chars.length < 2 ? this.size / 5 : this.scorer.documentFrequency(word);
      if (df === 0) {
        // Not indexed whole (jieba cut it): at most as frequent as its rarest indexed pair.
        const pairs = chars
          .slice(0, -1)
          .map((c, j) => this.scorer.documentFrequency(c + chars[j + 1]!))
          .filter((n) => n > 0);
        df = pairs.length > 0 ? Math.min(...pairs) : 1;
      }
      if (this.infoMemo.size > 10_000) this.infoMemo.clear();
      this.infoMemo.set(word, df);
    }
    return Math.log2(Math.max(1, this.size) / Math.max(1, df));
  }

  private toHit(c: Candidate): SearchHit {
    return {
      article: this.library.at(c.position),
      score: c.score,
      matched: c.terms,
      coverage: c.coverage,
      aboutCoverage: c.aboutCoverage,
      evidence: c.evidence,
    };
  }
}

interface Candidate {
  position: number;
  score: number;
  rounded: number;
  coverage: number;
  aboutCoverage: number;
  evidence: number;
  dateRank: number;
  /** minisearch's score, before coverage: the tie-break of equal rounded scores and dates. */
  matchScore: number;
  /** Document number. */
  doc: number;
  /** Matched query terms. */
  terms: string[];
}

/**
 * Whether a candidate goes before `other`: a higher rounded score, then
 * (near-equal scores count as a tie) the more recent, then the higher
 * minisearch score. Full ties keep the order candidates were met in:
 * this is the order of a stable sort of minisearch's sorted results,
 * as the ranking was computed before it was done without minisearch.
 */
function before(rounded: number, dateRank: number, matchScore: number, other: Candidate): boolean {
  if (rounded !== other.rounded) return rounded > other.rounded;
  if (dateRank !== other.dateRank) return dateRank > other.dateRank;
  return matchScore > other.matchScore;
}

/** The query terms document `d` matched, in query order (bit `i` of its words: term `i`). */
function termsOf(query: ParsedQuery, matched: Uint32Array, words: number, d: number): string[] {
  return query.tokens.filter((_, i) => (matched[d * words + (i >> 5)]! >>> (i % 32)) & 1);
}

/**
 * Whether the best hit answers the query: it covers most of a short query
 * (nearly all of a query of two or three words), or a good part of a long
 * question including its weightiest word (a query about 周杰伦演唱会 is not
 * answered by an article about some 演唱会).
 */
function trustworthy(query: ParsedQuery, best: Candidate): boolean {
  const words = query.words.length;
  if (words < QUESTION_WORDS) return best.coverage >= (words >= 2 ? MIN_COVERAGE_FEW_WORDS : MIN_COVERAGE);
  return best.coverage >= MIN_COVERAGE_MANY_WORDS && mainWordCoverage(query, best.terms) > 0;
}

/**
 * Whether the best hit only mentions what the query asks about: it lacks
 * some of the query's words (an article with every word of it is shown:
 * every word of an article finds it), it is about less than half of the
 * query (its title, summary and the words its body keeps using cover
 * less), and what its body shares with the query is no stronger evidence
 * than one uncommon word (多肉 and 新手 named once for 「新手怎么养多肉，
 * 浇水多久一次」). Such a hit is no answer, not even a tentative one: the
 * reader is told 没有找到.
 */
function mentionedInPassing(best: Candidate, articles: number): boolean {
  return (
    best.coverage < WHOLE_QUERY &&
    best.aboutCoverage < ABOUT_ENOUGH &&
    best.evidence < PASSING_EVIDENCE * Math.log2(Math.max(2, articles))
  );
}

/**
 * Whether an untrusted best hit is still a fair guess: it covers half of
 * the query (a title with a word changed), a third of a query of several
 * words including some of its weightiest word, or a fair part of it and
 * either most of its weightiest word or — for a
 * description of many words, where a half-remembered article is told in
 * other words than it was written in — simply a fair part. An article that
 * shares only a common word with a short query (演唱会 for 周杰伦演唱会,
 * 世界 for 世界杯) is not.
 */
function plausible(query: ParsedQuery, best: Candidate): boolean {
  if (best.coverage >= MIN_COVERAGE) return true;
  if (best.coverage < PLAUSIBLE_COVERAGE) return false;
  const main = mainWordCoverage(query, best.terms);
  if (query.words.length >= 2 && best.coverage >= MIN_COVERAGE_MANY_WORDS && main > 0) return true;
  return query.words.length >= QUESTION_WORDS || main >= MIN_COVERAGE;
}

/** How much of the query's weightiest word these matched terms cover, 0..1. */
function mainWordCoverage(query: ParsedQuery, terms: string[]): number {
  if (query.words.length === 0) return 0;
  const main = query.words.reduce((a, b) => (b.weight > a.weight ? b : a));
  return coverage({ phrases: query.phrases, words: [main] }, terms);
}

/** The text of one query word. */
function wordOf(query: ParsedQuery, w: ParsedQuery["words"][number]): string {
  return [...query.phrases[w.phrase]!].slice(w.start, w.start + w.length).join("");
}

/** Two significant digits: scores that close are a tie. */
export function roundScore(score: number): number {
  if (score <= 0) return 0;
  const unit = 10 ** (Math.floor(Math.log10(score)) - 1);
  return Math.round(score / unit) * unit;
}

/** Many hits match the same query terms; compute each combination's coverage once. */
function memoCoverage(query: ParsedQuery, words: number): (matched: Uint32Array, d: number) => number {
  const memo = new Map<number | string, number>();
  return (matched, d) => {
    const key = words === 1 ? matched[d]! : matched.subarray(d * words, d * words + words).join(" ");
    let value = memo.get(key);
    if (value === undefined) memo.set(key, (value = coverage(query, termsOf(query, matched, words, d))));
    return value;
  };
}
