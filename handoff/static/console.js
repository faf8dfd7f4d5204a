// Console live updates. Plain JavaScript, same origin only; resident text is only ever set
// with textContent so nothing a resident typed can become markup.
(function () {
  "use strict";

  var body = document.body;
  var page = body.getAttribute("data-page");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function setStatus(text) {
    var el = document.getElementById("live-status");
    if (el) { el.textContent = text; }
  }

  // An event stream that opens again when the server turned it away (a 503 when a worker holds
  // its cap of open streams closes an EventSource for good): after 5–15 s, with the same listeners.
  function liveStream(url, setup, onWait) {
    var source = new EventSource(url);
    setup(source);
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) { return; }
      if (onWait) { onWait(); }
      setTimeout(function () { liveStream(url, setup, onWait); }, 5000 + Math.random() * 10000);
    });
    return source;
  }

  function onQueuePage() {
    var container = document.getElementById("queue-tables");
    var refreshing = false;
    var again = false;
    var baseTitle = document.title;

    function refresh() {
      if (refreshing) { again = true; return; }
      refreshing = true;
      fetch("/console/queue/rows" + window.location.search, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) {
          if (r.redirected || r.status === 401) { window.location.assign("/console/login"); return null; }
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          // The fragment is rendered (and escaped) by the server's templates.
          if (html !== null && html !== undefined) { container.innerHTML = html; }
          var count = document.getElementById("waiting-count");
          var n = count ? parseInt(count.textContent, 10) || 0 : 0;
          document.title = (n > 0 ? "(" + n + ") " : "") + baseTitle;
        })
        .finally(function () {
          refreshing = false;
          if (again) { again = false; refresh(); }
        });
    }

    var connectedOnce = false;  // after a reconnect, catch up on what the gap missed
    liveStream("/console/events/queue", function (source) {
      source.addEventListener("ready", function () {
        setStatus("自動更新：接続中");
        if (connectedOnce) { refresh(); }
        connectedOnce = true;
      });
      ["handoff_new", "handoff_withdrawn", "handoff_deleted", "handoff_state", "handoff_level", "handoff_opened",
       "crisis_alert"]
        .forEach(function (name) { source.addEventListener(name, refresh); });
      source.onerror = function () { setStatus("自動更新：再接続しています…"); };
    }, function () { setStatus("自動更新：混み合っています。しばらくしてつなぎ直します"); });
  }

  // The same "YYYY-MM-DD HH:MM" (JST) the server renders.
  function jst(iso) {
    var d = new Date(new Date(iso).getTime() + 9 * 3600 * 1000);
    if (isNaN(d.getTime())) { return ""; }
    return d.toISOString().slice(0, 16).replace("T", " ");
  }

  function appendMessage(list, role, text, at) {
    var labels = { resident: "相談者", staff: "相談員", bot: "ボット" };
    var li = document.createElement("li");
    li.className = "msg " + (labels[role] ? role : "other");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = labels[role] || "";
    var when = document.createElement("span");
    when.className = "at";
    when.textContent = at ? jst(at) : "";
    var span = document.createElement("span");
    span.className = "text";
    span.textContent = text || "";
    li.appendChild(who);
    li.appendChild(when);
    li.appendChild(span);
    list.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
  }

  function onHandoffPage() {
    var id = body.getAttribute("data-handoff");
    var list = document.getElementById("messages");
    var form = document.getElementById("reply-form");
    var stateEl = document.getElementById("state");
    var status = document.getElementById("send-status");

    // A new state brings other buttons: reload, unless the caseworker is in the middle of a reply.
    function stateChanged(state) {
      if (!state || state === body.getAttribute("data-state")) { return; }
      body.setAttribute("data-state", state);
      var box = document.getElementById("reply");
      if (!box || !box.value.trim()) { window.location.reload(); return; }
      if (stateEl) { stateEl.textContent = "状態が変わりました（送信後に再読み込みします）"; }
      pendingReload = true;
    }
    var pendingReload = false;

    if (body.getAttribute("data-see-chat") === "yes" && list) {
      liveStream("/console/handoffs/" + encodeURIComponent(id) + "/events", function (source) {
        source.addEventListener("ready", function () { body.setAttribute("data-live", "ready"); });
        source.onerror = function () { body.setAttribute("data-live", "reconnecting"); };
        source.addEventListener("message", function (e) {
          var data = {};
          try { data = JSON.parse(e.data); } catch (err) { return; }
          appendMessage(list, data.role, data.text || (data.label ? "（選択：" + data.label + "）" : ""), data.at);
        });
        source.addEventListener("state", function (e) {
          var data = {};
          try { data = JSON.parse(e.data); } catch (err) { return; }
          stateChanged(data.state);
        });
      }, function () { body.setAttribute("data-live", "waiting"); });
    }

    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var box = document.getElementById("reply");
        var text = box.value;
        if (!text.trim()) { return; }
        var button = document.getElementById("send");
        button.disabled = true;
        if (status) { status.textContent = "送信中…"; }
        fetch("/api/console/handoffs/" + encodeURIComponent(id) + "/messages", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ text: text })
        }).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) {
            if (!r.ok) {
              if (status) { status.textContent = (data && data.detail) || "送信できませんでした"; }
              return;
            }
            box.value = "";
            if (status) { status.textContent = "送信しました"; }
            if (pendingReload) { window.location.reload(); return; }
            stateChanged(data.state);
          });
        }).catch(function () {
          if (status) { status.textContent = "送信できませんでした"; }
        }).finally(function () { button.disabled = false; });
      });
    }
  }

  if (page === "queue") { onQueuePage(); }
  if (page === "handoff") { onHandoffPage(); }
})();
