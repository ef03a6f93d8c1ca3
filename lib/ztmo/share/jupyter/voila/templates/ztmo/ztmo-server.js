/* Server-side helpers: kernel shutdown on leaving, lost-connection notice.
 *
 * 1. Leaving a page frees its kernel at once: on pagehide we send Voila's shutdown
 *    request with the _xsrf cookie as form field (as Voila's own beforeunload beacon
 *    does), also for a page that is left while it is still loading.
 * 2. When the kernel or the server goes away, the page says so and offers a reload,
 *    instead of going silently dead. Signs: the kernel websocket reports a restart or a
 *    dead kernel, or it closes and the kernel no longer answers; and a cheap look at the
 *    kernel every 15 seconds while the page is visible.
 * 3. A phone that slept while the server culled its kernel, or whose wifi came back: when
 *    the server answers that the kernel is gone, or answers again after the network was
 *    lost, and the page is on screen, the page reloads by itself (the address names the
 *    participant and step, so they come back as themselves). Not when the participant
 *    typed something the app has not confirmed as saved (it shows .ztmo-saved once the
 *    store took the text; a tap on a button is no proof: the server may be away), so a
 *    reload never puts the older stored text over the newer one (they get the notice and
 *    can copy it first), and at most once a minute. Typing hides an earlier "saved" next
 *    to the text, so it never speaks for text the server has not seen.
 * 4. A kernel websocket that never opens while the server answers means a proxy in front
 *    drops websockets: the page says so, with what to tell the administrator.
 * Texts come from the server (data/content/server.yaml, page config "ztmoTexts").
 * Nothing here puts text into the page as HTML (textContent only).
 */
