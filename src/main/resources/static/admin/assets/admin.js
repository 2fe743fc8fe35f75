// Keyboard use of the dashboard: "/" focuses the search; in a list of results the arrow keys move between them and
// Enter opens one (they are plain links). Everything works without this script, only with fewer keystrokes saved.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
  if (event.key === "/" && !typing) {
    var search = document.getElementById("customer-q") || document.getElementById("global-q");
    if (search) {
      event.preventDefault();
      search.focus();
    }
    return;
  }
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
    return;
  }
  var links = Array.prototype.slice.call(document.querySelectorAll("[data-results] a"));
  if (links.length === 0) {
    return;
  }
  var at = links.indexOf(target);
  if (at === -1 && !(target && target.id === "customer-q")) {
    return;
  }
  event.preventDefault();
  if (event.key === "ArrowDown") {
    links[Math.min(at + 1, links.length - 1)].focus();
  } else if (at <= 0) {
    document.getElementById("customer-q").focus();
  } else {
    links[at - 1].focus();
  }
});
