// What the preview page shows wrongly, evaluated inside the page by test/preview.browser.test.ts
// (an expression: the page's DOM and the uPlot instance each chart element keeps). Returns
// { problems, timeLabels, alarmRows }: clipped axis labels (canvas text measured in uPlot's font
// against the axis box and the canvas) and time labels touching their neighbour, legend entries, table rows and notes cut by their widget,
// notes naming an unknown metric-math id; each chart's x-axis labels; rows of each alarm list.
(() => {
  const problems = [];
  const timeLabels = [];
  const measure = document.createElement('canvas').getContext('2d');
  const titleOf = (el) => el.closest('[data-widget]')?.getAttribute('data-widget') ?? '?';
  for (const li of document.querySelectorAll('.notes li'))
    if (/unknown id/.test(li.textContent ?? '')) problems.push(`${titleOf(li)}: note "${li.textContent}"`);
  for (const el of document.querySelectorAll('[data-chart]')) {
    // uPlot's axis state (size, values, font) is internal; the page keeps each chart's instance.
    const u = el.uplot;
    if (!u) {
      problems.push(`${titleOf(el)}: no chart drawn`);
      continue;
    }
    const ratio = window.devicePixelRatio;
    u.axes.forEach((axis, i) => {
      if (!axis.show || !axis._values) return;
      measure.font = axis.font[0];
      const tick = axis.ticks.show ? axis.ticks.size : 0;
      const values = axis._values.filter((v) => v != null).map(String);
      if (i === 0) timeLabels.push(values);
      // Right edge of the previous x label: neighbours must not touch.
      let previousRight = Number.NEGATIVE_INFINITY;
      axis._values.forEach((v, k) => {
        if (v == null) return;
        for (const line of String(v).split('\n')) {
          const w = measure.measureText(line).width / ratio;
          if (axis.side === 1 || axis.side === 3) {
            if (w + tick + axis.gap > axis._size + 0.5)
              problems.push(
                `${titleOf(el)}: y label "${line}" is ${Math.ceil(w)} px in a ${axis._size} px axis`,
              );
          } else {
            const x = u.valToPos(axis._splits[k], axis.scale) + u.bbox.left / ratio;
            if (x - w / 2 < -0.5 || x + w / 2 > u.width + 0.5)
              problems.push(
                `${titleOf(el)}: x label "${line}" at ${Math.round(x)} px overflows a ${u.width} px canvas`,
              );
            if (line === String(v).split('\n')[0]) {
              if (x - w / 2 < previousRight + 4)
                problems.push(`${titleOf(el)}: x label "${line}" touches the one before it`);
              previousRight = x + w / 2;
            }
          }
        }
      });
    });
  }
  // Everything a reader must see in full: legend entries, table rows, notes; widgets clip the rest.
  for (const item of document.querySelectorAll('.u-legend .u-series, table tr, .notes li')) {
    const r = item.getBoundingClientRect();
    const widget = item.closest('.widget');
    const box = widget.getBoundingClientRect();
    if (
      r.height === 0 ||
      r.bottom > box.bottom - widget.clientTop + 0.5 ||
      r.right > box.right + 0.5 ||
      r.left < box.left - 0.5
    )
      problems.push(
        `${titleOf(item)}: "${(item.textContent ?? '').trim().slice(0, 60)}" is cut off or hidden`,
      );
  }
  const alarmRows = [...document.querySelectorAll('table.alarms')].map(
    (t) => t.querySelectorAll('tr td:first-child').length,
  );
  return { problems, timeLabels, alarmRows };
})();
