/* The dashboard's charts, drawn with ECharts (served from our own static files) from the
   figures the page embeds as JSON. */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var RED = ["#f2f2f2", "#fde2e1", "#f8b4b0", "#ef7d75", "#d9443b", "#a8120f"];
  var charts = [];

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = window.echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  if (data.zeros) {  // the three-zero page: events by month, stacked by kind
    var ZERO_COLOURS = ["#ef7d75", "#d9443b", "#7a0c0a"];
    draw("chart-zeros", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "category", data: data.zeros.labels },
      yAxis: { type: "value", name: "起", minInterval: 1 },
      series: data.zeros.kinds.map(function (kind, i) {
        return { name: kind, type: "bar", stack: "zeros", itemStyle: { color: ZERO_COLOURS[i] },
                 data: data.zeros.months.map(function (counts) { return counts[i]; }) };
      }),
    });
  }
  if (data.townships) {
    draw("chart-townships", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "category", data: data.townships.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "支部数" },
      series: data.townships.levels.map(function (counts, level) {
        return { name: level + "星", type: "bar", stack: "levels", data: counts,
                 itemStyle: { color: RED[level], borderColor: "#ccc" } };
      }),
    });
  }
  if (data.levels) {
    draw("chart-levels", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "category", data: data.levels.labels }, yAxis: { type: "value" },
      series: [
        { name: "测算", type: "bar", data: data.levels.projected, itemStyle: { color: "#d9443b" } },
        { name: "已授", type: "bar", data: data.levels.official, itemStyle: { color: "#999" } },
      ],
    });
  }
  if (data.stars) {
    draw("chart-stars", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "category", data: data.stars.labels }, yAxis: { type: "value", max: 100 },
      series: [
        { name: "测算", type: "bar", data: data.stars.projected, itemStyle: { color: "#d9443b" } },
        { name: "已授", type: "bar", data: data.stars.official, itemStyle: { color: "#999" } },
      ],
    });
  }
  if (data.trend) {
    var series = [{ name: "测算", type: "line", data: data.trend.share, itemStyle: { color: "#d9443b" } }];
    if (data.trend.official) series.push({ name: "已授", type: "line", data: data.trend.official, itemStyle: { color: "#999" } });
    draw("chart-trend", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels }, yAxis: { type: "value", max: 100 },
      series: series,
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
