// The review gallery: project picker, asset list, virtualised variant grid, inspector, compare, jobs.
import { api, paths, fileUrl, ApiError } from "./api.js";
import { VirtualGrid } from "./grid.js";

const PAGE = 200;
const $ = (id) => document.getElementById(id);
const state = {
  projects: [], projectId: null, assets: [], assetId: null, chips: [], groups: [],
  filter: "all", counts: {}, primaryId: null, pages: new Set(), generation: 0,
  undo: [], // this session's changes, newest last: {assetId, variantId, changeId}
  tileRepeat: false, // tileable variants: show the 3x3 repeat instead of the single tile
};
let compare = null;
let jobs = null;
let exceptions = null;

export const SHORTCUTS = [
  ["← → ↑ ↓", "move between variants"],
  ["Home / End", "first / last variant"],
  ["Enter / o", "open the original at full size"],
  ["a", "approve"],
  ["r", "reject"],
  ["n", "needs regeneration"],
  ["p", "mark as primary (one per asset)"],
  ["1 – 9", "toggle the numbered tag chip"],
  ["Shift+0 – 5", "rating"],
  ["x / Space", "mark for compare (up to 4)"],
  ["c", "compare marked variants (or this and the next)"],
  ["b / + / − / 0", "in compare: background, zoom, fit"],
  ["u", "undo your last change"],
  ["e", "write a review note (Ctrl+Enter saves, Esc leaves)"],
  ["t", "add a free tag"],
  ["[ / ]", "previous / next asset"],
  ["f", "cycle the status filter"],
  ["g", "tiles: toggle the 3×3 repeat"],
  ["?", "this help"],
  ["Esc", "close overlays"],
];

const grid = new VirtualGrid($("grid"), $("grid-canvas"), {
  onActivate: (i) => { select(i); reveal(); $("grid").focus({ preventScroll: true }); },
  onOpen: (i) => { select(i); openViewer(); },
  onToggleMark: (i) => toggleMark(i),
  onNeedPage: (i) => loadPage(Math.floor(i / PAGE) * PAGE),
});

function reviewer() { return ($("reviewer").value || "").trim() || "reviewer"; }

function toast(text, kind = "info") {
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = text;
  $("toasts").append(el);
  setTimeout(() => el.remove(), kind === "error" ? 6000 : 3000);
}

async function guarded(fn) {
  try { return await fn(); } catch (err) {
    toast(err instanceof ApiError ? err.message : String(err), "error");
    return null;
  }
}

