// Import, export and account deletion over HTTP: uploads as multipart forms with the CSRF
// header, the import's progress read from its stream of JSON lines.
import { ApiError, NetworkError, csrfCookie } from "./api.js";

async function headers() {
  if (!csrfCookie()) await fetch("/api/me", { credentials: "same-origin" }).catch(() => null);
  return { "x-csrftoken": csrfCookie() ?? "" };
}

async function problem(response) {
  const body = await response.json().catch(() => null);
  return new ApiError(response.status, body);
}

async function upload(path, file, unit, plan) {
  const form = new FormData();
  form.append("file", file, file.name);
  if (unit) form.append("unit", unit);
  if (plan) form.append("plan", JSON.stringify(plan));
  try {
    return await fetch(path, {
      method: "POST",
      headers: await headers(),
      credentials: "same-origin",
      body: form,
    });
  } catch (error) {
    throw new NetworkError(error?.message ?? "network error");
  }
}

/** What importing `file` would add: format, unit, days, exercises, skipped rows. */
export async function previewImport(file, unit) {
  const response = await upload("/api/import/preview", file, unit);
  if (!response.ok) throw await problem(response);
  return response.json();
}

/** Import `file` with a choice per exercise; `onEvent` sees each progress event, and the last
 * event ({type: "done"} or {type: "error"}) is returned. */
export async function commitImport(file, unit, plan, onEvent) {
  const response = await upload("/api/import/commit", file, unit, plan);
  if (!response.ok) throw await problem(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop();
    for (const line of lines.filter(Boolean)) {
      last = JSON.parse(line);
      onEvent(last);
    }
  }
  return last ?? { type: "error", code: "cut_short", detail: "the import stopped early" };
}

/** Erase the account on the server; the password is asked again. */
export async function deleteAccount(password) {
  let response;
  try {
    response = await fetch("/api/me", {
      method: "DELETE",
      headers: { ...(await headers()), "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ password }),
    });
  } catch (error) {
    throw new NetworkError(error?.message ?? "network error");
  }
  if (response.status !== 204) throw await problem(response);
}
