// The reader's place in the list: the card at the top of the window, kept in the history entry and
// restored on reload, on coming back, and on going back and forth between the page's own entries.
// Cards out of view are laid out only when they come near it (content-visibility in site.css), so
// the offset the browser would restore is measured over estimated heights and lands on another card.
(function () {
  'use strict';

  var list = document.getElementById('timeline');
  if (!list || !('scrollRestoration' in history)) return;
  history.scrollRestoration = 'manual';  // this entry's: the browser restores no offset of its own
  var cards = list.getElementsByClassName('event-card');

  // The first card whose bottom is in the window (hidden cards have no box), and where its top is.
  function place() {
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      if (box.bottom > 0 && cards[i].getClientRects().length) return { id: cards[i].id, top: box.top };
    }
    return { y: Math.round(window.scrollY) };  // past the list: nothing below it is laid out late
  }

  function save() {
    clearTimeout(pending);
    pending = 0;
    var state = Object.assign({}, history.state, { reading: place() });
    history.replaceState(state, '');
  }

  // The card at its place (or the offset), again on every frame until layout near it settles: the
  // cards above it in the window are laid out after the first scroll and change height. Stops as
  // soon as the reader scrolls on their own.
  function follow(at) {
    var card = at && at.id ? document.getElementById(at.id) : null;
    if (!at || (at.id && !(card && card.getClientRects().length))) return;
    var frames = 0, still = 0;
    touched = false;
    (function step() {
      if (touched) return;
      var y = card ? window.scrollY + card.getBoundingClientRect().top - at.top : at.y;
      if (Math.abs(y - window.scrollY) >= 1) {
        window.scrollTo({ top: y, behavior: 'instant' });
        still = 0;
      } else still += 1;
      if (still < 3 && ++frames < 120) requestAnimationFrame(step);
    })();
  }

  var pending = 0, touched = false;
  ['wheel', 'touchstart', 'keydown', 'pointerdown'].forEach(function (type) {
    window.addEventListener(type, function () { touched = true; }, { capture: true, passive: true });
  });
  window.addEventListener('scroll', function () {
    clearTimeout(pending);
    pending = setTimeout(save, 150);
  }, { passive: true });
  // Leaving: a link's click comes before the page goes, whatever the timer's state.
  document.addEventListener('click', function () { if (pending) save(); }, true);
  window.addEventListener('pagehide', function () { if (pending) save(); });
  // After timeline.js's own handler, which applies the entry's filters first.
  window.addEventListener('popstate', function () { follow(history.state && history.state.reading); });

  // Arriving again (a reload, coming back): the place this entry was left at. A first arrival at a
  // #event is the browser's (site.css makes that scroll instant: a smooth one would stop short).
  follow(history.state && history.state.reading);
})();
