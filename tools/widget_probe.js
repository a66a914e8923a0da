// Injected by tools/check_site.py into the pages it checks (never part of the site): works
// every interactive widget on the page the way a reader would, and writes what happened into
// <pre id="check-site-probe"> as JSON for check_site.py to read from the dumped DOM.
//
// For each .nnbook-widget: each range input is moved to its other end, and the widget's
// picture (SVG paths and circles, bar widths, canvases) and its numbers ([data-field]
// elements) are compared before and after; then each Play button is pressed, and the picture
// is compared again after a while.
(function () {
  "use strict";
  var WAIT_MS = 700;
  function picture(widget) {
    var parts = [];
    Array.prototype.forEach.call(widget.querySelectorAll("path, circle"), function (el) {
      parts.push((el.getAttribute("d") || "") + (el.getAttribute("cx") || "") +
                 (el.getAttribute("cy") || "") + (el.getAttribute("fill-opacity") || ""));
    });
    Array.prototype.forEach.call(widget.querySelectorAll("[style]"), function (el) {
      parts.push(el.getAttribute("style"));
    });
    Array.prototype.forEach.call(widget.querySelectorAll("canvas"), function (el) {
      parts.push(el.width > 0 && el.height > 0 ? el.toDataURL() : "empty canvas");
    });
    return parts.join("|");
  }
  function numbers(widget) {
    return Array.prototype.map.call(widget.querySelectorAll("[data-field]"),
      function (el) { return el.textContent; }).join("|");
  }
  function report(results) {
    var pre = document.createElement("pre");
    pre.id = "check-site-probe";
    pre.textContent = JSON.stringify(results);
    document.body.appendChild(pre);
  }
  function probe() {
    var widgets = Array.prototype.slice.call(document.querySelectorAll(".nnbook-widget"));
    var results = widgets.map(function (widget) {
      var result = {id: widget.id, sliders: [], players: []};
      Array.prototype.forEach.call(widget.querySelectorAll("input[type=range]"), function (input) {
        var before = picture(widget), shown = numbers(widget), old = input.value;
        input.value = Number(input.value) >= Number(input.max) ? input.min : input.max;
        input.dispatchEvent(new Event("input", {bubbles: true}));
        result.sliders.push({label: input.getAttribute("aria-label") || input.id,
                             moved: picture(widget) !== before,
                             numbers: numbers(widget) !== shown});
        input.value = old;
        input.dispatchEvent(new Event("input", {bubbles: true}));
      });
      return result;
    });
    var buttons = widgets.map(function (widget) {
      return Array.prototype.filter.call(widget.querySelectorAll("button"), function (b) {
        return /play/i.test(b.textContent);
      });
    });
    var rounds = Math.max.apply(null, [0].concat(buttons.map(function (b) { return b.length; })));
    var round = 0;
    function next() {
      if (round >= rounds) { report(results); return; }
      var before = widgets.map(picture);
      var labels = buttons.map(function (list) { return list[round] ? list[round].textContent : ""; });
      buttons.forEach(function (list) { if (list[round]) list[round].click(); });
      setTimeout(function () {
        buttons.forEach(function (list, i) {
          if (!list[round]) return;
          results[i].players.push({label: labels[i],
                                   moved: picture(widgets[i]) !== before[i]});
        });
        round += 1;
        next();
      }, WAIT_MS);
    }
    next();
  }
  window.addEventListener("load", function () { setTimeout(probe, 1000); });
})();
