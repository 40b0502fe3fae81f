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
  var data = null, dataById = {};  // a large site's every event, from timeline.js

  // The x axis in fractional astronomical years, as chart_axis.py has it: positions, ISO days, and
  // ticks chosen for the span shown (days, months, years, round numbers of years).
  function chartAxis(months, words) {
    var DAY = 1 / 365.2425, BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    function leap(y) { return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0); }
    function len(y) { return leap(y) ? 366 : 365; }
    function before(y, m) { return BEFORE[m - 1] + (m > 2 && leap(y) ? 1 : 0); }
    function at(y, m, d) { return y + (before(y, m) + d - 1) / len(y); }
    function calendar(x) {
      var y = Math.floor(x), doy = Math.min(Math.floor((x - y) * len(y) + 1e-9), len(y) - 1), m = 12;
      while (m > 1 && before(y, m) > doy) m--;
      return [y, m, doy - before(y, m) + 1];
    }
    function amount(n) {  // as chart_axis.AxisWords.amount: CLDR's short forms where the language has them
      if (words.locale) {
        return new Intl.NumberFormat(words.locale, n >= 1e6 ? { notation: 'compact', maximumFractionDigits: 1 } : {}).format(n);
      }
      if (n >= 1e9) return +(n / 1e9).toPrecision(3) + ' bn';
      if (n >= 1e6) return +(n / 1e6).toPrecision(3) + ' m';
      return n.toLocaleString('en');
    }
    var agoFrom = words.agoFrom || 0;  // "N years ago" counts back from this year (chart_axis.YEARS_AGO_FROM)
    function yearLabel(y, noUnit) {  // noUnit: "13.8 bn", a row of ticks names the unit once
      if (y >= 10000) return new Intl.NumberFormat(words.locale || 'en').format(y);  // a padding's tick only
      if (y >= 1) return String(y);
      if (y > -10000) return (1 - y) + ' ' + words.bce;
      var ago = amount(Math.round(agoFrom - y));
      return noUnit ? ago : words.ago.replace('{}', ago);
    }
    function pad(n) { return (n < 10 ? '0' : '') + n; }
    function ticks(lo, hi, most) {
      var span = hi - lo, out = [], c, x, i, steps = [1, 2, 7, 14], monthSteps = [1, 2, 3, 6];
      // Days: every one, every other or every week from the first shown; two weeks: the 1st and
      // the 15th of each month, so the ticks run on to the right edge (as chart_axis._day_ticks).
      for (i = 0; i < steps.length; i++) if (span / (steps[i] * DAY) <= most) {
        var count = 0;
        for (x = at.apply(null, calendar(lo)); x <= hi; x += DAY) {
          c = calendar(x + DAY / 4);
          x = at(c[0], c[1], c[2]);
          if (x < lo) continue;
          if (steps[i] === 14 ? c[2] === 1 || c[2] === 15 : count % steps[i] === 0) {
            out.push([x, months[c[1] - 1] + ' ' + c[2] + (out.length ? '' : ', ' + yearLabel(c[0]))]);
          }
          count++;
        }
        return out;
      }
      for (i = 0; i < monthSteps.length; i++) if (span * 12 / monthSteps[i] <= most) {
        c = calendar(lo);
        var y = c[0], m = c[1], found = [], years = {};
        for (;; m++) {
          if (m > 12) { y++; m -= 12; }
          x = at(y, m, 1);
          if (x > hi) break;
          if (x >= lo && (m - 1) % monthSteps[i] === 0) { found.push([x, y, m]); years[y] = true; }
        }
        var dated = Object.keys(years).length > 1 && monthSteps[i] > 2;
        return found.map(function (f, n) {
          return [f[0], months[f[2] - 1] + (n === 0 || f[2] === 1 || dated ? ' ' + yearLabel(f[1]) : '')];
        });
      }
      var least = span / most, power = Math.pow(10, Math.max(0, Math.floor(Math.log10(Math.max(least, 1))))), step = 10 * power;
      [1, 2, 5].some(function (f) { if (f * power >= least) { step = f * power; return true; } return false; });
      if (step >= 10000) {  // round numbers of years ago, as chart_axis._deep_ticks
        var ks = [];
        for (var k = Math.ceil((lo - agoFrom) / step); agoFrom + k * step <= Math.min(hi, agoFrom); k++) ks.push(k);
        if (ks.length > 2 && ks[ks.length - 1] === 0) ks.pop();
        return ks.map(function (k, n) {
          return [agoFrom + k * step, n === ks.length - 1 ? words.ago.replace('{}', amount(-k * step || 0)) : amount(-k * step || 0)];
        });
      }
      for (x = Math.ceil(lo / step) * step; x <= hi; x += step) {
        var tick = x <= 0 ? x + 1 : x;
        if (tick >= lo && tick <= hi) out.push([tick, tick]);
      }
      var lastAgo = Math.max.apply(null, out.map(function (t) { return t[0] <= -10000 ? t[0] : -Infinity; }));
      return out.map(function (t) { return [t[0], yearLabel(t[0], t[0] !== lastAgo)]; });
    }
    return {
      DAY: DAY, ticks: ticks,
      fromIso: function (iso) { return at(+iso.slice(0, 4), +iso.slice(5, 7) || 1, +iso.slice(8, 10) || 1); },
      toIso: function (x) {  // '' outside the years the list's ISO days can name
        var c = calendar(x);
        return c[0] >= 1 && c[0] <= 9999 ? ('000' + c[0]).slice(-4) + '-' + pad(c[1]) + '-' + pad(c[2]) : '';
      }
    };
  }

  function send(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }
  function goTo(id) { send('timeline:open', { id: id }); }

  // On a touch screen, the click the browser makes of a tap on a marker comes after the page has
  // jumped to the card, and would land on what is under the finger then (a card's link): drop it.
  // Only after a finger's tap: a mouse's click on a card right after a marker is the reader's own.
  var tappedAt = -1e9, pointer = '';
  chartBox.addEventListener('pointerdown', function (e) { pointer = e.pointerType; }, true);
  document.addEventListener('click', function (e) {
    if (performance.now() - tappedAt < 500 && !chartBox.contains(e.target)) { e.preventDefault(); e.stopPropagation(); }
  }, true);

  function label(id) {
    if (dataById[id]) return dataById[id].date + ': ' + dataById[id].title;
    var card = document.getElementById(id);
    return card.querySelector('.event-meta time').textContent + ': ' + card.querySelector('.event-title').textContent;
  }

  var plotEl = document.getElementById('chart-plot');
  var preview = chartBox.querySelector('.chart-preview');
  var toolbar = chartBox.querySelector('.chart-toolbar');
  var figure = JSON.parse(document.getElementById('timeline-figure').textContent);
  // The x axis is in fractional years (any span fits it); the list speaks ISO days (axis.js converts).
  var fullRange = figure.layout.meta.full.slice();
  var openRange = figure.layout.xaxis.range.slice();  // site.yaml start_at
  var axis = chartAxis(figure.layout.meta.months, figure.layout.meta.words);
  var view = null, sentRange = '';  // the range the reader zoomed or panned to
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
    l.xaxis.range = shownRange(state);
    var ticks = fitTicks(l.xaxis.range[0], l.xaxis.range[1], wide.matches ? 8 : 4);
    (l.shapes || []).forEach(function (band) { band.opacity = dark.matches ? 0.14 : 0.4; });  // as site.css
    (l.annotations || []).forEach(function (note) { note.font.color = c.text; });
    placeEras(l);
    l.margin.r += rightOverflow(ticks, l.xaxis.range);  // plotly hides a label that passes the edge
    l.xaxis.tickvals = ticks.map(function (t) { return t[0]; });
    l.xaxis.ticktext = ticks.map(function (t) { return escapeHTML(t[1]); });
    if (touch.matches) {  // a finger on the chart should scroll the page; the buttons zoom
      l.dragmode = false;
      l.xaxis.fixedrange = true;
    }
    l.uirevision = (state.from || '') + '/' + (state.to || '');  // a new period is a new view
    return l;
  }

  function shownRange(state) {
    return view ? view.slice() : state.from || state.to ? rangeOf(state) : openRange.slice();
  }

  function plotWidth() { return gd ? gd._fullLayout.xaxis._length : plotEl.clientWidth * 0.7; }

  // At most `most` ticks whose labels (centred on their tick) stay apart at the plot's width.
  function fitTicks(lo, hi, most) {
    var width = plotWidth(), ticks = [], count, ok, i;
    var ctx = fitTicks.ctx || (fitTicks.ctx = document.createElement('canvas').getContext('2d'));
    ctx.font = '13px ' + figure.layout.font.family;
    for (count = most; count >= 2; count--) {
      ticks = axis.ticks(lo, hi, count);
      var px = ticks.map(function (t) { return (t[0] - lo) / (hi - lo) * width; });
      var w = ticks.map(function (t) { return ctx.measureText(t[1]).width; });
      for (ok = true, i = 0; i + 1 < ticks.length; i++) if (px[i + 1] - px[i] < (w[i] + w[i + 1]) / 2 + 12) ok = false;
      if (ok) break;
    }
    return ticks;
  }

  // How far the last tick's label (centred on its tick) passes the plot's right edge, in px.
  function rightOverflow(ticks, range) {
    if (!ticks.length) return 0;
    var width = plotWidth(), last = ticks[ticks.length - 1];
    var px = (last[0] - range[0]) / (range[1] - range[0]) * width;
    return Math.max(0, Math.ceil(px + fitTicks.ctx.measureText(last[1]).width / 2 + 2 - width));
  }

  // Era labels never overlap: each goes on the first of two rows where it starts after the
  // previous label ends (greedy, left to right), and is hidden where neither has room.
  function placeEras(l) {
    var lo = l.xaxis.range[0], hi = l.xaxis.range[1], ends = [-Infinity, -Infinity];
    var width = plotWidth();
    var ctx = placeEras.ctx || (placeEras.ctx = document.createElement('canvas').getContext('2d'));
    ctx.font = '11px ' + figure.layout.font.family;
    (l.annotations || []).forEach(function (note, n) {
      var shape = l.shapes[n], start = Math.max(shape.x0, lo), px = (start - lo) / (hi - lo) * width;
      var w = ctx.measureText(note.text).width + 8, end = Math.min(px + w, width);
      px = end - w;  // a label past the plot's right edge ends at it instead
      var row = ends[0] <= px ? 0 : ends[1] <= px ? 1 : -1;
      note.x = lo + (px / width) * (hi - lo);
      note.visible = shape.x1 > lo && shape.x0 < hi && row >= 0 && px >= 0;
      note.yshift = row > 0 ? 14 : 0;
      if (note.visible) ends[row] = end;
    });
  }

  // Lane colours as the stylesheet shows them: lighter on a dark background (as lanes.css does).
  function laneColour(hex) {
    if (!dark.matches || !/^#[0-9a-f]{6}$/i.test(hex)) return hex;
    var mix = [1, 3, 5].map(function (i) { return Math.round(parseInt(hex.substr(i, 2), 16) * 0.68 + 255 * 0.32); });
    return 'rgb(' + mix.join(',') + ')';
  }

  function rangeOf(state) {
    return [state.from ? axis.fromIso(state.from) : fullRange[0], state.to ? axis.fromIso(state.to) + axis.DAY : fullRange[1]];
  }

  var byMonth = figure.data.some(function (t) { return t.meta.kind === 'months'; });

  // Only the visible events, trace by trace (arrays aligned with customdata are filtered alike).
  function traces(ids) {
    if (byMonth && data) return ids.length <= MAX_MARKERS ? eventTraces(ids) : fitCounts(monthTraces(ids));
    if (byMonth) return fitCounts(figure.data.map(function (trace) {  // every event's months, until the data is here
      var t = JSON.parse(JSON.stringify(trace));
      t.marker.color = laneColour(trace.marker.color);
      return t;
    }));
    var keep = {};
    ids.forEach(function (id) { keep[id] = true; });
    var bg = colours().bg;
    lookup = {};
    return figure.data.map(function (trace, curve) {
      var t = JSON.parse(JSON.stringify(trace));
      var idx = [];
      trace.customdata.forEach(function (id, i) { if (keep[id]) idx.push(i); });
      ['x', 'y', 'base', 'customdata', 'text', 'hovertext'].forEach(function (key) {
        if (Array.isArray(t[key])) t[key] = idx.map(function (i) { return trace[key][i]; });
      });
      if (t.meta.labels) t.meta.labels = idx.map(function (i) { return trace.meta.labels[i]; });
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
      var iso = span ? new Date((dayNumber(e.start) + dayNumber(e.end) + 1) / 2 * 86400000).toISOString() : e.start;
      var x = axis.fromIso(iso.slice(0, 10)), spot = e.lane + ' ' + iso.slice(0, 10);
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
        type: 'scatter', mode: 'markers+text', name: escapeHTML(lane[1]), cliponaxis: true,
        x: own.map(function (p) { return p.x; }), y: y,
        marker: { color: laneColour(laneTrace(lane[0]).marker.color), size: 13, line: { width: 2, color: bg },
                  symbol: own.map(function (p) { return p.span ? 'diamond' : 'circle'; }) },
        customdata: own.map(function (p) { return p.e.id; }), textposition: 'middle right', textfont: { size: 11 },
        hovertext: own.map(function (p) { return [p.e.date].concat(wrap(p.e.title, 44)).map(escapeHTML).join('<br>'); }),
        hovertemplate: '%{hovertext}<extra></extra>',
        meta: { kind: 'events', lane: lane[0], labels: own.map(function (p) { return escapeHTML(shortLabel(p.e.title)); }) }
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
    return axis.fromIso(new Date((lo + hi) / 2).toISOString().slice(0, 10));
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
        type: 'scatter', mode: 'markers+text', name: escapeHTML(lane[1]), textposition: 'top center',
        text: keys.map(function (key) { return String(n(key)); }), textfont: { size: 10 },
        x: keys.map(periodMiddle), y: keys.map(function () { return curve; }),
        marker: { color: laneColour(laneTrace(lane[0]).marker.color), opacity: 0.8, line: { width: 1, color: colours().bg },
                  size: keys.map(function (key) { return Math.round((4 + 12 * Math.sqrt(n(key) / most)) * 10) / 10; }) },
        customdata: keys,
        hovertext: keys.map(function (key) {
          var when = key.length > 4 ? figure.layout.meta.months[+key.slice(5, 7) - 1] + ' ' + key.slice(0, 4) : key;
          return escapeHTML(when + ', ' + lane[1] + ': ' + n(key) + (n(key) === 1 ? ' event' : ' events'));
        }),
        hovertemplate: '%{hovertext}<extra></extra>',
        meta: { kind: 'months', lane: lane[0] }
      };
    });
    ids.forEach(function (id) {
      var e = dataById[id], curve = data.lanes.findIndex(function (l) { return l[0] === e.lane; });
      lookup[id] = { curveNumber: curve, pointNumber: traces[curve].customdata.indexOf(periodKey(e)) };
    });
    return traces;
  }

  // A month circle's count is written above it only when every count in view has room beside its
  // neighbours'; otherwise the circles go without (hover tells each one), as overlapping numbers
  // cannot be read, and a plot without them draws in a fraction of the time.
  function fitCounts(traces) {
    var range = shownRange(current), lo = range[0], hi = range[1], width = plotWidth();
    var ctx = fitCounts.ctx || (fitCounts.ctx = document.createElement('canvas').getContext('2d'));
    ctx.font = '10px ' + figure.layout.font.family;
    var fits = traces.every(function (t) {
      var shown = t.x.map(function (x, i) { return [(x - lo) / (hi - lo) * width, ctx.measureText(t.text[i]).width]; })
        .filter(function (p) { return p[0] >= 0 && p[0] <= width; })
        .sort(function (a, b) { return a[0] - b[0]; });
      for (var i = 0; i + 1 < shown.length; i++) if (shown[i + 1][0] - shown[i][0] < (shown[i][1] + shown[i + 1][1]) / 2 + 4) return false;
      return true;
    });
    if (!fits) traces.forEach(function (t) { t.mode = 'markers'; });
    return traces;
  }

  function shortLabel(title) {
    return title.length <= 28 ? title : title.slice(0, 28).replace(/\s+\S*$/, '').replace(/[,;:.\u2013-]+$/, '') + '\u2026';
  }

  // Each marker's label where it fits: greedy, left to right across the plot, beside its marker
  // or (a span's, whose bar runs through the marker's middle) above or below it; never over
  // another label, a marker or a bar, so stacked rows too close for text leave theirs hidden.
  // chart.py does the same for the static preview. Offsets are plotly's for 11 px text beside
  // a 13 px marker (drawing.textPointPosition).
  var LABEL_PLACES = { 'middle right': [-7, 6], 'top right': [-21, -8], 'bottom right': [8, 20] };
  function placeLabels() {
    var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, width = xa._length, height = ya._length;
    var ctx = placeLabels.ctx || (placeLabels.ctx = document.createElement('canvas').getContext('2d'));
    ctx.font = '11px ' + figure.layout.font.family;
    var taken = [], wanted = [], texts = {}, places = {}, curves = [];
    function hits(b, lane) {  // a label stays inside its own lane (it would read as the next one's)
      return b.l < 0 || b.r > width || b.t < Math.max(0, ya.l2p(lane - 0.5)) || b.b > Math.min(height, ya.l2p(lane + 0.5)) ||
        taken.some(function (o) {
        return b.l < o.r && o.l < b.r && b.t < o.b && o.t < b.b;
      });
    }
    gd.data.forEach(function (trace, curve) {
      if (!trace.meta) return;
      if (trace.meta.kind === 'span') trace.base.forEach(function (base, i) {
        var half = Math.abs(ya.l2p(trace.y[i] + trace.width / 2) - ya.l2p(trace.y[i]));
        taken.push({ l: xa.l2p(base), r: xa.l2p(base + trace.x[i]), t: ya.l2p(trace.y[i]) - half, b: ya.l2p(trace.y[i]) + half });
      });
      if (trace.meta.kind !== 'events' || !trace.meta.labels) return;
      texts[curve] = trace.x.map(function () { return ''; });
      places[curve] = trace.x.map(function () { return 'middle right'; });
      curves.push(curve);
      trace.x.forEach(function (x, i) {
        var px = xa.l2p(x), py = ya.l2p(trace.y[i]);
        taken.push({ l: px - 8, r: px + 8, t: py - 8, b: py + 8 });
        wanted.push({ curve: curve, i: i, px: px, py: py, label: trace.meta.labels[i] });
      });
    });
    wanted.sort(function (a, b) { return a.px - b.px || a.py - b.py; });
    wanted.forEach(function (w) {
      var right = w.px + 9 + ctx.measureText(w.label.replace(/&amp;/g, '&')).width + 2;
      Object.keys(LABEL_PLACES).some(function (place) {
        var box = { l: w.px + 9, r: right, t: w.py + LABEL_PLACES[place][0], b: w.py + LABEL_PLACES[place][1] };
        if (hits(box, Math.round(gd.data[w.curve].y[w.i]))) return false;
        taken.push(box);
        texts[w.curve][w.i] = w.label;
        places[w.curve][w.i] = place;
        return true;
      });
    });
    if (curves.length) {
      window.Plotly.restyle(gd, { text: curves.map(function (c) { return texts[c]; }),
                                  textposition: curves.map(function (c) { return places[c]; }) }, curves);
    }
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
    script.onload = function () { setTimeout(draw, 0); };  // plotly.js's own start-up is one task, the drawing others
    script.onerror = function () { chartBox.classList.add('chart-failed'); };
    document.head.appendChild(script);
  }

  // The next slice of work: after a frame is painted, in a task of its own, so that the reader's
  // input is answered between slices (no task long enough to delay it).
  function nextSlice(fn) {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { setTimeout(function () { resolve(fn()); }, 0); });
    });
  }

  // Drawn in slices: the axes on a bare layout, then the eras' bands and labels and the ticks for
  // the plot's real width, then the markers (the costly part, alone in its task), then the event
  // labels. The static preview stays until the markers are there.
  function draw() {
    plotEl.hidden = false;
    plotEl.classList.add('is-drawing');
    var config = { displayModeBar: false, responsive: true, scrollZoom: false, showTips: false,
                   doubleClick: 'reset', displaylogo: false };
    var bare = layout(current);
    bare.shapes = []; bare.annotations = [];
    var empty = figure.data.map(function (trace) { return { type: trace.type, x: [], y: [] }; });
    syncing = true;
    drawing = true;
    window.Plotly.newPlot(plotEl, empty, bare, config).then(function (div) {
      gd = div;
      gd.on('plotly_click', function (e) {
        var point = e.points && e.points[0];
        if (!point || !point.customdata) return;
        if (point.data.meta.kind === 'months') showPeriod(point.customdata);  // a month: zoom into it
        else {
          if (pointer === 'touch') tappedAt = performance.now();
          goTo(point.customdata);
        }
      });
      gd.on('plotly_relayout', onZoom);
      return nextSlice(function () {  // ticks again, for the plot's real width
        var l = layout(current);
        return window.Plotly.relayout(gd, { shapes: l.shapes || [], annotations: l.annotations || [], 'margin.r': l.margin.r,
                                            'xaxis.tickvals': l.xaxis.tickvals, 'xaxis.ticktext': l.xaxis.ticktext });
      });
    }).then(function () {
      return nextSlice(function () { return window.Plotly.react(gd, traces(shown), layout(current)); });
    }).then(function () {
      plotEl.classList.remove('is-drawing');
      preview.hidden = true;
      chartBox.classList.add('is-interactive');
      plotEl.setAttribute('tabindex', '0');
      plotEl.setAttribute('role', 'application');
      plotEl.setAttribute('aria-roledescription', siteWords.text('chart_role'));
      plotEl.setAttribute('aria-label', siteWords.text('chart_label'));
      return nextSlice(placeLabels);
    }).then(function () {
      syncing = false;
      drawing = false;
      if (changedWhileDrawing) show(shown, current);
      chartBox.dispatchEvent(new CustomEvent('chart:ready', { bubbles: true }));
    });
  }

  function onZoom(change) {
    if (syncing) return;
    var lo = change['xaxis.range[0]'], hi = change['xaxis.range[1]'];
    if (change['xaxis.range']) { lo = change['xaxis.range'][0]; hi = change['xaxis.range'][1]; }
    if (change['xaxis.autorange']) { view = null; sendRange(fullRange[0], fullRange[1], 'replace'); return; }
    if (lo === undefined || hi === undefined) return;
    view = [+lo, +hi];
    sendRange(+lo, +hi, 'replace');  // panning refines the current history entry
    show(shown, current);  // ticks and labels for the new span
  }

  // The chart redraws in the next frame: the list (already changed) paints first, and a burst of
  // changes (typing) draws once.
  var frame = 0, drawing = false, changedWhileDrawing = false;
  function show(ids, state) {
    shown = ids;
    changedWhileDrawing = drawing;
    if (!gd || frame || drawing) return;
    frame = requestAnimationFrame(function () {
      frame = 0;
      syncing = true;
      window.Plotly.react(gd, traces(shown), layout(current)).then(function () { placeLabels(); syncing = false; });
    });
  }

  function showPeriod(key) {  // "2025-08" or "2025"
    var y = +key.slice(0, 4), m = key.length > 4 ? +key.slice(5, 7) - 1 : 0;
    var iso = function (t) { return new Date(t).toISOString().slice(0, 10); };
    send('timeline:range', { from: iso(Date.UTC(y, m, 1)), how: 'push',
      to: iso((key.length > 4 ? Date.UTC(y, m + 1, 1) : Date.UTC(y + 1, 0, 1)) - 86400000) });
  }

  // The list filters by ISO days: a moment outside the years 1..9999 leaves that side open.
  function sendRange(lo, hi, how) {
    var from = lo <= fullRange[0] ? '' : axis.toIso(lo), to = hi >= fullRange[1] ? '' : axis.toIso(hi - axis.DAY);
    sentRange = from + '/' + to;
    send('timeline:range', { from: from, to: to, how: how });
  }

  function setRange(lo, hi) {
    view = [Math.max(lo, fullRange[0]), Math.min(hi, fullRange[1])];
    sendRange(view[0], view[1], 'push');
    show(shown, current);
  }

  toolbar.addEventListener('click', function (e) {
    var button = e.target.closest('button');
    if (!button) return;
    // Works before plotly.js is here too: the buttons set the period, which the list (and the
    // preview) follow at once and the chart draws when it comes.
    var r = gd ? gd.layout.xaxis.range : (view || (current.from || current.to ? rangeOf(current) : openRange));
    if (button.dataset.range === 'all') { view = null; setRange(fullRange[0], fullRange[1]); }
    else if (button.dataset.range) {  // the period before the last event, padded for its own width
      var width = +button.dataset.range, pad = figure.layout.meta.pad;
      var end = figure.layout.meta.last + Math.max(width * pad[0], pad[1]);
      setRange(end - width, end);
    }
    else {
      var mid = (+r[0] + +r[1]) / 2, half = (r[1] - r[0]) / 2 * (button.dataset.zoom === 'in' ? 0.6 : 1.6);
      half = Math.max(half, 3 * axis.DAY);
      setRange(mid - half, mid + half);
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
    status.textContent = siteWords.count('chart_status', shown.length, { label: label(id), listed: focusIndex + 1, num: shown.length });
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
    if ((current.from || '') + '/' + (current.to || '') !== sentRange) view = null;  // a period from the filters
    showInPreview(e.detail.ids);
    show(e.detail.ids, current);
  });
  send('timeline:hello', {});
})();
