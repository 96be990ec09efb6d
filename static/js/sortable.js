/* Click a header of a table.sortable to sort by that column (again to reverse). */
(function () {
  "use strict";
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.style.cursor = "pointer";
      th.title = "排序";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.dataset.type === "number";
        var dir = th.dataset.dir === "asc" ? "desc" : "asc";
        table.querySelectorAll("thead th").forEach(function (h) { delete h.dataset.dir; });
        th.dataset.dir = dir;
        rows.sort(function (a, b) {
          var x = a.cells[index] ? a.cells[index].textContent.trim() : "";
          var y = b.cells[index] ? b.cells[index].textContent.trim() : "";
          var r = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh");
          return dir === "asc" ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