// ---- URL state ------------------------------------------------------------------------------
function readHash() {
  const m = location.hash.match(/^#\/p\/([^/]+)(?:\/a\/([^/]+))?(?:\/v\/([^/]+))?/);
  return m ? { p: decodeURIComponent(m[1]), a: m[2] && decodeURIComponent(m[2]), v: m[3] && decodeURIComponent(m[3]) } : {};
}
function writeHash() {
  const item = current();
  let h = `#/p/${encodeURIComponent(state.projectId || "")}`;
  if (state.assetId) h += `/a/${encodeURIComponent(state.assetId)}`;
  if (item) h += `/v/${encodeURIComponent(item.id)}`;
  history.replaceState(null, "", h);
}

// ---- projects and assets --------------------------------------------------------------------
async function loadProjects() {
  const data = await api(paths.projects());
  state.projects = data.projects || [];
  const sel = $("project");
  sel.replaceChildren(...state.projects.map((p) => new Option(p, p)));
  // the URL names a project; else the one worked on last (e.g. by `make demo`); else the last one opened here
  const wanted = [readHash().p, data.mostRecent, localStorage.getItem("assetgen.project")]
    .find((p) => state.projects.includes(p));
  const pick = state.projects.includes(wanted) ? wanted : state.projects[0];
  if (!pick) { $("asset-title").textContent = "No projects yet"; ready(); return; }
  sel.value = pick;
  await openProject(pick, readHash());
}

async function openProject(projectId, hint = {}) {
  state.projectId = projectId;
  localStorage.setItem("assetgen.project", projectId);
  const [config, assets] = await Promise.all([api(paths.config(projectId)), api(paths.assets(projectId))]);
  state.groups = config.tagGroups || [];
  state.chips = state.groups.flatMap((g) => g.tags.map((t) => ({ ...t, group: g.id, exclusive: g.exclusive })));
  state.assets = assets.assets || [];
  renderAssets();
  jobs?.start(projectId);
  exceptions?.start(projectId);
  const pick = state.assets.find((a) => a.id === hint.a) || state.assets[0];
  if (pick) await openAsset(pick.id, hint.v);
  else { $("asset-title").textContent = "No assets yet"; grid.reset(0); $("grid-empty").hidden = false; ready(); }
}

function renderAssets() {
  $("asset-count").textContent = String(state.assets.length);
  $("asset-list").replaceChildren(...state.assets.map((a) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.className = "asset" + (a.id === state.assetId ? " is-current" : "");
    b.setAttribute("aria-current", String(a.id === state.assetId));
    b.dataset.asset = a.id;
    const c = a.counts || {};
    b.setAttribute("aria-label", `${a.title || a.id}: ${c.total} variants, ${c.candidate} candidates, ${c.selected} approved, ${c.rejected} rejected, ${c.needsRegeneration} to regenerate`);
    const img = document.createElement("img");
    img.className = "asset-thumb checker";
    img.alt = "";
    img.loading = "lazy";
    if (a.thumbnailPath) img.src = fileUrl(a.thumbnailPath);
    const text = document.createElement("span");
    text.className = "asset-text";
    const name = document.createElement("span");
    name.className = "asset-name";
    name.textContent = a.title || a.id;
    const counts = document.createElement("span");
    counts.className = "counts";
    for (const [key, cls, label] of [["candidate", "c", "candidates"], ["selected", "ok", "approved"], ["rejected", "no", "rejected"], ["needsRegeneration", "re", "to regenerate"]]) {
      const s = document.createElement("span");
      s.className = `count ${cls}`;
      s.title = label;
      s.textContent = String(c[key] ?? 0);
      counts.append(s);
    }
    text.append(name, counts);
    b.append(img, text);
    b.addEventListener("click", () => { openAsset(a.id); setAssetsOpen(false); });
    li.append(b);
    return li;
  }));
}

async function openAsset(assetId, variantId) {
  state.assetId = assetId;
  for (const b of document.querySelectorAll(".asset")) {
    b.classList.toggle("is-current", b.dataset.asset === assetId);
    b.setAttribute("aria-current", String(b.dataset.asset === assetId));
  }
  const summary = state.assets.find((a) => a.id === assetId);
  $("asset-title").textContent = summary?.title || assetId;
  $("asset-sub").textContent = `${assetId}${summary?.specId ? " · spec " + summary.specId : ""} · ${summary?.versions ?? 0} version(s)`;
  await reloadVariants(variantId);
}

async function reloadVariants(variantId) {
  state.generation += 1;
  state.pages = new Set();
  const page = await fetchPage(0);
  if (!page) return;
  grid.reset(page.total);
  $("grid-empty").hidden = page.total > 0;
  applyPage(page);
  let index = 0;
  if (variantId) {
    const found = page.variants.find((v) => v.id === variantId);
    if (found) index = page.variants.indexOf(found);
  }
  grid.moveTo(index);
  select(index);
  ready();
}

async function fetchPage(offset) {
  const gen = state.generation;
  state.pages.add(offset);
  const page = await guarded(() => api(paths.variants(state.projectId, state.assetId, offset, PAGE, state.filter)));
  return gen === state.generation ? page : null;
}

async function loadPage(offset) {
  if (state.pages.has(offset)) return;
  const page = await fetchPage(offset);
  if (page) applyPage(page);
}

function applyPage(page) {
  state.counts = page.counts;
  state.primaryId = page.primaryVariantId;
  renderCounts();
  grid.setPage(page.offset, page.variants);
}

