/*
 * ngx_http_ingroute_module - route nginx traffic by Kubernetes Ingress rules
 * through libingroute.
 *
 * Copyright the ingroute authors. Licensed under the Apache License 2.0.
 *
 * Directives (http context):
 *
 *   ingroute_manifests PATH ...;          files or directories (*.yaml,
 *                                         *.yml, *.json); a relative PATH
 *                                         is relative to the directory of
 *                                         nginx.conf, as for include;
 *                                         repeatable
 *   ingroute_class NAME;                  serve only this IngressClass
 *   ingroute_default_class on|off;        NAME is the cluster default [off]
 *   ingroute_default_namespace NS;        for objects naming none [default]
 *   ingroute_impl_specific prefix|exact|string-prefix;             [prefix]
 *   ingroute_fallthrough on|off;          exact -> wildcard -> host-less [off]
 *   ingroute_default_backend NS/SVC:PORT; global default backend
 *   ingroute_strict on|off;               an invalid Ingress fails the
 *                                         configuration [on]; off: it is
 *                                         dropped, or on a reload keeps
 *                                         its last valid version
 *   ingroute_upstream_map FILE;           lines "NS/SERVICE:PORT ADDRESS";
 *                                         "* ADDRESS" for every other one
 *                                         (ADDRESS: HOST:PORT or the name
 *                                         of an upstream{} block)
 *   ingroute_max_input_bytes SIZE;        load limits of ingroute_options
 *   ingroute_max_depth N;                 (docs/semantics.md §1.5), at
 *   ingroute_max_nodes N;                 least 1; SIZE as nginx writes
 *   ingroute_max_alias_nodes N;           sizes (k, m, g) [the library's
 *   ingroute_max_alias_bytes SIZE;        defaults]; a change starts a
 *   ingroute_max_scalar_bytes SIZE;       fresh ruleset (below)
 *   ingroute_max_diagnostics N;
 *   ingroute_gateway NS/NAME;             serve this Gateway's HTTPRoutes
 *                                         (the Gateway API) instead of the
 *                                         Ingresses (below)
 *   ingroute_gateway_port N;              the listener port requests
 *                                         arrive at [0: every listener]
 *   ingroute_controller NAME;             serve only GatewayClasses of this
 *                                         controllerName
 *   ingroute_random_header NAME;          take the number that picks among
 *                                         weighted backends from this
 *                                         request header (for tests that
 *                                         need a known pick; a client
 *                                         could choose its backend with
 *                                         it) [a random number]
 *   ingroute_mirror URI;                  send each RequestMirror of the
 *                                         rule as a background subrequest
 *                                         to this internal location (below)
 *                                         [mirrors are not sent]
 *
 * The manifests are loaded, validated and compiled while the configuration
 * is read, so `nginx -t` reports every diagnostic as FILE:LINE:COL and a
 * broken manifest fails the test (and a reload: the running configuration
 * stays). `nginx -s reload` re-reads the manifests with the configuration.
 * The compiled router is immutable: it lives in the http main configuration
 * and is released by a cleanup of the configuration's pool. Workers only
 * ever use that router.
 *
 * Reloads with "ingroute_strict off" keep the last good version
 * (docs/semantics.md §1.6). The master keeps one ruleset across
 * configuration cycles, in module-static memory from malloc (a cycle's pool
 * dies with the cycle), and every (re)configuration reloads it with
 * ingroute_ruleset_reload_paths(): the manifests are the whole desired
 * state, so a deleted file takes its Ingresses away, but an Ingress whose
 * edited version is invalid keeps serving the version loaded before, and an
 * INGROUTE_D_KEPT error (a [warn], FILE:LINE:COL) says so. The ruleset
 * belongs to the directives that shape what a load reads: the
 * ingroute_manifests list, ingroute_class, ingroute_default_class,
 * ingroute_default_namespace and the ingroute_max_* limits (a ruleset's
 * options are fixed when it is made). When one of them changes, the
 * configuration starts from a fresh ruleset, which replaces the kept one
 * only once the new cycle has committed (init_module), so a configuration
 * that fails throws nothing away. The options a compile fixes
 * (ingroute_fallthrough, ingroute_impl_specific, ingroute_default_backend)
 * are applied per compile and never discard the kept versions. A
 * committed configuration with "ingroute_strict on" (or without manifests)
 * frees the kept ruleset: it reads fresh each time, as it always has, and
 * a later "off" must not resurrect versions from before it. `nginx -t`,
 * `nginx -s` and a new binary (USR2) are new processes with nothing kept:
 * they report the invalid version's own errors, and no INGROUTE_D_KEPT,
 * because there is no earlier version in them to keep.
 *
 * Variables, computed on first use and cached per request (one lookup per
 * request whatever the number of variables used):
 *
 *   $ingroute_decision      path | default | none
 *   $ingroute_backend       NS/SERVICE:PORT or resource:APIGROUP/KIND/NAME
 *   $ingroute_service       the Service name
 *   $ingroute_service_port  its port number or port name
 *   $ingroute_namespace     the backend's namespace
 *   $ingroute_ingress       NS/NAME of the Ingress that decided
 *   $ingroute_rule          "HOST TYPE PATH" of the rule (HOST "-" when the
 *                           rule has none), for decision path
 *   $ingroute_upstream      ADDRESS from ingroute_upstream_map, else
 *                           SERVICE.NS.svc.cluster.local:PORT (needs a
 *                           resolver), else (a named port, a resource
 *                           backend, no decision) empty
 *
 *   $ingroute_status        with ingroute_gateway: the status the
 *                           request is answered with by the module
 *                           itself (404, 500, a redirect's), else not
 *                           found
 *   $ingroute_location      a redirect's Location
 *   $ingroute_upstream_uri  the path and query to send upstream (a
 *                           URLRewrite's, else the request's, normalised)
 *   $ingroute_upstream_host the Host to send upstream (a URLRewrite's,
 *                           else the request's)
 *   $ingroute_route         NS/NAME of the Ingress or HTTPRoute
 *
 * Variables that do not apply are "not found" (empty in strings, "-" in
 * logs).
 *
 * With ingroute_gateway, each request goes through ingroute_router_route()
 * with its method, headers and query and a random number for weighted
 * backends (docs/semantics.md §9). The module answers 404 (no route), 500
 * (the rule's backend cannot be used) and redirects (with the Location
 * the library computes) itself, in the server rewrite phase; otherwise it
 * applies the rule's request header changes to the request it passes on,
 * and a header filter applies the response header changes. The location
 * proxies with
 *
 *     proxy_set_header Host $ingroute_upstream_host;
 *     proxy_pass http://$ingroute_upstream$ingroute_upstream_uri;
 *
 * With ingroute_mirror URI, each RequestMirror filter of the rule sends a
 * copy of the request, for its share of requests (a number drawn from the
 * request's random number and the mirror's place, apart from the backend
 * pick), as a background subrequest to URI, whose answer is dropped:
 * nginx's own mirror{} names a static location, this one sets the
 * mirror's backend per request. In that location the variables are
 * the mirror's: $ingroute_upstream its upstream, $ingroute_upstream_uri and
 * $ingroute_upstream_host the request's after the rule's filters; the
 * request headers are those the rule's header changes produced. The copy
 * carries no body:
 *
 *     location = /_ingroute_mirror {
 *         internal;
 *         proxy_pass_request_body off;
 *         proxy_set_header Content-Length "";
 *         proxy_set_header Host $ingroute_upstream_host;
 *         proxy_pass http://$ingroute_upstream$ingroute_upstream_uri;
 *     }
 *
 * What is matched: the Host is r->headers_in.server (nginx has already
 * validated it, lowercased it and dropped the port and one trailing dot;
 * from the request line for an absolute-form target), the path is
 * r->unparsed_uri, the request target exactly as the client sent it, and
 * the library normalises it as docs/semantics.md §4 says (unreserved
 * escapes only, so %2F stays encoded; dot segments; runs of '/'). r->uri
 * would be nginx's own normalisation, which also decodes %2F and every
 * other escape: matching on it would route /a%2Fb like /a/b, which Ingress
 * controllers and the library do not. Internal redirects and rewrites do
 * not change the answer.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ingroute.h>


/*
 * A ruleset that outlives configuration cycles ("ingroute_strict off"), and
 * the directives it was made for. Both are malloc()ed: every cycle pool is
 * gone by the time a later cycle needs them.
 */
