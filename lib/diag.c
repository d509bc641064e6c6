/*
 * The caller-owned diagnostics list. Reporting never fails from the
 * reporter's point of view: a diagnostic that cannot be stored (allocation
 * failure, or past max_diagnostics) is still counted, so a caller always
 * learns that errors happened even when it cannot read them all.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct entry {
	int severity;
	int code;
	unsigned int line;
	unsigned int column;
	const char *file;
	const char *kind;
	const char *ns;
	const char *name;
	const char *field;
	const char *message;
} entry;

struct ingroute_diags {
	ig_alloc alloc;
	ig_arena arena;
	entry *items;
	size_t n;
	size_t cap;
	size_t counts[3];
};

int ingroute_diags_new(ingroute_diags **out, const ingroute_allocator *allocator)
{
	const ig_alloc *a = allocator ? allocator : &ingroute__default_alloc;
	ingroute_diags *d;

	if (!out)
		return INGROUTE_EINVAL;
	*out = NULL;
	if (!a->malloc_fn || !a->realloc_fn || !a->free_fn)
		return INGROUTE_EINVAL;
	d = ingroute__calloc(a, 1, sizeof(*d));
	if (!d)
		return INGROUTE_ENOMEM;
	d->alloc = *a;
	ingroute__arena_init(&d->arena, &d->alloc);
	*out = d;
	return 0;
}

void ingroute_diags_clear(ingroute_diags *d)
{
	if (!d)
		return;
	ingroute__arena_free(&d->arena);
	d->n = 0;
	memset(d->counts, 0, sizeof(d->counts));
}

void ingroute_diags_free(ingroute_diags *d)
{
	ig_alloc a;

	if (!d)
		return;
	a = d->alloc;
	ingroute__arena_free(&d->arena);
	ingroute__free(&a, d->items);
	ingroute__free(&a, d);
}

size_t ingroute_diag_size(void)
{
	return sizeof(ingroute_diag);
}

size_t ingroute_diags_count(const ingroute_diags *d)
{
	return d ? d->n : 0;
}

size_t ingroute_diags_count_severity(const ingroute_diags *d, int severity)
{
	if (!d || severity < INGROUTE_NOTE || severity > INGROUTE_ERROR)
		return 0;
	return d->counts[severity];
}

/* The first published layout ends with message. */
#define DIAG_V1_SIZE (offsetof(ingroute_diag, message) + sizeof(const char *))

int ingroute_diags_get(const ingroute_diags *d, size_t index, ingroute_diag *out)
{
	ingroute_diag v;
	const entry *e;

	if (!d || !out || out->size < DIAG_V1_SIZE)
		return INGROUTE_EINVAL;
	if (index >= d->n)
		return INGROUTE_ENOENT;
	e = &d->items[index];
	memset(&v, 0, sizeof(v));
	v.size = out->size < sizeof(v) ? out->size : sizeof(v);
	v.severity = e->severity;
	v.code = e->code;
	v.file = e->file;
	v.line = e->line;
	v.column = e->column;
	v.kind = e->kind;
	v.ns = e->ns;
	v.name = e->name;
	v.field = e->field;
	v.message = e->message;
	memcpy(out, &v, v.size);
	return 0;
}

static const char *const severity_names[] = { "note", "warning", "error" };

static void format_entry(ig_buf *b, const entry *e)
{
	const char *loc = e->file ? e->file : (e->line ? "<input>" : NULL);

	if (loc) {
		ingroute__buf_puts(b, loc);
		if (e->line)
			ingroute__buf_printf(b, ":%u:%u", e->line, e->column);
		ingroute__buf_puts(b, ": ");
	}
	ingroute__buf_printf(b, "%s: ", severity_names[e->severity]);
	if (e->kind) {
		ingroute__buf_puts(b, e->kind);
		if (e->ns || e->name)
			ingroute__buf_puts(b, " ");
		if (e->ns)
			ingroute__buf_printf(b, "%s/", e->ns);
		if (e->name)
			ingroute__buf_puts(b, e->name);
		ingroute__buf_puts(b, ": ");
	}
	if (e->field)
		ingroute__buf_printf(b, "%s: ", e->field);
	ingroute__buf_puts(b, e->message);
}

size_t ingroute_diags_format(const ingroute_diags *d, size_t index, char *buf,
                             size_t cap)
{
	/* Formatting into a stack buffer first would cap line length; an
	 * ig_buf on the diags' allocator keeps long messages whole. */
	ig_buf b;
	const char *s;
	size_t len;

	if (!buf)
		cap = 0; /* a size query, whatever the capacity says */
	if (!d || index >= d->n)
		return 0;
	ingroute__buf_init(&b, &d->alloc);
	format_entry(&b, &d->items[index]);
	s = ingroute__buf_cstr(&b);
	if (!s) {
		ingroute__buf_free(&b);
		if (cap)
			buf[0] = '\0';
		return 0;
	}
	len = b.len;
	if (cap) {
		size_t n = len < cap - 1 ? len : cap - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
	}
	ingroute__buf_free(&b);
	return len;
}

