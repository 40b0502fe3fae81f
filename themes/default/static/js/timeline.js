// The home page, enhanced: filters whose state lives in the URL, event deep links, and the
// interactive plotly chart. The page is complete without this file; it only adds.
// Content is never parsed as HTML here: text goes through textContent, data through JSON.
(function () {
  'use strict';

  var form = document.getElementById('filters');
  var chartBox = document.getElementById('chart');
  if (!form || !chartBox) return;

  var FACETS = ['lane', 'tag', 'actor'];
  var reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
  var cards = Array.prototype.slice.call(document.querySelectorAll('.timeline .event-card'));
  var periods = Array.prototype.slice.call(document.querySelectorAll('.timeline .period'));
  var count = document.getElementById('match-count');
  var noMatch = document.getElementById('no-match');
  var status = document.getElementById('chart-status');

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
      text: fold(Array.prototype.map.call(searchable, function (el) { return el.textContent; }).join(' ')),
      label: card.querySelector('.event-meta time').textContent + ': ' + card.querySelector('.event-title').textContent
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

  // ---- the list and the form follow the state --------------------------------------------------

  var current = emptyState();

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
    chart.show(visible, state);
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

  // ---- the interactive chart ------------------------------------------------------------------

  var chart = (function () {
    var plotEl = document.getElementById('chart-plot');
    var preview = chartBox.querySelector('.chart-preview');
    var toolbar = chartBox.querySelector('.chart-toolbar');
    var figure = JSON.parse(document.getElementById('timeline-figure').textContent);
    var fullRange = figure.layout.xaxis.range.slice();
    var wide = window.matchMedia('(min-width: 40rem)');
    var dark = window.matchMedia('(prefers-color-scheme: dark)');
    var gd = null, requested = false, syncing = false, shown = [], focusIndex = -1, lookup = {};

    function colours() {
      var css = getComputedStyle(document.documentElement);
      var v = function (name) { return css.getPropertyValue(name).trim(); };
      return { text: v('--text'), muted: v('--muted'), rule: v('--rule'), bg: v('--bg'), surface: v('--surface') };
    }

    function layout(state) {
      var c = colours();
      var l = JSON.parse(JSON.stringify(figure.layout));
      l.font.color = c.muted;
      l.xaxis.gridcolor = c.rule; l.xaxis.linecolor = c.rule; l.xaxis.tickcolor = c.rule;
      l.xaxis.rangeslider.bgcolor = c.surface; l.xaxis.rangeslider.bordercolor = c.rule;
      l.xaxis.rangeslider.borderwidth = 1;
      l.yaxis.tickfont = { color: c.text, size: 13 };
      l.hoverlabel.bgcolor = c.surface; l.hoverlabel.bordercolor = c.rule;
      l.hoverlabel.font = { color: c.text, size: 14, family: l.font.family };
      l.xaxis.range = state.from || state.to ? rangeOf(state) : fullRange.slice();
      // The slider's overview is worth its height on wide screens; phones pan with a finger.
      l.xaxis.rangeslider.visible = wide.matches;
      if (!wide.matches) {  // fewer, shorter dates on a phone
        l.xaxis.nticks = 5;
        l.xaxis.tickformatstops = [{ dtickrange: [null, 2419200000], value: '%b %-d' }, { dtickrange: [2419200000, null], value: '%b' }];
      }
      l.uirevision = 'timeline';
      return l;
    }

    // Lane colours as the stylesheet shows them: lighter on a dark background (as lanes.css does).
    function laneColour(hex) {
      if (!dark.matches || !/^#[0-9a-f]{6}$/i.test(hex)) return hex;
      var mix = [1, 3, 5].map(function (i) { return Math.round(parseInt(hex.substr(i, 2), 16) * 0.68 + 255 * 0.32); });
      return 'rgb(' + mix.join(',') + ')';
    }

    function rangeOf(state) {
      return [state.from || fullRange[0], state.to ? addDays(state.to, 1) : fullRange[1]];
    }

    function addDays(day, n) {
      var d = new Date(day + 'T00:00:00Z');
      d.setUTCDate(d.getUTCDate() + n);
      return d.toISOString().slice(0, 10);
    }

    // Only the visible events, trace by trace (arrays aligned with customdata are filtered alike).
    function traces(ids) {
      var keep = {};
      ids.forEach(function (id) { keep[id] = true; });
      var bg = colours().bg;
      lookup = {};
      return figure.data.map(function (trace, curve) {
        var t = JSON.parse(JSON.stringify(trace));
        var idx = [];
        trace.customdata.forEach(function (id, i) { if (keep[id]) idx.push(i); });
        ['x', 'y', 'base', 'customdata', 'text'].forEach(function (key) {
          if (Array.isArray(t[key])) t[key] = idx.map(function (i) { return trace[key][i]; });
        });
        if (Array.isArray(t.marker.symbol)) t.marker.symbol = idx.map(function (i) { return trace.marker.symbol[i]; });
        if (t.marker.line && t.type === 'scatter') t.marker.line.color = bg;
        t.marker.color = laneColour(trace.marker.color);
        if (t.meta.kind === 'events') t.customdata.forEach(function (id, n) { lookup[id] = { curveNumber: curve, pointNumber: n }; });
        return t;
      });
    }

    function load() {
      if (requested) return;
      requested = true;
      // plotly.js would inject <style> elements, which the CSP refuses; these markers tell it the
      // rules are already here (the ones the chart needs are in site.css).
      chartBox.dataset.plotlyStyleGuards.split(' ').forEach(function (id) {
        var marker = document.createElement('meta');
        marker.id = id;
        marker.className = 'no-inline-styles';
        document.head.appendChild(marker);
      });
      var script = document.createElement('script');
      script.src = chartBox.dataset.plotlySrc;
      script.async = true;
      script.onload = draw;
      script.onerror = function () { chartBox.classList.add('chart-failed'); };
      document.head.appendChild(script);
    }

    function draw() {
      plotEl.hidden = false;
      var config = { displayModeBar: false, responsive: true, scrollZoom: false, showTips: false,
                     doubleClick: 'reset', displaylogo: false };
      window.Plotly.newPlot(plotEl, traces(shown), layout(current), config).then(function (div) {
        gd = div;
        preview.hidden = true;
        toolbar.hidden = false;
        chartBox.classList.add('is-interactive');
        plotEl.setAttribute('tabindex', '0');
        plotEl.setAttribute('role', 'application');
        plotEl.setAttribute('aria-roledescription', 'timeline chart');
        plotEl.setAttribute('aria-label', 'Timeline chart. Left and right arrows move between events, Enter opens one.');
        gd.on('plotly_click', function (e) {
          var point = e.points && e.points[0];
          if (point && point.customdata) goTo(point.customdata);
        });
        gd.on('plotly_relayout', onZoom);
        chartBox.dispatchEvent(new CustomEvent('chart:ready', { bubbles: true }));
      });
    }

    function onZoom(change) {
      if (syncing) return;
      var lo = change['xaxis.range[0]'], hi = change['xaxis.range[1]'];
      if (change['xaxis.range']) { lo = change['xaxis.range'][0]; hi = change['xaxis.range'][1]; }
      var state = JSON.parse(JSON.stringify(current));
      if (change['xaxis.autorange']) { state.from = ''; state.to = ''; }
      else if (lo && hi) {
        state.from = String(lo).slice(0, 10);
        state.to = addDays(String(hi).slice(0, 10), -1);
        if (state.from <= fullRange[0].slice(0, 10) && state.to >= addDays(fullRange[1].slice(0, 10), -1)) {
          state.from = ''; state.to = '';
        }
      } else return;
      commit(state, 'replace');
    }

    function show(ids, state) {
      shown = ids;
      if (!gd) return;
      syncing = true;
      window.Plotly.react(gd, traces(ids), layout(state)).then(function () { syncing = false; });
    }

    function setRange(lo, hi) {
      var state = JSON.parse(JSON.stringify(current));
      state.from = lo <= fullRange[0] ? '' : lo;
      state.to = hi >= fullRange[1] ? '' : addDays(hi, -1);
      commit(state, 'push');
    }

    toolbar.addEventListener('click', function (e) {
      var button = e.target.closest('button');
      if (!button || !gd) return;
      var r = gd.layout.xaxis.range.map(function (v) { return new Date(String(v).slice(0, 10) + 'T00:00:00Z').getTime(); });
      var day = 86400000, iso = function (t) { return new Date(t).toISOString().slice(0, 10); };
      var last = new Date(fullRange[1] + 'T00:00:00Z').getTime();
      if (button.dataset.range === 'all') setRange(fullRange[0], fullRange[1]);
      else if (button.dataset.range) setRange(iso(last - (button.dataset.range === '1m' ? 31 : 92) * day), fullRange[1]);
      else {
        var mid = (r[0] + r[1]) / 2, half = (r[1] - r[0]) / 2 * (button.dataset.zoom === 'in' ? 0.6 : 1.6);
        half = Math.max(half, 3 * day);
        setRange(iso(Math.max(mid - half, new Date(fullRange[0] + 'T00:00:00Z').getTime())), iso(Math.min(mid + half, last)));
      }
    });

    // Keyboard: arrows walk the visible events in time order, Enter opens the one shown.
    plotEl.addEventListener('keydown', function (e) {
      if (!gd || !shown.length) return;
      var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity };
      if (e.key === 'Enter' && focusIndex >= 0) { e.preventDefault(); goTo(shown[focusIndex]); return; }
      if (!(e.key in moves)) return;
      e.preventDefault();
      var step = moves[e.key];
      focusIndex = !isFinite(step) ? (step < 0 ? 0 : shown.length - 1)
        : Math.min(shown.length - 1, Math.max(0, focusIndex < 0 ? 0 : focusIndex + step));
      var id = shown[focusIndex];
      window.Plotly.Fx.hover(gd, [lookup[id]]);
      status.textContent = byId[id].label + '. Event ' + (focusIndex + 1) + ' of ' + shown.length + '. Press Enter to read it.';
    });
    plotEl.addEventListener('blur', function () { if (gd) window.Plotly.Fx.unhover(gd); });

    dark.addEventListener('change', function () { show(shown, current); });

    // plotly.js is large: it loads when the reader first does something (moves, touches, scrolls,
    // types), never before the list is painted, and never in the way of reading it.
    var intents = ['pointermove', 'pointerdown', 'touchstart', 'keydown', 'wheel', 'scroll', 'focusin'];
    function onIntent() {
      intents.forEach(function (t) { window.removeEventListener(t, onIntent, true); });
      load();
    }
    intents.forEach(function (t) { window.addEventListener(t, onIntent, { capture: true, passive: true }); });

    return { show: show, load: load };
  })();

  // ---- start: the form appears, the URL's state applies, a deep link lands ----------------------

  form.hidden = false;
  apply(readState(location.search));
  if (location.hash) revealTarget(false);
})();
