// tobira chat widget: one <script src=".../widget.js" data-exit-url="..." defer></script> on the
// city's page (docs/WIDGET.md). Plain JavaScript, nothing from other sites, no cookies. Everything
// lives in the open shadow root of one <tobira-chat> element; text is always inserted as text.
(function () {
  "use strict";
  if (!window.customElements || customElements.get("tobira-chat")) return;
  var script = document.currentScript;
  var base = new URL(script.src, location.href).origin;
  var exitUrl = script.getAttribute("data-exit-url") || "about:blank";
  var KEY = "tobira.s", PREFS = "tobira.p", HEADER = "X-Tobira-Session";
  var T = {
    ja: {
      open: "相談する", title: "くらしの相談", min: "小さくする（Esc）", exit: "すぐに閉じる",
      exitTip: "画面をすぐに切り替え、この端末から会話を消します", menu: "メニュー", send: "送る",
      input: "メッセージ", log: "会話", opts: "選べる答え", lang: "言語", big: "文字を大きく",
      resume: "続きから話せるようにする", del: "会話を削除する", staff: "相談員", me: "あなた",
      bot: "とびら", newMsg: "新しいメッセージがあります",
      offline: "つながりにくいようです。少し待って、もう一度送ってください。",
      notAllowed: "申し訳ありません。このページからは相談チャットを使えない設定になっています。市のホームページの相談窓口のページから、もう一度お試しください。",
      tooLong: "メッセージが長すぎます。短く分けて送ってください。", retry: "うまく受け取れませんでした。もう一度送ってください。",
      resumeHelp: "ふだんは、このタブを閉じると会話はこの端末から消えます。別の日に続きを話したいときは、どちらかを選んでください。",
      getCode: "再開コードを表示する", codeIs: "再開コード（書き留めてください。{d}まで使えます）：",
      remember: "この端末で覚えておく", remembered: "この端末で覚えています。共用の端末では「忘れる」を押してください。",
      forget: "忘れる", haveCode: "再開コードをお持ちの方", useCode: "続きを開く", codeLabel: "再開コード",
      noStart: "まだ相談が始まっていません。", badCode: "そのコードでは続きが見つかりませんでした。もう一度確かめてください。",
      busy: "何度も違うコードが入力されました。しばらくしてから試してください。"
    },
    "ja-easy": {
      open: "そうだんする", title: "くらしの そうだん", min: "ちいさくする（Esc）", exit: "すぐに とじる",
      exitTip: "すぐに ほかの がめんに かえて、この きかいから かいわを けします", menu: "メニュー", send: "おくる",
      input: "メッセージ", log: "かいわ", opts: "えらべる こたえ", lang: "ことば", big: "もじを おおきく",
      resume: "つぎに つづきを はなせるように する", del: "かいわを けす", staff: "相談員（そうだんいん）", me: "あなた",
      bot: "とびら", newMsg: "あたらしい メッセージが あります",
      offline: "つながりにくいです。すこし まってから、もういちど おくってください。",
      notAllowed: "ごめんなさい。この ページでは チャットを つかえません。しやくしょの ホームページの そうだんの ページから つかってください。",
      tooLong: "メッセージが ながすぎます。みじかく わけて おくってください。", retry: "うまく うけとれませんでした。もういちど おくってください。",
      resumeHelp: "この タブを とじると、かいわは この きかいから きえます。べつの ひに つづきを はなしたい ときは、どちらかを えらんでください。",
      getCode: "さいかい コードを みる", codeIs: "さいかい コード（かみに かいて ください。{d}まで つかえます）：",
      remember: "この きかいで おぼえておく", remembered: "この きかいで おぼえています。みんなで つかう きかいでは「わすれる」を おしてください。",
      forget: "わすれる", haveCode: "さいかい コードを もっている ひと", useCode: "つづきを ひらく", codeLabel: "さいかい コード",
      noStart: "まだ そうだんが はじまっていません。", badCode: "その コードでは つづきが みつかりませんでした。",
      busy: "なんども ちがう コードが いれられました。しばらく まってください。"
    },
    en: {
      open: "Talk to us", title: "Living support chat", min: "Minimise (Esc)", exit: "Quick exit",
      exitTip: "Leave this page at once and clear the chat from this device", menu: "Menu", send: "Send",
      input: "Message", log: "Conversation", opts: "Answers to choose", lang: "Language", big: "Larger text",
      resume: "Let me continue another day", del: "Delete this conversation", staff: "Caseworker (相談員)", me: "You",
      bot: "tobira", newMsg: "You have a new message",
      offline: "We can't connect right now. Please wait a moment and send again.",
      notAllowed: "Sorry, the chat cannot be used from this page. Please try again from the consultation page on the city's website.",
      tooLong: "That message is too long. Please send it in shorter parts.", retry: "We couldn't read that. Please send it again.",
      resumeHelp: "Normally the chat disappears from this device when you close this tab. To continue on another day, choose one:",
      getCode: "Show a resume code", codeIs: "Resume code (write it down; it works until {d}): ",
      remember: "Remember on this device", remembered: "Remembered on this device. On a shared device, press Forget.",
      forget: "Forget", haveCode: "Have a resume code?", useCode: "Continue", codeLabel: "Resume code",
      noStart: "The conversation has not started yet.", badCode: "No conversation was found for that code. Please check it.",
      busy: "Too many wrong codes. Please try again later."
    }
  };
  var LANGS = [["ja", "日本語"], ["ja-easy", "やさしい日本語"], ["en", "English"]];
  var prefs = {};
  try { prefs = JSON.parse(sessionStorage.getItem(PREFS) || "{}") || {}; } catch (e) { prefs = {}; }
  var pageLang = (document.documentElement.lang || "").toLowerCase();
  var lang = T[prefs.lang] ? prefs.lang : pageLang.indexOf("en") === 0 ? "en" : "ja";
  var stream = null, unread = false, queue = Promise.resolve();

  function tr(k) { return T[lang][k]; }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function savePrefs() { sessionStorage.setItem(PREFS, JSON.stringify(prefs)); }
  function token(create) {
    var id = sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
    if (!id && create) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }
    if (id) sessionStorage.setItem(KEY, id);
    return id;
  }
  function forgetAll() {
    [sessionStorage, localStorage].forEach(function (s) { s.removeItem(KEY); s.removeItem(PREFS); });
    if (stream) { stream.abort(); stream = null; }
  }

  // ---------------------------------------------------------------- the element and its parts
  var host = el("tobira-chat");
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
  var launcher = el("button", { type: "button", class: "launcher" });
  var panel = el("section", { class: "panel", hidden: "", "aria-labelledby": "t-title" });
  var head = el("div", { class: "head" });
  var title = el("h2", { id: "t-title" });
  var menuBtn = el("button", { type: "button", "aria-expanded": "false", "aria-controls": "t-menu" });
  var hide = el("button", { type: "button", class: "icon" }, "—");
  var exit = el("button", { type: "button", class: "exit" });
  [title, menuBtn, hide, exit].forEach(function (n) { head.appendChild(n); });
  var menu = el("div", { class: "menu", id: "t-menu", hidden: "" });
  var langSel = el("select", { id: "t-lang" });
  LANGS.forEach(function (l) { langSel.appendChild(el("option", { value: l[0], lang: l[0] === "en" ? "en" : "ja" }, l[1])); });
  var langLabel = el("label", { for: "t-lang" });
  var bigBtn = el("button", { type: "button", "aria-pressed": "false" });
  var resumeBtn = el("button", { type: "button", "aria-expanded": "false", "aria-controls": "t-resume" });
  var delBtn = el("button", { type: "button" });
  [langLabel, langSel, bigBtn, resumeBtn, delBtn].forEach(function (n) { menu.appendChild(n); });
  var resumeBox = el("div", { class: "resume", id: "t-resume", hidden: "" });
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" });
  var options = el("div", { class: "options", role: "group" });
  var form = el("form", { class: "form" });
  var inputLabel = el("label", { for: "t-input", class: "sr" });
  var input = el("textarea", { id: "t-input", rows: "2", maxlength: "5000" });
  var sendBtn = el("button", { type: "submit" });
  [inputLabel, input, sendBtn].forEach(function (n) { form.appendChild(n); });
  [head, menu, resumeBox, log, options, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);
  document.body.appendChild(host);

  function chrome() {
    host.setAttribute("lang", lang === "en" ? "en" : "ja");
    launcher.textContent = unread ? tr("open") + " ●" : tr("open");
    launcher.setAttribute("aria-label", unread ? tr("open") + "（" + tr("newMsg") + "）" : tr("open"));
    title.textContent = tr("title");
    menuBtn.textContent = tr("menu");
    hide.setAttribute("aria-label", tr("min"));
    hide.title = tr("min");
    exit.textContent = tr("exit");
    exit.title = tr("exitTip");
    langLabel.textContent = tr("lang");
    langSel.value = lang;
    bigBtn.textContent = tr("big");
    resumeBtn.textContent = tr("resume");
    delBtn.textContent = tr("del");
    log.setAttribute("aria-label", tr("log"));
    options.setAttribute("aria-label", tr("opts"));
    inputLabel.textContent = tr("input");
    sendBtn.textContent = tr("send");
    Array.prototype.forEach.call(log.querySelectorAll(".msg"), stamp);
    if (!resumeBox.hidden) resumePanel();
  }

  // ---------------------------------------------------------------- messages and buttons
  function stamp(node) {
    var who = node.querySelector(".who"), at = node.querySelector("time");
    who.textContent = tr(node.getAttribute("data-who"));
    if (at) {
      var d = new Date(at.getAttribute("datetime"));
      at.textContent = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "ja-JP", {
        month: lang === "en" ? "short" : "numeric", day: "numeric", weekday: "short",
        hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tokyo"
      }).format(d);
    }
  }
  function show(text, who, at) {
    if (!text) return null;
    var node = el("div", { class: "msg " + who, "data-who": who, tabindex: "-1" });
    node.appendChild(el("span", { class: who === "staff" ? "who" : "who sr" }));
    if (at || who === "staff") node.appendChild(el("time", { datetime: at || new Date().toISOString() }));
    node.appendChild(el("p", {}, text));
    stamp(node);
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }
  function setOptions(list) {
    options.textContent = "";
    (list || []).forEach(function (o) {
      var b = el("button", { type: "button", "data-code": o.code }, o.label);
      b.addEventListener("click", function () { send({ code: o.code }, o.label, true); });
      options.appendChild(b);
    });
    options.hidden = !options.childElementCount;
  }
  function focusAfter(last, fromButton) {
    if (root.activeElement === input && input.value) return; // already typing: do not move
    var first = options.querySelector("button");
    if (first) first.focus();
    else if (fromButton && last) last.focus();
    else input.focus();
  }
  function clearPanel() {
    log.textContent = "";
    setOptions([]);
    resumeBox.textContent = "";
    resumeBox.hidden = true;
    resumeBtn.setAttribute("aria-expanded", "false");
  }

  // ---------------------------------------------------------------- talking to tobira
  function api(path, method, body) {
    var headers = { "Content-Type": "application/json" }, tok = token(false);
    if (tok) headers[HEADER] = tok;
    return fetch(base + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    });
  }
  function trouble() {
    // a CORS refusal and a network failure look alike; an opaque request tells them apart
    return fetch(base + "/widget.css", { mode: "no-cors", credentials: "omit" })
      .then(function () { return "notAllowed"; }, function () { return "offline"; })
      .then(function (key) { show(tr(key), "bot").classList.add("error"); });
  }
  function failed(r) {
    return r.json().catch(function () { return {}; }).then(function (d) {
      var key = { 413: "tooLong", 404: "badCode", 429: "busy" }[r.status] || "retry";
      show(lang === "ja" && d.error ? d.error : tr(key), "bot").classList.add("error");
    });
  }
  function send(payload, echo, fromButton) {
    // one turn at a time, in the order the person sent them
    if (echo) show(echo, "me");
    if (fromButton) setOptions([]);
    queue = queue.then(function () { return turn(payload, fromButton); });
    return queue;
  }
  function turn(payload, fromButton) {
    token(true);
    return api("/api/chat/send", "POST", payload).then(function (r) {
      if (!r.ok) return failed(r);
      return r.json().then(function (data) {
        var last = null;
        if (data.ended) { forgetAll(); clearPanel(); }
        (data.messages || []).forEach(function (m) { last = show(m, "bot") || last; });
        if (!data.silent) setOptions(data.options);
        if (!data.ended) listen();
        focusAfter(last, fromButton);
      });
    }).catch(trouble);
  }
  function first() {
    send({ event: "follow" });
    return lang === "ja" ? queue : send({ code: "c:lang:" + lang }); // the language chosen already
  }
  var langChanges = 0; // a language chosen while the history loads wins over the stored one
  function load() {
    if (!token(false)) return first();
    var changesBefore = langChanges;
    return api("/api/chat/history", "GET").then(function (r) {
      if (!r.ok) return failed(r);
      return r.json().then(function (data) {
        clearPanel();
        if (!data.turns.length) return first();
        var chosenMeanwhile = langChanges !== changesBefore;
        if (T[data.locale] && data.locale !== lang && !chosenMeanwhile) { lang = data.locale; chrome(); }
        var last = null;
        data.turns.forEach(function (t) { last = show(t.text, t.role === "resident" ? "me" : t.role, t.at) || last; });
        setOptions(data.options);
        listen();
        focusAfter(last, true);
      });
    }).catch(trouble);
  }
  function onEvent(raw) {
    var name = "message", data = "";
    raw.split(/\r?\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) name = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
    });
    if (name !== "message" || !data) return;
    var ev = JSON.parse(data), last = null;
    (ev.messages || []).forEach(function (m) { last = show(m, ev.type === "staff" ? "staff" : "bot") || last; });
    setOptions(ev.options || []);
    if (panel.hidden) { unread = true; chrome(); }
    else if (ev.options && ev.options.length) focusAfter(last, true);
  }
  function listen() {
    var tok = token(false);
    if (stream || !tok || !window.ReadableStream) return;
    var ctrl = new AbortController();
    stream = ctrl;
    var h = {};
    h[HEADER] = tok;
    fetch(base + "/api/chat/events", { headers: h, signal: ctrl.signal, credentials: "omit", cache: "no-store" })
      .then(function (r) {
        if (r.status === 503) {  // this worker holds its cap of open streams: come back later
          var wait = parseInt(r.headers.get("Retry-After"), 10) || 5;
          throw { later: (wait + Math.random() * 10) * 1000 };
        }
        if (!r.ok || !r.body) throw new Error("events");
        var reader = r.body.getReader(), dec = new TextDecoder(), buf = "";
        function pump() {
          return reader.read().then(function (x) {
            if (x.done) throw new Error("closed");
            buf += dec.decode(x.value, { stream: true });
            var parts = buf.split(/\r?\n\r?\n/);
            buf = parts.pop();
            parts.forEach(onEvent);
            return pump();
          });
        }
        return pump();
      })
      .catch(function (e) {
        if (stream !== ctrl) return;
        stream = null;
        if (!ctrl.signal.aborted) setTimeout(listen, (e && e.later) || 5000);
      });
  }

  // ---------------------------------------------------------------- resuming another day
  function resumePanel(code, expires) {
    resumeBox.textContent = "";
    resumeBox.appendChild(el("p", {}, tr("resumeHelp")));
    var getCode = el("button", { type: "button" }, tr("getCode"));
    getCode.addEventListener("click", function () {
      api("/api/chat/resume-code", "POST").then(function (r) {
        if (!r.ok) { resumeBox.appendChild(el("p", { role: "status" }, tr("noStart"))); return; }
        return r.json().then(function (d) { resumePanel(d.code, d.expires); resumeBox.querySelector("strong").focus(); });
      }).catch(trouble);
    });
    resumeBox.appendChild(getCode);
    if (code) {
      var p = el("p", { role: "status" }, tr("codeIs").replace("{d}", expires));
      p.appendChild(el("strong", { class: "code", tabindex: "-1" }, code));
      resumeBox.appendChild(p);
    }
    var kept = !!localStorage.getItem(KEY);
    var keep = el("button", { type: "button" }, kept ? tr("forget") : tr("remember"));
    keep.addEventListener("click", function () {
      if (kept) localStorage.removeItem(KEY);
      else if (token(false)) localStorage.setItem(KEY, token(false));
      resumePanel();
      resumeBox.querySelectorAll("button")[1].focus();
    });
    resumeBox.appendChild(keep);
    if (kept) resumeBox.appendChild(el("p", { role: "status" }, tr("remembered")));
    var f = el("form", { class: "use" });
    f.appendChild(el("label", { for: "t-code" }, tr("haveCode")));
    var field = el("input", { id: "t-code", autocomplete: "off", "aria-label": tr("codeLabel"), maxlength: "20" });
    f.appendChild(field);
    f.appendChild(el("button", { type: "submit" }, tr("useCode")));
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      api("/api/chat/resume", "POST", { code: field.value }).then(function (r) {
        if (!r.ok) return failed(r);
        return r.json().then(function (d) {
          sessionStorage.setItem(KEY, d.session);
          if (stream) { stream.abort(); stream = null; }
          return load();
        });
      }).catch(trouble);
    });
    resumeBox.appendChild(f);
  }

  // ---------------------------------------------------------------- opening, closing, leaving
  function toggle(btn, box) {
    var open = box.hidden;
    box.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
  }
  function minimise() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.focus();
  }
  launcher.addEventListener("click", function () {
    panel.hidden = false;
    launcher.hidden = true;
    unread = false;
    chrome();
    load();
  });
  hide.addEventListener("click", minimise);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); minimise(); } });
  exit.addEventListener("click", function () {
    clearPanel();
    forgetAll();
    location.replace(exitUrl);
  });
  menuBtn.addEventListener("click", function () { toggle(menuBtn, menu); });
  resumeBtn.addEventListener("click", function () { toggle(resumeBtn, resumeBox); if (!resumeBox.hidden) resumePanel(); });
  delBtn.addEventListener("click", function () { send({ code: "c:delete" }, delBtn.textContent, true); });
  bigBtn.addEventListener("click", function () {
    prefs.big = !prefs.big;
    savePrefs();
    panel.classList.toggle("big", prefs.big);
    bigBtn.setAttribute("aria-pressed", String(prefs.big));
  });
  langSel.addEventListener("change", function () {
    langChanges += 1;
    lang = langSel.value;
    prefs.lang = lang;
    savePrefs();
    chrome();
    if (token(false)) send({ code: "c:lang:" + lang });
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text, false);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  panel.classList.toggle("big", !!prefs.big);
  bigBtn.setAttribute("aria-pressed", String(!!prefs.big));
  options.hidden = true;
  chrome();
})();
