/* Small behaviours every page may use, wired by data attributes instead of inline handlers
   (so that a content security policy can forbid inline script):
   data-autosubmit   on a select: submit its form when it changes
   data-select-all   on a checkbox: tick or untick every checkbox named by the attribute
   data-print        on a link: print the page
   data-choose       on a link: set #id_checklist to this value and name the choice
   data-confirm      on a form or on a submit button: ask before sending; "{n}" is replaced by
                     the number of ticked boxes named by data-count (a batch action says how
                     many rows it touches) */
(function () {
  "use strict";
  // The installable app's worker keeps pages and scripts for working without a signal.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* the site works without */ });
    });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
    if (el.matches && el.matches("input[data-select-all]")) {
      document.querySelectorAll('input[name="' + el.dataset.selectAll + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });
  document.addEventListener("submit", function (event) {
    // The button pressed asks first where it says what it does (a form may hold several,
    // one of which cannot be undone); otherwise the form does.
    // A form that holds the press until its saves land (offline.js) sends it again then, and is
    // asked then: asking now too would ask twice.
    if (event.defaultPrevented) return;
    var button = event.submitter;
    var asker = button && button.dataset && button.dataset.confirm ? button : event.target;
    if (!asker.dataset || !asker.dataset.confirm) return;
    var count = asker.dataset.count;
    var n = count ? document.querySelectorAll('input[name="' + count + '"]:checked').length : 0;
    if (count && n === 0) return; // the server says to tick some first
    if (!window.confirm(asker.dataset.confirm.replace("{n}", String(n)))) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print], [data-choose]");
    if (!link) return;
    if (link.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
      return;
    }
    var select = document.getElementById("id_checklist");
    if (select) select.value = link.dataset.choose;
    var target = document.getElementById("objection-target");
    if (target) target.textContent = "：" + (link.dataset.name || "");
  });
})();