typedef struct {
    ingroute_ruleset     *rs;
    u_char               *key;
    size_t                key_len;
} ngx_http_ingroute_state_t;


typedef struct {
    ngx_array_t          *manifests;       /* ngx_str_t, full paths */
    ngx_str_t             manifests_file;  /* where the first directive is */
    ngx_uint_t            manifests_line;
    ngx_str_t             ingress_class;
    ngx_str_t             default_namespace;
    ngx_str_t             default_backend;
    ngx_flag_t            default_class;
    ngx_flag_t            fallthrough;
    ngx_flag_t            strict;
    ngx_uint_t            impl_specific;

    /* the load limits; unset (0 once initialised): the library's default */
    off_t                 max_input_bytes;
    off_t                 max_alias_bytes;
    off_t                 max_scalar_bytes;
    ngx_int_t             max_depth;
    ngx_int_t             max_nodes;
    ngx_int_t             max_alias_nodes;
    ngx_int_t             max_diagnostics;

    ngx_str_t             gateway;         /* "NS/NAME" */
    ngx_str_t             controller;
    ngx_str_t             random_header;
    ngx_str_t             mirror;          /* an internal location's URI */
    ngx_int_t             gateway_port;
    u_char               *gateway_ns;      /* NUL-terminated halves */
    u_char               *gateway_name;

    ngx_str_t             map_file;
    ngx_hash_t            map;             /* "NS/SVC:PORT" -> ngx_str_t * */
    ngx_str_t            *map_default;     /* the "*" line */
    ngx_uint_t            map_used;

    ingroute_router      *router;

    /* a new state, this cycle's until init_module commits it */
    ngx_http_ingroute_state_t  pending;
} ngx_http_ingroute_main_conf_t;


typedef struct {
    ingroute_route        m;
    ingroute_request      q;
    ngx_http_request_t   *r;
    ngx_uint_t            handled;   /* the rewrite handler acted on it */
} ngx_http_ingroute_ctx_t;


enum {
    NGX_HTTP_INGROUTE_VAR_DECISION = 0,
    NGX_HTTP_INGROUTE_VAR_BACKEND,
    NGX_HTTP_INGROUTE_VAR_SERVICE,
    NGX_HTTP_INGROUTE_VAR_SERVICE_PORT,
    NGX_HTTP_INGROUTE_VAR_NAMESPACE,
    NGX_HTTP_INGROUTE_VAR_INGRESS,
    NGX_HTTP_INGROUTE_VAR_RULE,
    NGX_HTTP_INGROUTE_VAR_UPSTREAM,
    NGX_HTTP_INGROUTE_VAR_STATUS,
    NGX_HTTP_INGROUTE_VAR_LOCATION,
    NGX_HTTP_INGROUTE_VAR_UPSTREAM_URI,
    NGX_HTTP_INGROUTE_VAR_UPSTREAM_HOST,
    NGX_HTTP_INGROUTE_VAR_ROUTE
};


