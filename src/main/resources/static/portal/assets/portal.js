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

  // Where the browser blocks cookies in frames, a sign-in cannot stick here: offer a new tab instead. The probe is
  // a cookie of the kind the portal sets in frames (SameSite=None, partitioned; Secure only exists over HTTPS).
  var attributes = '; path=/; SameSite=None' + (location.protocol === 'https:' ? '; Secure; Partitioned' : '');
  document.cookie = 'till_portal_probe=1' + attributes;
  var cookiesWork = document.cookie.indexOf('till_portal_probe=1') !== -1;
  document.cookie = 'till_portal_probe=' + attributes + '; max-age=0';
  if (!cookiesWork) {
    var notice = document.getElementById('framed-notice');
    if (notice) {
      notice.hidden = false;
      postHeight();
    }
  }
})();
