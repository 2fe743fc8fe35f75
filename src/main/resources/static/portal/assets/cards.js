// The cards page: while the bank still answers a payment, ask again once a second (a bounded number of times: the
// server stops asking for it), and put the answer in place. Without JavaScript the page says to reload.
(function () {
  'use strict';

  function poll(element) {
    var url = element.getAttribute('data-poll');
    if (!url) {
      return;
    }
    window.setTimeout(function () {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (response) {
          if (response.redirected) {
            // The portal sent the question elsewhere: a session that ended goes to the sign-in page, which says so
            // (?expired). The buyer belongs there; that page inside this one would be a page in a page.
            window.location.assign(response.url);
            return null;
          }
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          if (html === null) {
            return;
          }
          var holder = document.createElement('div');
          holder.innerHTML = html.trim();
          var next = holder.firstElementChild;
          if (!next || !next.classList.contains('outcome')) {
            // Not the outcome asked for, whatever answered instead: the whole page tells the truth.
            window.location.reload();
            return;
          }
          element.replaceWith(next);
          if (next.hasAttribute('data-poll')) {
            poll(next);
          } else {
            refresh(next.closest('.item'));
          }
        })
        .catch(function () { /* Leave the last answer; a reload tells the truth. */ });
    }, 1000);
  }

  // Once the bank has answered, what the item offers changed with it (its form's button, what it owes): the item is
  // put in place as the page now draws it. Anything else on the page, a card being chosen elsewhere, stays as it is.
  function refresh(item) {
    if (!item || !item.id) {
      return;
    }
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(item.id);
        if (fresh) {
          item.replaceWith(fresh);
          fresh.dispatchEvent(new CustomEvent('till:content', { bubbles: true }));
        }
      })
      .catch(function () { /* The answer is shown; a reload brings the rest. */ });
  }

  document.querySelectorAll('[data-poll]').forEach(poll);
})();
