/* Nothing typed is lost (the checklist page in edit mode).

   Every answer changed and not yet saved is kept in this browser (localStorage) the moment it
   is typed: across navigation, reloads and lost signal. While online, changes are saved to the
   server by themselves a moment later (PATCH with the revision the page was read at). If
   someone saved the checklist meanwhile (409), each item that differs is shown with both
   values for the secretary to choose; nothing is overwritten silently. Evidence goes up as
   soon as it is chosen, with a progress bar, and is retried when the connection drops. A line
   under the form says plainly where the answers are: on the server, or only on this phone. */
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form || form.dataset.simulate || !form.dataset.api) return;
  var api = form.dataset.api;
  var key = "wuxing:checklist:" + form.dataset.checklist;
  var status = document.getElementById("save-status");
  var revisionInput = form.querySelector("[name=revision]");
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var saving = false;
  var leaving = false;
  var afterSave = null;  // a button pressed while a save was on its way: pressed again after
  var busy = 0;  // uploads and revision checks under way: the form waits for them too

  // The form carries the revision it was read at: a press of its buttons waits until saves,
  // uploads and the revision they leave behind have landed, then goes ahead.
  function idle() {
    if (busy || saving || !afterSave) return;
    var submitter = afterSave;
    afterSave = null;
    leaving = true;
    if (submitter === form) form.requestSubmit(); else form.requestSubmit(submitter);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || null; } catch (e) { return null; }
  }
  function store(draft) { localStorage.setItem(key, JSON.stringify(draft)); }
  function forget() { localStorage.removeItem(key); }
  function revision() { return parseInt(revisionInput.value, 10); }

  function say(text, kind) {
    status.textContent = text;
    status.className = "save-status " + (kind || "");
  }
  function clock() {
    var d = new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function readItem(item) {
    if (item.dataset.kind === "bool") {
      var checked = item.querySelector("input[type=radio]:checked");
      return !checked || checked.value === "" ? null : checked.value === "yes";
    }
    var text = item.querySelector("input[type=text]").value.trim();
    return text === "" ? null : text;
  }
  function writeItem(item, value) {
    if (item.dataset.kind === "bool") {
      var wanted = value === true ? "yes" : value === false ? "no" : "";
      item.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = r.value === wanted; });
    } else {
      item.querySelector("input[type=text]").value = value === null ? "" : String(value);
    }
  }
  function items() { return form.querySelectorAll(".item[data-code]:not([data-fact])"); }
  function itemOf(code) { return form.querySelector('.item[data-code="' + code + '"]'); }

  // What the page showed when it loaded: the server's answers at this revision.
  var served = {};
  items().forEach(function (item) { served[item.dataset.code] = readItem(item); });

  // Whether a typed answer and the server's are the same: numbers as the server reads them
  // (full-width digits from a Chinese keyboard, separators, a trailing %), or the page would
  // never believe a save of "９６" and send it again and again.
  function same(a, b) {
    if (a === null || b === null) return a === b;
    if (typeof a === "boolean" || typeof b === "boolean") return a === b;
    var x = toSend(String(a)), y = toSend(String(b));
    return typeof x === "number" && typeof y === "number" ? x === y : String(x) === String(y);
  }
  function shown(value) {
    if (value === null || value === undefined) return "未填";
    if (value === true) return "是";
    if (value === false) return "否";
    return String(value);
  }
  function toSend(value) {
    if (value === null || typeof value === "boolean") return value;
    var FULL = "０１２３４５６７８９．－＋，", HALF = "0123456789.-+,", t = "";
    for (var i = 0; i < value.length; i++) {
      var k = FULL.indexOf(value[i]);
      t += k >= 0 ? HALF[k] : value[i];
    }
    t = t.replace(/[,\s]/g, "").replace(/[%％]$/, "");
    var n = Number(t);
    return t !== "" && !isNaN(n) ? n : value;
  }

  function pending() {
    var draft = load();
    return draft && Object.keys(draft.answers || {}).length ? draft : null;
  }

  function remember(code, value) {
    var draft = load() || { base: revision(), answers: {} };
    if (same(value, served[code]) && draft.base === revision()) delete draft.answers[code];
    else draft.answers[code] = value;
    draft.at = Date.now();
    if (Object.keys(draft.answers).length || draft.saved) store(draft); else forget();
  }

  function schedule() {
    clearTimeout(timer);
    var draft = pending();
    if (!draft) return say("所有答题已保存到服务器。", "ok");
    var n = Object.keys(draft.answers).length;
    if (!navigator.onLine) {
      return say(n + "项修改暂存在本机：现在没有网络，联网后自动保存到服务器。", "local");
    }
    say(n + "项修改暂存在本机，正在保存到服务器……", "local");
    timer = setTimeout(save, 1500);
  }

  function save(chosen) {
    var draft = pending();
    if (!draft || saving) return;
    var answers = {};
    Object.keys(chosen || draft.answers).forEach(function (code) {
      answers[code] = toSend((chosen || draft.answers)[code]);
    });
    saving = true;
    fetch(api, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: answers, revision: chosen ? draft.serverRevision : revision() }),
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (r) {
      saving = false;
      if (r.status === 200) {
        saved(r.body, answers);
        return idle();
      }
      afterSave = null;
      if (r.status === 409) return conflict();
      if (r.status === 400) {
        var errors = (r.body && r.body.answers) || {};
        Object.keys(errors).forEach(function (code) {
          var box = form.querySelector('[data-error-for="' + code + '"]');
          if (box) box.textContent = [].concat(errors[code]).join("；");
        });
        return say("有填写不合要求的项（已标出），改正后自动保存；修改仍暂存在本机。", "bad");
      }
      say("服务器暂时没有保存（" + r.status + "）：修改仍暂存在本机，稍后自动重试。", "local");
      timer = setTimeout(save, 10000);
    }).catch(function () {
      saving = false;
      afterSave = null;
      say("网络断开：修改暂存在本机，联网后自动保存到服务器。", "local");
    });
  }

  function saved(body, answers) {
    revisionInput.value = body.revision;
    Object.keys(answers).forEach(function (code) {
      served[code] = readItem(itemOf(code));
      var box = form.querySelector('[data-error-for="' + code + '"]');
      if (box) box.textContent = "";
    });
    // Remember what this phone saved and at which revision: a copy of the page kept for
    // offline use may be older, and is brought up to date from this when it is opened.
    var draft = load() || { answers: {} };
    draft.saved = draft.saved || {};
    Object.keys(answers).forEach(function (code) {
      draft.saved[code] = served[code];
      if (same(draft.answers[code], served[code])) delete draft.answers[code];
    });
    draft.base = body.revision;
    store(draft);
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ refresh: location.pathname });
    }
    document.getElementById("conflicts").hidden = true;
    if (pending()) return schedule();
    say("所有答题已于 " + clock() + " 保存到服务器。", "ok");
  }

  // Someone saved since this page was read: show each item that differs, both values, and let
  // the secretary choose; then save the choices against the server's new revision.
  function conflict() {
    fetch(api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (checklist) {
        var server = {};
        (checklist.answers || []).forEach(function (a) { server[a.criterion] = a.value; });
        var draft = load();
        draft.serverRevision = checklist.revision;
        store(draft);
        var list = document.getElementById("conflict-list");
        list.innerHTML = "";
        var clashes = 0;
        Object.keys(draft.answers).forEach(function (code) {
          var theirs = code in server ? server[code] : null;
          var mine = draft.answers[code];
          var li = document.createElement("li");
          li.dataset.code = code;
          var label = document.createElement("a");
          label.href = "#c-" + code;
          label.textContent = code;
          li.append(label, document.createTextNode("："));
          [["mine", "我的：" + shown(mine)], ["theirs", "服务器上：" + shown(theirs)]].forEach(function (pair, i) {
            var l = document.createElement("label");
            var r = document.createElement("input");
            r.type = "radio";
            r.name = "keep-" + code;
            r.value = pair[0];
            r.checked = i === 0;
            l.append(r, document.createTextNode(" " + pair[1] + " "));
            li.appendChild(l);
          });
          li.dataset.mine = JSON.stringify(mine);
          li.dataset.theirs = JSON.stringify(theirs);
          if (!same(mine, theirs)) clashes++;
          list.appendChild(li);
        });
        document.getElementById("conflicts").hidden = false;
        say("别人在您之后保存过这份清单：" + clashes + "项与您的修改不同，请逐项选择保留哪个，再点“按所选保存”。", "bad");
      })
      .catch(function () { say("网络断开：修改暂存在本机，联网后自动保存到服务器。", "local"); });
  }

  document.getElementById("conflict-save").addEventListener("click", function () {
    var chosen = {};
    document.querySelectorAll("#conflict-list li").forEach(function (li) {
      var keep = li.querySelector("input:checked").value;
      var value = JSON.parse(keep === "mine" ? li.dataset.mine : li.dataset.theirs);
      chosen[li.dataset.code] = value;
      writeItem(itemOf(li.dataset.code), value);
    });
    var draft = load();
    draft.answers = chosen;
    store(draft);
    save(chosen);
  });

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  function changed(event) {
    var item = event.target.closest && event.target.closest(".item[data-code]");
    if (!item || event.target.type === "file") return;
    remember(item.dataset.code, readItem(item));
    schedule();
  }

  window.addEventListener("online", function () { schedule(); resend(); });
  window.addEventListener("offline", schedule);
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (saving || busy) {
      event.preventDefault();
      afterSave = event.submitter || form;
      return;
    }
    leaving = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !pending()) return;
    event.preventDefault();
    event.returnValue = "有修改还没有保存到服务器（已暂存在本机）。确定离开吗？";
  });

  // A photo moves the checklist's revision on without changing an answer: take the new
  // revision when the server's answers are still the ones this page shows, so the next save
  // is not taken for someone else's.
  function caughtUp() {
    busy++;
    fetch(api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (checklist) {
        if (saving) return;
        var server = {};
        (checklist.answers || []).forEach(function (a) { server[a.criterion] = a.value; });
        var unchanged = Object.keys(served).every(function (code) {
          return same(code in server ? server[code] : null, served[code]);
        });
        if (!unchanged) return;
        revisionInput.value = checklist.revision;
        var draft = load();
        if (draft) { draft.base = checklist.revision; store(draft); }
      })
      .catch(function () { /* the next save will find out */ })
      .then(function () { busy--; idle(); });
  }

  // Evidence: sent as soon as it is chosen, with progress, retried when the line drops.
  var queue = [];
  function resend() { queue.splice(0).forEach(upload); }
  form.querySelectorAll('input[type=file][name^="e-"]').forEach(function (input) {
    input.addEventListener("change", function () {
      var code = input.name.slice(2);
      Array.prototype.forEach.call(input.files, function (file) {
        upload({ code: code, file: file, tries: 0, item: input.closest(".item") });
      });
      input.value = "";  // sent here, not again with the form
    });
  });
  function upload(job) {
    var box = job.row || document.createElement("div");
    if (!job.row) {
      box.className = "upload-progress";
      box.innerHTML = '<span class="name"></span> <progress max="100" value="0"></progress> <span class="state"></span>';
      box.querySelector(".name").textContent = job.file.name;
      job.item.querySelector(".evidence").appendChild(box);
      job.row = box;
    }
    var bar = box.querySelector("progress");
    var state = box.querySelector(".state");
    var data = new FormData();
    data.append("criterion", job.code);
    data.append("file", job.file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", api + "evidence/");
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    };
    xhr.onloadend = function () { busy--; idle(); };
    xhr.onload = function () {
      if (xhr.status === 201) {
        bar.value = 100;
        state.textContent = "已上传";
        box.classList.add("done");
        return caughtUp();
      }
      var detail = "";
      try { detail = JSON.parse(xhr.responseText).detail || JSON.parse(xhr.responseText).file; } catch (e) { /* */ }
      state.textContent = "未上传：" + (detail || xhr.status);
      box.classList.add("failed");
    };
    xhr.onerror = function () {
      job.tries++;
      if (!navigator.onLine || job.tries > 5) {
        state.textContent = "网络断开，联网后自动重传";
        queue.push(job);
        return;
      }
      state.textContent = "网络不稳，第" + job.tries + "次重试……";
      setTimeout(function () { upload(job); }, 1000 * Math.pow(2, job.tries));
    };
    state.textContent = "上传中";
    busy++;
    xhr.send(data);
  }

  // On arrival: answers kept here from before (a reload, a lost signal, the phone's back
  // button) are put back on the page; if the server moved on meanwhile, the choice is asked.
  var draft = load();
  if (draft && draft.base > revision()) {
    // An older copy of the page (opened offline): bring it up to what this phone saved.
    revisionInput.value = draft.base;
    Object.keys(draft.saved || {}).forEach(function (code) {
      var item = itemOf(code);
      if (item) { writeItem(item, draft.saved[code]); served[code] = draft.saved[code]; }
    });
  } else if (draft) {
    delete draft.saved;  // the page is as new as what was saved, or newer
  }
  if (draft) {  // what the server already holds (a form saved the usual way) is done with
    draft.answers = draft.answers || {};
    Object.keys(draft.answers).forEach(function (code) {
      if (!(code in served) || same(draft.answers[code], served[code])) delete draft.answers[code];
    });
    if (Object.keys(draft.answers).length || draft.saved) store(draft); else forget();
    draft = pending();
  }
  if (draft) {
    Object.keys(draft.answers).forEach(function (code) {
      var item = itemOf(code);
      if (item) writeItem(item, draft.answers[code]);
    });
    if (draft.base !== revision()) {
      say("本机有上次未保存的修改，而服务器上的清单已被更新：请在下方逐项选择。", "bad");
      if (navigator.onLine) conflict();
    } else {
      schedule();
    }
    form.dispatchEvent(new Event("change"));  // the star preview follows the restored answers
  } else {
    say("所有答题已保存到服务器。", "ok");
  }
})();
