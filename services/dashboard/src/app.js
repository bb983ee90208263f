// Pantau dashboard: Preact + htm (no build-time JSX), uPlot for the issue chart, hash routing so
// every page is a plain link and the server serves one file. Texts come from i18n.js.
import { html, render } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { api, download, liveEvents, query, saveBlob, session } from './api.js';
import { translator } from './i18n.js';

const STATUS_ORDER = ['rising', 'growing', 'new', 'peaked', 'cooled'];
/** The newest posts an issue's page lists under its samples. */
const LATEST_POSTS = 10;
/** Alerts per API page in the inbox. */
const ALERT_PAGE = 100;
/** Issues per API page on the board (the API's maximum). */
const ISSUE_PAGE = 200;
const pct = (x) => `${Math.round((x ?? 0) * 100)}%`;
const fmtTime = (iso, lang) =>
  iso
    ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', {
        dateStyle: 'short',
        timeStyle: 'short',
      })
    : '';

function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/isu');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/isu');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1).split('/').filter(Boolean);
}

function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true });
  // A reload always asks with the latest filters (a refresh timer or a live event may fire with an
  // older closure just as they change), and only the answer to the latest request is shown: answers
  // can arrive out of order, and an older one (the region just cleared) landing last left the list
  // filtered by what the analyst had already taken off.
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const asked = useRef(0);
  const reload = useCallback(() => {
    const mine = ++asked.current;
    setState((s) => ({ ...s, loading: true }));
    latestLoad.current().then(
      (data) => mine === asked.current && setState({ loading: false, data }),
      (error) => mine === asked.current && setState({ loading: false, error }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return [state, reload];
}

/**
 * Reloads (once, shortly after a flurry) when the agency's live stream says something of `types`
 * changed; answers the stream's state for the badge.
 */
function useLive(types, reload) {
  const [live, setLive] = useState('off');
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    let timer;
    const close = liveEvents((type) => {
      if (!types.includes(type)) return;
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(), 300);
    }, setLive);
    return () => {
      clearTimeout(timer);
      close();
    };
  }, []);
  return live;
}

function LiveBadge({ t, live }) {
  if (live === 'off') return null;
  return html`<span class="live live-${live}" role="status"
    >${t(live === 'live' ? 'live' : 'reconnecting')}</span
  >`;
}

/** Pages of a cursor listing, read in turn until at least `limit` items (or the last page). */
async function loadPages(path, params, limit) {
  let page = await api(`${path}${query(params)}`);
  const items = [...page.items];
  while (page.nextCursor && items.length < limit) {
    page = await api(`${path}${query({ ...params, cursor: page.nextCursor })}`);
    items.push(...page.items);
  }
  return { items, nextCursor: page.nextCursor };
}

function Status({ t, status }) {
  return html`<span class="badge st-${status}">${t(`st_${status}`)}</span>`;
}

function Failure({ t, error, retry }) {
  if (error?.status === 403) return html`<p class="notice" role="status">${t('agencyOnly')}</p>`;
  return html`<div class="error" role="alert">
    <strong>${t('error')}</strong>: ${error?.message} <code>${error?.code ?? ''}</code>
    ${retry && html`<button onClick=${retry}>${t('retry')}</button>`}
  </div>`;
}

function Sparkline({ issue }) {
  // Posts in the window at each lifecycle event, then now: the issue's shape at a glance.
  const ys = [0, ...(issue.timeline ?? []).map((e) => e.windowCount), issue.windowCount ?? 0];
  const y1 = Math.max(1, ...ys);
  const w = 96;
  const h = 24;
  const d = ys
    .map(
      (y, i) =>
        `${i ? 'L' : 'M'}${((i / (ys.length - 1)) * w).toFixed(1)},${(h - (y / y1) * (h - 2) - 1).toFixed(1)}`,
    )
    .join(' ');
  return html`<svg class="spark" width=${w} height=${h} viewBox="0 0 ${w} ${h}" aria-hidden="true">
    <path d=${d} fill="none" stroke="currentColor" stroke-width="1.5" />
  </svg>`;
}

