// The customer portal's only script; pages read fine without it.
(function () {
  'use strict';

  // Dates come written in UTC (<time datetime="…Z" title="… UTC">); show them in the buyer's own time zone.
  var dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  document.querySelectorAll('time[datetime]').forEach(function (time) {
    var at = new Date(time.getAttribute('datetime'));
    if (!isNaN(at)) {
      time.textContent = dateFormat.format(at);
    }
  });

  var framed = window.parent !== window;
  if (!framed) {
    return;
  }
  // In a frame the page is as tall as its content (never the frame's height, which the parent sets from ours).
  document.documentElement.classList.add('framed');
  // Embedded in the seller's site: tell the parent page our height, so that its snippet sizes the frame to fit.
  var lastHeight = 0;
  function postHeight() {
    var height = Math.ceil(document.documentElement.scrollHeight);
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
    var notice = document.getElementById('framed-notice');
    if (notice) {
      notice.hidden = false;
      postHeight();
    }
  }
})();
