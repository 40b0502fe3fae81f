// The home page, enhanced: filters whose state lives in the URL and event deep links.
// The page is complete without this file; it only adds. Other views of the same events (the
// chart, in chart.js) follow along through events on document:
//   timeline:change {ids, state}   sent after every change (and on timeline:hello)
//   timeline:open {id}             asks to show an event's card
//   timeline:range {from, to, how} asks to narrow the dates ('' for no limit)
//   timeline:data {events, ...}    a large site's every event (below), once fetched
// A large site (more events than its pages list at once: site_builder/render/archive.py) lists one
// period per page. Its filters still cover every event: a compact index of all of them is fetched
// on the reader's first interaction (at once when the URL asks for a filter or an event elsewhere),
// their text only when a text query needs it; matches on other pages are listed as links before
// and after this page's cards, and the index of periods counts them.
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
  var list = document.getElementById('timeline');
  var large = list.dataset.index ? {
    position: parseFloat(list.dataset.page),
    embed: list.hasAttribute('data-embed'),
    index: null, indexLoading: null, text: null, textLoading: null, total: 0
  } : null;

  // ---- what each card is about, folded once for searching ----------------------------------

  function fold(text) {
    return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u2033]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\s+/g, ' ').toLowerCase();
  }

  function words(value) { return (value || '').split(' ').filter(Boolean); }

  var events = cards.map(function (card) {
    return {
      id: card.id,
      card: card,
      lane: card.dataset.lane,
      tag: words(card.dataset.tags),
      actor: words(card.dataset.actors),
      start: card.dataset.start,
      end: card.dataset.end,
      text: null  // folded on the first text query (textOf): a large site's come from its text file
    };
  });

  function textOf(event) {
    if (event.text === null && event.card) {
      var searchable = event.card.querySelectorAll('.event-title, .summary, blockquote');
      event.text = fold(Array.prototype.map.call(searchable, function (el) { return el.textContent; }).join(' '));
    }
    return event.text;
  }
  var byId = {};
  events.forEach(function (e) { byId[e.id] = e; });
  var pageEvents = events;  // the events whose cards are on this page

  // ---- a large site: every event, from the index (see archive.py for its rows) -----------------

  function fetchJSON(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  function loadIndex() {
    if (!large.indexLoading) {
      large.indexLoading = fetchJSON(list.dataset.index).then(function (data) {
        var lanes = data.lanes.map(function (l) { return l[0]; });
        var all = data.events.map(function (row) {
          var onPage = byId[row[0]];
          return {
            id: row[0], start: row[1], end: row[2] || row[1], lane: lanes[row[3]],
            tag: row[4].map(function (n) { return data.tags[n]; }),
            actor: row[5].map(function (n) { return data.actors[n]; }),
            page: row[6], date: row[7], title: row[8],
            card: onPage ? onPage.card : null, text: null
          };
        });
        large.index = data;
        large.total = all.length;
        events = all;
        byId = {};
        events.forEach(function (e) { byId[e.id] = e; });
        pageEvents = events.filter(function (e) { return e.card; });
        sendData();
        apply(current);
      });
    }
    return large.indexLoading;
  }

  function loadText() {
    if (!large.textLoading) {
      large.textLoading = loadIndex().then(function () { return fetchJSON(list.dataset.text); }).then(function (texts) {
        events.forEach(function (e, n) { e.text = texts[n]; });
        large.text = true;
        apply(current);
      });
    }
    return large.textLoading;
  }

  function sendData() {
    if (!large || !large.index) return;
    document.dispatchEvent(new CustomEvent('timeline:data', { detail: {
      lanes: large.index.lanes, pages: large.index.pages, eventsBase: large.index.events_base, events: events
    } }));
  }

  // What this page cannot answer alone waits for the data: a filter, or an event on another page.
  function needs(state) {
    if (!large) return null;
    if (state.q && !large.text) return loadText();
    if (!isEmpty(state) && !large.index) return loadIndex();
    return null;
  }

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

  function matches(event, state, queryWords) {
    for (var i = 0; i < FACETS.length; i++) {
      var wanted = state[FACETS[i]];
      if (!wanted.length) continue;
      var has = [].concat(event[FACETS[i]]);
      if (!wanted.some(function (v) { return has.indexOf(v) !== -1; })) return false;
    }
    if (state.from && event.end < state.from) return false;
    if (state.to && event.start > state.to) return false;
    return queryWords.every(function (w) { return textOf(event).indexOf(w) !== -1; });
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
  var servedCount = 'all ' + (large ? +list.dataset.total : events.length);  // until the count is first written

  function apply(state) {
    current = state;
    form.querySelector('.clear-filters').hidden = isEmpty(state);
    syncForm(state);
    if (needs(state)) {  // apply() runs again when the data is here
      servedCount = null;
      count.textContent = siteWords.count('searching_all', +list.dataset.total, { num: list.dataset.total });
      return;
    }
    var queryWords = words(fold(state.q)), visible = [], matched = [];
    events.forEach(function (event) {
      if (!matches(event, state, queryWords)) return;
      visible.push(event.id);
      matched.push(event);
    });
    // Only what changes is written: the page as served is the unfiltered list, so a start without
    // filters restyles no card, and the live count it shows is not announced again.
    var keep = {};
    matched.forEach(function (event) { keep[event.id] = true; });
    pageEvents.forEach(function (event) {
      if (event.card.hidden === !!keep[event.id]) event.card.hidden = !keep[event.id];
    });
    periods.forEach(function (period) {
      var empty = !period.querySelector('.event-card:not([hidden])');
      if (period.hidden !== empty) period.hidden = empty;
    });
    var total = large ? +list.dataset.total : events.length;  // before the index: this page's are all there is
    var counted = (visible.length === events.length ? 'all ' : visible.length + ' ') + total;
    if (counted !== servedCount) {
      servedCount = null;
      count.textContent = (visible.length === events.length ? siteWords.count('all_events', total, { num: total })
        : siteWords.count('some_events', total, { listed: visible.length, num: total }));
    }
    if (noMatch.hidden !== visible.length > 0) noMatch.hidden = visible.length > 0;
    if (large && large.index) elsewhere.show(isEmpty(state) ? [] : matched, state);
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
      badge.textContent = n ? siteWords.text('chosen', { num: n }) : '';
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

  // ---- a large site: matches on other pages, and how many each period has ----------------------

  var ROWS = 100;  // links shown at a time on either side of this page's cards

  var elsewhere = large && (function () {
    var boxes = { before: document.getElementById('elsewhere-before'), after: document.getElementById('elsewhere-after') };
    var counts = Array.prototype.slice.call(document.querySelectorAll('[data-period-count]'));
    counts.forEach(function (el) { el.dataset.all = el.textContent; });
    var links = Array.prototype.slice.call(document.querySelectorAll('.period-index a.period-link'));
    links.forEach(function (a) { a.dataset.path = a.getAttribute('href'); });
    var shown = { before: ROWS, after: ROWS }, sides = { before: [], after: [] }, search = '';

    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function row(event) {
      var item = el('li', 'elsewhere-event lane-' + event.lane);
      var link = el('a', '', event.title);
      link.href = large.index.events_base + event.id + '/';
      var when = el('time', 'muted', event.date);
      when.dateTime = event.start;
      item.append(link, ' ', when);
      return item;
    }

    function render(side) {
      var box = boxes[side], matched = sides[side], limit = shown[side];
      box.replaceChildren();
      box.hidden = !matched.length;
      if (!matched.length) return;
      var picked = side === 'before' ? matched.slice(Math.max(0, matched.length - limit)) : matched.slice(0, limit);
      var rest = matched.length - picked.length;
      var note = el('p', 'elsewhere-note', siteWords.count(side === 'before' ? 'earlier' : 'later', matched.length,
        { num: matched.length }) + (rest ? siteWords.text('nearest', { num: picked.length }) : ''));
      var more = null;
      if (rest) {
        more = el('button', 'elsewhere-more', siteWords.text(side === 'before' ? 'show_earlier' : 'show_later',
          { num: Math.min(ROWS, rest) }));
        more.type = 'button';
        more.addEventListener('click', function () { shown[side] += ROWS; render(side); });
      }
      box.append(note);
      if (more && side === 'before') box.append(more);
      var group = null, page = -1, pages = large.index.pages;
      picked.forEach(function (event) {
        if (event.page !== page) {
          page = event.page;
          var section = el('section', 'elsewhere-period');
          var heading = el('h2', 'period-label elsewhere-label');
          var link = el('a', '', pages[page][1]);
          link.href = pages[page][0] + search;
          heading.append(link);
          group = el('ul', 'elsewhere-list');
          section.append(heading, group);
          box.append(section);
        }
        group.append(row(event));
      });
      if (more && side === 'after') box.append(more);
    }

    return {
      show: function (matched, state) {
        search = query(state);
        sides.before = matched.filter(function (e) { return e.page < large.position; });
        sides.after = matched.filter(function (e) { return e.page > large.position; });
        shown.before = shown.after = ROWS;
        render('before');
        render('after');
        var perPeriod = {};
        matched.forEach(function (e) {
          var key = large.index.pages[e.page][2];
          perPeriod[key] = (perPeriod[key] || 0) + 1;
          if (key.length > 4) perPeriod[key.slice(0, 4)] = (perPeriod[key.slice(0, 4)] || 0) + 1;
        });
        var filtering = !isEmpty(state);
        counts.forEach(function (el) {
          el.textContent = filtering ? siteWords.number(perPeriod[el.dataset.periodCount] || 0) : el.dataset.all;
          el.closest('li').classList.toggle('is-empty', filtering && !perPeriod[el.dataset.periodCount]);
        });
        links.forEach(function (a) { a.setAttribute('href', a.dataset.path + search); });
      }
    };
  })();

  // ---- deep links: #event-id scrolls to and highlights that card -------------------------------

  // An event listed on another page of a large site: go there (the embed view, framed, opens its page).
  function visitElsewhere(event, push) {
    if (large.embed) window.open(large.index.events_base + event.id + '/', '_blank', 'noopener');
    else location[push ? 'assign' : 'replace'](large.index.pages[event.page][0] + '#' + encodeURIComponent(event.id));
  }

  function revealTarget(focus) {
    var id = decodeURIComponent(location.hash.slice(1));
    var event = byId[id];
    cards.forEach(function (card) { card.classList.toggle('is-target', card.id === id); });
    if (large && id && !(event && event.card)) {
      if (!large.index) { loadIndex().then(function () { revealTarget(focus); }); return; }
      if (event && !large.embed) visitElsewhere(event, false);
      return;
    }
    if (!event) return;
    if (event.card.hidden) {  // a shared link to an event the filters hide: show everything instead
      history.replaceState(null, '', location.pathname + location.hash);
      apply(emptyState());
    }
    event.card.scrollIntoView({ block: 'start', behavior: reduceMotion.matches || !focus ? 'auto' : 'smooth' });
    if (focus) event.card.focus({ preventScroll: true });
  }

  function goTo(id) {
    var event = byId[id];
    if (large && event && !event.card) visitElsewhere(event, true);
    else if (location.hash === '#' + id) revealTarget(true);
    else location.hash = id;  // a history entry, :target, and the hashchange below
  }

  window.addEventListener('hashchange', function () { revealTarget(true); });

  // ---- other views ----------------------------------------------------------------------------

  document.addEventListener('timeline:hello', function () { sendData(); announce(); });
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
  // site.yaml's start_at date opens the chart there; the window stays at the top (the title and
  // the chart first), and the list offers a "Jump to <date>" link instead.

  // A large site's index arrives with the reader's first interaction (as the chart's plotly.js does).
  if (large) {
    var intents = ['pointermove', 'pointerdown', 'touchstart', 'keydown', 'wheel', 'scroll', 'focusin'];
    var onIntent = function () {
      intents.forEach(function (t) { window.removeEventListener(t, onIntent, true); });
      loadIndex();
    };
    intents.forEach(function (t) { window.addEventListener(t, onIntent, { capture: true, passive: true }); });
  }
})();
