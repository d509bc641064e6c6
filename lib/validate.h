/*
 * Validation: the API server's rules for a decoded object, with its field
 * paths and messages (docs/semantics.md §2). It reads the model only.
 */
#ifndef INGROUTE_VALIDATE_H
#define INGROUTE_VALIDATE_H

#include "model.h"

/* Reports the validation errors of a decoded object into dc (which names
 * the object) and returns how many it found. */
size_t ingroute__validate_object(const ig_object *obj, const ig_diag_ctx *dc);

/* The API server's check of one name an option gives, as for the field
 * that holds such a name in an object: its first message, or NULL when
 * the name is valid. */
enum ig_name_kind {
	IG_NAME_NAMESPACE,   /* a DNS-1123 label */
	IG_NAME_SERVICE,     /* a DNS-1123 label */
	IG_NAME_PORT         /* an IANA service name */
};
const char *ingroute__name_problem(int kind, const char *s, size_t n);

/* ---- for the validation of other kinds (validate-gateway.c) */

/* A field path as a chain up to its root: "name" after up's path (with
 * a dot unless it is the first), then "[index]" when index >= 0. */
typedef struct ig_fld {
	const struct ig_fld *up;
	const char *name;
	long index;
} ig_fld;

#define IG_FLD(up, name) ((ig_fld){ (up), (name), -1 })
#define IG_FLD_AT(up, name, i) ((ig_fld){ (up), (name), (long)(i) })

typedef struct ig_val {
	const ig_diag_ctx *dc;
	const ig_alloc *alloc;
	size_t errors;
} ig_val;

/* An error at pos about field f, printed as field.Error prints one. */
void ingroute__val_report(ig_val *v, ig_pos pos, const ig_fld *f,
                          const char *fmt, ...) IG_PRINTF(4, 5);
/* "Invalid value: "s": detail", s quoted as Go quotes it. */
void ingroute__val_invalid(ig_val *v, ig_pos pos, const ig_fld *f,
                           const char *s, size_t n, const char *detail);
/* "Required value" with an optional detail. */
void ingroute__val_required(ig_val *v, ig_pos pos, const ig_fld *f,
                            const char *detail);
/* The regexes of a DNS-1123 label, [a-z0-9]([-a-z0-9]*[a-z0-9])?, and
 * subdomain, LABEL(\.LABEL)*, without their length limits. */
int ingroute__match_label(const char *s, size_t n);
int ingroute__match_subdomain(const char *s, size_t n);
/* ValidateObjectMeta: name (a DNS-1123 subdomain), generateName,
 * namespace, labels, annotations, owners, finalizers. */
void ingroute__validate_meta(ig_val *v, const ig_object *o);

#endif /* INGROUTE_VALIDATE_H */
