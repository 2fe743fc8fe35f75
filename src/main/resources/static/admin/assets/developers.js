// Copy buttons of the Developers pages: <button data-copy="created-key"> copies the text of #created-key. The
// Clipboard API needs a secure context (https or localhost); elsewhere, or when the browser refuses, the text is
// selected so that Ctrl+C (⌘C) copies it. Without JavaScript the button stays hidden and the text is selectable.
(function () {
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) {
      return;
    }
    var status = button.parentNode.querySelector(".copy-status");
    function say(words) {
      if (status) {
        status.textContent = words;
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      function fallback() {
        select(target);
        say("Selected: press Ctrl+C (⌘C on a Mac) to copy.");
      }
      if (!navigator.clipboard || !window.isSecureContext) {
        fallback();
        return;
      }
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copied";
        say("Copied to the clipboard.");
      }, fallback);
    });
  });
})();
