// The account-level side of reminders: whether this device shows them (Web Push, subscribed
// with the server's key) and the quiet hours the server keeps (online only).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import * as api from "../api.js";
import { pushState, turnOff, turnOn } from "../push.js";

const STATUS = {
  checking: "Checking this device…",
  on: "On: reminders arrive on this device.",
  off: "Off: your reminders are kept, but this device does not show them.",
  offline: "Off. Turning notifications on needs a connection.",
  blocked:
    "Blocked: this browser refuses notifications from Sidewise. Allow them in the browser's " +
    "site settings, then come back here.",
  unsupported:
    "This browser cannot show push notifications. On an iPhone or iPad, add Sidewise to the " +
    "Home Screen and open it from there.",
  working: "One moment…",
};

const UNREACHABLE = "The server cannot be reached. Try again when online.";

/** A sentence for what went wrong while turning notifications on or off. */
function pushFailure(error) {
  if (error instanceof api.NetworkError) return UNREACHABLE;
  if (error instanceof api.ApiError) {
    if (error.code === "push_unavailable")
      return "This Sidewise server is not set up to send notifications yet.";
    return `The server refused this device's subscription: ${error.message}`;
  }
  return `This browser could not subscribe to notifications (${error?.name ?? "error"}).`;
}

const serverFailure = (error) => (error instanceof api.ApiError ? error.message : UNREACHABLE);
const asForm = (hours) => ({ start: hours.start ?? "", end: hours.end ?? "" });

export function NotificationsCard({ state }) {
  const accountId = state.account.id;
  const [shown, setShown] = useState("checking");
  const [error, setError] = useState(null);
  useEffect(() => {
    pushState(accountId).then(setShown, () => setShown("unsupported"));
  }, [accountId]);
  const current = shown === "off" && !state.online ? "offline" : shown;
  const on = current === "on";
  const toggle = async () => {
    setShown("working");
    setError(null);
    try {
      if (on) {
        await turnOff();
        setShown("off");
      } else setShown(await turnOn(accountId, state.meta.node));
    } catch (caught) {
      setError(pushFailure(caught));
      setShown(await pushState(accountId).catch(() => "off"));
    }
  };
  const usable = on || current === "off";
  return html`<section class="card" aria-labelledby="notifications-title">
    <h2 id="notifications-title">Notifications</h2>
    <p data-testid="notifications-status" role="status">${STATUS[current]}</p>
    <button type="button" class=${on ? "secondary big" : "primary big"}
      data-testid="notifications-toggle" data-state=${current} disabled=${!usable}
      aria-busy=${current === "working" ? "true" : undefined} onClick=${toggle}>
      ${on ? "Turn off notifications" : "Turn on notifications"}
    </button>
    ${error && html`<p class="error" role="alert" data-testid="notifications-error">${error}</p>`}
  </section>`;
}

const EMPTY_HOURS = { start: "", end: "" };

export function QuietHours({ online }) {
  const [hours, setHours] = useState(null); // null until the server answered
  const [message, setMessage] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!online || hours) return;
    api
      .quietHours()
      .then((got) => setHours(asForm(got)))
      .catch((caught) => setError(serverFailure(caught)));
  }, [online]);
  const store = async (wanted) => {
    setMessage(null);
    setError(null);
    if (Boolean(wanted.start) !== Boolean(wanted.end))
      return setError("Give both a start and an end, or clear quiet hours.");
    try {
      const body = { start: wanted.start || null, end: wanted.end || null };
      const saved = await api.setQuietHours(body);
      setHours(asForm(saved));
      setMessage(saved.start ? `Quiet from ${saved.start} to ${saved.end}.` : "No quiet hours.");
    } catch (caught) {
      setError(serverFailure(caught));
    }
  };
  const save = (event) => {
    event.preventDefault();
    store(hours);
  };
  const ready = online && hours !== null;
  const shown = hours ?? EMPTY_HOURS;
  const input = (field, label) => html`<div class="field">
    <label for=${`quiet-${field}`}>${label}</label>
    <input id=${`quiet-${field}`} data-testid=${`quiet-${field}`} type="time" value=${shown[field]}
      disabled=${!ready} aria-describedby=${error ? "quiet-error" : undefined}
      onInput=${(e) => setHours({ ...shown, [field]: e.currentTarget.value })} />
  </div>`;
  return html`<form class="card" onSubmit=${save} aria-labelledby="quiet-title" novalidate>
    <h2 id="quiet-title">Quiet hours</h2>
    <p class="hint small">For all your devices. A reminder due in them waits until they end if
      that is the same day; otherwise it is skipped.</p>
    ${
      !online &&
      html`<p class="hint" data-testid="quiet-offline">Quiet hours are kept on the server:
        connect to see or change them.</p>`
    }
    <div class="grid2">${input("start", "From")} ${input("end", "Until")}</div>
    <div class="row">
      <button type="submit" class="primary" data-testid="quiet-save" disabled=${!ready}>
        Save quiet hours
      </button>
      <button type="button" data-testid="quiet-clear"
        disabled=${!ready || !(shown.start || shown.end)} onClick=${() => store(EMPTY_HOURS)}>
        Clear
      </button>
    </div>
    <p class="saved" role="status" data-testid="quiet-status">${message}</p>
    ${
      error &&
      html`<p class="error" id="quiet-error" role="alert" data-testid="quiet-error">${error}</p>`
    }
  </form>`;
}
