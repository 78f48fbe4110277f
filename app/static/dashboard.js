// The insights dashboard: reads /v1/insights and draws it as inline SVG charts and tables.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var KEY_STORE = "triage-dashboard-key"; // sessionStorage: gone when the tab closes
  var MAX_REPLIES = 15;

  function $(id) {
    return document.getElementById(id);
  }

  function html(tag, cls, text) {
    var element = document.createElement(tag);
    if (cls) element.className = cls;
    if (text != null) element.textContent = text; // data is never parsed as HTML
    return element;
  }

  function svg(tag, attrs, parent, text) {
    var element = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      element.setAttribute(name, attrs[name]);
    });
    if (text != null) element.textContent = text;
    if (parent) parent.appendChild(element);
    return element;
  }

  function percent(share) {
    return share == null ? "–" : (share * 100).toFixed(1) + "%";
  }

  function number(value, digits) {
    return value == null ? "–" : digits ? value.toFixed(digits) : String(value);
  }

  function words(label) {
    return String(label).replace(/_/g, " ");
  }

  // Drawn at the size shown, so that text in the charts keeps the page's font size.
  function widthOf(container) {
    return Math.max(320, Math.round(container.clientWidth) || 640);
  }

  function clear(container) {
    while (container.firstChild) container.removeChild(container.firstChild);
    return container;
  }

  /** Lines over the buckets; a null value (an empty bucket) breaks its line. */
  function lineChart(container, labels, series, range) {
    var width = widthOf(container), height = 210, left = 46, right = 12, top = 12, bottom = 30;
    var plotW = width - left - right, plotH = height - top - bottom;
    var low = range[0], high = range[1] > range[0] ? range[1] : range[0] + 1;
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "chart line", role: "img" });
    var x = function (i) {
      return left + (labels.length > 1 ? (i * plotW) / (labels.length - 1) : plotW / 2);
    };
    var y = function (v) {
      return top + ((high - v) / (high - low)) * plotH;
    };
    [low, (low + high) / 2, high].forEach(function (tick) {
      svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }, chart);
      var label = Math.abs(high - low) <= 2 ? tick.toFixed(1) : String(Math.round(tick));
      svg("text", { x: left - 6, y: y(tick) + 4, class: "tick", "text-anchor": "end" }, chart, label);
    });
    var shown = labels.length > 2 ? [0, Math.floor((labels.length - 1) / 2), labels.length - 1] : labels.map(function (_, i) { return i; });
    shown.forEach(function (i) {
      var anchor = i === 0 ? "start" : i === labels.length - 1 ? "end" : "middle";
      svg("text", { x: x(i), y: height - 8, class: "tick", "text-anchor": anchor }, chart, labels[i]);
    });
    series.forEach(function (line) {
      var path = "", pen = false;
      line.values.forEach(function (value, i) {
        if (value == null) {
          pen = false;
          return;
        }
        path += (pen ? "L" : "M") + x(i).toFixed(1) + " " + y(value).toFixed(1);
        pen = true;
      });
      if (path) svg("path", { d: path, class: "series " + line.cls }, chart);
      line.values.forEach(function (value, i) {
        if (value == null) return;
        var dot = svg("circle", { cx: x(i), cy: y(value), r: 3, class: "dot " + line.cls, "data-series": line.name, "data-bucket": labels[i], "data-value": value }, chart);
        svg("title", {}, dot, labels[i] + ": " + line.name + " " + line.format(value));
      });
    });
    clear(container).appendChild(chart);
    if (series.length > 1) {
      var legend = html("p", "legend");
      series.forEach(function (line) {
        legend.appendChild(html("span", "swatch " + line.cls, line.name));
      });
      container.appendChild(legend);
    }
  }

  /** Horizontal bars for the labels seen, largest first. */
  function barChart(container, counts) {
    var rows = Object.keys(counts)
      .filter(function (label) { return counts[label] > 0; })
      .sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
    clear(container);
    if (!rows.length) {
      container.appendChild(html("p", "hint", "None in this period."));
      return;
    }
    var width = widthOf(container), labelW = 150, valueW = 44, row = 24;
    var most = counts[rows[0]];
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + rows.length * row, class: "chart bars", role: "img" });
    rows.forEach(function (label, i) {
      var value = counts[label];
      var barW = Math.max(2, ((width - labelW - valueW) * value) / most);
      svg("text", { x: labelW - 8, y: i * row + 16, class: "label", "text-anchor": "end" }, chart, words(label));
      var bar = svg("rect", { x: labelW, y: i * row + 4, width: barW, height: row - 8, rx: 3, class: "bar", "data-label": label, "data-value": value }, chart);
      svg("title", {}, bar, words(label) + ": " + value);
      svg("text", { x: labelW + barW + 6, y: i * row + 16, class: "value" }, chart, String(value));
    });
    container.appendChild(chart);
  }

  function table(container, headers, rows) {
    clear(container);
    if (!rows.length) {
      container.appendChild(html("p", "hint", "None in this period."));
      return;
    }
    var element = html("table");
    var head = element.createTHead().insertRow();
    headers.forEach(function (name) {
      head.appendChild(html("th", null, name));
    });
    var body = element.createTBody();
    rows.forEach(function (cells) {
      var tr = body.insertRow();
      cells.forEach(function (cell) {
        tr.appendChild(html("td", null, cell));
      });
    });
    container.appendChild(element);
  }

  function kpis(data) {
    var tiles = [
      ["turns", "Messages", number(data.totals.turns)],
      ["conversations", "Conversations", number(data.totals.conversations)],
      ["escalation", "Messages flagged", percent(data.escalation_rate.turns)],
      ["resolution", "Resolved", percent(data.outcomes.resolution_rate)],
      ["sentiment", "Mean sentiment", number(data.totals.mean_sentiment, 2)],
      ["satisfaction", "Satisfaction (1–5)", number(data.outcomes.mean_satisfaction, 1)],
    ];
    var container = clear($("kpis"));
    tiles.forEach(function (tile) {
      var box = html("div", "kpi");
      box.setAttribute("data-kpi", tile[0]);
      box.appendChild(html("span", "kpi-value", tile[2]));
      box.appendChild(html("span", "kpi-name", tile[1]));
      container.appendChild(box);
    });
  }

  function render(data) {
    var labels = data.series.map(function (b) { return b.start; });
    var most = Math.max.apply(null, data.series.map(function (b) { return b.turns; }).concat([1]));
    kpis(data);
    lineChart($("chart-volume"), labels, [
      { name: "messages", cls: "turns", format: String, values: data.series.map(function (b) { return b.turns; }) },
      { name: "conversations", cls: "conversations", format: String, values: data.series.map(function (b) { return b.conversations; }) },
    ], [0, most]);
    lineChart($("chart-sentiment"), labels, [
      { name: "mean sentiment", cls: "sentiment", format: function (v) { return v.toFixed(2); }, values: data.series.map(function (b) { return b.mean_sentiment; }) },
    ], [-1, 1]);
    lineChart($("chart-escalation"), labels, [
      { name: "flagged", cls: "escalation", format: percent, values: data.series.map(function (b) { return b.turns ? b.flagged_turns / b.turns : null; }) },
    ], [0, 1]);
    barChart($("chart-types"), data.customer_types);
    barChart($("chart-triggers"), data.triggers);
    barChart($("chart-causes"), data.root_causes);
    table($("problems"), ["Root cause", "Led to", "Conversations"], data.problems.map(function (p) {
      return [words(p.root_cause), words(p.trigger), String(p.conversations)];
    }));
    table($("responses"), ["Reply", "Step", "Used in", "Resolved", "Rate"], data.responses.slice(0, MAX_REPLIES).map(function (r) {
      return [r.text || r.id, r.step ? words(r.step) : "–", String(r.used), String(r.resolved), percent(r.resolution_rate)];
    }));
  }

  function show(state, message) {
    document.body.setAttribute("data-state", state);
    $("report").hidden = state !== "loaded";
    $("empty").hidden = state !== "empty";
    $("error").hidden = state !== "error";
    $("error").textContent = message || "";
  }

  function load(event) {
    if (event) event.preventDefault();
    var key = $("key").value.trim();
    sessionStorage.setItem(KEY_STORE, key);
    var query = new URLSearchParams({ from: $("from").value, to: $("to").value, bucket: $("bucket").value });
    var headers = key ? { authorization: "Bearer " + key } : {};
    document.body.setAttribute("data-state", "loading");
    fetch("/v1/insights?" + query, { headers: headers })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || "HTTP " + response.status);
          return body;
        });
      })
      .then(function (data) {
        if (!data.totals.turns) {
          show("empty");
          return;
        }
        show("loaded"); // first: the charts take the width the page gives them
        render(data);
      })
      .catch(function (error) {
        show("error", "Could not load insights: " + error.message);
      });
  }

  var today = new Date();
  var start = new Date(today.getTime() - 29 * 864e5);
  $("to").value = today.toISOString().slice(0, 10);
  $("from").value = start.toISOString().slice(0, 10);
  $("key").value = sessionStorage.getItem(KEY_STORE) || "";
  $("controls").addEventListener("submit", load);
  load();
})();
