// The order page's refund form: its confirm dialog names the amount being typed ("Refund $9.50 to Ada Lovelace?"),
// so that admin.js asks about what will really be given back. Without JavaScript the form submits at once.
(function () {
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
    function update() {
      var amount = Number(input.value.replace(/[^0-9.]/g, ""));
      if (!input.value.trim() || isNaN(amount)) {
        return;
      }
      form.setAttribute("data-confirm", "Refund " + money.format(amount) + " to " + customer
        + "? The money goes back to their card; this cannot be undone.");
    }
    input.addEventListener("input", update);
    update();
  });
})();
