/* Surface explorers (nnbook.widgets.explorer.surface), after explorer-controls.js.
 *
 * draw() paints an orthographic view of the grid's quadrilaterals on the canvas, far ones first,
 * coloured by height and shaded by a fixed light; dragging on the canvas turns the view.
 */
var canvas = root.querySelector("canvas"), ctx = canvas.getContext("2d");
var view = data.view, nx = data.x.length, ny = data.y.length;
var note = root.querySelector(".nnbook-noscript");
if (note) note.remove();
function hex(c) { return [1, 3, 5].map(function (i) { return parseInt(c.slice(i, i + 2), 16); }); }
var ramp = data.colors.map(hex);
function colour(t, light) {
  var s = t * (ramp.length - 1), k = Math.min(ramp.length - 2, Math.floor(s)), f = s - k;
  return "rgb(" + ramp[k].map(function (c, m) {
    return Math.round(light * (c + f * (ramp[k + 1][m] - c)));
  }).join(",") + ")";
}
function draw() {
  var z = combine(data, index, data.surface, nx * ny, nx);
  var width = canvas.clientWidth || 520, height = Math.round(width * 0.7);
  var ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
  canvas.style.height = height + "px";
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  var ink = getComputedStyle(root).color;
  var ca = Math.cos(view.azimuth), sa = Math.sin(view.azimuth);
  var ce = Math.cos(view.elevation), se = Math.sin(view.elevation);
  // world: x, y in [0, 1], height H in [-0.35, 0.35]; screen: (u, w) and depth d
  function world(x, y, h) { return [x - 0.5, y - 0.5, (h - data.z0) / (data.z1 - data.z0) * 0.7 - 0.35]; }
  function raw(p) {
    var u = p[0] * ca - p[1] * sa, v = p[0] * sa + p[1] * ca;
    return [u, p[2] * ce + v * se, v * ce - p[2] * se];
  }
  var corners = [], a, b, c;
  for (a = 0; a < 2; a++) for (b = 0; b < 2; b++) for (c = 0; c < 2; c++)
    corners.push(raw(world(a, b, c ? data.z1 : data.z0)));
  var umin = Math.min.apply(null, corners.map(function (p) { return p[0]; }));
  var umax = Math.max.apply(null, corners.map(function (p) { return p[0]; }));
  var wmin = Math.min.apply(null, corners.map(function (p) { return p[1]; }));
  var wmax = Math.max.apply(null, corners.map(function (p) { return p[1]; }));
  var margin = 34, scale = Math.min((width - 2 * margin) / (umax - umin),
                                    (height - 2 * margin) / (wmax - wmin));
  function screen(p) {
    var r = raw(p);
    return [width / 2 + scale * (r[0] - (umin + umax) / 2),
            height / 2 - scale * (r[1] - (wmin + wmax) / 2), r[2]];
  }
  function at(x, y, h) { return screen(world(x, y, h)); }
  function fx(j) { return (data.x[j] - data.x[0]) / (data.x[nx - 1] - data.x[0]); }
  function fy(i) { return (data.y[i] - data.y[0]) / (data.y[ny - 1] - data.y[0]); }
  function clamp(h) { return Math.max(data.z0, Math.min(data.z1, h)); }
  var points = [], worlds = [], i, j;
  for (i = 0; i < ny; i++) for (j = 0; j < nx; j++) {
    var p = world(fx(j), fy(i), clamp(z[i * nx + j]));
    worlds.push(p); points.push(screen(p));
  }
  ctx.strokeStyle = ink; ctx.fillStyle = ink; ctx.lineWidth = 1; ctx.globalAlpha = 0.55;
  var floor = [[0, 0], [1, 0], [1, 1], [0, 1]].map(function (q) { return at(q[0], q[1], data.z0); });
  ctx.beginPath();
  floor.forEach(function (q, k) { if (k) ctx.lineTo(q[0], q[1]); else ctx.moveTo(q[0], q[1]); });
  ctx.closePath(); ctx.stroke();
  var far = floor.reduce(function (m, q) { return q[2] > m[2] ? q : m; });
  var pole = [far[0], far[1] - scale * 0.7 * ce];
  ctx.beginPath(); ctx.moveTo(far[0], far[1]); ctx.lineTo(pole[0], pole[1]); ctx.stroke();
  ctx.globalAlpha = 1; ctx.font = "12px sans-serif"; ctx.textAlign = "center";
  ctx.fillText(String(data.z1), pole[0] - 14, pole[1] + 4);
  ctx.fillText(String(data.z0), far[0] - 14, far[1] + 4);
  var xl = at(0.5, -0.14, data.z0), yl = at(1.14, 0.5, data.z0);
  ctx.fillText(data.labels[0], xl[0], xl[1] + 4); ctx.fillText(data.labels[1], yl[0], yl[1] + 4);
  var quads = [];
  for (i = 0; i + 1 < ny; i++) for (j = 0; j + 1 < nx; j++) {
    var k = i * nx + j, q = [k, k + 1, k + nx + 1, k + nx];
    var e1 = [0, 1, 2].map(function (m) { return worlds[q[2]][m] - worlds[q[0]][m]; });
    var e2 = [0, 1, 2].map(function (m) { return worlds[q[3]][m] - worlds[q[1]][m]; });
    var n = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    var len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]) || 1;
    var lit = Math.abs(-0.4 * n[0] - 0.5 * n[1] + 0.77 * n[2]) / len;
    quads.push({q: q, depth: (points[q[0]][2] + points[q[1]][2] + points[q[2]][2] + points[q[3]][2]) / 4,
                t: ((z[q[0]] + z[q[1]] + z[q[2]] + z[q[3]]) / 4 - data.z0) / (data.z1 - data.z0),
                light: 0.55 + 0.45 * lit});
  }
  quads.sort(function (u, v) { return v.depth - u.depth; });
  ctx.lineWidth = 0.4; ctx.strokeStyle = "rgba(0, 0, 0, 0.22)";
  quads.forEach(function (quad) {
    ctx.fillStyle = colour(Math.max(0, Math.min(1, quad.t)), quad.light);
    ctx.beginPath();
    quad.q.forEach(function (k, m) { if (m) ctx.lineTo(points[k][0], points[k][1]); else ctx.moveTo(points[k][0], points[k][1]); });
    ctx.closePath(); ctx.fill(); ctx.stroke();
  });
  return [z];
}
var turning = null;
canvas.addEventListener("pointerdown", function (e) {
  turning = [e.clientX, e.clientY, view.azimuth, view.elevation];
  canvas.setPointerCapture(e.pointerId); e.preventDefault();
});
canvas.addEventListener("pointermove", function (e) {
  if (!turning) return;
  view.azimuth = turning[2] - (e.clientX - turning[0]) * 0.01;
  view.elevation = Math.max(0.05, Math.min(1.5, turning[3] + (e.clientY - turning[1]) * 0.01));
  update();
});
canvas.addEventListener("pointerup", function () { turning = null; });
canvas.addEventListener("pointercancel", function () { turning = null; });
window.addEventListener("resize", update);
update();
