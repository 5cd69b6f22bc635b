// The batch table: sort by a column, filter by status, verdict or handle, pick rows to compare.
// Rows update in place over the page's event stream; sorting and filtering are applied again
// (at most a few times a second) after each update, so a finished row moves to its place.
(function () {
  "use strict";

  var table = document.getElementById("batch-table");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var sortKey = "line";
  var ascending = true;
  var pending = null;
  var STATUS_GROUPS = {
    running: ["pending", "processing"],
    completed: ["completed"],
    failed: ["failed", "expired"]
  };
  var MAX_COMPARE = 4;

  function cellValue(row, key) {
    var cell = row.querySelector('[data-col="' + key + '"]');
    return cell ? cell.getAttribute("data-value") || "" : "";
  }

  function compare(a, b) {
    var x = cellValue(a, sortKey);
    var y = cellValue(b, sortKey);
    // Rows without a value (not finished yet) go last whichever way the sort runs.
    if (x === "" || y === "") {
      return x === y ? 0 : x === "" ? 1 : -1;
    }
    var nx = Number(x);
    var ny = Number(y);
    var order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (order === 0) {
      return Number(cellValue(a, "line")) - Number(cellValue(b, "line"));
    }
    return ascending ? order : -order;
  }

  function sortRows() {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(compare);
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  function filterRows() {
    var status = document.getElementById("batch-filter-status").value;
    var verdict = document.getElementById("batch-filter-verdict").value;
    var text = document.getElementById("batch-filter-text").value.trim().toLowerCase().replace(/^@/, "");
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible =
        (!status || STATUS_GROUPS[status].indexOf(cellValue(row, "status")) >= 0) &&
        (!verdict || cellValue(row, "verdict") === verdict) &&
        (!text || cellValue(row, "handle").indexOf(text) >= 0);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    var note = document.getElementById("batch-shown");
    if (note) {
      note.textContent = shown === body.rows.length ? "" : shown + " of " + body.rows.length + " rows shown.";
    }
  }

  function showDemoNotice() {
    var notice = document.getElementById("batch-demo");
    if (notice && notice.hidden && body.querySelector(".badge--demo")) {
      notice.hidden = false;
    }
  }

  function refresh() {
    pending = null;
    sortRows();
    filterRows();
    showDemoNotice();
  }

  function refreshSoon() {
    if (pending === null) {
      pending = window.setTimeout(refresh, 250);
    }
  }

  table.querySelectorAll("button.sort").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      ascending = key === sortKey ? !ascending : key === "line" || key === "handle" || key === "status";
      sortKey = key;
      table.querySelectorAll("th").forEach(function (th) {
        th.removeAttribute("aria-sort");
      });
      button.parentElement.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      refresh();
    });
  });

  document.querySelectorAll("[data-filter]").forEach(function (control) {
    control.addEventListener("input", filterRows);
  });

  // A row's cells were swapped in by the stream.
  document.body.addEventListener("htmx:afterSwap", refreshSoon);

  var form = document.getElementById("batch-compare");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var ids = [];
    form.querySelectorAll('input[name="jobs"]:checked').forEach(function (box) {
      if (ids.indexOf(box.value) < 0) {
        ids.push(box.value);
      }
    });
    var note = document.getElementById("batch-shown");
    if (ids.length < 2 || ids.length > MAX_COMPARE) {
      note.textContent = "Pick 2 to " + MAX_COMPARE + " completed rows to compare.";
      return;
    }
    window.location.href = "/compare?jobs=" + ids.map(encodeURIComponent).join(",");
  });

  showDemoNotice();
})();