function Issues({ t, lang }) {
  const [status, setStatus] = useState('');
  const [minHoax, setMinHoax] = useState(0);
  const [coordinated, setCoordinated] = useState(false);
  const [title, setTitle] = useState('');
  const [hours, setHours] = useState(0);
  const [auto, setAuto] = useState(true);
  const [region, setRegion] = useState('');
  const [source, setSource] = useState('');
  // The choices of the source filter, which the API applies: the sources of the last 7 days' posts
  // (GET /v1/posts/sources; analysts may not list the source registry) and of the issues loaded.
  const [knownSources, setKnownSources] = useState([]);
  const [provinces, setProvinces] = useState([]);
  useEffect(() => {
    // The region filter offers the provinces; an issue about a city is also its province's.
    api('/v1/regions').then(
      (r) => setProvinces(r.items.filter((x) => x.kind === 'province')),
      () => setProvinces([]),
    );
  }, []);
  useEffect(() => {
    api('/v1/posts/sources').then(
      (r) => setKnownSources((known) => [...new Set([...known, ...r.items.map((x) => x.source)])].sort()),
      () => undefined,
    );
  }, []);
  // The title words reach the API once typing pauses, not on every key.
  const [titleQuery, setTitleQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTitleQuery(title.trim()), 300);
    return () => clearTimeout(timer);
  }, [title]);
  // Every filter is the API's, over all issues (filtered in the page, the board only ever searched the
  // 200 most recently seen). "Load more" raises how many the board keeps; a refresh re-reads as many,
  // page by page, and a change of filters starts again from one page.
  const filterKey = JSON.stringify([status, region, source, titleQuery, minHoax, coordinated, hours]);
  const [extra, setExtra] = useState({ key: '', limit: 0 });
  const limit = ISSUE_PAGE + (extra.key === filterKey ? extra.limit : 0);
  const filters = () => ({
    status,
    region,
    source,
    q: titleQuery,
    minHoax: minHoax > 0 ? Math.min(minHoax, 100) / 100 : undefined,
    coordinated: coordinated ? true : undefined,
    from: hours ? new Date(Date.now() - hours * 3_600_000).toISOString() : undefined,
  });
  const [state, reload] = useLoad(
    async () => loadPages('/v1/issues', { size: ISSUE_PAGE, ...filters() }, limit),
    [filterKey, limit],
  );
  useEffect(() => {
    const seen = new Set(knownSources);
    for (const issue of state.data?.items ?? []) for (const x of issue.sources ?? []) seen.add(x.source);
    if (seen.size !== knownSources.length) setKnownSources([...seen].sort());
  }, [state.data]);
  useEffect(() => {
    if (!auto) return undefined;
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [auto, reload]);
  // The issues this agency is alerted on change the moment the stream says so; the rest every 10 s.
  const live = useLive(['issue', 'alert'], () => auto && reload());
  const items = useMemo(
    () =>
      [...(state.data?.items ?? [])].sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          (b.windowCount ?? 0) - (a.windowCount ?? 0),
      ),
    [state.data],
  );
  return html`<section aria-labelledby="issues-h">
    <h1 id="issues-h">${t('issuesTitle')}</h1>
    <${LiveBadge} t=${t} live=${live} />
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label
        >${t('status')}
        <select value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
          <option value="">${t('all')}</option>
          ${STATUS_ORDER.map((s) => html`<option value=${s}>${t(`st_${s}`)}</option>`)}
        </select>
      </label>
      <label
        >${t('regions')}
        <select value=${region} onChange=${(e) => setRegion(e.currentTarget.value)}>
          <option value="">${t('all')}</option>
          ${provinces.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
        </select>
      </label>
      <label
        >${t('source')}
        <select value=${source} onChange=${(e) => setSource(e.currentTarget.value)}>
          <option value="">${t('all')}</option>
          ${knownSources.map((x) => html`<option value=${x}>${x}</option>`)}
        </select>
      </label>
      <label
        >${t('minHoax')}
        <input
          type="number"
          min="0"
          max="100"
          step="5"
          value=${minHoax}
          onInput=${(e) => setMinHoax(Number(e.currentTarget.value) || 0)}
        />
      </label>
      <label class="check"
        ><input
          type="checkbox"
          checked=${coordinated}
          onChange=${(e) => setCoordinated(e.currentTarget.checked)}
        />
        ${t('coordinatedOnly')}</label
      >
      <label
        >${t('titleFilter')}
        <input type="search" value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label
        >${t('timeFilter')}
        <select value=${hours} onChange=${(e) => setHours(Number(e.currentTarget.value))}>
          ${[0, 1, 6, 24, 168].map((h) => html`<option value=${h}>${h ? t('lastHours', { h }) : t('all')}</option>`)}
        </select>
      </label>
      <label class="check"
        ><input type="checkbox" checked=${auto} onChange=${(e) => setAuto(e.currentTarget.checked)} />
        ${t('autoRefresh')}</label
      >
      <${DownloadCsv} t=${t} path=${() => `/v1/issues/export${query(filters())}`} />
    </form>
    ${state.error && html`<${Failure} t=${t} error=${state.error} retry=${reload} />`}
    ${state.loading && !state.data && html`<p>${t('loading')}</p>`}
    ${state.data && items.length === 0 && html`<p class="empty">${t('noIssues')}</p>`}
    ${
      items.length > 0 &&
      html`<table class="issues">
        <thead>
          <tr>
            <th scope="col">${t('status')}</th>
            <th scope="col">${t('issuesTitle')}</th>
            <th scope="col">${t('trend')}</th>
            <th scope="col" class="num">${t('window')}</th>
            <th scope="col" class="num">${t('posts')}</th>
            <th scope="col" class="num">${t('hoaxShare')}</th>
            <th scope="col">${t('lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (i) =>
              html`<tr class="issue-row" data-status=${i.status}>
                <td><${Status} t=${t} status=${i.status} /></td>
                <td>
                  <a href="#/isu/${encodeURIComponent(i.id)}">${i.title}</a>
                  ${i.coordinated && html` <span class="flag" title=${t('coordinatedHint')}>⚑ ${t('coordinated')}</span>`}
                  <div class="terms">${(i.terms ?? []).slice(0, 6).join(' · ')}</div>
                </td>
                <td><${Sparkline} issue=${i} /></td>
                <td class="num">${i.windowCount ?? 0}</td>
                <td class="num">${i.count}</td>
                <td class="num">${pct(i.hoaxShare)}</td>
                <td>${fmtTime(i.lastSeen, lang)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
    ${
      state.data?.nextCursor &&
      html`<p class="more">
        <span>${t('issuesShown', { n: items.length })}</span>
        <button onClick=${() => setExtra({ key: filterKey, limit })} disabled=${state.loading}>
          ${state.loading ? t('loading') : t('loadMore')}
        </button>
      </p>`
    }
  </section>`;
}

function Chart({ posts, events, t }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || posts.length === 0) return undefined;
    const minute = 60_000;
    const times = posts.map((p) => Date.parse(p.publishedAt)).filter(Number.isFinite);
    // At least the last 30 minutes, so a fresh burst shows against the quiet before it.
    const end = Math.floor(Math.max(Date.now(), ...times) / minute) * minute;
    const start = Math.min(Math.floor(Math.min(...times) / minute) * minute, end - 30 * minute);
    const step = Math.max(minute, Math.ceil((end - start + minute) / 300 / minute) * minute);
    const buckets = Math.floor((end - start) / step) + 1;
    const xs = Array.from({ length: buckets }, (_, i) => (start + i * step) / 1000);
    const ys = new Array(buckets).fill(0);
    for (const x of times) ys[Math.floor((x - start) / step)] += 1;
    const eventSeries = xs.map(() => null);
    for (const e of events) {
      const i = Math.floor((Date.parse(e.at) - start) / step);
      if (i >= 0 && i < buckets) eventSeries[i] = ys[i];
    }
    const plot = new uPlot(
      {
        width: Math.min(900, ref.current.clientWidth || 800),
        height: 220,
        series: [
          {},
          { label: t('posts'), stroke: '#1f6feb', fill: 'rgba(31,111,235,0.12)', width: 2 },
          { label: t('events'), stroke: '#d1242f', width: 0, points: { size: 9, fill: '#d1242f' } },
        ],
        axes: [{}, { label: t('posts') }],
      },
      [xs, ys, eventSeries],
      ref.current,
    );
    return () => plot.destroy();
  }, [posts, events, t]);
  return html`<figure class="chart">
    <figcaption>${t('chartTitle')}</figcaption>
    <div ref=${ref}></div>
  </figure>`;
}

/**
 * "Unduh CSV": what the view shows (its filters, every page up to the API's default limit) as a file
 * for the agency's reports. `path` is read at the click, with the filters of that moment.
 */
