import { fileURLToPath } from "node:url";

/** Four articles: two plain, one whose title, summary and body are full of HTML and markdown, one full of emoji. */
export const HARDENING_LIBRARY = fileURLToPath(new URL("../fixtures/hardening/library/", import.meta.url));
