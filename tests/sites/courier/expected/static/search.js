// newsgen's search page. The archive is indexed in a few Pagefind bundles (a small head and
// sealed tiers, listed in tiers.json). Each is opened as its own Pagefind instance, searched
// with the same query, and the answers are merged here into what one index would return:
// superseded copies are dropped, a bundle's prefix fallback is dropped when another bundle has
// the word, every result is scored again with the archive's statistics, and a date sort
// interleaves the bundles by publication time.

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const BUNDLES = form.dataset.bundles;
// The site's own kinds of term that are filters have a select each, named as the kind, whose
// data-filter names its Pagefind filter and its menu in tiers.json. Fields are found with
// namedItem: a kind may be called "length", which form.elements[name] would not give.
const KINDS = [...form.querySelectorAll("select[data-filter]")];
const FIELDS = ["q", "section", "byline", "year", ...KINDS.map((select) => select.name), "sort"];
const FILTERS = { section: "section", byline: "author", year: "year",
  ...Object.fromEntries(KINDS.map((select) => [select.name, select.dataset.filter])) };
const PAGE = 10;
// The page's words for what the script says (search.html, in the page's language), with
// {count}, {words} and {byline} to fill.
const WORDS = status.dataset;
const say = (message, values = {}) =>
  message.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
// Pagefind's default ranking (k1, b, diacritic boost) with the title weighted as below.
const K1 = 1.4, B = 0.75, DIACRITIC = 0.8;
const RANKING = { metaWeights: { title: 5, date: 0 } };
const dates = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
  { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
let latest = 0, timer = 0, stream = null, shown = 0, count = 0;

async function open() {
  const response = await fetch(BUNDLES + "tiers.json", { cache: "no-cache" });
  if (!response.ok) return null;
  const listing = await response.json();
  if (!listing.tiers.length) return { listing, tiers: [] };
  const pagefind = await import(`${BUNDLES}${listing.runtime}/pagefind.js`);
  const make = (tier) => {
    const instance = pagefind.createInstance({
      basePath: `${BUNDLES}${tier.bundle}/`, noWorker: true, excerptLength: 30,
      metaCacheTag: tier.bundle, ranking: RANKING,
    });
    // Playground mode waits for the bundle to load, and makes results name their words.
    return instance.enterPlaygroundMode().then(() =>
      ({ instance, masked: new Set(tier.masked), level: tier.level }));
  };
  // All at once: every bundle's first requests go out together. The WebAssembly is fetched
  // and compiled once, by the first instance, for all of them (newsgen's copy of pagefind.js).
  return { listing, tiers: await Promise.all(listing.tiers.map(make)) };
}
const ready = open().catch((error) => { console.error(error); return null; });
ready.then((opened) => opened && facets(opened.listing.facets));

function params() {
  const url = new URLSearchParams(location.search);
  return Object.fromEntries(FIELDS.map((name) => [name, url.get(name) || ""]));
}

function facets(found) {
  const choice = params();
  for (const [field, key] of Object.entries(FILTERS)) {
    const select = form.elements.namedItem(field);
    for (const [value, count] of found[key] || []) {
      if (value === choice[field]) continue;  // already there, selected (see below)
      select.append(new Option(`${value} (${count})`, value));
    }
  }
}

function choose(values) {
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name);
    if (field.tagName === "SELECT" && values[name] &&
        ![...field.options].some((option) => option.value === values[name])) {
      field.append(new Option(values[name], values[name]));
    }
    field.value = values[name] || (name === "sort" ? "relevance" : "");
  }
}

function current() {
  const values = Object.fromEntries(
    FIELDS.map((name) => [name, form.elements.namedItem(name).value]));
  if (values.sort === "relevance") values.sort = "";
  return values;
}

