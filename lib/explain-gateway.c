/*
 * The Gateway API's part of ingroute_router_dump(): every listener of a
 * served Gateway, its virtual hosts in the order a request tries them,
 * and each one's matches in precedence order with their rule and
 * backends (docs/semantics.md §9.4).
 */
#include <string.h>

#include "gateway.h"
#include "router.h"

static void str_or_null(ig_buf *b, const char *s)
{
	if (s)
		ingroute__buf_json_cstr(b, s);
	else
		ingroute__buf_puts(b, "null");
}

static const char *match_type(int t)
{
	return t == IG_MT_EXACT ? "Exact" : t == IG_MT_PREFIX ? "PathPrefix"
	       : "RegularExpression";
}

static void values(ig_buf *b, const char *key, const ig_gvalue *v, uint32_t n)
{
	uint32_t i;

	ingroute__buf_printf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		ingroute__buf_puts(b, i ? ",{\"type\":" : "{\"type\":");
		ingroute__buf_json_cstr(b, match_type(v[i].type));
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json(b, v[i].name, v[i].name_len);
		ingroute__buf_puts(b, ",\"value\":");
		ingroute__buf_json(b, v[i].value, v[i].value_len);
		ingroute__buf_puts(b, "}");
	}
	ingroute__buf_puts(b, "]");
}

static void entry(ig_buf *b, const ig_gentry *e)
{
	const ig_gmatch *m = e->match;
	const ig_grule *r = e->rule;
	uint32_t i;

	ingroute__buf_puts(b, "{\"path\":{\"type\":");
	ingroute__buf_json_cstr(b, match_type(m->path_type));
	ingroute__buf_puts(b, ",\"value\":");
	ingroute__buf_json_cstr(b, m->path);
	ingroute__buf_puts(b, "},\"method\":");
	str_or_null(b, m->method);
	values(b, "headers", m->headers, m->nheaders);
	values(b, "queryParams", m->query, m->nquery);
	ingroute__buf_puts(b, ",\"route\":{\"namespace\":");
	ingroute__buf_json_cstr(b, r->route_ns);
	ingroute__buf_puts(b, ",\"name\":");
	ingroute__buf_json_cstr(b, r->route_name);
	ingroute__buf_printf(b, ",\"rule\":%u,\"match\":%d}", r->index,
	                     (int)e->match_index);
	ingroute__buf_puts(b, ",\"redirect\":");
	ingroute__buf_puts(b, r->redirect ? "true" : "false");
	ingroute__buf_printf(b, ",\"filters\":%u,\"backends\":[", r->nfilters);
	for (i = 0; i < r->nbackends; i++) {
		const ig_gbackend *g = &r->backends[i];

		ingroute__buf_puts(b, i ? ",{\"namespace\":" : "{\"namespace\":");
		ingroute__buf_json_cstr(b, g->ns);
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, g->name);
		ingroute__buf_printf(b, ",\"port\":%d,\"weight\":%u,\"resolved\":%s}",
		                     g->port, g->weight, g->resolved ? "true" : "false");
	}
	ingroute__buf_puts(b, "]}");
}

/* Why the request's Gateway has no listener here (docs/semantics.md
 * §9.3), as a JSON string. */
static void not_served(ig_buf *b, const ig_gwtab *t, const ingroute_request *req)
{
	uint32_t i;

	for (i = 0; t && i < t->nunserved; i++)
		if (strcmp(t->unserved[i].gw_ns, req->gateway_ns) == 0 &&
		    strcmp(t->unserved[i].gw_name, req->gateway_name) == 0) {
			ingroute__buf_json_cstr(b, t->unserved[i].why);
			return;
		}
	ingroute__buf_puts(b, "\"no such Gateway\"");
}

