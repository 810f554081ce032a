// Settings → Account: who is signed in, changing the password, signing out (here or
// everywhere) and the account's recent security events. Everything but signing out of this
// device alone needs the network.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { ApiError, NetworkError, changePassword, securityLog } from "../api.js";
import { signOut } from "../store.js";
import { dateTimeLabel } from "../units.js";

const seconds = (n) => (n >= 120 ? `${Math.ceil(n / 60)} minutes` : `${n} seconds`);

function explain(error) {
  if (error instanceof NetworkError) return "No connection. Changing the password needs the network.";
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.code === "wrong_password") return "The current password is wrong.";
  if (error.code === "password_unchanged") return "The new password is the one you have now.";
  if (error.status === 429) {
    const wait = error.body?.retry_after_s;
    return `Too many attempts. Try again${wait ? ` in ${seconds(wait)}` : " later"}.`;
  }
  if (error.status === 401) return "Your session has ended. Sign in again first.";
  const detail = error.message;
  return detail.charAt(0).toUpperCase() + detail.slice(1) + ".";
}

const plural = (n, one) => `${n} ${one}${n === "1" ? "" : "s"}`;
const THROTTLED = {
  sign_in: "sign-ins",
  sign_up: "sign-ups",
  device: "new devices",
  subscription: "notification sign-ups",
};

/** What one event means, in words. */
function describe({ kind, detail }) {
  switch (kind) {
    case "sign_up":
      return "Account created";
    case "sign_in":
      return "Signed in";
    case "sign_in_failed":
      return detail === "password_change"
        ? "Wrong current password given to change it"
        : "Failed sign-in: wrong password";
    case "password_changed":
      return `Password changed; ${plural(detail ?? "0", "other session")} signed out`;
    case "signed_out_everywhere":
      return "Signed out everywhere";
    case "subscription_moved_in":
      return "Notifications of a shared browser moved to this account";
    case "subscription_moved_out":
      return "Notifications of a shared browser moved to another account";
    case "throttled":
      return `Too many ${THROTTLED[detail] ?? "attempts"}: paused for a while`;
    default:
      return kind;
  }
}

function SecurityLog({ events, failed }) {
  if (failed) {
    return html`<p class="hint" data-testid="security-log-unavailable">
      Connect to see your account's recent activity.</p>`;
  }
  if (events === null) return html`<p class="hint">Loading…</p>`;
  if (events.length === 0) {
    return html`<p class="hint" data-testid="security-log-empty">No account activity yet.</p>`;
  }
  return html`<ol class="security-log" data-testid="security-log">
    ${events.map(
      (event) => html`<li data-kind=${event.kind}>
        <span>${describe(event)}</span>
        <span class="sub">
          <time datetime=${new Date(event.at_ms).toISOString()}>${dateTimeLabel(event.at_ms)}</time>
          ${event.address && ` · from ${event.address}`}
        </span>
      </li>`,
    )}
  </ol>`;
}

function PasswordForm({ email, onChanged }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await changePassword(current, next);
      setCurrent("");
      setNext("");
      setDone(true);
      onChanged();
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<form onSubmit=${submit} data-testid="password-form" aria-labelledby="password-title">
    <h3 id="password-title">Change password</h3>
    <input type="email" autocomplete="username" value=${email} hidden readonly />
    <div class="field">
      <label for="current-password">Current password</label>
      <input id="current-password" data-testid="current-password" type="password" required
        autocomplete="current-password" value=${current} aria-invalid=${error ? "true" : undefined}
        aria-describedby=${error ? "password-error" : undefined}
        onInput=${(e) => setCurrent(e.currentTarget.value)} />
    </div>
    <div class="field">
      <label for="new-password">New password (at least 8 characters)</label>
      <input id="new-password" data-testid="new-password" type="password" required minlength="8"
        autocomplete="new-password" value=${next}
        aria-describedby=${error ? "password-error" : undefined}
        onInput=${(e) => setNext(e.currentTarget.value)} />
    </div>
    ${error && html`<p class="error" role="alert" id="password-error" data-testid="password-error">${error}</p>`}
    ${done && html`<p class="ok" role="status" data-testid="password-changed">
      Password changed. Your other devices are signed out.</p>`}
    <button type="submit" class="primary big" data-testid="change-password" disabled=${busy}>
      Change password
    </button>
  </form>`;
}

export function AccountSection({ state }) {
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const [events, setEvents] = useState(null);
  const [failed, setFailed] = useState(false);
  const load = () =>
    securityLog()
      .then((log) => {
        setEvents(log.events);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  useEffect(() => {
    load();
  }, [state.online]);
  const leave = (everywhere) => async () => {
    setBusy(true);
    setMessage(await signOut(everywhere));
    setBusy(false);
  };
  return html`<section aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <p>Signed in as <strong data-testid="account-email">${state.account?.email}</strong></p>
      <${PasswordForm} email=${state.account?.email ?? ""} onChanged=${load} />
    </section>
    <section aria-labelledby="security-title">
      <h2 id="security-title">Recent account activity</h2>
      <p class="hint small">Sign-ins, failed sign-ins and changes to your account, newest first.
        Anything you do not recognise? Change your password.</p>
      <${SecurityLog} events=${events} failed=${failed} />
    </section>
    <section aria-labelledby="sign-out-title">
      <h2 id="sign-out-title">Sign out</h2>
      <p class="hint">Signing out deletes this device's copy of your log, so Sidewise only does it
        once every change has been uploaded. Signing out everywhere also ends your sessions on
        every other device and turns their notifications off.</p>
      <button type="button" class="danger big" data-testid="sign-out" onClick=${leave(false)}
        disabled=${busy}>Sign out</button>
      <button type="button" class="danger big" data-testid="sign-out-everywhere"
        onClick=${leave(true)} disabled=${busy}>Sign out everywhere</button>
      ${message && html`<p class="error" role="alert" data-testid="sign-out-refused">${message}</p>`}
    </section>`;
}
