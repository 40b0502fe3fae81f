// The home page chart, interactive: plotly draws the figure the build put in the page as JSON,
// showing the same events as the list (see timeline.js for the events exchanged with it).
// plotly.js is large, so it is fetched on the reader's first interaction, never before the list
// is painted. Content reaches plotly escaped (by the build, or escapeHTML here) and the page only
// as textContent. A large site's figure is one circle per lane and month; once timeline.js has
// every event (timeline:data), the chart draws the matching events one by one when there are at
// most MAX_MARKERS of them, and counts them by month otherwise.
(function () {
  'use strict';

  var chartBox = document.getElementById('chart');
  if (!chartBox) return;
  var status = document.getElementById('chart-status');
  var current = { from: '', to: '' };
  var MAX_MARKERS = 1000;
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December'];
  var data = null, dataById = {};  // a large site's every event, from timeline.js

  function send(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }
  function goTo(id) { send('timeline:open', { id: id }); }

  function label(id) {
    if (dataById[id]) return dataById[id].date + ': ' + dataById[id].title;
    var card = document.getElementById(id);
    return card.querySelector('.event-meta time').textContent + ': ' + card.querySelector('.event-title').textContent;
  }

  var plotEl = document.getElementById('chart-plot');
  var preview = chartBox.querySelector('.chart-preview');
  var toolbar = chartBox.querySelector('.chart-toolbar');
  var figure = JSON.parse(document.getElementById('timeline-figure').textContent);
  var fullRange = figure.layout.xaxis.range.slice();
  var wide = window.matchMedia('(min-width: 40rem)');
  var dark = window.matchMedia('(prefers-color-scheme: dark)');
  var touch = window.matchMedia('(pointer: coarse)');
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
    l.yaxis.tickfont = { color: c.text, size: 13 };
    l.hoverlabel.bgcolor = c.surface; l.hoverlabel.bordercolor = c.rule;
    l.hoverlabel.font = { color: c.text, size: 14, family: l.font.family };
    l.xaxis.range = state.from || state.to ? rangeOf(state) : fullRange.slice();
    if (!wide.matches) {  // fewer, shorter dates on a phone
      l.xaxis.nticks = 5;
      l.xaxis.tickformatstops = [{ dtickrange: [null, 2419200000], value: '%b %-d' }, { dtickrange: [2419200000, null], value: '%b' }];
    }
    if (touch.matches) {  // a finger on the chart should scroll the page; the buttons zoom
      l.dragmode = false;
      l.xaxis.fixedrange = true;
    }
    l.uirevision = (state.from || '') + '/' + (state.to || '');  // a new period is a new view
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

  var byMonth = figure.data.some(function (t) { return t.meta.kind === 'months'; });

  // Only the visible events, trace by trace (arrays aligned with customdata are filtered alike).
  function traces(ids) {
    if (byMonth && data) return ids.length <= MAX_MARKERS ? eventTraces(ids) : monthTraces(ids);
    if (byMonth) return figure.data.map(function (trace) {  // every event's months, until the data is here
      var t = JSON.parse(JSON.stringify(trace));
      t.marker.color = laneColour(trace.marker.color);
      return t;
    });
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

  // ---- a large site: traces made here from timeline.js's data ----------------------------------

  function escapeHTML(text) {  // plotly reads a few tags in hover text; content must not be one
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  }

  function wrap(text, width) {
    var lines = [], line = '';
    text.split(' ').forEach(function (word) {
      if (line && (line + ' ' + word).length > width) { lines.push(line); line = word; }
      else line = line ? line + ' ' + word : word;
    });
    if (line) lines.push(line);
    return lines;
  }

  function laneTrace(lane) {
    return figure.data.filter(function (t) { return t.meta.lane === lane; })[0];
  }

  function dayNumber(iso) { return Date.parse(iso + 'T00:00:00Z') / 86400000; }

  function eventTraces(ids) {
    var rows = {}, spots = {}, bg = colours().bg;
    data.lanes.forEach(function (lane, n) { rows[lane[0]] = n; });
    var points = ids.map(function (id) {
      var e = dataById[id], span = e.end !== e.start;
      var x = span ? new Date((dayNumber(e.start) + dayNumber(e.end) + 1) / 2 * 86400000).toISOString() : e.start;
      var spot = e.lane + ' ' + x.slice(0, 10);
      spots[spot] = (spots[spot] || 0) + 1;
      return { e: e, x: x, span: span, spot: spot };
    });
    var seen = {};
    lookup = {};
    return data.lanes.map(function (lane, curve) {
      var own = points.filter(function (p) { return p.e.lane === lane[0]; });
      var y = own.map(function (p) {  // events on the same day of a lane spread above and below it
        var n = spots[p.spot], k = seen[p.spot] = (seen[p.spot] || 0) + 1;
        return rows[lane[0]] + (k - 1 - (n - 1) / 2) * Math.min(0.22, 0.8 / Math.max(n - 1, 1));
      });
      own.forEach(function (p, n) { lookup[p.e.id] = { curveNumber: curve, pointNumber: n }; });
      return {
        type: 'scatter', mode: 'markers', name: escapeHTML(lane[1]),
        x: own.map(function (p) { return p.x; }), y: y,
        marker: { color: laneColour(laneTrace(lane[0]).marker.color), size: 13, line: { width: 2, color: bg },
                  symbol: own.map(function (p) { return p.span ? 'diamond' : 'circle'; }) },
        customdata: own.map(function (p) { return p.e.id; }),
        text: own.map(function (p) { return [p.e.date].concat(wrap(p.e.title, 44)).map(escapeHTML).join('<br>'); }),
        hovertemplate: '%{text}<extra></extra>',
        meta: { kind: 'events', lane: lane[0] }
      };
    });
  }

  function periodKey(e) {  // a whole year (a year-only date) counts apart from its months
    var year = e.start.slice(0, 4);
    return e.start === year + '-01-01' && e.end === year + '-12-31' ? year : e.start.slice(0, 7);
  }

  function periodMiddle(key) {
    var y = +key.slice(0, 4), m = key.length > 4 ? +key.slice(5, 7) - 1 : 0;
    var lo = Date.UTC(y, m, 1), hi = key.length > 4 ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1);
    return new Date((lo + hi) / 2).toISOString();
  }

  function monthTraces(ids) {
    var counts = {}, most = 1;
    ids.forEach(function (id) {
      var e = dataById[id], key = e.lane + ' ' + periodKey(e);
      counts[key] = (counts[key] || 0) + 1;
      most = Math.max(most, counts[key]);
    });
    lookup = {};
    var traces = data.lanes.map(function (lane, curve) {
      var keys = Object.keys(counts).filter(function (k) { return k.split(' ')[0] === lane[0]; })
        .map(function (k) { return k.split(' ')[1]; }).sort();
      var n = function (key) { return counts[lane[0] + ' ' + key]; };
      return {
        type: 'scatter', mode: 'markers', name: escapeHTML(lane[1]),
        x: keys.map(periodMiddle), y: keys.map(function () { return curve; }),
        marker: { color: laneColour(laneTrace(lane[0]).marker.color), opacity: 0.8, line: { width: 1, color: colours().bg },
                  size: keys.map(function (key) { return Math.round((4 + 12 * Math.sqrt(n(key) / most)) * 10) / 10; }) },
        customdata: keys,
        text: keys.map(function (key) {
          var when = key.length > 4 ? MONTHS[+key.slice(5, 7) - 1] + ' ' + key.slice(0, 4) : key;
          return escapeHTML(when + ', ' + lane[1] + ': ' + n(key) + (n(key) === 1 ? ' event' : ' events'));
        }),
        hovertemplate: '%{text}<extra></extra>',
        meta: { kind: 'months', lane: lane[0] }
      };
    });
    ids.forEach(function (id) {
      var e = dataById[id], curve = data.lanes.findIndex(function (l) { return l[0] === e.lane; });
      lookup[id] = { curveNumber: curve, pointNumber: traces[curve].customdata.indexOf(periodKey(e)) };
    });
    return traces;
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
      chartBox.classList.add('is-interactive');
      plotEl.setAttribute('tabindex', '0');
      plotEl.setAttribute('role', 'application');
      plotEl.setAttribute('aria-roledescription', 'timeline chart');
      plotEl.setAttribute('aria-label', 'Timeline chart. Left and right arrows move between events, Enter opens one.');
      gd.on('plotly_click', function (e) {
        var point = e.points && e.points[0];
        if (!point || !point.customdata) return;
        if (point.data.meta.kind === 'months') showPeriod(point.customdata);  // a month: zoom into it
        else goTo(point.customdata);
      });
      gd.on('plotly_relayout', onZoom);
      chartBox.dispatchEvent(new CustomEvent('chart:ready', { bubbles: true }));
    });
  }

  function onZoom(change) {
    if (syncing) return;
    var lo = change['xaxis.range[0]'], hi = change['xaxis.range[1]'];
    if (change['xaxis.range']) { lo = change['xaxis.range'][0]; hi = change['xaxis.range'][1]; }
    var range = { from: '', to: '', how: 'replace' };  // panning refines the current history entry
    if (!change['xaxis.autorange']) {
      if (!(lo && hi)) return;
      range.from = String(lo).slice(0, 10);
      range.to = addDays(String(hi).slice(0, 10), -1);
      if (range.from <= fullRange[0].slice(0, 10) && range.to >= addDays(fullRange[1].slice(0, 10), -1)) {
        range.from = ''; range.to = '';
      }
    }
    send('timeline:range', range);
  }

  // The chart redraws in the next frame: the list (already changed) paints first, and a burst of
  // changes (typing) draws once.
  var frame = 0;
  function show(ids, state) {
    shown = ids;
    if (!gd || frame) return;
    frame = requestAnimationFrame(function () {
      frame = 0;
      syncing = true;
      window.Plotly.react(gd, traces(shown), layout(current)).then(function () { syncing = false; });
    });
  }

  function showPeriod(key) {  // "2025-08" or "2025"
    var y = +key.slice(0, 4), m = key.length > 4 ? +key.slice(5, 7) - 1 : 0;
    var iso = function (t) { return new Date(t).toISOString().slice(0, 10); };
    send('timeline:range', { from: iso(Date.UTC(y, m, 1)), how: 'push',
      to: iso((key.length > 4 ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1)) - 86400000) });
  }

  function setRange(lo, hi) {
    send('timeline:range', { from: lo <= fullRange[0] ? '' : lo, to: hi >= fullRange[1] ? '' : addDays(hi, -1), how: 'push' });
  }

  toolbar.addEventListener('click', function (e) {
    var button = e.target.closest('button');
    if (!button) return;
    // Works before plotly.js is here too: the buttons set the period, which the list (and the
    // preview) follow at once and the chart draws when it comes.
    var shownRange = gd ? gd.layout.xaxis.range : (current.from || current.to ? rangeOf(current) : fullRange);
    var r = shownRange.map(function (v) { return new Date(String(v).slice(0, 10) + 'T00:00:00Z').getTime(); });
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
    if (lookup[id]) window.Plotly.Fx.hover(gd, [lookup[id]]);
    status.textContent = label(id) + '. Event ' + (focusIndex + 1) + ' of ' + shown.length + '. Press Enter to read it.';
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



  // Until plotly.js is here, the static preview follows the filters too.
  function showInPreview(ids) {
    preview.querySelectorAll('[data-event]').forEach(function (point) {
      point.classList.toggle('is-filtered-out', ids.indexOf(point.dataset.event) === -1);
    });
  }

  document.addEventListener('timeline:data', function (e) {
    data = e.detail;
    dataById = {};
    data.events.forEach(function (event) { dataById[event.id] = event; });
  });

  document.addEventListener('timeline:change', function (e) {
    current = e.detail.state;
    showInPreview(e.detail.ids);
    show(e.detail.ids, current);
  });
  send('timeline:hello', {});
})();
