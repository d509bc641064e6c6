/*
 * Internal declarations shared by the library's translation units.
 * Non-static symbols carry the ingroute__ prefix and are hidden by the
 * version script; nothing here is ABI.
 */
#ifndef INGROUTE_INTERNAL_H
#define INGROUTE_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#include "ingroute.h"

#include <stdlib.h>

#define IG_UNUSED(x) ((void)(x))
#define IG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define IG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define IG_LIKELY(x) __builtin_expect(!!(x), 1)
#define IG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define IG_PRINTF(f, a)
#define IG_LIKELY(x) (x)
#define IG_UNLIKELY(x) (x)
#endif

/* qsort, which must not be handed a NULL array even to sort nothing. */
static inline void ig_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* The value of a hexadecimal digit, or -1. */
static inline int ig_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---------------------------------------------------------------- alloc.c */

/* The allocator every object carries: a copy of the caller's or libc's. */
typedef ingroute_allocator ig_alloc;

extern const ig_alloc ingroute__default_alloc;

void *ingroute__malloc(const ig_alloc *a, size_t n);
void *ingroute__calloc(const ig_alloc *a, size_t count, size_t n);
void *ingroute__realloc(const ig_alloc *a, void *p, size_t n);
void ingroute__free(const ig_alloc *a, void *p);
/* Grows *items (of elem bytes each) to hold at least need; amortised. */
int ingroute__grow(const ig_alloc *a, void **items, size_t *cap, size_t need,
                   size_t elem);

/* ---------------------------------------------------------------- arena.c */

/* A bump allocator: many small objects, freed together. */
typedef struct ig_arena_chunk ig_arena_chunk;
typedef struct ig_arena {
	const ig_alloc *alloc;
	ig_arena_chunk *head;
	char *cur;
	char *end;
	size_t total;  /* bytes obtained from the allocator */
	ig_arena_chunk *spare;  /* released by ingroute__arena_release */
	size_t first;  /* size of the first chunk, if set */
} ig_arena;

/* A point to release an arena back to. */
typedef struct ig_arena_mark {
	ig_arena_chunk *head;
	char *cur;
	char *end;
	size_t total;
} ig_arena_mark;

void ingroute__arena_init(ig_arena *ar, const ig_alloc *a);
void ingroute__arena_free(ig_arena *ar);
/* Forgets every allocation but keeps one chunk for reuse. */
void ingroute__arena_reset(ig_arena *ar);
void *ingroute__arena_alloc(ig_arena *ar, size_t n);  /* 8-byte aligned */
void *ingroute__arena_zalloc(ig_arena *ar, size_t n);
/* Copies n bytes and a NUL; NULL on OOM. */
char *ingroute__arena_strndup(ig_arena *ar, const char *s, size_t n);
/* Bytes handed out, and lost at the ends of full chunks. */
size_t ingroute__arena_used(const ig_arena *ar);
/* Forgets every allocation made since the mark. */
ig_arena_mark ingroute__arena_mark(const ig_arena *ar);
void ingroute__arena_release(ig_arena *ar, ig_arena_mark m);

/* ------------------------------------------------------------------ buf.c */

/* A growable byte string; on OOM it sets failed and ignores more input. */
typedef struct ig_buf {
	const ig_alloc *alloc;
	char *data;
	size_t len;
	size_t cap;
	int failed;
} ig_buf;

void ingroute__buf_init(ig_buf *b, const ig_alloc *a);
void ingroute__buf_free(ig_buf *b);
void ingroute__buf_put(ig_buf *b, const char *s, size_t n);
void ingroute__buf_puts(ig_buf *b, const char *s);
void ingroute__buf_printf(ig_buf *b, const char *fmt, ...) IG_PRINTF(2, 3);
void ingroute__buf_vprintf(ig_buf *b, const char *fmt, va_list ap);
/* Appends s as Go's %q would: "..." with escapes for quotes, backslashes,
 * control bytes and invalid UTF-8. */
void ingroute__buf_quote(ig_buf *b, const char *s, size_t n);
/* Appends s as a JSON string (invalid UTF-8 becomes U+FFFD); the _cstr
 * form writes null for NULL. */
void ingroute__buf_json(ig_buf *b, const char *s, size_t n);
void ingroute__buf_json_cstr(ig_buf *b, const char *s);
/* NUL-terminated contents, or NULL if anything failed. */
const char *ingroute__buf_cstr(ig_buf *b);

/* ----------------------------------------------------------------- diag.c */

typedef struct ig_pos {
	uint32_t line;  /* 1-based; 0 unknown */
	uint32_t col;
} ig_pos;

/* Where the diagnostics of one call go, and what they add up to: shared
 * by every stage of that call. */
typedef struct ig_diag_sink {
	ingroute_diags *diags;   /* may be NULL: reports are only counted */
	size_t max;              /* diagnostics kept by this call */
	size_t kept;             /* kept by this call so far */
	size_t errors;           /* errors reported by this call */
	int oom;                 /* a report could not be stored */
} ig_diag_sink;

/* What a report is about. A stage that speaks of another object makes a
 * copy with ig_diag_about() instead of changing and restoring fields. */
typedef struct ig_diag_ctx {
	ig_diag_sink *sink;
	const char *file;
	const char *kind;
	const char *ns;
	const char *name;
} ig_diag_ctx;

static inline ig_diag_ctx ig_diag_about(const ig_diag_ctx *dc, const char *kind,
                                        const char *ns, const char *name)
{
	ig_diag_ctx sub = *dc;

	sub.kind = kind;
	sub.ns = ns;
	sub.name = name;
	return sub;
}

