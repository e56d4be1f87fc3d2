// The floors of article-bot, top to bottom: a module imports only from its own floor or the floors below it, and
// nothing imports in a circle. Checked by `npm run lint` (depcruise) and by tests/architecture/floors.test.ts,
// which also proves these rules catch a back arrow and a circle. docs/architecture.md draws the same picture.
/** @type {Array<{ name: string, path: string }>} */
const FLOORS = [
  { name: "cli", path: "^(src/cli/|bin/)" },
  { name: "edges (adapters, push, observability, web, sync)", path: "^(adapters/|src/(push|observability|web|sync)/)" },
  { name: "bot (the request pipeline)", path: "^src/bot/" },
  { name: "catalog (the served snapshot)", path: "^src/catalog/" },
  { name: "search, zen, importer", path: "^src/(search|zen|importer)/" },
  { name: "library, store", path: "^src/(library|store)/" },
  {
    name: "ground (chat contract, config, env, clock, log, cron, net, util)",
    path: "^src/((chat|net|util)/|(config|env|clock|cron|log)\\.ts$)",
  },
];

const backArrows = FLOORS.slice(1).map((floor, i) => ({
  name: `floor-${i + 1}-imports-up`,
  comment: `${floor.name} imports from a floor above it (${FLOORS.slice(0, i + 1)
    .map((f) => f.name.split(" (")[0])
    .join(", ")})`,
  severity: "error",
  from: { path: floor.path },
  to: {
    path: FLOORS.slice(0, i + 1)
      .map((f) => f.path)
      .join("|"),
  },
}));

const ONE_OF_THE_FLOORS = FLOORS.map((f) => f.path).join("|");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "modules that import each other, directly or through others: no floor can be understood alone",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...backArrows,
    {
      name: "not-on-a-floor",
      comment:
        "a module outside every floor: add its folder to FLOORS in .dependency-cruiser.cjs and docs/architecture.md",
      severity: "error",
      from: { pathNot: ONE_OF_THE_FLOORS },
      to: {},
    },
    {
      name: "imports-what-is-on-no-floor",
      comment:
        "imports a module outside every floor: add its folder to FLOORS in .dependency-cruiser.cjs and docs/architecture.md",
      severity: "error",
      from: {},
      to: { pathNot: ONE_OF_THE_FLOORS },
    },
    {
      name: "core-knows-no-adapter",
      comment: "only the composition root (src/cli) knows which adapters exist",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^adapters/" },
    },
    {
      name: "adapters-apart",
      comment: "an adapter never imports another adapter",
      severity: "error",
      from: { path: "^adapters/([^/]+)/" },
      to: { path: "^adapters/", pathNot: "^adapters/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|tests|bench|deploy)/" },
    // `import type` is an arrow too: a circle of types still ties the modules together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Only our own modules are on floors; packages and node: built-ins are not checked.
    includeOnly: "^(src|adapters|bin)/",
  },
};