(function () {
  "use strict";
  var CHECK_MS = 15000;
  var AUTO_RELOAD_MS = 60000, AUTO_KEY = "ztmo-herladen";
  var leaving = false, lost = false, sent = false, timer = null;
  var offline = false;  // the notice is up because the server could not be reached

  function config() {
    var el = document.getElementById("jupyter-config-data");
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }
  function baseUrl() {
    var c = config();
    if (c && c.baseUrl) { return c.baseUrl; }
    var b = document.body && document.body.getAttribute("data-base-url");
    return b ? b.replace(/voila\/$/, "") : "/";
  }
  function kernelId() { var c = config(); return c && c.kernelId; }
  function say(key, fallback) {
    var c = config();
    var t = c && c.ztmoTexts;
    return (t && typeof t[key] === "string") ? t[key] : fallback;
  }
  function xsrf() {
    var m = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    return m ? m[1] : "";
  }

  function shutdown() {
    var id = kernelId();
    if (sent || !id) { return; }
    sent = true;
    var url = baseUrl() + "voila/api/shutdown/" + id;
    var form = new FormData();
    form.append("_xsrf", xsrf());
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, form))) {
      try {
        fetch(url, { method: "POST", body: form, keepalive: true, credentials: "same-origin",
                     headers: { "X-XSRFToken": xsrf() } });
      } catch (e) { /* the page is going anyway */ }
    }
  }
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pagehide", function () { leaving = true; shutdown(); });
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) { leaving = false; check(); }  // back from the page cache: kernel gone
  });

  function showNotice(message) {
    if (lost || leaving) { return; }
    lost = true;
    if (timer) { clearInterval(timer); }
    var box = document.createElement("div");
    box.className = "ztmo-connection-lost";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:10000;display:flex;" +
      "flex-wrap:wrap;gap:.8em;align-items:center;justify-content:center;padding:.9em 1em;" +
      "background:#fff4e5;color:#5f3700;border-bottom:2px solid #c77700;font-size:1.05rem;" +
      "box-shadow:0 2px 6px rgba(0,0,0,.15)";
    var text = document.createElement("span");
    text.textContent = message || say("verbinding_weg",
      "De verbinding met de server is weg. Laad de pagina opnieuw.");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ztmo-reload";
    button.textContent = say("opnieuw_laden", "Opnieuw laden");
    button.style.cssText = "font-size:1rem;padding:.4em 1em;cursor:pointer";
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    (document.body || document.documentElement).appendChild(box);
  }

  // Text fields typed in since the app last confirmed a save there (a .ztmo-saved in the
  // same answer box, card or app). A field the app took away (a finished form) is done.
  var dirty = [];
  var SCOPE = ".ztmo-answer, .ztmo-flag-card, .ztmo-app";
  function scopeOf(el) { return (el.closest && el.closest(SCOPE)) || document.body; }
  document.addEventListener("input", function (ev) {
    var t = ev.target;
    if (!ev.isTrusted || !t || !t.closest || t.closest(".ztmo-bridge")) { return; }
    if (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text")) {
      if (dirty.indexOf(t) < 0) { dirty.push(t); }
      var said = scopeOf(t).querySelectorAll(".ztmo-saved");  // speaks for older text
      for (var i = 0; i < said.length; i++) { said[i].hidden = true; }
    }
  }, true);
  function typed() {
    dirty = dirty.filter(function (el) { return el.isConnected; });
    return dirty.length > 0;
  }
  // A "saved" the app shows after the store took the text carries a new mark each time
  // (data-bewaard); drawn again with a mark seen before (a widget redrawn from old state)
  // it says nothing about newer typing, and stays hidden while that is unsaved.
  var seen = {};
  function onSaved(el) {
    var mark = el.getAttribute("data-bewaard") || "";
    var scope = scopeOf(el);
    if (mark && seen[mark]) {
      if (dirty.some(function (f) { return scope.contains(f); })) { el.hidden = true; }
      return;
    }
    if (mark) { seen[mark] = true; }
    dirty = dirty.filter(function (f) { return !scope.contains(f); });
  }
  function watchSaves() {
    new MutationObserver(function (records) {
      for (var r = 0; r < records.length; r++) {
        var added = records[r].addedNodes;
        for (var n = 0; n < added.length; n++) {
          var node = added[n];
          if (node.nodeType !== 1) { continue; }
          if (node.matches(".ztmo-saved")) { onSaved(node); }
          var inner = node.querySelectorAll(".ztmo-saved");
          for (var k = 0; k < inner.length; k++) { onSaved(inner[k]); }
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
    var first = document.querySelectorAll(".ztmo-saved[data-bewaard]");  // already there
    for (var i = 0; i < first.length; i++) { seen[first[i].getAttribute("data-bewaard")] = true; }
  }
  if (document.body) { watchSaves(); } else { document.addEventListener("DOMContentLoaded", watchSaves); }

  function lastAutoReload() {
    try { return Number(window.sessionStorage.getItem(AUTO_KEY)) || 0; } catch (e) { return 0; }
  }
  // Reload by itself when that loses nothing; false when it must not (the notice stays).
  function autoReload() {
    var now = Date.now();
    if (leaving || typed() || document.hidden || now - lastAutoReload() <= AUTO_RELOAD_MS) {
      return false;
    }
    try { window.sessionStorage.setItem(AUTO_KEY, String(now)); } catch (e) { /* no memory */ }
    lost = true;
    if (timer) { clearInterval(timer); }
    window.location.reload();
    return true;
  }
  // The kernel is gone but the server is there.
  function kernelGone() {
    if (lost || leaving) { return; }
    if (!autoReload()) { showNotice(); }
  }

  // Does our kernel still exist? 404 or no answer at all: the connection is gone.
  function check() {
    var id = kernelId();
    if (!id || lost || leaving) { return; }
    fetch(baseUrl() + "api/kernels/" + id, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { if (r.status === 404 || r.status === 410) { kernelGone(); } })
      .catch(function () {
        if (leaving) { return; }
        offline = true;
        showNotice();
        setInterval(retry, CHECK_MS);  // e.g. the laptop's server was restarted
      });
  }
  // After the network was lost: once the server answers again, start afresh.
  function retry() {
    if (!offline || leaving || document.hidden) { return; }
    fetch(baseUrl() + "api/kernels/" + (kernelId() || "-"),
          { cache: "no-store", credentials: "same-origin" })
      .then(function () { if (autoReload()) { offline = false; } })
      .catch(function () { /* still unreachable: the notice stays */ });
  }
  window.addEventListener("online", retry);
  document.addEventListener("visibilitychange", retry);
  function startChecks() {
    if (!timer) {
      timer = setInterval(function () { if (!document.hidden) { check(); } }, CHECK_MS);
    }
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });

  // Watch the kernel websocket that Voila's widget manager opens.
  var BAD_STATE = /"execution_state":\s*"(restarting|autorestarting|dead)"/;
  function inspect(data) {
    if (typeof data === "string") {
      if (data.length < 4096 && BAD_STATE.test(data)) { showNotice(); }
    } else if (data instanceof ArrayBuffer && data.byteLength < 4096 && window.TextDecoder) {
      if (BAD_STATE.test(new TextDecoder("utf-8").decode(data))) { showNotice(); }
    }
  }
  // The websocket closed before it ever opened. If the server answers for our kernel all
  // the same, something between (a proxy) refuses websockets: no reload can help.
  var noSocketSaid = false;
  function neverOpened() {
    var id = kernelId();
    if (!id || leaving || noSocketSaid) { return; }
    fetch(baseUrl() + "api/kernels/" + id, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.ok && !noSocketSaid) {
          noSocketSaid = true;
          lost = false;
          showNotice(say("geen_websocket",
            "De verbinding met de server kan niet worden gemaakt. Zeg dit tegen de beheerder: " +
            "de proxy geeft websockets niet door."));
        }
      })
      .catch(function () { /* the server is away: the usual checks say so */ });
  }
  function watch(ws) {
    startChecks();
    var opened = false;
    ws.addEventListener("open", function () { opened = true; });
    ws.addEventListener("message", function (ev) { inspect(ev.data); });
    ws.addEventListener("close", function () {
      if (leaving) { return; }
      if (!opened) { neverOpened(); }
      setTimeout(check, 1500);
    });
  }
  var Native = window.WebSocket;
  if (Native) {
    var Watched = function (url, protocols) {
      var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
      if (/\/api\/kernels\/[^/]+\/channels/.test(String(url))) { watch(ws); }
      return ws;
    };
    Watched.prototype = Native.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Watched[k] = Native[k]; });
    window.WebSocket = Watched;
  }
})();
