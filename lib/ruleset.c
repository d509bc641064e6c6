/*
 * The ruleset: the desired state a controller keeps. Ingresses are kept in
 * arrival order with a hash index on namespace/name; IngressClasses in a
 * short list by name.
 *
 * A load stages everything it decodes and commits only when the whole
 * buffer (or directory) was read: a truncated file, a limit, an allocation
 * failure or, in strict mode, one invalid object leaves the ruleset as it
 * was. Commit itself cannot fail, because its memory is reserved first.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The first published layouts end with these members. */
#define OPTIONS_V1_SIZE \
	(offsetof(ingroute_options, max_alias_bytes) + sizeof(size_t))
#define INFO_V1_SIZE \
	(offsetof(ingroute_ingress_info, has_default_backend) + sizeof(int))

struct ingroute_ruleset {
	ig_alloc alloc;
	ig_arena strings;          /* copies of the option strings */
	unsigned int flags;
	const char *ingress_class;
	const char *default_ns;
	const char *default_backend;
	int impl_specific;
	ig_limits lim;
	size_t max_diagnostics;

	ig_object **items;         /* Ingresses, arrival order */
	size_t n, cap;
	uint32_t *index;           /* item position + 1; 0 is empty */
	size_t index_cap;          /* power of two, > 2 * n */
	ig_object **classes;
	size_t nclasses, cap_classes;
	uint64_t next_seq;
};

/* ---- options */

int ingroute_options_init(ingroute_options *opts, size_t size)
{
	ingroute_options def = INGROUTE_OPTIONS_INIT;

	if (!opts || size < OPTIONS_V1_SIZE)
		return INGROUTE_EINVAL;
	if (size > sizeof(def))
		memset((char *)opts + sizeof(def), 0, size - sizeof(def));
	def.size = size;
	memcpy(opts, &def, size < sizeof(def) ? size : sizeof(def));
	return 0;
}

size_t ingroute_options_size(void)
{
	return sizeof(ingroute_options);
}

/* "NS/SERVICE:PORT": what the global default backend option must look
 * like; the router resolves it. */
static int default_backend_ok(const char *s)
{
	const char *slash = strchr(s, '/'), *colon;

	if (!slash || slash == s)
		return 0;
	colon = strrchr(slash, ':');
	return colon && colon > slash + 1 && colon[1] != '\0';
}

static const char *keep(ingroute_ruleset *rs, const char *s, int *oom)
{
	const char *p;

	if (!s)
		return NULL;
	p = ingroute__arena_strndup(&rs->strings, s, strlen(s));
	if (!p)
		*oom = 1;
	return p;
}

int ingroute_ruleset_new(ingroute_ruleset **out, const ingroute_options *user)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	const ig_alloc *a;
	ingroute_ruleset *rs;
	int oom = 0;

	if (!out)
		return INGROUTE_EINVAL;
	*out = NULL;
	if (user) {
		if (user->size < OPTIONS_V1_SIZE)
			return INGROUTE_EINVAL;
		memcpy(&o, user, user->size < sizeof(o) ? user->size : sizeof(o));
	}
	if (o.impl_specific < INGROUTE_IMPL_PREFIX ||
	    o.impl_specific > INGROUTE_IMPL_STRING_PREFIX ||
	    (o.default_backend && !default_backend_ok(o.default_backend)))
		return INGROUTE_EINVAL;
	a = o.allocator ? o.allocator : &ingroute__default_alloc;
	if (!a->malloc_fn || !a->realloc_fn || !a->free_fn)
		return INGROUTE_EINVAL;
	rs = ingroute__calloc(a, 1, sizeof(*rs));
	if (!rs)
		return INGROUTE_ENOMEM;
	rs->alloc = *a;
	ingroute__arena_init(&rs->strings, &rs->alloc);
	rs->flags = o.flags;
	rs->impl_specific = o.impl_specific;
	rs->ingress_class = keep(rs, o.ingress_class, &oom);
	rs->default_ns = keep(rs, o.default_namespace ? o.default_namespace
	                                              : "default", &oom);
	rs->default_backend = keep(rs, o.default_backend, &oom);
	rs->lim.input_bytes = o.max_input_bytes ? o.max_input_bytes : 256u << 20;
	rs->lim.depth = o.max_depth ? o.max_depth : 64;
	rs->lim.nodes = o.max_nodes ? o.max_nodes : 4000000;
	rs->lim.alias_nodes = o.max_alias_nodes ? o.max_alias_nodes : 100000;
	rs->lim.alias_bytes = o.max_alias_bytes ? o.max_alias_bytes : 16u << 20;
	rs->lim.scalar_bytes = o.max_scalar_bytes ? o.max_scalar_bytes : 1u << 20;
	rs->max_diagnostics = o.max_diagnostics ? o.max_diagnostics : 10000;
	if (oom) {
		ingroute_ruleset_free(rs);
		return INGROUTE_ENOMEM;
	}
	*out = rs;
	return 0;
}

