// tobira chat widget: one <script src="/widget.js" data-exit-url="..."> tag on the city's page.
// Plain JavaScript, nothing loaded from other sites. Text is always inserted as text, never HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href).origin;
  var exitUrl = script.getAttribute("data-exit-url") || "about:blank";
  var KEY = "tobira.s"; // a random id; the service keeps only its keyed hash
  var events = null;

  function sessionId() {
    var id = localStorage.getItem(KEY);
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      localStorage.setItem(KEY, id);
    }
    return id;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  if (!document.querySelector('link[href$="/widget.css"]')) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
  }
  var open = el("button", { id: "tobira-open", type: "button" }, "相談する");
  var panel = el("section", { id: "tobira-panel", hidden: "", "aria-label": "相談チャット" });
  var head = el("div", { class: "tobira-head" });
  head.appendChild(el("span", {}, "くらしの相談"));
  var exit = el("button", { type: "button", id: "tobira-exit", title: "すぐに画面を閉じます" }, "すぐに閉じる");
  var hide = el("button", { type: "button", id: "tobira-hide" }, "−");
  var buttons = el("span");
  buttons.appendChild(hide);
  buttons.appendChild(document.createTextNode(" "));
  buttons.appendChild(exit);
  head.appendChild(buttons);
  var log = el("div", { class: "tobira-log", "aria-live": "polite" });
  var options = el("div", { class: "tobira-options" });
  var form = el("form", { class: "tobira-form" });
  var input = el("textarea", { rows: "2", "aria-label": "メッセージ", maxlength: "5000" });
  form.appendChild(input);
  form.appendChild(el("button", { type: "submit" }, "送る"));
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(options);
  panel.appendChild(form);
  document.body.appendChild(open);
  document.body.appendChild(panel);

  function show(text, who) {
    log.appendChild(el("div", { class: "tobira-msg tobira-" + who }, text));
    log.scrollTop = log.scrollHeight;
  }

  function setOptions(list) {
    options.textContent = "";
    (list || []).forEach(function (o) {
      var b = el("button", { type: "button", "data-code": o.code }, o.label);
      b.addEventListener("click", function () { send({ code: o.code }, o.label); });
      options.appendChild(b);
    });
  }

  function listen() {
    if (events || !window.EventSource) return;
    events = new EventSource(base + "/api/chat/events?session=" + encodeURIComponent(sessionId()));
    events.addEventListener("message", function (e) {
      var data = JSON.parse(e.data);
      (data.messages || (data.text ? [data.text] : [])).forEach(function (m) { show(m, data.type === "staff" ? "staff" : "bot"); });
      setOptions(data.options || []); // while a caseworker has the chat there is nothing to press
    });
    events.onerror = function () { events.close(); events = null; setTimeout(listen, 5000); };
  }

  function send(payload, echo) {
    if (echo) show(echo, "me");
    payload.session = sessionId();
    return fetch(base + "/api/chat/send", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (data.error) { show(data.error, "bot"); return; }
      (data.messages || []).forEach(function (m) { show(m, "bot"); });
      if (!data.silent) setOptions(data.options);
      listen();
    }).catch(function () { show("つながりにくいようです。少し待って、もう一度送ってください。", "bot"); });
  }

  open.addEventListener("click", function () {
    panel.hidden = false;
    open.hidden = true;
    if (!log.childElementCount) send({ event: "follow" });
  });
  hide.addEventListener("click", function () { panel.hidden = true; open.hidden = false; });
  exit.addEventListener("click", function () {
    log.textContent = "";
    options.textContent = "";
    if (events) events.close();
    location.replace(exitUrl);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });
})();
