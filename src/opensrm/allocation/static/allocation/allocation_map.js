/* The allocation map: accounts on a base map of provinces or countries, coloured by proposed rep, or the units of a
   territory alignment coloured by proposed territory (a point's sixth value is its number of
   accounts, which sizes it). Data comes from json_script blocks; no inline code (strict CSP). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var el = document.getElementById("allocation-map");
    var dataEl = document.getElementById("allocation-map-data");
    if (!el || !dataEl || !window.echarts) { return; }
    var data = JSON.parse(dataEl.textContent);
    var labels = JSON.parse(document.getElementById("allocation-map-labels").textContent);
    var groups = data.reps.map(function () { return []; });
    var unassigned = [];
    data.points.forEach(function (p) {
      var size = p.length > 5 ? Math.min(28, 7 + 2 * Math.sqrt(p[5])) : (p[4] ? 11 : 8);
      (p[2] >= 0 ? groups[p[2]] : unassigned).push({ value: [p[0], p[1]], name: p[3], moved: p[4],
        accounts: p.length > 5 ? p[5] : null, symbol: p[4] ? "diamond" : "circle", symbolSize: size });
    });
    // The page chose the base map (China's provinces when every point is in China, else the
    // world's countries) and loaded only that one; without it (a missing file) the points keep
    // their plain axes.
    var mapName = data.base_map === "china" ? "china" : "world";
    var geo = echarts.getMap && echarts.getMap(mapName) ? mapName : null;
    var on = geo ? { coordinateSystem: "geo" } : {};
    var series = data.reps.map(function (name, i) {
      return Object.assign({ name: name, type: "scatter", data: groups[i], large: groups[i].length > 5000 }, on);
    });
    if (unassigned.length) {
      series.push(Object.assign({ name: labels.unassigned, type: "scatter", data: unassigned, itemStyle: { color: "#999" } }, on));
    }
    var chart = echarts.init(el);
    var frame = geo ? {
      geo: { map: geo, roam: true, top: 40, bottom: 8, itemStyle: { areaColor: "#f3f4f6", borderColor: "#c4c8cf" },
        emphasis: { disabled: true }, label: { show: false } }
    } : {
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "value", name: labels.lon, scale: true },
      yAxis: { type: "value", name: labels.lat, scale: true },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }, { type: "inside", yAxisIndex: 0 }]
    };
    chart.setOption(Object.assign({
      tooltip: { trigger: "item", formatter: function (p) {
        var esc = echarts.format.encodeHTML;
        var count = p.data.accounts !== null && labels.accounts ? " · " + p.data.accounts + " " + esc(labels.accounts) : "";
        return esc(p.data.name) + count + "<br>" + esc(p.seriesName) + (p.data.moved ? " · " + esc(labels.moved) : "");
      } },
      legend: { type: "scroll", top: 0 },
      series: series
    }, frame));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
