/*
 * Decoding: a document tree into objects of the model, with the type
 * errors, duplicate keys and unknown fields the API server's decoder
 * reports. Decoding never validates: the ruleset hands each decoded
 * object to validate.c.
 */
#ifndef INGROUTE_DECODE_H
#define INGROUTE_DECODE_H

#include "doc.h"
#include "model.h"

typedef struct ig_decode_opts {
	const ig_alloc *alloc;
	const char *file;
	const char *default_ns;
} ig_decode_opts;

/* Called for each decoded object with the diagnostic context that names
 * it. errors is the number of decoding errors it had (an object with
 * errors is not validated and is dropped). The callee takes ownership of
 * obj. Returns 0 or a negative status. */
typedef int (*ig_object_fn)(void *ctx, ig_object *obj, size_t errors,
                            const ig_diag_ctx *about);

/* What decoding one item of a List early produced, in order: each
 * object with the diagnostics reported before it, then any left after
 * the last. Held until the document ends and shows whether the item
 * really is one of a List's. */
typedef struct ig_held {
	ig_object *obj;               /* NULL: diagnostics only */
	size_t obj_errors;            /* decoding errors of obj */
	size_t diag_first, diag_end;  /* kept in ig_decoder.held */
	size_t counts[3];             /* reported, by severity */
	size_t errors;                /* reported errors */
} ig_held;

/* Decodes documents into objects for fn, reporting into dc. */
typedef struct ig_decoder {
	const ig_decode_opts *o;
	const ig_diag_ctx *dc;
	ig_object_fn fn;
	void *ctx;
	/* Of the current document: items taken early, by IG_TAKEN's n, each
	 * a range of recs. */
	size_t (*items)[2];
	size_t nitems, cap_items;
	ig_held *recs;
	size_t nrecs, cap_recs;
	ingroute_diags *held;         /* their diagnostics, if dc keeps any */
	ig_diag_sink sink;
	ig_diag_ctx hdc;              /* dc reporting into sink */
	size_t size_hint;             /* first chunk of an object's arena */
} ig_decoder;

void ingroute__decoder_init(ig_decoder *d, const ig_decode_opts *o,
                            const ig_diag_ctx *dc, ig_object_fn fn, void *ctx);
/* Parses a buffer (ingroute__doc_parse) and decodes its documents, each
 * object handed to fn in document order. Returns 0 or a negative status,
 * like ingroute__doc_parse. */
int ingroute__decode_buffer(ig_decoder *d, const ig_limits *lim,
                            const char *data, size_t len);
void ingroute__decoder_free(ig_decoder *d);

#endif /* INGROUTE_DECODE_H */