function remember(values) {
  const url = new URL(location.href);
  for (const name of FIELDS) {
    if (values[name]) url.searchParams.set(name, values[name]); else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}

async function search(values) {
  const mine = ++latest;
  remember(values);
  const term = values.q.trim();
  const filters = {};
  for (const [field, key] of Object.entries(FILTERS)) if (values[field]) filters[key] = values[field];
  list.replaceChildren(); more.hidden = true; stream = null; shown = 0; count = 0;
  if (!term && !Object.keys(filters).length) { status.textContent = ""; return; }
  status.textContent = say(WORDS.searching);
  const opened = await ready;
  if (mine !== latest) return;
  if (!opened || !opened.tiers.length) {
    status.textContent = say(WORDS.nothingYet);
    return;
  }
  const byDate = values.sort === "date" || !term;
  const found = await gather(opened, term || null, filters, byDate);
  if (mine !== latest) return;
  count = found.length;
  const message = count === 0 ? (term ? WORDS.noneFor : WORDS.none)
    : count === 1 ? (term ? WORDS.oneFor : WORDS.one) : (term ? WORDS.manyFor : WORDS.many);
  status.textContent = say(message, { count, words: term });
  stream = byDate ? newestFirst(found) : bestFirst(found);
  await showMore(mine);
}

// Every bundle's answer, with superseded copies and fallback matches dropped; each result
// knows its bundle, its matched words and its score as one index would compute it.
async function gather(opened, term, filters, byDate) {
  const options = { filters, sort: byDate ? { date: "desc" } : {} };
  const ask = (query) => Promise.all(opened.tiers.map((tier) => tier.instance.search(query, options)));
  let answers = await ask(term);
  if (term === null) return live(opened, answers);
  const stems = answers.find((answer) => answer.search_keywords)?.search_keywords || [];
  const words = originals(term, stems.length);
  const found = live(opened, answers);
  // Pagefind matches a word and its extensions ("harbor" finds "harbors"); a bundle with no
  // extension falls back to the longest word that begins the query ("76" for "763"). One
  // index falls back only when no article has an extension, and then to the longest such
  // word among them all: so does this page, from the live articles of every bundle.
  const extended = await Promise.all(stems.map((stem) =>
    found.some((r) => extending(r.words, stem)) || probe(opened, stem, (w) => w.startsWith(stem))));
  let kept;
  if (extended.every(Boolean)) {
    kept = found.filter((r) => stems.every((stem) => extending(r.words, stem)));
  } else {
    const prefixes = await Promise.all(stems.map((stem, j) => extended[j] ? "" : longest(opened, stem)));
    if (prefixes.some((prefix, j) => !extended[j] && !prefix)) return [];
    const query = stems.map((stem, j) => extended[j] ? words[j] || stem : prefixes[j]).join(" ");
    answers = await ask(query);
    kept = live(opened, answers).filter((r) => stems.every((stem, j) =>
      extended[j] ? extending(r.words, stem) : r.words.includes(prefixes[j])));
  }
  if (!byDate) score(opened, answers, stems, words, kept);
  return kept;
}

function live(opened, answers) {
  const results = [];
  answers.forEach((answer, index) => {
    const tier = opened.tiers[index];
    answer.results.forEach((result, order) => {
      if (!tier.masked.has(result.id)) results.push({ result, tier: index, order, words: matched(result) });
    });
  });
  return results;
}

function matched(result) {
  return [...(result.scores || []).map((s) => s.search_term),
    ...(result.verbose_meta_scores || []).flatMap((m) => m.matched_terms)];
}

function extending(words, stem) {
  return words.some((word) => word.startsWith(stem));
}

// Whether any live article, in any bundle, has a word that passes `test`, searching `query`.
async function probe(opened, query, test) {
  return (await probeWords(opened, query)).some(test);
}

async function probeWords(opened, query) {
  const answers = await Promise.all(opened.tiers.map((tier) => tier.instance.search(query)));
  return live(opened, answers).flatMap((r) => r.words);
}

// The longest word of a live article that begins `stem` without being it, or "".
async function longest(opened, stem) {
  let best = "";
  for (let size = stem.length - 1; size > best.length; size--) {
    for (const word of await probeWords(opened, stem.slice(0, size))) {
      if (stem.startsWith(word) && word !== stem && word.length > best.length) best = word;
    }
  }
  return best;
}

// The query's words as Pagefind normalises them before stemming, for its diacritic boost.
function originals(term, count) {
  const words = term.toLocaleLowerCase().replace(/[\p{P}]/gu, "").split(/\s+/).filter(Boolean)
    .map((word) => word.normalize("NFD").replace(/\p{M}/gu, ""));
  return words.length === count ? words : [];
}

// BM25 as Pagefind computes it, with the whole archive's page count, mean page length and
// pages per query word in place of each bundle's own.
function score(opened, answers, stems, words, kept) {
  const pages = opened.listing.pages, mean = opened.listing.words / Math.max(1, pages);
  const containing = stems.map((_, j) => Math.min(pages, answers.reduce((sum, answer, index) => {
    const idf = answer.query_term_idfs?.[j]?.idf;
    const total = answer.results[0]?.params?.total_pages ?? opened.listing.tiers[index].size;
    if (idf === undefined || !total) return sum;
    const ratio = Math.exp(idf) - 1;  // idf = ln((N - n + 0.5) / (n + 0.5) + 1), solved for n
    const n = Math.round((total + 0.5 - 0.5 * ratio) / (ratio + 1));
    // A bundle counts its superseded copies too; take away those that matched the query.
    const masked = opened.tiers[index].masked;
    return sum + Math.max(0, n - answer.results.filter((r) => masked.has(r.id)).length);
  }, 0)));
  const idf = containing.map((n) => Math.log((pages - n + 0.5) / (n + 0.5) + 1));
  const totalIdf = idf.reduce((a, b) => a + b, 0);
  const termOf = (word) => {
    const j = stems.findIndex((stem) => word.startsWith(stem));
    return j >= 0 ? j : Math.max(0, stems.findIndex((stem) => stem.startsWith(word)));
  };
  for (const entry of kept) {
    const { result } = entry;
    const length = result.params?.document_length ?? mean;
    let total = 0;
    for (const s of result.scores || []) {
      const j = termOf(s.search_term);
      const x = s.params.weighted_term_frequency * s.params.length_bonus;
      const tf = (K1 + 1) * x / (K1 * (1 - B + B * (length / mean)) + x);
      const original = words[j] || "";
      const boost = original && (s.search_term.startsWith(original) ||
        original.startsWith(s.search_term)) ? 1 + DIACRITIC : 1;
      total += idf[j] * tf * boost;
    }
    for (const meta of result.verbose_meta_scores || []) {
      const matched = [...new Set(meta.matched_terms)].reduce((sum, w) => sum + idf[termOf(w)], 0);
      const coverage = totalIdf > 0 ? matched / totalIdf : 0;
      total += meta.field_weight * matched * coverage * coverage;
    }
    entry.score = total;
  }
}

async function* bestFirst(found) {
  found.sort((a, b) => b.score - a.score || a.tier - b.tier || a.order - b.order);
  for (let start = 0; start < found.length; start += PAGE) {
    yield* await Promise.all(found.slice(start, start + PAGE).map((entry) => entry.result.data()));
  }
}

// Each bundle answers newest first; the next result is the newest of their heads, by the
// publication time each record carries (its `when` filter), then by address.
async function* newestFirst(found) {
  const queues = new Map();
  for (const entry of found) {
    if (!queues.has(entry.tier)) queues.set(entry.tier, []);
    queues.get(entry.tier).push(entry);
  }
  const heads = new Map();
  const head = (tier) => {
    if (!heads.has(tier)) heads.set(tier, queues.get(tier).shift().result.data());
    return heads.get(tier);
  };
  while (true) {
    const live = [...queues.keys()].filter((tier) => heads.has(tier) || queues.get(tier).length);
    if (!live.length) return;
    const loaded = await Promise.all(live.map(head));
    let best = 0;
    loaded.forEach((data, index) => { if (later(data, loaded[best])) best = index; });
    heads.delete(live[best]);
    yield loaded[best];
  }
}

function later(a, b) {
  const when = (data) => (data.filters?.when || [""])[0];
  return when(a) > when(b) || (when(a) === when(b) && a.url < b.url);
}

async function showMore(mine) {
  const batch = [];
  while (batch.length < PAGE) {
    const next = await stream.next();
    if (mine !== latest) return;
    if (next.done) break;
    batch.push(next.value);
  }
  shown += batch.length;
  list.append(...batch.map(item));
  more.hidden = batch.length < PAGE || shown >= count;
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "search-result-meta";
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date;
    time.textContent = dates.format(new Date(data.meta.date + "T00:00:00Z"));
    meta.append(time);
  }
  const byline = data.meta.byline && say(WORDS.by, { byline: data.meta.byline });
  for (const text of [data.meta.section, byline]) {
    if (text) meta.append(meta.childNodes.length ? " · " : "", text);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.innerHTML = data.excerpt;  // Pagefind's text, escaped, with <mark> around matches
  li.append(heading, meta, excerpt);
  return li;
}

form.addEventListener("submit", (event) => { event.preventDefault(); search(current()); });
form.addEventListener("change", (event) => {
  if (event.target !== input) search(current());
});
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => search(current()), 250);
});
more.addEventListener("click", () => showMore(latest));
const initial = params();
choose(initial);
if (FIELDS.some((name) => name !== "sort" && initial[name])) search(current());
