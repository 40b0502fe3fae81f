// The home page, enhanced: filters whose state lives in the URL and event deep links.
// The page is complete without this file; it only adds. Other views of the same events (the
// chart, in chart.js) follow along through events on document:
//   timeline:change {ids, state}   sent after every change (and on timeline:hello)
//   timeline:open {id}             asks to show an event's card
//   timeline:range {from, to, how} asks to narrow the dates ('' for no limit)
// Content is never parsed as HTML here: text goes through textContent, data through JSON.
(function () {
  'use strict';

  var form = document.getElementById('filters');
  if (!form) return;

  var FACETS = ['lane', 'tag', 'actor'];
  var reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  var cards = Array.prototype.slice.call(document.querySelectorAll('.timeline .event-card'));
  var periods = Array.prototype.slice.call(document.querySelectorAll('.timeline .period'));
  var count = document.getElementById('match-count');
  var noMatch = document.getElementById('no-match');

  // ---- what each card is about, folded once for searching ----------------------------------

  function fold(text) {
    return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u2033]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, ' ').toLowerCase();
  }

  function words(value) { return (value || '').split(' ').filter(Boolean); }

  var events = cards.map(function (card) {
    var searchable = card.querySelectorAll('.event-title, .summary, blockquote');
    return {
      id: card.id,
      card: card,
      lane: card.dataset.lane,
      tag: words(card.dataset.tags),
      actor: words(card.dataset.actors),
      start: card.dataset.start,
      end: card.dataset.end,
      text: fold(Array.prototype.map.call(searchable, function (el) { return el.textContent; }).join(' '))
    };
  });
  var byId = {};
  events.forEach(function (e) { byId[e.id] = e; });

  // ---- state <-> URL -------------------------------------------------------------------------

  var ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  function readState(search) {
    var params = new URLSearchParams(search);
    var state = { q: (params.get('q') || '').trim() };
    FACETS.forEach(function (name) { state[name] = params.getAll(name).filter(Boolean); });
    state.from = ISO_DAY.test(params.get('from') || '') ? params.get('from') : '';
    state.to = ISO_DAY.test(params.get('to') || '') ? params.get('to') : '';
    return state;
  }

  function query(state) {
    var params = new URLSearchParams();
    FACETS.forEach(function (name) { state[name].forEach(function (v) { params.append(name, v); }); });
    if (state.q) params.set('q', state.q);
    if (state.from) params.set('from', state.from);
    if (state.to) params.set('to', state.to);
    var text = params.toString();
    return text ? '?' + text : '';
  }

  function isEmpty(state) { return query(state) === ''; }

  function emptyState() { return readState(''); }

  function matches(event, state) {
    for (var i = 0; i < FACETS.length; i++) {
      var wanted = state[FACETS[i]];
      if (!wanted.length) continue;
      var has = [].concat(event[FACETS[i]]);
      if (!wanted.some(function (v) { return has.indexOf(v) !== -1; })) return false;
    }
    if (state.from && event.end < state.from) return false;
    if (state.to && event.start > state.to) return false;
    return words(fold(state.q)).every(function (w) { return event.text.indexOf(w) !== -1; });
  }

  // ---- month periods (the Period menu) ---------------------------------------------------------

  function periodBounds(period) {  // "2025-08" -> ["2025-08-01", "2025-08-31"]; "2025" -> the whole year
    if (period.length === 4) return [period + '-01-01', period + '-12-31'];
    var last = new Date(Date.UTC(+period.slice(0, 4), +period.slice(5, 7), 0)).getUTCDate();
    return [period + '-01', period + '-' + String(last).padStart(2, '0')];
  }

  function periodOf(state) {
    if (!state.from && !state.to) return '';
    var candidates = [state.from.slice(0, 7), state.from.slice(0, 4)];
    for (var i = 0; i < candidates.length; i++) {
      var b = periodBounds(candidates[i]);
      if (b[0] === state.from && b[1] === state.to &&
          form.period.querySelector('option[value="' + candidates[i] + '"]')) return candidates[i];
    }
    return 'custom';
  }

  function announce() {
    document.dispatchEvent(new CustomEvent('timeline:change', { detail: { ids: shownIds.slice(), state: copy(current) } }));
  }

  function copy(state) { return JSON.parse(JSON.stringify(state)); }

  // ---- the list and the form follow the state --------------------------------------------------

  var current = emptyState(), shownIds = [];

  function apply(state) {
    current = state;
    var visible = [];
    events.forEach(function (event) {
      var shown = matches(event, state);
      event.card.hidden = !shown;
      if (shown) visible.push(event.id);
    });
    periods.forEach(function (period) {
      period.hidden = !period.querySelector('.event-card:not([hidden])');
    });
    count.textContent = (visible.length === events.length ? 'All ' + events.length + ' events'
      : visible.length + ' of ' + events.length + ' events');
    noMatch.hidden = visible.length > 0;
    form.querySelector('.clear-filters').hidden = isEmpty(state);
    syncForm(state);
    shownIds = visible;
    announce();
  }

  function syncForm(state) {
    FACETS.forEach(function (name) {
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
        box.checked = state[name].indexOf(box.value) !== -1;
      });
    });
    form.querySelectorAll('[data-selected-count]').forEach(function (badge) {
      var n = badge.closest('details').querySelectorAll('input:checked').length;
      badge.textContent = n ? '(' + n + ' chosen)' : '';
    });
    if (document.activeElement !== form.q) form.q.value = state.q;
    var period = periodOf(state);
    form.period.querySelector('option[value="custom"]').hidden = period !== 'custom';
    form.period.value = period;
  }

  function stateFromForm() {
    var state = emptyState();
    FACETS.forEach(function (name) {
      form.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (box) { state[name].push(box.value); });
    });
    state.q = form.q.value.trim();
    var period = form.period.value;
    if (period === 'custom') { state.from = current.from; state.to = current.to; }
    else if (period) { var b = periodBounds(period); state.from = b[0]; state.to = b[1]; }
    return state;
  }

  // push: a new entry in the history (a click, a choice); replace: refine the current one (typing, panning)
  function commit(state, how) {
    var url = location.pathname + query(state);
    if (url !== location.pathname + location.search || location.hash) {
      history[how === 'replace' ? 'replaceState' : 'pushState'](null, '', url);
    }
    apply(state);
  }

  var typing = 0;
  form.addEventListener('input', function (e) {
    if (e.target !== form.q) return;
    clearTimeout(typing);
    typing = setTimeout(function () { commit(stateFromForm(), 'replace'); }, 200);
  });
  form.addEventListener('change', function (e) {
    if (e.target === form.q) return;
    commit(stateFromForm(), 'push');
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); commit(stateFromForm(), 'push'); });
  document.querySelectorAll('[data-clear-filters]').forEach(function (control) {
    control.addEventListener('click', function (e) {
      e.preventDefault();
      commit(emptyState(), 'push');
      form.q.focus();
    });
  });
  window.addEventListener('popstate', function () { apply(readState(location.search)); revealTarget(false); });

  // ---- deep links: #event-id scrolls to and highlights that card -------------------------------

  function revealTarget(focus) {
    var id = decodeURIComponent(location.hash.slice(1));
    var event = byId[id];
    cards.forEach(function (card) { card.classList.toggle('is-target', card.id === id); });
    if (!event) return;
    if (event.card.hidden) {  // a shared link to an event the filters hide: show everything instead
      history.replaceState(null, '', location.pathname + location.hash);
      apply(emptyState());
    }
    event.card.scrollIntoView({ block: 'start', behavior: reduceMotion.matches || !focus ? 'auto' : 'smooth' });
    if (focus) event.card.focus({ preventScroll: true });
  }

  function goTo(id) {
    if (location.hash === '#' + id) revealTarget(true);
    else location.hash = id;  // a history entry, :target, and the hashchange below
  }

  window.addEventListener('hashchange', function () { revealTarget(true); });

  // ---- other views ----------------------------------------------------------------------------

  document.addEventListener('timeline:hello', announce);
  document.addEventListener('timeline:open', function (e) { goTo(e.detail.id); });
  document.addEventListener('timeline:range', function (e) {
    var state = copy(current);
    state.from = e.detail.from;
    state.to = e.detail.to;
    commit(state, e.detail.how);
  });

  // ---- start: the URL's state applies, a deep link lands -------------------------------------------

  apply(readState(location.search));
  if (location.hash) revealTarget(false);
})();
