// Confirm before anything that moves money or cannot be undone: a form with data-confirm="Refund $5.00?" (and
// optionally data-confirm-button="Refund") opens the page's <dialog id="confirm"> instead of submitting; its confirm
// button submits the form for real; a button of the form marked data-skip-confirm submits it unasked. Without
// JavaScript the form submits at once, as a plain form does. A message may name what is chosen in one of the form's
// lists: data-confirm-choice="pay-card" puts the chosen option's words in place of {choice} ("Charge $19.00 to
// {choice} now?"), and one the amount typed in place of {amount} (see typedAmount); an amount that cannot be given
// (blank, not an amount, too large for data-confirm-max) is refused beside its field and no question is asked.
//
// This script is loaded from <head> without "defer", so the guard is in place before any button can be clicked: a
// deferred script runs only once it has been fetched, and a fast click on a just-loaded page went through unasked.
(function () {
  var pending = null;
  var bound = null;
  function onClose(dialog) {
    var form = pending;
    if (form && dialog.returnValue === "yes") {
      // requestSubmit runs validation and htmx's handlers; the form is let through this time.
      form.requestSubmit();
    }
    pending = null;
  }
  // The server's grammar for a typed amount (io.till.shared.Amounts.parseTyped, as refunds.js reads it): a leading
  // currency symbol, ASCII digits grouped by thousands or not, a point and decimals.
  var PLAIN = /^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?$/;
  var SYMBOL = /^\p{Sc}[ \t\n\v\f\r]*/u;
  // Java's String.trim: every code point up to a space, at both ends.
  var TRIM = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

  // The amount typed in the form's field named by data-confirm-amount, in the currency that data-confirm-currency
  // names (a field's id, or a currency code): {shown: "$12.50"} to name in the question, or {field, refusal} when it
  // cannot be given at all (blank, not an amount, nothing, more decimals than the currency has, above
  // data-confirm-max minor units), so that it is refused beside its field before any question. A currency the
  // browser does not know is named as typed, and the server says what it cannot read.
  function typedAmount(form) {
    var field = document.getElementById(form.getAttribute("data-confirm-amount") || "");
    var named = form.getAttribute("data-confirm-currency") || "";
    var currencyField = document.getElementById(named);
    var currency = (currencyField ? currencyField.value : named).trim().toUpperCase();
    if (!field) {
      return { shown: "the amount typed" };
    }
    var typed = field.value.replace(TRIM, "").replace(SYMBOL, "");
    if (!typed) {
      return { field: field, refusal: "Enter an amount, such as 12.50." };
    }
    if (typed.charAt(0) === "-" && PLAIN.test(typed.slice(1).replace(SYMBOL, ""))) {
      return { field: field, refusal: "Must be more than zero." };
    }
    var read = PLAIN.exec(typed);
    if (!read) {
      return { field: field, refusal: "Must be an amount such as 5.00: digits, and a point for decimals." };
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      return currencyField
        ? { field: currencyField, refusal: "Must be a three-letter currency code such as usd or eur." }
        : { shown: "the amount typed" };
    }
    var format;
    try {
      format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency });
    } catch (e) {
      return { shown: typed + " " + currency };
    }
    var decimals = format.resolvedOptions().maximumFractionDigits;
    var parts = typed.replace(/,/g, "").split(".");
    var fraction = (parts[1] || "").replace(/0+$/, "");
    if (fraction.length > decimals) {
      return { field: field, refusal: decimals === 0
        ? currency + " has no decimals: type a whole amount, such as 500."
        : currency + " has at most " + decimals + " decimals." };
    }
    while (fraction.length < decimals) {
      fraction += "0";
    }
    var minor = (parts[0] + fraction).replace(/^0+(?=[0-9])/, "");
    if (/^0*$/.test(minor)) {
      return { field: field, refusal: "Must be more than zero." };
    }
    var max = form.getAttribute("data-confirm-max");
    if (max && /^[0-9]+$/.test(max) && BigInt(minor) > BigInt(max)) {
      return { field: field, refusal: "Must be at most " + money(format, max, decimals) + "." };
    }
    return { shown: money(format, minor, decimals) };
  }
  // Minor units as money: "950" is $9.50. A decimal string is formatted exactly (no float rounding).
  function money(format, minor, decimals) {
    var whole = minor.length > decimals ? minor.slice(0, minor.length - decimals) : "0";
    var fraction = decimals > 0 ? minor.padStart(decimals, "0").slice(-decimals) : "";
    return format.format(fraction ? whole + "." + fraction : whole);
  }
  // A refusal said beside its field by the browser, until the field is typed in again.
  function refuse(amount) {
    amount.field.setCustomValidity(amount.refusal);
    amount.field.reportValidity();
    amount.field.addEventListener("input", function () {
      amount.field.setCustomValidity("");
    }, { once: true });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm") || form === pending) {
      return;
    }
    // A button that changes nothing (a review's "Change", back to its form) needs no question.
    if (event.submitter && event.submitter.hasAttribute("data-skip-confirm")) {
      return;
    }
    var message = form.getAttribute("data-confirm");
    var choice = form.getAttribute("data-confirm-choice") && document.getElementById(form.getAttribute(
      "data-confirm-choice"));
    message = message.replace("{choice}", choice && choice.selectedOptions && choice.selectedOptions.length > 0
      ? choice.selectedOptions[0].textContent.trim()
      : "the card chosen");
    if (message.indexOf("{amount}") >= 0) {
      var amount = typedAmount(form);
      if (amount.refusal) {
        event.preventDefault();
        refuse(amount);
        return;
      }
      message = message.replace("{amount}", amount.shown);
    }
    var dialog = document.getElementById("confirm");
    if (!dialog || typeof dialog.showModal !== "function") {
      // The page's dialog is not parsed yet (or the browser has none): the browser's own question still asks first,
      // and a yes lets this very submission go on (a form cannot be submitted again while its submit event runs).
      if (!window.confirm(message)) {
        event.preventDefault();
      }
      return;
    }
    event.preventDefault();
    if (bound !== dialog) {
      bound = dialog;
      dialog.addEventListener("close", function () {
        onClose(dialog);
      });
    }
    pending = form;
    // Escape closes the dialog without a value: a "yes" left from an earlier question must not count.
    dialog.returnValue = "";
    dialog.querySelector("[data-confirm-message]").textContent = message;
    dialog.querySelector("[data-confirm-yes]").textContent = form.getAttribute("data-confirm-button") || "Confirm";
    dialog.showModal();
  }, true);
})();
