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

/* Decodes one document root into objects, reporting into dc. Returns 0 or
 * INGROUTE_ENOMEM, INGROUTE_ELIMIT, or the callback's status. */
int ingroute__decode_document(const ig_decode_opts *o, const ig_node *root,
                              const ig_diag_ctx *dc, ig_object_fn fn,
                              void *ctx);

#endif /* INGROUTE_DECODE_H */
