// The Sidewise HTTP API: same-origin JSON, a session cookie, and the CSRF header that echoes
// the `csrftoken` cookie on every state change.

/** The request never reached the server (offline, DNS, connection reset). */
export class NetworkError extends Error {}

/** The server answered with an error; `code` is the problem's stable code. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? "http_error";
    this.body = body;
  }
}

export function csrfCookie() {
  const match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : null;
}

async function send(method, path, body) {
  const headers = {};
  if (method !== "GET") {
    // Any GET hands out the CSRF cookie; /api/me is the cheapest.
    if (!csrfCookie()) await fetch("/api/me", { credentials: "same-origin" }).catch(() => null);
    headers["x-csrftoken"] = csrfCookie() ?? "";
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(error?.message ?? "network error");
  }
  const text = await response.text().catch(() => "");
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

/** Send once; a stale CSRF cookie is refreshed and the request retried once. */
async function call(method, path, body) {
  let result = await send(method, path, body);
  if (result.status === 403 && result.data?.code === "csrf_failed") {
    document.cookie = "csrftoken=; Max-Age=0; path=/";
    result = await send(method, path, body);
  }
  return result;
}

async function expect(method, path, body, ok = [200, 201, 204]) {
  const { status, data } = await call(method, path, body);
  if (!ok.includes(status)) throw new ApiError(status, data);
  return data;
}

export const me = () => expect("GET", "/api/me");
export const signUp = (email, password) => expect("POST", "/api/auth/signup", { email, password });
export const logIn = (email, password) => expect("POST", "/api/auth/login", { email, password });
export const logOut = () => expect("POST", "/api/auth/logout");
export const logOutEverywhere = () => expect("POST", "/api/auth/logout-everywhere");
export const changePassword = (current, next) =>
  expect("POST", "/api/me/password", { current_password: current, new_password: next });
export const securityLog = () => expect("GET", "/api/me/security-log");
export const registerDevice = () => expect("POST", "/api/devices");
export const setTimeZone = (zone) => expect("PUT", "/api/me/time-zone", { time_zone: zone });
export const catalogue = () => expect("GET", "/api/catalogue");
export const pull = (body) => expect("POST", "/api/sync/pull", body);
export const vapidKey = () => expect("GET", "/api/push/vapid-public-key");
export const savePushSubscription = (body) => expect("POST", "/api/push/subscriptions", body);
export const deletePushSubscription = (endpoint) =>
  expect("DELETE", "/api/push/subscriptions", { endpoint });
export const quietHours = () => expect("GET", "/api/me/quiet-hours");
export const setQuietHours = (hours) => expect("PUT", "/api/me/quiet-hours", hours);

/** Push ops; a 422 `ops_rejected` still carries every op's result, so it is an answer too. */
export async function push(body) {
  const { status, data } = await call("POST", "/api/sync/push", body);
  if (status === 200 || (status === 422 && Array.isArray(data?.results))) return data;
  throw new ApiError(status, data);
}

// Clinician sharing. The clinician's reads are never stored on the device: each screen fetches
// afresh, so a revoked grant leaves nothing behind after the next refresh.
export const createShareCode = (name) => expect("POST", "/api/clinician/codes", { name });
export const clinicianPatients = () => expect("GET", "/api/clinician/patients");
export const clinicianPatient = (id) => expect("GET", `/api/clinician/patients/${id}`);
export const previewShareCode = (code) => expect("POST", "/api/sharing/preview", { code });
export const grantAccess = (code, scope) => expect("POST", "/api/sharing/grants", { code, scope });
export const myGrants = () => expect("GET", "/api/sharing/grants");
export const changeGrantScope = (id, scope) =>
  expect("PATCH", `/api/sharing/grants/${id}`, { scope });
export const revokeGrant = (id) => expect("DELETE", `/api/sharing/grants/${id}`);
export const accessLog = () => expect("GET", "/api/sharing/log");
export const myHq = () => expect("GET", "/api/me/hq");