function renderCounts() {
  const c = state.counts || {};
  for (const el of document.querySelectorAll("[data-count]")) {
    const key = el.dataset.count === "needs_regeneration" ? "needsRegeneration" : el.dataset.count;
    el.textContent = String(c[key] ?? 0);
  }
  const summary = state.assets.find((a) => a.id === state.assetId);
  if (summary) {
    summary.counts = c;
    summary.primaryVariantId = state.primaryId;
    const btn = document.querySelector(`.asset[data-asset="${CSS.escape(summary.id)}"] .counts`);
    if (btn) {
      const spans = btn.querySelectorAll(".count");
      ["candidate", "selected", "rejected", "needsRegeneration"].forEach((k, i) => { spans[i].textContent = String(c[k] ?? 0); });
    }
  }
  $("bg-all-btn").disabled = !c.selected;
  $("pack-btn").disabled = !c.selected;
}

function ready() {
  if (!window.__galleryReady) {
    window.__galleryReady = true;
    window.__galleryReadyAt = performance.now();
  }
}

// ---- selection and the inspector ------------------------------------------------------------
function current() { return grid.items[grid.cursor]; }

/** On a phone the inspector is a bottom sheet: show it when the reviewer picks a variant. */
function reveal() { document.body.classList.add("has-selection"); }

function select(index) {
  grid.moveTo(index);
  renderInspector();
  writeHash();
}

function renderInspector() {
  const item = current();
  const insp = $("inspector");
  if (!item) { insp.hidden = true; return; }
  insp.hidden = false;
  $("insp-title").textContent = item.id;
  const statusText = { candidate: "candidate", selected: "approved", rejected: "rejected", needs_regeneration: "needs regeneration" }[item.status];
  $("insp-sub").textContent = `${statusText}${item.isPrimary ? " · ★ primary" : ""} · ${item.versionId} · #${item.index + 1} of ${grid.total}`;
  $("insp-sub").className = `small st-text-${item.status}`;
  const img = $("insp-img");
  const src = fileUrl(item.originalPath);
  if (img.getAttribute("src") !== src) img.src = src;
  img.alt = `Original of variant ${item.id}`;
  renderTile(item, src);
  for (const b of document.querySelectorAll(".decisions [data-act]")) {
    const act = b.dataset.act;
    const on = (act === "approve" && item.status === "selected") || (act === "reject" && item.status === "rejected") ||
      (act === "needs_regeneration" && item.status === "needs_regeneration") || (act === "primary" && item.isPrimary);
    b.classList.toggle("on", on);
    if (act !== "undo") b.setAttribute("aria-pressed", String(on));
  }
  renderStars(item);
  renderChips(item);
  if (document.activeElement !== $("note")) { $("note").value = item.reviewNote || ""; $("note-state").textContent = ""; }
  $("bg-one-btn").disabled = !item.isEligible;
  $("eligible").textContent = item.isEligible
    ? (item.alphaPath ? "✓ alpha ready · eligible for packing" : "✓ eligible for background removal and packing")
    : "approve to enable background removal and packing";
  $("eligible").className = "small " + (item.isEligible ? "ok-text" : "dim");
  renderMeta(item);
  renderHistory(item);
}

function seamText(item) {
  const seam = item.seam || {};
  const checks = item.quality?.checks || {};
  const parts = ["x", "y"].map((axis) => {
    const ratio = seam[axis] ?? checks[`seam_${axis}`]?.value;
    return ratio === undefined || ratio === null ? null : `${axis} ${Number(ratio).toFixed(3)}`;
  }).filter(Boolean);
  if (!parts.length) return { text: "seam not measured", cls: "dim" };
  const plain = seam.fullBleed === false ? " · plain border" : "";
  const worst = Math.max(...["x", "y"].map((a) => Number(seam[a] ?? checks[`seam_${a}`]?.value ?? 0)));
  const failed = seam.fullBleed === false || Object.entries(checks).some(([k, c]) => k.startsWith("seam_") && !c.passed);
  return { text: `seam ratio ${parts.join(" · ")}${plain}`, cls: failed || worst > 1.15 ? "no-text" : "ok-text" };
}

