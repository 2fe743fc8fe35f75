// The customer portal's only script; pages read fine without it.
(function () {
  'use strict';

  // Dates come written in the store's time zone (<time datetime="…Z" title="… UTC">); show them in the buyer's own.
  // Part of a page put in place later says so with a "till:content" event, and gets the same.
  var dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  function localTimes(root) {
    root.querySelectorAll('time[datetime]').forEach(function (time) {
      var at = new Date(time.getAttribute('datetime'));
      if (!isNaN(at)) {
        time.textContent = dateFormat.format(at);
      }
    });
  }
  localTimes(document);
  document.addEventListener('till:content', function (event) { localTimes(event.target); });

  // A form that cannot be taken back asks first (data-confirm="Remove Visa ending in 4242?"); without this script it
  // goes at once, as a plain form does. Registered before the once-only guard below, which skips a form not sent.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute('data-confirm') && !form.hasAttribute('data-sent')
        && !window.confirm(form.getAttribute('data-confirm'))) {
      event.preventDefault();
    }
  });

  // A form goes once: a second click while the first is on its way (a double click on "Cancel", "Keep", "Save and
  // pay") would send it again. The server takes a repeat in its stride, which is how the page works without this
  // script; here the buyer is spared the second round trip and sees the first is under way. The buttons are disabled
  // only after the browser has read the form, so that the clicked one's own value (a test card's number) still goes.
  // A form another script sends itself (Stripe's card form) has cancelled the event and is left alone.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== 'post') {
      return;
    }
    if (form.hasAttribute('data-sent')) {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-sent', '');
    var clicked = event.submitter || form.querySelector('button[type=submit], button:not([type])');
    if (clicked) {
      clicked.setAttribute('aria-busy', 'true');
    }
    window.setTimeout(function () {
      form.querySelectorAll('button').forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  // Back on a page the browser kept as it was left (the back button): its forms can be sent again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll('form[data-sent]').forEach(function (form) {
      form.removeAttribute('data-sent');
      form.querySelectorAll('button').forEach(function (button) {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      });
    });
  });

  var framed = window.parent !== window;
  if (!framed) {
    return;
  }
  // In a frame the page is as tall as its content (never the frame's height, which the parent sets from ours).
  document.documentElement.classList.add('framed');
  // An emailed sign-in link opens in a tab of its own, never in this frame: the buyer is told where to look. (A seller
  // who wants the frame itself signed in opens a portal session, POST /api/v1/portal_sessions, in it.)
  var signIn = document.getElementById('framed-sign-in');
  if (signIn) {
    signIn.hidden = false;
  }
  // Embedded in the seller's site: tell the parent page our height, so that its snippet sizes the frame to fit.
  var lastHeight = 0;
  function postHeight() {
    // The root's own box, not its scrollHeight: that is never less than the frame's height, so a frame made tall
    // by a long page would never shrink again for a short one.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      window.parent.postMessage({ type: 'till-portal:height', height: height }, '*');
    }
  }
  if ('ResizeObserver' in window) {
    new ResizeObserver(postHeight).observe(document.documentElement);
  }
  window.addEventListener('load', postHeight);
  postHeight();

  // Where the browser blocks cookies in frames, a sign-in cannot stick here: offer a new tab instead. The probes are
  // cookies of the kinds the portal sets: Lax (works when the embedding site is this one's), else partitioned
  // SameSite=None, which needs HTTPS.
  function probe(attributes) {
    document.cookie = 'till_portal_probe=1; path=/' + attributes;
    var kept = document.cookie.indexOf('till_portal_probe=1') !== -1;
    document.cookie = 'till_portal_probe=; path=/; max-age=0' + attributes;
    return kept;
  }
  var cookiesWork = probe('; SameSite=Lax')
    || (location.protocol === 'https:' && probe('; SameSite=None; Secure; Partitioned'));
  if (!cookiesWork) {
    document.documentElement.classList.add('cookies-blocked');
    var notice = document.getElementById('framed-notice');
    if (notice) {
      notice.hidden = false;
      postHeight();
    }
  }
})();
