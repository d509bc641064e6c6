/*
 * One text form for a routing answer, shared by the route spec tables and
 * the differential tests, so the router and the reference are compared as
 * the tables read:
 *   path BACKEND via NS/NAME RULEHOST TYPE RULEPATH
 *   default BACKEND via NS/NAME | default BACKEND via option | none
 */
#ifndef INGROUTE_ROUTEFMT_H
#define INGROUTE_ROUTEFMT_H

#include <stdio.h>
#include <string.h>

#include "ingroute.h"

static inline const char *fmt_type(int t)
{
	return t == 1 ? "Exact" : t == 2 ? "Prefix" : "ImplementationSpecific";
}

static inline void fmt_backend(char *b, size_t n, const char *ns, const char *svc,
                        int port, const char *port_name, const char *group,
                        const char *kind, const char *name)
{
	if (svc) {
		if (port_name)
			snprintf(b, n, "%s/%s:%s", ns, svc, port_name);
		else
			snprintf(b, n, "%s/%s:%d", ns, svc, port);
	} else {
		snprintf(b, n, "resource:%s/%s/%s", group ? group : "-", kind, name);
	}
}

static inline void fmt_match(char *out, size_t n, const ingroute_match *m)
{
	char be[600];

	if (m->decision == INGROUTE_DECISION_NONE) {
		snprintf(out, n, "none");
		return;
	}
	fmt_backend(be, sizeof(be), m->backend_ns, m->service, m->port_number,
	            m->port_name, m->resource_api_group, m->resource_kind,
	            m->resource_name);
	if (m->decision == INGROUTE_DECISION_PATH)
		snprintf(out, n, "path %s via %s/%s %s %s %s", be, m->ingress_ns,
		         m->ingress_name, *m->rule_host ? m->rule_host : "-",
		         fmt_type(m->path_type), m->rule_path);
	else if (m->ingress_ns)
		snprintf(out, n, "default %s via %s/%s", be, m->ingress_ns,
		         m->ingress_name);
	else
		snprintf(out, n, "default %s via option", be);
}

/* ingroute_router_route() for the same request without a Gateway: 1 when
 * its answer is m's field for field (docs/semantics.md §9.4), else 0 with
 * the first field that differs in *what. The request carries a method
 * and a random number, which the Ingresses must not read. */
static inline int route_agrees(const ingroute_router *r, const char *host,
                               size_t host_len, const char *path,
                               size_t path_len, const ingroute_match *m,
                               const char **what)
{
	ingroute_request req = INGROUTE_REQUEST_INIT;
	ingroute_route o;

#define ROUTE_SAME_STR(a, b) \
	if (!((a) == (b) || ((a) && (b) && strcmp((a), (b)) == 0))) { \
		*what = #a; \
		return 0; \
	}
#define ROUTE_SAME_INT(a, b) \
	if ((a) != (b)) { \
		*what = #a; \
		return 0; \
	}
	req.method = "POST";
	req.method_len = 4;
	req.host = host;
	req.host_len = host_len;
	req.path = path;
	req.path_len = path_len;
	req.random = 12345;
	memset(&o, 0x5a, sizeof(o));
	o.size = sizeof(o);
	if (ingroute_router_route(r, &req, &o) != 0) {
		*what = "return code";
		return 0;
	}
	ROUTE_SAME_INT(o.decision, m->decision);
	ROUTE_SAME_INT(o.backend_kind, m->backend_kind);
	ROUTE_SAME_STR(o.backend_ns, m->backend_ns);
	ROUTE_SAME_STR(o.service, m->service);
	ROUTE_SAME_INT(o.port_number, m->port_number);
	ROUTE_SAME_STR(o.port_name, m->port_name);
	ROUTE_SAME_STR(o.resource_api_group, m->resource_api_group);
	ROUTE_SAME_STR(o.resource_kind, m->resource_kind);
	ROUTE_SAME_STR(o.resource_name, m->resource_name);
	ROUTE_SAME_STR(o.route_ns, m->ingress_ns);
	ROUTE_SAME_STR(o.route_name, m->ingress_name);
	ROUTE_SAME_STR(o.rule_host, m->rule_host);
	ROUTE_SAME_STR(o.rule_path, m->rule_path);
	ROUTE_SAME_INT(o.path_type, m->path_type);
	ROUTE_SAME_INT(o.vhost_kind, m->vhost_kind);
	ROUTE_SAME_INT(o.default_source, m->default_source);
	ROUTE_SAME_INT(o.source, m->decision == INGROUTE_DECISION_NONE
	                         ? INGROUTE_SOURCE_NONE : INGROUTE_SOURCE_INGRESS);
	ROUTE_SAME_INT(o.status, m->decision == INGROUTE_DECISION_NONE ? 404 : 0);
	ROUTE_SAME_INT(o.filters, 0);
	ROUTE_SAME_INT(o.rule_index, -1);
	ROUTE_SAME_INT(o.backend_index, -1);
	if (o.gateway_ns || o.listener) {
		*what = "gateway_ns";
		return 0;
	}
#undef ROUTE_SAME_STR
#undef ROUTE_SAME_INT
	return 1;
}

#endif