function renderTile(item, src) {
  const tiling = item.metadata?.tiling;
  const on = Boolean(tiling) && state.tileRepeat;
  $("tile-row").hidden = !tiling;
  $("tile-toggle").classList.toggle("on", on);
  $("tile-toggle").setAttribute("aria-pressed", String(on));
  $("insp-img").hidden = on;
  const tile = $("insp-tile");
  tile.hidden = !on;
  if (on) {
    tile.style.backgroundImage = `url("${src}")`;
    tile.setAttribute("aria-label", `Variant ${item.id} repeated 3×3`);
  }
  if (tiling) {
    const { text, cls } = seamText(item);
    $("tile-seam").textContent = `${text} (tileable ${tiling.axes})`;
    $("tile-seam").className = `small ${cls}`;
  }
}

function toggleTileRepeat() {
  const item = current();
  if (!item?.metadata?.tiling) return;
  state.tileRepeat = !state.tileRepeat;
  renderTile(item, fileUrl(item.originalPath));
}

function renderStars(item) {
  const wrap = $("stars");
  wrap.replaceChildren(...[1, 2, 3, 4, 5].map((n) => {
    const b = document.createElement("button");
    b.className = "star" + ((item.rating || 0) >= n ? " on" : "");
    b.textContent = "★";
    b.setAttribute("aria-label", `Rate ${n} of 5`);
    b.setAttribute("aria-pressed", String((item.rating || 0) >= n));
    b.addEventListener("click", () => act("rating", { rating: item.rating === n ? 0 : n }));
    return b;
  }));
}

function renderChips(item) {
  let n = 0;
  $("chips").replaceChildren(...state.groups.map((g) => {
    const row = document.createElement("div");
    row.className = "chip-group";
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", `${g.label}${g.exclusive ? " (pick one)" : ""}`);
    const label = document.createElement("span");
    label.className = "chip-label";
    label.textContent = g.label + (g.exclusive ? " ·1" : "");
    row.append(label);
    for (const t of g.tags) {
      n += 1;
      const on = item.tags.includes(t.id);
      const b = document.createElement("button");
      b.className = "chip" + (on ? " on" : "") + (g.exclusive ? " excl" : "");
      b.dataset.tag = t.id;
      b.setAttribute("aria-pressed", String(on));
      b.setAttribute("aria-label", `Tag ${t.label} (${g.label})${n <= 9 ? `, key ${n}` : ""}`);
      if (n <= 9) {
        const k = document.createElement("kbd");
        k.textContent = String(n);
        b.append(k);
      }
      b.append(document.createTextNode(t.label));
      b.addEventListener("click", () => act("tags", { toggle: t.id }));
      row.append(b);
    }
    return row;
  }));
  const known = new Set(state.chips.map((c) => c.id));
  $("free-tags").replaceChildren(...item.tags.filter((t) => !known.has(t)).map((t) => {
    const b = document.createElement("button");
    b.className = "chip on free";
    b.textContent = `${t} ×`;
    b.setAttribute("aria-label", `Remove tag ${t}`);
    b.addEventListener("click", () => act("tags", { remove: [t] }));
    return b;
  }));
}

function shortHash(h) { return h ? String(h).slice(0, 12) + "…" : "—"; }

function renderMeta(item) {
  const m = item.metadata || {};
  const rows = [
    ["Seed", item.seed ?? m.seed],
    ["Prompt", m.positive],
    ["Negative", m.negative],
    ["Model", m.checkpoint ? `${m.checkpoint.file || m.checkpoint.id}` : null],
    ["Model hash", m.checkpoint?.sha256 ? shortHash(m.checkpoint.sha256) : null, m.checkpoint?.sha256],
    ["LoRAs", (m.loras || []).map((l) => `${l.file || l.loraId} @${l.strengthModel ?? "?"} (${shortHash(l.sha256)})`).join("\n") || "none"],
    ["Sampler", m.sampler ? `${m.sampler}/${m.scheduler} · ${m.steps} steps · cfg ${m.cfg}` : null],
    ["Size", m.width ? `${m.width}×${m.height}` : null],
    ["Prompt hash", m.promptPackageHash ? shortHash(m.promptPackageHash) : null, m.promptPackageHash],
    ["Seed policy", m.seedPolicy],
    ["Job", m.jobId],
  ].filter(([, v]) => v !== undefined && v !== null && v !== "");
  $("meta").replaceChildren(...rows.flatMap(([k, v, full]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = String(v);
    if (full) dd.title = full;
    return [dt, dd];
  }));
}

