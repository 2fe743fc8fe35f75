// Adding a card in a live store: Stripe.js draws the card field and confirms the SetupIntent in the browser, so that
// the card number only ever goes to Stripe; the form then sends the SetupIntent's id, and Till reads the card back.
(function () {
  'use strict';

  var form = document.getElementById('stripe-card');
  if (!form || typeof window.Stripe !== 'function') {
    return;
  }
  var stripe = window.Stripe(form.getAttribute('data-publishable-key'));
  var card = stripe.elements().create('card', { hidePostalCode: true });
  card.mount('#card-element');
  var errors = document.getElementById('card-errors');
  var button = form.querySelector('button[type=submit]');

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = '';
    stripe.confirmCardSetup(form.getAttribute('data-client-secret'), { payment_method: { card: card } })
      .then(function (result) {
        if (result.error) {
          var setup = result.error.setup_intent;
          if (result.error.code === 'setup_intent_unexpected_state' && setup && setup.status === 'succeeded') {
            // Confirmed before, and the form that followed never reached Till (a tab closed, a connection lost): Till
            // reads the card back from Stripe as for a setup confirmed now.
            form.submit();
            return;
          }
          errors.textContent = result.error.message;
          button.disabled = false;
          return;
        }
        form.submit();
      }, function () {
        // Stripe.js reports a card's problems in result.error; a rejection is the network or Stripe.js itself.
        errors.textContent = 'We could not reach the card processor. Check your connection and try again.';
        button.disabled = false;
      });
  });
})();
