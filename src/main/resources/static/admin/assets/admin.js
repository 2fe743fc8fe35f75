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

// Moments are written in UTC (<time datetime="…Z" data-local>); show them in the staff member's own time zone, named
// ("Dec 4, 2026, 04:04 AM EST": the sandbox banner's test clock, in the store's zone, names its zone too), with the
// UTC time on hover. data-local="date" shows the day only.
(function () {
  var withTime = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  var dayOnly = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
  function localize(root) {
    root.querySelectorAll("time[datetime][data-local]").forEach(function (time) {
      var at = new Date(time.getAttribute("datetime"));
      if (isNaN(at)) {
        return;
      }
      if (!time.title) {
        time.title = time.textContent.trim();
      }
      time.textContent = (time.getAttribute("data-local") === "date" ? dayOnly : withTime).format(at);
    });
  }
  localize(document);
  // Fragments htmx swaps in (search results, tables) get the same treatment.
  document.addEventListener("htmx:afterSwap", function (event) {
    localize(event.target);
  });
})();

// Days picked for a moment (a plan's next bill) are the staff member's own: a date field with
// data-local-day="<UTC instant>" starts at that moment's local date, and a hidden data-local-zone field sends the
// browser's time zone, in which the server reads the day picked. Without JavaScript both stay in UTC.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  document.querySelectorAll("input[data-local-zone]").forEach(function (input) {
    input.value = zone || "";
  });
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  document.querySelectorAll("input[type=date][data-local-day]").forEach(function (input) {
    var at = new Date(input.getAttribute("data-local-day"));
    if (!isNaN(at)) {
      input.value = at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate());
    }
  });
  // The store's time zone (Settings › Branding), while none is chosen or it is UTC: a button offers the browser's,
  // when the list has it. Choosing it counts as typing (the preview follows); nothing is saved until Save.
  document.querySelectorAll("button[data-zone-suggest]").forEach(function (button) {
    var select = document.getElementById(button.getAttribute("data-zone-suggest"));
    var option = select && zone && zone !== "UTC"
      ? Array.prototype.find.call(select.options, function (o) { return o.value === zone; })
      : null;
    if (!option || (select.value !== "" && select.value !== "UTC")) {
      return;
    }
    button.textContent = "Use " + option.textContent.trim() + " (your browser’s time zone)";
    button.parentElement.hidden = false;
    button.addEventListener("click", function () {
      select.value = zone;
      select.dispatchEvent(new Event("input", { bubbles: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
      button.parentElement.hidden = true;
      select.focus();
    });
  });
})();

// A form posted is not posted again while its answer is on the way: a double click on "Add endpoint", "Rotate secret"
// or "Save" sent it twice (the server answers a form's second submit as its first where it matters, but the first
// answer, a secret shown once, would be the one the browser drops). Forms htmx sends, and ones a confirm dialog holds
// back, are not counted: their submit is prevented before it gets here. Ten seconds on, or back on the page from the
// browser's history, the form can be sent again.
(function () {
  var posting = new WeakSet();
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (posting.has(form)) {
      event.preventDefault();
      return;
    }
    posting.add(form);
    window.setTimeout(function () {
      posting.delete(form);
    }, 10000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      posting = new WeakSet();
    }
  });
})();

// On a phone, the pictures of steps marked data-folded-on-phone (the templates gallery's) start folded: seven of them
// made a page 4,600 px long. Each name, sentence and button stays in view; "Show its steps" unfolds one. Without this
// script they stay unfolded, as on a wide screen, where their toggle is not shown at all.
(function () {
  if (!window.matchMedia("(max-width: 600px)").matches) {
    return;
  }
  document.querySelectorAll("details[data-folded-on-phone]").forEach(function (details) {
    details.open = false;
  });
})();