function renderHistory(item) {
  const events = (item.reviewHistory || []).slice(-12).reverse();
  $("history").replaceChildren(...events.map((e) => {
    const li = document.createElement("li");
    const when = e.at ? new Date(e.at).toLocaleString() : "";
    const what = e.action === "undo" ? e.note : `${e.action}${e.field === "tags" ? "" : e.after != null && e.field !== "primary" ? ` → ${String(e.after).slice(0, 40)}` : ""}`;
    li.textContent = `${what} · ${e.by} · ${when}`;
    return li;
  }));
  if (!events.length) $("history").innerHTML = "<li class='dim'>No decisions yet.</li>";
}

// ---- actions --------------------------------------------------------------------------------
async function act(action, payload = {}, target = current()) {
  if (!target) return;
  const assetId = state.assetId;
  const body = { by: reviewer(), ...payload };
  let route = action;
  if (["approve", "reject", "needs_regeneration", "reset"].includes(action)) { route = "decision"; body.decision = action; }
  const result = await guarded(() => api(paths.variant(state.projectId, assetId, target.id, route), { method: "POST", body }));
  if (!result || assetId !== state.assetId) return result;
  applyResult(result);
  if (result.changeId) state.undo.push({ assetId, variantId: target.id, changeId: result.changeId });
  return result;
}

function applyResult(result) {
  const v = result.variant;
  const index = grid.items.findIndex((x) => x && x.id === v.id);
  if (index >= 0) grid.setItem(index, v);
  if (result.primaryVariantId !== state.primaryId || result.changedVariantIds?.length) {
    grid.items.forEach((x, i) => {
      if (x && x.id !== v.id && x.isPrimary !== (x.id === result.primaryVariantId)) {
        grid.setItem(i, { ...x, isPrimary: x.id === result.primaryVariantId });
      }
    });
  }
  state.counts = result.counts;
  state.primaryId = result.primaryVariantId;
  renderCounts();
  compare?.update(v);
  if (current()?.id === v.id) renderInspector();
}

async function undo() {
  const last = state.undo.pop();
  const item = current();
  if (!last && !item) return;
  const target = last && last.assetId === state.assetId ? last : null;
  const variantId = target ? target.variantId : item.id;
  const result = await guarded(() => api(paths.variant(state.projectId, state.assetId, variantId, "undo"), {
    method: "POST", body: { by: reviewer(), ...(target ? { changeId: target.changeId } : {}) },
  }));
  if (result) { applyResult(result); toast(`Undone on ${variantId}`); }
  else if (last) state.undo.push(last);
}

async function saveNote() {
  const item = current();
  const text = $("note").value;
  if (!item || (item.reviewNote || "") === text.trim()) return;
  $("note-state").textContent = "saving…";
  const r = await act("note", { note: text }, item);
  $("note-state").textContent = r ? "saved" : "not saved";
}

function toggleMark(index) {
  const item = grid.items[index];
  if (!item) return;
  if (grid.marked.has(item.id)) grid.marked.delete(item.id);
  else {
    grid.marked.add(item.id);
    if (grid.marked.size > 4) grid.marked.delete(grid.marked.values().next().value);
  }
  $("marked-count").textContent = String(grid.marked.size);
  grid.refresh();
}

async function openCompare() {
  const { Compare } = await import("./compare.js");
  compare ||= new Compare($("compare"), { onActivate: (item) => focusVariant(item.id) });
  let items = grid.items.filter((x) => x && grid.marked.has(x.id));
  if (items.length < 2) {
    const i = grid.cursor;
    items = [grid.items[i], grid.items[i + 1] || grid.items[i - 1]].filter(Boolean);
  }
  if (items.length) compare.open(items, Math.max(0, items.findIndex((x) => x.id === current()?.id)));
}

async function openViewer() {
  const { Compare } = await import("./compare.js");
  compare ||= new Compare($("compare"), { onActivate: (item) => focusVariant(item.id) });
  if (current()) compare.open([current()], 0);
}