function DownloadCsv({ t, path }) {
  const [state, setState] = useState({ busy: false, error: null });
  const start = async () => {
    setState({ busy: true, error: null });
    try {
      await download(path());
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return html`<span class="download">
    <button type="button" class="secondary" onClick=${start} disabled=${state.busy}>
      ${state.busy ? t('downloading') : t('downloadCsv')}
    </button>
    ${state.error && html`<span class="error" role="alert">${t('downloadFailed')}: ${state.error.message}</span>`}
  </span>`;
}

function IssueDetail({ t, lang, id }) {
  const [state, reload] = useLoad(
    () =>
      Promise.all([
        api(`/v1/issues/${encodeURIComponent(id)}`),
        api(`/v1/posts${query({ issueId: id, size: 200 })}`),
        // Related issues are a help, not the page: without them the page still shows.
        api(`/v1/issues/${encodeURIComponent(id)}/related`).catch(() => ({ items: [] })),
      ]),
    [id],
  );
  if (state.error) return html`<${Failure} t=${t} error=${state.error} retry=${reload} />`;
  if (!state.data) return html`<p>${t('loading')}</p>`;
  const [issue, all, related] = state.data;
  const shown = new Set(issue.posts.map((p) => p.id));
  const latest = all.items.filter((p) => !shown.has(p.id)).slice(0, LATEST_POSTS);
  const reason = (e) => (lang === 'en' ? e.reason : (e.reasonId ?? e.reason));
  return html`<section aria-labelledby="issue-h">
    <p><a href="#/isu">${t('back')}</a></p>
    <h1 id="issue-h">${issue.title}</h1>
    <p>
      <${DownloadCsv} t=${t} path=${() => `/v1/posts/export${query({ issueId: id })}`} />
      <span class="muted"> ${t('downloadIssuePosts')}</span>
    </p>
    <p class="facts">
      <${Status} t=${t} status=${issue.status} />
      <span>${t('posts')}: <strong>${issue.count}</strong></span>
      <span>${t('window')}: <strong>${issue.windowCount ?? 0}</strong></span>
      <span>${t('hoaxShare')}: <strong>${pct(issue.hoaxShare)}</strong></span>
      <span>${issue.distinctAuthors ?? 0} ${t('accounts')}</span>
      ${
        issue.regions?.length
          ? html`<span
              >${t('regions')}: <strong>${issue.regions.map((r) => r.name).join(', ')}</strong></span
            >`
          : null
      }
    </p>
    ${
      issue.coordinated &&
      html`<div class="evidence" role="note">
        <h2>${t('evidence')}</h2>
        <p>${t('evidenceText', { n: issue.distinctAuthors ?? 0 })}</p>
      </div>`
    }
    ${
      issue.sources?.length
        ? html`<p class="sources">
            ${t('bySource')}:
            ${issue.sources.map((x) => html`<span class="chip">${x.source} <strong>${x.count}</strong></span> `)}
          </p>`
        : null
    }
    ${
      issue.factChecks?.length
        ? html`<div class="factchecks">
            <h2>${t('issueFactChecks')}</h2>
            <ul>
              ${issue.factChecks.map(
                (f) =>
                  html`<li>
                    ${f.url ? html`<a href=${f.url} rel="noopener noreferrer" target="_blank">${f.title}</a>` : f.title}
                    <span class="muted"> — ${t('postsRestating', { n: f.posts })}</span>
                  </li>`,
              )}
            </ul>
          </div>`
        : null
    }
    ${related.items.length > 0 && html`<${RelatedIssues} t=${t} items=${related.items} />`}
    <h2>${t('timeline')}</h2>
    <${Chart} posts=${all.items} events=${issue.timeline} t=${t} />
    <h3>${t('events')}</h3>
    ${
      issue.timeline.length === 0
        ? html`<p class="empty">${t('noEvents')}</p>`
        : html`<ol class="events">
            ${issue.timeline.map(
              (e) =>
                html`<li class="event">
                  <time datetime=${e.at}>${fmtTime(e.at, lang)}</time> <${Status} t=${t} status=${e.type} />
                  <span class="reason">${reason(e) ?? ''}</span>
                </li>`,
            )}
          </ol>`
    }
    <${Clarifications} t=${t} lang=${lang} issue=${issue} onPosted=${reload} />
    <h2>${t('samplePosts')}</h2>
    ${issue.posts.length === 0 ? html`<p class="empty">${t('noPosts')}</p>` : html`<${PostList} t=${t} lang=${lang} posts=${issue.posts} canLabel=${true} />`}
    ${
      // The samples are the issue's first posts; what it says now is in its latest ones.
      latest.length > 0 &&
      html`<h2>${t('latestPosts')}</h2>
        <${PostList} t=${t} lang=${lang} posts=${latest} canLabel=${true} />`
    }
  </section>`;
}

/** Other issues told around the same keywords or fact-checks (issues never merge: the analyst links them). */
function RelatedIssues({ t, items }) {
  return html`<section class="related" aria-labelledby="related-h">
    <h2 id="related-h">${t('relatedIssues')}</h2>
    <p class="muted">${t('relatedNote')}</p>
    <ul>
      ${items.map(
        (r) =>
          html`<li>
            <a href="#/isu/${encodeURIComponent(r.id)}">${r.title}</a>${' '}
            <${Status} t=${t} status=${r.status} /> <span class="muted">${t('posts')}: ${r.count}</span>
            ${
              r.sharedTerms.length > 0 &&
              html`<span class="shared"
                >${t('relatedTerms')}:
                ${r.sharedTerms.map((w) => html`<span class="chip">${w}</span> `)}</span
              >`
            }
            ${r.sharedFactChecks.length > 0 && html`<span class="shared">${t('relatedFactCheck')}</span>`}
          </li>`,
      )}
    </ul>
  </section>`;
}

/** Narasi tunggal: the agencies' official clarifications of this issue, and the form to post one. */
function Clarifications({ t, lang, issue, onPosted }) {
  const [form, setForm] = useState({ text: '', url: '' });
  const [state, setState] = useState({});
  const list = issue.clarifications ?? [];
  const submit = async (e) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      await api(`/v1/issues/${encodeURIComponent(issue.id)}/clarifications`, {
        method: 'POST',
        body: { text: form.text, ...(form.url ? { url: form.url } : {}) },
      });
      setForm({ text: '', url: '' });
      setState({ done: true });
      onPosted();
    } catch (error) {
      setState({ error });
    }
  };
  return html`<section class="clarifications" aria-labelledby="clar-h">
    <h2 id="clar-h">${t('clarifications')}</h2>
    ${
      list.length === 0
        ? html`<p class="empty">${t('noClarifications')}</p>`
        : html`<ul class="clarification-list">
            ${list.map(
              (c) =>
                html`<li class="clarification">
                  <div class="meta">
                    <strong>${c.agencyName}</strong> ·
                    <time datetime=${c.createdAt}>${fmtTime(c.createdAt, lang)}</time>
                    ${c.url && html` · <a href=${c.url} target="_blank" rel="noopener noreferrer">${t('open')}</a>`}
                  </div>
                  <p>${c.text}</p>
                </li>`,
            )}
          </ul>`
    }
    <form class="clarify" onSubmit=${submit}>
      <label
        >${t('clarificationText')}
        <textarea
          name="clarification"
          required
          rows="3"
          value=${form.text}
          onInput=${(e) => setForm({ ...form, text: e.currentTarget.value })}
        ></textarea>
      </label>
      <label
        >${t('clarificationUrl')}
        <input
          type="url"
          name="clarificationUrl"
          value=${form.url}
          onInput=${(e) => setForm({ ...form, url: e.currentTarget.value })}
      /></label>
      <button type="submit" disabled=${state.busy}>${t('postClarification')}</button>
      ${state.done && html`<span role="status">${t('clarificationPosted')}</span>`}
      ${state.error && html`<${Failure} t=${t} error=${state.error} />`}
    </form>
  </section>`;
}