/* Copies s with control bytes written as escapes (\n, \x1b, ...): text
 * from a manifest must not be able to start a line of its own or drive a
 * terminal when a diagnostic is printed. */
static const char *dup_str(ingroute_diags *d, const char *s)
{
	size_t n, extra = 0, i, w = 0;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			extra += 3;
	if (!extra)
		return ingroute__arena_strndup(&d->arena, s, n);
	p = ingroute__arena_alloc(&d->arena, n + extra + 1);
	if (!p)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			static const char hex[] = "0123456789abcdef";

			p[w++] = '\\';
			p[w++] = 'x';
			p[w++] = hex[c >> 4];
			p[w++] = hex[c & 15];
		} else {
			p[w++] = (char)c;
		}
	}
	p[w] = '\0';
	return p;
}

static int push(ingroute_diags *d, int severity, int code, ig_pos pos,
                const ig_diag_ctx *dc, const char *field, const char *msg)
{
	entry e;

	if (ingroute__grow(&d->alloc, (void **)&d->items, &d->cap, d->n + 1,
	                   sizeof(entry)) < 0)
		return -1;
	e.severity = severity;
	e.code = code;
	e.line = pos.line;
	e.column = pos.col;
	e.file = dup_str(d, dc->file);
	e.kind = dup_str(d, dc->kind);
	e.ns = dup_str(d, dc->ns);
	e.name = dup_str(d, dc->name);
	e.field = dup_str(d, field);
	e.message = dup_str(d, msg);
	if (!e.message || (dc->file && !e.file) || (dc->kind && !e.kind) ||
	    (dc->ns && !e.ns) || (dc->name && !e.name) || (field && !e.field))
		return -1;
	d->items[d->n++] = e;
	return 0;
}

/* Counts a report; 1 when it is to be kept as well. */
static int tally(const ig_diag_ctx *dc, int severity, ig_pos pos)
{
	ig_diag_sink *sink = dc->sink;
	ingroute_diags *d = sink->diags;

	if (severity == INGROUTE_ERROR)
		sink->errors++;
	if (!d)
		return 0;
	d->counts[severity]++;
	if (sink->kept > sink->max)
		return 0;
	if (sink->kept == sink->max) {
		ig_diag_ctx bare;

		memset(&bare, 0, sizeof(bare));
		bare.file = dc->file;
		sink->kept++;
		if (push(d, INGROUTE_NOTE, INGROUTE_D_TRUNCATED, pos, &bare, NULL,
		         "too many diagnostics; the rest are counted, not kept") < 0)
			sink->oom = 1;
		return 0;
	}
	return 1;
}

void ingroute__vdiag(const ig_diag_ctx *dc, int severity, int code,
                     ig_pos pos, const char *field, const char *fmt,
                     va_list ap)
{
	ig_diag_sink *sink = dc->sink;
	ingroute_diags *d = sink->diags;
	ig_buf msg;
	const char *m;

	if (!tally(dc, severity, pos))
		return;
	ingroute__buf_init(&msg, &d->alloc);
	ingroute__buf_vprintf(&msg, fmt, ap);
	m = ingroute__buf_cstr(&msg);
	if (!m || push(d, severity, code, pos, dc, field, m) < 0)
		sink->oom = 1;
	else
		sink->kept++;
	ingroute__buf_free(&msg);
}

void ingroute__diag(const ig_diag_ctx *dc, int severity, int code, ig_pos pos,
                    const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ingroute__vdiag(dc, severity, code, pos, field, fmt, ap);
	va_end(ap);
}

void ingroute__diags_replay(const ingroute_diags *from, size_t first,
                            size_t end, const size_t counts[3],
                            const ig_diag_ctx *to)
{
	size_t left[3], i;
	int sev;

	memcpy(left, counts, sizeof(left));
	for (i = first; i < end; i++) {
		const entry *e = &from->items[i];
		ig_diag_ctx c = *to;
		ig_pos pos;

		/* from's own note that it stopped keeping: to makes its own
		 * when it stops. */
		if (e->code == INGROUTE_D_TRUNCATED)
			continue;
		c.file = e->file;
		c.kind = e->kind;
		c.ns = e->ns;
		c.name = e->name;
		pos.line = e->line;
		pos.col = e->column;
		ingroute__diag(&c, e->severity, e->code, pos, e->field, "%s",
		               e->message);
		if (left[e->severity])
			left[e->severity]--;
	}
	/* Those from only counted: to, which had kept at least as many by
	 * then, only counts them too. */
	for (sev = INGROUTE_NOTE; sev <= INGROUTE_ERROR; sev++)
		for (; left[sev]; left[sev]--) {
			ig_pos none = { 0, 0 };

			(void)tally(to, sev, none);
		}
}