void ingroute_ruleset_free(ingroute_ruleset *rs)
{
	ig_alloc a;
	size_t i;

	if (!rs)
		return;
	a = rs->alloc;
	for (i = 0; i < rs->n; i++)
		ingroute__object_free(rs->items[i]);
	for (i = 0; i < rs->nclasses; i++)
		ingroute__object_free(rs->classes[i]);
	ingroute__free(&a, rs->items);
	ingroute__free(&a, rs->index);
	ingroute__free(&a, rs->classes);
	ingroute__arena_free(&rs->strings);
	ingroute__free(&a, rs);
}

/* ---- the namespace/name index */

/* Seeded per process: crafted names cannot be made to collide. */
static uint64_t key_hash(const char *ns, size_t nslen, const char *name,
                         size_t namelen)
{
	return ingroute__hash(name, namelen,
	                      ingroute__hash(ns, nslen, ingroute__process_seed()));
}

static int same_key(const ig_object *o, const char *ns, size_t nslen,
                    const char *name, size_t namelen)
{
	return o->ns.len == nslen && o->name.len == namelen &&
	       memcmp(o->ns.s, ns, nslen) == 0 && memcmp(o->name.s, name, namelen) == 0;
}

/* The slot holding ns/name, or the empty slot where it would go. */
static size_t index_slot(const ingroute_ruleset *rs, const char *ns,
                         size_t nslen, const char *name, size_t namelen)
{
	size_t mask = rs->index_cap - 1;
	size_t i = (size_t)key_hash(ns, nslen, name, namelen) & mask;

	while (rs->index[i] &&
	       !same_key(rs->items[rs->index[i] - 1], ns, nslen, name, namelen))
		i = (i + 1) & mask;
	return i;
}

static ig_object **find_item(const ingroute_ruleset *rs, const char *ns,
                             size_t nslen, const char *name, size_t namelen)
{
	size_t i;

	if (!rs->index_cap)
		return NULL;
	i = index_slot(rs, ns, nslen, name, namelen);
	return rs->index[i] ? &rs->items[rs->index[i] - 1] : NULL;
}

static void index_rebuild(ingroute_ruleset *rs)
{
	size_t i;

	memset(rs->index, 0, rs->index_cap * sizeof(*rs->index));
	for (i = 0; i < rs->n; i++) {
		const ig_object *o = rs->items[i];

		rs->index[index_slot(rs, o->ns.s, o->ns.len, o->name.s, o->name.len)] =
			(uint32_t)(i + 1);
	}
}

/* Reserves room for `more` Ingresses and classes so that commit cannot
 * fail half-way. */
static int reserve(ingroute_ruleset *rs, size_t more, size_t more_classes)
{
	size_t want = 16;

	if (rs->n + more > UINT32_MAX - 1)
		return INGROUTE_ELIMIT;
	if (ingroute__grow(&rs->alloc, (void **)&rs->items, &rs->cap, rs->n + more,
	                   sizeof(*rs->items)) < 0 ||
	    ingroute__grow(&rs->alloc, (void **)&rs->classes, &rs->cap_classes,
	                   rs->nclasses + more_classes, sizeof(*rs->classes)) < 0)
		return INGROUTE_ENOMEM;
	while (want <= 2 * (rs->n + more))
		want *= 2;
	if (want > rs->index_cap) {
		uint32_t *idx = ingroute__calloc(&rs->alloc, want, sizeof(*idx));

		if (!idx)
			return INGROUTE_ENOMEM;
		ingroute__free(&rs->alloc, rs->index);
		rs->index = idx;
		rs->index_cap = want;
		index_rebuild(rs);
	}
	return 0;
}

static void commit_ingress(ingroute_ruleset *rs, ig_object *o)
{
	size_t slot = index_slot(rs, o->ns.s, o->ns.len, o->name.s, o->name.len);

	if (rs->index[slot]) {
		ig_object **old = &rs->items[rs->index[slot] - 1];

		/* A replacement keeps its predecessor's place in arrival order. */
		o->seq = (*old)->seq;
		ingroute__object_free(*old);
		*old = o;
		return;
	}
	o->seq = rs->next_seq++;
	rs->items[rs->n] = o;
	rs->index[slot] = (uint32_t)++rs->n;
}

