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

#endif