function focusVariant(variantId) {
  const i = grid.items.findIndex((x) => x && x.id === variantId);
  if (i >= 0) select(i);
}

async function startJobs(kind) {
  const item = current();
  const p = state.projectId, a = state.assetId;
  let result;
  if (kind === "regen") {
    const answer = prompt("Regenerate this asset with new seeds. How many variants? (empty = the spec's default)", "");
    if (answer === null) return;
    const n = parseInt(answer, 10);
    result = await guarded(() => api(paths.asset(p, a, "regenerate"), { method: "POST", body: { by: reviewer(), ...(n > 0 ? { variants: n } : {}) } }));
  } else if (kind === "bg-one" && item) {
    result = await guarded(() => api(paths.variant(p, a, item.id, "bg-remove"), { method: "POST", body: { by: reviewer() } }));
  } else if (kind === "bg-all") {
    result = await guarded(() => api(paths.asset(p, a, "bg-remove"), { method: "POST", body: { by: reviewer() } }));
  } else if (kind === "autopilot") {
    if (!confirm("Run autopilot on every autopilot-ready spec of this project?")) return;
    result = await guarded(() => api(paths.autopilot(p), { method: "POST", body: {} }));
  } else if (kind === "pack") {
    result = await guarded(() => api(paths.asset(p, a, "pack"), { method: "POST", body: { by: reviewer() } }));
  }
  if (!result) return;
  for (const job of result.jobs) jobs?.track(job);
  const skipped = result.skipped?.length ? `, ${result.skipped.length} skipped` : "";
  toast(result.jobs.length ? `Queued ${result.jobs.length} ${result.jobs[0].type} job(s)${skipped}` : `Nothing to queue${skipped}`);
}

// ---- keyboard -------------------------------------------------------------------------------
const FILTERS = ["all", "candidate", "selected", "rejected", "needs_regeneration"];

function setFilter(filter) {
  state.filter = filter;
  for (const b of document.querySelectorAll(".filters [data-filter]")) b.setAttribute("aria-checked", String(b.dataset.filter === filter));
  reloadVariants();
}

function onKey(e) {
  const typing = e.target.closest?.("input, textarea, select");
  if (typing) {
    if (e.key === "Escape") { e.target.blur(); $("grid").focus({ preventScroll: true }); }
    if (e.target.id === "note" && e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); saveNote(); }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (!$("help").hidden) { if (e.key === "Escape" || e.key === "?") { showHelp(false); e.preventDefault(); } return; }
  if (compare?.isOpen) {
    if (compare.key(e)) { e.preventDefault(); return; }
  }
  const item = compare?.isOpen ? compare.current : current();
  const cols = grid.cols;
  const digit = /^Digit([0-9])$/.exec(e.code);
  if (e.shiftKey && digit && Number(digit[1]) <= 5) { e.preventDefault(); act("rating", { rating: Number(digit[1]) }, item); return; }
  const handlers = {
    ArrowRight: () => select(grid.cursor + 1),
    ArrowLeft: () => select(grid.cursor - 1),
    ArrowDown: () => select(grid.cursor + cols),
    ArrowUp: () => select(grid.cursor - cols),
    Home: () => select(0),
    End: () => select(grid.total - 1),
    PageDown: () => select(grid.cursor + cols * 4),
    PageUp: () => select(grid.cursor - cols * 4),
    Enter: () => openViewer(),
    o: () => openViewer(),
    a: () => act("approve", {}, item),
    r: () => act("reject", {}, item),
    n: () => act("needs_regeneration", {}, item),
    p: () => act("primary", {}, item),
    u: () => undo(),
    x: () => toggleMark(grid.cursor),
    " ": () => toggleMark(grid.cursor),
    c: () => openCompare(),
    e: () => $("note").focus(),
    t: () => $("free-tag").focus(),
    f: () => setFilter(FILTERS[(FILTERS.indexOf(state.filter) + 1) % FILTERS.length]),
    g: () => toggleTileRepeat(),
    "?": () => showHelp(true),
    "[": () => stepAsset(-1),
    "]": () => stepAsset(1),
    Escape: () => setAssetsOpen(false),
  };
  const handler = handlers[e.key];
  if (handler) { e.preventDefault(); handler(); if (e.key.startsWith("Arrow")) reveal(); return; }
  if (/^[1-9]$/.test(e.key)) {
    const chip = state.chips[Number(e.key) - 1];
    if (chip && item) { e.preventDefault(); act("tags", { toggle: chip.id }, item); }
  }
}

