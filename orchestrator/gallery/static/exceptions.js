// The exception inbox: failed jobs the retry policy escalated (GET /api/projects/{p}/exceptions).
// A count button in the top bar (hidden while empty) and a list reusing the jobs panel's styles.
import { api, paths } from "./api.js";

const POLL_MS = 10000;

export class ExceptionsPanel {
  constructor({ panel, list, toggle, count }) {
    Object.assign(this, { panel, list, toggle, count });
    this.timer = 0;
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }

  async start(projectId) {
    clearInterval(this.timer);
    this.projectId = projectId;
    await this.refresh();
    this.timer = setInterval(() => this.refresh(), POLL_MS);
  }

  async refresh() {
    let data;
    try {
      data = await api(paths.exceptions(this.projectId));
    } catch {
      this.toggle.hidden = true; // no exceptions API on this server
      return;
    }
    const jobs = Array.isArray(data?.jobs) ? data.jobs : [];
    this.count.textContent = String(jobs.length);
    this.count.classList.toggle("busy", jobs.length > 0);
    this.toggle.hidden = jobs.length === 0;
    if (!jobs.length) this.panel.hidden = true;
    this.list.replaceChildren(...jobs.map((job) => {
      const li = document.createElement("li");
      li.className = "job js-failed";
      li.dataset.jobId = job.id;
      const title = document.createElement("div");
      title.className = "job-title";
      title.textContent = `${job.type || "job"} · ${job.errorClass || "failed"} · attempt ${job.attempt ?? "?"}/${job.maxAttempts ?? "?"}`;
      const sub = document.createElement("div");
      sub.className = "dim small";
      sub.textContent = [job.input?.specId || job.input?.assetId, job.id, job.escalationTarget, job.escalatedAt]
        .filter(Boolean).join(" · ");
      const error = document.createElement("div");
      error.className = "small";
      error.textContent = job.error || "";
      li.append(title, sub, error);
      return li;
    }));
  }
}
