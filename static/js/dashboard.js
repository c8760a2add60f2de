// The public dashboard's charts. Every figure is also in a table beside its chart.
(function () {
  "use strict";
  var shared = { animation: false, grid: { left: 56, right: 16, top: 32, bottom: 32 }, tooltip: { trigger: "axis" } };

  function init(el) {
    var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
    return echarts.init(el, null, { renderer: "canvas", locale: zh ? "ZH" : "EN" });
  }

  function draw() {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById("dashboard-data").textContent);
    var charts = [];
    document.querySelectorAll("[data-chart=target]").forEach(function (el) {
      var t = data.targets[Number(el.dataset.index)];
      if (!t || !t.dates.length) { return; }
      var chart = init(el);
      var series = [{ type: "line", name: t.label, showSymbol: false,
                      data: t.dates.map(function (d, i) { return [d, t.values[i]]; }) }];
      if (t.deadline) {
        series.push({ type: "line", silent: true, showSymbol: false, lineStyle: { type: "dashed" },
                      data: [[t.dates[0], t.values[0]], [t.deadline, t.goal]] });
      }
      chart.setOption(Object.assign({}, shared, { xAxis: { type: "time" }, yAxis: { type: "value", min: 0 },
                                                  series: series }));
      charts.push(chart);
    });
    var villages = document.querySelector("[data-chart=villages]");
    if (villages && data.villages.years.length) {
      var v = init(villages);
      v.setOption(Object.assign({}, shared, {
        legend: { data: data.villages.labels },
        xAxis: { type: "category", data: data.villages.years }, yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", name: data.villages.labels[0], data: data.villages.villages },
                 { type: "bar", name: data.villages.labels[1], data: data.villages.towns }]
      }));
      charts.push(v);
    }
    var live = document.querySelector("[data-chart=livestream]");
    if (live && data.livestream.months.length) {
      var l = init(live);
      l.setOption(Object.assign({}, shared, {
        legend: { data: data.livestream.labels },
        xAxis: { type: "category", data: data.livestream.months },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value" }],
        series: [{ type: "bar", name: data.livestream.labels[0], data: data.livestream.sessions },
                 { type: "line", name: data.livestream.labels[1], yAxisIndex: 1, data: data.livestream.sales }]
      }));
      charts.push(l);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