static inline ig_diag_ctx ig_diag_in_file(const ig_diag_ctx *dc,
                                          const char *file)
{
	ig_diag_ctx sub = *dc;

	sub.file = file;
	return sub;
}

/* Appends a diagnostic. field may be NULL. Never fails: on OOM or past
 * max the diagnostic is only counted. */
void ingroute__diag(const ig_diag_ctx *dc, int severity, int code, ig_pos pos,
                    const char *field, const char *fmt, ...) IG_PRINTF(6, 7);
void ingroute__vdiag(const ig_diag_ctx *dc, int severity, int code, ig_pos pos,
                     const char *field, const char *fmt, va_list ap);
/* Reports into `to` again what `from` holds at [first, end), each with
 * its own file and object, then as many more of each severity as counts
 * says were reported beyond those (from counted them without keeping
 * them; from's sink kept at most what to's had room for, so to only
 * counts them too). */
void ingroute__diags_replay(const ingroute_diags *from, size_t first,
                            size_t end, const size_t counts[3],
                            const ig_diag_ctx *to);

/* --------------------------------------------------------------- keyset.c */

/* A set of namespace/name keys (the ruleset's rejected Ingresses). */
typedef struct ig_key ig_key;
typedef struct ig_keyset {
	ig_key **slots;
	size_t n;
	size_t cap;           /* power of two, or 0 */
} ig_keyset;

uint64_t ingroute__key_hash(const char *ns, size_t nslen, const char *name,
                            size_t namelen);
/* A key for keyset_put, owned by the caller until then; NULL on OOM. */
ig_key *ingroute__key_new(const ig_alloc *a, const char *ns, size_t nslen,
                          const char *name, size_t namelen);
/* Room for `more` puts that then cannot fail; 0 or INGROUTE_ENOMEM. */
int ingroute__keyset_reserve(ig_keyset *ks, const ig_alloc *a, size_t more);
/* Takes ownership of k (freed at once if the key is already there). */
void ingroute__keyset_put(ig_keyset *ks, const ig_alloc *a, ig_key *k);
int ingroute__keyset_has(const ig_keyset *ks, const char *ns, size_t nslen,
                         const char *name, size_t namelen);
void ingroute__keyset_del(ig_keyset *ks, const ig_alloc *a, const char *ns,
                          size_t nslen, const char *name, size_t namelen);
/* Removes every key and keeps the room: later puts within it cannot fail. */
void ingroute__keyset_clear(ig_keyset *ks, const ig_alloc *a);
void ingroute__keyset_free(ig_keyset *ks, const ig_alloc *a);

/* ----------------------------------------------------------------- load.c */

/* Reads a whole regular file, failing with INGROUTE_ELIMIT past limit
 * bytes and INGROUTE_EIO (with a diagnostic) when it cannot be read. A
 * FIFO, socket, device or directory is never opened for reading: that
 * is INGROUTE_EIO, or IG_READ_SKIPPED (an error diagnostic, nothing
 * read) when `listed` says a directory listing named it, as it does for
 * a dangling symbolic link. *out is the caller's to free. */
#define IG_READ_SKIPPED 1
int ingroute__read_file(const ig_alloc *a, const char *path, size_t limit,
                        int listed, const ig_diag_ctx *dc, char **out,
                        size_t *out_len);
/* The manifest files of a directory (*.yaml, *.yml, *.json), each as
 * "DIR/NAME", in byte order of their names; free with
 * ingroute__free_names(). 0, INGROUTE_EIO or INGROUTE_ENOMEM. */
int ingroute__list_dir(const ig_alloc *a, const char *path,
                       const ig_diag_ctx *dc, char ***out, size_t *n);
void ingroute__free_names(const ig_alloc *a, char **names, size_t n);
/* 1 when path names a directory (following links). */
int ingroute__is_dir(const char *path);
/* A file read whole: its name as shown and its bytes. */
typedef struct ig_file {
	char *name;
	char *data;
	size_t len;
} ig_file;
/* Reads the manifest files of a directory that kubelet writes atomically
 * (a "..data" link: a ConfigMap or Secret volume) as one version, named
 * "DIR/NAME". IG_NOT_ATOMIC for any other directory; else 0 or a load's
 * error. Free with ingroute__free_files(). */
#define IG_NOT_ATOMIC 2
int ingroute__read_atomic_dir(const ig_alloc *a, const char *path,
                              size_t limit, const ig_diag_ctx *dc,
                              ig_file **out, size_t *n);
void ingroute__free_files(const ig_alloc *a, ig_file *files, size_t n);
/* Reports an errno as an INGROUTE_D_IO error; returns INGROUTE_EIO (or
 * INGROUTE_ENOMEM when the report could not be stored). */
int ingroute__io_error(const ig_diag_ctx *dc, const char *path,
                       const char *what, int err);

/* ----------------------------------------------------------------- hash.c */

uint64_t ingroute__hash(const void *data, size_t len, uint64_t seed);
/* A fresh random seed (getrandom, else time and addresses). */
uint64_t ingroute__random_seed(const void *salt);
/* One random seed for the life of the process, for keyed indexes. */
uint64_t ingroute__process_seed(void);

/* ----------------------------------------------------------------- time.c */

/* Parses an RFC 3339 time (years 0001 to 9999, as Go's time package
 * takes) into seconds and nanoseconds since the epoch; -1 when malformed. */
int ingroute__parse_rfc3339(const char *s, size_t n, int64_t *sec,
                            int32_t *nsec);

/* Orders two timestamps: <0, 0, >0. */
static inline int ig_ts_cmp(int64_t as, int32_t an, int64_t bs, int32_t bn)
{
	if (as != bs)
		return as < bs ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

#endif /* INGROUTE_INTERNAL_H */
