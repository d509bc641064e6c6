/*
 * embed.c - a proxy's use of libingroute in miniature: load the manifests
 * of a directory, compile a router, route a few requests and look up a
 * certificate. Built against the installed library:
 *
 *   cc embed.c $(pkg-config --cflags --libs ingroute) -o embed
 *   cc embed.c $(pkg-config --static --cflags --libs ingroute) -static -o embed
 *   ./embed examples/manifests
 */
#include <stdio.h>
#include <string.h>
#include <ingroute.h>

static const char *const requests[][2] = {
	{ "shop.example.com", "/cart/42" },
	{ "shop.example.com", "/cart/checkout" },
	{ "SHOP.example.com:8080", "/static/app.js" },
	{ "api.example.com", "/v3" },
	{ "pr-481.preview.example.com", "/" },
	{ "admin.example.com", "/" },
};

static void print_match(const char *host, const char *path,
                        const ingroute_match *m)
{
	printf("%s%s -> %s", host, path,
	       m->decision == INGROUTE_DECISION_DEFAULT ? "default " : "");
	if (m->backend_kind == INGROUTE_BACKEND_SERVICE && m->port_name)
		printf("%s/%s:%s", m->backend_ns, m->service, m->port_name);
	else if (m->backend_kind == INGROUTE_BACKEND_SERVICE)
		printf("%s/%s:%d", m->backend_ns, m->service, m->port_number);
	else if (m->backend_kind == INGROUTE_BACKEND_RESOURCE)
		printf("resource %s/%s.%s/%s", m->backend_ns, m->resource_kind,
		       m->resource_api_group ? m->resource_api_group : "",
		       m->resource_name);
	else
		printf("404");
	if (m->ingress_name)
		printf(" (Ingress %s/%s)", m->ingress_ns, m->ingress_name);
	printf("\n");
}

int main(int argc, char **argv)
{
	ingroute_options opts = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs = NULL;
	ingroute_diags *diags = NULL;
	ingroute_router *router = NULL;
	ingroute_match m;
	ingroute_tls_match tls;
	size_t i;
	int rc;

	opts.ingress_class = "public";
	if (argc != 2 || ingroute_ruleset_new(&rs, &opts) != 0 ||
	    ingroute_diags_new(&diags, NULL) != 0) {
		fprintf(stderr, "usage: embed MANIFEST-DIR\n");
		return 2;
	}
	rc = ingroute_ruleset_load_path(rs, argv[1], diags);
	if (rc == 0)
		rc = ingroute_router_compile(&router, rs, diags);
	printf("libingroute %s: %lu Ingresses, %lu errors: %s\n",
	       ingroute_version_string(), (unsigned long)ingroute_ruleset_count(rs),
	       (unsigned long)ingroute_diags_count_severity(diags, INGROUTE_ERROR),
	       ingroute_strerror(rc));
	for (i = 0; rc == 0 && i < sizeof(requests) / sizeof(requests[0]); i++) {
		const char *host = requests[i][0], *path = requests[i][1];

		m.size = sizeof(m);
		rc = ingroute_router_match(router, host, strlen(host), path,
		                           strlen(path), &m);
		if (rc == 0)
			print_match(host, path, &m);
	}
	tls.size = sizeof(tls);
	if (rc == 0 && ingroute_router_tls(router, "pr-481.preview.example.com",
	                                   26, &tls) == 0 && tls.found)
		printf("tls pr-481.preview.example.com -> %s/%s\n", tls.secret_ns,
		       tls.secret_name);
	ingroute_router_unref(router);
	ingroute_diags_free(diags);
	ingroute_ruleset_free(rs);
	return rc != 0;
}
