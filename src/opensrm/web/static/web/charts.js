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
    function fmt(v) {
      return new Intl.NumberFormat(document.documentElement.lang || "zh-Hans", { notation: "compact", maximumFractionDigits: 1 }).format(v);
    }

    var pipeEl = document.getElementById("chart-pipeline");
    if (pipeEl) {
      var pipe = echarts.init(pipeEl);
      pipe.setOption({
        color: palette,
        grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
        xAxis: { type: "value", axisLabel: { formatter: fmt }, splitLine: { lineStyle: { color: "#eef0f4" } } },
        yAxis: { type: "category", data: data.pipeline.stages, inverse: true, axisTick: { show: false } },
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
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: fmt },
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
