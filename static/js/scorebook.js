// Scorebook and consensus forms: item points, category sums and the total update
// as percentages are chosen; the band of the chosen percentage is highlighted in
// the item's scoring guide; submitting asks for confirmation (it locks the form).
// The server computes the same sums; this is only a live preview.
(function () {
  "use strict";
  var form = document.querySelector("form[data-scorebook], form[data-consensus-form]");
  if (!form) { return; }
  var selects = form.querySelectorAll("select[data-points]");

  function points(select) {
    var pct = select.value === "" ? 0 : parseInt(select.value, 10);
    return parseFloat(select.getAttribute("data-points")) * pct / 100;
  }

  function highlight(select) {
    var guide = document.querySelector("table[data-guide='" + select.getAttribute("data-item") + "']");
    if (!guide) { return; }
    var pct = select.value === "" ? null : parseInt(select.value, 10);
    guide.querySelectorAll("tr[data-low]").forEach(function (row) {
      var on = pct !== null && pct >= parseInt(row.getAttribute("data-low"), 10) &&
        pct <= parseInt(row.getAttribute("data-high"), 10);
      row.classList.toggle("current", on);
      row.style.background = on ? "#fff4ce" : "";
      if (on) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
  }

  function update() {
    var total = 0;
    var categories = {};
    selects.forEach(function (select) {
      var value = points(select);
      var code = select.getAttribute("data-item");
      var out = document.querySelector("[data-item-points='" + code + "']");
      if (out) { out.textContent = value.toFixed(2); }
      var category = select.getAttribute("data-category");
      categories[category] = (categories[category] || 0) + value;
      total += value;
    });
    Object.keys(categories).forEach(function (code) {
      var cell = document.querySelector("[data-category-total='" + code + "']");
      if (cell) { cell.textContent = categories[code].toFixed(2); }
    });
    var out = document.querySelector("[data-total], [data-consensus-total]");
    if (out) { out.textContent = total.toFixed(2); }
  }

  selects.forEach(function (select) {
    select.addEventListener("change", function () { highlight(select); update(); });
    highlight(select);
  });
  update();

  form.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
