// The automation reports' charts: each <figure class="chart" data-chart='{"x": [epoch seconds], "series": [{label,
// kind, values}], "unit", "style"}'> becomes a uPlot chart (from its webjar): bars side by side ("bars") or one
// stacked bar per day ("stacked"). The same figures are in the table under each chart, so without JavaScript, or to a
// screen reader, nothing is lost.
(function () {
  var colours = { ok: "#0e6245", goal: "#1d4ed8", bad: "#a41c4e", warn: "#8a4b00", off: "#5b6478" };

  // The top of the value axis: the highest figure rounded up to 1, 2, 2.5 or 5 of its power of ten, so that the top
  // label stands at or above the tallest bar or point (19 dollars reach to 20, not past the last label at 15).
  function niceCeiling(max) {
    if (!(max > 1)) {
      return 1;
    }
    var power = Math.pow(10, Math.floor(Math.log10(max)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= max) {
        return steps[i] * power;
      }
    }
    return 10 * power;
  }

  function draw(figure) {
    var chart = JSON.parse(figure.getAttribute("data-chart"));
    var data = [chart.x];
    var series = [{}];
    if (chart.style === "stacked") {
      // One bar a day, its outcomes stacked from the first series up: each series is drawn as the running total up to
      // it, the tallest first, so that each shorter one covers the bottom of the one before and shows its own part.
      var totals = chart.x.map(function () { return 0; });
      var tops = chart.series.map(function (s) {
        totals = totals.map(function (t, i) { return t + (s.values[i] || 0); });
        return totals;
      });
      for (var i = chart.series.length - 1; i >= 0; i--) {
        var s = chart.series[i];
        var colour = colours[s.kind] || "#4f46e5";
        data.push(tops[i].map(function (v) { return v > 0 ? v : null; }));
        series.push({ label: s.label, stroke: colour, fill: colour, width: 0,
          paths: uPlot.paths.bars({ size: [0.6, 28] }), points: { show: false } });
      }
    } else {
      chart.series.forEach(function (s, i) {
        data.push(s.values);
        var colour = colours[s.kind] || "#4f46e5";
        // Bars side by side around each week's tick, so that equal amounts do not hide one another.
        series.push({ label: s.label, stroke: colour, fill: colour, width: 1,
          paths: uPlot.paths.bars({ size: [0.3, 40], align: i === 0 ? -1 : 1 }), points: { show: false } });
      });
    }
    // Counts of runs have no halves.
    var whole = chart.unit === "runs" ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } : {};
    // Bars stand beside their tick: half a step of room at each end keeps the first and last whole.
    var step = chart.x.length > 1 ? chart.x[1] - chart.x[0] : 86400;
    var padded = function (u, min, max) { return [min - step / 2, max + step / 2]; };
    var width = Math.max(260, figure.clientWidth - 16);
    var zoned = function (ts) { return uPlot.tzDate(new Date(ts * 1000), chart.zone || "Etc/UTC"); };
    // Bars are labelled at their own week (or day), not at ticks uPlot would space on its own between them; as many
    // labels as fit, every second or third one when the chart is narrow.
    var day = uPlot.fmtDate("{M}/{D}");
    var xAxis = {
      splits: function (u) {
        // The plot's own width, without the value axis beside it, in CSS pixels.
        var every = Math.max(1, Math.ceil(chart.x.length * 48 / (u.bbox.width / uPlot.pxRatio)));
        return chart.x.filter(function (x, i) { return i % every === 0; });
      },
      values: function (u, splits) { return splits.map(function (ts) { return day(zoned(ts)); }); }
    };
    var plot = new uPlot({
      width: width,
      height: width < 500 ? 200 : 260,
      series: series,
      axes: [xAxis, Object.assign({ label: chart.unit, size: 60 }, whole)],
      scales: { x: { time: true, range: padded }, y: { range: function (u, min, max) { return [0, niceCeiling(max)]; } } },
      legend: { live: false },
      // Each x is the start of a day (or week) of the report, which counts in the store's time zone as the table
      // under the chart does: labelled in the browser's zone, a store's midnight would read as another day elsewhere.
      tzDate: zoned
    }, data, figure);
    figure.querySelector("canvas").setAttribute("aria-hidden", "true");
    figure.plot = plot;
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(260, figure.clientWidth - 16), height: plot.height });
    });
  }

  function start() {
    if (typeof uPlot === "undefined") {
      return;
    }
    document.querySelectorAll("figure.chart[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