function stepAsset(delta) {
  const i = state.assets.findIndex((a) => a.id === state.assetId);
  const next = state.assets[i + delta];
  if (next) openAsset(next.id);
}

function showHelp(open) {
  $("help").hidden = !open;
  if (open) $("help-close").focus();
  else $("grid").focus({ preventScroll: true });
}

function setAssetsOpen(open) {
  document.body.classList.toggle("assets-open", open);
  $("assets-toggle").setAttribute("aria-expanded", String(open));
}

// ---- wiring ---------------------------------------------------------------------------------
function wire() {
  $("reviewer").value = localStorage.getItem("assetgen.reviewer") || "";
  $("reviewer").addEventListener("change", () => localStorage.setItem("assetgen.reviewer", $("reviewer").value.trim()));
  $("project").addEventListener("change", (e) => { grid.marked.clear(); openProject(e.target.value); });
  $("assets-toggle").addEventListener("click", () => setAssetsOpen(!document.body.classList.contains("assets-open")));
  for (const b of document.querySelectorAll(".filters [data-filter]")) b.addEventListener("click", () => setFilter(b.dataset.filter));
  for (const b of document.querySelectorAll(".decisions [data-act]")) {
    b.addEventListener("click", () => (b.dataset.act === "undo" ? undo() : act(b.dataset.act)));
  }
  $("insp-preview").addEventListener("click", () => openViewer());
  $("tile-toggle").addEventListener("click", () => toggleTileRepeat());
  $("insp-close").addEventListener("click", () => document.body.classList.remove("has-selection"));
  $("note").addEventListener("blur", () => saveNote());
  $("free-tag-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const tag = $("free-tag").value.trim();
    if (tag) act("tags", { add: [tag] }).then((r) => { if (r) $("free-tag").value = ""; });
  });
  $("compare-btn").addEventListener("click", () => openCompare());
  $("regen-btn").addEventListener("click", () => startJobs("regen"));
  $("autopilot-btn").addEventListener("click", () => startJobs("autopilot"));
  $("bg-all-btn").addEventListener("click", () => startJobs("bg-all"));
  $("bg-one-btn").addEventListener("click", () => startJobs("bg-one"));
  $("pack-btn").addEventListener("click", () => startJobs("pack"));
  $("thumb-size").addEventListener("input", (e) => grid.setThumb(Number(e.target.value)));
  $("help-toggle").addEventListener("click", () => showHelp(true));
  $("help-close").addEventListener("click", () => showHelp(false));
  $("help-table").replaceChildren(...SHORTCUTS.map(([k, what]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    for (const part of k.split(" / ")) {
      const kbd = document.createElement("kbd");
      kbd.textContent = part;
      th.append(kbd, " ");
    }
    const td = document.createElement("td");
    td.textContent = what;
    tr.append(th, td);
    return tr;
  }));
  document.addEventListener("keydown", onKey);
  if (matchMedia("(max-width: 760px)").matches) grid.thumb = 104;
  $("thumb-size").value = String(grid.thumb);
}

async function main() {
  wire();
  const { JobsPanel } = await import("./jobs.js");
  jobs = new JobsPanel({
    panel: $("jobs"), list: $("jobs-list"), toggle: $("jobs-toggle"), count: $("jobs-count"), mode: $("jobs-mode"),
    onJobDone: (job) => {
      const assetId = job.output?.assetId || job.input?.assetId;
      if (assetId && assetId === state.assetId) reloadVariants(current()?.id);
    },
  });
  const { ExceptionsPanel } = await import("./exceptions.js");
  exceptions = new ExceptionsPanel({
    panel: $("exceptions"), list: $("exceptions-list"), toggle: $("exceptions-toggle"), count: $("exceptions-count"),
  });
  await guarded(loadProjects);
  $("grid").focus({ preventScroll: true });
}

main();
