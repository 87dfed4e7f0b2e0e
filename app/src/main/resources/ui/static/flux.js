// Flux UI: the little the pages need beyond htmx. Served by Flux (no CDN).
document.addEventListener("DOMContentLoaded", function () {
  // Console answers with 400 when a statement fails: show that answer too, not only 2xx ones.
  if (window.htmx) {
    htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[23]..", swap: true},
      {code: "4..", swap: true, error: false},
      {code: "...", swap: false, error: true}
    ];
  }
  var sql = document.getElementById("sql");
  if (sql) {
    sql.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        document.getElementById("run").click();
      }
    });
  }
});
