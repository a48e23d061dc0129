// Thin client for the assetgen REST API: bearer token (from ?token= or sessionStorage) on every call.
const params = new URLSearchParams(location.search);
if (params.get("token")) sessionStorage.setItem("assetgen.token", params.get("token"));
export const token = sessionStorage.getItem("assetgen.token") || "";

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data?.error?.message || `${res.status} ${res.statusText}`);
  return data;
}

const enc = encodeURIComponent;
export const paths = {
  projects: () => "/api/projects",
  config: (p) => `/api/projects/${enc(p)}/review-config`,
  assets: (p) => `/api/projects/${enc(p)}/assets`,
  variants: (p, a, offset, limit, status) =>
    `/api/projects/${enc(p)}/assets/${enc(a)}/variants?offset=${offset}&limit=${limit}&status=${enc(status)}`,
  variant: (p, a, v, action) => `/api/projects/${enc(p)}/assets/${enc(a)}/variants/${enc(v)}/${action}`,
  asset: (p, a, action) => `/api/projects/${enc(p)}/assets/${enc(a)}/${action}`,
  jobs: (p) => `/api/projects/${enc(p)}/jobs`,
  autopilot: (p) => `/api/projects/${enc(p)}/autopilot`,
  exceptions: (p) => `/api/projects/${enc(p)}/exceptions`,
  jobEvents: (p) => `/api/projects/${enc(p)}/jobs/events${token ? `?token=${enc(token)}` : ""}`,
};

/** URL of a stored file (records keep paths relative to the data root). */
export function fileUrl(stored) {
  if (!stored) return "";
  const url = "/files/" + stored.split("/").map(enc).join("/");
  return token ? `${url}?token=${enc(token)}` : url;
}
