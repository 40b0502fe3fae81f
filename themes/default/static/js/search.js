// Search page: loads the Pagefind bundle on first use and lists what matches.
// Results are built with DOM methods only; Pagefind's excerpt HTML is parsed inertly and only
// its text and <mark> highlights are kept.
const form = document.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const more = document.querySelector(".search-more");
const PAGE_SIZE = 10;
const KINDS = { Source: "kind_source", Event: "kind_event" }; // the index's kinds (search_index.py)

let pagefind = null; // the promise of the loaded engine, shared by every search
let shown = [];
let pending = [];

async function load() {
  const pf = await import(form.dataset.pagefindBundle);
  // Record URLs already carry the site's base path.
  const options = { baseUrl: "/", excerptLength: 24 };
  await pf.options(options);
  await pf.init();
  // A large site's index is written in parts: merged here, and one search ranks them all together.
  const parts = (form.dataset.pagefindMerge || "").split(" ").filter(Boolean);
  await Promise.all(parts.map((part) => pf.mergeIndex(part, options)));
  return pf;
}

function engine() {
  if (!pagefind) pagefind = load();
  return pagefind;
}

function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = `search-result search-result-${(data.meta.kind || "page").toLowerCase()}`;
  const kind = document.createElement("span");
  kind.className = "search-kind";
  kind.textContent = siteWords.text(KINDS[data.meta.kind] || "kind_page");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const heading = document.createElement("h2");
  heading.append(link);
  const date = document.createElement("p");
  date.className = "search-date";
  date.textContent = data.meta.date || "";
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(...excerptNodes(data.excerpt || ""));
  item.append(kind, heading, date, excerpt);
  return item;
}

async function showMore() {
  const batch = pending.splice(0, PAGE_SIZE);
  const data = await Promise.all(batch.map((r) => r.data()));
  list.append(...data.map(resultItem));
  shown = shown.concat(data);
  more.hidden = pending.length === 0;
}

async function run(query) {
  query = query.trim();
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  status.textContent = siteWords.text("searching");
  let pf;
  try {
    pf = await engine();
  } catch (error) {
    // The index is written by `site-builder build`; a preview without it says so instead of failing.
    status.textContent = siteWords.text("no_search");
    pagefind = null;
    return;
  }
  const search = await pf.debouncedSearch(query, {}, 200);
  if (search === null) return; // a newer query superseded this one
  list.replaceChildren();
  shown = [];
  pending = search.results.slice();
  const count = search.results.length;
  status.textContent = count === 0 ? siteWords.text("nothing_found", { query })
    : siteWords.count("results", count, { num: count, query });
  await showMore();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value);
});
input.addEventListener("input", () => run(input.value));
more.addEventListener("click", showMore);

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
