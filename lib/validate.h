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

#endif /* INGROUTE_VALIDATE_H */
