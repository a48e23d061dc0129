// Live job progress: the SSE stream /api/projects/{p}/jobs/events (events are JSON job records), else
// polling GET /api/projects/{p}/jobs, else the panel stays hidden. Tolerant of unknown fields.
import { api, paths } from "./api.js";

const POLL_MS = 3000;

export class JobsPanel {
  constructor({ panel, list, toggle, count, mode, onJobDone }) {
    Object.assign(this, { panel, list, toggle, count, mode, onJobDone });
    this.jobs = new Map();
    this.source = null;
    this.timer = 0;
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }

  stop() {
    this.source?.close();
    this.source = null;
    clearInterval(this.timer);
    this.jobs.clear();
  }

  async start(projectId) {
    this.stop();
    this.projectId = projectId;
    if (typeof EventSource === "function") this.stream(projectId);
    else await this.fallback();
  }

  async fallback() {
    try {
      await this.poll();
      this.timer = setInterval(() => this.poll().catch(() => {}), POLL_MS);
      this.show("polling");
    } catch {
      this.toggle.hidden = true; // no jobs API on this server
    }
  }

  stream(projectId) {
    const source = new EventSource(paths.jobEvents(projectId));
    this.source = source;
    let opened = false;
    const onEvent = (e) => {
      try {
        const data = JSON.parse(e.data);
        for (const job of Array.isArray(data) ? data : data?.jobs || [data?.job || data]) this.upsert(job);
        this.render();
      } catch { /* ignore non-JSON keep-alives */ }
    };
    source.onmessage = onEvent;
    for (const type of ["job", "snapshot", "update"]) source.addEventListener(type, onEvent);
    source.onopen = () => { opened = true; this.show("live"); };
    source.onerror = () => {
      if (this.source !== source) return;
      if (!opened || source.readyState === EventSource.CLOSED) { // 404 or not a stream: poll instead
        source.close();
        this.source = null;
        if (!opened) this.fallback();
        else this.mode.textContent = "disconnected";
      } else {
        this.mode.textContent = "reconnecting…";
      }
    };
  }

  async poll() {
    const data = await api(paths.jobs(this.projectId));
    for (const job of Array.isArray(data) ? data : data?.jobs || []) this.upsert(job);
    this.render();
  }

  show(mode) { this.toggle.hidden = false; this.mode.textContent = mode; }

  upsert(job) {
    if (!job || typeof job !== "object" || !job.id) return;
    const old = this.jobs.get(job.id);
    this.jobs.set(job.id, { ...old, ...job });
    if (old && old.status !== job.status && job.status === "succeeded") this.onJobDone?.(job);
  }

  track(job) { this.upsert(job); this.render(); this.toggle.hidden = false; }

  render() {
    const jobs = [...this.jobs.values()].sort((a, b) => String(b.createdAt || b.id).localeCompare(String(a.createdAt || a.id)));
    const active = jobs.filter((j) => j.status === "queued" || j.status === "running").length;
    this.count.textContent = String(active);
    this.count.classList.toggle("busy", active > 0);
    this.list.replaceChildren(...jobs.slice(0, 30).map((job) => {
      const li = document.createElement("li");
      li.className = `job js-${job.status || "unknown"}`;
      const pct = job.status === "succeeded" ? 100 : Number(job.progress?.percent ?? 0);
      const title = document.createElement("div");
      title.className = "job-title";
      title.textContent = `${job.type || "job"} · ${job.status || "?"}`;
      const sub = document.createElement("div");
      sub.className = "dim small";
      sub.textContent = [job.input?.assetId || job.input?.specId || job.input?.atlasId, job.id?.slice(-8), job.error]
        .filter(Boolean).join(" · ");
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = Math.max(0, Math.min(100, pct));
      bar.setAttribute("aria-label", `progress of ${job.type} job ${job.id}`);
      li.append(title, bar, sub);
      return li;
    }));
  }
}