static ig_object **find_class(const ingroute_ruleset *rs, const char *name,
                              size_t len)
{
	size_t i;

	for (i = 0; i < rs->nclasses; i++)
		if (rs->classes[i]->name.len == len &&
		    memcmp(rs->classes[i]->name.s, name, len) == 0)
			return &rs->classes[i];
	return NULL;
}

static void commit_class(ingroute_ruleset *rs, ig_object *o)
{
	ig_object **old = find_class(rs, o->name.s, o->name.len);

	if (old) {
		ingroute__object_free(*old);
		*old = o;
	} else {
		rs->classes[rs->nclasses++] = o;
	}
}

/* ---- loading */

typedef struct stage {
	ingroute_ruleset *rs;
	ig_diag_ctx dc;
	ig_decode_opts dopts;
	ig_object **objs;
	size_t n, cap;
	size_t nclasses;
	uint32_t *index;      /* objs position + 1 by (kind, ns, name) */
	size_t index_cap;
} stage;

static uint64_t staged_hash(const ig_object *o)
{
	return key_hash(o->ns.s, o->ns.len, o->name.s, o->name.len) ^ o->kind;
}

/* The slot of o's key in the stage's index (found, or empty). */
static size_t staged_slot(const stage *st, const ig_object *o)
{
	size_t mask = st->index_cap - 1, i = (size_t)staged_hash(o) & mask;

	while (st->index[i]) {
		const ig_object *p = st->objs[st->index[i] - 1];

		if (p->kind == o->kind &&
		    same_key(p, o->ns.s, o->ns.len, o->name.s, o->name.len))
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Keeps the index at most half full; 0 or INGROUTE_ENOMEM. */
static int staged_reserve(stage *st)
{
	size_t ncap, i;
	uint32_t *old = st->index, ocap = (uint32_t)st->index_cap;

	if ((st->n + 1) * 2 <= st->index_cap)
		return 0;
	ncap = st->index_cap ? st->index_cap * 2 : 64;
	st->index = ingroute__calloc(&st->rs->alloc, ncap, sizeof(*st->index));
	if (!st->index) {
		st->index = old;
		return INGROUTE_ENOMEM;
	}
	st->index_cap = ncap;
	for (i = 0; i < ocap; i++)
		if (old[i])
			st->index[staged_slot(st, st->objs[old[i] - 1])] = old[i];
	ingroute__free(&st->rs->alloc, old);
	return 0;
}

static void replaced_note(stage *st, const ig_object *o, const ig_object *prev)
{
	const char *sk = st->dc.kind, *sn = st->dc.ns, *sm = st->dc.name;

	st->dc.kind = o->kind == IG_OBJ_INGRESS ? "Ingress" : "IngressClass";
	st->dc.ns = o->kind == IG_OBJ_INGRESS ? o->ns.s : NULL;
	st->dc.name = o->name.s;
	ingroute__diag(&st->dc, INGROUTE_NOTE, INGROUTE_D_REPLACED, o->pos, NULL,
	               "replaces the one loaded from %s:%u:%u",
	               prev->file ? prev->file : "<input>", prev->pos.line,
	               prev->pos.col);
	st->dc.kind = sk;
	st->dc.ns = sn;
	st->dc.name = sm;
}

static int on_object(void *ctx, ig_object *o, int valid)
{
	stage *st = ctx;
	ig_object **in_rs;
	size_t slot;

	if (!valid) {
		ingroute__object_free(o);
		return 0;
	}
	if (!o->ns.s)
		o->ns.s = "";
	if (ingroute__grow(&st->rs->alloc, (void **)&st->objs, &st->cap, st->n + 1,
	                   sizeof(*st->objs)) < 0 || staged_reserve(st) < 0) {
		ingroute__object_free(o);
		return INGROUTE_ENOMEM;
	}
	/* A later object of the same load takes the earlier one's slot. */
	slot = staged_slot(st, o);
	if (st->index[slot]) {
		ig_object **twin = &st->objs[st->index[slot] - 1];

		replaced_note(st, o, *twin);
		ingroute__object_free(*twin);
		*twin = o;
		return 0;
	}
	in_rs = o->kind == IG_OBJ_INGRESS
		? find_item(st->rs, o->ns.s, o->ns.len, o->name.s, o->name.len)
		: find_class(st->rs, o->name.s, o->name.len);
	if (in_rs)
		replaced_note(st, o, *in_rs);
	st->objs[st->n++] = o;
	st->index[slot] = (uint32_t)st->n;
	if (o->kind == IG_OBJ_CLASS)
		st->nclasses++;
	return 0;
}

static int on_document(void *ctx, const ig_node *root)
{
	stage *st = ctx;

	return ingroute__decode_document(&st->dopts, root, &st->dc, on_object, st);
}

static void stage_init(stage *st, ingroute_ruleset *rs, ingroute_diags *diags)
{
	memset(st, 0, sizeof(*st));
	st->rs = rs;
	st->dc.diags = diags;
	st->dc.max = rs->max_diagnostics;
	st->dopts.alloc = &rs->alloc;
	st->dopts.default_ns = rs->default_ns;
}

static int stage_buffer(stage *st, const char *data, size_t len,
                        const char *name)
{
	st->dc.file = name;
	st->dopts.file = name;
	return ingroute__doc_parse(&st->rs->alloc, &st->rs->lim, data, len,
	                           &st->dc, on_document, st);
}

static int class_served(const ingroute_ruleset *rs, const ig_object *o,
                        const char **reason);

/* DESIGN 4.3: each Ingress of this load that its class keeps from being
 * served gets a note naming the values involved. */
static void class_notes(stage *st)
{
	const ingroute_ruleset *rs = st->rs;
	size_t i;

	for (i = 0; i < st->n; i++) {
		const ig_object *o = st->objs[i];
		const ig_str *ann;
		const char *why;

		if (o->kind != IG_OBJ_INGRESS || class_served(rs, o, &why))
			continue;
		st->dc.file = o->file;
		st->dc.kind = "Ingress";
		st->dc.ns = o->ns.s;
		st->dc.name = o->name.s;
		ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
		if (o->class_name.s)
			ingroute__diag(&st->dc, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               o->class_name.pos, "spec.ingressClassName",
			               "not served: class \"%s\" is not \"%s\"",
			               o->class_name.s, rs->ingress_class);
		else if (ann)
			ingroute__diag(&st->dc, INGROUTE_NOTE, INGROUTE_D_CLASS,
			               ann->pos, "metadata.annotations",
			               "not served: kubernetes.io/ingress.class \"%s\" "
			               "is not \"%s\"", ann->s, rs->ingress_class);
		else
			ingroute__diag(&st->dc, INGROUTE_NOTE, INGROUTE_D_CLASS, o->pos,
			               NULL, "not served: it names no class and \"%s\" "
			               "is not the default class", rs->ingress_class);
	}
	st->dc.kind = st->dc.ns = st->dc.name = NULL;
}

/* Commits on success, discards otherwise; returns the load's status. */
static int stage_finish(stage *st, int rc)
{
	ingroute_ruleset *rs = st->rs;
	size_t i;

	if (rc == 0 && st->dc.oom)
		rc = INGROUTE_ENOMEM;
	if (rc == 0 && (rs->flags & INGROUTE_OPT_STRICT) && st->dc.errors)
		rc = INGROUTE_EINVALID;
	if (rc == 0)
		rc = reserve(rs, st->n - st->nclasses, st->nclasses);
	for (i = 0; i < st->n; i++) {
		if (rc < 0)
			ingroute__object_free(st->objs[i]);
		else if (st->objs[i]->kind == IG_OBJ_INGRESS)
			commit_ingress(rs, st->objs[i]);
		else
			commit_class(rs, st->objs[i]);
	}
	/* Notes after the commit cannot fail the load: one that cannot be
	 * stored is only counted. */
	if (rc == 0)
		class_notes(st);
	ingroute__free(&rs->alloc, st->objs);
	ingroute__free(&rs->alloc, st->index);
	return rc;
}

int ingroute_ruleset_load_buffer(ingroute_ruleset *rs, const char *data,
                                 size_t len, const char *name,
                                 ingroute_diags *diags)
{
	stage st;

	if (!rs || (!data && len))
		return INGROUTE_EINVAL;
	stage_init(&st, rs, diags);
	return stage_finish(&st, stage_buffer(&st, data ? data : "", len, name));
}

static int io_error(stage *st, const char *path, const char *what, int err)
{
	ig_pos none = { 0, 0 };

	st->dc.file = path;
	char msg[256];

	/* strerror() may use a shared buffer; loads run on many threads. */
	if (strerror_r(err, msg, sizeof(msg)) != 0)
		snprintf(msg, sizeof(msg), "error %d", err);
	ingroute__diag(&st->dc, INGROUTE_ERROR, INGROUTE_D_IO, none, NULL,
	               "cannot %s: %s", what, msg);
	return st->dc.oom ? INGROUTE_ENOMEM : INGROUTE_EIO;
}

static int stage_file(stage *st, const char *path)
{
	const ig_alloc *a = &st->rs->alloc;
	struct stat sb;
	char *data = NULL;
	size_t len = 0, cap;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_error(st, path, "open", errno);
	if (fstat(fd, &sb) < 0) {
		rc = io_error(st, path, "stat", errno);
		close(fd);
		return rc;
	}
	/* Size from stat is a hint (pipes and /proc say 0); the limit is
	 * enforced on what is actually read, which stops one byte past it. */
	if ((uint64_t)sb.st_size > st->rs->lim.input_bytes) {
		ig_pos none = { 0, 0 };

		close(fd);
		st->dc.file = path;
		ingroute__diag(&st->dc, INGROUTE_ERROR, INGROUTE_D_LIMIT, none, NULL,
		               "input of %lld bytes exceeds the limit of %zu bytes",
		               (long long)sb.st_size, st->rs->lim.input_bytes);
		return INGROUTE_ELIMIT;
	}
	cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 65536;
	for (;;) {
		ssize_t got;

		if (len == cap || !data) {
			size_t ncap = !data ? cap : cap * 2;
			char *p;

			if (len > st->rs->lim.input_bytes)
				break;
			if (ncap > st->rs->lim.input_bytes + 1)
				ncap = st->rs->lim.input_bytes + 1;
			p = ingroute__realloc(a, data, ncap);
			if (!p) {
				ingroute__free(a, data);
				close(fd);
				return INGROUTE_ENOMEM;
			}
			data = p;
			cap = ncap;
		}
		got = read(fd, data + len, cap - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = io_error(st, path, "read", errno);
			ingroute__free(a, data);
			close(fd);
			return rc;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	rc = stage_buffer(st, data, len, path);
	ingroute__free(a, data);
	return rc;
}

static int has_manifest_suffix(const char *name)
{
	static const char *const suffixes[] = { ".yaml", ".yml", ".json" };
	size_t n = strlen(name), i;

	for (i = 0; i < IG_ARRAY_LEN(suffixes); i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int stage_dir(stage *st, const char *path)
{
	const ig_alloc *a = &st->rs->alloc;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	dir = opendir(path);
	if (!dir)
		return io_error(st, path, "open directory", errno);
	while ((de = readdir(dir)) != NULL) {
		if (!has_manifest_suffix(de->d_name))
			continue;
		if (ingroute__grow(a, (void **)&names, &cap, n + 1, sizeof(*names)) < 0) {
			rc = INGROUTE_ENOMEM;
			break;
		}
		names[n] = ingroute__malloc(a, strlen(path) + strlen(de->d_name) + 2);
		if (!names[n]) {
			rc = INGROUTE_ENOMEM;
			break;
		}
		sprintf(names[n], "%s/%s", path, de->d_name);
		n++;
	}
	closedir(dir);
	if (rc == 0)
		ig_sort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == 0; i++) {
		struct stat sb;

		/* Subdirectories named like manifests are not descended into. */
		if (stat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			continue;
		rc = stage_file(st, names[i]);
	}
	for (i = 0; i < n; i++)
		ingroute__free(a, names[i]);
	ingroute__free(a, names);
	return rc;
}

int ingroute_ruleset_load_path(ingroute_ruleset *rs, const char *path,
                               ingroute_diags *diags)
{
	struct stat sb;
	stage st;
	int rc;

	if (!rs || !path)
		return INGROUTE_EINVAL;
	stage_init(&st, rs, diags);
	if (stat(path, &sb) < 0)
		rc = io_error(&st, path, "open", errno);
	else if (S_ISDIR(sb.st_mode))
		rc = stage_dir(&st, path);
	else
		rc = stage_file(&st, path);
	return stage_finish(&st, rc);
}

/* ---- queries and removal */

int ingroute_ruleset_remove(ingroute_ruleset *rs, const char *ns,
                            const char *name)
{
	ig_object **p;
	size_t at;

	if (!rs || !name)
		return INGROUTE_EINVAL;
	if (!ns)
		ns = rs->default_ns;
	p = find_item(rs, ns, strlen(ns), name, strlen(name));
	if (!p)
		return INGROUTE_ENOENT;
	at = (size_t)(p - rs->items);
	ingroute__object_free(*p);
	memmove(&rs->items[at], &rs->items[at + 1],
	        (rs->n - at - 1) * sizeof(*rs->items));
	rs->n--;
	index_rebuild(rs);
	return 0;
}

size_t ingroute_ingress_info_size(void)
{
	return sizeof(ingroute_ingress_info);
}

size_t ingroute_ruleset_count(const ingroute_ruleset *rs)
{
	return rs ? rs->n : 0;
}

/* DESIGN 4.3, with a fixed reason for each outcome. */
static int class_served(const ingroute_ruleset *rs, const ig_object *o,
                        const char **reason)
{
	const char *want = rs->ingress_class;
	const ig_str *ann;
	ig_object **cls;

	if (!want) {
		*reason = "no ingress class is configured: every Ingress is served";
		return 1;
	}
	if (o->class_name.s) {
		int ok = o->class_name.len == strlen(want) &&
		         memcmp(o->class_name.s, want, o->class_name.len) == 0;

		*reason = ok ? "spec.ingressClassName is the configured class"
		             : "spec.ingressClassName names another class";
		return ok;
	}
	ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
	if (ann) {
		int ok = ann->len == strlen(want) && memcmp(ann->s, want, ann->len) == 0;

		*reason = ok ? "the kubernetes.io/ingress.class annotation is the "
		               "configured class"
		             : "the kubernetes.io/ingress.class annotation names "
		               "another class";
		return ok;
	}
	if (rs->flags & INGROUTE_OPT_DEFAULT_CLASS) {
		*reason = "no class set, and the configured class is the default "
		          "(by option)";
		return 1;
	}
	cls = find_class(rs, want, strlen(want));
	if (cls && (*cls)->is_default) {
		*reason = "no class set, and the configured class is the default "
		          "(its IngressClass is annotated is-default-class)";
		return 1;
	}
	*reason = "no class set, and the configured class is not the default";
	return 0;
}

static void fill_info(const ingroute_ruleset *rs, const ig_object *o,
                      ingroute_ingress_info *out)
{
	ingroute_ingress_info v;
	const ig_str *ann;
	uint32_t i;

	memset(&v, 0, sizeof(v));
	v.size = out->size < sizeof(v) ? out->size : sizeof(v);
	v.ns = o->ns.s;
	v.name = o->name.s;
	v.file = o->file;
	v.line = o->pos.line;
	v.column = o->pos.col;
	v.served = class_served(rs, o, &v.reason);
	ann = ingroute__object_annotation(o, "kubernetes.io/ingress.class");
	v.ingress_class = o->class_name.s ? o->class_name.s : ann ? ann->s : NULL;
	v.rules = o->nrules;
	for (i = 0; i < o->nrules; i++)
		v.paths += o->rules[i].npaths;
	v.tls = o->ntls;
	v.has_default_backend = o->default_backend != NULL;
	memcpy(out, &v, v.size);
}

int ingroute_ruleset_get(const ingroute_ruleset *rs, size_t index,
                         ingroute_ingress_info *out)
{
	if (!rs || !out || out->size < INFO_V1_SIZE)
		return INGROUTE_EINVAL;
	if (index >= rs->n)
		return INGROUTE_ENOENT;
	fill_info(rs, rs->items[index], out);
	return 0;
}

int ingroute_ruleset_find(const ingroute_ruleset *rs, const char *ns,
                          const char *name, ingroute_ingress_info *out)
{
	ig_object **p;

	if (!rs || !name || !out || out->size < INFO_V1_SIZE)
		return INGROUTE_EINVAL;
	if (!ns)
		ns = rs->default_ns;
	p = find_item(rs, ns, strlen(ns), name, strlen(name));
	if (!p)
		return INGROUTE_ENOENT;
	fill_info(rs, *p, out);
	return 0;
}

void ingroute__ruleset_view(const ingroute_ruleset *rs, ig_ruleset_view *v)
{
	v->alloc = &rs->alloc;
	v->flags = rs->flags;
	v->impl_specific = rs->impl_specific;
	v->default_backend = rs->default_backend;
	v->max_diagnostics = rs->max_diagnostics;
	v->items = rs->items;
	v->n = rs->n;
}

int ingroute__ruleset_serves(const ingroute_ruleset *rs, const ig_object *o)
{
	const char *why;

	return class_served(rs, o, &why);
}