void ingroute__gw_dump(const ig_gwtab *t, ig_buf *b)
{
	uint32_t l, v, i;

	ingroute__buf_puts(b, ",\"gatewayListeners\":[");
	for (l = 0; t && l < t->nlisteners; l++) {
		const ig_glistener *li = &t->listeners[l];

		ingroute__buf_puts(b, l ? ",{\"gateway\":{\"namespace\":"
		                        : "{\"gateway\":{\"namespace\":");
		ingroute__buf_json_cstr(b, li->gw_ns);
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, li->gw_name);
		ingroute__buf_puts(b, "},\"listener\":");
		ingroute__buf_json_cstr(b, li->name);
		ingroute__buf_printf(b, ",\"port\":%d,\"hostname\":", li->port);
		str_or_null(b, li->hostname);
		ingroute__buf_puts(b, ",\"virtualHosts\":[");
		for (v = 0; v < li->nvhosts; v++) {
			const ig_gvhost *vh = &li->vhosts[v];

			ingroute__buf_puts(b, v ? ",{\"host\":" : "{\"host\":");
			if (vh->any)
				ingroute__buf_puts(b, "null");
			else
				ingroute__buf_json(b, vh->host, vh->host_len);
			ingroute__buf_puts(b, ",\"matches\":[");
			for (i = 0; i < vh->nentries; i++) {
				if (i)
					ingroute__buf_puts(b, ",");
				entry(b, &vh->entries[i]);
			}
			ingroute__buf_puts(b, "]}");
		}
		ingroute__buf_puts(b, "]}");
	}
	ingroute__buf_puts(b, "]");
}

/* ---- explain (docs/semantics.md §9.4): which listener, which virtual
 * hosts, every candidate's verdict, then the decision of the lookup */

static void json_match_of(ig_buf *b, const ig_gentry *e)
{
	ingroute__buf_puts(b, "{\"route\":{\"namespace\":");
	ingroute__buf_json_cstr(b, e->rule->route_ns);
	ingroute__buf_puts(b, ",\"name\":");
	ingroute__buf_json_cstr(b, e->rule->route_name);
	ingroute__buf_printf(b, ",\"rule\":%u,\"match\":%d},\"path\":{\"type\":",
	                     e->rule->index, (int)e->match_index);
	ingroute__buf_json_cstr(b, match_type(e->match->path_type));
	ingroute__buf_puts(b, ",\"value\":");
	ingroute__buf_json_cstr(b, e->match->path);
	ingroute__buf_puts(b, "},\"method\":");
	str_or_null(b, e->match->method);
	ingroute__buf_printf(b, ",\"headers\":%u,\"queryParams\":%u",
	                     e->match->nheaders, e->match->nquery);
}

