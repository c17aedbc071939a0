// heapscope's page: plain JavaScript, no libraries. Every name from the
// profile reaches the DOM through textContent or an attribute set with
// setAttribute (never innerHTML), so a name is always text.
//
// The page data (JSON, in <script id="data">) holds per sample type the
// top rows and a flame tree pruned to what can be seen. All view state is
// in location.hash, so a link reproduces the view. Refinement
// (focus/ignore/hide/show, tag filters): a file refines the embedded tree
// here; the server (`heapscope web`) recomputes the view exactly.
'use strict';
(function () {
  const D = JSON.parse(document.getElementById('data').textContent);
  const SERVER = D.mode === 'server';
  const app = document.getElementById('app');
  const SVGNS = 'http://www.w3.org/2000/svg';

  // ---------- small DOM helpers (text only) ----------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === 'on') for (const ev in attrs.on) e.addEventListener(ev, attrs.on[ev]);
      else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (const k of kids) if (k != null) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  // ---------- units, as pprof scales them ----------
  const UNITS = {
    bytes: [['B', 1], ['kB', 1024], ['MB', 1024 ** 2], ['GB', 1024 ** 3], ['TB', 1024 ** 4], ['PB', 1024 ** 5]],
    nanoseconds: [['ns', 1], ['us', 1e3], ['ms', 1e6], ['s', 1e9], ['hrs', 3.6e12]],
  };
  function fmt(v, unit) {
    const scale = UNITS[unit];
    if (!scale) return String(v);
    const a = Math.abs(v);
    let u = scale[0];
    for (const s of scale) if (a >= s[1]) u = s;
    const x = v / u[1];
    let t = x === Math.trunc(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');
    return t + u[0];
  }
  function pct(v, total) {
    if (!total) return '0%';
    return (100 * v / total).toFixed(2) + '%';
  }

  // ---------- state in the URL ----------
  const KEYS = ['v', 't', 'f', 'i', 'h', 's', 'tf', 'ti', 'z', 'c', 'p', 'sort', 'k', 'gz'];
  function readState() {
    const q = new URLSearchParams(location.hash.replace(/^#/, ''));
    const st = {};
    for (const k of KEYS) st[k] = q.get(k) || '';
    if (!st.v) st.v = 'flame';
    const t = parseInt(st.t, 10);
    st.t = Number.isInteger(t) && t >= 0 && t < D.types.length ? t : D.default_type;
    return st;
  }
  function writeState(st) {
    const q = new URLSearchParams();
    for (const k of KEYS) {
      const v = k === 't' ? String(st.t) : st[k];
      if (v !== '' && v != null && !(k === 't' && st.t === D.default_type)) q.set(k, v);
    }
    const h = '#' + q.toString();
    if (location.hash !== h) location.hash = h; else render();
  }
  // Records state that the page already shows (the graph's zoom) in the
  // URL without drawing again.
  function noteState(patch) {
    const st = Object.assign(readState(), patch);
    const q = new URLSearchParams();
    for (const k of KEYS) {
      const v = k === 't' ? String(st.t) : st[k];
      if (v !== '' && v != null && !(k === 't' && st.t === D.default_type)) q.set(k, v);
    }
    history.replaceState(null, '', '#' + q.toString());
  }
  function setState(patch) {
    const st = readState();
    Object.assign(st, patch);
    writeState(st);
  }

  // ---------- flame tree decoding ----------
  // A node: {n: name id (-1 root), v: total, s: self, k: children, p: parent}
  function decodeTree(arr) {
    let i = 0;
    function node(parent) {
      const nd = { n: arr[i], v: arr[i + 1], s: arr[i + 2], k: [], p: parent };
      const kids = arr[i + 3];
      i += 4;
      for (let j = 0; j < kids; j++) nd.k.push(node(nd));
      return nd;
    }
    return node(null);
  }
  function decodeDiffTree(arr) {
    let i = 0;
    function node(parent) {
      const nd = { n: arr[i], b: arr[i + 1], w: arr[i + 2], k: [], p: parent };
      nd.v = Math.abs(nd.b) + Math.abs(nd.w);
      const kids = arr[i + 3];
      i += 4;
      for (let j = 0; j < kids; j++) nd.k.push(node(nd));
      return nd;
    }
    return node(null);
  }

  // ---------- refinement in the page (file mode) ----------
  function rx(src, what) {
    if (!src) return null;
    try { return new RegExp(src); } catch (e) { throw new Error(what + ': ' + e.message); }
  }
  // Rebuilds a tree from the stacks of `root`, filtered by name regexes as
  // pprof's focus/ignore/hide/show. A node's own value and the value of
  // its pruned children each form a stack ending at the node.
  function refineTree(root, names, st) {
    const f = rx(st.f, 'focus'), ig = rx(st.i, 'ignore'), hd = rx(st.h, 'hide'), sh = rx(st.s, 'show');
    if (!f && !ig && !hd && !sh) return root;
    const out = { n: -1, v: 0, s: 0, k: [], p: null, m: new Map() };
    const path = [];
    function add(p, v, own) {
      let cur = out;
      out.v += v;
      for (const n of p) {
        let c = cur.m.get(n);
        if (!c) { c = { n, v: 0, s: 0, k: [], p: cur, m: new Map() }; cur.m.set(n, c); cur.k.push(c); }
        c.v += v;
        cur = c;
      }
      if (own) cur.s += v;
    }
    function walk(nd) {
      if (nd.n >= 0) path.push(nd.n);
      let kidsum = 0;
      for (const c of nd.k) { kidsum += c.v; walk(c); }
      const rest = nd.v - nd.s - kidsum;
      for (const [v, own] of [[nd.s, true], [rest, false]]) {
        if (!v || !path.length) continue;
        const nm = path.map((n) => names[n]);
        if (f && !nm.some((s) => f.test(s))) continue;
        if (ig && nm.some((s) => ig.test(s))) continue;
        let p = path;
        if (hd || sh) p = path.filter((n, j) => (!hd || !hd.test(nm[j])) && (!sh || sh.test(nm[j])));
        add(p, v, own && p.length > 0 && p[p.length - 1] === path[path.length - 1]);
      }
      if (nd.n >= 0) path.pop();
    }
    walk(root);
    (function sort(nd) {
      nd.k.sort((a, b) => b.v - a.v || (names[a.n] < names[b.n] ? -1 : names[a.n] > names[b.n] ? 1 : 0));
      delete nd.m;
      nd.k.forEach(sort);
    })(out);
    return out;
  }
  // Top rows from a tree: flat from own values, cum once per stack.
  function topFromTree(root) {
    const flat = new Map(), cum = new Map();
    const onPath = new Map();
    (function walk(nd) {
      if (nd.n >= 0) {
        const c = onPath.get(nd.n) || 0;
        if (c === 0) cum.set(nd.n, (cum.get(nd.n) || 0) + nd.v);
        onPath.set(nd.n, c + 1);
        if (nd.s) flat.set(nd.n, (flat.get(nd.n) || 0) + nd.s);
      }
      nd.k.forEach(walk);
      if (nd.n >= 0) onPath.set(nd.n, onPath.get(nd.n) - 1);
    })(root);
    const rows = [];
    for (const [n, c] of cum) rows.push([n, flat.get(n) || 0, c]);
    return rows;
  }

  // ---------- the current data (server mode fetches refined views) ----------
  let cache = { key: null, view: null, names: null, tree: null, err: null, approx: false };
  let pending = null;
  function refineKey(st) { return [st.t, st.f, st.i, st.h, st.s, st.tf, st.ti].join('\u0000'); }
  // The server draws a call graph only for the Graph view (g=1): the page
  // holds the default type's graph, and a graph costs seconds on a big
  // profile.
  function current(st) {
    const key = refineKey(st);
    const wantGraph = SERVER && st.v === 'graph';
    if (cache.key === key && !(wantGraph && cache.view && cache.view.graph.omitted)) return cache;
    // A page made from a big profile holds the default type's views only.
    const base = D.views.find((v) => v.t === st.t);
    const refined = st.f || st.i || st.h || st.s || st.tf || st.ti;
    if (!base && !SERVER) {
      cache = { key, missing: true };
      return cache;
    }
    if (SERVER && (refined || !base || (wantGraph && base.graph.omitted))) {
      const fkey = key + (wantGraph ? '\u0000g' : '');
      if (pending !== fkey) {
        pending = fkey;
        const q = new URLSearchParams({ t: String(st.t), f: st.f, i: st.i, h: st.h, s: st.s, tf: st.tf, ti: st.ti, g: wantGraph ? '1' : '0' });
        fetch('api/view?' + q.toString()).then((r) => r.json()).then((j) => {
          if (pending !== fkey) return;
          pending = null;
          if (j.error) cache = { key, err: j.error };
          else cache = { key, view: j.views[0], names: j.names, tree: decodeTree(j.views[0].flame), approx: false };
          render();
        }).catch((e) => { pending = null; cache = { key, err: String(e) }; render(); });
      }
      return { loading: true };
    }
    try {
      if (!refined) {
        cache = { key, view: base, names: D.names, tree: decodeTree(base.flame), approx: false };
      } else {
        if (st.tf || st.ti) throw new Error('tag filters need `heapscope web` (or --tagfocus/--tagignore when writing the report)');
        const tree = refineTree(decodeTree(base.flame), D.names, st);
        cache = { key, view: Object.assign({}, base, { top: topFromTree(tree), top_more: 0 }), names: D.names, tree, approx: true };
      }
    } catch (e) {
      cache = { key, err: e.message };
    }
    return cache;
  }

  // ---------- layout ----------
  // One entry per tab; a view is one function (main, state, data).
  const VIEWS = [['top', 'Top'], ['flame', 'Flame graph'], ['graph', 'Graph'], ['peek', 'Peek']];
  if (D.source && D.source.length) VIEWS.push(['source', 'Source']);
  if (D.diff) VIEWS.push(['diff', 'Diff']);
  if (D.trend) VIEWS.push(['trend', 'Trend']);

  // The views that are not refined in the page or by the server.
  const UNREFINED = { diff: 'Diff', trend: 'Trend', source: 'Source' };
  function header(st) {
    const tabs = el('nav', { cls: 'tabs' });
    for (const [id, label] of VIEWS) {
      tabs.append(el('a', { href: '#', cls: st.v === id ? 'tab on' : 'tab', 'data-view': id,
        on: { click: (e) => { e.preventDefault(); setState({ v: id }); } } }, label));
    }
    const sel = el('select', { id: 'sampletype', on: { change: (e) => setState({ t: parseInt(e.target.value, 10), z: '', c: '' }) } });
    // Diff and Trend were computed for one sample type when the page was
    // made: there the menu shows that type and is disabled.
    const fixed = st.v === 'diff' ? D.diff : st.v === 'trend' ? D.trend : null;
    const shownType = fixed ? D.types.findIndex((t) => t.name === fixed.t) : st.t;
    D.types.forEach((t, i) => {
      const o = el('option', { value: String(i) }, t.name + ' (' + t.unit + ')');
      if (i === shownType) o.selected = true;
      sel.append(o);
    });
    let typeNote = null;
    if (fixed) {
      sel.disabled = true;
      typeNote = el('span', { cls: 'note', id: 'typenote' }, ' (' + (st.v === 'diff' ? 'Diff' : 'Trend') + ' compares ' + fixed.t + '; --sample-index picks another when writing)');
    }
    // Diff, Trend and Source were computed when the page was made and
    // neither the page nor the server refines them: there the Refine and
    // Tags controls are disabled, and refinements in the URL are shown as
    // not applied, so a link never passes unrefined data off as refined.
    const unrefined = UNREFINED[st.v];
    const box = el('input', { id: 'regex', type: 'text', placeholder: 'regex', value: '' });
    const btn = (k, label) => el('button', { 'data-refine': k, on: { click: () => setState({ [k]: box.value, z: '', c: '' }) } }, label);
    const refine = el('span', { cls: 'refine' }, 'Refine: ', box, btn('f', 'Focus'), btn('i', 'Ignore'),
      btn('h', 'Hide'), btn('s', 'Show'));
    const tagbox = el('input', { id: 'tagregex', type: 'text', placeholder: '[key=]value', value: '' });
    const tbtn = (k, label) => el('button', { 'data-refine': k, on: { click: () => setState({ [k]: tagbox.value }) } }, label);
    const tags = el('span', { cls: 'refine' }, ' Tags: ', tagbox, tbtn('tf', 'Tag focus'), tbtn('ti', 'Tag ignore'));
    let refineNote = null;
    if (unrefined) {
      for (const c of [box, tagbox, ...refine.querySelectorAll('button'), ...tags.querySelectorAll('button')]) c.disabled = true;
      refine.classList.add('off');
      tags.classList.add('off');
      refineNote = el('span', { cls: 'note', id: 'refinenote' }, ' (' + unrefined + ' is not refined here: refinements apply to Top, Flame graph, Graph and Peek)');
    }
    const active = el('div', { cls: 'active', id: 'active' });
    for (const [k, label] of [['f', 'focus'], ['i', 'ignore'], ['h', 'hide'], ['s', 'show'], ['tf', 'tagfocus'], ['ti', 'tagignore']]) {
      if (!st[k]) continue;
      active.append(el('span', { cls: unrefined ? 'chip off' : 'chip' }, label + '=' + st[k] + ' ',
        el('a', { href: '#', title: 'remove', on: { click: (e) => { e.preventDefault(); setState({ [k]: '' }); } } }, '\u00d7')));
    }
    if (unrefined && active.childNodes.length) {
      active.prepend(el('span', { cls: 'warn', id: 'refineignored' }, 'Not applied on ' + unrefined + ' (it shows the unrefined profiles): '));
    }
    return el('header', null, el('h1', null, 'heapscope ', el('span', { cls: 'title' }, D.title)),
      tabs, el('div', { cls: 'controls' }, 'Sample type: ', sel, typeNote, ' ', refine, tags, refineNote), active);
  }

  function render() {
    const st = readState();
    document.title = 'heapscope: ' + D.title;
    app.replaceChildren(header(st));
    const main = el('main', { id: 'view' });
    app.append(main);
    const fn = { top: viewTop, flame: viewFlame, graph: viewGraph, peek: viewPeek, source: viewSource, diff: viewDiff, trend: viewTrend }[st.v];
    if (!fn || !VIEWS.some((v) => v[0] === st.v)) { main.append(el('p', null, 'No such view.')); return; }
    if (st.v === 'diff' || st.v === 'trend' || st.v === 'source') { fn(main, st); return; }
    const c = current(st);
    if (c.loading) { main.append(el('p', { cls: 'note' }, 'Computing\u2026')); return; }
    if (c.err) { main.append(el('p', { cls: 'error' }, c.err)); return; }
    if (c.missing) {
      const t = D.types[st.t].name;
      main.append(el('p', { cls: 'note', id: 'typeomitted' }, 'This file holds the views of ' +
        D.views.map((v) => D.types[v.t].name).join(', ') + ' only: the profile is large, and each sample type is one more walk over every sample. ' +
        'For ' + t + ', write the report with --sample-index=' + t + ', or open the profile with `heapscope web`.'));
      return;
    }
    const V = c.view;
    const labels = el('div', { cls: 'labels' });
    for (const l of V.labels) labels.append(el('div', null, l));
    main.append(labels);
    if (c.approx) main.append(el('p', { cls: 'note' }, 'Refined in the page from the embedded flame tree: stacks narrower than ' +
      fmt(V.flame_cut, D.types[st.t].unit) + ' are counted only where a kept frame matches. `heapscope web` refines exactly.'));
    fn(main, st, c);
    showPick();
  }

  // ---------- Top ----------
  function viewTop(main, st, c) {
    const V = c.view, names = c.names, unit = D.types[st.t].unit;
    const rows = V.top.slice();
    const [col, dir] = (st.sort || 'flat-').match(/^(\w+)([+-]?)$/) ? [(st.sort || 'flat-').replace(/[+-]$/, ''), (st.sort || 'flat-').endsWith('+') ? 1 : -1] : ['flat', -1];
    const ix = { flat: 1, cum: 2 }[col];
    if (ix) rows.sort((a, b) => dir * (a[ix] - b[ix]) || (names[a[0]] < names[b[0]] ? -1 : names[a[0]] > names[b[0]] ? 1 : 0));
    else if (col === 'name') rows.sort((a, b) => dir * (names[a[0]] < names[b[0]] ? -1 : names[a[0]] > names[b[0]] ? 1 : 0));
    const th = (k, label) => el('th', { cls: 'sortable' + (col === k ? ' sorted' : ''), 'data-sort': k,
      on: { click: () => setState({ sort: k + (col === k && dir < 0 ? '+' : '-') }) } }, label + (col === k ? (dir < 0 ? ' \u25bc' : ' \u25b2') : ''));
    const tb = el('tbody');
    let sum = 0;
    const shown = rows.slice(0, 1000);
    for (const r of shown) {
      sum += r[1];
      const name = names[r[0]];
      tb.append(el('tr', { 'data-flat': String(r[1]), 'data-cum': String(r[2]) },
        el('td', { cls: 'num' }, fmt(r[1], unit)), el('td', { cls: 'num' }, pct(r[1], V.total)),
        el('td', { cls: 'num' }, pct(sum, V.total)),
        el('td', { cls: 'num' }, fmt(r[2], unit)), el('td', { cls: 'num' }, pct(r[2], V.total)),
        el('td', { cls: 'name' }, el('a', { href: '#', on: { click: (e) => { e.preventDefault(); pick(name); } } }, name))));
    }
    main.append(el('table', { cls: 'top', id: 'toptable' },
      el('thead', null, el('tr', null, th('flat', 'flat'), th('flat', 'flat%'), el('th', null, 'sum%'), th('cum', 'cum'), th('cum', 'cum%'), th('name', 'name'))), tb));
    const more = V.top_more + Math.max(0, rows.length - shown.length);
    if (more) main.append(el('p', { cls: 'note' }, more + ' more rows not shown'));
  }

  // A regex matching exactly `name`.
  function exact(name) { return '^' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$'; }

  // ---------- Graph ----------
  // The call graph drawn on the Rust side (the graph module's SVG, names
  // XML-escaped there). It is parsed as XML, never as HTML, and only the
  // drawing elements and attributes it is made of are kept. A click on a
  // node focuses on it.
  const SVG_TAGS = new Set(['svg', 'g', 'title', 'rect', 'text', 'path', 'polygon']);
  const SVG_ATTRS = new Set(['width', 'height', 'viewBox', 'font-family', 'font-size', 'id', 'class',
    'x', 'y', 'fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'd', 'points', 'transform', 'text-anchor']);
  function cleanSvg(node) {
    const out = svg(node.localName, {});
    for (const a of node.attributes) if (SVG_ATTRS.has(a.name)) out.setAttribute(a.name, a.value);
    for (const k of node.childNodes) {
      if (k.nodeType === 3) out.append(document.createTextNode(k.nodeValue));
      else if (k.nodeType === 1 && k.namespaceURI === SVGNS && SVG_TAGS.has(k.localName)) out.append(cleanSvg(k));
    }
    return out;
  }
  function viewGraph(main, st, c) {
    const G = c.view.graph, names = c.names;
    if (c.approx) main.append(el('p', { cls: 'note' }, 'The call graph is not refined in a file: it shows the profile as written. ' +
      '`heapscope web` redraws it for a refinement.'));
    if (G.error) { main.append(el('p', { cls: 'error' }, G.error)); return; }
    if (G.omitted) {
      const dt = D.types[D.default_type].name, t = D.types[st.t].name;
      main.append(el('p', { cls: 'note', id: 'graphomitted' }, 'This file holds the call graph of ' + dt +
        ' only (a graph takes a walk over every sample and a layout). For ' + t + ', write the report with --sample-index=' + t +
        ', or open the profile with `heapscope web`, which draws the graph of any type.'));
      return;
    }
    const doc = new DOMParser().parseFromString(G.svg, 'image/svg+xml');
    const root = doc.documentElement;
    if (root.localName !== 'svg' || root.namespaceURI !== SVGNS || doc.getElementsByTagName('parsererror').length) {
      main.append(el('p', { cls: 'error' }, 'the call graph could not be read'));
      return;
    }
    const pic = cleanSvg(root);
    pic.setAttribute('id', 'callgraph');
    for (const g of pic.querySelectorAll('g.node')) {
      const m = /^node(\d+)$/.exec(g.getAttribute('id') || '');
      const n = m ? G.nodes[parseInt(m[1], 10) - 1] : undefined;
      if (n === undefined) continue;
      const name = names[n];
      g.setAttribute('data-name', name);
      g.addEventListener('click', () => setState({ f: exact(name), z: '', c: '' }));
    }
    const wrap = el('div', { cls: 'graphwrap', id: 'graphwrap' }, pic);
    const bar = el('div', { cls: 'graphbar' });
    main.append(bar, wrap);
    graphZoom(st, pic, wrap, bar);
  }
  // The graph's zoom: the SVG at its natural size times a scale, in a box
  // that scrolls (drag to pan). By default the smallest node label is
  // GRAPH_MIN_FONT CSS px tall (never below the natural size), so a big
  // graph is readable rather than shrunk to the page; Fit width, the
  // buttons and ctrl+wheel change it. The zoom is in the URL (`gz`: a
  // percentage, or `fit`).
  const GRAPH_MIN_FONT = 10;
  function graphZoom(st, pic, wrap, bar) {
    const natW = parseFloat(pic.getAttribute('width')) || 800, natH = parseFloat(pic.getAttribute('height')) || 600;
    if (!pic.getAttribute('viewBox')) pic.setAttribute('viewBox', '0 0 ' + natW + ' ' + natH);
    let minFont = Infinity;
    for (const t of pic.querySelectorAll('g.node text')) {
      const f = parseFloat(t.getAttribute('font-size'));
      if (f > 0) minFont = Math.min(minFont, f);
    }
    const readable = Number.isFinite(minFont) ? Math.max(1, GRAPH_MIN_FONT / minFont) : 1;
    const fit = () => Math.max(0.02, (wrap.clientWidth - 2) / natW);
    const label = el('span', { id: 'graphzoom', cls: 'note' });
    let scale = 0;
    function apply(s, ax, ay, remember) {
      s = Math.min(8, Math.max(0.02, s));
      // The point under (ax, ay) in the box stays there.
      if (ax === undefined) { ax = wrap.clientWidth / 2; ay = wrap.clientHeight / 2; }
      const px = scale ? (wrap.scrollLeft + ax) / scale : 0, py = scale ? (wrap.scrollTop + ay) / scale : 0;
      pic.setAttribute('width', (natW * s).toFixed(1));
      pic.setAttribute('height', (natH * s).toFixed(1));
      if (scale) { wrap.scrollLeft = px * s - ax; wrap.scrollTop = py * s - ay; }
      scale = s;
      label.textContent = ' ' + Math.round(s * 100) + '%' + (Math.abs(s - readable) < 1e-9 ? ' (readable)' : '');
      if (remember !== undefined) noteState({ gz: remember });
    }
    const pctOf = (s) => String(Math.round(s * 1000) / 10);
    const b = (id, text, title, fn) => el('button', { id, title, on: { click: fn } }, text);
    bar.append('Zoom: ',
      b('graphout', '\u2212', 'zoom out', () => { const s = scale / 1.25; apply(s, undefined, undefined, pctOf(s)); }),
      b('graphin', '+', 'zoom in', () => { const s = scale * 1.25; apply(s, undefined, undefined, pctOf(s)); }),
      b('graphreadable', 'Readable', 'node labels at least ' + GRAPH_MIN_FONT + 'px (the default)', () => apply(readable, undefined, undefined, '')),
      b('graphfit', 'Fit width', 'the whole width of the graph in the page', () => apply(fit(), 0, 0, 'fit')),
      label, el('span', { cls: 'note' }, ' \u2014 ctrl+wheel zooms, drag pans; click a node to focus on it.'));
    const want = st.gz === 'fit' ? fit() : parseFloat(st.gz) > 0 ? parseFloat(st.gz) / 100 : readable;
    apply(want);
    // Start over the top node (the graph's root side), not the left edge.
    let top = null;
    for (const r of pic.querySelectorAll('g.node > rect')) {
      const y = parseFloat(r.getAttribute('y'));
      if (!top || y < top[0]) top = [y, parseFloat(r.getAttribute('x')) + parseFloat(r.getAttribute('width')) / 2];
    }
    if (top) wrap.scrollLeft = Math.max(0, top[1] * scale - wrap.clientWidth / 2);
    wrap.addEventListener('wheel', (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      const r = wrap.getBoundingClientRect();
      const s = scale * Math.exp(-e.deltaY * 0.002);
      apply(s, e.clientX - r.left, e.clientY - r.top, pctOf(Math.min(8, Math.max(0.02, s))));
    }, { passive: false });
    // Drag to pan; a drag does not count as a click on a node.
    let dragged = false;
    wrap.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const x = e.clientX, y = e.clientY, l = wrap.scrollLeft, t = wrap.scrollTop;
      dragged = false;
      const move = (m) => {
        const dx = m.clientX - x, dy = m.clientY - y;
        if (!dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
        dragged = true;
        wrap.classList.add('dragging');
        wrap.scrollLeft = l - dx;
        wrap.scrollTop = t - dy;
      };
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        wrap.classList.remove('dragging');
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });
    wrap.addEventListener('click', (e) => { if (dragged) { e.stopPropagation(); e.preventDefault(); dragged = false; } }, true);
  }

  // A clicked name: offer refinements and views (kept across renders
  // until another name is picked).
  let picked = null;
  function pick(name) {
    picked = name;
    showPick();
  }
  function showPick() {
    const view = document.getElementById('view');
    if (picked == null || !view) return;
    const name = picked;
    const esc = exact(name);
    const bar = document.getElementById('pick') || el('div', { id: 'pick', cls: 'pick' });
    bar.replaceChildren(el('b', null, name), ' ',
      el('button', { on: { click: () => setState({ f: esc, z: '', c: '' }) } }, 'Focus'),
      el('button', { on: { click: () => setState({ i: esc, z: '', c: '' }) } }, 'Ignore'),
      el('button', { on: { click: () => setState({ h: esc, z: '', c: '' }) } }, 'Hide'),
      el('button', { on: { click: () => setState({ v: 'peek', p: esc }) } }, 'Peek'),
      el('button', { on: { click: () => setState({ v: 'flame', c: name, z: '' }) } }, 'Callers'),
      el('button', { on: { click: () => { picked = null; bar.remove(); } } }, '\u00d7'));
    if (!bar.parentNode) view.prepend(bar);
  }

  // ---------- Flame graph ----------
  const ROW = 18;
  // Callers of `name`: stacks through its outermost frames, read upward.
  function callersTree(root, name, names) {
    const out = { n: -1, v: 0, s: 0, k: [], p: null, m: new Map() };
    (function walk(nd, seen) {
      if (nd.n >= 0 && names[nd.n] === name && !seen) {
        let cur = out; out.v += nd.v;
        for (let a = nd; a && a.n >= 0; a = a.p) {
          let c = cur.m.get(a.n);
          if (!c) { c = { n: a.n, v: 0, s: 0, k: [], p: cur, m: new Map() }; cur.m.set(a.n, c); cur.k.push(c); }
          c.v += nd.v; cur = c;
        }
        seen = true;
      }
      for (const c of nd.k) walk(c, seen);
    })(root, false);
    (function sort(nd) { nd.k.sort((a, b) => b.v - a.v || a.n - b.n); delete nd.m; nd.k.forEach(sort); })(out);
    return out;
  }
  function findPath(root, zpath, names) {
    let nd = root;
    for (const nm of zpath) {
      const c = nd.k.find((k) => names[k.n] === nm);
      if (!c) break;
      nd = c;
    }
    return nd;
  }
  function pathOf(nd, names) {
    const p = [];
    for (let a = nd; a && a.n >= 0; a = a.p) p.unshift(names[a.n]);
    return p;
  }
  function viewFlame(main, st, c) {
    const names = c.names, unit = D.types[st.t].unit;
    let root = c.tree;
    if (st.c) {
      root = callersTree(root, st.c, names);
      main.append(el('p', { cls: 'note' }, 'Callers of ', el('b', null, st.c), ' (read downward: each row calls the one above) ',
        el('button', { on: { click: () => setState({ c: '', z: '' }) } }, 'back to the flame graph')));
    }
    const zpath = st.z ? st.z.split('\n') : [];
    const zoom = findPath(root, zpath, names);
    const neg = (function any(nd) { return nd.v < 0 || nd.k.some(any); })(root);
    if (neg) main.append(el('p', { cls: 'note', id: 'negnote' }, 'Some values are negative (the profile minus its base): ' +
      'those boxes are blue, as wide as |value|; a box is at least as wide as its children together.'));
    drawFlame(main, root, zoom, names, {
      total: root.v,
      label: (nd) => names[nd.n],
      tip: (nd) => names[nd.n] + '\n' + fmt(nd.v, unit) + ' (' + pct(nd.v, c.view.total) + ')' + (nd.s ? ', flat ' + fmt(nd.s, unit) : ''),
      color: (nd) => (nd.v < 0 ? cool(names[nd.n]) : warm(names[nd.n])),
      onclick: (nd) => setState({ z: pathOf(nd, names).join('\n') }),
      onpick: (nd) => pick(names[nd.n]),
    });
  }
  function cool(name) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return 'rgb(' + (90 + (h % 40)) + ',' + (150 + ((h >> 8) % 50)) + ',' + (215 + ((h >> 16) % 40)) + ')';
  }
  function warm(name) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    const r = 205 + (h % 50), g = 90 + ((h >> 8) % 110), b = 40 + ((h >> 16) % 40);
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }
  // The width a box is drawn with, in value units: its |value|, or the
  // sum of its children's widths when that is more. With negative values
  // (a profile minus its base) or a diff's |base| + |new|, children can
  // add up to more than their parent's |value|; they must still fit in it.
  function widthOf(nd) {
    if (nd.wd === undefined) {
      let kids = 0;
      for (const k of nd.k) kids += widthOf(k);
      nd.wd = Math.max(Math.abs(nd.v), kids);
    }
    return nd.wd;
  }
  // Draws an icicle (roots on top). Boxes narrower than half a pixel are
  // left out; ancestors of the zoomed box span the full width.
  function drawFlame(main, root, zoom, names, o) {
    const W = Math.max(600, Math.min(main.clientWidth || 1200, 2400) - 20);
    const anc = [];
    for (let a = zoom; a && a !== root; a = a.p) anc.unshift(a);
    const boxes = [];
    anc.forEach((nd, d) => boxes.push([nd, 0, W, d]));
    const zw = widthOf(zoom);
    const scale = zw ? W / zw : 0;
    (function lay(nd, x, d) {
      let cx = x;
      for (const k of nd.k) {
        const w = widthOf(k) * scale;
        if (w >= 0.5) { boxes.push([k, cx, w, d]); lay(k, cx, d + 1); }
        cx += w;
      }
    })(zoom, 0, anc.length);
    let depth = 0;
    for (const b of boxes) depth = Math.max(depth, b[3] + 1);
    const H = (depth + 1) * ROW;
    const s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, id: 'flame', cls: 'flame' });
    s.setAttribute('class', 'flame');
    // Top row: the zoom target's whole, a click resets the zoom.
    const all = svg('g', { 'class': 'box reset', 'data-name': '' });
    all.append(svg('rect', { x: 0, y: 0, width: W, height: ROW - 1, fill: '#ddd' }));
    const t0 = svg('text', { x: 4, y: 13 });
    t0.textContent = 'all: ' + (zoom === root ? 'click a box to zoom' : 'click here to reset the zoom');
    all.append(t0);
    all.addEventListener('click', () => setState({ z: '' }));
    s.append(all);
    for (const [nd, x, w, d] of boxes) {
      const g = svg('g', { 'class': 'box' + (anc.includes(nd) ? ' anc' : ''), 'data-name': o.label(nd), 'data-width': w.toFixed(1) });
      g.append(svg('rect', { x: x.toFixed(2), y: (d + 1) * ROW, width: Math.max(0.5, w - 0.5).toFixed(2), height: ROW - 1, fill: o.color(nd) }));
      const title = svg('title', {});
      title.textContent = o.tip(nd);
      g.append(title);
      if (w > 30) {
        const t = svg('text', { x: (x + 3).toFixed(1), y: (d + 1) * ROW + 13 });
        const label = o.label(nd);
        const maxc = Math.floor((w - 6) / 7);
        t.textContent = label.length > maxc ? label.slice(0, Math.max(0, maxc - 2)) + '..' : label;
        g.append(t);
      }
      g.addEventListener('click', (e) => { o.onclick(nd); if (o.onpick) o.onpick(nd); e.stopPropagation(); });
      s.append(g);
    }
    main.append(el('div', { cls: 'flamewrap' }, s));
  }

  // ---------- Peek ----------
  function viewPeek(main, st, c) {
    const names = c.names, unit = D.types[st.t].unit;
    const box = el('input', { id: 'peekregex', type: 'text', value: st.p, placeholder: 'function regex' });
    main.append(el('div', null, 'Function: ', box, el('button', { on: { click: () => setState({ p: box.value }) } }, 'Peek')));
    if (!st.p) { main.append(el('p', { cls: 'note' }, 'Choose a function (or click a name in Top).')); return; }
    let re;
    try { re = new RegExp(st.p); } catch (e) { main.append(el('p', { cls: 'error' }, e.message)); return; }
    // Per matching function: callers and callees from the tree, each
    // stack counted once (outermost occurrence).
    const per = new Map();
    (function walk(nd, onpath) {
      let added = null;
      if (nd.n >= 0 && re.test(names[nd.n]) && !onpath.has(nd.n)) {
        let e = per.get(nd.n);
        if (!e) { e = { cum: 0, flat: 0, callers: new Map(), callees: new Map() }; per.set(nd.n, e); }
        e.cum += nd.v;
        const pn = nd.p && nd.p.n >= 0 ? nd.p.n : -1;
        e.callers.set(pn, (e.callers.get(pn) || 0) + nd.v);
        for (const k of nd.k) e.callees.set(k.n, (e.callees.get(k.n) || 0) + k.v);
        added = nd.n;
      }
      if (nd.n >= 0 && re.test(names[nd.n])) { const e = per.get(nd.n); e.flat += nd.s; }
      if (added != null) onpath.add(added);
      for (const k of nd.k) walk(k, onpath);
      if (added != null) onpath.delete(added);
    })(c.tree, new Set());
    main.append(el('p', { cls: 'note' }, 'Callers and callees from the flame tree' +
      (c.view.flame_cut > 1 ? ' (boxes narrower than ' + fmt(c.view.flame_cut, unit) + ' were pruned)' : '') + '.'));
    const fns = [...per.entries()].sort((a, b) => b[1].cum - a[1].cum || (names[a[0]] < names[b[0]] ? -1 : 1)).slice(0, 50);
    if (!fns.length) main.append(el('p', { cls: 'note' }, 'No function matches.'));
    for (const [n, e] of fns) {
      const tb = el('tbody');
      const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      for (const [k, v] of sorted(e.callers)) tb.append(el('tr', { cls: 'caller' }, el('td', { cls: 'num' }, fmt(v, unit)), el('td', { cls: 'num' }, pct(v, e.cum)), el('td', null, '\u2190 ' + (k < 0 ? '(root)' : names[k]))));
      tb.append(el('tr', { cls: 'self' }, el('td', { cls: 'num' }, fmt(e.cum, unit)), el('td', { cls: 'num' }, pct(e.cum, c.view.total)), el('td', null, el('b', null, names[n]), ' (flat ' + fmt(e.flat, unit) + ')')));
      for (const [k, v] of sorted(e.callees)) tb.append(el('tr', { cls: 'callee' }, el('td', { cls: 'num' }, fmt(v, unit)), el('td', { cls: 'num' }, pct(v, e.cum)), el('td', null, '\u2192 ' + names[k])));
      main.append(el('table', { cls: 'peek' }, el('thead', null, el('tr', null, el('th', null, 'value'), el('th', null, '%'), el('th', null, 'callers / function / callees'))), tb));
    }
  }

  // ---------- Source ----------
  // `list`'s listings for the sample type shown, filtered by the peek
  // regex. A page made from a big profile holds the default type's only.
  function viewSource(main, st) {
    const unit = D.types[st.t].unit;
    const box = el('input', { id: 'srcregex', type: 'text', value: st.p, placeholder: 'function regex' });
    main.append(el('div', null, 'Function: ', box, el('button', { on: { click: () => setState({ p: box.value }) } }, 'List'),
      ' (' + D.types[st.t].name + ': the ' + 20 + ' functions with the largest cum, those whose source was found)'));
    if (!D.source_types.includes(st.t)) {
      main.append(el('p', { cls: 'note', id: 'srcomitted' }, 'Source listings were computed for ' +
        D.source_types.map((t) => D.types[t].name).join(', ') + ' only (a listing per type walks every sample; this profile is large). ' +
        'Use `heapscope list --sample-index=' + D.types[st.t].name + '`, or write the report with --sample-index=' + D.types[st.t].name + '.'));
      return;
    }
    let re = null;
    try { re = st.p ? new RegExp(st.p) : null; } catch (e) { main.append(el('p', { cls: 'error' }, e.message)); return; }
    const dot = (v) => (v ? fmt(v, unit) : '.');
    let listed = 0;
    for (const r of D.source) {
      if (r.t !== st.t || (re && !re.test(r.function))) continue;
      listed++;
      const tb = el('tbody');
      for (const [no, f, c, text] of r.lines) {
        tb.append(el('tr', { cls: c ? 'hot' : '', 'data-line': no + ',' + f + ',' + c }, el('td', { cls: 'num' }, dot(f)), el('td', { cls: 'num' }, dot(c)),
          el('td', { cls: 'num' }, String(no)), el('td', { cls: 'src' }, text)));
      }
      main.append(el('h3', { cls: 'routine' }, r.function + ' in ' + r.file),
        el('div', { cls: 'note' }, fmt(r.flat, unit) + ' flat, ' + fmt(r.cum, unit) + ' cum'),
        el('table', { cls: 'source' }, tb));
    }
    if (!listed) main.append(el('p', { cls: 'note' }, 'No listing for ' + D.types[st.t].name + (re ? ' matches ' + st.p : '') + '.'));
  }

  // ---------- Diff ----------
  function viewDiff(main, st) {
    const X = D.diff, unit = X.unit, names = D.names;
    const dt = X.new_total - X.base_total;
    main.append(el('div', { cls: 'labels' },
      el('div', null, 'Type: ' + X.t), el('div', null, 'Base: ' + X.base + '  total ' + fmt(X.base_total, unit)),
      el('div', null, 'New:  ' + X.new + '  total ' + fmt(X.new_total, unit)),
      el('div', null, 'Delta: ' + (dt > 0 ? '+' : '') + fmt(dt, unit) + (X.sigma >= 0.5 ? ', sampling noise \u00b1' + fmt(Math.round(2 * X.sigma), unit) + ' (2\u03c3)' : ''))));
    const tree = decodeDiffTree(X.flame);
    const zpath = st.z ? st.z.split('\n') : [];
    drawFlame(main, tree, findPath(tree, zpath, names), names, {
      label: (nd) => names[nd.n],
      tip: (nd) => names[nd.n] + '\nbase ' + fmt(nd.b, unit) + ', new ' + fmt(nd.w, unit) + ', delta ' + (nd.w - nd.b > 0 ? '+' : '') + fmt(nd.w - nd.b, unit),
      color: (nd) => {
        const d = nd.w - nd.b, m = Math.max(Math.abs(nd.b), Math.abs(nd.w)) || 1;
        const a = Math.min(1, Math.abs(d) / m);
        const lo = Math.round(235 - 150 * a);
        return d > 0 ? 'rgb(235,' + lo + ',' + lo + ')' : d < 0 ? 'rgb(' + lo + ',225,' + lo + ')' : 'rgb(220,220,220)';
      },
      onclick: (nd) => setState({ z: pathOf(nd, names).join('\n') }),
    });
    main.append(el('p', { cls: 'note' }, 'Widths: base + new; red grew, green shrank. Rows: flat values as `heapscope diff` computes them; ~ marks a change within the sampling noise (|delta| \u2264 2\u03c3).'));
    const tb = el('tbody');
    for (const [n, b, w, sigma, status] of X.rows) {
      const d = w - b;
      const noise = sigma > 0 && Math.abs(d) <= 2 * sigma;
      const mark = status === 'new' ? 'NEW' : status === 'gone' ? 'GONE' : b ? (d >= 0 ? '+' : '') + (100 * d / Math.abs(b)).toFixed(1) + '%' : '';
      tb.append(el('tr', { cls: (d > 0 ? 'grew' : d < 0 ? 'shrank' : '') + (noise ? ' noise' : ''), 'data-status': status },
        el('td', { cls: 'num' }, (d > 0 ? '+' : '') + fmt(d, unit)), el('td', { cls: 'num' }, mark),
        el('td', { cls: 'num' }, fmt(b, unit)), el('td', { cls: 'num' }, fmt(w, unit)),
        el('td', { cls: 'num' }, sigma * 2 >= 0.5 ? '\u00b1' + fmt(Math.round(2 * sigma), unit) : ''),
        el('td', null, noise ? '~' : ''), el('td', { cls: 'name' }, names[n])));
    }
    main.append(el('table', { cls: 'diff', id: 'difftable' }, el('thead', null, el('tr', null,
      ...['delta', 'delta%', 'base', 'new', '\u00b12\u03c3', 'noise', 'name'].map((h) => el('th', null, h)))), tb));
    if (X.more) main.append(el('p', { cls: 'note' }, X.more + ' more rows not shown'));
  }

  // ---------- Trend ----------
  function spark(values) {
    const W = 120, H = 22;
    const s = svg('svg', { width: W, height: H, 'class': 'spark' });
    const min = Math.min(...values), max = Math.max(...values);
    const pts = values.map((v, i) => {
      const x = values.length > 1 ? 2 + i * (W - 4) / (values.length - 1) : W / 2;
      const y = max === min ? H / 2 : H - 2 - (v - min) * (H - 4) / (max - min);
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    s.append(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: '#c33', 'stroke-width': 1.5 }));
    return s;
  }
  function viewTrend(main, st) {
    const T = D.trend, unit = T.unit, names = D.names;
    main.append(el('div', { cls: 'labels' }, el('div', null, 'Type: ' + T.t + ', ' + T.names.length + ' snapshots: ' + T.names.join(', ')),
      el('div', null, 'Totals: ', spark(T.totals), ' ' + T.totals.map((v) => fmt(v, unit)).join(' \u2192 '))));
    const kinds = ['', ...new Set(T.rows.map((r) => r.kind))];
    const sel = el('select', { id: 'kind', on: { change: (e) => setState({ k: e.target.value }) } });
    for (const k of kinds) { const o = el('option', { value: k }, k || 'all kinds'); if (k === st.k) o.selected = true; sel.append(o); }
    main.append(el('div', null, 'Show: ', sel));
    const tb = el('tbody');
    for (const r of T.rows) {
      if (st.k && r.kind !== st.k) continue;
      tb.append(el('tr', { cls: 'kind-' + r.kind, 'data-kind': r.kind },
        el('td', null, r.kind), el('td', null, spark(r.values)),
        el('td', { cls: 'num' }, fmt(r.values[0], unit)), el('td', { cls: 'num' }, fmt(r.values[r.values.length - 1], unit)),
        el('td', { cls: 'num' }, (r.slope > 0 ? '+' : '') + fmt(Math.round(r.slope), unit) + '/snapshot'),
        el('td', { cls: 'num' }, r.score.toFixed(2)), el('td', { cls: 'name' }, names[r.n])));
    }
    main.append(el('table', { cls: 'trend', id: 'trendtable' }, el('thead', null, el('tr', null,
      ...['kind', 'series', 'first', 'last', 'slope', 'score', 'name'].map((h) => el('th', null, h)))), tb));
    if (T.more) main.append(el('p', { cls: 'note' }, T.more + ' more rows not shown'));
  }

  window.addEventListener('hashchange', render);
  render();
  document.body.setAttribute('data-ready', '1');
})();
