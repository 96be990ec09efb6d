/* Live star preview for the checklist page: every change is scored by the same API that
   powers the "what if" simulator, without reloading the page or saving anything. */
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  var preview = document.getElementById("preview");
  if (!form || !preview) return;
  var url = preview.dataset.scoreUrl;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var FULL = "０１２３４５６７８９．－＋，";
  var HALF = "0123456789.-+,";
  var timer = null;
  var latest = 0;
  var namesNode = document.getElementById("label-names");
  var NAMES = namesNode ? JSON.parse(namesNode.textContent) : { stars: {}, criteria: {} };

  // A code never goes without its name: "ZB 组织建设星", "CY-01 村集体经济…".
  function star(code) { return (code + " " + (NAMES.stars[code] || "")).trim(); }
  function criteria(codes) {
    return codes.map(function (c) { return (c + " " + (NAMES.criteria[c] || "")).trim(); }).join("、");
  }

  function toNumber(text) {
    var t = "";
    for (var i = 0; i < text.length; i++) {
      var k = FULL.indexOf(text[i]);
      t += k >= 0 ? HALF[k] : text[i];
    }
    t = t.replace(/[,，\s]/g, "").replace(/%$/, "");
    if (t === "") return null;
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
  }

  function setError(code, message) {
    var p = form.querySelector('[data-error-for="' + code + '"]');
    if (p) p.textContent = message || "";
    var item = document.getElementById("c-" + code);
    if (item) item.classList.toggle("has-error", !!message);
  }

  function collect() {
    var answers = {};
    var unanswered = 0;
    form.querySelectorAll(".item").forEach(function (item) {
      var code = item.dataset.code;
      var veto = !!item.querySelector(".tag.bad");
      var value = null;
      if (item.dataset.fact) {
        value = item.dataset.fact === "yes";  // a register's answer, shown locked
      } else if (item.dataset.kind === "bool") {
        var checked = item.querySelector("input[type=radio]:checked");
        value = checked && checked.value === "yes" ? true : checked && checked.value === "no" ? false : null;
      } else {
        var input = item.querySelector("input[type=text]");
        value = toNumber(input.value);
        if (Number.isNaN(value)) {
          setError(code, "“" + input.value + "”不是数字。");
          return;
        }
      }
      setError(code, "");
      if (value === null && !veto) unanswered++;
      answers[code] = value;
    });
    return { answers: answers, unanswered: unanswered };
  }

  function text(s) {
    if (s.earned) return "达标";
    var why = [];
    if (s.vetoed_by.length) why.push("一票否决：" + criteria(s.vetoed_by) + "（发生了一票否决事项，本星不能评定）");
    else if (s.missing_base) why.push("缺基础星：本星分数已达标，但基础星未获得；按规定，未获基础星的不能评其他星。");
    if (s.unmet_hard.length) why.push("硬指标未达：" + criteria(s.unmet_hard) + "（硬指标必须达到，总分再高也不能得星）");
    if (s.points_short > 0) why.push("差" + s.points_short.toFixed(1) + "分达到本星合格分");
    return why.join(" ");
  }

  function render(data, unanswered) {
    document.getElementById("level").textContent = data.level;
    var list = document.getElementById("star-list");
    list.innerHTML = "";
    data.stars.forEach(function (s) {
      var li = document.createElement("li");
      li.className = "star" + (s.earned ? " earned" : "");
      li.dataset.star = s.code;
      var b = document.createElement("b");
      b.textContent = star(s.code);
      var score = document.createElement("span");
      score.className = "score";
      score.textContent = " " + s.score.toFixed(1) + " ";
      var why = document.createElement("span");
      why.className = "why";
      why.textContent = text(s);
      li.append(b, score, why);
      list.appendChild(li);
      var chip = document.querySelector('[data-chip="' + s.code + '"]');
      if (chip) {
        chip.querySelector("b").textContent = s.score.toFixed(1);
        chip.classList.toggle("ok", s.earned);
      }
      var tag = document.querySelector('[data-star-score="' + s.code + '"]');
      if (tag) {
        tag.textContent = s.score.toFixed(1) + "分";
        tag.classList.toggle("ok", s.earned);
      }
    });
    var box = document.getElementById("suggestions");
    box.innerHTML = "";
    data.suggestions.forEach(function (g) {
      var p = document.createElement("p");
      p.dataset.suggestion = g.star;
      if (!g.possible) p.textContent = star(g.star) + "：已触发一票否决，本年度无法获得";
      else if (!g.criteria.length) p.textContent = star(g.star) + "：本星已达标，须先获得基础星";
      else p.textContent = star(g.star) + "：再达成 " + criteria(g.criteria) + " 即可获得" + (g.needs_base ? "（还须先获得基础星）" : "");
      box.appendChild(p);
    });
    var left = document.getElementById("unanswered");
    if (left) left.textContent = "还有" + unanswered + "项未填";
  }

  function refresh() {
    var state = collect();
    var mine = ++latest;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: state.answers }),
    })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      })
      .then(function (r) {
        if (mine !== latest) return; // a newer change is on its way
        if (r.ok) return render(r.body, state.unanswered);
        var errors = (r.body && r.body.answers) || {};
        Object.keys(errors).forEach(function (code) { setError(code, errors[code].join("；")); });
      })
      .catch(function () { /* offline: the saved preview stays; saving will tell */ });
  }

  if (form.dataset.simulate) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || form.dataset.api) return;  // offline.js sends files at once
    var names = [];
    input.closest(".evidence").querySelectorAll("input[type=file]").forEach(function (f) {
      for (var i = 0; i < f.files.length; i++) names.push(f.files[i].name);
    });
    input.closest(".evidence").querySelector(".chosen").textContent = names.length
      ? "待上传：" + names.join("、") + "（保存后上传）"
      : "";
  });
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });
  refresh();
})();
