// Application file pages: character counters, the running self-score, and a local
// copy of what is typed, so nothing is lost if the browser closes before "save".
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";
  var zh = lang.indexOf("zh") === 0;
  var T = {
    restored: zh ? "已恢复上次未保存的输入（仅保存在本机浏览器），请核对后点击“保存本部分”。"
                 : "Unsaved input from your last visit was restored (kept only in this browser). Check it and click Save.",
    local: zh ? "已在本机暂存，尚未提交到服务器" : "Kept in this browser, not yet saved",
    chars: zh ? "字" : "characters"
  };

  function counter(area, limit) {
    var out = document.createElement("small");
    out.className = "muted counter";
    area.insertAdjacentElement("afterend", out);
    function update() {
      var n = area.value.length;
      out.textContent = n + " / " + limit + " " + T.chars;
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    counter(area, parseInt(area.getAttribute("data-counter"), 10));
  });

  var total = document.querySelector("[data-total=assessment]");
  if (total) {
    var texts = document.querySelectorAll("textarea[data-total-counter=assessment]");
    var selects = document.querySelectorAll("select[data-points]");
    var limit = parseInt(total.getAttribute("data-limit"), 10);
    var update = function () {
      var chars = 0, score = 0;
      texts.forEach(function (t) { chars += t.value.length; });
      selects.forEach(function (s) {
        var points = parseFloat(s.getAttribute("data-points"));
        var pct = s.value === "" ? 0 : parseFloat(s.value);
        score += points * pct / 100;
        var cell = s.closest(".percent-row") && s.closest(".percent-row").querySelector(".item-score");
        if (cell) { cell.textContent = s.value === "" ? "" : "= " + (points * pct / 100).toFixed(1); }
      });
      total.querySelector(".total-chars").textContent = chars;
      total.querySelector(".total-score").textContent = score.toFixed(1);
      total.classList.toggle("over", chars > limit);
    };
    texts.forEach(function (t) { t.addEventListener("input", update); });
    selects.forEach(function (s) { s.addEventListener("change", update); });
    update();
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.localStorage) { return; }
  var key = "hy-draft:" + form.getAttribute("data-autosave");
  var status = form.querySelector(".autosave-status");
  var fields = form.querySelectorAll("input[name]:not([type=hidden]):not([type=file]), textarea[name], select[name]");

  function snapshot() {
    var data = {};
    fields.forEach(function (f) {
      if (f.type === "radio") { if (f.checked) { data[f.name] = f.value; } }
      else if (f.type === "checkbox") { data[f.name] = f.checked; }
      else { data[f.name] = f.value; }
    });
    return data;
  }
  var serverState = JSON.stringify(snapshot());
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  var hasErrors = form.querySelector(".error, .errors");
  if (saved && JSON.stringify(saved) !== serverState && !hasErrors) {
    fields.forEach(function (f) {
      if (!(f.name in saved)) { return; }
      if (f.type === "radio") { f.checked = saved[f.name] === f.value; }
      else if (f.type === "checkbox") { f.checked = !!saved[f.name]; }
      else { f.value = saved[f.name]; }
      f.dispatchEvent(new Event("input"));
    });
    var note = document.createElement("div");
    note.className = "msg warning";
    note.setAttribute("role", "status");
    note.textContent = T.restored;
    form.insertAdjacentElement("beforebegin", note);
  }
  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      localStorage.setItem(key, JSON.stringify(snapshot()));
      if (status) { status.textContent = T.local; }
    }, 400);
  });
  form.addEventListener("submit", function () { localStorage.removeItem(key); });
})();
