/* The explorers' arithmetic (nnbook.widgets.explorer): pure functions of the embedded data.
 *
 * combine(data, index, output, n, nx) is output = activation(sum of coefficient x component) at
 * the slider positions `index`, for n grid points (nx per row); nnbook.widgets.explorer.combine is
 * its numpy twin, and the tests run this file with Node.js against it. fixed() formats a number
 * without "-0.00"; meanDeviation() is the design challenge's score.
 */
function frameOf(data, index, name) {
  var c = data.components[name], k = 0;
  var numbers = c.same_as ? data.components[c.same_as].data : c.data;
  for (var i = 0; i < c.deps.length; i++) k = k * data.values[c.deps[i]].length + index[c.deps[i]];
  return c.size === 1 ? numbers[k] : numbers.slice(k * c.size, (k + 1) * c.size);
}
function coefficientOf(data, index, c) {
  if (typeof c === "number") return c;
  var sign = c.charAt(0) === "-" ? -1 : 1, name = sign < 0 ? c.slice(1) : c;
  return sign * data.values[name][index[name]];
}
function sigmoid(z) { return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)); }
function combine(data, index, output, n, nx) {
  var out = [], i;
  for (i = 0; i < n; i++) out.push(0);
  output.terms.forEach(function (term) {
    var a = coefficientOf(data, index, term[0]);
    if (term[1] === null) { for (i = 0; i < n; i++) out[i] += a; return; }
    var c = data.components[term[1]], v = frameOf(data, index, term[1]);
    if (c.along === "scalar") for (i = 0; i < n; i++) out[i] += a * v;
    else if (c.along === "x") for (i = 0; i < n; i++) out[i] += a * v[i % nx];
    else if (c.along === "y") for (i = 0; i < n; i++) out[i] += a * v[Math.floor(i / nx)];
    else for (i = 0; i < n; i++) out[i] += a * v[i];
  });
  if (output.activation === "sigmoid") for (i = 0; i < n; i++) out[i] = sigmoid(out[i]);
  return out;
}
function fixed(v, digits) {  // toFixed without a minus sign on a zero ("-0.00" is "0.00")
  var text = v.toFixed(digits);
  return Number(text) === 0 ? text.replace("-", "") : text;
}
function meanDeviation(a, b, points) {
  var total = 0;
  points.forEach(function (i) { total += Math.abs(a[i] - b[i]); });
  return total / points.length;
}