void ingroute__gw_explain(const ig_gwtab *t, unsigned int flags,
                          const ingroute_request *req,
                          const ingroute_route *answer, ig_buf *b)
{
	char host[IG_GHOST_BUF], path[IG_GPATH_BUF];
	const ig_glistener *chosen;
	ig_greq q;
	uint32_t i, v;
	int found = 0;

	ingroute__greq_init(&q, req, flags, host, path);
	chosen = t ? ingroute__gw_listener(t, &q) : NULL;
	ingroute__buf_puts(b, "{\"request\":{\"method\":");
	ingroute__buf_json(b, req->method ? req->method : "", req->method_len);
	ingroute__buf_puts(b, ",\"host\":");
	ingroute__buf_json(b, req->host ? req->host : "", req->host_len);
	ingroute__buf_puts(b, ",\"path\":");
	ingroute__buf_json(b, req->path ? req->path : "", req->path_len);
	ingroute__buf_puts(b, ",\"normalizedHost\":");
	ingroute__buf_json(b, q.host, q.host_len);
	ingroute__buf_puts(b, ",\"normalizedPath\":");
	ingroute__buf_json(b, q.path_ok ? q.path : "", q.path_ok ? q.path_len : 0);
	ingroute__buf_puts(b, ",\"gateway\":{\"namespace\":");
	ingroute__buf_json_cstr(b, req->gateway_ns);
	ingroute__buf_puts(b, ",\"name\":");
	ingroute__buf_json_cstr(b, req->gateway_name);
	ingroute__buf_printf(b, "},\"port\":%u},\"listeners\":[", req->port);
	for (i = 0; t && i < t->nlisteners; i++) {
		const ig_glistener *l = &t->listeners[i];
		const char *verdict;

		if (strcmp(l->gw_ns, req->gateway_ns) != 0 ||
		    strcmp(l->gw_name, req->gateway_name) != 0)
			continue;
		verdict = l == chosen ? "chosen"
			: req->port && (unsigned int)l->port != req->port
			? "another port"
			: !ingroute__gw_listener_score(l, &q)
			? "its hostname does not cover the host"
			: "another listener's hostname covers the host better";
		ingroute__buf_puts(b, found++ ? ",{\"name\":" : "{\"name\":");
		ingroute__buf_json_cstr(b, l->name);
		ingroute__buf_printf(b, ",\"port\":%d,\"hostname\":", l->port);
		str_or_null(b, l->hostname);
		ingroute__buf_puts(b, ",\"verdict\":");
		ingroute__buf_json_cstr(b, verdict);
		ingroute__buf_puts(b, "}");
	}
	ingroute__buf_puts(b, "],\"notServed\":");
	if (found)
		ingroute__buf_puts(b, "null");
	else
		not_served(b, t, req);
	ingroute__buf_puts(b, ",\"virtualHosts\":[");
	found = 0;
	for (v = 0; chosen && v < chosen->nvhosts; v++) {
		const ig_gvhost *vh = &chosen->vhosts[v];
		int covers = ingroute__gw_vhost_covers(vh, &q);

		ingroute__buf_puts(b, v ? ",{\"host\":" : "{\"host\":");
		if (vh->any)
			ingroute__buf_puts(b, "null");
		else
			ingroute__buf_json(b, vh->host, vh->host_len);
		ingroute__buf_puts(b, ",\"serves\":");
		ingroute__buf_puts(b, covers ? "true" : "false");
		ingroute__buf_puts(b, ",\"candidates\":[");
		for (i = 0; covers && i < vh->nentries; i++) {
			const ig_gentry *e = &vh->entries[i];
			size_t covered;
			const char *name, *why = ingroute__gw_entry_verdict(e, &q, &covered,
			                                                     &name);

			if (i)
				ingroute__buf_puts(b, ",");
			json_match_of(b, e);
			ingroute__buf_puts(b, ",\"verdict\":");
			if (why && name)
				ingroute__buf_printf(b, "\"%s %s differs\"", why, name);
			else if (why)
				ingroute__buf_printf(b, "\"%s differs\"", why);
			else
				ingroute__buf_puts(b, found++ ? "\"matches, lower precedence\""
				                              : "\"matched\"");
			ingroute__buf_puts(b, "}");
		}
		ingroute__buf_puts(b, "]}");
	}
	ingroute__buf_printf(b, "],\"decision\":{\"status\":%d,\"backend\":",
	                     answer->status);
	if (answer->status == 0 && answer->service) {
		ingroute__buf_puts(b, "{\"namespace\":");
		ingroute__buf_json_cstr(b, answer->backend_ns);
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, answer->service);
		ingroute__buf_printf(b, ",\"port\":%d,\"weight\":%u}",
		                     answer->port_number, answer->weight);
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_puts(b, ",\"route\":");
	if (answer->route_name) {
		ingroute__buf_puts(b, "{\"namespace\":");
		ingroute__buf_json_cstr(b, answer->route_ns);
		ingroute__buf_puts(b, ",\"name\":");
		ingroute__buf_json_cstr(b, answer->route_name);
		ingroute__buf_printf(b, ",\"rule\":%d,\"match\":%d}",
		                     answer->rule_index, answer->match_index);
	} else {
		ingroute__buf_puts(b, "null");
	}
	ingroute__buf_printf(b, ",\"filters\":%zu}}", answer->filters);
}
