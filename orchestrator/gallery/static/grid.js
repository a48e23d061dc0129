// A virtualised thumbnail grid: only the rows in view (plus a margin) exist in the DOM, so an asset with
// thousands of variants scrolls like one with ten. Items are loaded in pages on demand.
import { fileUrl } from "./api.js";

const GAP = 10;
const LABEL_H = 26;
const STATUS_TEXT = {
  candidate: "candidate", selected: "approved", rejected: "rejected", needs_regeneration: "regenerate",
};

export class VirtualGrid {
  constructor(scroller, canvas, { onActivate, onOpen, onToggleMark, onNeedPage }) {
    this.scroller = scroller;
    this.canvas = canvas;
    this.cb = { onActivate, onOpen, onToggleMark, onNeedPage };
    this.total = 0;
    this.items = [];          // sparse: index -> variant entry
    this.cursor = -1;
    this.marked = new Set();
    this.thumb = 136;
    this.cols = 1;
    this.nodes = new Map();   // index -> element
    this.frame = 0;
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
    canvas.addEventListener("click", (e) => this.onClick(e));
    canvas.addEventListener("dblclick", (e) => {
      const card = e.target.closest(".card");
      if (card) this.cb.onOpen(Number(card.dataset.index));
    });
  }

  reset(total) {
    this.total = total;
    this.items = new Array(total);
    for (const node of this.nodes.values()) node.remove();
    this.nodes.clear();
    this.scroller.scrollTop = 0;
    this.cursor = total ? 0 : -1;
  }

  setPage(offset, entries) {
    entries.forEach((entry, i) => { this.items[offset + i] = entry; });
    this.render(true);
  }

  setItem(index, entry) {
    this.items[index] = entry;
    const node = this.nodes.get(index);
    if (node) this.fill(node, index);
  }

  setThumb(px) { this.thumb = px; this.render(true); }

  get cell() { return this.thumb + GAP; }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(false); });
  }

  layout() {
    const width = this.scroller.clientWidth - GAP;
    this.cols = Math.max(1, Math.floor(width / this.cell));
    const rows = Math.ceil(this.total / this.cols);
    this.rowH = this.thumb + LABEL_H + GAP;
    this.canvas.style.height = `${rows * this.rowH + GAP}px`;
    this.padLeft = Math.max(GAP, Math.floor((this.scroller.clientWidth - this.cols * this.cell + GAP) / 2));
  }

  render(refill) {
    this.layout();
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 800;
    const first = Math.max(0, Math.floor(top / this.rowH) - 2) * this.cols;
    const last = Math.min(this.total, (Math.ceil((top + height) / this.rowH) + 2) * this.cols);
    for (const [index, node] of this.nodes) {
      if (index < first || index >= last) { node.remove(); this.nodes.delete(index); }
    }
    const fresh = document.createDocumentFragment();
    let missing = -1;
    for (let index = first; index < last; index++) {
      let node = this.nodes.get(index);
      if (!node) {
        node = document.createElement("div");
        node.className = "card";
        node.dataset.index = String(index);
        node.setAttribute("role", "gridcell");
        this.nodes.set(index, node);
        fresh.append(node);
        this.fill(node, index);
      } else if (refill) {
        this.fill(node, index);
      }
      const col = index % this.cols;
      const row = Math.floor(index / this.cols);
      node.style.transform = `translate(${this.padLeft + col * this.cell}px, ${GAP + row * this.rowH}px)`;
      node.style.width = `${this.thumb}px`;
      if (!this.items[index] && missing < 0) missing = index;
    }
    this.canvas.append(fresh);
    if (missing >= 0) this.cb.onNeedPage(missing);
  }

  fill(node, index) {
    const item = this.items[index];
    node.classList.toggle("is-cursor", index === this.cursor);
    if (!item) {
      if (!node.classList.contains("loading")) {
        node.className = "card loading" + (index === this.cursor ? " is-cursor" : "");
        node.replaceChildren(Object.assign(document.createElement("div"), { className: "thumb checker" }));
      }
      return;
    }
    const key = `${item.id}|${item.status}|${item.isPrimary}|${this.marked.has(item.id)}|${item.tags.length}|${this.thumb}`;
    node.className = `card st-${item.status}` + (index === this.cursor ? " is-cursor" : "") +
      (this.marked.has(item.id) ? " is-marked" : "") + (item.isPrimary ? " is-primary" : "");
    node.setAttribute("aria-selected", String(index === this.cursor));
    if (node.dataset.key === key) return;
    node.dataset.key = key;
    const label = `Variant #${item.number}, ${STATUS_TEXT[item.status]}${item.isPrimary ? ", primary" : ""}`;
    node.innerHTML = "";
    const thumb = document.createElement("button");
    thumb.className = "thumb checker";
    thumb.setAttribute("aria-label", label);
    thumb.tabIndex = -1;
    thumb.style.height = `${this.thumb}px`;
    const img = document.createElement("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = "";
    img.width = this.thumb;
    img.height = this.thumb;
    img.src = fileUrl(item.previewPath || item.originalPath);
    thumb.append(img);
    const mark = document.createElement("button");
    mark.className = "mark";
    mark.tabIndex = -1;
    mark.setAttribute("aria-label", `Mark ${item.id} for compare`);
    mark.setAttribute("aria-pressed", String(this.marked.has(item.id)));
    mark.textContent = this.marked.has(item.id) ? "✓" : "";
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = item.isPrimary ? "★ primary" : STATUS_TEXT[item.status];
    const caption = document.createElement("div");
    caption.className = "caption";
    // "#3 · seed 171925463": a name a person can say; the ULID stays in the tooltip and the inspector
    caption.textContent = `#${item.number}${item.seed != null ? " · seed " + item.seed : ""}`;
    caption.title = item.id;
    if (item.tags.length) {
      const tags = document.createElement("span");
      tags.className = "tagcount";
      tags.textContent = `#${item.tags.length}`;
      tags.title = item.tags.join(", ");
      caption.append(tags);
    }
    node.append(thumb, mark, badge, caption);
    const guide = item.metadata && item.metadata.frame && item.metadata.frame.guidePath;
    if (guide) {
      // Anchor-frame animations: the frame's pose guide beside it (docs/pipeline/animation.md).
      const pose = document.createElement("img");
      pose.className = "pose-guide";
      pose.alt = `pose guide of ${item.metadata.frame.name}`;
      pose.title = `${item.metadata.frame.name} (pose ${item.metadata.frame.pose})`;
      pose.src = fileUrl(guide);
      node.append(pose);
    }
  }

  onClick(e) {
    const card = e.target.closest(".card");
    if (!card) return;
    const index = Number(card.dataset.index);
    if (e.target.closest(".mark") || e.shiftKey) { this.cb.onToggleMark(index); return; }
    this.cb.onActivate(index);
  }

  moveTo(index) {
    if (!this.total) return;
    index = Math.max(0, Math.min(this.total - 1, index));
    const old = this.cursor;
    this.cursor = index;
    for (const i of [old, index]) { const n = this.nodes.get(i); if (n) this.fill(n, i); }
    const row = Math.floor(index / this.cols);
    const y = GAP + row * this.rowH;
    if (y < this.scroller.scrollTop) this.scroller.scrollTop = y - GAP;
    else if (y + this.rowH > this.scroller.scrollTop + this.scroller.clientHeight)
      this.scroller.scrollTop = y + this.rowH - this.scroller.clientHeight + GAP;
    this.render(false);
  }

  refresh() { this.render(true); }
}
