// Video facades (partials/media.html): each link to a video becomes a button; a click puts the
// player in its place, so nothing is loaded from YouTube or Vimeo before the reader asks.
(function () {
  'use strict';
  document.querySelectorAll('a.video-facade[data-player]').forEach(function (link) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = link.className;
    button.setAttribute('aria-label', link.getAttribute('aria-label'));
    while (link.firstChild) button.appendChild(link.firstChild);
    link.replaceWith(button);
    button.addEventListener('click', function () {
      var frame = document.createElement('iframe');
      frame.src = link.dataset.player;
      frame.title = link.dataset.title;
      frame.className = 'video-frame';
      frame.allow = 'autoplay; fullscreen; picture-in-picture; encrypted-media';
      frame.allowFullscreen = true;
      button.replaceWith(frame);
      frame.focus();
    });
  });
})();
