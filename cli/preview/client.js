// Draws the preview's charts with uPlot (bundled into the page). Runs in the browser; the page's
// Content-Security-Policy forbids every network request, so everything it needs is in the page.
// A block, not a function: its bindings stay out of the page's globals.
{
  const data = JSON.parse(document.getElementById('preview-data').textContent);
  const LEVEL_COLOURS = { critical: '#c62828', warning: '#ef6c00', none: '#6a1b9a' };
  const PALETTE = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];

  // The grid's row height and gap in px (the page's CSS); a widget grows by whole rows.
  const ROW_PX = 46;
  const GAP_PX = 8;
  // Below this a chart is too flat to read; its widget grows instead of squeezing it further.
  const MIN_PLOT_PX = 150;
  const measure = document.createElement('canvas').getContext('2d');

  /** Places a widget at grid row y (0-based) spanning h rows. */
  function place(widget, y, h) {
    widget.dataset.y = String(y);
    widget.dataset.h = String(h);
    widget.style.gridRow = `${y + 1}/span ${h}`;
  }

  /**
   * Makes a widget taller by enough whole rows for `extraPx` more, moving every widget below it
   * down as far, so nothing overlaps and nothing is clipped (a dashboard's rows stay in order).
   */
  function grow(widget, extraPx) {
    const rows = Math.ceil(extraPx / (ROW_PX + GAP_PX));
    if (rows <= 0) return;
    const y = Number(widget.dataset.y);
    const end = y + Number(widget.dataset.h);
    for (const other of widget.parentElement.children) {
      if (other !== widget && Number(other.dataset.y) >= end)
        place(other, Number(other.dataset.y) + rows, Number(other.dataset.h));
    }
    place(widget, y, Number(widget.dataset.h) + rows);
  }

  /** Axis width from its widest label (uPlot's fixed 50 px cuts "10,000" to "0,000"). */
  function axisSize(u, values, axisIdx, cycleNum) {
    const axis = u.axes[axisIdx];
    measure.font = axis.font[0];
    const widest = Math.max(
      0,
      ...(values ?? [])
        .filter((v) => v != null)
        .map((v) => measure.measureText(String(v)).width / devicePixelRatio),
    );
    // At least 40 px, so the first time label (centred under the axis's edge) fits too; never
    // narrower than an earlier pass, so uPlot's re-sizing (until the labels settle) cannot shrink it.
    const size = Math.ceil((axis.ticks.show ? axis.ticks.size : 0) + axis.gap + widest + 2);
    return Math.max(40, size, cycleNum > 0 ? (axis._size ?? 0) : 0);
  }

  /** Series on one shared x axis (seconds), gaps as null. */
  function aligned(series) {
    const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const ys = series.map((s) => {
      const y = xs.map(() => null);
      for (const [x, v] of s.points) y[index.get(x)] = v;
      return y;
    });
    return [xs.map((x) => x / 1000), ...ys];
  }

  /** Threshold lines and shaded ALARM intervals of the alarms that watch this chart. */
  function overlayPlugin(overlays) {
    return {
      hooks: {
        drawClear: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            for (const o of overlays) {
              ctx.fillStyle = 'rgba(198, 40, 40, 0.12)';
              for (const [from, to] of o.bands) {
                const x0 = u.valToPos(from / 1000, 'x', true);
                const x1 = u.valToPos(to / 1000, 'x', true);
                ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
              }
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.setLineDash([6, 4]);
            ctx.lineWidth = 1.5;
            ctx.textAlign = 'right';
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            for (const o of overlays) {
              const y = u.valToPos(o.threshold, o.yAxis === 'right' ? 'y2' : 'y', true);
              ctx.strokeStyle = LEVEL_COLOURS[o.level] ?? '#555';
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
              ctx.fillStyle = ctx.strokeStyle;
              ctx.fillText(`${o.alarm} > ${o.threshold}`, u.bbox.left + u.bbox.width - 4, y - 4);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function drawChart(el, w) {
    const series = w.series.filter((s) => s.points.length > 0);
    const maxThreshold = (axis) =>
      Math.max(0, ...w.overlays.filter((o) => o.yAxis === axis).map((o) => o.threshold));
    const range = (axis) => (_u, min, max) => [
      Math.min(0, min ?? 0),
      Math.max(max ?? 1, maxThreshold(axis) * 1.1) || 1,
    ];
    const hasRight = series.some((s) => s.yAxis === 'right');
    const plotted = aligned(series);
    const xs = plotted[0];
    const bars = w.view === 'bar' ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined;
    const opts = {
      width: el.clientWidth || 600,
      // Resized below once the legend's height is known.
      height: MIN_PLOT_PX,
      // Labels only (as CloudWatch's legend): live values would double each entry's width.
      legend: { show: true, live: false },
      // Times in UTC whatever the browser's zone, as the header and the dashboards' data are.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // Room on the right for the last time label when no right axis gives it.
      padding: [null, hasRight ? null : 36, null, null],
      scales: {
        // The whole replayed range, so a daily bar or a single point is placed in time, not stretched over years.
        x: {
          time: true,
          // From the data, not uPlot's min/max: with one point uPlot widens the scale by 1,000 days.
          range: () => [
            Math.min(xs[0] ?? Number.POSITIVE_INFINITY, data.range.fromMs / 1000),
            Math.max((xs.at(-1) ?? 0) + w.periodSeconds, data.range.toMs / 1000),
          ],
        },
        y: { range: range('left') },
        ...(hasRight ? { y2: { range: range('right') } } : {}),
      },
      axes: [
        // Ticks at least 70 px apart: uPlot's 40 lets "10:00am10:15am" run together in a half-width widget.
        { space: 70 },
        { scale: 'y', size: axisSize },
        ...(hasRight ? [{ scale: 'y2', side: 1, size: axisSize, grid: { show: false } }] : []),
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          fill: bars ? PALETTE[i % PALETTE.length] : undefined,
          paths: bars,
          scale: s.yAxis === 'right' ? 'y2' : 'y',
          spanGaps: false,
          points: { show: s.points.length < 40 },
        })),
      ],
      plugins: [overlayPlugin(w.overlays)],
    };
    // Kept on the element for fitting, and for tests that measure what uPlot drew.
    el.uplot = new uPlot(opts, plotted, el);
    el.dataset.points = String(series.reduce((n, s) => n + s.points.length, 0));
    el.dataset.thresholds = w.overlays.map((o) => o.threshold).join(',');
    el.dataset.alarmBands = String(w.overlays.reduce((n, o) => n + o.bands.length, 0));
    el.dataset.rendered = 'true';
  }

  /**
   * The plot takes what its legend (every entry, wrapped) leaves of the widget; a widget too short
   * for both grows. After uPlot's first commit (a microtask), when the legend has its final width.
   */
  function fitToLegend(el) {
    const u = el.uplot;
    const legendPx = u.root.querySelector('.u-legend')?.offsetHeight ?? 0;
    grow(el.closest('.widget'), MIN_PLOT_PX + legendPx - el.clientHeight);
    u.setSize({
      width: el.clientWidth || 600,
      height: Math.max(MIN_PLOT_PX, el.clientHeight - legendPx - 4),
    });
  }

  // Tables, notes and single values first: a widget whose content is taller than its box grows.
  for (const widget of document.querySelectorAll('.widget')) {
    if (!widget.querySelector('[data-chart]')) grow(widget, widget.scrollHeight - widget.clientHeight);
  }
  for (const el of document.querySelectorAll('[data-chart]')) {
    const w = data.charts[Number(el.dataset.chart)];
    try {
      drawChart(el, w);
    } catch (error) {
      el.dataset.rendered = 'false';
      el.textContent = `chart failed: ${error}`;
      console.error(error);
    }
  }
  // Macrotasks: each runs after the microtasks in which uPlot commits sizes and draws.
  setTimeout(() => {
    for (const el of document.querySelectorAll('[data-chart][data-rendered="true"]')) fitToLegend(el);
    setTimeout(() => {
      document.body.dataset.ready = 'true';
    });
  });
}