/** An analyst's label on one post (hoax / not hoax): it feeds the next retrain of the hoax model. */
function LabelButtons({ t, post }) {
  const [state, setState] = useState({});
  const send = async (label) => {
    setState({ busy: true });
    try {
      await api(`/v1/posts/${encodeURIComponent(post.id)}/labels`, { method: 'POST', body: { label } });
      setState({ label });
    } catch (error) {
      setState({ error });
    }
  };
  return html`<div class="labels" role="group" aria-label=${t('labelPost')}>
    <button
      class="small"
      disabled=${state.busy}
      aria-pressed=${state.label === 'hoax'}
      onClick=${() => send('hoax')}
    >
      ${t('labelHoax')}
    </button>
    <button
      class="small"
      disabled=${state.busy}
      aria-pressed=${state.label === 'not_hoax'}
      onClick=${() => send('not_hoax')}
    >
      ${t('labelNotHoax')}
    </button>
    ${state.label && html`<span role="status">${t('labelSaved')}</span>`}
    ${state.error && html`<${Failure} t=${t} error=${state.error} />`}
  </div>`;
}

function PostList({ t, lang, posts, canLabel = false }) {
  return html`<ul class="posts">
    ${posts.map(
      (p) =>
        html`<li class="post">
          <div class="meta">
            ${`${p.source ?? ''} · `}
            <time datetime=${p.publishedAt}>${fmtTime(p.publishedAt, lang)}</time>
            ${p.url && html` · <a href=${p.url} target="_blank" rel="noopener noreferrer">${t('open')}</a>`}
            <span class="score" title=${t('hoaxScore')}>${t('hoaxScore')}: ${pct(p.hoaxScore)}</span>
          </div>
          <p>${p.text}</p>
          ${
            (p.signals ?? []).length > 0 &&
            html`<div class="signals">
              ${t('hoaxReasons')}:
              ${p.signals.map((s) => html`<span class="signal">${s.label?.[lang] ?? s.id}</span>`)}
            </div>`
          }
          ${
            (p.claimMatches ?? []).length > 0 &&
            html`<div class="claims">
              ${t('claimMatches')}:
              ${p.claimMatches.map(
                (c) =>
                  html`<span class="claim"
                    >${c.url ? html`<a href=${c.url} target="_blank" rel="noopener noreferrer">${c.title}</a>` : c.title}
                    (${pct(c.similarity)})</span
                  >`,
              )}
            </div>`
          }
          ${canLabel && html`<${LabelButtons} t=${t} post=${p} />`}
        </li>`,
    )}
  </ul>`;
}

function Search({ t, lang }) {
  const [form, setForm] = useState({ q: '', source: '', minHoax: '', from: '', to: '' });
  const [state, setState] = useState({});
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setState({ loading: true });
    try {
      const params = {
        q: form.q,
        source: form.source,
        minHoax: form.minHoax === '' ? undefined : Number(form.minHoax) / 100,
        from: form.from ? new Date(form.from).toISOString() : undefined,
        to: form.to ? new Date(form.to).toISOString() : undefined,
        size: 200,
      };
      setState({ data: await api(`/v1/posts${query(params)}`), params });
    } catch (error) {
      setState({ error });
    }
  };
  // The next page of the same search, appended (the exports take every post loaded so far).
  const more = async () => {
    const { data, params } = state;
    setState({ data, params, loadingMore: true });
    try {
      const next = await api(`/v1/posts${query({ ...params, cursor: data.nextCursor })}`);
      setState({ params, data: { ...next, items: [...data.items, ...next.items] } });
    } catch (error) {
      setState({ data, params, moreError: error });
    }
  };
  const items = state.data?.items ?? [];
  return html`<section aria-labelledby="search-h">
    <h1 id="search-h">${t('searchTitle')}</h1>
    <form class="filters" onSubmit=${submit} role="search">
      <label>${t('query')} <input type="search" name="q" value=${form.q} onInput=${set('q')} /></label>
      <label>${t('source')} <input name="source" value=${form.source} onInput=${set('source')} /></label>
      <label
        >${t('minHoax')}
        <input type="number" min="0" max="100" value=${form.minHoax} onInput=${set('minHoax')}
      /></label>
      <label>${t('from')} <input type="datetime-local" value=${form.from} onInput=${set('from')} /></label>
      <label>${t('to')} <input type="datetime-local" value=${form.to} onInput=${set('to')} /></label>
      <button type="submit">${t('search')}</button>
    </form>
    ${state.loading && html`<p>${t('loading')}</p>`}
    ${state.error && html`<${Failure} t=${t} error=${state.error} />`}
    ${
      state.data &&
      html`<div class="toolbar">
          <span role="status">${t('results', { n: state.data.total })}</span>
          <${DownloadCsv}
            t=${t}
            path=${() => {
              // Every post the search finds (the API reads them page by page), not only those loaded.
              const { size: _size, ...filters } = state.params;
              return `/v1/posts/export${query(filters)}`;
            }}
          />
          <button
            type="button"
            class="secondary"
            onClick=${() =>
              saveBlob(
                'pantau-posts.ndjson',
                new Blob([items.map((p) => JSON.stringify(p)).join('\n')], { type: 'application/x-ndjson' }),
              )}
          >
            ${t('exportNdjson')}
          </button>
        </div>
        <${PostList} t=${t} lang=${lang} posts=${items} />
        ${state.moreError && html`<${Failure} t=${t} error=${state.moreError} />`}
        ${
          state.data.nextCursor &&
          html`<p class="more">
            <span>${t('shown', { n: items.length, total: state.data.total })}</span>
            <button onClick=${more} disabled=${state.loadingMore}>
              ${state.loadingMore ? t('loading') : t('loadMore')}
            </button>
          </p>`
        }`
    }
  </section>`;
}

function QueryError({ t, lang, query: q, error }) {
  const p = error.details?.position ?? 0;
  const message = lang === 'en' ? error.message : (error.details?.messageId ?? error.message);
  return html`<div class="syntax-error" role="alert">
    <strong>${t('syntaxError', { p })}</strong>: ${message}
    <pre aria-hidden="true">${`${q}\n${' '.repeat(p)}^`}</pre>
  </div>`;
}

// Watchlist rules (when a list alerts): the editor's state, one entry per rule type.
const DEFAULT_RULES = {
  rising: true,
  growing: false,
  volume: false,
  volumeMin: 50,
  volumeMinutes: 15,
  hoax: false,
  hoaxMin: 80,
  claim: false,
  match: false,
};

function rulesBody(r) {
  return [
    r.rising && { type: 'rising' },
    r.growing && { type: 'growing' },
    r.volume && { type: 'volume', min: Number(r.volumeMin), windowMinutes: Number(r.volumeMinutes) },
    r.hoax && { type: 'hoax', minScore: Number(r.hoaxMin) / 100 },
    r.claim && { type: 'claim' },
    r.match && { type: 'match' },
  ].filter(Boolean);
}

function ruleLabel(t, rule) {
  if (rule.type === 'volume') return t('rule_volume_n', { n: rule.min, m: rule.windowMinutes });
  if (rule.type === 'hoax') return t('rule_hoax_n', { n: Math.round(rule.minScore * 100) });
  return t(`rule_${rule.type}`);
}

