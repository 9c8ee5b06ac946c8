// Navigator map page: plan a family's supports on the map, in English or
// Spanish, and see need trends by neighborhood. Talks only to this
// server's /api; draws the base map offline from region polygons and bus
// routes.
'use strict';
(function () {
  const T = {
    en: {
      title: 'Navigator', viewPlan: 'Plan', viewTrends: 'Trends', planHeading: "A family's plan",
      homeLegend: 'Home', homeHint: 'Click the map where the family lives, or pick a neighborhood.',
      hoodLabel: 'Neighborhood', hoodNone: '— choose —', homeUnset: 'No home set yet.',
      homeSetMap: 'Home set on the map.', homeSetHood: 'Home set in {0}.',
      needsLegend: 'Needs and interests', kindLabel: 'Kind', kindNeed: 'Need', kindInterest: 'Interest',
      catLabel: 'Category', wordsLabel: "In the family's words", sevLabel: 'How pressing',
      sev3: 'Urgent', sev2: 'Important', sev1: 'Can wait', addItem: 'Add', remove: 'Remove',
      whenLegend: 'When they can go', d0: 'Sun', d1: 'Mon', d2: 'Tue', d3: 'Wed', d4: 'Thu', d5: 'Fri', d6: 'Sat',
      fromLabel: 'From', toLabel: 'To', anytime: 'Any time', addWindow: 'Add another time',
      gapsHeading: 'Where requests outrun places, December', gapLine: '{0}: {1} requests, {2} places known', noGap: 'No shortfall where counts are shown.',
      travelLegend: 'Getting there', modeLabel: 'How they travel', modeTransit: 'Bus or walking', modeWalk: 'Walking',
      modeCar: 'Car', maxLabel: 'Longest trip (minutes)', familyLegend: 'The family', homeLangLabel: 'Language at home',
      langEn: 'English', langEs: 'Spanish', langAr: 'Arabic', langVi: 'Vietnamese', ageLabel: "Child's age",
      freeOnly: 'Free only', find: 'Find places', resultsHeading: 'Results',
      resultsEmpty: 'Set a home and add a need, then press “Find places”.',
      needHome: 'Set the home first: click the map or pick a neighborhood.', needItem: 'Add at least one need or interest.',
      searching: 'Looking…', found: '{0} places found.', staff: 'Staff detail (score {0})', showOnMap: 'Show on map',
      trendsHeading: 'Requests by neighborhood, 2025',
      trendsHint: 'Generated requests, not real families. Neighborhoods with fewer than 10 requests (or whose count would reveal one that has) are hidden and drawn hatched.',
      risingHeading: 'Rising needs, second half against first', tableHeading: 'All neighborhoods',
      colHood: 'Neighborhood', colCount: 'Requests', fewer: 'fewer than 10', allCats: 'All categories',
      noRise: 'No significant rise.', requests: '{0} requests', legendFew: 'fewer than 10 (hidden)',
      loadFailed: 'Could not load: {0}', kindNeedShort: 'Need', kindInterestShort: 'Interest',
      sevWord: { 3: 'urgent', 2: 'important', 1: 'can wait' }
    },
    es: {
      title: 'Navegador', viewPlan: 'Plan', viewTrends: 'Tendencias', planHeading: 'El plan de una familia',
      homeLegend: 'Casa', homeHint: 'Haga clic en el mapa donde vive la familia, o elija un vecindario.',
      hoodLabel: 'Vecindario', hoodNone: '— elegir —', homeUnset: 'Todavía no hay casa.',
      homeSetMap: 'Casa marcada en el mapa.', homeSetHood: 'Casa en {0}.',
      needsLegend: 'Necesidades e intereses', kindLabel: 'Tipo', kindNeed: 'Necesidad', kindInterest: 'Interés',
      catLabel: 'Categoría', wordsLabel: 'En palabras de la familia', sevLabel: 'Qué tan urgente',
      sev3: 'Urgente', sev2: 'Importante', sev1: 'Puede esperar', addItem: 'Agregar', remove: 'Quitar',
      whenLegend: 'Cuándo pueden ir', d0: 'dom', d1: 'lun', d2: 'mar', d3: 'mié', d4: 'jue', d5: 'vie', d6: 'sáb',
      fromLabel: 'Desde', toLabel: 'Hasta', anytime: 'A cualquier hora', addWindow: 'Agregar otro horario',
      gapsHeading: 'Dónde las solicitudes superan los lugares, diciembre', gapLine: '{0}: {1} solicitudes, {2} lugares conocidos', noGap: 'Ningún déficit donde se muestran los números.',
      travelLegend: 'Cómo llegar', modeLabel: 'Cómo viajan', modeTransit: 'Autobús o a pie', modeWalk: 'A pie',
      modeCar: 'Carro', maxLabel: 'Viaje más largo (minutos)', familyLegend: 'La familia', homeLangLabel: 'Idioma en casa',
      langEn: 'Inglés', langEs: 'Español', langAr: 'Árabe', langVi: 'Vietnamita', ageLabel: 'Edad del niño o niña',
      freeOnly: 'Solo gratis', find: 'Buscar lugares', resultsHeading: 'Resultados',
      resultsEmpty: 'Marque la casa y agregue una necesidad; luego pulse “Buscar lugares”.',
      needHome: 'Primero marque la casa: haga clic en el mapa o elija un vecindario.', needItem: 'Agregue al menos una necesidad o interés.',
      searching: 'Buscando…', found: 'Se encontraron {0} lugares.', staff: 'Detalle para el personal (puntaje {0})', showOnMap: 'Ver en el mapa',
      trendsHeading: 'Solicitudes por vecindario, 2025',
      trendsHint: 'Solicitudes generadas, no de familias reales. Los vecindarios con menos de 10 solicitudes (o cuyo número revelaría uno así) se ocultan y se dibujan rayados.',
      risingHeading: 'Necesidades en aumento, segundo semestre contra el primero', tableHeading: 'Todos los vecindarios',
      colHood: 'Vecindario', colCount: 'Solicitudes', fewer: 'menos de 10', allCats: 'Todas las categorías',
      noRise: 'Ningún aumento significativo.', requests: '{0} solicitudes', legendFew: 'menos de 10 (oculto)',
      loadFailed: 'No se pudo cargar: {0}', kindNeedShort: 'Necesidad', kindInterestShort: 'Interés',
      sevWord: { 3: 'urgente', 2: 'importante', 1: 'puede esperar' }
    }
  };
  const $ = (id) => document.getElementById(id);
  const state = { lang: 'en', cfg: null, tax: [], hoods: [], home: null, homeHood: '', items: [], windows: [], student: null, view: 'plan' };
  let map, hoodLayer, routeLayer, resultLayer, homeMarker, choropleth, regionsGeo;

  function t(key, ...args) {
    let s = (T[state.lang] && T[state.lang][key]) || T.en[key] || key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', a); });
    return s;
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    kids.forEach((k) => { if (k != null) e.append(k); });
    return e;
  }
  async function getJSON(url, opts) {
    const r = await fetch(url, opts);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.error && body.error.message) || r.statusText);
    return body;
  }
  function label(c) { return state.lang === 'es' ? c.label_es : c.label; }
  function catByCode(code) { return state.tax.find((c) => c.code === code); }

  function applyTexts() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll('[data-t]').forEach((n) => { n.textContent = t(n.dataset.t); });
    $('lang-en').setAttribute('aria-pressed', String(state.lang === 'en'));
    $('lang-es').setAttribute('aria-pressed', String(state.lang === 'es'));
    fillCategories($('item-cat'), false);
    fillCategories($('trend-cat'), true);
    renderItems();
    renderWindows();
    renderHomeStatus();
  }

  function fillCategories(sel, withAll) {
    const keep = sel.value;
    sel.replaceChildren();
    if (withAll) sel.append(el('option', { value: '', text: t('allCats') }));
    let group = null;
    for (const c of state.tax) {
      if (c.depth === 0) {
        group = el('optgroup', { label: label(c) });
        sel.append(group);
        group.append(el('option', { value: c.code, text: label(c) }));
      } else if (group) {
        group.append(el('option', { value: c.code, text: '· ' + label(c) + (c.providers ? '' : ' (0)') }));
      }
    }
    if (keep) sel.value = keep;
  }

  // Home.
  function setHome(lonlat, hood) {
    state.home = lonlat;
    state.homeHood = hood || '';
    if (!hood) $('hood').value = '';
    const ll = [lonlat[1], lonlat[0]];
    if (homeMarker) homeMarker.setLatLng(ll);
    else homeMarker = L.marker(ll, { icon: L.divIcon({ className: '', html: '<div class="home-pin"></div>', iconSize: [22, 22] }), keyboard: false, interactive: false }).addTo(map);
    renderHomeStatus();
  }
  function renderHomeStatus() {
    $('home-status').textContent = !state.home ? t('homeUnset') : state.homeHood ? t('homeSetHood', state.homeHood) : t('homeSetMap');
  }

  // Needs and interests.
  function renderItems() {
    const ul = $('items');
    ul.replaceChildren();
    state.items.forEach((it, i) => {
      const c = catByCode(it.category);
      const kind = it.kind === 'need' ? t('kindNeedShort') : t('kindInterestShort');
      let text = kind + ': ' + (c ? label(c) : it.category);
      if (it.words) text += ' — “' + it.words + '”';
      if (it.kind === 'need') text += ' (' + T[state.lang].sevWord[it.severity] + ')';
      const rm = el('button', { type: 'button', 'aria-label': t('remove') + ' ' + text, text: t('remove') });
      rm.addEventListener('click', () => { state.items.splice(i, 1); renderItems(); $('add-item').focus(); });
      ul.append(el('li', {}, el('span', { text }), rm));
    });
  }
  function addItem() {
    const kind = $('item-kind').value;
    const category = $('item-cat').value;
    if (!category) return;
    state.items.push({ kind, category, words: $('item-words').value.trim(), severity: Number($('item-sev').value) });
    $('item-words').value = '';
    renderItems();
  }

  // Availability: the windows added, or the one being edited.
  function currentWindow() {
    const hm = (v) => { const [h, m] = v.split(':').map(Number); return (h * 60 + m) * 60e9; };
    const days = [...document.querySelectorAll('.days input:checked')].map((i) => i.value).join(',');
    if (!days) return null;
    return { days, start: hm($('from').value || '15:00'), end: hm($('to').value || '19:00'), text: days + ' ' + ($('from').value || '15:00') + '–' + ($('to').value || '19:00') };
  }
  function renderWindows() {
    const ul = $('windows');
    ul.replaceChildren();
    state.windows.forEach((w, i) => {
      const rm = el('button', { type: 'button', 'aria-label': t('remove') + ' ' + w.text, text: t('remove') });
      rm.addEventListener('click', () => { state.windows.splice(i, 1); renderWindows(); $('add-window').focus(); });
      ul.append(el('li', {}, el('span', { text: w.text }), rm));
    });
  }
  function addWindow() {
    const w = currentWindow();
    if (w) { state.windows.push(w); renderWindows(); }
  }

  function student() {
    const s = {
      home: state.home,
      languages: [$('home-lang').value],
      needs: state.items.filter((i) => i.kind === 'need').map((i) => ({ category: i.category, severity: i.severity, words: i.words || undefined })),
      interests: state.items.filter((i) => i.kind === 'interest').map((i) => ({ category: i.category, words: i.words || undefined })),
      constraints: { mode: $('mode').value, max_travel: Number($('max').value || 45) * 60e9, free_only: $('free').checked }
    };
    const age = Number($('age').value);
    if (age > 0) s.age = age;
    if (!$('anytime').checked) {
      const ws = state.windows.length ? state.windows : [currentWindow()].filter(Boolean);
      if (ws.length) s.constraints.availability = ws.map((w) => ({ days: w.days, start: w.start, end: w.end }));
    }
    return s;
  }

  async function findPlaces(ev) {
    if (ev) ev.preventDefault();
    const status = $('form-status');
    status.classList.remove('error');
    if (!state.home) { status.textContent = t('needHome'); status.classList.add('error'); return; }
    if (!state.items.length) { status.textContent = t('needItem'); status.classList.add('error'); return; }
    state.student = student();
    await runPlan();
  }

  async function runPlan() {
    const status = $('form-status');
    status.textContent = t('searching');
    try {
      const plan = await getJSON('/api/plan?k=3&lang=' + state.lang, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(state.student)
      });
      const n = renderPlan(plan);
      status.textContent = t('found', n);
    } catch (e) {
      status.textContent = e.message;
      status.classList.add('error');
    }
  }

  function renderPlan(plan) {
    const body = $('results-body');
    body.replaceChildren();
    resultLayer.clearLayers();
    const bounds = [];
    let n = 0;
    plan.items.forEach((item) => {
      const sec = el('section', { class: 'item' }, el('h3', { text: item.heading }));
      if (item.unmet) sec.append(el('p', { class: 'unmet', text: item.unmet.family }));
      const ol = el('ol', { class: 'matches' });
      item.matches.forEach((m) => {
        n++;
        const f = m.family;
        const li = el('li', { class: 'match' },
          el('h4', {}, el('span', { class: 'rank', 'aria-hidden': 'true', text: String(m.rank) }), el('span', { class: 'name', text: f.what })),
          el('p', { text: f.where }), el('p', { text: f.when }), el('p', { class: 'how', text: f.how_to_get_there }),
          el('p', { text: [f.language, f.cost, f.seats].filter(Boolean).join(' ') }),
          f.contact ? el('p', { text: f.contact }) : null);
        const det = el('details', {}, el('summary', { text: t('staff', m.score.toFixed(2)) }), el('p', { text: m.staff }));
        li.append(det);
        if (m.lat || m.lon) {
          const ll = [m.lat, m.lon];
          bounds.push(ll);
          const icon = L.divIcon({ className: 'result-marker', html: '<div class="pin ' + item.kind + '"><span>' + m.rank + '</span></div>', iconSize: [28, 28], iconAnchor: [14, 28], popupAnchor: [0, -26] });
          const mk = L.marker(ll, { icon, title: m.rank + '. ' + f.what, alt: m.rank + '. ' + f.what, keyboard: true })
            .bindPopup(el('div', {}, el('strong', { text: m.rank + '. ' + f.what }), el('p', { text: f.how_to_get_there })));
          resultLayer.addLayer(mk);
          const show = el('button', { type: 'button', text: t('showOnMap') });
          show.addEventListener('click', () => { map.setView(ll, Math.max(map.getZoom(), 14)); mk.openPopup(); });
          li.append(show);
        }
        ol.append(li);
      });
      sec.append(ol);
      body.append(sec);
    });
    if (state.home) bounds.push([state.home[1], state.home[0]]);
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    $('results').scrollIntoView({ block: 'start' });
    return n;
  }

  // Trends.
  function colour(v, max) {
    const steps = ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
    if (max <= 0) return steps[0];
    return steps[Math.min(steps.length - 1, Math.floor((v / max) * steps.length))];
  }
  async function showTrends() {
    const cat = $('trend-cat').value;
    const q = '?set=' + encodeURIComponent(state.cfg.sets[0]) + (cat ? '&category=' + encodeURIComponent(cat) : '');
    let counts, rising, gaps;
    try {
      [counts, rising, gaps] = await Promise.all([getJSON('/api/trends/counts' + q + '&bucket=year'), getJSON('/api/trends/rising' + q + '&bucket=half'),
        getJSON('/api/trends/gaps' + q + '&bucket=month&near_m=2000')]);
    } catch (e) {
      $('legend').textContent = t('loadFailed', e.message);
      return;
    }
    const byName = {};
    let max = 0;
    counts.rows.forEach((r) => {
      if (r.outside || r.total) return;
      const c = r.cells[r.cells.length - 1] || { count: 0 };
      byName[r.region] = c;
      if (!c.suppressed) max = Math.max(max, c.count);
    });
    if (choropleth) map.removeLayer(choropleth);
    choropleth = L.geoJSON(regionsGeo, {
      style: (f) => {
        const c = byName[f.properties.name];
        if (!c || c.suppressed) return { className: 'suppressed', color: '#666', weight: 1, fillColor: 'url(#hatch)', fillOpacity: 1 };
        return { className: 'counted', color: '#555', weight: 1, fillColor: colour(c.count, max), fillOpacity: 0.85 };
      },
      onEachFeature: (f, layer) => {
        const c = byName[f.properties.name];
        const text = f.properties.name.trim() + ': ' + (!c || c.suppressed ? t('fewer') : t('requests', c.count));
        layer.bindTooltip(text, { sticky: true, className: 'hood-label' });
      }
    }).addTo(map);
    routeLayer.bringToFront();
    // Legend.
    const lg = $('legend');
    lg.replaceChildren();
    [0, 0.25, 0.5, 0.75, 1].forEach((x) => lg.append(el('span', {}, el('i', { style: 'background:' + colour(x * max, max) }), String(Math.round(x * max)))));
    lg.append(el('span', { class: 'few' }, el('i', { class: 'hatched' }), t('legendFew')));
    // Rising.
    const ol = $('rising');
    ol.replaceChildren();
    rising.rises.slice(0, 8).forEach((r) => {
      const c = catByCode(r.category);
      ol.append(el('li', { text: r.region.trim() + ' — ' + (c ? label(c) : r.category) + ': ' + r.baseline + ' → ' + r.current + ' (×' + r.ratio.toFixed(1) + ')' }));
    });
    if (!rising.rises.length) ol.append(el('li', { text: t('noRise') }));
    // Supply gaps: the largest shortfalls among counted neighborhoods.
    const gl = $('gaps');
    gl.replaceChildren();
    const short = gaps.gaps.filter((g) => !g.suppressed && g.shortfall > 0).slice(0, 5);
    short.forEach((g) => gl.append(el('li', { text: t('gapLine', g.region.trim(), g.demand, g.providers) })));
    if (!short.length) gl.append(el('li', { text: t('noGap') }));
    // Table.
    const tb = $('trend-table').querySelector('tbody');
    tb.replaceChildren();
    Object.keys(byName).sort().forEach((name) => {
      const c = byName[name];
      tb.append(el('tr', {}, el('td', { text: name.trim() }), c.suppressed ? el('td', { class: 'suppressed', text: t('fewer') }) : el('td', { text: String(c.count) })));
    });
  }

  function setView(v) {
    state.view = v;
    $('panel-plan').hidden = v !== 'plan';
    $('panel-trends').hidden = v !== 'trends';
    $('view-plan').setAttribute('aria-pressed', String(v === 'plan'));
    $('view-trends').setAttribute('aria-pressed', String(v === 'trends'));
    if (v === 'trends') {
      map.removeLayer(resultLayer);
      if (!$('trend-cat').value) $('trend-cat').value = 'basic.housing';
      map.fitBounds(hoodLayer.getBounds());
      showTrends();
    } else {
      if (choropleth) { map.removeLayer(choropleth); choropleth = null; }
      resultLayer.addTo(map);
    }
    setTimeout(() => map.invalidateSize(), 0);
  }

  function setLang(l) {
    state.lang = l;
    applyTexts();
    if (state.view === 'trends') showTrends();
    else if (state.student) runPlan();
  }

  async function init() {
    const [cfg, tax, hoods] = await Promise.all([getJSON('/api/config'), getJSON('/api/taxonomy'), null]);
    state.cfg = cfg;
    state.tax = tax;
    $('attribution').textContent = cfg.attribution;
    map = L.map('map', { zoomSnap: 0.25, keyboard: true }).fitBounds(cfg.bounds);
    if (cfg.tiles) L.tileLayer(cfg.tiles, { maxZoom: 19, attribution: '© OpenStreetMap contributors' }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    resultLayer = L.layerGroup().addTo(map);
    map.on('click', (e) => setHome([e.latlng.lng, e.latlng.lat], ''));
    const set = cfg.sets[0];
    const [geo, routes, names] = await Promise.all([getJSON('/api/regions/' + encodeURIComponent(set)), getJSON('/api/routes'), getJSON('/api/regions/' + encodeURIComponent(set) + '/names')]);
    regionsGeo = geo;
    hoodLayer = L.geoJSON(geo, { style: { color: '#7a8a99', weight: 1, fillColor: '#ffffff', fillOpacity: 0.7 }, interactive: false }).addTo(map);
    routeLayer = L.geoJSON(routes, { style: (f) => ({ color: f.properties.color || '#555', weight: 2.5, opacity: 0.8 }), interactive: false }).addTo(map);
    map.fitBounds(hoodLayer.getBounds());
    state.hoods = names;
    const sel = $('hood');
    names.forEach((h, i) => sel.append(el('option', { value: String(i), text: h.name })));
    sel.addEventListener('change', () => {
      const h = state.hoods[Number(sel.value)];
      if (h) { setHome([h.lon, h.lat], h.name); map.panTo([h.lat, h.lon]); }
    });
    $('item-kind').addEventListener('change', () => { $('sev-row').hidden = $('item-kind').value !== 'need'; });
    $('add-item').addEventListener('click', addItem);
    $('add-window').addEventListener('click', addWindow);
    $('item-words').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); addItem(); } });
    $('plan-form').addEventListener('submit', findPlaces);
    $('view-plan').addEventListener('click', () => setView('plan'));
    $('view-trends').addEventListener('click', () => setView('trends'));
    $('lang-en').addEventListener('click', () => setLang('en'));
    $('lang-es').addEventListener('click', () => setLang('es'));
    $('trend-cat').addEventListener('change', showTrends);
    applyTexts();
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = 'true';
    void hoods;
  }
  init().catch((e) => { $('form-status').textContent = t('loadFailed', e.message); });
})();
