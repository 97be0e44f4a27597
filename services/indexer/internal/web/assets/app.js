// The map page: fetches incidents (the default) or articles from the query
// API as GeoJSON, draws them as points sized by casualties (an incident's
// current estimates, an article's own figures) over an embedded outline
// (optionally over map tiles) and lists them with their casualty badges
// and, for articles, the evidence. No third-party code.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const KINDS = ["killed", "injured", "arrested", "kidnapped", "missing", "displaced"];
  const LIMIT = 200;
  const map = document.getElementById("map");
  const list = document.getElementById("articles");
  const status = document.getElementById("status");
  const filters = document.getElementById("filters");

  // Web Mercator, so that optional slippy-map tiles line up with the points.
  function mercator(lon, lat) {
    const clamped = Math.max(-85, Math.min(85, lat));
    const s = Math.sin(clamped * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }

  let view = null; // {x0, y0, scale} maps mercator units to SVG pixels

  function fit(bbox) {
    const w = map.clientWidth || 800;
    const h = map.clientHeight || 600;
    const [x0, y1] = mercator(bbox[0], bbox[1]);
    const [x1, y0] = mercator(bbox[2], bbox[3]);
    const scale = Math.min(w / (x1 - x0), h / (y1 - y0));
    view = { x0: x0 - (w / scale - (x1 - x0)) / 2, y0: y0 - (h / scale - (y1 - y0)) / 2, scale: scale, w: w, h: h };
    map.setAttribute("viewBox", "0 0 " + w + " " + h);
  }

  function project(lon, lat) {
    const [x, y] = mercator(lon, lat);
    return [(x - view.x0) * view.scale, (y - view.y0) * view.scale];
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function drawTiles(layer, template) {
    // Pick the zoom whose 256-pixel tiles are closest to screen pixels.
    const z = Math.max(0, Math.min(12, Math.round(Math.log2(view.scale / 256))));
    const n = Math.pow(2, z);
    const size = view.scale / n;
    const tx0 = Math.max(0, Math.floor(view.x0 * n));
    const ty0 = Math.max(0, Math.floor(view.y0 * n));
    const tx1 = Math.min(n - 1, Math.floor((view.x0 + view.w / view.scale) * n));
    const ty1 = Math.min(n - 1, Math.floor((view.y0 + view.h / view.scale) * n));
    for (let x = tx0; x <= tx1; x++) {
      for (let y = ty0; y <= ty1; y++) {
        const href = template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
        el("image", { href: href, x: (x / n - view.x0) * view.scale, y: (y / n - view.y0) * view.scale, width: size, height: size }, layer);
      }
    }
  }

  function drawOutline(layer, outline) {
    for (const c of outline.countries) {
      let d = "";
      for (const ring of c.rings) {
        for (let i = 0; i + 1 < ring.length; i += 2) {
          const [x, y] = project(ring[i], ring[i + 1]);
          d += (i === 0 ? "M" : "L") + x.toFixed(1) + " " + y.toFixed(1);
        }
        d += "Z";
      }
      const p = el("path", { d: d, class: "land" }, layer);
      el("title", {}, p).textContent = c.name;
    }
  }

  function total(t) {
    return KINDS.reduce((n, k) => n + (t[k] || 0), 0);
  }

  function layer() {
    return document.getElementById("layer").value === "articles" ? "articles" : "incidents";
  }

  function query() {
    const p = new URLSearchParams({ limit: String(LIMIT), format: "geojson" });
    const country = document.getElementById("country").value;
    const kind = document.getElementById("kind").value;
    const hours = document.getElementById("window").value;
    if (country) p.set("country", country);
    if (kind) p.set("kind", kind);
    if (hours) p.set("since", new Date(Date.now() - Number(hours) * 3600e3).toISOString().replace(/\.\d+Z$/, "Z"));
    return p;
  }

  let pointsLayer = null;
  let generation = 0;

  function select(id) {
    for (const e of document.querySelectorAll(".selected")) e.classList.remove("selected");
    for (const e of document.querySelectorAll('[data-id="' + CSS.escape(id) + '"]')) e.classList.add("selected");
    const item = list.querySelector('li[data-id="' + CSS.escape(id) + '"]');
    if (item) item.scrollIntoView({ block: "nearest" });
  }

  // figures are what a point is sized and badged by: an incident's current
  // estimates, or an article's own totals.
  function figures(p) {
    return p.estimates || p.totals;
  }

  function render(fc, kind) {
    pointsLayer.replaceChildren();
    list.replaceChildren();
    let drawn = 0;
    // Largest first, so small points stay visible on top.
    const withGeometry = fc.features.filter((f) => f.geometry).sort((a, b) => b.properties.casualties - a.properties.casualties);
    for (const f of withGeometry) {
      const [x, y] = project(f.geometry.coordinates[0], f.geometry.coordinates[1]);
      const t = figures(f.properties);
      const cls = t.killed > 0 ? "killed" : t.injured > 0 ? "injured" : "other";
      const c = el("circle", {
        cx: x.toFixed(1), cy: y.toFixed(1), r: (4 + 2 * Math.sqrt(f.properties.casualties)).toFixed(1),
        class: "point " + cls, "data-id": f.id, "data-casualties": String(f.properties.casualties),
      }, pointsLayer);
      el("title", {}, c).textContent = f.properties.title;
      c.addEventListener("click", () => select(f.id));
      drawn++;
    }
    const incidents = kind === "incidents";
    for (const f of fc.features) {
      const p = f.properties;
      const t = figures(p);
      const li = document.createElement("li");
      li.dataset.id = f.id;
      const a = document.createElement("a");
      // An incident links to its record: its articles and toll history.
      a.href = incidents ? "api/v1/incidents/" + encodeURIComponent(f.id) : p.url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      a.textContent = p.title;
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = (incidents
        ? [p.place, p.article_count + (p.article_count === 1 ? " report" : " reports"),
          p.sources + (p.sources === 1 ? " outlet" : " outlets"), new Date(p.first_report).toLocaleString()]
        : [p.source, p.place, new Date(p.published_at).toLocaleString()]).filter(Boolean).join(" · ");
      li.append(a, meta);
      for (const k of KINDS) {
        if (t[k] > 0) {
          const b = document.createElement("span");
          b.className = "badge " + k;
          b.textContent = t[k] + " " + k;
          li.append(b);
        }
      }
      if (p.evidence) {
        const q = document.createElement("blockquote");
        q.className = "evidence";
        q.textContent = p.evidence;
        li.append(q);
      }
      li.addEventListener("click", (e) => { if (e.target !== a) select(f.id); });
      list.append(li);
    }
    map.dataset.points = String(drawn);
    map.dataset.items = String(fc.features.length);
    status.textContent = fc.features.length + " " + kind + ", " + drawn + " on the map" + (fc.next_cursor ? " (latest " + LIMIT + ")" : "");
  }

  async function load() {
    const mine = ++generation;
    map.dataset.state = "loading";
    status.textContent = "Loading…";
    try {
      const kind = layer();
      const url = "api/v1/" + kind + "?" + query().toString();
      const resp = await fetch(url, { headers: { Accept: "application/geo+json" } });
      const body = await resp.json();
      if (mine !== generation) return; // a newer filter change won
      if (!resp.ok) throw new Error(body.error || resp.statusText);
      render(body, kind);
      map.dataset.query = url;
      map.dataset.state = "ready";
    } catch (err) {
      if (mine !== generation) return;
      status.textContent = "Could not load " + layer() + ": " + err.message;
      map.dataset.state = "error";
    }
  }

  async function start() {
    const [config, outline] = await Promise.all([
      fetch("config.json").then((r) => r.json()),
      fetch("outline.json").then((r) => r.json()),
    ]);
    fit(outline.bbox);
    const base = el("g", { id: "base" }, map);
    if (config.tile_url) {
      drawTiles(base, config.tile_url);
      document.getElementById("attribution").textContent = (config.tile_attribution || "Map tiles") + " · " + outline.attribution;
    } else {
      drawOutline(base, outline);
      document.getElementById("attribution").textContent = outline.attribution;
    }
    pointsLayer = el("g", { id: "points" }, map);
    filters.addEventListener("change", load);
    await load();
  }

  start().catch((err) => {
    status.textContent = "Could not start the map: " + err.message;
    map.dataset.state = "error";
  });
})();
