/* Curve explorers (nnbook.widgets.explorer.curves), after explorer-controls.js.
 *
 * draw() recomputes every series and marker and rewrites their SVG paths; if the data names drag
 * intervals, dragging on the plot sets those sliders to the value nearest the pointer's height.
 */
var plot = data.plot, svg = root.querySelector("svg.nnbook-plot");
var paths = root.querySelectorAll("path.nnbook-series");
var markers = root.querySelectorAll("path.nnbook-marker");
function px(x) { return plot.left + (plot.right - plot.left) * (x - plot.x0) / (plot.x1 - plot.x0); }
function py(y) {
  var t = (y - plot.y0) / (plot.y1 - plot.y0);
  return plot.bottom - (plot.bottom - plot.top) * Math.max(-0.05, Math.min(1.05, t));
}
function draw() {
  var n = data.x.length, drawn = [];
  data.series.forEach(function (s, i) {
    var y = combine(data, index, s, n, n), d = "";
    for (var k = 0; k < n; k++) d += (k ? "L" : "M") + px(data.x[k]).toFixed(1) + " " + py(y[k]).toFixed(1);
    paths[i].setAttribute("d", d);
    drawn.push(y);
  });
  data.markers.forEach(function (m, i) {
    var x = combine(data, index, m, 1, 1)[0];
    var inside = x >= plot.x0 && x <= plot.x1;
    markers[i].setAttribute("d", inside ? "M" + px(x).toFixed(1) + " " + plot.top + "V" + plot.bottom : "");
  });
  return drawn;
}
if (data.drag.length) {
  var dragging = false;
  var dragTo = function (event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    p = p.matrixTransform(svg.getScreenCTM().inverse());
    var x = plot.x0 + (plot.x1 - plot.x0) * (p.x - plot.left) / (plot.right - plot.left);
    var y = plot.y0 + (plot.y1 - plot.y0) * (plot.bottom - p.y) / (plot.bottom - plot.top);
    data.drag.forEach(function (g) {
      if (x < g.lo || x >= g.hi) return;
      var values = data.values[g.slider], best = 0;
      for (var k = 1; k < values.length; k++)
        if (Math.abs(values[k] - y) < Math.abs(values[best] - y)) best = k;
      index[g.slider] = best;
    });
    update();
  };
  svg.addEventListener("pointerdown", function (e) {
    dragging = true; stop(); svg.setPointerCapture(e.pointerId); dragTo(e); e.preventDefault();
  });
  svg.addEventListener("pointermove", function (e) { if (dragging) dragTo(e); });
  svg.addEventListener("pointerup", function () { dragging = false; });
  svg.addEventListener("pointercancel", function () { dragging = false; });
}
update();
