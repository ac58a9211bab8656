/* Glue of the exploration page (project code, MIT). Reads the page's JSON data and builds the views
   with DataTables (from the itables package). User text is only ever set as textContent or escaped
   before DataTables displays it; nothing is evaluated. State can be set from the URL fragment, e.g.
   explore.html#view=kwic&q=Marketing or #view=compare&a=interview&b=rest&term=Dialog. */
(function () {
  "use strict";
  var started = performance.now();
  var D = JSON.parse(document.getElementById("explore-data").textContent);
  var DataTable = window.ExploreDT.DataTable;
  var docs = D.docs;
  var tables = {};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function text(data, type) { return type === "display" ? esc(data) : data; }
  function byId(id) { return document.getElementById(id); }
  function say(id, msg) { byId(id).textContent = msg; }
  function fold(s) { return String(s).toLocaleLowerCase("de").replace(/^#/, ""); }
  function docName(i) { return docs[i] ? docs[i].id : ""; }
  function svgEl(name, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function table(id, columns, rows, options) {
    var opts = Object.assign({ data: rows, columns: columns, deferRender: true, pageLength: 25, autoWidth: false }, options || {});
    if (tables[id]) { tables[id].clear().rows.add(rows).draw(); return tables[id]; }
    tables[id] = new DataTable("#" + id, opts);
    return tables[id];
  }
  function col(title, i, extra) { return Object.assign({ title: title, data: i, render: text }, extra || {}); }

  /* ---- views */
  function show(view) {
    if (view === "docterms" && !tables["docterms-table"]) docTerms();
    document.querySelectorAll(".view").forEach(function (s) { s.classList.toggle("active", s.id === "view-" + view); });
    document.querySelectorAll("#tabs button").forEach(function (b) { b.classList.toggle("active", b.dataset.view === view); });
    Object.keys(tables).forEach(function (k) { tables[k].columns.adjust(); });
  }
  document.querySelectorAll("#tabs button").forEach(function (b) {
    b.addEventListener("click", function () { show(b.dataset.view); });
  });

  /* ---- term lists */
  var terms = table("terms-table", [col("lemma", 0), col("n", 1), col("per 1,000", 2), col("documents", 3), col("forms", 4)],
    D.terms, { order: [[1, "desc"]] });
  byId("terms-table").addEventListener("click", function (e) {
    var tr = e.target.closest("tr"); if (!tr) return;
    var row = terms.row(tr).data(); if (row) { kwic(row[0], "all"); show("kwic"); }
  });
  var dsel = byId("docterms-doc");
  docs.forEach(function (d, i) { var o = document.createElement("option"); o.value = String(i); o.textContent = d.id; dsel.appendChild(o); });
  var docRows = D.doc_terms.map(function (r) { return [docName(r[0]), r[1], r[2], r[3], r[0]]; });
  function docTerms() {  /* built when first shown: the page opens faster */
    var v = dsel.value;
    table("docterms-table", [col("document", 0), col("lemma", 1), col("n", 2), col("per 1,000", 3)],
      v === "" ? docRows : docRows.filter(function (r) { return String(r[4]) === v; }), { order: [[0, "asc"], [2, "desc"]] });
  }
  dsel.addEventListener("change", docTerms);

  /* ---- KWIC: rows [key, n_key, doc, group, speaker, left, keyword, right, match, left_sort] */
  var K = D.kwic;
  var kwicCols = [
    col("document", 2, { render: function (d, t) { return text(docName(d), t); } }),
    col("left", 5, { className: "left", render: function (d, t, row) { return t === "sort" || t === "type" ? row[9] : text(d, t); } }),
    col("keyword", 6, { className: "kw" }),
    col("right", 7, { className: "right", render: function (d, t) { return t === "sort" || t === "type" ? fold(d) : text(d, t); } }),
    col("match", 8),
    col("speaker", 4),
  ];
  function kwicRows(q, how) {
    /* the lines indexed under the lemma q (with its compounds); else the lines whose word form is q */
    var f = fold(q);
    if (!f) return { rows: [], total: 0, byKey: true };
    var rows = K.filter(function (r) { return fold(r[0]) === f && (how === "all" || r[8] === how); });
    if (rows.length || K.some(function (r) { return fold(r[0]) === f; })) {
      return { rows: rows, total: rows.length ? rows[0][1] : 0, byKey: true };
    }
    var seen = {};
    rows = K.filter(function (r) {
      var id = r[2] + "\u0000" + r[5] + "\u0000" + r[6] + "\u0000" + r[7];
      if (fold(r[6]) !== f || seen[id]) return false;
      seen[id] = true;
      return true;
    });
    return { rows: rows, total: rows.length, byKey: false };
  }
  function kwic(q, how) {
    byId("kwic-q").value = q;
    byId("kwic-match").value = how || "all";
    var found = kwicRows(q, how || "all");
    table("kwic-table", kwicCols, found.rows, { order: [[0, "asc"]] });
    var msg;
    if (!found.rows.length) msg = "no lines for \u201c" + q + "\u201d (only words seen at least twice are indexed)";
    else if (found.byKey) msg = found.rows.length + " lines shown of " + found.total + " matches of \u201c" + q + "\u201d";
    else msg = found.rows.length + (found.rows.length === 1 ? " line" : " lines") + " of the word form \u201c" + q + "\u201d (found among the lines indexed under lemmas and compound parts)";
    say("kwic-status", msg);
  }
  byId("kwic-form").addEventListener("submit", function (e) { e.preventDefault(); kwic(byId("kwic-q").value.trim(), byId("kwic-match").value); });
  byId("kwic-match").addEventListener("change", function () { kwic(byId("kwic-q").value.trim(), byId("kwic-match").value); });

  /* ---- dispersion and trends: rows [key, doc, n, per_1000, bins] */
  function findKey(q, list, at) {
    var f = fold(q);
    for (var i = 0; i < list.length; i++) if (fold(list[i][at]) === f) return list[i][at];
    return null;
  }
  var groupIndex = {};
  D.group_counts.forEach(function (r) { groupIndex[fold(r[0])] = r; });
  function countIn(r, gi) {  /* r = [lemma, total, [group, count, group, count, ...]] */
    if (!r) return 0;
    for (var k = 0; k < r[2].length; k += 2) if (r[2][k] === gi) return r[2][k + 1];
    return 0;
  }
  function dispersion(q) {
    byId("disp-q").value = q;
    var key = findKey(q, D.dispersion, 0);
    var rows = key === null ? [] : D.dispersion.filter(function (r) { return r[0] === key; });
    var plot = byId("disp-plot"); clear(plot);
    if (!rows.length) { say("disp-status", "\u201c" + q + "\u201d is not among the " + D.caps.dispersion_keys + " most frequent words"); }
    else {
      say("disp-status", "\u201c" + key + "\u201d (with compounds) in " + rows.length + " documents" +
        (rows.length >= D.caps.dispersion_docs ? " (the " + D.caps.dispersion_docs + " with most hits)" : ""));
      var w = 900, h = 18, lab = 260;
      var svg = svgEl("svg", { width: w, height: h * rows.length + 20, role: "img" });
      rows.forEach(function (r, i) {
        var g = svgEl("g", { class: "disp-row", transform: "translate(0," + (i * h) + ")" });
        var name = svgEl("text", { x: 0, y: 12 }); name.textContent = docName(r[1]) + " (" + r[2] + ")"; g.appendChild(name);
        g.appendChild(svgEl("rect", { class: "track", x: lab, y: 2, width: w - lab - 10, height: h - 4 }));
        String(r[4]).split(" ").forEach(function (b) {
          var x = lab + (Number(b) + 0.5) / D.bins * (w - lab - 10);
          g.appendChild(svgEl("line", { class: "tick", x1: x, x2: x, y1: 2, y2: h - 2 }));
        });
        svg.appendChild(g);
      });
      plot.appendChild(svg);
    }
    var g = groupIndex[fold(q)];
    var trend = D.groups.map(function (name, j) {
      var n = countIn(g, j); return [name, n, +(1000 * n / Math.max(D.group_sizes[j], 1)).toFixed(3), D.group_sizes[j]];
    });
    trendPlot(trend);
    table("trend-table", [col("group", 0), col("n (lemma)", 1), col("per 1,000", 2), col("words in group", 3)], trend, { order: [[0, "asc"]], paging: false, searching: false });
  }
  function trendPlot(rows) {  /* one bar per group (in the groups' order: years ascend) */
    var plot = byId("trend-plot"); clear(plot);
    if (!rows.length) return;
    var max = Math.max.apply(null, rows.map(function (r) { return r[2]; })) || 1;
    var w = 900, h = 16, lab = 260;
    var svg = svgEl("svg", { width: w, height: h * rows.length + 4, role: "img" });
    rows.forEach(function (r, i) {
      var name = svgEl("text", { x: 0, y: i * h + 12 }); name.textContent = r[0] + " (" + r[2] + ")"; svg.appendChild(name);
      svg.appendChild(svgEl("rect", { class: "bar", x: lab, y: i * h + 2, height: h - 4, width: Math.max(0, (w - lab - 10) * r[2] / max) }));
    });
    plot.appendChild(svg);
  }
  byId("disp-form").addEventListener("submit", function (e) { e.preventDefault(); dispersion(byId("disp-q").value.trim()); });

  /* ---- group comparison (G² and log ratio as analysis/keyness.py) */
  function xlogx(o, e) { return o > 0 ? o * Math.log(o / e) : 0; }
  function g2(a, b, c, d) {
    var n = c + d, r1 = a + b, r2 = n - r1;
    var s = xlogx(a, c * r1 / n) + xlogx(c - a, c * r2 / n) + xlogx(b, d * r1 / n) + xlogx(d - b, d * r2 / n);
    return Math.max(2 * s, 0);
  }
  function logRatio(a, b, c, d) { return Math.log2(((a > 0 ? a : 0.5) / c) / ((b > 0 ? b : 0.5) / d)); }
  var sa = byId("cmp-a"), sb = byId("cmp-b");
  D.groups.forEach(function (name, j) {
    [sa, sb].forEach(function (s) { var o = document.createElement("option"); o.value = String(j); o.textContent = name; s.appendChild(o); });
  });
  var rest = document.createElement("option"); rest.value = "rest"; rest.textContent = "the rest"; sb.insertBefore(rest, sb.firstChild); sb.value = "rest";
  var cmpRows = [];
  function compare(ai, bi) {
    var A = Number(ai), total = D.group_sizes.reduce(function (s, v) { return s + v; }, 0);
    var c = D.group_sizes[A], d = bi === "rest" ? total - c : D.group_sizes[Number(bi)];
    var bName = bi === "rest" ? "the rest" : D.groups[Number(bi)];
    if (!(c > 0) || !(d > 0) || String(ai) === String(bi)) { say("cmp-status", "choose two different groups"); return; }
    cmpRows = D.group_counts.map(function (r) {
      var a = countIn(r, A), b = bi === "rest" ? r[1] - a : countIn(r, Number(bi));
      return [r[0], a, b, +g2(a, b, c, d).toFixed(3), +logRatio(a, b, c, d).toFixed(3)];
    }).filter(function (r) { return r[1] + r[2] >= 2; });
    table("cmp-table", [col("lemma", 0), col("n in A", 1), col("n in B", 2), col("G\u00b2", 3), col("log ratio (A/B)", 4)], cmpRows,
      { order: [[3, "desc"]] });
    var top = cmpRows.filter(function (r) { return r[3] >= 3.84 && r[4] > 0; }).sort(function (x, y) { return y[3] - x[3]; });
    say("cmp-status", D.groups[A] + " (" + c + " words) vs " + bName + " (" + d + " words): " + top.length +
      " lemmas over-used in A (G\u00b2 \u2265 3.84)" + (top.length ? "; most: " + top.slice(0, 5).map(function (r) { return r[0]; }).join(", ") : ""));
    byId("cmp-status").dataset.top = top.length ? top[0][0] : "";
    scatter(cmpRows, c, d);
    cmpState = { a: A, b: bi };
  }
  var cmpState = null;
  function scatter(rows, c, d) {
    var plot = byId("cmp-plot"); clear(plot);
    var w = 520, h = 520, pad = 30, lo = Math.log10(500 / Math.max(c, d)), hi = Math.log10(1000);
    function sx(n, size) { return pad + (Math.log10(1000 * (n || 0.5) / size) - lo) / (hi - lo) * (w - 2 * pad); }
    function sy(n, size) { return h - pad - (Math.log10(1000 * (n || 0.5) / size) - lo) / (hi - lo) * (h - 2 * pad); }
    var svg = svgEl("svg", { width: w, height: h, role: "img" });
    svg.appendChild(svgEl("line", { x1: pad, y1: h - pad, x2: w - pad, y2: pad, stroke: "#999" }));
    var xl = svgEl("text", { x: w / 2, y: h - 5 }); xl.textContent = "A per 1,000 \u2192"; svg.appendChild(xl);
    var yl = svgEl("text", { x: 2, y: 15 }); yl.textContent = "\u2191 B per 1,000"; svg.appendChild(yl);
    rows.slice().sort(function (x, y) { return (y[1] + y[2]) - (x[1] + x[2]) || (x[0] < y[0] ? -1 : 1); }).slice(0, 1500).forEach(function (r) {
      var p = svgEl("circle", { class: "pt" + (r[3] >= 3.84 && r[4] > 0 ? " over-a" : ""), cx: sx(r[1], c), cy: sy(r[2], d), r: 3 });
      p.dataset.term = r[0];
      var t = svgEl("title"); t.textContent = r[0] + ": " + r[1] + " / " + r[2] + ", G\u00b2 " + r[3]; p.appendChild(t);
      svg.appendChild(p);
    });
    svg.addEventListener("click", function (e) { if (e.target.dataset && e.target.dataset.term) contexts(e.target.dataset.term); });
    plot.appendChild(svg);
  }
  function inGroup(r, gi) {
    if (gi === "rest") return r[3] !== D.groups[cmpState.a];
    return r[3] === D.groups[Number(gi)];
  }
  function contexts(term) {
    if (!cmpState) return;
    document.querySelectorAll("circle.pt.selected").forEach(function (p) { p.classList.remove("selected"); });
    document.querySelectorAll("circle.pt").forEach(function (p) { if (p.dataset.term === term) p.classList.add("selected"); });
    var f = fold(term);
    var rows = K.filter(function (r) { return fold(r[0]) === f && (inGroup(r, String(cmpState.a)) || inGroup(r, cmpState.b)); })
      .map(function (r) { return [inGroup(r, String(cmpState.a)) ? "A: " + D.groups[cmpState.a] : "B", r[2], r[5], r[6], r[7], r[9]]; });
    say("cmp-term", "Contexts of \u201c" + term + "\u201d: " + rows.length + " lines");
    table("cmp-contexts", [col("group", 0), col("document", 1, { render: function (d, t) { return text(docName(d), t); } }),
      col("left", 2, { className: "left", render: function (d, t, row) { return t === "sort" ? row[5] : text(d, t); } }),
      col("keyword", 3, { className: "kw" }), col("right", 4, { className: "right" })], rows, { order: [[0, "asc"]] });
  }
  byId("cmp-table").addEventListener("click", function (e) {
    var tr = e.target.closest("tr"); if (!tr || !tables["cmp-table"]) return;
    var row = tables["cmp-table"].row(tr).data(); if (row) contexts(row[0]);
  });
  byId("cmp-form").addEventListener("submit", function (e) { e.preventDefault(); compare(sa.value, sb.value); });

  /* ---- collocates: rows [key, collocate, n, g2, log_ratio] */
  function collocatesOf(q) {
    byId("coll-q").value = q;
    var key = findKey(q, D.collocates, 0);
    var rows = key === null ? [] : D.collocates.filter(function (r) { return r[0] === key; });
    table("coll-table", [col("collocate", 1), col("n together", 2), col("G\u00b2", 3), col("log ratio", 4)], rows, { order: [[2, "desc"]] });
    say("coll-status", rows.length ? rows.length + (rows.length === 1 ? " collocate" : " collocates") + " of \u201c" + key + "\u201d (\u00b1" + 5 + " content words, same sentence)" :
      "no collocates for \u201c" + q + "\u201d (the " + D.caps.keys_detail + " most frequent words have them)");
  }
  byId("coll-form").addEventListener("submit", function (e) { e.preventDefault(); collocatesOf(byId("coll-q").value.trim()); });
  byId("coll-table").addEventListener("click", function (e) {
    var tr = e.target.closest("tr"); if (!tr || !tables["coll-table"]) return;
    var row = tables["coll-table"].row(tr).data(); if (row) { kwic(row[0], "all"); show("kwic"); byId("kwic-table").dataset.collocate = row[1]; }
  });

  /* ---- state from the URL fragment */
  var P = new URLSearchParams(location.hash.replace(/^#/, ""));
  var view = P.get("view") || "terms";
  var q = P.get("q") || "";
  if (view === "kwic" && q) kwic(q, P.get("match") || "all");
  if (view === "dispersion" && q) dispersion(q);
  if (view === "collocates" && q) collocatesOf(q);
  if (D.groups.length >= 2) {
    var a = D.groups.indexOf(P.get("a") || ""), b = P.get("b") || "rest";
    if (a < 0) a = 0;
    if (b !== "rest") b = String(D.groups.indexOf(b));
    sa.value = String(a); sb.value = b;
    compare(String(a), b);
    if (P.get("term")) contexts(P.get("term"));
  } else { say("cmp-status", D.by ? "only one group of " + D.by + ": nothing to compare" : "no grouping: pass by= (a metadata column) to compare groups"); }
  show(view);
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.parsedMs = String(Math.round(started));
  document.body.dataset.ready = "yes";
})();
