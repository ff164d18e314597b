// Focus site: typesets the math wrappers and draws the charts of a page.
// Math follows spec 03 section 3: only wrappers are typeset, on one promise chain; content that
// replaces other content is cleared first (typesetClear), and a container being re-rendered keeps
// translate="no" until its typeset resolves.
(function () {
  'use strict';
  var chain = Promise.resolve();
  var errors = window.__focusErrors = window.__focusErrors || [];

  function wrappers(root) {
    return Array.prototype.slice.call(root.querySelectorAll('.math-inline, .math-display'));
  }

  function mathReady() {
    if (!window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise) {
      return Promise.reject(new Error('MathJax did not load'));
    }
    return window.MathJax.startup.promise;
  }

  /** Typesets the wrappers inside root (after everything queued before). */
  function typeset(root) {
    chain = chain.then(mathReady).then(function () {
      var w = wrappers(root);
      return w.length ? window.MathJax.typesetPromise(w) : null;
    }).catch(function (e) { errors.push(String(e && e.message || e)); });
    return chain;
  }

  /** Replaces root's content with (already sanitised) html and typesets it. */
  function replace(root, html) {
    chain = chain.then(function () {
      root.classList.add('notranslate');
      root.setAttribute('translate', 'no');
      if (window.MathJax && window.MathJax.typesetClear) window.MathJax.typesetClear([root]);
      root.innerHTML = html;
    });
    typeset(root);
    chain = chain.then(function () {
      root.classList.remove('notranslate');
      root.removeAttribute('translate');
    });
    return chain;
  }

  // ----- charts (ECharts, data inlined as <script type="application/json" id="focus-charts">) -----

  function axis(type, name, extra) {
    var a = { type: type, name: name || '', nameLocation: 'middle', nameGap: 30 };
    for (var k in extra) a[k] = extra[k];
    return a;
  }

  function chartOption(c) {
    var o = {
      animation: false,
      title: { text: c.title || '', left: 'center', textStyle: { fontSize: 14, fontWeight: 'normal' } },
      grid: { left: 64, right: 24, top: 48, bottom: 56, containLabel: false },
      tooltip: { trigger: c.kind === 'scatter' || c.kind === 'heatmap' ? 'item' : 'axis', confine: true }
    };
    if (c.kind === 'heatmap') {
      var h = c.heatmap, data = [], min = Infinity, max = -Infinity;
      h.values.forEach(function (row, r) {
        row.forEach(function (v, col) { data.push([col, r, v]); if (v < min) min = v; if (v > max) max = v; });
      });
      if (min === max) { max = min + 1; }
      o.grid = { left: 72, right: 24, top: 48, bottom: 88 };
      o.xAxis = axis('category', c.xLabel, { data: h.cols, splitArea: { show: true } });
      o.yAxis = axis('category', c.yLabel, { data: h.rows, inverse: true, nameGap: 48, splitArea: { show: true } });
      o.visualMap = { min: min, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 4, itemHeight: 160 };
      o.series = [{ type: 'heatmap', data: data, progressive: 0 }];
      return o;
    }
    var categorical = c.kind === 'bar' && c.categories && c.categories.length > 0;
    o.xAxis = categorical ? axis('category', c.xLabel, { data: c.categories })
      : axis(c.logX ? 'log' : 'value', c.xLabel, { scale: !c.logX });
    o.yAxis = axis(c.logY ? 'log' : 'value', c.yLabel, { scale: c.kind !== 'bar' && !c.logY, nameGap: 48 });
    if (c.series.length > 1) { o.legend = { bottom: 0 }; o.grid.bottom = 64; }
    if (c.kind !== 'bar') o.dataZoom = [{ type: 'inside', filterMode: 'none' }];
    o.series = c.series.map(function (s) {
      var data = categorical ? s.y.slice() : s.y.map(function (y, i) { return [s.x[i], y]; });
      var out = { name: s.name, type: c.kind === 'scatter' ? 'scatter' : c.kind, data: data };
      if (c.kind === 'line') { out.showSymbol = data.length <= 60; out.sampling = 'lttb'; }
      return out;
    });
    return o;
  }

  function drawCharts() {
    // A selector, not getElementById: a heading of the report may carry the same id.
    var el = document.querySelector('script#focus-charts[type="application/json"]');
    if (!el) return;
    if (!window.echarts) { errors.push('ECharts did not load'); return; }
    var byId = {};
    JSON.parse(el.textContent).forEach(function (c) { byId[c.id] = c; });
    var drawn = [];
    Array.prototype.forEach.call(document.querySelectorAll('.chart-canvas[data-chart]'), function (div) {
      var c = byId[div.getAttribute('data-chart')];
      if (!c) return;
      try {
        var chart = window.echarts.init(div, null, { renderer: 'canvas' });
        chart.setOption(chartOption(c));
        div.setAttribute('data-rendered', c.kind);
        drawn.push(chart);
      } catch (e) {
        errors.push('chart ' + c.id + ': ' + (e && e.message || e));
      }
    });
    window.addEventListener('resize', function () { drawn.forEach(function (ch) { ch.resize(); }); });
  }

  window.focusSite = { typeset: typeset, replace: replace, chartOption: chartOption,
    settled: function () { return chain; } };

  drawCharts();
  Array.prototype.forEach.call(document.querySelectorAll('.md-root'), function (root) {
    if (root.id !== 'preview-output') typeset(root);
  });
  chain.then(function () { document.documentElement.setAttribute('data-typeset', 'done'); });
})();
