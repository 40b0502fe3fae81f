// The "Copy" button of an event page's embed snippet. Without it, the snippet is selectable text.
(function () {
  'use strict';
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var code = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector('.embed-copied');
    if (!code || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(code.value).then(function () {
        status.textContent = siteWords.text('copied');
      }, function () {
        code.select();
        status.textContent = siteWords.text('copy_by_hand');
      });
    });
    code.addEventListener('focus', function () { code.select(); });
  });
})();
