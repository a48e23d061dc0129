// Side-by-side compare of 1-4 variants: one shared zoom/pan applied to every pane, checkerboard (or a
// chosen colour) behind transparent pixels, pixel-exact rendering when zoomed in.
import { fileUrl } from "./api.js";

const BACKGROUNDS = ["checker", "dark", "light", "magenta", "green"];
const STATUS = { candidate: "candidate", selected: "approved", rejected: "rejected", needs_regeneration: "regenerate" };
const caption = (item, i) => `${i + 1} · ${item.id} · ${item.isPrimary ? "★ primary" : STATUS[item.status]}`;

export class Compare {
  constructor(root, { onActivate }) {
    this.root = root;
    this.panes = root.querySelector("#compare-panes");
    this.zoomLabel = root.querySelector("#compare-title") && root.querySelector("#cmp-zoom");
    this.onActivate = onActivate;
    this.items = [];
    this.active = 0;
    this.view = { scale: 0, x: 0, y: 0 }; // scale 0 = fit
    this.bg = 0;
    root.querySelector("#cmp-close").addEventListener("click", () => this.close());
    root.querySelector("#cmp-zoom-in").addEventListener("click", () => this.zoomBy(1.5));
    root.querySelector("#cmp-zoom-out").addEventListener("click", () => this.zoomBy(1 / 1.5));
    root.querySelector("#cmp-bg").addEventListener("click", () => this.cycleBackground());
    this.panes.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    this.panes.addEventListener("pointerdown", (e) => this.onPointerDown(e));
    new ResizeObserver(() => this.apply()).observe(this.panes);
  }

  get isOpen() { return !this.root.hidden; }

  open(items, active = 0) {
    this.items = items.slice(0, 4);
    this.active = Math.min(active, this.items.length - 1);
    this.view = { scale: 0, x: 0, y: 0 };
    this.root.hidden = false;
    this.panes.dataset.count = String(this.items.length);
    this.panes.replaceChildren(...this.items.map((item, i) => this.pane(item, i)));
    this.root.querySelector("#compare-title").textContent =
      this.items.length === 1 ? `Variant ${this.items[0].id}` : `Compare ${this.items.length} variants`;
    this.apply();
  }

  pane(item, i) {
    const pane = document.createElement("figure");
    pane.className = `pane bg-${BACKGROUNDS[this.bg]}` + (i === this.active ? " is-active" : "");
    pane.dataset.i = String(i);
    const img = document.createElement("img");
    img.alt = `Variant ${item.id}`;
    img.draggable = false;
    img.src = fileUrl(item.originalPath);
    img.addEventListener("load", () => this.apply());
    const cap = document.createElement("figcaption");
    cap.textContent = caption(item, i);
    pane.append(img, cap);
    pane.addEventListener("click", () => this.setActive(i));
    return pane;
  }

  update(item) {
    const i = this.items.findIndex((x) => x.id === item.id);
    if (i < 0) return;
    this.items[i] = item;
    const cap = this.panes.children[i]?.querySelector("figcaption");
    if (cap) cap.textContent = caption(item, i);
  }

  setActive(i) {
    if (!this.items.length) return;
    this.active = (i + this.items.length) % this.items.length;
    [...this.panes.children].forEach((p, j) => p.classList.toggle("is-active", j === this.active));
    this.onActivate(this.items[this.active]);
  }

  close() { this.root.hidden = true; this.panes.replaceChildren(); }

  fitScale() {
    const pane = this.panes.firstElementChild;
    const img = pane?.querySelector("img");
    if (!pane || !img?.naturalWidth) return 1;
    return Math.min(pane.clientWidth / img.naturalWidth, (pane.clientHeight - 24) / img.naturalHeight) * 0.92;
  }

  apply() {
    const scale = this.view.scale || this.fitScale();
    for (const img of this.panes.querySelectorAll("img")) {
      img.style.transform = `translate(-50%, -50%) translate(${this.view.x}px, ${this.view.y}px) scale(${scale})`;
      img.classList.toggle("pixelated", scale >= 2);
    }
    const label = this.root.querySelector("#cmp-zoom");
    label.textContent = this.view.scale ? `${Math.round(scale * 100)}%` : `fit ${Math.round(scale * 100)}%`;
  }

  zoomBy(factor, cx = 0, cy = 0) {
    const old = this.view.scale || this.fitScale();
    const scale = Math.min(32, Math.max(0.1, old * factor));
    // keep the point under the cursor (cx, cy relative to the pane centre) where it is
    this.view.x = cx - ((cx - this.view.x) * scale) / old;
    this.view.y = cy - ((cy - this.view.y) * scale) / old;
    this.view.scale = scale;
    this.apply();
  }

  reset() { this.view = { scale: 0, x: 0, y: 0 }; this.apply(); }

  onWheel(e) {
    e.preventDefault();
    const pane = e.target.closest(".pane");
    if (!pane) return;
    const r = pane.getBoundingClientRect();
    this.zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX - r.left - r.width / 2, e.clientY - r.top - r.height / 2);
  }

  onPointerDown(e) {
    if (!e.target.closest(".pane")) return;
    const start = { x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y };
    const move = (m) => {
      this.view.x = start.vx + m.clientX - start.x;
      this.view.y = start.vy + m.clientY - start.y;
      if (!this.view.scale) this.view.scale = this.fitScale();
      this.apply();
    };
    const up = () => { removeEventListener("pointermove", move); removeEventListener("pointerup", up); };
    addEventListener("pointermove", move);
    addEventListener("pointerup", up);
  }

  cycleBackground() {
    this.bg = (this.bg + 1) % BACKGROUNDS.length;
    for (const pane of this.panes.children) {
      pane.className = pane.className.replace(/bg-\w+/, `bg-${BACKGROUNDS[this.bg]}`);
    }
  }

  /** Keys while open; returns true when handled. */
  key(e) {
    if (e.key === "Escape" || e.key === "c") { this.close(); return true; }
    if (e.key === "+" || e.key === "=") { this.zoomBy(1.5); return true; }
    if (e.key === "-") { this.zoomBy(1 / 1.5); return true; }
    if (e.key === "0") { this.reset(); return true; }
    if (e.key === "b") { this.cycleBackground(); return true; }
    if (e.key === "ArrowRight" || e.key === "Tab") { this.setActive(this.active + 1); return true; }
    if (e.key === "ArrowLeft") { this.setActive(this.active - 1); return true; }
    return false;
  }

  get current() { return this.items[this.active]; }
}