function RuleEditor({ t, rules, onChange }) {
  const set = (k, v) => onChange({ ...rules, [k]: v });
  const box = (k) =>
    html`<label class="check"
      ><input type="checkbox" checked=${rules[k]} onChange=${(e) => set(k, e.currentTarget.checked)} />
      ${t(`rule_${k}`)}</label
    >`;
  const num = (k, label, min, max) =>
    html`<label class="inline"
      >${`${label} `}<input
        type="number"
        min=${min}
        max=${max}
        value=${rules[k]}
        onInput=${(e) => set(k, e.currentTarget.value)}
    /></label>`;
  return html`<fieldset class="rules-editor">
    <legend>${t('rules')}</legend>
    ${box('rising')} ${box('growing')}
    <div>
      ${box('volume')}
      ${rules.volume && html`${num('volumeMin', t('ruleMin'), 1, 1000000)} ${num('volumeMinutes', t('ruleMinutes'), 1, 1440)}`}
    </div>
    <div>${box('hoax')} ${rules.hoax && num('hoaxMin', t('ruleMinScore'), 0, 100)}</div>
    ${box('claim')} ${box('match')}
  </fieldset>`;
}

/** How often each rule of a saved list would have fired over the last 7 days, beside what did fire. */
function Backtest({ t, lang, watchlist }) {
  const [state, setState] = useState({});
  const run = async () => {
    setState({ busy: true });
    try {
      const to = new Date();
      const from = new Date(to.getTime() - 7 * 86_400_000);
      const data = await api(`/v1/watchlists/${encodeURIComponent(watchlist.id)}/backtest`, {
        method: 'POST',
        body: { from: from.toISOString(), to: to.toISOString() },
      });
      setState({ data });
    } catch (error) {
      setState({ error });
    }
  };
  return html`<div class="backtest">
    <button class="small" onClick=${run} disabled=${state.busy}>${t('runBacktest')}</button>
    ${state.error && html`<${Failure} t=${t} error=${state.error} />`}
    ${
      state.data &&
      html`<ul class="backtest-result" aria-label=${t('runBacktest')}>
        ${state.data.rules.map(
          (r) =>
            html`<li>
              <span class="badge">${ruleLabel(t, r.rule)}</span>
              ${` ${t('wouldHaveFired', { n: r.wouldHaveFired, live: r.fired })} `}
              <span class="help">${lang === 'en' ? r.summary.en : r.summary.id}</span>
            </li>`,
        )}
      </ul>`
    }
  </div>`;
}

