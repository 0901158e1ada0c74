/* The balance-vs-moves trade-off: moves on x, the largest potential deviation from the mean on y,
   one point per cap on moves. Data comes from json_script blocks; no inline code (strict CSP). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var el = document.getElementById("pareto-chart");
    var dataEl = document.getElementById("pareto-data");
    var labelsEl = document.getElementById("pareto-labels");
    if (!el || !dataEl || !labelsEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var labels = JSON.parse(labelsEl.textContent);
    var points = data.points.map(function (p) {
      return { value: [p.moves, p.balance_pct], cap: p.max_moves };
    });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        var esc = echarts.format.encodeHTML;
        return esc(labels.cap) + ": " + esc(String(p.data.cap)) + "<br>" + esc(labels.moves) + ": " +
          esc(String(p.data.value[0])) + "<br>" + esc(labels.balance) + ": ±" + esc(String(p.data.value[1])) + "%";
      } },
      grid: { left: 56, right: 16, top: 24, bottom: 40 },
      xAxis: { type: "value", name: labels.moves, nameLocation: "middle", nameGap: 26, minInterval: 1 },
      yAxis: { type: "value", name: labels.balance, axisLabel: { formatter: "±{value}%" } },
      series: [{ type: "line", step: false, data: points, symbolSize: 10, showSymbol: true }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