static ngx_int_t ngx_http_ingroute_add_variables(ngx_conf_t *cf);
static void *ngx_http_ingroute_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_ingroute_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_http_ingroute_manifests(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ingroute_default_backend(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static void ngx_http_ingroute_log_options(ngx_conf_t *cf,
    const ingroute_options *opts);
static char *ngx_http_ingroute_upstream_map(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_ingroute_check_bytes(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_ingroute_check_count(ngx_conf_t *cf, void *post,
    void *data);
static ngx_int_t ngx_http_ingroute_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_ingroute_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_ingroute_postconfiguration(ngx_conf_t *cf);
static void ngx_http_ingroute_exit(ngx_cycle_t *cycle);


/*
 * The state of the configuration that serves: set when a cycle commits
 * (init_module), read by the next (re)configuration. Only the master
 * process uses it; workers inherit a copy with fork() and only free it when
 * they exit: they route with their cycle's router.
 */
static ngx_http_ingroute_state_t  ngx_http_ingroute_kept;


static ngx_conf_enum_t  ngx_http_ingroute_impl_modes[] = {
    { ngx_string("prefix"), INGROUTE_IMPL_PREFIX },
    { ngx_string("exact"), INGROUTE_IMPL_EXACT },
    { ngx_string("string-prefix"), INGROUTE_IMPL_STRING_PREFIX },
    { ngx_null_string, 0 }
};


/*
 * A limit of 0 would be the library's default, not the limit written, and
 * a negative one is no limit at all: both are refused.
 */
static ngx_conf_post_t  ngx_http_ingroute_bytes_post =
    { ngx_http_ingroute_check_bytes };

static ngx_conf_post_t  ngx_http_ingroute_count_post =
    { ngx_http_ingroute_check_count };


static ngx_command_t  ngx_http_ingroute_commands[] = {

    { ngx_string("ingroute_manifests"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_ingroute_manifests,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ingroute_class"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, ingress_class),
      NULL },

    { ngx_string("ingroute_default_class"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, default_class),
      NULL },

    { ngx_string("ingroute_default_namespace"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, default_namespace),
      NULL },

    { ngx_string("ingroute_impl_specific"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, impl_specific),
      &ngx_http_ingroute_impl_modes },

    { ngx_string("ingroute_fallthrough"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, fallthrough),
      NULL },

    { ngx_string("ingroute_strict"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, strict),
      NULL },

    { ngx_string("ingroute_default_backend"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_ingroute_default_backend,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ingroute_upstream_map"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_ingroute_upstream_map,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    /* sizes as for client_max_body_size: ngx_parse_size() has no "g" */
    { ngx_string("ingroute_gateway"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, gateway),
      NULL },

    { ngx_string("ingroute_gateway_port"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, gateway_port),
      NULL },

    { ngx_string("ingroute_controller"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, controller),
      NULL },

    { ngx_string("ingroute_random_header"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, random_header),
      NULL },

    { ngx_string("ingroute_mirror"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, mirror),
      NULL },

    { ngx_string("ingroute_max_input_bytes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_off_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_input_bytes),
      &ngx_http_ingroute_bytes_post },

    { ngx_string("ingroute_max_depth"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_depth),
      &ngx_http_ingroute_count_post },

    { ngx_string("ingroute_max_nodes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_nodes),
      &ngx_http_ingroute_count_post },

    { ngx_string("ingroute_max_alias_nodes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_alias_nodes),
      &ngx_http_ingroute_count_post },

    { ngx_string("ingroute_max_alias_bytes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_off_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_alias_bytes),
      &ngx_http_ingroute_bytes_post },

    { ngx_string("ingroute_max_scalar_bytes"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_off_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_scalar_bytes),
      &ngx_http_ingroute_bytes_post },

    { ngx_string("ingroute_max_diagnostics"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_ingroute_main_conf_t, max_diagnostics),
      &ngx_http_ingroute_count_post },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_ingroute_module_ctx = {
    ngx_http_ingroute_add_variables,        /* preconfiguration */
    ngx_http_ingroute_postconfiguration,    /* postconfiguration */

    ngx_http_ingroute_create_main_conf,     /* create main configuration */
    ngx_http_ingroute_init_main_conf,       /* init main configuration */

    NULL,                                   /* create server configuration */
    NULL,                                   /* merge server configuration */

    NULL,                                   /* create location configuration */
    NULL                                    /* merge location configuration */
};


ngx_module_t  ngx_http_ingroute_module = {
    NGX_MODULE_V1,
    &ngx_http_ingroute_module_ctx,          /* module context */
    ngx_http_ingroute_commands,             /* module directives */
    NGX_HTTP_MODULE,                        /* module type */
    NULL,                                   /* init master */
    ngx_http_ingroute_init_module,          /* init module */
    NULL,                                   /* init process */
    NULL,                                   /* init thread */
    NULL,                                   /* exit thread */
    ngx_http_ingroute_exit,                 /* exit process */
    ngx_http_ingroute_exit,                 /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_ingroute_vars[] = {

    { ngx_string("ingroute_decision"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_DECISION, 0, 0 },

    { ngx_string("ingroute_backend"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_BACKEND, 0, 0 },

    { ngx_string("ingroute_service"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_SERVICE, 0, 0 },

    { ngx_string("ingroute_service_port"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_SERVICE_PORT, 0, 0 },

    { ngx_string("ingroute_namespace"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_NAMESPACE, 0, 0 },

    { ngx_string("ingroute_ingress"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_INGRESS, 0, 0 },

    { ngx_string("ingroute_rule"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_RULE, 0, 0 },

    { ngx_string("ingroute_status"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ingroute_location"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_LOCATION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ingroute_upstream_uri"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_UPSTREAM_URI, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ingroute_upstream_host"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_UPSTREAM_HOST, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ingroute_route"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_ROUTE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ingroute_upstream"), NULL, ngx_http_ingroute_variable,
      NGX_HTTP_INGROUTE_VAR_UPSTREAM, 0, 0 },

      ngx_http_null_variable
};


/* ------------------------------------------------------------ configuration */

static void *
ngx_http_ingroute_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_ingroute_main_conf_t  *imcf;

    imcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_ingroute_main_conf_t));
    if (imcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     imcf->manifests = NULL;
     *     imcf->ingress_class = { 0, NULL };
     *     imcf->default_namespace = { 0, NULL };
     *     imcf->default_backend = { 0, NULL };
     *     imcf->map_file = { 0, NULL };
     *     imcf->map_default = NULL;
     *     imcf->router = NULL;
     *     imcf->pending = { NULL, NULL, 0 };
     */

    imcf->default_class = NGX_CONF_UNSET;
    imcf->fallthrough = NGX_CONF_UNSET;
    imcf->strict = NGX_CONF_UNSET;
    imcf->impl_specific = NGX_CONF_UNSET_UINT;
    imcf->max_input_bytes = NGX_CONF_UNSET;
    imcf->max_alias_bytes = NGX_CONF_UNSET;
    imcf->max_scalar_bytes = NGX_CONF_UNSET;
    imcf->max_depth = NGX_CONF_UNSET;
    imcf->max_nodes = NGX_CONF_UNSET;
    imcf->max_alias_nodes = NGX_CONF_UNSET;
    imcf->max_diagnostics = NGX_CONF_UNSET;
    imcf->gateway_port = NGX_CONF_UNSET;

    return imcf;
}


static char *
ngx_http_ingroute_check_bytes(ngx_conf_t *cf, void *post, void *data)
{
    off_t  *op = data;

    ngx_str_t  *value;

    value = cf->args->elts;

    if (*op < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\" directive, it "
                           "must be at least 1", &value[1], &value[0]);
        return NGX_CONF_ERROR;
    }

    /* a size_t is narrower than off_t on 32-bit systems */
    if ((uint64_t) *op > (uint64_t) NGX_MAX_SIZE_T_VALUE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\" directive, it "
                           "must be at most %uz", &value[1], &value[0],
                           (size_t) NGX_MAX_SIZE_T_VALUE);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_ingroute_check_count(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *np = data;

    ngx_str_t  *value;

    if (*np >= 1) {
        return NGX_CONF_OK;
    }

    value = cf->args->elts;

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"%V\" directive, it must "
                       "be at least 1", &value[1], &value[0]);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_ingroute_manifests(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ingroute_main_conf_t *imcf = conf;

    ngx_str_t   *value, *path;
    ngx_uint_t   i;

    if (imcf->manifests == NULL) {
        imcf->manifests = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (imcf->manifests == NULL) {
            return NGX_CONF_ERROR;
        }

        /* remembered so that diagnostics point at this directive */
        imcf->manifests_file = cf->conf_file->file.name;
        imcf->manifests_line = cf->conf_file->line;
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        path = ngx_array_push(imcf->manifests);
        if (path == NULL) {
            return NGX_CONF_ERROR;
        }

        *path = value[i];

        /* relative to the configuration prefix; NUL-terminated either way */
        if (ngx_conf_full_name(cf->cycle, path, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * Logs what the library refuses in the options, one line per option,
 * under the directive that set it:
 * "ingroute_default_namespace: Invalid value: "Team_A": a lowercase ...".
 */
static void
ngx_http_ingroute_log_options(ngx_conf_t *cf, const ingroute_options *opts)
{
    static const struct {
        const char  *field;
        const char  *directive;
    } names[] = {
        { "ingress_class", "ingroute_class" },
        { "default_namespace", "ingroute_default_namespace" },
        { "impl_specific", "ingroute_impl_specific" },
        { "default_backend", "ingroute_default_backend" },
    };

    size_t           i, k;
    const char      *name;
    ingroute_diag    dg;
    ingroute_diags  *d;

    if (ingroute_diags_new(&d, NULL) != INGROUTE_OK) {
        return;
    }

    (void) ingroute_options_check(opts, d);

    for (i = 0; i < ingroute_diags_count(d); i++) {
        dg.size = sizeof(dg);
        if (ingroute_diags_get(d, i, &dg) != INGROUTE_OK) {
            continue;
        }

        name = dg.field ? dg.field : "options";
        for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            if (dg.field && ngx_strcmp(dg.field, names[k].field) == 0) {
                name = names[k].directive;
            }
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %s", name, dg.message);
    }

    ingroute_diags_free(d);
}


static char *
ngx_http_ingroute_default_backend(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_ingroute_main_conf_t *imcf = conf;

    ngx_str_t         *value;
    ingroute_options   opts = INGROUTE_OPTIONS_INIT;

    if (imcf->default_backend.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    /* the library is the judge, and says what is wrong */
    opts.default_backend = (const char *) value[1].data;

    if (ingroute_options_check(&opts, NULL) != INGROUTE_OK) {
        ngx_http_ingroute_log_options(cf, &opts);
        return NGX_CONF_ERROR;
    }

    imcf->default_backend = value[1];

    return NGX_CONF_OK;
}


/*
 * ingroute_upstream_map FILE: one mapping per line, "NS/SERVICE:PORT
 * ADDRESS" (PORT of the key a number or a port name), "* ADDRESS" for every
 * backend not listed; '#' starts a comment. ADDRESS is what proxy_pass
 * http://$ingroute_upstream gets: HOST:PORT, or the name of an upstream{}
 * block (for keepalive connections to the backends).
 */
static char *
ngx_http_ingroute_upstream_map(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ingroute_main_conf_t *imcf = conf;

    u_char                  *p, *end, *eol, *k, *kend, *a, *aend;
    size_t                   max_key;
    ssize_t                  n;
    ngx_fd_t                 fd;
    ngx_str_t               *value, name, key, *addr;
    ngx_int_t                rc;
    ngx_uint_t               line;
    ngx_file_info_t          fi;
    ngx_hash_init_t          hinit;
    ngx_hash_keys_arrays_t   keys;

    if (imcf->map_file.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", &name);
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->temp_pool, (size_t) ngx_file_size(&fi) + 1);
    if (p == NULL) {
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_fd(fd, p, (size_t) ngx_file_size(&fi));
    ngx_close_file(fd);

    if (n == -1 || n != (ssize_t) ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    end = p + n;

    keys.pool = cf->pool;
    keys.temp_pool = cf->temp_pool;

    if (ngx_hash_keys_array_init(&keys, NGX_HASH_LARGE) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    max_key = 0;

    for (line = 1; p < end; line++, p = eol + 1) {
        eol = ngx_strlchr(p, end, '\n');
        if (eol == NULL) {
            eol = end;
        }

        k = p;
        while (k < eol && (*k == ' ' || *k == '\t' || *k == '\r')) { k++; }
        if (k == eol || *k == '#') {
            continue;
        }

        kend = k;
        while (kend < eol && *kend != ' ' && *kend != '\t') { kend++; }

        a = kend;
        while (a < eol && (*a == ' ' || *a == '\t')) { a++; }

        aend = a;
        while (aend < eol && *aend != ' ' && *aend != '\t' && *aend != '\r'
               && *aend != '#')
        {
            aend++;
        }

        p = aend;
        while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r')) { p++; }

        if (a == aend || (p != eol && *p != '#')
            || (kend - k != 1
                && (ngx_strlchr(k, kend, '/') == NULL
                    || ngx_strlchr(k, kend, ':') == NULL))
            || (kend - k == 1 && *k != '*'))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V:%ui: expected \"NAMESPACE/SERVICE:PORT "
                               "ADDRESS\" or \"* ADDRESS\"",
                               &name, line);
            return NGX_CONF_ERROR;
        }

        addr = ngx_palloc(cf->pool, sizeof(ngx_str_t));
        if (addr == NULL) {
            return NGX_CONF_ERROR;
        }

        addr->len = aend - a;
        addr->data = ngx_pnalloc(cf->pool, addr->len);
        if (addr->data == NULL) {
            return NGX_CONF_ERROR;
        }
        ngx_memcpy(addr->data, a, addr->len);

        if (kend - k == 1 && *k == '*') {
            if (imcf->map_default != NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "%V:%ui: duplicate \"*\"", &name, line);
                return NGX_CONF_ERROR;
            }
            imcf->map_default = addr;
            continue;
        }

        key.len = kend - k;
        key.data = k;

        rc = ngx_hash_add_key(&keys, &key, addr, NGX_HASH_READONLY_KEY);
        if (rc == NGX_BUSY) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V:%ui: duplicate \"%V\"", &name, line, &key);
            return NGX_CONF_ERROR;
        }
        if (rc != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (key.len > max_key) {
            max_key = key.len;
        }
    }

    hinit.hash = &imcf->map;
    hinit.key = ngx_hash_key;
    hinit.max_size = ngx_max(1024, keys.keys.nelts * 2);
    hinit.bucket_size = ngx_align(ngx_max(128, 4 * sizeof(void *) + max_key),
                                  ngx_cacheline_size);
    hinit.name = "ingroute_upstream_map_hash";
    hinit.pool = cf->pool;
    hinit.temp_pool = NULL;

    if (ngx_hash_init(&hinit, keys.keys.elts, keys.keys.nelts) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    imcf->map_file = name;
    imcf->map_used = 1;

    return NGX_CONF_OK;
}


static void
ngx_http_ingroute_cleanup(void *data)
{
    ingroute_router_unref(data);
}


static void
ngx_http_ingroute_state_free(ngx_http_ingroute_state_t *st)
{
    ingroute_ruleset_free(st->rs);

    if (st->key != NULL) {
        ngx_free(st->key);
    }

    st->rs = NULL;
    st->key = NULL;
    st->key_len = 0;
}


/*
 * A configuration that failed never committed and still owns its pending
 * state; a committed one gave it to ngx_http_ingroute_kept, and this finds
 * nothing when its pool goes.
 */
static void
ngx_http_ingroute_pending_cleanup(void *data)
{
    ngx_http_ingroute_main_conf_t *imcf = data;

    ngx_http_ingroute_state_free(&imcf->pending);
}


/*
 * The directives a load depends on, as one string: a kept ruleset is reused
 * only for the same manifests (full paths, in order), class, default class,
 * default namespace and limits. Each string is prefixed by its length so
 * that no two directive sets give the same key.
 */
static ngx_int_t
ngx_http_ingroute_state_key(ngx_conf_t *cf,
    ngx_http_ingroute_main_conf_t *imcf, ngx_str_t *key)
{
    u_char      *p;
    size_t       len;
    ngx_str_t   *path, *s[3];
    ngx_uint_t   i;

    path = imcf->manifests->elts;
    s[0] = &imcf->ingress_class;
    s[1] = &imcf->default_namespace;
    s[2] = &imcf->controller;

    len = NGX_INT_T_LEN + 1;
    for (i = 0; i < imcf->manifests->nelts; i++) {
        len += NGX_SIZE_T_LEN + 1 + path[i].len;
    }
    for (i = 0; i < 3; i++) {
        len += NGX_SIZE_T_LEN + 1 + s[i]->len;
    }
    len += NGX_INT_T_LEN + 3 * (1 + NGX_OFF_T_LEN) + 4 * (1 + NGX_INT_T_LEN);

    key->data = ngx_pnalloc(cf->temp_pool, len);
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(key->data, "%ui:", imcf->manifests->nelts);
    for (i = 0; i < imcf->manifests->nelts; i++) {
        p = ngx_sprintf(p, "%uz:%V", path[i].len, &path[i]);
    }

    /* an unset string differs from an empty one: "-" has no length */
    for (i = 0; i < 3; i++) {
        if (s[i]->data == NULL) {
            *p++ = '-';
        } else {
            p = ngx_sprintf(p, "%uz:%V", s[i]->len, s[i]);
        }
    }

    p = ngx_sprintf(p, "%i", imcf->default_class);

    /* the limits as set: 0 (the default) differs from the default's value
     * written out, which at worst starts one reload afresh */
    p = ngx_sprintf(p, ":%O:%O:%O:%i:%i:%i:%i",
                    imcf->max_input_bytes, imcf->max_alias_bytes,
                    imcf->max_scalar_bytes, imcf->max_depth, imcf->max_nodes,
                    imcf->max_alias_nodes, imcf->max_diagnostics);

    key->len = p - key->data;

    return NGX_OK;
}


/*
 * The ruleset this configuration reloads: the kept one when the directives
 * a load depends on are unchanged, else a new one, pending until the cycle
 * commits.
 *
 * The kept ruleset is reloaded in place, before the cycle is known to
 * succeed: the library has no way to stage a reload and roll it back. So
 * when the configuration fails after this (a later directive, a listen
 * socket), the old cycle keeps serving its router while the ruleset holds
 * what this reload read. That is deliberate: the next reload reads every
 * file again and makes the ruleset hold exactly them, so all this leaves
 * behind is which version of an object counts as its last valid one, and a
 * valid version the operator wrote is that, served yet or not (the API
 * server, too, keeps the last valid version it accepted). A new ruleset is
 * another matter: it replaces the kept one only on commit, so that a failed
 * change of directives does not throw the kept versions away.
 */
static ingroute_ruleset *
ngx_http_ingroute_state_ruleset(ngx_conf_t *cf,
    ngx_http_ingroute_main_conf_t *imcf, const ingroute_options *opts)
{
    int                  rc;
    ngx_str_t            key;
    ngx_pool_cleanup_t  *cln;

    if (ngx_http_ingroute_state_key(cf, imcf, &key) != NGX_OK) {
        return NULL;
    }

    if (ngx_http_ingroute_kept.rs != NULL
        && ngx_http_ingroute_kept.key_len == key.len
        && ngx_memcmp(ngx_http_ingroute_kept.key, key.data, key.len) == 0)
    {
        return ngx_http_ingroute_kept.rs;
    }

    /* registered first, so that every way out below frees what was made */
    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_ingroute_pending_cleanup;
    cln->data = imcf;

    imcf->pending.key = ngx_alloc(key.len, cf->log);
    if (imcf->pending.key == NULL) {
        return NULL;
    }

    ngx_memcpy(imcf->pending.key, key.data, key.len);
    imcf->pending.key_len = key.len;

    rc = ingroute_ruleset_new(&imcf->pending.rs, opts);
    if (rc != INGROUTE_OK) {
        ngx_http_ingroute_log_options(cf, opts);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "ingroute: cannot create a ruleset: %s",
                           ingroute_strerror(rc));
        return NULL;
    }

    if (ngx_http_ingroute_kept.rs != NULL) {
        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                           "ingroute: the manifests, class, namespace or "
                           "limits changed: no earlier versions are kept");
    }

    return imcf->pending.rs;
}


/*
 * The commit point of a cycle: nginx calls init_module once nothing about
 * the new configuration can fail any more. The state the committed
 * configuration uses becomes the kept one.
 */
static ngx_int_t
ngx_http_ingroute_init_module(ngx_cycle_t *cycle)
{
    ngx_http_ingroute_main_conf_t  *imcf;

    imcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_ingroute_module);

    if (imcf == NULL || imcf->manifests == NULL || imcf->strict) {
        /*
         * Nothing of it is used now; kept, it would go stale and a later
         * "ingroute_strict off" would bring back versions older than what
         * served in between.
         */
        ngx_http_ingroute_state_free(&ngx_http_ingroute_kept);
        return NGX_OK;
    }

    if (imcf->pending.rs != NULL) {
        ngx_http_ingroute_state_free(&ngx_http_ingroute_kept);
        ngx_http_ingroute_kept = imcf->pending;
        ngx_memzero(&imcf->pending, sizeof(ngx_http_ingroute_state_t));
    }

    return NGX_OK;
}


/*
 * The master's state, and a worker's copy of it from fork(), which the
 * worker never used: freed before nginx unloads the module with the cycle's
 * pool and takes the only pointer to them along.
 */
static void
ngx_http_ingroute_exit(ngx_cycle_t *cycle)
{
    ngx_http_ingroute_state_free(&ngx_http_ingroute_kept);
}


/*
 * Logs every diagnostic with ngx_conf_log_error() and returns the number of
 * errors; *kept gets the number of INGROUTE_D_KEPT errors among them.
 */
static ngx_uint_t
ngx_http_ingroute_log_diags(ngx_conf_t *cf,
    ngx_http_ingroute_main_conf_t *imcf, ingroute_diags *diags,
    ngx_uint_t fatal, ngx_uint_t *kept)
{
    size_t            i, count, len;
    u_char            buf[1024], *line;
    ngx_uint_t        errors, level;
    ingroute_diag     d;

    errors = 0;
    *kept = 0;
    count = ingroute_diags_count(diags);

    for (i = 0; i < count; i++) {
        d.size = sizeof(ingroute_diag);
        if (ingroute_diags_get(diags, i, &d) != INGROUTE_OK) {
            continue;
        }

        switch (d.severity) {
        case INGROUTE_ERROR:
            errors++;
            if (d.code == INGROUTE_D_KEPT) {
                (*kept)++;
            }
            level = (imcf->strict || fatal) ? NGX_LOG_EMERG : NGX_LOG_WARN;
            break;
        case INGROUTE_WARNING:
            level = NGX_LOG_WARN;
            break;
        default:
            /* skipped kinds, classes, replacements: not worth a line */
            level = NGX_LOG_INFO;
            break;
        }

        line = buf;
        len = ingroute_diags_format(diags, i, (char *) buf, sizeof(buf));
        if (len >= sizeof(buf)) {
            line = ngx_alloc(len + 1, cf->log);
            if (line == NULL) {
                line = buf;     /* truncated, but still said */
            } else {
                ingroute_diags_format(diags, i, (char *) line, len + 1);
            }
        }

        ngx_conf_log_error(level, cf, 0, "ingroute: %s", line);

        if (line != buf) {
            ngx_free(line);
        }
    }

    /* errors dropped past max_diagnostics are counted, not kept */
    errors = ngx_max(errors,
                     ingroute_diags_count_severity(diags, INGROUTE_ERROR));

    return errors;
}


static char *
ngx_http_ingroute_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_ingroute_main_conf_t *imcf = conf;

    int                       rc;
    char                     *ret;
    u_char                   *cls, *ns, *db;
    ngx_str_t                *path, saved_name;
    ngx_uint_t                i, errors, kept, saved_line;
    const char              **paths;
    ingroute_diags           *diags;
    ingroute_options          opts = INGROUTE_OPTIONS_INIT;
    ingroute_ruleset         *rs, *fresh;
    ngx_pool_cleanup_t       *cln;
    ingroute_compile_options  copts = INGROUTE_COMPILE_OPTIONS_INIT;

    ngx_conf_init_value(imcf->default_class, 0);
    ngx_conf_init_value(imcf->fallthrough, 0);
    ngx_conf_init_value(imcf->strict, 1);
    ngx_conf_init_uint_value(imcf->impl_specific, INGROUTE_IMPL_PREFIX);
    ngx_conf_init_value(imcf->max_input_bytes, 0);
    ngx_conf_init_value(imcf->max_alias_bytes, 0);
    ngx_conf_init_value(imcf->max_scalar_bytes, 0);
    ngx_conf_init_value(imcf->max_depth, 0);
    ngx_conf_init_value(imcf->max_nodes, 0);
    ngx_conf_init_value(imcf->max_alias_nodes, 0);
    ngx_conf_init_value(imcf->max_diagnostics, 0);
    ngx_conf_init_value(imcf->gateway_port, 0);

    if (imcf->gateway.data != NULL) {
        u_char  *slash = ngx_strlchr(imcf->gateway.data,
                                     imcf->gateway.data + imcf->gateway.len,
                                     '/');

        if (slash == NULL || slash == imcf->gateway.data
            || slash + 1 == imcf->gateway.data + imcf->gateway.len
            || ngx_strlchr(slash + 1, imcf->gateway.data + imcf->gateway.len,
                           '/') != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"ingroute_gateway\" takes NAMESPACE/NAME, "
                               "not \"%V\"", &imcf->gateway);
            return NGX_CONF_ERROR;
        }
        imcf->gateway_ns = ngx_pnalloc(cf->pool, imcf->gateway.len + 1);
        if (imcf->gateway_ns == NULL) {
            return NGX_CONF_ERROR;
        }
        ngx_memcpy(imcf->gateway_ns, imcf->gateway.data, imcf->gateway.len);
        imcf->gateway_ns[slash - imcf->gateway.data] = '\0';
        imcf->gateway_ns[imcf->gateway.len] = '\0';
        imcf->gateway_name = imcf->gateway_ns + (slash - imcf->gateway.data)
                             + 1;
    }
    if (imcf->mirror.len && imcf->mirror.data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ingroute_mirror\" takes a location's URI "
                           "(\"/...\"), not \"%V\"", &imcf->mirror);
        return NGX_CONF_ERROR;
    }
    if (imcf->gateway_port < 0 || imcf->gateway_port > 65535) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ingroute_gateway_port\" must be 0 to 65535");
        return NGX_CONF_ERROR;
    }

    if (imcf->manifests == NULL) {
        if (imcf->ingress_class.data || imcf->default_backend.data
            || imcf->map_used)
        {
            ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                               "ingroute: no \"ingroute_manifests\": every "
                               "request is routed to none");
        }
        return NGX_CONF_OK;
    }

    /* the strings of cf->args are NUL-terminated */
    cls = imcf->ingress_class.data;
    ns = imcf->default_namespace.data;
    db = imcf->default_backend.data;

    opts.ingress_class = (const char *) cls;
    opts.default_namespace = (const char *) ns;
    opts.default_backend = (const char *) db;
    opts.gateway_controller = (const char *) imcf->controller.data;
    opts.impl_specific = (int) imcf->impl_specific;
    opts.flags = (imcf->default_class ? INGROUTE_OPT_DEFAULT_CLASS : 0)
                 | (imcf->fallthrough ? INGROUTE_OPT_FALLTHROUGH : 0);

    /* checked when set: each is 0 or fits a size_t */
    opts.max_input_bytes = (size_t) imcf->max_input_bytes;
    opts.max_alias_bytes = (size_t) imcf->max_alias_bytes;
    opts.max_scalar_bytes = (size_t) imcf->max_scalar_bytes;
    opts.max_depth = (size_t) imcf->max_depth;
    opts.max_nodes = (size_t) imcf->max_nodes;
    opts.max_alias_nodes = (size_t) imcf->max_alias_nodes;
    opts.max_diagnostics = (size_t) imcf->max_diagnostics;

    /*
     * A kept ruleset was made with the options of an earlier configuration:
     * the ones a compile fixes come from this one, every time.
     */
    copts.fields = INGROUTE_COMPILE_FALLTHROUGH
                   | INGROUTE_COMPILE_IMPL_SPECIFIC
                   | INGROUTE_COMPILE_DEFAULT_BACKEND;
    copts.flags = imcf->fallthrough ? INGROUTE_OPT_FALLTHROUGH : 0;
    copts.impl_specific = (int) imcf->impl_specific;
    copts.default_backend = (const char *) db;

    if (imcf->default_class && cls == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ingroute_default_class on\" needs "
                           "\"ingroute_class\"");
        return NGX_CONF_ERROR;
    }

    if (ingroute_diags_new(&diags, NULL) != INGROUTE_OK) {
        return NGX_CONF_ERROR;
    }

    fresh = NULL;
    ret = NGX_CONF_ERROR;

    /*
     * Called at the end of the http block: make what is logged from here
     * on say "in FILE:LINE" of the (first) ingroute_manifests directive.
     */
    saved_name = cf->conf_file->file.name;
    saved_line = cf->conf_file->line;
    cf->conf_file->file.name = imcf->manifests_file;
    cf->conf_file->line = imcf->manifests_line;

    path = imcf->manifests->elts;

    if (imcf->strict) {
        /* any error fails the configuration: nothing to keep across cycles */
        rc = ingroute_ruleset_new(&fresh, &opts);
        if (rc != INGROUTE_OK) {
            ngx_http_ingroute_log_options(cf, &opts);
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "ingroute: cannot create a ruleset: %s",
                               ingroute_strerror(rc));
            goto done;
        }

        rs = fresh;

        for (i = 0; i < imcf->manifests->nelts; i++) {
            rc = ingroute_ruleset_load_path(rs, (const char *) path[i].data,
                                            diags);
            if (rc != INGROUTE_OK) {
                ngx_http_ingroute_log_diags(cf, imcf, diags, 1, &kept);
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "ingroute: cannot load \"%V\": %s",
                                   &path[i], ingroute_strerror(rc));
                goto done;
            }
        }

    } else {
        rs = ngx_http_ingroute_state_ruleset(cf, imcf, &opts);
        if (rs == NULL) {
            goto done;
        }

        paths = ngx_palloc(cf->temp_pool,
                           imcf->manifests->nelts * sizeof(const char *));
        if (paths == NULL) {
            goto done;
        }

        for (i = 0; i < imcf->manifests->nelts; i++) {
            paths[i] = (const char *) path[i].data;
        }

        /* all or nothing: on failure the ruleset is as it was */
        rc = ingroute_ruleset_reload_paths(rs, paths, imcf->manifests->nelts,
                                           diags);
        if (rc != INGROUTE_OK) {
            ngx_http_ingroute_log_diags(cf, imcf, diags, 1, &kept);
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "ingroute: cannot load the manifests: %s",
                               ingroute_strerror(rc));
            goto done;
        }
    }

    rc = ingroute_router_compile_with(&imcf->router, rs, &copts, diags);
    if (rc != INGROUTE_OK) {
        ngx_http_ingroute_log_diags(cf, imcf, diags, 1, &kept);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "ingroute: cannot compile the router: %s",
                           ingroute_strerror(rc));
        goto done;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ingroute_router_unref(imcf->router);
        imcf->router = NULL;
        goto done;
    }

    cln->handler = ngx_http_ingroute_cleanup;
    cln->data = imcf->router;

    errors = ngx_http_ingroute_log_diags(cf, imcf, diags, 0, &kept);

    if (errors && imcf->strict) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "ingroute: %ui invalid object(s) in the manifests "
                           "(\"ingroute_strict off\" drops them and loads "
                           "the rest)", errors);
        goto done;
    }

    if (kept) {
        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                           "ingroute: %uz Ingress(es) loaded, %ui error(s); "
                           "%ui object(s) keep their last valid version",
                           ingroute_ruleset_count(rs), errors, kept);
    } else {
        ngx_conf_log_error(NGX_LOG_INFO, cf, 0,
                           "ingroute: %uz Ingress(es) loaded, %ui invalid",
                           ingroute_ruleset_count(rs), errors);
    }

    ret = NGX_CONF_OK;

done:

    cf->conf_file->file.name = saved_name;
    cf->conf_file->line = saved_line;

    ingroute_ruleset_free(fresh);
    ingroute_diags_free(diags);

    return ret;
}


/* ----------------------------------------------------------------- requests */

static ngx_int_t
ngx_http_ingroute_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_ingroute_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* The request's headers for header matches: names compared without
 * regard to case, the first one given. */
static int
ngx_http_ingroute_header(void *data, const char *name, size_t name_len,
    const char **value, size_t *value_len)
{
    ngx_http_request_t  *r = data;
    ngx_list_part_t     *part;
    ngx_table_elt_t     *h;
    ngx_uint_t           i;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 0;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }
        if (h[i].hash != 0 && h[i].key.len == name_len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, name_len) == 0)
        {
            *value = (const char *) h[i].value.data;
            *value_len = h[i].value.len;
            return 1;
        }
    }
}


/* Marks a request's context, to find it again after an internal
 * redirect; nothing to free (the pool owns it). */
static void
ngx_http_ingroute_ctx_cleanup(void *data)
{
    (void) data;
}


static ngx_http_ingroute_ctx_t *
ngx_http_ingroute_lookup(ngx_http_request_t *r,
    ngx_http_ingroute_main_conf_t *imcf)
{
    ngx_str_t                 path;
    ngx_http_ingroute_ctx_t  *ctx;
    ingroute_request          init = INGROUTE_REQUEST_INIT;

    ctx = ngx_http_get_module_ctx(r, ngx_http_ingroute_module);
    if (ctx != NULL) {
        return ctx;
    }

    /* An internal redirect (error_page, try_files, index) clears the
     * modules' contexts; the request's answer, its random pick and what
     * the handler did stay in a cleanup of the request's pool. */
    if (r->internal) {
        ngx_pool_cleanup_t  *cln;

        for (cln = r->pool->cleanup; cln; cln = cln->next) {
            if (cln->handler == ngx_http_ingroute_ctx_cleanup
                && ((ngx_http_ingroute_ctx_t *) cln->data)->r == r)
            {
                ctx = cln->data;
                ngx_http_set_ctx(r, ctx, ngx_http_ingroute_module);
                return ctx;
            }
        }
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_ingroute_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    if (r == r->main) {
        ngx_pool_cleanup_t  *cln = ngx_pool_cleanup_add(r->pool, 0);

        if (cln == NULL) {
            return NULL;
        }
        cln->handler = ngx_http_ingroute_ctx_cleanup;
        cln->data = ctx;
    }

    ctx->m.size = sizeof(ingroute_route);
    ctx->r = r;

    path = r->unparsed_uri;
    if (path.len == 0) {
        path = r->uri;
    }

    ctx->q = init;
    ctx->q.method = (const char *) r->method_name.data;
    ctx->q.method_len = r->method_name.len;
    ctx->q.host = (const char *) r->headers_in.server.data;
    ctx->q.host_len = r->headers_in.server.len;
    ctx->q.path = (const char *) path.data;
    ctx->q.path_len = path.len;
    ctx->q.header = ngx_http_ingroute_header;
    ctx->q.header_ctx = r;
    ctx->q.random = ((uint64_t) ngx_random() << 31) ^ (uint64_t) ngx_random();
    if (imcf->random_header.len) {
        const char  *v;
        size_t       n;

        if (ngx_http_ingroute_header(r, (const char *) imcf->random_header.data,
                                     imcf->random_header.len, &v, &n))
        {
            ngx_int_t  x = ngx_atoi((u_char *) v, n);

            ctx->q.random = x == NGX_ERROR ? 0 : (uint64_t) x;
        }
    }
    ctx->q.gateway_ns = (const char *) imcf->gateway_ns;
    ctx->q.gateway_name = (const char *) imcf->gateway_name;
    ctx->q.port = (unsigned int) imcf->gateway_port;
#if (NGX_HTTP_SSL)
    ctx->q.scheme = r->connection->ssl ? "https" : "http";
#endif

    if (ingroute_router_route(imcf->router, &ctx->q, &ctx->m) != INGROUTE_OK) {
        ngx_memzero(&ctx->m, sizeof(ingroute_route));
        ctx->m.size = sizeof(ingroute_route);
        ctx->m.status = NGX_HTTP_NOT_FOUND;
    }

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "ingroute: \"%V\" \"%V\" -> status %d service \"%s\"",
                   &r->headers_in.server, &path, ctx->m.status,
                   ctx->m.service ? ctx->m.service : "");

    ngx_http_set_ctx(r, ctx, ngx_http_ingroute_module);

    return ctx;
}


/* The header changes of a filter applied to a header list: set replaces
 * every header of the name with one, add appends, remove drops them. A
 * response header is dropped as nginx drops one, with hash 0. The proxy
 * module passes on every request header whatever its hash, except those
 * proxy_set_header sets itself, which always include Connection: a
 * dropped request header becomes one of those, and is not sent. */
static ngx_int_t
ngx_http_ingroute_edit_headers(ngx_http_request_t *r, ngx_list_t *headers,
    const ingroute_filter *f)
{
    static u_char     connection[] = "connection";
    ngx_uint_t        request = headers == &r->headers_in.headers;
    size_t            k, n;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (k = 0; k < f->nedits; k++) {
        const ingroute_header_edit  *e = &f->edits[k];

        n = ngx_strlen(e->name);

        if (e->op != INGROUTE_HEADER_ADD) {
            part = &headers->part;
            h = part->elts;
            for (i = 0; /* void */; i++) {
                if (i >= part->nelts) {
                    if (part->next == NULL) {
                        break;
                    }
                    part = part->next;
                    h = part->elts;
                    i = 0;
                }
                if (h[i].hash != 0 && h[i].key.len == n
                    && ngx_strncasecmp(h[i].key.data, (u_char *) e->name, n)
                       == 0)
                {
                    if (!request) {
                        h[i].hash = 0;
                        continue;
                    }
                    h[i].key.len = sizeof(connection) - 1;
                    h[i].key.data = connection;
                    h[i].lowcase_key = connection;
                    h[i].hash = ngx_hash_key(connection,
                                             sizeof(connection) - 1);
                }
            }
        }

        if (e->op == INGROUTE_HEADER_REMOVE) {
            continue;
        }

        h = ngx_list_push(headers);
        if (h == NULL) {
            return NGX_ERROR;
        }
        h->key.len = n;
        h->key.data = (u_char *) e->name;
        h->value.len = ngx_strlen(e->value);
        h->value.data = (u_char *) e->value;
        h->lowcase_key = ngx_pnalloc(r->pool, n);
        if (h->lowcase_key == NULL) {
            return NGX_ERROR;
        }
        h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, n);
    }

    return NGX_OK;
}


/*
 * With ingroute_gateway: the answers the module gives itself (404, 500,
 * redirects), and the request header changes of the rule, before the
 * location runs. The server rewrite phase comes before any location's
 * "if".
 */
/* One RequestMirror: for its share of requests, a background subrequest
 * to the ingroute_mirror location, whose ingroute context is the main
 * request's with the mirror as its backend, so that the variables there
 * name the mirror. Its answer is dropped (header_only, and a background
 * subrequest never writes to the client). */
/* The number that decides the k-th mirror of a request: its random
 * number (which picked the backend) mixed with k, so that a mirror's share
 * is not the requests of one weighted backend and two mirrors of one share
 * do not copy the same requests. 0 stays 0 for the first mirror, as tests
 * that give the number expect. */
static uint64_t
ngx_http_ingroute_mirror_draw(uint64_t random, ngx_uint_t k)
{
    uint64_t  x = random + (uint64_t) k * 0x9e3779b97f4a7c15ULL;

    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}


static ngx_int_t
ngx_http_ingroute_mirror(ngx_http_request_t *r,
    ngx_http_ingroute_main_conf_t *imcf, ngx_http_ingroute_ctx_t *ctx,
    const ingroute_filter *f, ngx_uint_t k)
{
    ngx_http_request_t       *sr;
    ngx_http_ingroute_ctx_t  *mctx;

    if (f->mirror_denominator <= 0
        || ngx_http_ingroute_mirror_draw(ctx->q.random, k)
           % (uint64_t) f->mirror_denominator
           >= (uint64_t) f->mirror_numerator)
    {
        return NGX_OK;
    }

    mctx = ngx_palloc(r->pool, sizeof(ngx_http_ingroute_ctx_t));
    if (mctx == NULL) {
        return NGX_ERROR;
    }
    *mctx = *ctx;
    mctx->m.backend_kind = INGROUTE_BACKEND_SERVICE;
    mctx->m.backend_ns = f->mirror_ns;
    mctx->m.service = f->mirror_service;
    mctx->m.port_number = f->mirror_port;
    mctx->m.port_name = NULL;

    if (ngx_http_subrequest(r, &imcf->mirror, &r->args, &sr, NULL,
                            NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->header_only = 1;
    sr->method = r->method;
    sr->method_name = r->method_name;
    mctx->r = sr;
    mctx->handled = 1;
    ngx_http_set_ctx(sr, mctx, ngx_http_ingroute_module);

    return NGX_OK;
}


static ngx_int_t
ngx_http_ingroute_handler(ngx_http_request_t *r)
{
    size_t                          n, i;
    ngx_uint_t                      k;
    u_char                         *loc;
    ingroute_filter                 f;
    ngx_table_elt_t                *h;
    ngx_http_ingroute_ctx_t        *ctx;
    ngx_http_ingroute_main_conf_t  *imcf;

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ingroute_module);
    if (imcf->gateway_ns == NULL || imcf->router == NULL || r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_ingroute_lookup(r, imcf);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* once per client request: after an internal redirect the headers
     * are already changed and the mirrors sent */
    if (ctx->handled) {
        return NGX_DECLINED;
    }
    ctx->handled = 1;

    if (ctx->m.status >= 300 && ctx->m.status < 400) {
        n = ingroute_route_location(&ctx->q, &ctx->m, NULL, 0);
        loc = ngx_pnalloc(r->pool, n + 1);
        if (loc == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        ingroute_route_location(&ctx->q, &ctx->m, (char *) loc, n);
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        h->hash = 1;
        ngx_str_set(&h->key, "Location");
        h->value.data = loc;
        h->value.len = n;
        r->headers_out.location = h;
        return ctx->m.status;
    }

    if (ctx->m.status != 0) {
        return ctx->m.status;
    }

    for (i = 0; i < ctx->m.filters; i++) {
        f.size = sizeof(f);
        if (ingroute_route_filter(&ctx->m, i, &f) == INGROUTE_OK
            && f.type == INGROUTE_FILTER_REQUEST_HEADER
            && ngx_http_ingroute_edit_headers(r, &r->headers_in.headers, &f)
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (imcf->mirror.len) {
        for (i = 0, k = 0; i < ctx->m.filters; i++) {
            f.size = sizeof(f);
            if (ingroute_route_filter(&ctx->m, i, &f) != INGROUTE_OK
                || f.type != INGROUTE_FILTER_MIRROR)
            {
                continue;
            }
            /* a copy that cannot be sent does not fail the request */
            if (ngx_http_ingroute_mirror(r, imcf, ctx, &f, k++) != NGX_OK) {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "ingroute: mirror to %s/%s:%d not sent",
                              f.mirror_ns, f.mirror_service, f.mirror_port);
            }
        }
    }

    return NGX_DECLINED;
}


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


/* The response header changes of the rule that routed the request. */
static ngx_int_t
ngx_http_ingroute_header_filter(ngx_http_request_t *r)
{
    size_t                    i;
    ingroute_filter           f;
    ngx_http_ingroute_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_ingroute_module);

    if (ctx != NULL && r == r->main && ctx->m.status == 0) {
        for (i = 0; i < ctx->m.filters; i++) {
            f.size = sizeof(f);
            if (ingroute_route_filter(&ctx->m, i, &f) == INGROUTE_OK
                && f.type == INGROUTE_FILTER_RESPONSE_HEADER
                && ngx_http_ingroute_edit_headers(r, &r->headers_out.headers,
                                                  &f)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_ingroute_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_SERVER_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    *h = ngx_http_ingroute_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_ingroute_header_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_ingroute_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                         *p;
    size_t                          len;
    ngx_str_t                       key, *addr;
    ingroute_route                 *m;
    ngx_http_ingroute_ctx_t        *ctx;
    ngx_http_ingroute_main_conf_t  *imcf;
    u_char                          port[NGX_INT_T_LEN];

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ingroute_module);

    if (imcf->router == NULL) {
        if (data == NGX_HTTP_INGROUTE_VAR_DECISION) {
            v->data = (u_char *) "none";
            v->len = 4;
            goto found;
        }
        v->not_found = 1;
        return NGX_OK;
    }

    ctx = ngx_http_ingroute_lookup(r, imcf);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    m = &ctx->m;

    switch (data) {

    case NGX_HTTP_INGROUTE_VAR_DECISION:
        switch (m->decision) {
        case INGROUTE_DECISION_PATH:
            ngx_str_set(v, "path");
            break;
        case INGROUTE_DECISION_DEFAULT:
            ngx_str_set(v, "default");
            break;
        default:
            ngx_str_set(v, "none");
            break;
        }
        goto found;

    case NGX_HTTP_INGROUTE_VAR_STATUS:
        if (m->status == 0 || imcf->gateway_ns == NULL) {
            break;
        }
        v->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (v->data == NULL) {
            return NGX_ERROR;
        }
        v->len = ngx_sprintf(v->data, "%d", m->status) - v->data;
        goto found;

    case NGX_HTTP_INGROUTE_VAR_LOCATION:
    case NGX_HTTP_INGROUTE_VAR_UPSTREAM_URI:
        len = data == NGX_HTTP_INGROUTE_VAR_LOCATION
              ? ingroute_route_location(&ctx->q, m, NULL, 0)
              : ingroute_route_upstream_path(&ctx->q, m, NULL, 0);
        if (len == 0) {
            break;
        }
        v->data = ngx_pnalloc(r->pool, len);
        if (v->data == NULL) {
            return NGX_ERROR;
        }
        v->len = data == NGX_HTTP_INGROUTE_VAR_LOCATION
                 ? ingroute_route_location(&ctx->q, m, (char *) v->data, len)
                 : ingroute_route_upstream_path(&ctx->q, m, (char *) v->data,
                                                len);
        goto found;

    case NGX_HTTP_INGROUTE_VAR_UPSTREAM_HOST: {
        size_t           i;
        ingroute_filter  f;

        for (i = 0; i < m->filters; i++) {
            f.size = sizeof(f);
            if (ingroute_route_filter(m, i, &f) == INGROUTE_OK
                && f.type == INGROUTE_FILTER_URL_REWRITE && f.hostname != NULL)
            {
                v->data = (u_char *) f.hostname;
                v->len = ngx_strlen(f.hostname);
                goto found;
            }
        }
        if (r->headers_in.host == NULL) {
            break;
        }
        v->data = r->headers_in.host->value.data;
        v->len = r->headers_in.host->value.len;
        goto found;
    }

    case NGX_HTTP_INGROUTE_VAR_SERVICE:
        if (m->backend_kind != INGROUTE_BACKEND_SERVICE) {
            break;
        }
        v->data = (u_char *) m->service;
        v->len = ngx_strlen(m->service);
        goto found;

    case NGX_HTTP_INGROUTE_VAR_SERVICE_PORT:
        if (m->backend_kind != INGROUTE_BACKEND_SERVICE) {
            break;
        }
        if (m->port_name != NULL) {
            v->data = (u_char *) m->port_name;
            v->len = ngx_strlen(m->port_name);
            goto found;
        }
        v->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (v->data == NULL) {
            return NGX_ERROR;
        }
        v->len = ngx_sprintf(v->data, "%d", m->port_number) - v->data;
        goto found;

    case NGX_HTTP_INGROUTE_VAR_NAMESPACE:
        if (m->backend_ns == NULL) {
            break;
        }
        v->data = (u_char *) m->backend_ns;
        v->len = ngx_strlen(m->backend_ns);
        goto found;

    case NGX_HTTP_INGROUTE_VAR_INGRESS:
        if (m->source != INGROUTE_SOURCE_INGRESS) {
            break;
        }
        /* fall through */

    case NGX_HTTP_INGROUTE_VAR_ROUTE:
        if (m->route_ns == NULL || m->route_name == NULL) {
            break;
        }
        len = ngx_strlen(m->route_ns) + 1 + ngx_strlen(m->route_name);
        v->data = ngx_pnalloc(r->pool, len);
        if (v->data == NULL) {
            return NGX_ERROR;
        }
        v->len = ngx_sprintf(v->data, "%s/%s", m->route_ns,
                             m->route_name) - v->data;
        goto found;

    case NGX_HTTP_INGROUTE_VAR_RULE:
        if (m->decision != INGROUTE_DECISION_PATH || m->rule_path == NULL) {
            break;
        }
        len = ngx_strlen(m->rule_host) + 1 + sizeof("ImplementationSpecific")
              + ngx_strlen(m->rule_path) + 1;
        v->data = ngx_pnalloc(r->pool, len);
        if (v->data == NULL) {
            return NGX_ERROR;
        }
        v->len = ngx_sprintf(v->data, "%s %s %s",
                             m->rule_host[0] ? m->rule_host : "-",
                             m->path_type == INGROUTE_PATH_EXACT ? "Exact"
                             : m->path_type == INGROUTE_PATH_PREFIX
                             ? (m->source == INGROUTE_SOURCE_HTTPROUTE
                                ? "PathPrefix" : "Prefix")
                             : m->path_type == INGROUTE_PATH_REGULAR_EXPRESSION
                             ? "RegularExpression" : "ImplementationSpecific",
                             m->rule_path) - v->data;
        goto found;

    case NGX_HTTP_INGROUTE_VAR_BACKEND:
        if (m->backend_kind == INGROUTE_BACKEND_RESOURCE) {
            len = sizeof("resource:///") + ngx_strlen(m->resource_kind)
                  + ngx_strlen(m->resource_name)
                  + (m->resource_api_group
                     ? ngx_strlen(m->resource_api_group) : 1);
            v->data = ngx_pnalloc(r->pool, len);
            if (v->data == NULL) {
                return NGX_ERROR;
            }
            v->len = ngx_sprintf(v->data, "resource:%s/%s/%s",
                                 m->resource_api_group
                                 ? m->resource_api_group : "-",
                                 m->resource_kind, m->resource_name)
                     - v->data;
            goto found;
        }
        /* fall through */

    case NGX_HTTP_INGROUTE_VAR_UPSTREAM:
        if (m->backend_kind != INGROUTE_BACKEND_SERVICE) {
            break;
        }

        if (m->port_name == NULL) {
            p = ngx_sprintf(port, "%d", m->port_number);
            key.len = p - port;
            key.data = port;
        } else {
            key.len = ngx_strlen(m->port_name);
            key.data = (u_char *) m->port_name;
        }

        /* NS/SERVICE:PORT */
        len = ngx_strlen(m->backend_ns) + 1 + ngx_strlen(m->service) + 1
              + key.len;
        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }
        v->data = p;
        v->len = ngx_sprintf(p, "%s/%s:%V", m->backend_ns, m->service, &key)
                 - p;

        if (data == NGX_HTTP_INGROUTE_VAR_BACKEND) {
            goto found;
        }

        if (imcf->map_used) {
            addr = ngx_hash_find(&imcf->map, ngx_hash_key(v->data, v->len),
                                 v->data, v->len);
            if (addr == NULL) {
                addr = imcf->map_default;
            }
            if (addr != NULL) {
                v->data = addr->data;
                v->len = addr->len;
                goto found;
            }
        }

        if (m->port_name != NULL) {
            /* a port name needs the Service's spec: a map line */
            break;
        }

        /* SERVICE.NS.svc.cluster.local:PORT */
        len = ngx_strlen(m->service) + 1 + ngx_strlen(m->backend_ns)
              + sizeof(".svc.cluster.local:") + key.len;
        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }
        v->data = p;
        v->len = ngx_sprintf(p, "%s.%s.svc.cluster.local:%V", m->service,
                             m->backend_ns, &key) - p;
        goto found;
    }

    v->not_found = 1;
    /* a mirror subrequest shares the main request's variables: with
     * mirrors, each asks afresh and gets its own context's answer */
    v->no_cacheable = imcf->mirror.len != 0;
    return NGX_OK;

found:

    v->valid = 1;
    v->no_cacheable = imcf->mirror.len != 0;
    v->not_found = 0;
    return NGX_OK;
}
