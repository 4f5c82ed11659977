/**
 * The human-readable API page (`/api/docs`, the OGC landing page's `service-doc`): every operation
 * of the OpenAPI document with who may call it, its parameters and body, rendered on the server as
 * plain HTML (no script, so the page works under the site's Content-Security-Policy and offline).
 */

/** Chinese headings of the tags (the page is zh-CN first; descriptions come from the document, in English). */
const TAG_ZH: Record<string, string> = {
  system: '系统', auth: '登录与账号', layers: '图层与要素', features: '要素', edits: '编辑', stats: '统计', tiles: '矢量瓦片',
  ogc: 'OGC API – Features', exports: '导出', imports: '数据导入', selection: '智能选址', '3d': '三维', panoramas: '全景',
  tours: '园区导览', enquiries: '投资意向', portal: '招商门户',
};

function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function typeOf(schema: Record<string, unknown> | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items as Record<string, unknown>)}[]`;
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ''}..${schema.maximum ?? ''}` : '';
  return `${Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type ?? 'any'}${range}${schema.default !== undefined ? ` (default ${JSON.stringify(schema.default)})` : ''}`;
}

function bodyRows(schema: Record<string, unknown> | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = (schema?.required ?? []) as string[];
  return Object.entries(props)
    .map(([name, p]) => `<tr><td><code>${esc(name)}</code>${required.includes(name) ? ' *' : ''}</td><td>${esc(typeOf(p))}</td><td>${esc(p.description ?? '')}</td></tr>`)
    .join('');
}

/** HTML page listing every operation of an OpenAPI document, grouped by tag. */
export function apiDocsHtml(doc: Record<string, unknown>, openApiUrl: string): string {
  const info = doc.info as { title: string; version: string; description?: string };
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []) as { name: string; in: string; required?: boolean; description?: string; schema?: Record<string, unknown> }[];
      const content = (op.requestBody as { content?: Record<string, { schema?: Record<string, unknown> }> } | undefined)?.content;
      const body = content?.['application/json']?.schema;
      const access = op['x-access'];
      const rows = params.map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' *' : ''} <small>(${esc(p.in)})</small></td><td>${esc(typeOf(p.schema))}</td><td>${esc(p.description ?? '')}</td></tr>`).join('')
        + bodyRows(body);
      const html = `<section id="${esc(op.operationId)}"><h3><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary ?? '')}</p><p class="who">${esc(Array.isArray(access) ? `roles: ${access.join(', ')}` : access)}${content?.['multipart/form-data'] ? ' · multipart/form-data upload' : body ? ' · JSON body' : ''}</p>
${rows ? `<table><thead><tr><th>name</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>` : ''}</section>`;
      const tag = ((op.tags as string[] | undefined) ?? ['other'])[0];
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const tagInfo = new Map(((doc.tags ?? []) as { name: string; description?: string }[]).map((t) => [t.name, t.description ?? '']));
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(TAG_ZH[tag] ?? tag)} <small>${esc(tag)}</small></h2>`
    + `<p class="who">${esc(tagInfo.get(tag) ?? '')}</p>${ops.join('\n')}`).join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} · API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem}code{font-size:.95em}
section{border-top:1px solid #ddd;padding:.3rem 0}h3{margin:.5rem 0 .2rem;font-size:1rem}.m{display:inline-block;min-width:4.2em;font-weight:700}
.who{color:#555;margin:.2rem 0}table{border-collapse:collapse;width:100%;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}
nav{display:flex;flex-wrap:wrap;gap:.3rem .8rem}h2 small{color:#666;font-weight:400;font-size:.8em}</style></head>
<body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description ?? '')}</p>
<p>机器可读定义 Machine-readable definition: <a href="${esc(openApiUrl)}">OpenAPI 3.1</a> · OGC API – Features: <a href="/ogc">/ogc</a> · * = required</p>
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(TAG_ZH[t] ?? t)}</a>`).join('')}</nav>
${sections}
</body></html>`;
}
