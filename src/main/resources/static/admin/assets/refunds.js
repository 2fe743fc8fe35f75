// Every refund form (an order's, a subscription's, a plan's): its confirm dialog names the amount being typed
// ("Refund $9.50 to Ada Lovelace?"), so that confirm.js asks about what will really be given back; an amount that
// cannot be refunded (blank, nothing, more than data-left) marks the field invalid instead, so that the browser says
// why beside it and no dialog opens. The amount is read by the server's own grammar
// (io.till.shared.Amounts.parseTyped): a leading currency symbol, ASCII digits grouped by thousands or not, a point
// and at most the currency's decimals. Anything else ("2e1", "-5", "5,5", full-width digits) is "not an amount": the
// field is marked invalid, so the form does not submit and no dialog names a figure. Without JavaScript the form
// submits at once and the server refuses what it cannot read.
(function () {
  var PLAIN = /^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]+))?$/;
  var SYMBOL = /^\p{Sc}[ \t\n\v\f\r]*/u;
  // Java's String.trim: every code point up to a space, at both ends.
  var TRIM = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

  // Minor units as a string of digits ("2000" for 20 with two decimals), or null when the server would refuse it.
  function minorUnits(typed, decimals) {
    var text = typed.replace(TRIM, "").replace(SYMBOL, "");
    var match = PLAIN.exec(text);
    if (!match) {
      return null;
    }
    var parts = text.replace(/,/g, "").split(".");
    var fraction = (parts[1] || "").replace(/0+$/, "");
    if (fraction.length > decimals) {
      return null;
    }
    while (fraction.length < decimals) {
      fraction += "0";
    }
    return (parts[0] + fraction).replace(/^0+(?=[0-9])/, "");
  }

  document.querySelectorAll("form.refund-form").forEach(function (form) {
    var input = form.querySelector("[data-refund-amount]");
    var customer = form.getAttribute("data-customer");
    var currency = (form.getAttribute("data-currency") || "usd").toUpperCase();
    var money;
    try {
      money = new Intl.NumberFormat("en-US", { style: "currency", currency: currency });
    } catch (e) {
      return;
    }
    var decimals = money.resolvedOptions().maximumFractionDigits;
    var left = minorUnits(form.getAttribute("data-left") || "", decimals);
    function update() {
      if (!input.value.replace(TRIM, "")) {
        // Blank (or spaces only) is not "all of it": the field asks for an amount, and no dialog names one.
        input.setCustomValidity("Type the amount to refund.");
        form.setAttribute("data-confirm", "No amount is typed; nothing will be refunded.");
        return;
      }
      var minor = minorUnits(input.value, decimals);
      if (minor === null) {
        input.setCustomValidity("This is not an amount: type digits and a point for decimals, such as "
          + (decimals > 0 ? "9." + "50".padEnd(decimals, "0").slice(0, decimals) : "950") + ".");
        form.setAttribute("data-confirm", "What is typed is not an amount; nothing will be refunded.");
        return;
      }
      var shown = format(minor);
      if (/^0*$/.test(minor)) {
        input.setCustomValidity("The amount to refund must be more than " + format("0") + ".");
        return;
      }
      if (left !== null && BigInt(minor) > BigInt(left)) {
        input.setCustomValidity("At most " + format(left) + " of this payment can be refunded; " + shown
          + " is more.");
        return;
      }
      input.setCustomValidity("");
      form.setAttribute("data-confirm", "Refund " + shown + " to " + customer
        + "? The money goes back to their card; this cannot be undone.");
    }
    // Minor units as money: "950" is $9.50. Intl formats a decimal string exactly (no float rounding).
    function format(minor) {
      var whole = minor.length > decimals ? minor.slice(0, minor.length - decimals) : "0";
      var fraction = decimals > 0 ? minor.padStart(decimals, "0").slice(-decimals) : "";
      return money.format(fraction ? whole + "." + fraction : whole);
    }
    input.addEventListener("input", update);
    update();
  });
})();
