// Front-end build: npm packages pinned by package-lock.json + static/src → static/dist.
// Plain Node, no bundler. Run by `make assets` after `npm ci`.
//
//   static/dist/tokens.css (+ .LICENSE)       DADS design tokens, vendored unchanged
//   static/dist/fonts/noto-sans-jp.css        Noto Sans JP 400 + 700, unicode-range slices, woff2 only
//   static/dist/fonts/files/*.woff2, LICENSE  the slices and the font's licence (OFL-1.1)
//   static/dist/app.css                       our component CSS (static/src/*.css, in name order)
//   static/dist/app.js, favicon.svg           our small script and the site icon (static/src)
//
// axe-core is not served: the browser tests read node_modules/axe-core/axe.min.js directly.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "static", "src");
const DIST = join(ROOT, "static", "dist");
const MODULES = join(ROOT, "node_modules");
const TOKENS_PKG = join(MODULES, "@digital-go-jp", "design-tokens");
const FONT_PKG = join(MODULES, "@fontsource", "noto-sans-jp");
const FONT_WEIGHTS = ["400", "700"];

function fail(message) {
  console.error(`build-assets: ${message}`);
  process.exit(1);
}

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fail(`cannot read ${path}; run \`npm ci\` first (make assets does).`);
  }
}

// Keep static/dist/.gitkeep; everything else is rebuilt from scratch so nothing stale survives.
function cleanDist() {
  mkdirSync(DIST, { recursive: true });
  for (const entry of readdirSync(DIST)) {
    if (entry !== ".gitkeep") {
      rmSync(join(DIST, entry), { recursive: true, force: true });
    }
  }
}

// Simple, safe minification: comments out, whitespace collapsed, no structural rewriting.
// Spaces around ":" are kept on purpose (".a :focus" and ".a:focus" differ).
function minifyCss(css) {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{};,>])\s*/g, "$1")
    .replace(/;}/g, "}")
    .trim();
}

function definedProperties(css) {
  return new Set([...css.matchAll(/(--[a-z0-9-]+)\s*:/gi)].map((m) => m[1]));
}

function usedProperties(css) {
  return new Set([...css.matchAll(/var\(\s*(--[a-z0-9-]+)/gi)].map((m) => m[1]));
}

function buildTokens() {
  const tokens = read(join(TOKENS_PKG, "dist", "tokens.css"));
  writeFileSync(join(DIST, "tokens.css"), tokens);
  copyFileSync(join(TOKENS_PKG, "LICENSE"), join(DIST, "tokens.css.LICENSE"));
  return tokens;
}

function buildFonts() {
  const fontDist = join(DIST, "fonts");
  const filesDist = join(fontDist, "files");
  mkdirSync(filesDist, { recursive: true });
  const parts = [];
  let copied = 0;
  for (const weight of FONT_WEIGHTS) {
    // Drop the woff fallbacks: every supported browser takes woff2, and a CSS reference to a
    // file we do not ship would break ManifestStaticFilesStorage's collectstatic.
    const css = read(join(FONT_PKG, `${weight}.css`)).replace(
      /,\s*url\(\.\/files\/[^)]*\.woff\) format\('woff'\)/g,
      "",
    );
    if (/\.woff\)/.test(css)) {
      fail(`${weight}.css still references .woff files; the package format changed`);
    }
    for (const match of css.matchAll(/url\(\.\/files\/([^)]+\.woff2)\)/g)) {
      copyFileSync(join(FONT_PKG, "files", match[1]), join(filesDist, match[1]));
      copied += 1;
    }
    parts.push(css);
  }
  writeFileSync(join(fontDist, "noto-sans-jp.css"), minifyCss(parts.join("\n")) + "\n");
  copyFileSync(join(FONT_PKG, "LICENSE"), join(fontDist, "LICENSE"));
  return copied;
}

function buildAppCss(tokens) {
  const sources = readdirSync(SRC)
    .filter((name) => name.endsWith(".css"))
    .sort();
  if (sources.length === 0) {
    fail("no CSS sources in static/src");
  }
  const css = sources.map((name) => read(join(SRC, name))).join("\n");
  // Catch a mistyped token name at build time instead of as a silently missing colour.
  const defined = new Set([...definedProperties(tokens), ...definedProperties(css)]);
  const missing = [...usedProperties(css)].filter((name) => !defined.has(name)).sort();
  if (missing.length > 0) {
    fail(`undefined custom properties in static/src: ${missing.join(", ")}`);
  }
  const banner = "/* SCS Registry design system (built from static/src by scripts/build-assets.mjs) */";
  writeFileSync(join(DIST, "app.css"), `${banner}\n${minifyCss(css)}\n`);
  return sources.length;
}

function buildAppJsAndIcon() {
  copyFileSync(join(SRC, "app.js"), join(DIST, "app.js"));
  copyFileSync(join(SRC, "favicon.svg"), join(DIST, "favicon.svg"));
}

cleanDist();
const tokens = buildTokens();
const fontFiles = buildFonts();
const cssFiles = buildAppCss(tokens);
buildAppJsAndIcon();
console.log(
  `build-assets: static/dist ready (tokens.css, ${cssFiles} CSS sources → app.css, app.js, favicon, ` +
    `${fontFiles} font slices)`,
);
