// Confirm before anything that moves money or cannot be undone: a form with data-confirm="Refund $5.00?" (and
// optionally data-confirm-button="Refund") opens the page's <dialog id="confirm"> instead of submitting; its confirm
// button submits the form for real; a button of the form marked data-skip-confirm submits it unasked. Without
// JavaScript the form submits at once, as a plain form does. A message may name what is chosen in one of the form's
// lists: data-confirm-choice="pay-card" puts the chosen option's words in place of {choice} ("Charge $19.00 to
// {choice} now?"), and one the amount typed in place of {amount} (see typedAmount).
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
  // The amount typed in the form's field named by data-confirm-amount, as money in the currency that
  // data-confirm-currency names (a field's id, or a currency code): "$12.50". Typed otherwise, the words "the amount
  // typed", and the server says what it cannot read.
  function typedAmount(form) {
    var field = document.getElementById(form.getAttribute("data-confirm-amount") || "");
    var named = form.getAttribute("data-confirm-currency") || "";
    var currencyField = document.getElementById(named);
    var currency = (currencyField ? currencyField.value : named).trim().toUpperCase();
    var typed = field ? field.value.trim().replace(/^\p{Sc}\s*/u, "") : "";
    // The grammar the server reads (Amounts.parseTyped, as refunds.js checks it): digits grouped by thousands or not.
    var read = /^(?:[0-9]{1,15}|[0-9]{1,3}(?:,[0-9]{3}){1,4})(?:\.([0-9]+))?$/.exec(typed);
    if (!read || !/^[A-Z]{3}$/.test(currency)) {
      return "the amount typed";
    }
    try {
      var format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency });
      if (read[1] && read[1].length > format.resolvedOptions().maximumFractionDigits) {
        // More decimals than the currency has: shown rounded, it would not be what the server is asked (it refuses).
        return "the amount typed";
      }
      // A decimal string is formatted exactly (no float rounding) in current browsers.
      return format.format(typed.replace(/,/g, ""));
    } catch (e) {
      return typed + " " + currency;
    }
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
    message = message.replace("{amount}", typedAmount(form));
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