function Watchlists({ t, lang }) {
  const [list, reload] = useLoad(() => api('/v1/watchlists'), []);
  const [name, setName] = useState('');
  const [q, setQ] = useState('');
  const [check, setCheck] = useState({});
  const [saved, setSaved] = useState('');
  const [rules, setRules] = useState(DEFAULT_RULES);
  useEffect(() => {
    if (!q.trim()) return setCheck({});
    const timer = setTimeout(() => {
      api('/v1/watchlists/check', { method: 'POST', body: { query: q } }).then(
        (ok) => setCheck({ ok }),
        (error) => setCheck({ error }),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [q]);
  const save = async (e) => {
    e.preventDefault();
    setSaved('');
    try {
      await api('/v1/watchlists', { method: 'POST', body: { name, query: q, rules: rulesBody(rules) } });
      setSaved(t('saved'));
      setName('');
      setQ('');
      setRules(DEFAULT_RULES);
      reload();
    } catch (error) {
      setCheck({ error });
    }
  };
  const remove = async (id) => {
    await api(`/v1/watchlists/${encodeURIComponent(id)}`, { method: 'DELETE' });
    reload();
  };
  if (list.error)
    return html`<section>
      <h1>${t('watchTitle')}</h1>
      <${Failure} t=${t} error=${list.error} retry=${reload} />
    </section>`;
  return html`<section aria-labelledby="wl-h">
    <h1 id="wl-h">${t('watchTitle')}</h1>
    <form class="editor" onSubmit=${save}>
      <label
        >${t('name')}
        <input name="name" required value=${name} onInput=${(e) => setName(e.currentTarget.value)}
      /></label>
      <label
        >${t('watchQuery')}
        <textarea
          name="query"
          rows="3"
          required
          aria-describedby="wl-help wl-check"
          value=${q}
          onInput=${(e) => setQ(e.currentTarget.value)}
        ></textarea>
      </label>
      <p id="wl-help" class="help">${t('watchHelp')}</p>
      <${RuleEditor} t=${t} rules=${rules} onChange=${setRules} />
      <div id="wl-check" aria-live="polite">
        ${check.error?.code === 'QUERY_SYNTAX' && html`<${QueryError} t=${t} lang=${lang} query=${q} error=${check.error} />`}
        ${check.error && check.error.code !== 'QUERY_SYNTAX' && html`<${Failure} t=${t} error=${check.error} />`}
        ${check.ok && html`<p class="ok">${t('valid')} ${t('backtest', { n: check.ok.backtest.matched, d: check.ok.backtest.days })}</p>`}
        ${saved && html`<p class="ok" role="status">${saved}</p>`}
      </div>
      <button type="submit" disabled=${Boolean(check.error) || rulesBody(rules).length === 0}>
        ${t('save')}
      </button>
    </form>
    ${list.data?.items.length === 0 && html`<p class="empty">${t('noWatchlists')}</p>`}
    <ul class="watchlists">
      ${(list.data?.items ?? []).map(
        (w) =>
          html`<li>
            <strong>${w.name}</strong> <code>${w.query}</code>
            <span class="rules"
              >${(w.rules ?? []).map((r) => html`<span class="badge">${ruleLabel(t, r)}</span>`)}</span
            >
            <button class="link" onClick=${() => remove(w.id)} aria-label="${t('delete')} ${w.name}">
              ${t('delete')}
            </button>
            <${Backtest} t=${t} lang=${lang} watchlist=${w} />
          </li>`,
      )}
    </ul>
  </section>`;
}

function Alerts({ t, lang }) {
  // 100 at a time; "load more" raises how many the inbox keeps, and a reload re-reads as many.
  const [limit, setLimit] = useState(ALERT_PAGE);
  const [state, reload] = useLoad(() => loadPages('/v1/alerts', { size: ALERT_PAGE }, limit), [limit]);
  // New alerts, new versions and clarifications show as they happen.
  const live = useLive(['alert', 'clarification'], reload);
  if (state.error)
    return html`<section>
      <h1>${t('alertsTitle')}</h1>
      <${Failure} t=${t} error=${state.error} retry=${reload} />
    </section>`;
  const items = state.data?.items ?? [];
  return html`<section aria-labelledby="al-h">
    <h1 id="al-h">${t('alertsTitle')}</h1>
    <${LiveBadge} t=${t} live=${live} />
    ${items.length > 0 && html`<p><${DownloadCsv} t=${t} path=${() => '/v1/alerts/export'} /></p>`}
    ${state.loading && !state.data && html`<p>${t('loading')}</p>`}
    ${state.data && items.length === 0 && html`<p class="empty">${t('noAlerts')}</p>`}
    <ul class="alerts">
      ${items.map(
        (a) =>
          html`<li class="alert">
            <div class="meta">
              <time datetime=${a.updatedAt}>${fmtTime(a.updatedAt, lang)}</time>${' · '}
              <${Status} t=${t} status=${a.issue.status} />${' · '}
              <a href="#/isu/${encodeURIComponent(a.issueId)}">${a.issue.title}</a>
            </div>
            <p>${lang === 'en' ? a.summary.en : a.summary.id}</p>
            <${AlertActions} t=${t} lang=${lang} alert=${a} onChange=${reload} />
            <ul class="deliveries" aria-label=${t('delivery')}>
              ${a.deliveries.map(
                (d) =>
                  html`<li class="d-${d.status}">
                    ${`${d.channel} · ${d.clarificationId ? t('clarificationDelivery') : `v${d.version}`}: `}<strong
                      >${t(`d_${d.status}`)}</strong
                    >
                    ${` (${d.attempts} ${t('attempts')})${d.lastError ? ` — ${d.lastError}` : ''}`}
                  </li>`,
              )}
            </ul>
          </li>`,
      )}
    </ul>
    ${
      state.data?.nextCursor &&
      html`<p class="more">
        <button onClick=${() => setLimit(items.length + ALERT_PAGE)} disabled=${state.loading}>
          ${state.loading ? t('loading') : t('loadMore')}
        </button>
      </p>`
    }
  </section>`;
}

/** Ack (no more follow-ups for this alert) and snooze (follow-ups held until a time). */
function AlertActions({ t, lang, alert, onChange }) {
  const [error, setError] = useState();
  const act = async (path, body) => {
    setError(undefined);
    try {
      await api(`/v1/alerts/${encodeURIComponent(alert.id)}/${path}`, { method: 'POST', body });
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const snooze = (hours) => act('snooze', { until: new Date(Date.now() + hours * 3600_000).toISOString() });
  const snoozed = alert.snoozedUntil && Date.parse(alert.snoozedUntil) > Date.now();
  return html`<div class="alert-actions">
    ${
      alert.ackedAt
        ? html`<span class="badge">${t('acked')} · ${fmtTime(alert.ackedAt, lang)}</span>`
        : html`<button class="small" onClick=${() => act('ack', {})}>${t('ack')}</button>`
    }
    ${snoozed && html`<span class="badge">${t('snoozedUntil', { at: fmtTime(alert.snoozedUntil, lang) })}</span>`}
    <label
      >${`${t('snooze')} `}<select
        onChange=${(e) => {
          const h = Number(e.currentTarget.value);
          e.currentTarget.value = '';
          if (h > 0) snooze(h);
        }}
      >
        <option value="">—</option>
        <option value="1">1 ${t('hour')}</option>
        <option value="4">4 ${t('hours')}</option>
        <option value="24">24 ${t('hours')}</option>
      </select>
    </label>
    ${error && html`<${Failure} t=${t} error=${error} />`}
  </div>`;
}

function Sources({ t, lang }) {
  // Agency admins and the operator may read source health; the operator manages sources (API, /docs).
  const [state, reload] = useLoad(
    () => Promise.all([api('/v1/sources'), api('/v1/regions').catch(() => ({ items: [] }))]),
    [],
  );
  const items = state.data?.[0].items ?? [];
  // A regional outlet's region by name (the id when the list could not be read).
  const regionName = new Map((state.data?.[1].items ?? []).map((r) => [r.id, r.name]));
  return html`<section aria-labelledby="src-h">
    <h1 id="src-h">${t('sourcesTitle')}</h1>
    ${state.error && html`<${Failure} t=${t} error=${state.error} retry=${reload} />`}
    ${state.loading && !state.data && html`<p>${t('loading')}</p>`}
    ${state.data && items.length === 0 && html`<p class="empty">${t('sourcesEmpty')}</p>`}
    ${
      items.length > 0 &&
      html`<table class="sources">
        <thead>
          <tr>
            <th scope="col">${t('srcName')}</th>
            <th scope="col">${t('srcStatus')}</th>
            <th scope="col">${t('srcLastSuccess')}</th>
            <th scope="col">${t('srcItems')}</th>
            <th scope="col">${t('srcLag')}</th>
            <th scope="col">${t('srcError')}</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (s) =>
              html`<tr class="src-${s.status}">
                <td>
                  <strong>${s.name}</strong> <code>${s.kind}</code>
                  ${s.region && html` <span class="src-region">· ${`${t('srcRegion')} ${regionName.get(s.region) ?? s.region}`}</span>`}
                </td>
                <td>${t(`src_${s.status}`)}</td>
                <td>${s.lastSuccessAt ? fmtTime(s.lastSuccessAt, lang) : '—'}</td>
                <td>${s.itemsLastHour} / ${s.itemsTotal}</td>
                <td>${s.lagSeconds == null ? '—' : `${Math.round(s.lagSeconds / 60)} ${t('minutes')}`}</td>
                <td>${s.lastError ? html`<code>${s.lastError.code}</code> ${s.lastError.message}` : '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
  </section>`;
}

/** What a subscription sends to, as the API shows it (a Slack webhook URL only by its origin). */
function subscriptionTarget(s) {
  if (s.slackChannel) return s.slackChannel;
  if (s.chatId) return s.chatId;
  if (s.to) return s.to.join(', ');
  return s.url ?? '';
}

const CHANNELS = ['webhook', 'slack', 'telegram', 'email'];
const DIGESTS = ['none', 'hourly', 'daily'];
/** Indonesia's three time zones: quiet hours are kept in the agency's own local time. */
const TIME_ZONES = [
  ['Asia/Jakarta', 'WIB'],
  ['Asia/Makassar', 'WITA'],
  ['Asia/Jayapura', 'WIT'],
];
/** "Jam tenang: 22:00–06:00 WITA" (one string: the template would drop the spaces between parts). */
const quietHoursText = (t, q) =>
  `${t('subsQuiet')}: ${q.start}–${q.end} ${TIME_ZONES.find(([id]) => id === q.tz)?.[1] ?? q.tz}`;

function Subscriptions({ t }) {
  // Where the agency's alerts go: one subscription per channel target, optionally only about some
  // provinces or cities (GET /v1/regions lists them), in Bahasa Indonesia or English.
  const [state, reload] = useLoad(() => Promise.all([api('/v1/subscriptions'), api('/v1/regions')]), []);
  const [channel, setChannel] = useState('webhook');
  const [form, setForm] = useState({});
  const [regions, setRegions] = useState([]);
  const [language, setLanguage] = useState('id');
  // Digest and quiet hours: non-critical alerts are held and sent as one digest (critical ones never wait).
  const [digest, setDigest] = useState('none');
  const [quiet, setQuiet] = useState({ start: '', end: '', tz: 'Asia/Jakarta' });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState('');
  // The subscription being changed (PATCH: language, regions, digest, quiet hours; not its target).
  const [editing, setEditing] = useState(null);
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const text = (name) => (form[name] ?? '').trim();
  const resetForm = () => {
    setEditing(null);
    setForm({});
    setRegions([]);
    setLanguage('id');
    setDigest('none');
    setQuiet({ start: '', end: '', tz: 'Asia/Jakarta' });
  };
  const edit = (s) => {
    setError(null);
    setSaved('');
    setEditing(s);
    setRegions(s.regions ?? []);
    setLanguage(s.language ?? 'id');
    setDigest(s.digest ?? 'none');
    setQuiet(s.quietHours ?? { start: '', end: '', tz: 'Asia/Jakarta' });
  };
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setSaved('');
    if (editing) {
      try {
        await api(`/v1/subscriptions/${encodeURIComponent(editing.id)}`, {
          method: 'PATCH',
          body: {
            language,
            regions: regions.length ? regions : null,
            digest: digest !== 'none' ? digest : null,
            quietHours: quiet.start && quiet.end ? quiet : null,
          },
        });
        setSaved(t('subsSaved'));
        resetForm();
        reload();
      } catch (err) {
        setError(err);
      }
      return;
    }
    const options =
      channel === 'webhook'
        ? { url: text('url'), secret: text('secret') }
        : channel === 'slack'
          ? text('slackChannel')
            ? { slackChannel: text('slackChannel') }
            : { url: text('url') }
          : channel === 'telegram'
            ? { chatId: text('chatId') }
            : {
                to: text('to')
                  .split(/[\s,;]+/)
                  .filter(Boolean),
              };
    try {
      await api('/v1/subscriptions', {
        method: 'POST',
        body: {
          channel,
          ...options,
          language,
          ...(regions.length ? { regions } : {}),
          ...(digest !== 'none' ? { digest } : {}),
          ...(quiet.start && quiet.end ? { quietHours: quiet } : {}),
        },
      });
      setSaved(t('subsSaved'));
      resetForm();
      reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (id) => {
    setError(null);
    try {
      await api(`/v1/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
      reload();
    } catch (err) {
      setError(err);
    }
  };
  if (state.error)
    return html`<section>
      <h1>${t('subsTitle')}</h1>
      <${Failure} t=${t} error=${state.error} retry=${reload} />
    </section>`;
  if (!state.data) return html`<p>${t('loading')}</p>`;
  const [subs, regionList] = state.data;
  const regionName = new Map(regionList.items.map((r) => [r.id, r.name]));
  const input = (name, label, attrs = {}) =>
    html`<label
      >${label} <input name=${name} value=${form[name] ?? ''} onInput=${field(name)} ...${attrs}
    /></label>`;
  return html`<section aria-labelledby="subs-h">
    <h1 id="subs-h">${t('subsTitle')}</h1>
    <p>${t('subsHelp')}</p>
    <form class="editor" onSubmit=${save}>
      ${
        editing &&
        html`<p class="editing" role="status">
          ${t('subsEditing')}: <span class="badge">${t(`channel_${editing.channel}`)}</span>
          <code>${subscriptionTarget(editing)}</code>
        </p>`
      }
      ${
        !editing &&
        html`<label
          >${t('subsChannel')}
          <select name="channel" value=${channel} onChange=${(e) => setChannel(e.currentTarget.value)}>
            ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel_${c}`)}</option>`)}
          </select>
        </label>`
      }
      ${
        !editing &&
        channel === 'webhook' &&
        html`${input('url', t('subsUrl'), { type: 'url', required: true })}
        ${input('secret', t('subsSecret'), { minLength: 16, required: true })}`
      }
      ${
        !editing &&
        channel === 'slack' &&
        html`${input('url', t('subsSlackUrl'), { type: 'url' })}
        ${input('slackChannel', t('subsSlackChannel'), { pattern: '[CG][A-Z0-9]{8,20}' })}`
      }
      ${!editing && channel === 'telegram' && input('chatId', t('subsChatId'), { required: true })}
      ${!editing && channel === 'email' && input('to', t('subsTo'), { required: true })}
      <label
        >${t('subsLanguage')}
        <select name="language" value=${language} onChange=${(e) => setLanguage(e.currentTarget.value)}>
          <option value="id">Bahasa Indonesia</option>
          <option value="en">English</option>
        </select>
      </label>
      <label
        >${t('regions')}
        <select
          name="regions"
          multiple
          size="6"
          aria-describedby="subs-regions-help"
          onChange=${(e) => setRegions([...e.currentTarget.selectedOptions].map((o) => o.value))}
        >
          ${regionList.items.map(
            (r) =>
              html`<option value=${r.id} selected=${regions.includes(r.id)}>
                ${r.kind === 'city' ? `${r.name} (${regionName.get(r.province) ?? r.province})` : r.name}
              </option>`,
          )}
        </select>
      </label>
      <p id="subs-regions-help" class="help">${t('subsRegionsHelp')}</p>
      <label
        >${t('subsDigest')}
        <select name="digest" value=${digest} onChange=${(e) => setDigest(e.currentTarget.value)}>
          ${DIGESTS.map((d) => html`<option value=${d}>${t(`digest_${d}`)}</option>`)}
        </select>
      </label>
      <fieldset class="quiet-hours" aria-describedby="subs-quiet-help">
        <legend>${t('subsQuiet')}</legend>
        <label
          >${t('subsQuietStart')}
          <input
            type="time"
            name="quietStart"
            value=${quiet.start}
            required=${Boolean(quiet.end)}
            onInput=${(e) => setQuiet({ ...quiet, start: e.currentTarget.value })}
        /></label>
        <label
          >${t('subsQuietEnd')}
          <input
            type="time"
            name="quietEnd"
            value=${quiet.end}
            required=${Boolean(quiet.start)}
            onInput=${(e) => setQuiet({ ...quiet, end: e.currentTarget.value })}
        /></label>
        <label
          >${t('subsQuietTz')}
          <select
            name="quietTz"
            value=${quiet.tz}
            onChange=${(e) => setQuiet({ ...quiet, tz: e.currentTarget.value })}
          >
            ${TIME_ZONES.map(([id, name]) => html`<option value=${id}>${name} (${id})</option>`)}
          </select>
        </label>
      </fieldset>
      <p id="subs-quiet-help" class="help">${t('subsQuietHelp')}</p>
      <div aria-live="polite">
        ${error && html`<${Failure} t=${t} error=${error} />`}
        ${saved && html`<p class="ok" role="status">${saved}</p>`}
      </div>
      <button type="submit">${editing ? t('subsSaveChanges') : t('subsSave')}</button>
      ${editing && html`<button type="button" class="link" onClick=${resetForm}>${t('cancel')}</button>`}
    </form>
    ${subs.items.length === 0 && html`<p class="empty">${t('noSubs')}</p>`}
    <ul class="subscriptions">
      ${subs.items.map(
        (s) =>
          html`<li>
            <span class="badge">${t(`channel_${s.channel}`)}</span> <code>${subscriptionTarget(s)}</code>
            <span>${s.language === 'en' ? 'English' : 'Bahasa Indonesia'}</span>
            ${
              s.regions?.length
                ? html`<span
                    >${t('regions')}: ${s.regions.map((r) => regionName.get(r) ?? r).join(', ')}</span
                  >`
                : null
            }
            ${s.digest && s.digest !== 'none' ? html`<span>${t(`digest_${s.digest}`)}</span>` : null}
            ${s.quietHours ? html`<span>${quietHoursText(t, s.quietHours)}</span>` : null}
            <button
              class="link"
              onClick=${() => edit(s)}
              aria-label="${t('subsEdit')} ${subscriptionTarget(s)}"
            >
              ${t('subsEdit')}
            </button>
            <button
              class="link"
              onClick=${() => remove(s.id)}
              aria-label="${t('delete')} ${subscriptionTarget(s)}"
            >
              ${t('delete')}
            </button>
          </li>`,
      )}
    </ul>
  </section>`;
}

function Keys({ t, lang }) {
  // The agency's API keys (admins only; others see the API's 403 as a plain message). A new key's
  // secret is shown once, here, and never again.
  const [state, reload] = useLoad(() => api('/v1/agencies/me/keys'), []);
  const [role, setRole] = useState('analyst');
  const [label, setLabel] = useState('');
  const [made, setMade] = useState(null);
  const [error, setError] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { role, ...(label.trim() ? { label: label.trim() } : {}) };
      setMade(await api('/v1/agencies/me/keys', { method: 'POST', body }));
      setLabel('');
      reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id) => {
    setError(null);
    try {
      await api(`/v1/agencies/me/keys/${id}`, { method: 'DELETE' });
      reload();
    } catch (err) {
      setError(err);
    }
  };
  const keys = state.data?.keys ?? [];
  return html`<section aria-labelledby="keys-h">
    <h1 id="keys-h">${t('keysTitle')}</h1>
    <p>${t('keysHelp')}</p>
    ${state.error && html`<${Failure} t=${t} error=${state.error} retry=${reload} />`}
    ${
      state.data &&
      html`<form class="key-form" onSubmit=${create}>
          <label
            >${t('keyRole')}
            <select value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
              ${['analyst', 'automation', 'admin'].map(
                (r) => html`<option value=${r}>${t(`role_${r}`)}</option>`,
              )}
            </select>
          </label>
          <label
            >${t('keyLabel')}
            <input value=${label} maxlength="100" onInput=${(e) => setLabel(e.currentTarget.value)} />
          </label>
          <button type="submit">${t('keyCreate')}</button>
        </form>
        ${
          made &&
          html`<div class="new-key" role="status">
            <p>${t('keyShownOnce')}</p>
            <code class="secret">${made.apiKey}</code>
          </div>`
        }
        ${error && html`<${Failure} t=${t} error=${error} />`}
        <table class="keys">
          <thead>
            <tr>
              <th scope="col">${t('keyId')}</th>
              <th scope="col">${t('keyRole')}</th>
              <th scope="col">${t('keyLabel')}</th>
              <th scope="col">${t('keyCreated')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            ${keys.map(
              (k) =>
                html`<tr class=${k.revokedAt ? 'revoked' : ''}>
                  <td><code>${k.id}</code></td>
                  <td>${t(`role_${k.role}`)}</td>
                  <td>${k.label ?? '—'}</td>
                  <td>${fmtTime(k.createdAt, lang)}</td>
                  <td>
                    ${
                      k.revokedAt
                        ? t('keyRevokedAt').replace('{at}', fmtTime(k.revokedAt, lang))
                        : html`<button type="button" onClick=${() => revoke(k.id)}>${t('keyRevoke')}</button>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`;
}

function SignIn({ t, onSignedIn, toggle }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setError('');
    try {
      await api('/v1/issues?size=1', { key: key.trim() });
      session.set(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err.status === 401 ? t('badKey') : `${t('error')}: ${err.message}`);
    }
  };
  return html`<main class="signin">
    <form onSubmit=${submit} aria-labelledby="signin-h">
      <h1 id="signin-h">${t('signInTitle')}</h1>
      <p>${t('signInHelp')}</p>
      <label for="apikey">${t('apiKey')}</label>
      <input
        id="apikey"
        name="apikey"
        type="password"
        autocomplete="current-password"
        required
        value=${key}
        onInput=${(e) => setKey(e.currentTarget.value)}
      />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit">${t('signIn')}</button>
      <button type="button" class="link" onClick=${toggle} aria-label=${t('languageLabel')}>
        ${t('language')}
      </button>
    </form>
  </main>`;
}

function App() {
  const [lang, setLang] = useState(localStorage.getItem('pantau.lang') === 'en' ? 'en' : 'id');
  const [signedIn, setSignedIn] = useState(Boolean(session.key));
  const t = useMemo(() => translator(lang), [lang]);
  const route = useRoute();
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('pantau.lang', lang);
  }, [lang]);
  const toggle = () => setLang(lang === 'id' ? 'en' : 'id');
  if (!signedIn) return html`<${SignIn} t=${t} toggle=${toggle} onSignedIn=${() => setSignedIn(true)} />`;
  const [page, id] = route;
  const nav = [
    ['isu', 'navIssues'],
    ['cari', 'navSearch'],
    ['watchlist', 'navWatchlists'],
    ['peringatan', 'navAlerts'],
    ['langganan', 'navSubscriptions'],
    ['sumber', 'navSources'],
    ['kunci', 'navKeys'],
  ];
  let body;
  if (page === 'isu' && id) body = html`<${IssueDetail} t=${t} lang=${lang} id=${decodeURIComponent(id)} />`;
  else if (page === 'cari') body = html`<${Search} t=${t} lang=${lang} />`;
  else if (page === 'watchlist') body = html`<${Watchlists} t=${t} lang=${lang} />`;
  else if (page === 'peringatan') body = html`<${Alerts} t=${t} lang=${lang} />`;
  else if (page === 'langganan') body = html`<${Subscriptions} t=${t} />`;
  else if (page === 'sumber') body = html`<${Sources} t=${t} lang=${lang} />`;
  else if (page === 'kunci') body = html`<${Keys} t=${t} lang=${lang} />`;
  else body = html`<${Issues} t=${t} lang=${lang} />`;
  return html`<div class="shell">
    <header>
      <a class="brand" href="#/isu">${t('appName')}</a> <span class="tagline">${t('tagline')}</span>
      <nav aria-label="Pantau">
        ${nav.map(
          ([p, key]) =>
            html`<a href="#/${p}" aria-current=${(page ?? 'isu') === p ? 'page' : undefined}>${t(key)}</a>`,
        )}
      </nav>
      <button class="link" onClick=${toggle} aria-label=${t('languageLabel')}>${t('language')}</button>
      <button
        class="link"
        onClick=${() => {
          session.clear();
          setSignedIn(false);
        }}
      >
        ${t('signOut')}
      </button>
    </header>
    <main>${body}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
