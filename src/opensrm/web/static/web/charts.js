/* Dashboard charts. Data comes from a json_script block, never from inline code. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var dataEl = document.getElementById("chart-data");
    if (!dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var labels = JSON.parse(document.getElementById("chart-labels").textContent);
    var palette = ["#2459d6", "#5b8def", "#98b6f5", "#12805c", "#f59e0b", "#c0352b"];
    var charts = [];
    // Compact figures with the currency: ¥1235万 / ¥1.2亿 in Chinese, CN¥12.3M in English,
    // so an axis label never outgrows the space the grid leaves for it.
    var lang = document.documentElement.lang || "zh-Hans";
    var compact = new Intl.NumberFormat(lang, {
      style: "currency", currency: labels.currency || "CNY", currencyDisplay: "symbol",
      notation: "compact", maximumFractionDigits: 1
    });
    var full = new Intl.NumberFormat(lang, { style: "currency", currency: labels.currency || "CNY", maximumFractionDigits: 0 });
    function fmt(v) { return compact.format(v); }
    function fmtFull(v) { return full.format(v); }

    var pipeEl = document.getElementById("chart-pipeline");
    if (pipeEl) {
      var pipe = echarts.init(pipeEl);
      pipe.setOption({
        color: palette,
        // The bar labels sit right of the bars: the right margin keeps the longest one inside.
        grid: { left: 8, right: 96, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmtFull, confine: true },
        xAxis: { type: "value", axisLabel: { formatter: fmt, hideOverlap: true }, splitLine: { lineStyle: { color: "#eef0f4" } } },
        yAxis: {
          type: "category", data: data.pipeline.stages, inverse: true, axisTick: { show: false },
          axisLabel: { width: 110, overflow: "truncate" }
        },
        series: [{
          name: labels.amount, type: "bar", data: data.pipeline.amounts, barMaxWidth: 26,
          itemStyle: { borderRadius: [0, 4, 4, 0] },
          label: { show: true, position: "right", formatter: function (p) { return fmt(p.value) + " · " + data.pipeline.counts[p.dataIndex]; } }
        }]
      });
      charts.push(pipe);
    }

    var bookEl = document.getElementById("chart-bookings");
    if (bookEl) {
      var book = echarts.init(bookEl);
      book.setOption({
        color: ["#2459d6", "#c4cedd"],
        legend: { top: 0, right: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: fmtFull, confine: true },
        xAxis: { type: "category", data: data.bookings.months.map(function (m) { return labels.months[m - 1]; }) },
        yAxis: { type: "value", axisLabel: { formatter: fmt }, splitLine: { lineStyle: { color: "#eef0f4" } } },
        series: [
          { name: labels.current, type: "bar", data: data.bookings.current, barMaxWidth: 28, itemStyle: { borderRadius: [4, 4, 0, 0] } },
          { name: labels.previous, type: "bar", data: data.bookings.previous, barMaxWidth: 28, itemStyle: { borderRadius: [4, 4, 0, 0] } }
        ]
      });
      charts.push(book);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
