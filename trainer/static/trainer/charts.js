// Score-over-time charts. Data comes from a <script type="application/json"> block (json_script),
// which the CSP allows because it is never executed.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source) { return; }
    var points = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: points.map(function (p) { return p.t; }),
        datasets: [{ label: siteText("score"), data: points.map(function (p) { return p.score; }), tension: 0.25, fill: false,
                     borderColor: "#0d6efd", pointRadius: 3 }]
      },
      options: {
        animation: false,
        scales: { y: { min: 0, max: 100 } },
        plugins: { legend: { display: false },
                   tooltip: { callbacks: { title: function (items) { return points[items[0].dataIndex].title; } } } }
      }
    });
  });
})();
