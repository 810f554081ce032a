// Sign in / create an account. Also shown over the app when the session has ended: signing in
// again as the same person keeps everything logged meanwhile and uploads it.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { signIn } from "../store.js";
import { ApiError, NetworkError } from "../api.js";

function explain(error) {
  if (error instanceof NetworkError) return "No connection. Signing in needs the network once.";
  if (error instanceof ApiError) {
    if (error.status === 401) return "Wrong email or password.";
    return error.message;
  }
  return "Something went wrong. Try again.";
}

const TAGLINE = "Log every set per side — left and right — even with no signal.";

/** What index.html shows before the app runs, so the first paint is already the real page. */
export const Splash = () =>
  html`<main class="splash"><h1>Sidewise</h1><p class="lead">${TAGLINE}</p></main>`;

export function AuthScreen({ reauth = null, onCancel }) {
  const [mode, setMode] = useState("login");
  const [email, setEmail] = useState(reauth?.email ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(mode, email.trim(), password);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  const signup = mode === "signup";
  return html`<main class="auth" id="main">
    <h1>${reauth ? "Sign in again" : "Sidewise"}</h1>
    <p class="lead">
      ${
        reauth
          ? `Your session has ended. Sign in to upload the changes waiting here ` +
            `(${reauth.pending}); nothing on this device is lost.`
          : TAGLINE
      }
    </p>
    ${
      !reauth &&
      html`<div class="segmented modes" role="group" aria-label="Account">
      <button type="button" aria-pressed=${!signup} data-testid="mode-login"
        onClick=${() => setMode("login")}>Sign in</button>
      <button type="button" aria-pressed=${signup} data-testid="mode-signup"
        onClick=${() => setMode("signup")}>Create account</button>
    </div>`
    }
    <form onSubmit=${submit} data-testid="auth-form">
      <div class="field">
        <label for="auth-email">Email</label>
        <input id="auth-email" data-testid="email" type="email" autocomplete="username" required
          value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="auth-password">Password${signup ? " (at least 8 characters)" : ""}</label>
        <input id="auth-password" data-testid="password" type="password" required minlength="8"
          autocomplete=${signup ? "new-password" : "current-password"} value=${password}
          onInput=${(e) => setPassword(e.currentTarget.value)} />
      </div>
      ${error && html`<p class="error" role="alert" data-testid="auth-error">${error}</p>`}
      <button type="submit" class="primary big" data-testid="auth-submit" disabled=${busy}>
        ${signup ? "Create account" : "Sign in"}
      </button>
      ${
        onCancel &&
        html`<button type="button" class="secondary big" onClick=${onCancel}>
        Not now — keep logging
      </button>`
      }
    </form>
  </main>`;
}
