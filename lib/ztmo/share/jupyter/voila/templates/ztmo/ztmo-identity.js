/* ztmo page script: one participant, one identity, one app (see ztmo.ui.journey).
 *
 * - The app writes a hidden <span class="ztmo-identity" data-sessie data-deelnemer
 *   data-stap data-vergeet>. We copy those codes into the address (so a reload, a
 *   bookmark or a restored tab comes back as the same person, on the same step) and into
 *   this browser's memory (so the join link opened again returns the same participant).
 * - A click on a link with data-ztmo-stap is sent to the app through its hidden
 *   .ztmo-bridge field, so the view changes inside the same kernel. Without the app (or
 *   with a modifier key) the link works as an ordinary link.
 * - After Volgende/Vorige or a change of view (by the participant or by the trainer's
 *   "Volgende stap"), the top of the new step is scrolled into view (the app marks it
 *   with .ztmo-step-anchor).
 * - The page's <body> carries the step and whether this page has joined a session
 *   (data-ztmo-stap, data-ztmo-lid), so the page style can show the welcome text only on
 *   the start step and put the join form first on a phone that has not joined yet.
 * - Voila's #rendered_cells is the page's scrolling area: it takes keyboard focus, so a
 *   page without buttons (the projector) can be scrolled without a mouse (WCAG 2.1.1).
 * Only codes that match a strict pattern are read or written; nothing from the page is
 * ever inserted as HTML or executed.
 */
