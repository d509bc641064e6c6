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

#endif /* INGROUTE_VALIDATE_H */