(function () {
  "use strict";
  var SAFE = /^[A-Za-z0-9-]{0,32}$/;
  var PREFIX = "ztmo.deelnemer.";
  var KEY_PREFIX = "ztmo.sleutel."; /* only on the trainer's own laptop */
  var LAST = "ztmo.laatste";
  var LAST_MAX_AGE = 24 * 3600 * 1000;

  function memory() {
    try {
      var probe = "ztmo.probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; /* private mode or blocked: the address still carries the identity */
    }
  }
  var mem = memory();
  function get(k) { try { return mem ? mem.getItem(k) : null; } catch (e) { return null; } }
  function put(k, v) { try { if (mem) { mem.setItem(k, v); } } catch (e) { /* full */ } }
  function drop(k) { try { if (mem) { mem.removeItem(k); } } catch (e) { /* ignore */ } }
  function last() {
    try {
      var v = JSON.parse(get(LAST) || "null");
      if (v && SAFE.test(v.sessie) && SAFE.test(v.deelnemer) && Date.now() - v.tijd < LAST_MAX_AGE) {
        return v;
      }
    } catch (e) { /* ignore a broken memory */ }
    return null;
  }

  var seq = 0;
  function send(message) {
    var input = document.querySelector(".ztmo-bridge input");
    if (!input) { return false; }
    seq += 1;
    input.value = message + "#" + seq;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  function setParam(url, key, value) {
    if (value) { url.searchParams.set(key, value); } else { url.searchParams.delete(key); }
  }

  var shown = "";
  var shownStep = null;
  function flag(body, name, on) {
    if (on) { body.setAttribute(name, "1"); } else { body.removeAttribute(name); }
  }
  function markBody(stap, code, joined) {
    var body = document.body;
    if (!body) { return; }
    body.setAttribute("data-ztmo-stap", stap || "start");
    flag(body, "data-ztmo-code", code);
    flag(body, "data-ztmo-lid", joined);
  }
  function syncIdentity(el) {
    if (el.getAttribute("data-echt") !== "1") { return; } /* preheated, request not yet seen */
    var trainer = el.hasAttribute("data-sleutel"); /* the trainer's control panel */
    if (!trainer) {
      var stap = el.getAttribute("data-stap") || "start";
      if (SAFE.test(stap)) {
        markBody(stap, !!el.getAttribute("data-sessie"), !!el.getAttribute("data-deelnemer"));
        /* Another step than before (the trainer's pace, the menu): show its top. */
        if (shownStep !== null && stap !== shownStep) { scrollToStep(stap); }
        shownStep = stap;
      }
    }
    var keys = trainer ? ["sessie", "sleutel", "vergeet"] : ["sessie", "deelnemer", "stap", "vergeet"];
    var v = {};
    for (var i = 0; i < keys.length; i++) {
      v[keys[i]] = el.getAttribute("data-" + keys[i]) || "";
      if (!SAFE.test(v[keys[i]])) { return; }
    }
    var key = JSON.stringify(v);
    if (key === shown) { return; }
    shown = key;
    var prefix = trainer ? KEY_PREFIX : PREFIX;
    if (v.vergeet) {
      drop(prefix + v.vergeet);
      var l = last();
      if (!trainer && l && l.sessie === v.vergeet) { drop(LAST); }
    }
    var url = new URL(window.location.href);
    setParam(url, "sessie", v.sessie);
    if (trainer) {
      setParam(url, "sleutel", v.sleutel);
    } else {
      setParam(url, "deelnemer", v.deelnemer);
      setParam(url, "stap", v.stap === "start" ? "" : v.stap);
    }
    if (url.href !== window.location.href) {
      window.history.replaceState(window.history.state, "", url.href);
    }
    var secret = trainer ? v.sleutel : v.deelnemer;
    if (v.sessie && secret) {
      put(prefix + v.sessie, secret);
      if (!trainer) {
        put(LAST, JSON.stringify({ sessie: v.sessie, deelnemer: secret, tijd: Date.now() }));
      }
    }
  }

  /* The app is there: if the address names nobody, tell it whom we remember. */
  var asked = false;
  function askRemembered() {
    if (asked || !document.querySelector(".ztmo-bridge input")) { return; }
    asked = true;
    var url = new URL(window.location.href);
    var trainer = /\/trainer\.ipynb$/.test(url.pathname);
    if (url.searchParams.get(trainer ? "sleutel" : "deelnemer")) { return; }
    var sessie = (url.searchParams.get("sessie") || "").toUpperCase();
    var secret = "";
    if (sessie && SAFE.test(sessie)) {
      secret = get((trainer ? KEY_PREFIX : PREFIX) + sessie) || "";
    } else if (!sessie && !trainer) {
      var l = last();
      if (l) { sessie = l.sessie; secret = l.deelnemer; }
    }
    if (sessie && secret && SAFE.test(secret)) { send("who:" + sessie + ":" + secret); }
  }

  var wantScroll = 0;
  var anchors = {};
  function scrollToNewStep() {
    var now = {};
    var fresh = null;
    var list = document.querySelectorAll(".ztmo-step-anchor");
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      if (el.offsetParent === null) { continue; } /* hidden */
      var step = el.getAttribute("data-step") || "";
      now[step] = true;
      if (!anchors[step] && fresh === null) { fresh = el; }
    }
    anchors = now;
    if (fresh && Date.now() - wantScroll < 8000) {
      wantScroll = 0;
      var target = fresh.parentElement || fresh;
      target.scrollIntoView({ block: "start" });
    }
  }

  /* The step's view is there already: its top now; else as soon as its anchor comes. */
  function scrollToStep(stap) {
    var el = document.querySelector('.ztmo-step-anchor[data-step="view:' + stap + '"]');
    if (el && el.offsetParent !== null) {
      anchors["view:" + stap] = true;
      (el.parentElement || el).scrollIntoView({ block: "start" });
    } else {
      wantScroll = Date.now();
    }
  }

  var queued = false;
  function onChange() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      var cells = document.getElementById("rendered_cells");
      if (cells && !cells.hasAttribute("tabindex")) { cells.setAttribute("tabindex", "0"); }
      var ids = document.querySelectorAll(".ztmo-identity");
      if (ids.length) { syncIdentity(ids[ids.length - 1]); }
      askRemembered();
      scrollToNewStep();
    });
  }

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!t || !t.closest) { return; }
    if (t.closest(".ztmo-next, .ztmo-prev")) { wantScroll = Date.now(); return; }
    var link = t.closest("a[data-ztmo-stap]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) { return; }
    var stap = link.getAttribute("data-ztmo-stap") || "";
    if (SAFE.test(stap) && send("go:" + stap)) {
      event.preventDefault();
      wantScroll = Date.now();
    }
  }, true);

  function start() {
    new MutationObserver(onChange).observe(document.body, { childList: true, subtree: true });
    onChange();
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
